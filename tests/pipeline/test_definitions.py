"""The code location loads as Dagster loads it, and `dagster job execute` runs the job."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from dph_pipeline.definitions import build_defs
from dph_pipeline.sample import generate
from dph_pipeline.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
QUERIES = [
    "common_from_public_cidr_ipv4",
    "common_only_denied",
    "s3_bucket_policy_identity_perimeter_org_boundary",
]
REFERENTIAL = ["accounts", "iam_roles", "org_tree", "s3_buckets", "vpc_endpoints"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("defs")
    generate(folder, days=2, events_per_day=5)
    return folder


def test_assets_groups_and_job(sample: Path):
    defs = build_defs(load_settings(sample / "variables.yaml", environ={}))
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
    assert keys == sorted(
        [*QUERIES, *REFERENTIAL, "cloudtrail_files", "cloudtrail_day_store", "perimeter_report"]
    )
    groups = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["common_only_denied"] == "common"
    assert groups[QUERIES[2]] == "s3"
    assert groups["accounts"] == "referential"
    assert groups["perimeter_report"] == "reports"
    upstream = {k.to_user_string() for k in graph.get(dg.AssetKey(QUERIES[2])).parent_keys}
    assert upstream == {"accounts", "iam_roles", "s3_buckets", "cloudtrail_day_store"}
    assert defs.resolve_job_def("perimeter_job") is not None


def test_query_selection_narrows_the_report(sample: Path):
    defs = build_defs(load_settings(sample / "variables.yaml", environ={}), ["denied"])
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert [q for q in QUERIES if q in keys] == ["common_only_denied"]


def test_dagster_job_execute(sample: Path, tmp_path: Path):
    env = {
        **os.environ,
        "DPH_VARIABLES_FILE": str(sample / "variables.yaml"),
        "DAGSTER_HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    tags = {
        "dagster/asset_partition_range_start": "2024-03-04",
        "dagster/asset_partition_range_end": "2024-03-05",
    }
    command = [sys.executable, "-m", "dagster", "job", "execute", "-m", "dph_pipeline"]
    done = subprocess.run(
        [*command, "-j", "perimeter_job", "--tags", json.dumps(tags)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((sample / "outputs" / "data_perimeter.json").read_text())
    denied = {q["query_id"]: q for q in report["queries"]}["common_only_denied"]
    # planted denials: the operator twice, the vendor once, the legacy IAM user once
    assert sum(r["nb_reqs"] for r in denied["rows"]) == 4


def test_job_without_days_says_what_to_pass(sample: Path):
    defs = build_defs(load_settings(sample / "variables.yaml", environ={}))
    result = defs.resolve_job_def("perimeter_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    assert "this asset is partitioned by UTC day" in failures[0].step_failure_data.error.message


def test_observing_the_files_versions_each_day(sample: Path):
    defs = build_defs(load_settings(sample / "variables.yaml", environ={}))
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey("cloudtrail_day_store")).parent_keys
    assert {k.to_user_string() for k in parents} == {"cloudtrail_files"}
    with dg.instance_for_test() as instance:
        job = defs.resolve_job_def("observe_cloudtrail_files")
        result = job.execute_in_process(instance=instance)
        assert result.success
        observations = [
            e.asset_observation_data.asset_observation
            for e in result.all_events
            if e.event_type_value == "ASSET_OBSERVATION"
        ]
    assert sorted(o.partition for o in observations) == ["2024-03-04", "2024-03-05"]
    assert all(len(o.tags["dagster/data_version"]) == 16 for o in observations)

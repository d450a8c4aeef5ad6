"""Second runs: unchanged days are not recomputed; a changed perimeter shows in the report."""

import contextlib
import io
import json
from pathlib import Path

import dagster as dg
import pytest

from dph_pipeline.definitions import PERIMETER_JOB, build_defs
from dph_pipeline.run import run_pipeline
from dph_pipeline.sample import generate
from dph_pipeline.settings import load_settings

VENDOR = "AROAVENDORREADERROLE1:nightly"


def _run(folder: Path, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        outcome = run_pipeline(
            load_settings(folder / "variables.yaml", environ={}), log_level="ERROR", **kwargs
        )
    assert outcome.success
    return outcome, json.loads((folder / "outputs" / "data_perimeter.json").read_text())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental")
    generate(folder, days=3, events_per_day=20)
    _run(folder)
    return folder


def _rows(report: dict, query: str) -> list[dict]:
    return {q["query_id"]: q["rows"] for q in report["queries"]}[query]


def test_rerun_keeps_every_day(sample: Path):
    store = sample / "dph-store"
    before = {p: p.stat().st_mtime_ns for p in store.rglob("*.parquet")}
    _, report = _run(sample)
    after = {
        p: p.stat().st_mtime_ns for p in store.rglob("*.parquet") if "referential" not in p.parts
    }
    assert after == {p: t for p, t in before.items() if "referential" not in p.parts}
    assert report["notes"] == []


def test_a_trusted_vendor_changes_only_the_days_that_run(sample: Path):
    perimeter = sample / "data_perimeter.yaml"
    original = perimeter.read_text()
    perimeter.write_text(
        original.replace(
            "  identity_perimeter_trusted_account:\n",
            '  identity_perimeter_trusted_account:\n    - "999988887777"\n',
        )
    )
    try:
        # a run of the job for the last day only, as a sensor would request it
        defs = build_defs(load_settings(sample / "variables.yaml", environ={}))
        result = defs.resolve_job_def(PERIMETER_JOB).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            tags={
                "dagster/asset_partition_range_start": "2024-03-06",
                "dagster/asset_partition_range_end": "2024-03-06",
            },
        )
    finally:
        perimeter.write_text(original)
    assert result.success
    report = json.loads((sample / "outputs" / "data_perimeter.json").read_text())
    s3 = "s3_bucket_policy_identity_perimeter_org_boundary"
    # the report keeps the 3-day window; days 1 and 2 were computed with the old perimeter
    assert report["window"] == {"start": "2024-03-04", "end": "2024-03-06"}
    # the vendor read is on day 1: still listed, from the result computed before the change
    assert sorted(r["principalid"] for r in _rows(report, s3)) == ["", VENDOR]
    assert (
        f"{s3}: results for 2024-03-04 .. 2024-03-05 were computed before the CloudTrail files, "
        "the perimeter file or the inventory changed; run these days again."
    ) in report["notes"]


def test_empty_bucket_inventory_is_named_in_the_report(tmp_path: Path):
    generate(tmp_path, days=2, events_per_day=0)
    (tmp_path / "inventory" / "s3_buckets.json").unlink()
    _, report = _run(tmp_path)
    assert report["notes"] == [
        "the s3_buckets inventory is empty: s3_bucket_policy_identity_perimeter_org_boundary "
        "cannot match calls against it (see docs/inventory.md, 'What each dataset is used for')."
    ]
    s3 = "s3_bucket_policy_identity_perimeter_org_boundary"
    assert _rows(report, s3) == []

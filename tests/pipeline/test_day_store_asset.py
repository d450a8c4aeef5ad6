"""The day store asset over every shared CloudTrail file: skipped files reach the metadata."""

import json
from pathlib import Path

import dagster as dg
import pytest

from assets.cloudtrail import cloudtrail_day_store_asset, day_store_check
from assets.partitions import daily_partitions
from resources.engine import DuckDBEngine
from tests.pipeline.conftest import SHARED_DATA

DIGEST = (
    SHARED_DATA / "elastic-integrations-cloudtrail-pipeline-tests/test-cloudtrail-digest-json.log"
)
PARTITIONS = daily_partitions("2014-01-01")


def _materialize(engine: DuckDBEngine, first: str, last: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [cloudtrail_day_store_asset(PARTITIONS), day_store_check(PARTITIONS)],
        resources={"engine": engine},
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    engine = DuckDBEngine(
        cloudtrail_root=str(SHARED_DATA), store_dir=str(tmp_path_factory.mktemp("store"))
    )
    digest_day = next(
        day
        for day in engine.available_days()
        if str(DIGEST) in {f.path for f in engine.files_for_day(day)[0]}
    )
    return engine, digest_day


def test_skipped_file_is_listed_with_its_reason(corpus):
    engine, day = corpus
    result = _materialize(engine, day, day)
    assert result.success
    (mat,) = result.asset_materializations_for_node("cloudtrail_day_store")
    assert f"| {day} | {DIGEST} | digest file |" in mat.metadata["skipped_files"].value
    (check,) = result.get_asset_check_evaluations()
    assert check.passed


def test_invictus_day_metadata(corpus):
    engine, _ = corpus
    result = _materialize(engine, "2023-07-10", "2023-07-10")
    (mat,) = result.asset_materializations_for_node("cloudtrail_day_store")
    assert mat.metadata["records_read"].value == 2900
    assert mat.metadata["records_stored"].value == 2900
    assert mat.metadata["skipped_files"].value == "No file skipped."


def test_check_fails_when_the_manifest_does_not_add_up(corpus, tmp_path: Path):
    engine, _ = corpus
    assert _materialize(engine, "2023-07-10", "2023-07-10").success
    manifest = engine.day_dir("2023-07-10") / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["files"][0]["records_read"] += 1
    manifest.write_text(json.dumps(doc))
    check = day_store_check(PARTITIONS)
    result = dg.materialize(
        [cloudtrail_day_store_asset(PARTITIONS), check],
        selection=dg.AssetSelection.checks(check),
        resources={"engine": engine},
        instance=dg.DagsterInstance.ephemeral(),
        tags={"dagster/partition": "2023-07-10"},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["mismatches"].value == {
        "2023-07-10": {"read": 2901, "accounted": 2900}
    }


def test_records_without_event_time_are_listed_per_file(corpus):
    engine, day = corpus
    (mat,) = _materialize(engine, day, day).asset_materializations_for_node("cloudtrail_day_store")
    otrf = SHARED_DATA / "otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"
    assert f"| {day} | {otrf} | 103 records: no eventTime |" in mat.metadata["skipped_files"].value
    assert mat.metadata["records_skipped"].value == {"no eventTime": 103}

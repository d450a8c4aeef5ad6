"""The sensor asks for runs of the days whose CloudTrail files are new or changed."""

import gzip
import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from dph_pipeline.definitions import build_defs
from dph_pipeline.sample import generate
from dph_pipeline.sensors import SENSOR, changed_days
from dph_pipeline.settings import load_settings

PROD_DAY = "AWSLogs/o-sample1234/333344445555/CloudTrail/us-east-1/2024/03/{:02d}"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    generate(tmp_path, days=2, events_per_day=2)
    return tmp_path


def _tick(folder: Path, cursor: str | None) -> dg.SensorResult:
    defs = build_defs(load_settings(folder / "variables.yaml", environ={}))
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, definitions=defs, resources=dict(defs.resources)
        )
        return defs.resolve_sensor_def(SENSOR).evaluate_tick(context)


def _ranges(result) -> list[tuple[str, str]]:
    return [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
        for r in result.run_requests
    ]


def _add_file(folder: Path, day: int, name: str) -> None:
    target = folder / "cloudtrail" / PROD_DAY.format(day)
    target.mkdir(parents=True, exist_ok=True)
    event = {
        "eventVersion": "1.09",
        "eventTime": f"2024-03-{day:02d}T12:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "ListBuckets",
        "eventID": name,
    }
    (target / f"{name}.json.gz").write_bytes(
        gzip.compress(json.dumps({"Records": [event]}).encode())
    )


def test_first_tick_requests_every_day_in_one_range(sample: Path):
    result = _tick(sample, None)
    assert _ranges(result) == [("2024-03-04", "2024-03-05")]
    assert sorted(json.loads(result.cursor)) == ["2024-03-04", "2024-03-05"]


def test_nothing_new_skips(sample: Path):
    first = _tick(sample, None)
    second = _tick(sample, first.cursor)
    assert second.run_requests == []
    assert second.skip_message == "no new or changed CloudTrail files"


def test_new_and_changed_days_only(sample: Path):
    cursor = _tick(sample, None).cursor
    _add_file(sample, 5, "late-delivery")  # a changed day
    _add_file(sample, 7, "new-day")  # a new day, not next to the 5th
    result = _tick(sample, cursor)
    assert _ranges(result) == [("2024-03-05", "2024-03-05"), ("2024-03-07", "2024-03-07")]


def test_days_before_the_first_partition_are_ignored():
    seen = {"2024-03-01": "a", "2024-03-03": "c"}
    now = {"2023-12-31": "x", "2024-03-01": "a", "2024-03-02": "b"}
    # the 2nd is new, the 3rd lost all its files
    assert changed_days(seen, now, "2024-01-01") == ["2024-03-02", "2024-03-03"]


def test_a_day_with_one_folder_removed_is_run_again(sample: Path):
    cursor = _tick(sample, None).cursor
    shutil.rmtree(sample / "cloudtrail" / PROD_DAY.format(5))
    result = _tick(sample, cursor)
    # the 5th still has other accounts' files, so it changed; nothing else did
    assert _ranges(result) == [("2024-03-05", "2024-03-05")]


def test_run_keys_follow_the_content(sample: Path):
    first = _tick(sample, None)
    _add_file(sample, 5, "late-delivery")
    second = _tick(sample, first.cursor)
    (key,) = [r.run_key for r in second.run_requests]
    assert key.startswith("2024-03-05..2024-03-05-")
    assert key not in {r.run_key for r in first.run_requests}

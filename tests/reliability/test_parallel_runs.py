"""Two `dagster job execute` processes at once, on two days of the same sample and store.

They share the Dagster instance (DAGSTER_HOME), the day store folder, the result store and the
report files. Both must succeed, each day store must read back whole, and the report files
left behind must be complete. Expected record counts come from the sample's log files, read
here with gzip and json only.
"""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from dph_pipeline.sample import generate
from perimeter.queries.registry import catalogue

REPO = Path(__file__).resolve().parents[2]
DAYS = ["2024-03-04", "2024-03-05"]


def _count(cloudtrail: Path, day: str) -> dict[str, int]:
    """Records, distinct event ids, log files and digest files under the day's S3 keys."""
    y, m, d = day.split("-")
    logs = sorted(cloudtrail.glob(f"AWSLogs/*/*/CloudTrail/*/{y}/{m}/{d}/*.json.gz"))
    digests = sorted(cloudtrail.glob(f"AWSLogs/*/*/CloudTrail-Digest/*/{y}/{m}/{d}/*.json.gz"))
    records = [
        r for path in logs for r in json.loads(gzip.decompress(path.read_bytes()))["Records"]
    ]
    return {
        "records": len(records),
        "event_ids": len({r["eventID"] for r in records}),
        "log_files": len(logs),
        "digest_files": len(digests),
    }


@pytest.fixture(scope="module")
def parallel(tmp_path_factory: pytest.TempPathFactory) -> dict:
    sample = tmp_path_factory.mktemp("sample")
    generate(sample, days=2, events_per_day=40)
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    # Create the instance's SQLite schema first: Dagster's own schema creation is not safe
    # when two processes create a fresh DAGSTER_HOME at the same moment ("table run_tags
    # already exists"); any earlier use of the home (dagster dev, a first run) does this.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs()
    env = {
        **os.environ,
        "DPH_VARIABLES_FILE": str(sample / "variables.yaml"),
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(REPO),
    }
    command = [sys.executable, "-m", "dagster", "job", "execute", "-m", "dph_pipeline"]
    processes = []
    for day in DAYS:
        tags = {
            "dagster/asset_partition_range_start": day,
            "dagster/asset_partition_range_end": day,
        }
        processes.append(
            subprocess.Popen(
                [*command, "-j", "perimeter_job", "--tags", json.dumps(tags)],
                env=env,
                cwd=home,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    finished = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=600)
            finished.append((process.returncode, out, err))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return {"sample": sample, "finished": finished}


def test_both_processes_succeed(parallel):
    for day, (code, _, err) in zip(DAYS, parallel["finished"], strict=True):
        assert code == 0, f"{day}: {err[-3000:]}"
        assert "RUN_SUCCESS" in err, day


@pytest.mark.parametrize("day", DAYS)
def test_each_day_store_reads_back_whole(parallel, day: str):
    sample = parallel["sample"]
    expected = _count(sample / "cloudtrail", day)
    assert expected["records"] > 100  # the sample is not trivially small
    assert expected["event_ids"] == expected["records"]
    folder = sample / "dph-store" / "cloudtrail" / f"day={day}"
    assert sorted(p.name for p in folder.iterdir()) == ["events.parquet", "manifest.json"]
    table = pq.read_table(folder / "events.parquet")
    assert table.num_rows == expected["records"]
    assert len(set(table.column("eventid").to_pylist())) == expected["records"]
    assert set(table.column("p_date").to_pylist()) == {day.replace("-", "/")}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["records_read"] == expected["records"]
    assert manifest["records_stored"] == expected["records"]
    assert manifest["records_skipped"] == {}
    assert len(manifest["files"]) == expected["log_files"] + expected["digest_files"]
    assert [f["reason"] for f in manifest["skipped_files"]] == ["digest file"] * expected[
        "digest_files"
    ]


def test_every_query_has_a_result_for_both_days(parallel):
    results = parallel["sample"] / "dph-store" / "results"
    for query_id in catalogue():
        days = sorted(p.name for p in (results / query_id).iterdir())
        assert days == [f"day={d}.parquet" for d in DAYS], query_id
        for day in DAYS:
            pq.read_table(results / query_id / f"day={day}.parquet")  # reads back whole


def test_report_files_are_complete(parallel):
    outputs = parallel["sample"] / "outputs"
    assert sorted(p.name for p in outputs.iterdir()) == [
        "data_perimeter.html",
        "data_perimeter.json",
        "data_perimeter.xlsx",
    ]
    report = json.loads((outputs / "data_perimeter.json").read_text(encoding="utf-8"))
    # report_window_days is 2: the run of 03-04 reports 03-03 .. 03-04, that of 03-05 03-04 .. 03-05
    assert report["window"] in (
        {"start": "2024-03-03", "end": "2024-03-04"},
        {"start": "2024-03-04", "end": "2024-03-05"},
    )
    assert [q["query_id"] for q in report["queries"]] == list(catalogue())
    html = (outputs / "data_perimeter.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.endswith("</html>\n")

"""Day stores are rebuilt when their inputs change or when they do not read back whole."""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from resources import day_store
from resources.engine import DuckDBEngine

DAY = "2024-03-01"
FOLDER = "AWSLogs/111111111111/CloudTrail/us-east-1/2024/03/01"
COUNT = "SELECT count(*) AS n FROM cloudtrail WHERE p_date BETWEEN :start_day AND :end_day"
PARAMS = {"start_day": "2024/03/01", "end_day": "2024/03/01"}


def _event(n: int) -> dict:
    return {
        "eventVersion": "1.09",
        "eventTime": "2024-03-01T10:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "eventID": f"id-{n}",
        "recipientAccountId": "111111111111",
        "awsRegion": "us-east-1",
    }


def _write(root: Path, name: str, events: list[dict]) -> Path:
    path = root / FOLDER / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Records": events}))
    return path


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    _write(tmp_path / "logs", "a.json", [_event(1), _event(2)])
    return DuckDBEngine(
        cloudtrail_root=str(tmp_path / "logs"), store_dir=str(tmp_path / "store"), workers=1
    )


def _count(engine: DuckDBEngine) -> int:
    return int(engine.run_query(COUNT, PARAMS, [DAY])["n"][0])


def test_states_from_missing_to_current_to_stale(engine: DuckDBEngine, tmp_path: Path):
    assert engine.day_store_state(DAY) == "missing"
    manifest, state = engine.ensure_day_store(DAY)
    assert (state, manifest.records_stored) == ("missing", 2)
    assert engine.day_store_state(DAY) == "current"
    built = (engine.day_dir(DAY) / "events.parquet").stat().st_mtime_ns
    _, state = engine.ensure_day_store(DAY)
    assert state == "current"
    assert (engine.day_dir(DAY) / "events.parquet").stat().st_mtime_ns == built
    _write(tmp_path / "logs", "b.json", [_event(3)])
    assert engine.day_store_state(DAY) == "stale"
    manifest, state = engine.ensure_day_store(DAY)
    assert (state, manifest.records_stored) == ("stale", 3)


def test_changed_file_makes_the_store_stale(engine: DuckDBEngine, tmp_path: Path):
    engine.ensure_day_store(DAY)
    path = tmp_path / "logs" / FOLDER / "a.json"
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 1_000_000_000))
    assert engine.day_store_state(DAY) == "stale"


@pytest.mark.parametrize(
    ("damage", "name"),
    [
        (lambda p: p.write_bytes(b"not parquet at all"), "garbage"),
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "half-written"),
        (lambda p: p.write_bytes(b""), "empty"),
    ],
)
def test_corrupt_store_is_rebuilt_before_a_query(engine: DuckDBEngine, damage, name: str):
    engine.ensure_day_store(DAY)
    damage(engine.day_dir(DAY) / "events.parquet")
    assert engine.day_store_state(DAY) == "corrupt", name
    assert _count(engine) == 2
    assert engine.day_store_state(DAY) == "current"


def test_manifest_that_disagrees_with_the_store_is_corrupt(engine: DuckDBEngine):
    engine.ensure_day_store(DAY)
    path = engine.day_dir(DAY) / "manifest.json"
    doc = json.loads(path.read_text())
    doc["files"][0]["records_stored"] = 5
    path.write_text(json.dumps(doc))
    assert engine.day_store_state(DAY) == "corrupt"
    path.write_text("{ truncated")
    assert engine.day_store_state(DAY) == "corrupt"
    _, state = engine.ensure_day_store(DAY)
    assert state == "corrupt"
    assert _count(engine) == 2


def test_store_of_an_older_format_is_stale(engine: DuckDBEngine):
    engine.ensure_day_store(DAY)
    path = engine.day_dir(DAY) / "manifest.json"
    doc = json.loads(path.read_text())
    doc["format_version"] = 1
    path.write_text(json.dumps(doc))
    assert engine.day_store_state(DAY) == "stale"


def test_a_build_that_fails_midway_keeps_the_previous_store(
    engine: DuckDBEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    engine.ensure_day_store(DAY)
    before = {p.name: p.read_bytes() for p in engine.day_dir(DAY).iterdir()}
    _write(tmp_path / "logs", "b.json", [_event(3)])

    def crash(self, table, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(day_store.pq.ParquetWriter, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        engine.ensure_day_store(DAY)
    after = {p.name: p.read_bytes() for p in engine.day_dir(DAY).iterdir()}
    assert after == before  # no temporary file left, both files untouched
    assert engine.day_store_state(DAY) == "stale"  # the new file still waits to be ingested


def test_lost_parquet_file_is_rebuilt_before_a_query(engine: DuckDBEngine):
    engine.ensure_day_store(DAY)
    (engine.day_dir(DAY) / "events.parquet").unlink()
    assert _count(engine) == 2


def test_two_builders_of_one_day_take_turns(engine: DuckDBEngine):
    with ThreadPoolExecutor(2) as pool:
        states = sorted(s for _, s in pool.map(lambda _: engine.ensure_day_store(DAY), range(2)))
    assert states == ["current", "missing"]  # the second waited, then reused the first's store
    assert _count(engine) == 2

"""Day store pieces: parse_for_day, file_days, write_day_store and the manifest."""

import gzip
import json
import os
from pathlib import Path

import pyarrow.parquet as pq

from perimeter.schema import CLOUDTRAIL_SCHEMA
from resources import day_store
from resources.cloudtrail_files import SourceFile, classify
from resources.day_store import DayManifest, FileOutcome, file_days, parse_for_day, write_day_store

S3_DIR = "AWSLogs/111111111111/CloudTrail/eu-west-1/2024/03/01"


def ev(
    name: str, time: str | None, account: str | None = "999999999999", region: str = "us-east-2"
):
    event = {"eventVersion": "1.08", "eventName": name, "eventSource": "s3.amazonaws.com"}
    if time is not None:
        event["eventTime"] = time
    if account is not None:
        event["recipientAccountId"] = account
    event["awsRegion"] = region
    return event


def put(root: Path, rel: str, body: bytes, mtime_s: int | None = None) -> SourceFile:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(body) if rel.endswith(".gz") else body)
    if mtime_s is not None:
        os.utime(path, (mtime_s, mtime_s))
    stat = path.stat()
    return classify(path, root, stat.st_size, stat.st_mtime_ns)


def records(*events) -> bytes:
    return json.dumps({"Records": list(events)}).encode()


def test_s3_layout_file_takes_partitions_from_the_key_and_counts_undated(tmp_path):
    src = put(
        tmp_path,
        f"{S3_DIR}/a.json.gz",
        records(ev("A", "2024-03-01T10:00:00Z"), ev("B", None), ev("C", "2024-02-29T23:59:59Z")),
    )
    rows, outcome = parse_for_day(src, "2024/03/01", None)
    assert [r["eventname"] for r in rows] == ["A", "C"]
    assert {(r["p_account"], r["p_region"], r["p_date"]) for r in rows} == {
        ("111111111111", "eu-west-1", "2024/03/01")
    }
    assert outcome == FileOutcome(src.path, 3, 2, {"no eventTime": 1}, None)


def test_flat_file_rows_go_to_their_event_day_and_accounting_to_the_home_day(tmp_path):
    body = records(
        ev("A", "2024-03-01T10:00:00Z"),
        ev("B", "2024-03-02T00:00:01+00:00"),
        ev("C", None),
        {"not": "an event"},
        ev("D", "2024-03-01T23:30:00-01:00", account=None),
    )
    src = put(tmp_path, "flat/export.json", body)
    assert file_days(src) == (["2024/03/01", "2024/03/02"], "2024/03/01")

    rows, home = parse_for_day(src, "2024/03/01", "2024/03/01")
    assert [r["eventname"] for r in rows] == ["A"]
    assert (rows[0]["p_account"], rows[0]["p_region"]) == ("999999999999", "us-east-2")
    assert home == FileOutcome(src.path, 3, 1, {"not CloudTrail": 1, "no eventTime": 1}, None)

    rows, other = parse_for_day(src, "2024/03/02", "2024/03/01")
    assert [r["eventname"] for r in rows] == ["B", "D"]
    assert rows[1]["p_account"] == "unknown"
    assert {r["p_date"] for r in rows} == {"2024/03/02"}
    assert other == FileOutcome(src.path, 2, 2, {}, None)


def test_flat_file_without_dated_records_belongs_to_its_modification_day(tmp_path):
    src = put(tmp_path, "flat/garbage.json", b"not json at all\n", mtime_s=1_709_942_400)
    assert file_days(src) == ([], "2024/03/09")
    rows, outcome = parse_for_day(src, "2024/03/09", "2024/03/09")
    assert rows == []
    assert outcome == FileOutcome(src.path, 0, 0, {}, "not JSON")
    _, elsewhere = parse_for_day(src, "2024/03/10", "2024/03/09")
    assert elsewhere == FileOutcome(src.path, 0, 0, {}, None)


def test_unreadable_file_is_skipped_with_a_reason(tmp_path):
    src = SourceFile(
        str(tmp_path / "vanished.json"), 1, 1, "2024/03/01", "111111111111", "x", False
    )
    rows, outcome = parse_for_day(src, "2024/03/01", None)
    assert rows == []
    assert outcome == FileOutcome(src.path, 0, 0, {}, "unreadable file")


def test_write_day_store_accounts_for_every_record(tmp_path):
    root = tmp_path / "in"
    good = put(root, f"{S3_DIR}/a.json", records(ev("A", "2024-03-01T01:00:00Z"), ev("B", None)))
    empty = put(root, f"{S3_DIR}/b.json.gz", records())
    digest_rel = S3_DIR.replace("CloudTrail/", "CloudTrail-Digest/") + "/d.json.gz"
    digest = put(root, digest_rel, b"{}")
    out = tmp_path / "store" / "day=2024-03-01"

    manifest = write_day_store([good, empty, digest], "2024/03/01", out)

    assert (manifest.records_read, manifest.records_stored) == (2, 1)
    assert manifest.records_skipped == {"no eventTime": 1}
    assert sorted(manifest.skipped_files, key=lambda f: f["path"]) == [
        {"path": digest.path, "reason": "digest file"},
        {"path": empty.path, "reason": "empty Records"},
    ]
    assert sorted(p.name for p in out.iterdir()) == ["events.parquet", "manifest.json"]
    table = pq.read_table(out / "events.parquet")
    assert table.schema.equals(CLOUDTRAIL_SCHEMA, check_metadata=False)
    assert table.column("eventname").to_pylist() == ["A"]
    assert (
        DayManifest.from_json((out / "manifest.json").read_text()).to_json() == manifest.to_json()
    )


def test_write_day_store_with_worker_processes_over_many_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(day_store, "_CHUNK_FILES", 16)  # 130 files: 9 parsing tasks
    root = tmp_path / "in"
    files = [
        put(root, f"{S3_DIR}/f{i:03}.json.gz", records(ev(f"E{i}", "2024-03-01T01:00:00Z")))
        for i in range(130)
    ]
    manifest = write_day_store(files, "2024/03/01", tmp_path / "out", workers=2)
    assert (manifest.records_read, manifest.records_stored, len(manifest.files)) == (130, 130, 130)
    table = pq.read_table(tmp_path / "out" / "events.parquet")
    assert sorted(table.column("eventname").to_pylist()) == sorted(f"E{i}" for i in range(130))


def test_manifest_json_carries_the_totals():
    manifest = DayManifest(
        "2024/03/01",
        [
            FileOutcome("a", 3, 2, {"no eventTime": 1}),
            FileOutcome("b", 2, 0, {"not JSON": 2}),
            FileOutcome("c", reason="digest file"),
        ],
        "2024-03-02T00:00:00+00:00",
    )
    body = json.loads(manifest.to_json())
    assert body["records_read"] == 5
    assert body["records_stored"] == 2
    assert body["records_skipped"] == {"no eventTime": 1, "not JSON": 2}
    assert body["skipped_files"] == [{"path": "c", "reason": "digest file"}]
    assert DayManifest.from_json(manifest.to_json()) == manifest


def _with_id(event: dict, event_id: str | None) -> dict:
    return event | ({"eventID": event_id} if event_id else {})


def test_duplicate_deliveries_are_stored_once(tmp_path, monkeypatch):
    monkeypatch.setattr(day_store, "_CHUNK_FILES", 16)
    root = tmp_path / "in"
    t = "2024-03-01T01:00:00Z"
    first = put(
        root,
        f"{S3_DIR}/a.json",
        records(
            _with_id(ev("A", t), "id-1"), _with_id(ev("A", t), "id-1"), _with_id(ev("B", t), "id-2")
        ),
    )
    second = put(
        root,
        f"{S3_DIR}/b.json.gz",
        records(_with_id(ev("B", t), "id-2"), _with_id(ev("C", t), "id-3"), ev("N", t), ev("N", t)),
    )
    # 16 files per parsing chunk: the duplicates of id-2 sit in another chunk than the original
    fillers = [
        put(root, f"{S3_DIR}/f{i:03}.json", records(_with_id(ev("F", t), f"fill-{i}")))
        for i in range(70)
    ]
    late = put(root, f"{S3_DIR}/z.json", records(_with_id(ev("B", t), "id-2")))

    manifest = write_day_store(
        [first, second, *fillers, late], "2024/03/01", tmp_path / "out", workers=2
    )

    by_path = {f.path: f for f in manifest.files}
    assert (by_path[first.path].records_stored, by_path[first.path].skipped) == (
        2,
        {"duplicate eventID": 1},
    )
    # events without an eventID cannot be matched and are all kept
    assert (by_path[second.path].records_stored, by_path[second.path].skipped) == (
        3,
        {"duplicate eventID": 1},
    )
    assert (by_path[late.path].records_stored, by_path[late.path].skipped) == (
        0,
        {"duplicate eventID": 1},
    )
    assert (manifest.records_read, manifest.records_stored) == (78, 75)
    names = pq.read_table(tmp_path / "out" / "events.parquet").column("eventname").to_pylist()
    assert sorted(n for n in names if n != "F") == ["A", "B", "C", "N", "N"]

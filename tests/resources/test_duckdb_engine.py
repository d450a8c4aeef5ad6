"""DuckDBEngine on a hand-made CloudTrail tree: days, day stores, manifests and queries.

The tree holds two days in the S3 key layout (with and without the `o-org/` segment), a flat
NDJSON export whose records span 2024-03-02 and 2024-03-03, and one file of each skip kind.
Every expected figure below is counted by hand from `_tree`.
"""

import gzip
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from perimeter.errors import QueryError
from perimeter.schema import CLOUDTRAIL_SCHEMA
from resources.engine import DuckDBEngine, athena_day, trino_to_duckdb

ORG1 = "AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail/eu-west-1"
ACCT2 = "AWSLogs/222222222222/CloudTrail/us-east-1"
DIGEST1 = "AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail-Digest/eu-west-1"
DAYS = ["2024-03-01", "2024-03-02", "2024-03-03"]
MARCH_3_NOON = 1_709_467_200  # 2024-03-03T12:00:00Z


def ev(name, time, bucket=None, account="333333333333", region="ap-south-1"):
    event = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "accountId": account or "444444444444"},
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "requestParameters": {"bucketName": bucket} if bucket else None,
    }
    if time:
        event["eventTime"] = time
    if account:
        event["recipientAccountId"] = account
    if region:
        event["awsRegion"] = region
    return event


def _write(root: Path, rel: str, body: bytes, gz: bool = False, mtime: int | None = None) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(body) if gz else body)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return str(path)


def _records(*events) -> bytes:
    return json.dumps({"Records": list(events)}).encode()


def _tree(root: Path) -> dict[str, str]:
    p = {}
    p["a"] = _write(
        root,
        f"{ORG1}/2024/03/01/a.json.gz",
        _records(
            ev("GetObject", "2024-03-01T10:00:00Z", "bucket-a"),
            ev("PutObject", "2024-02-29T23:59:59Z", "bucket-a"),  # the key's day wins
            ev("GetObject", "2024-03-01T11:00:00Z", "bucket-b"),
            ev("GetObject", None, "bucket-a"),  # no eventTime
        ),
        gz=True,
    )
    p["b"] = _write(
        root,
        f"{ACCT2}/2024/03/01/b.json",
        _records(
            ev("GetObject", "2024-03-01T12:00:00Z", "bucket-a"),
            ev("ListBuckets", "2024-03-01T13:00:00Z"),
        ),
    )
    p["c"] = _write(root, f"{ORG1}/2024/03/01/c.json.gz", _records(), gz=True)
    p["d"] = _write(root, f"{DIGEST1}/2024/03/01/d.json.gz", b'{"logFiles": []}', gz=True)
    p["e"] = _write(
        root,
        f"{ORG1}/2024/03/02/e.json.gz",
        _records(
            ev("GetObject", "2024-03-02T08:00:00Z", "bucket-a"),
            ev("DeleteObject", "2024-03-02T09:00:00Z", "bucket-a"),
        ),
        gz=True,
    )
    p["f"] = _write(
        root, f"{ORG1}/2024/03/02/f.json.gz", gzip.compress(_records(ev("X", "x")))[:-9]
    )
    lines = [
        ev("GetObject", "2024-03-02T10:00:00Z", "bucket-a"),
        ev("PutObject", "2024-03-02T11:00:00Z", "bucket-c"),
        ev("GetObject", "2024-03-03T01:00:00+00:00", "bucket-a", account=None, region=None),
    ]
    body = b"".join(json.dumps(e).encode() + b"\n" for e in lines)
    body += b"this line is not JSON\n" + json.dumps(ev("GetObject", None, "bucket-a")).encode()
    p["export"] = _write(root, "flat/export.ndjson", body)
    p["garbage"] = _write(root, "flat/garbage.json", b"<html>not json</html>", mtime=MARCH_3_NOON)
    _write(root, "flat/.hidden.json", _records(ev("GetObject", "2024-03-01T10:00:00Z")))
    _write(root, "flat/README.txt", _records(ev("GetObject", "2024-03-01T10:00:00Z")))
    return p


@pytest.fixture
def built(tmp_path):
    paths = _tree(tmp_path / "ct")
    engine = DuckDBEngine(
        cloudtrail_root=str(tmp_path / "ct"), store_dir=str(tmp_path / "store"), workers=1
    )
    return engine, paths


def _partitions(engine: DuckDBEngine, day: str) -> Counter:
    table = pq.read_table(engine.day_dir(day) / "events.parquet")
    columns = [table.column(c).to_pylist() for c in ("p_account", "p_region", "p_date")]
    return Counter(zip(*columns, strict=True))


def test_days_and_files_per_day(built):
    engine, p = built
    assert engine.available_days() == DAYS
    files, homes = engine.files_for_day("2024-03-02")
    assert sorted(f.path for f in files) == sorted([p["e"], p["f"], p["export"]])
    assert homes == {p["export"]: "2024/03/02", p["garbage"]: "2024/03/03"}
    assert sorted(f.path for f in engine.files_for_day("2024-03-03")[0]) == [
        p["export"],
        p["garbage"],
    ]


def test_build_every_day_accounts_for_every_record(built):
    engine, p = built
    assert engine.stored_days() == []
    manifests = {day: engine.build_day_store(day) for day in DAYS}
    assert engine.stored_days() == DAYS

    expected = {
        # day: (read, stored, skipped records, skipped files)
        "2024-03-01": (
            6,
            5,
            {"no eventTime": 1},
            {p["c"]: "empty Records", p["d"]: "digest file"},
        ),
        "2024-03-02": (
            6,
            4,
            {"not JSON": 1, "no eventTime": 1},
            {p["f"]: "truncated or corrupt gzip"},
        ),
        "2024-03-03": (1, 1, {}, {p["garbage"]: "not JSON"}),
    }
    for day, (read, stored, skipped, skipped_files) in expected.items():
        m = manifests[day]
        assert m.day == athena_day(day)
        assert (m.records_read, m.records_stored, m.records_skipped) == (read, stored, skipped)
        assert m.records_read == m.records_stored + sum(m.records_skipped.values())
        assert {f["path"]: f["reason"] for f in m.skipped_files} == skipped_files
        assert engine.read_manifest(day).to_json() == m.to_json()
        schema = pq.read_schema(engine.day_dir(day) / "events.parquet")
        assert schema.equals(CLOUDTRAIL_SCHEMA, check_metadata=False)
    assert sum(m.records_read for m in manifests.values()) == 13  # 4 + 2 + 2 + 5 input records
    assert engine.read_manifest("2024-03-04") is None

    assert _partitions(engine, "2024-03-01") == {
        ("111111111111", "eu-west-1", "2024/03/01"): 3,
        ("222222222222", "us-east-1", "2024/03/01"): 2,
    }
    assert _partitions(engine, "2024-03-02") == {
        ("111111111111", "eu-west-1", "2024/03/02"): 2,
        ("333333333333", "ap-south-1", "2024/03/02"): 2,
    }
    assert _partitions(engine, "2024-03-03") == {("444444444444", "unknown", "2024/03/03"): 1}


def test_queries_run_on_the_cloudtrail_view(built):
    engine, _ = built
    for day in DAYS:
        engine.build_day_store(day)

    def count(sql, params, days=DAYS):
        return int(engine.run_query(sql, params, days).iloc[0, 0])

    by_name = "SELECT count(*) AS n FROM cloudtrail WHERE eventname = :name"
    assert count(by_name, {"name": "GetObject"}) == 6
    assert count(by_name, {"name": "ListBuckets"}) == 1
    by_bucket = (
        "SELECT count(*) AS n FROM cloudtrail"
        " WHERE json_extract_scalar(requestparameters, '$.bucketName') = :bucket"
    )
    assert count(by_bucket, {"bucket": "bucket-a"}) == 7
    assert count(by_bucket, {"bucket": "bucket-a"}, ["2024-03-01"]) == 3
    assert count(by_bucket, {"bucket": "bucket-a"}, ["2023-01-01"]) == 0
    assert count("SELECT count(*) FROM cloudtrail WHERE requestparameters IS NULL", {}) == 1

    per_account = engine.run_query(
        "SELECT p_account, count(*) AS n FROM cloudtrail"
        " WHERE p_account IN (:a, :b, :c, :d) GROUP BY p_account ORDER BY p_account",
        {"a": "111111111111", "b": "222222222222", "c": "333333333333", "d": "444444444444"},
        DAYS,
    )
    assert per_account.to_dict("list") == {
        "p_account": ["111111111111", "222222222222", "333333333333", "444444444444"],
        "n": [5, 2, 2, 1],
    }
    nested = engine.run_query(
        "SELECT useridentity.accountid AS a FROM cloudtrail WHERE p_date = :d",
        {"d": "2024/03/03"},
        DAYS,
    )
    assert nested["a"].tolist() == ["444444444444"]


def test_query_errors_are_query_errors(built):
    engine, _ = built
    engine.build_day_store("2024-03-01")
    with pytest.raises(QueryError, match="does not parse as Trino SQL"):
        engine.run_query("SELECT FROM WHERE (", {}, DAYS)
    with pytest.raises(QueryError, match="DuckDB failed"):
        engine.run_query("SELECT no_such_column FROM cloudtrail", {}, DAYS)


def test_changed_flat_file_is_reindexed_and_changes_only_its_days_fingerprints(built):
    engine, p = built
    assert engine.available_days() == DAYS
    before = {day: engine.input_fingerprint(day) for day in DAYS}
    with open(p["export"], "ab") as f:
        f.write(b"\n" + json.dumps(ev("GetObject", "2024-03-05T00:00:00Z")).encode() + b"\n")
    assert engine.available_days() == [*DAYS, "2024-03-05"]
    after = {day: engine.input_fingerprint(day) for day in DAYS}
    assert after["2024-03-01"] == before["2024-03-01"]
    assert after["2024-03-02"] != before["2024-03-02"]
    assert engine.build_day_store("2024-03-05").records_stored == 1


def test_flat_digest_file_is_reported_on_its_modification_day(tmp_path):
    root = tmp_path / "ct"
    digest = _write(
        root, "CloudTrail-Digest/us-east-1/2024/03/01/x.json.gz", b"{}", True, MARCH_3_NOON
    )
    _write(root, "logs/a.json", _records(ev("GetObject", "2024-03-01T10:00:00Z")))
    engine = DuckDBEngine(cloudtrail_root=str(root), store_dir=str(tmp_path / "store"), workers=1)
    assert engine.available_days() == ["2024-03-01", "2024-03-03"]
    manifest = engine.build_day_store("2024-03-03")
    assert manifest.skipped_files == [{"path": digest, "reason": "digest file"}]
    assert engine.build_day_store("2024-03-01").skipped_files == []


def test_athena_day_and_dialect_translation():
    assert athena_day("2024-01-02") == "2024/01/02"
    assert athena_day(date(2024, 1, 2)) == "2024/01/02"
    assert (
        trino_to_duckdb(
            "SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail"
            " WHERE p_date = :day"
        )
        == "SELECT TRY(requestparameters ->> '$.bucketName') FROM cloudtrail WHERE p_date = $day"
    )

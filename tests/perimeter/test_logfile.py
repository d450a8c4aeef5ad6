"""parse_log_bytes: every accepted file shape, and every skip reason with its counts."""

import gzip
import json

import pytest

from perimeter.logfile import ParsedFile, parse_log_bytes

A = {
    "eventVersion": "1.08",
    "eventTime": "2024-01-02T03:04:05Z",
    "eventSource": "s3.amazonaws.com",
    "eventName": "GetObject",
    "eventID": "a",
}
B = {
    "eventVersion": "1.09",
    "eventTime": "2024-01-02T03:04:06Z",
    "eventSource": "kms.amazonaws.com",
    "eventName": "Decrypt",
    "eventID": "b",
}
DIGEST = {
    "awsAccountId": "123456789012",
    "digestS3Object": "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/02/d.json.gz",
    "digestPublicKeyFingerprint": "47aaa19f7eec22e9bd0b5e58cfade8cb",
    "logFiles": [],
}


def _json(obj: object) -> bytes:
    return json.dumps(obj).encode()


def _ndjson(*objs: object) -> bytes:
    return b"".join(_json(o) + b"\n" for o in objs)


def _lookup_item(event: dict) -> dict:
    return {
        "EventId": event["eventID"],
        "EventName": event["eventName"],
        "Username": "alice",
        "CloudTrailEvent": json.dumps(event),
    }


SHAPES = {
    "records wrapper": _json({"Records": [A, B]}),
    "bare array": _json([A, B]),
    "ndjson": _ndjson(A, B),
    "ndjson with blank lines": b"\n" + _json(A) + b"\n\n  \n" + _json(B) + b"\n",
    "lookup-events": _json({"Events": [_lookup_item(A), _lookup_item(B)], "NextToken": "t"}),
    "lookup-events items as an array": _json([_lookup_item(A), _lookup_item(B)]),
}


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_gives_both_events(shape, compress):
    data = SHAPES[shape]
    parsed = parse_log_bytes(gzip.compress(data) if compress else data)
    assert parsed == ParsedFile(events=[A, B], reason=None, bad_records={})
    assert parsed.records_read == 2


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_single_event_object(compress):
    data = _json(B)
    parsed = parse_log_bytes(gzip.compress(data) if compress else data)
    assert parsed == ParsedFile(events=[B])


def test_single_lookup_item():
    assert parse_log_bytes(_json(_lookup_item(A))) == ParsedFile(events=[A])


def test_events_without_event_time_are_kept_here_and_judged_by_the_day_store():
    undated = {k: v for k, v in A.items() if k != "eventTime"}
    parsed = parse_log_bytes(_json({"Records": [undated, B]}))
    assert parsed.events == [undated, B]
    assert parsed.bad_records == {}


SKIPPED = {
    "digest file": (_json(DIGEST), "digest file"),
    "digest file over two lines": (_ndjson(DIGEST, DIGEST), "digest file"),
    "empty Records": (_json({"Records": []}), "empty Records"),
    "empty array": (b"[]", "empty Records"),
    "empty lookup-events": (_json({"Events": []}), "empty Records"),
    "truncated gzip": (
        gzip.compress(_json({"Records": [A, B]}))[:-12],
        "truncated or corrupt gzip",
    ),
    "corrupt gzip": (b"\x1f\x8b" + b"this is not deflate data", "truncated or corrupt gzip"),
    "text": (b"hello\nworld\n", "not JSON"),
    "empty file": (b"", "not JSON"),
    "blank file": (b" \n\n\t\n", "not JSON"),
    "gzip of text": (gzip.compress(b"hello"), "not JSON"),
    "object that is no event": (_json({"name": "package", "version": "1.0"}), "not CloudTrail"),
    "string": (b'"eventTime"', "not CloudTrail"),
    "number": (b"42", "not CloudTrail"),
}


@pytest.mark.parametrize("case", sorted(SKIPPED))
def test_skipped_files_carry_their_reason_and_no_records(case):
    data, reason = SKIPPED[case]
    parsed = parse_log_bytes(data)
    assert parsed == ParsedFile(events=[], reason=reason, bad_records={})
    assert parsed.records_read == 0


def test_items_that_are_not_events_are_counted_and_the_events_kept():
    broken_lookup = {"EventId": "x", "CloudTrailEvent": "{not json"}
    parsed = parse_log_bytes(_json({"Records": [A, {"foo": 1}, "text", 7, broken_lookup, B]}))
    assert parsed.events == [A, B]
    assert parsed.reason is None
    assert parsed.bad_records == {"not CloudTrail": 4}
    assert parsed.records_read == 6


def test_ndjson_bad_lines_are_counted_by_reason():
    data = _ndjson(A, {"foo": 1}, DIGEST) + b"{truncated line\n" + b"not json either\n" + _json(B)
    parsed = parse_log_bytes(data)
    assert parsed.events == [A, B]
    assert parsed.reason is None
    assert parsed.bad_records == {"not CloudTrail": 1, "digest file": 1, "not JSON": 2}
    assert parsed.records_read == 6


def test_ndjson_lines_may_hold_records_wrappers_and_arrays():
    parsed = parse_log_bytes(_ndjson({"Records": [A]}, [B, {"x": 1}]))
    assert parsed.events == [A, B]
    assert parsed.bad_records == {"not CloudTrail": 1}


def test_count_bad_adds_up():
    parsed = ParsedFile(events=[A])
    parsed.count_bad("not JSON")
    parsed.count_bad("not JSON", 2)
    parsed.count_bad("not CloudTrail")
    assert parsed.bad_records == {"not JSON": 3, "not CloudTrail": 1}
    assert parsed.records_read == 5

"""The columnar builder gives exactly the rows of `to_row`, on real and on odd events."""

from pathlib import Path

import pyarrow as pa

from perimeter.columnar import events_table
from perimeter.logfile import parse_log_bytes
from perimeter.records import to_row
from perimeter.schema import CLOUDTRAIL_SCHEMA, PARTITION_COLUMNS

SHARED = Path(__file__).resolve().parents[3] / "shared" / "cloudtrail-data"
DATA = pa.schema([f for f in CLOUDTRAIL_SCHEMA if f.name not in PARTITION_COLUMNS])


def _reference(events: list[dict]) -> pa.Table:
    return pa.Table.from_pylist([to_row(e) for e in events], schema=DATA)


def test_every_shared_event():
    events = []
    for path in sorted(SHARED.rglob("*")):
        if path.is_file() and not path.name.startswith("README"):
            events += parse_log_bytes(path.read_bytes()).events
    assert len(events) == 3329  # 2,900 + 310 + 9 + 103 + 7, counted per folder by hand
    assert events_table(events, DATA).equals(_reference(events))


def test_odd_spellings_and_shapes():
    events = [
        {"eventName": "A", "EVENTSOURCE": "s3.amazonaws.com", "readOnly": True, "apiVersion": 2},
        {"eventname": "B", "eventSource": "ec2.amazonaws.com", "readOnly": "false"},
        {"eventName": "C", "userIdentity": "not an object", "resources": "nope"},
        {
            "eventName": "D",
            "userIdentity": {
                "type": "AssumedRole",
                "AccountId": "111122223333",
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {"k": 1}},
            },
            "requestParameters": {"x-amz-acl": "private", "bucketName": "b"},
            "resources": [{"ARN": "arn:aws:s3:::b", "type": "AWS::S3::Bucket"}, "junk"],
            "tlsDetails": None,
        },
        {"eventName": "E", "eventName ": "F", "requestParameters": "already text"},
    ]
    table = events_table(events, DATA)
    assert table.equals(_reference(events))
    assert table.column("eventname").to_pylist() == ["A", "B", "C", "D", "E"]
    assert table.column("readonly").to_pylist() == ["true", "false", None, None, None]
    assert table.column("apiversion").to_pylist() == ["2", None, None, None, None]

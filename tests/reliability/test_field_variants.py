"""CloudTrail field variants seen in real logs: read, stored, counted and queried correctly.

One day of hand-made logs in the S3 key layout (account 111122223333, us-east-1, 2024-03-01),
beside a digest file, a file holding `{"Records": []}` and a file of unusable records. The
organisation, inventory and perimeter file are those of `tests/queries/cases/_org.py`
(expected CIDRs 35.249.253.0/24 in the baseline and 203.0.113.0/24 for 111122223333).

Every expected value below is derived by hand from the events and the query's SQL and rules.
The last two tests pin two bugs they found, now fixed in `resources/engine.py` (JSON text that
is not JSON) and `perimeter/records.py` (eventTime out of range): see their docstrings.
"""

import gzip
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from resources.engine import DuckDBEngine
from tests.queries.cases._org import (
    BASE_EVENT,
    DEPLOY,
    LOGGING_ACCOUNT,
    PERIMETER,
    READER,
    TRUSTS_ACCOUNT_ROOT,
)
from tests.reliability._support import query_day, rows, sort_rows, write_records

DAY = "2024-03-01"
LOGS = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01"
DIGESTS = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01"
PREFIX = "111122223333_CloudTrail_us-east-1_20240301T"
MAIN = f"{LOGS}/{PREFIX}1015Z_a.json.gz"
EMPTY = f"{LOGS}/{PREFIX}1020Z_b.json"
BAD = f"{LOGS}/{PREFIX}1025Z_c.json.gz"
DIGEST = (
    f"{DIGESTS}/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T110000Z.json.gz"
)

VPCE = "vpce-0a1b2c3d4e5f67890"
HOST = "example-data-bucket.s3.us-east-1.amazonaws.com"
S3_KEYS_WITH_DASH_AND_SLASH = {
    "bucketName": "example-data-bucket",
    "Host": HOST,
    "key": "in/2024-03.csv",
    "x-amz-server-side-encryption": "aws:kms",
    "x-amz-acl": "bucket-owner-full-control",
    "x-amz-meta/owner": "data-team",
}
SESSION_ISSUER_EMPTY = {
    **DEPLOY,
    "sessionContext": {
        "sessionIssuer": {},
        "attributes": {"creationDate": "2024-03-01T10:00:00Z", "mfaAuthenticated": "false"},
    },
}
SERVICE_WITHOUT_TYPE = {"accountId": LOGGING_ACCOUNT, "invokedBy": "cloudtrail.amazonaws.com"}
WEB_IDENTITY_PRINCIPAL = "accounts.google.com:1234.apps.googleusercontent.com:1122334455"
WEB_IDENTITY = {
    "type": "WebIdentityUser",
    "principalId": WEB_IDENTITY_PRINCIPAL,
    "userName": "1122334455",
    "identityProvider": "accounts.google.com",
}
IDENTITY_CENTER = {
    "type": "IdentityCenterUser",
    "arn": "",
    "accountId": LOGGING_ACCOUNT,
    "onBehalfOf": {
        "userId": "544894e8-80c1-707f-60e3-3ba6510dfac1",
        "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-9067642ac7",
    },
    "credentialId": "EXAMPLEcredentialId",
}
ROOT_BY_SUPPORT = {
    "type": "Root",
    "principalId": LOGGING_ACCOUNT,
    "arn": "arn:aws:iam::111122223333:root",
    "accountId": LOGGING_ACCOUNT,
    "invokedBy": "support.amazonaws.com",
}

ABSENT = object()  # a field left out of the event


def _event(n: int, source: str, name: str, identity: dict, ip: str, **fields: Any) -> dict:
    event = {
        **BASE_EVENT,
        "eventID": f"ev-{n:02d}",
        "eventSource": source,
        "eventName": name,
        "userIdentity": identity,
        "sourceIPAddress": ip,
        **fields,
    }
    return {k: v for k, v in event.items() if v is not ABSENT}


S3 = "s3.amazonaws.com"
EC2 = "ec2.amazonaws.com"
DENIED = {"errorCode": "AccessDenied", "errorMessage": "Access Denied"}
ON_BUCKET = {"bucketName": "example-data-bucket", "Host": HOST, "key": "reports/2024-03.csv"}

EVENTS = [
    # requestParameters: null, absent, an object, an object with x-amz-* and `/` keys
    _event(1, S3, "GetObject", READER, "192.0.2.10", requestParameters=None),
    _event(2, S3, "GetObject", READER, "192.0.2.10", requestParameters=ABSENT),
    _event(3, S3, "GetObject", READER, "192.0.2.10", requestParameters=ON_BUCKET, readOnly=True),
    _event(4, S3, "PutObject", READER, "192.0.2.11", requestParameters=S3_KEYS_WITH_DASH_AND_SLASH),
    # errorCode absent / null; apiVersion a string / a number, in the same file
    _event(5, EC2, "DescribeInstances", DEPLOY, "192.0.2.20", apiVersion="2016-11-15"),
    _event(6, EC2, "DescribeInstances", DEPLOY, "192.0.2.21", errorCode=None, apiVersion=2),
    _event(7, EC2, "DescribeInstances", SESSION_ISSUER_EMPTY, "192.0.2.22"),
    # source addresses that are not public IPv4 addresses, and one that only looks like one
    _event(8, EC2, "DescribeInstances", DEPLOY, "AWS Internal"),
    _event(9, EC2, "DescribeInstances", DEPLOY, "athena.amazonaws.com"),
    _event(10, EC2, "DescribeInstances", DEPLOY, "2001:db8::8a2e:370:7334"),
    _event(11, EC2, "DescribeInstances", DEPLOY, "035.249.253.232"),
    # an AWS service event: userIdentity without type
    _event(
        12,
        S3,
        "PutObject",
        SERVICE_WITHOUT_TYPE,
        "cloudtrail.amazonaws.com",
        eventType="AwsServiceEvent",
        requestParameters=ON_BUCKET,
        **DENIED,
    ),
    _event(13, "sts.amazonaws.com", "AssumeRoleWithWebIdentity", WEB_IDENTITY, "198.51.100.7"),
    _event(14, "sso.amazonaws.com", "ListAccounts", IDENTITY_CENTER, "198.51.100.8"),
    # the account's root user, acting through AWS Support
    _event(
        15,
        S3,
        "GetBucketPolicy",
        ROOT_BY_SUPPORT,
        "support.amazonaws.com",
        vpcEndpointId=VPCE,
        requestParameters={"bucketName": "example-data-bucket", "policy": ""},
        **DENIED,
    ),
    _event(
        16,
        S3,
        "GetBucketAcl",
        ROOT_BY_SUPPORT,
        "support.amazonaws.com",
        vpcEndpointId=VPCE,
        requestParameters={"bucketName": "example-data-bucket", "acl": ""},
    ),
]
UNUSABLE = [
    EVENTS[4],  # a second delivery of ev-05
    {"eventVersion": "1.09", "eventSource": S3, "eventName": "GetObject"},  # no eventTime
    {"digestS3Bucket": "trail-bucket"},  # not an event
]
DIGEST_BODY = {
    "awsAccountId": LOGGING_ACCOUNT,
    "digestStartTime": "2024-03-01T10:00:00Z",
    "digestEndTime": "2024-03-01T11:00:00Z",
    "digestPublicKeyFingerprint": "0123456789abcdef0123456789abcdef",
    "logFiles": [],
}


@pytest.fixture(scope="module")
def day_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DuckDBEngine]:
    root = tmp_path_factory.mktemp("variants")
    logs = root / "cloudtrail"
    write_records(logs / MAIN, EVENTS, gz=True)
    write_records(logs / EMPTY, [])
    write_records(logs / BAD, UNUSABLE, gz=True)
    (logs / DIGEST).parent.mkdir(parents=True)
    (logs / DIGEST).write_bytes(gzip.compress(json.dumps(DIGEST_BODY).encode()))
    engine = DuckDBEngine(cloudtrail_root=str(logs), store_dir=str(root / "store"), workers=1)
    assert engine.available_days() == [DAY]
    engine.build_day_store(DAY)
    return logs, engine


def _manifest(engine: DuckDBEngine) -> dict:
    return json.loads((engine.day_dir(DAY) / "manifest.json").read_text())


def test_every_record_is_stored_or_skipped_with_its_reason(day_store):
    logs, engine = day_store
    manifest = _manifest(engine)
    # 16 events + 3 unusable records; the empty and the digest file hold no record
    assert manifest["records_read"] == 19
    assert manifest["records_stored"] == 16
    assert manifest["records_skipped"] == {
        "duplicate eventID": 1,
        "no eventTime": 1,
        "not CloudTrail": 1,
    }
    assert manifest["records_read"] == manifest["records_stored"] + 3
    by_file = {Path(f["path"]).relative_to(logs).as_posix(): f for f in manifest["files"]}
    assert by_file == {
        MAIN: {
            "path": str(logs / MAIN),
            "records_read": 16,
            "records_stored": 16,
            "skipped": {},
            "reason": None,
        },
        EMPTY: {
            "path": str(logs / EMPTY),
            "records_read": 0,
            "records_stored": 0,
            "skipped": {},
            "reason": "empty Records",
        },
        BAD: {
            "path": str(logs / BAD),
            "records_read": 3,
            "records_stored": 0,
            "skipped": {"duplicate eventID": 1, "no eventTime": 1, "not CloudTrail": 1},
            "reason": None,
        },
        DIGEST: {
            "path": str(logs / DIGEST),
            "records_read": 0,
            "records_stored": 0,
            "skipped": {},
            "reason": "digest file",
        },
    }
    assert sorted(manifest["skipped_files"], key=lambda f: f["reason"]) == [
        {"path": str(logs / DIGEST), "reason": "digest file"},
        {"path": str(logs / EMPTY), "reason": "empty Records"},
    ]
    table = pq.read_table(engine.day_dir(DAY) / "events.parquet")
    assert sorted(table.column("eventid").to_pylist()) == [f"ev-{n:02d}" for n in range(1, 17)]
    assert set(table.column("p_date").to_pylist()) == {"2024/03/01"}
    assert set(table.column("p_account").to_pylist()) == {LOGGING_ACCOUNT}


def _stored(engine: DuckDBEngine) -> dict[str, dict]:
    table = pq.read_table(engine.day_dir(DAY) / "events.parquet")
    return {row["eventid"]: row for row in table.to_pylist()}


def test_variants_are_stored_as_the_athena_table_reads_them(day_store):
    _, engine = day_store
    stored = _stored(engine)
    params = {k: stored[f"ev-{k:02d}"]["requestparameters"] for k in (1, 2, 3, 4)}
    assert params == {
        1: None,
        2: None,
        3: (
            '{"bucketName":"example-data-bucket",'
            '"Host":"example-data-bucket.s3.us-east-1.amazonaws.com","key":"reports/2024-03.csv"}'
        ),
        4: (
            '{"bucketName":"example-data-bucket",'
            '"Host":"example-data-bucket.s3.us-east-1.amazonaws.com","key":"in/2024-03.csv",'
            '"x-amz-server-side-encryption":"aws:kms","x-amz-acl":"bucket-owner-full-control",'
            '"x-amz-meta/owner":"data-team"}'
        ),
    }
    assert stored["ev-03"]["readonly"] == "true"
    assert [stored[e]["apiversion"] for e in ("ev-05", "ev-06", "ev-07")] == [
        "2016-11-15",
        "2",
        None,
    ]
    assert [stored[e]["errorcode"] for e in ("ev-05", "ev-06")] == [None, None]
    service = stored["ev-12"]["useridentity"]
    assert (service["type"], service["accountid"], service["invokedby"]) == (
        None,
        LOGGING_ACCOUNT,
        "cloudtrail.amazonaws.com",
    )
    assert stored["ev-07"]["useridentity"]["sessioncontext"]["sessionissuer"] == {
        "type": None,
        "principalid": None,
        "arn": None,
        "accountid": None,
        "username": None,
    }
    web = stored["ev-13"]["useridentity"]
    assert (web["type"], web["arn"], web["accountid"], web["principalid"]) == (
        "WebIdentityUser",
        None,
        None,
        WEB_IDENTITY_PRINCIPAL,
    )
    center = stored["ev-14"]["useridentity"]
    assert (center["type"], center["arn"], center["accountid"], center["principalid"]) == (
        "IdentityCenterUser",
        "",
        LOGGING_ACCOUNT,
        None,
    )
    root = stored["ev-16"]
    assert (root["sourceipaddress"], root["vpcendpointid"], root["useridentity"]["type"]) == (
        "support.amazonaws.com",
        VPCE,
        "Root",
    )
    ips = [stored[f"ev-{n:02d}"]["sourceipaddress"] for n in (8, 9, 10, 11)]
    assert ips == [
        "AWS Internal",
        "athena.amazonaws.com",
        "2001:db8::8a2e:370:7334",
        "035.249.253.232",
    ]


# --- common_from_public_cidr_ipv4 -----------------------------------------------------------

CIDR_LABELS = {
    "controlType": "network_perimeter",
    "findings": "Principal is performing AWS API calls from an unexpected public CIDR",
}
OUTSIDE_ORG = dict.fromkeys(
    ("isAssumableBy", "isServiceRole", "isServiceLinkedRole"), "PRINCIPAL_NOT_IN_ORGANIZATION"
)
DEPLOY_ROLE = {
    "isAssumableBy": TRUSTS_ACCOUNT_ROOT,
    "isServiceRole": False,
    "isServiceLinkedRole": False,
}
NO_PRINCIPAL_ID = dict.fromkeys(("isAssumableBy", "isServiceRole", "isServiceLinkedRole"))
KEYS = {"p_date": "2024/03/01", "p_account": LOGGING_ACCOUNT}
BY_READER = {
    "principal_arn": "arn:aws:iam::444455556666:role/reader",
    "principal_type": "AssumedRole",
    "principal_accountid": "444455556666",
    "principalid": "AROAEXAMPLEREADER:etl",
}
BY_DEPLOY = {
    "principal_arn": "arn:aws:iam::111122223333:role/deploy",
    "principal_type": "AssumedRole",
    "principal_accountid": LOGGING_ACCOUNT,
    "principalid": "AROAEXAMPLEDEPLOY:alice",
}
DESCRIBE = {"eventsource": EC2, "eventname": "DescribeInstances"}


def _cidr(who: dict, call: dict, ip: str, nb: int, roles: dict) -> dict:
    return {**KEYS, **who, **call, "sourceipaddress": ip, "nb_reqs": nb}, roles


CIDR_ENGINE_ROWS = [
    # ev-01, 02, 03: same caller, call and address, whatever requestParameters holds
    _cidr(BY_READER, {"eventsource": S3, "eventname": "GetObject"}, "192.0.2.10", 3, OUTSIDE_ORG),
    _cidr(BY_READER, {"eventsource": S3, "eventname": "PutObject"}, "192.0.2.11", 1, OUTSIDE_ORG),
    _cidr(BY_DEPLOY, DESCRIBE, "192.0.2.20", 1, DEPLOY_ROLE),  # errorCode absent
    _cidr(BY_DEPLOY, DESCRIBE, "192.0.2.21", 1, DEPLOY_ROLE),  # errorCode null
    # sessionIssuer {}: no issuer ARN, the role still found by its principal id
    _cidr({**BY_DEPLOY, "principal_arn": None}, DESCRIBE, "192.0.2.22", 1, DEPLOY_ROLE),
    # a dotted quad with leading zeros is no IP address, so it is in no expected CIDR
    _cidr(BY_DEPLOY, DESCRIBE, "035.249.253.232", 1, DEPLOY_ROLE),
    _cidr(
        {
            "principal_arn": None,
            "principal_type": "WebIdentityUser",
            "principal_accountid": None,
            "principalid": WEB_IDENTITY_PRINCIPAL,
        },
        {"eventsource": "sts.amazonaws.com", "eventname": "AssumeRoleWithWebIdentity"},
        "198.51.100.7",
        1,
        OUTSIDE_ORG,
    ),
    _cidr(
        {
            "principal_arn": None,
            "principal_type": "IdentityCenterUser",
            "principal_accountid": LOGGING_ACCOUNT,
            "principalid": None,
        },
        {"eventsource": "sso.amazonaws.com", "eventname": "ListAccounts"},
        "198.51.100.8",
        1,
        NO_PRINCIPAL_ID,
    ),
]


def test_public_cidr_query_on_the_variants(day_store):
    _, engine = day_store
    raw, result = query_day(engine, "common_from_public_cidr_ipv4", DAY, PERIMETER)
    # AWS Internal, athena.amazonaws.com, IPv6 and the support.amazonaws.com calls are
    # removed by the SQL; the failed calls ev-12 and ev-15 too
    assert rows(raw) == sort_rows([row for row, _ in CIDR_ENGINE_ROWS])
    # nothing is in 35.249.253.0/24 or 203.0.113.0/24, nor trusted: every row is reported
    assert rows(result) == sort_rows(
        [{**row, **roles, **CIDR_LABELS} for row, roles in CIDR_ENGINE_ROWS]
    )


def test_leading_zero_address_is_inside_no_expected_cidr(day_store):
    _, engine = day_store
    everything = {
        "baseline": {
            "network_perimeter_expected_public_cidr": [
                "0.0.0.0/0",
                "35.249.253.232/32",
                "::/0",
            ]
        }
    }
    _, result = query_day(engine, "common_from_public_cidr_ipv4", DAY, everything)
    assert rows(result) == [
        {
            **KEYS,
            **BY_DEPLOY,
            **DESCRIBE,
            "sourceipaddress": "035.249.253.232",
            "nb_reqs": 1,
            **DEPLOY_ROLE,
            **CIDR_LABELS,
        }
    ]


# --- common_only_denied ---------------------------------------------------------------------


def test_denied_query_on_the_variants(day_store):
    _, engine = day_store
    _, result = query_day(engine, "common_only_denied", DAY, PERIMETER)
    labels = {
        "controlType": "All",
        "findings": "Principal performed API calls with an access denied error message",
    }
    assert rows(result) == sort_rows(
        [
            {  # ev-12: an AWS service event, no type and no principal id
                **KEYS,
                "principal_arn": None,
                "principal_type": None,
                "principal_accountid": LOGGING_ACCOUNT,
                "principalid": None,
                "eventsource": S3,
                "eventname": "PutObject",
                "errorcode": "AccessDenied",
                "errormessage": "Access Denied",
                "sourceipaddress": "cloudtrail.amazonaws.com",
                "vpcendpointid": None,
                "nb_reqs": 1,
                **NO_PRINCIPAL_ID,
                **labels,
            },
            {  # ev-15: root through AWS Support, over a VPC endpoint
                **KEYS,
                "principal_arn": None,
                "principal_type": "Root",
                "principal_accountid": LOGGING_ACCOUNT,
                "principalid": LOGGING_ACCOUNT,
                "eventsource": S3,
                "eventname": "GetBucketPolicy",
                "errorcode": "AccessDenied",
                "errormessage": "Access Denied",
                "sourceipaddress": "support.amazonaws.com",
                "vpcendpointid": VPCE,
                "nb_reqs": 1,
                **dict.fromkeys(
                    ("isAssumableBy", "isServiceRole", "isServiceLinkedRole"),
                    "IAM_ROLE_NOT_IN_INVENTORY",
                ),
                **labels,
            },
        ]
    )


# --- s3_bucket_policy_identity_perimeter_org_boundary ---------------------------------------


def test_bucket_query_extracts_the_bucket_whatever_the_other_keys(day_store):
    _, engine = day_store
    raw, result = query_day(
        engine, "s3_bucket_policy_identity_perimeter_org_boundary", DAY, PERIMETER
    )
    reader = {**KEYS, **BY_READER, "vpcendpointid": None}
    assert rows(raw) == sort_rows(
        [
            # ev-01 (null) and ev-02 (absent): no bucket name
            {**reader, "bucketname": None, "sourceipaddress": "192.0.2.10", "nb_reqs": 2},
            {
                **reader,
                "bucketname": "example-data-bucket",
                "sourceipaddress": "192.0.2.10",
                "nb_reqs": 1,
            },
            # ev-04: x-amz-* and `/` keys beside bucketName
            {
                **reader,
                "bucketname": "example-data-bucket",
                "sourceipaddress": "192.0.2.11",
                "nb_reqs": 1,
            },
            {  # ev-16: root through AWS Support succeeded
                **KEYS,
                "principal_arn": None,
                "principal_type": "Root",
                "principal_accountid": LOGGING_ACCOUNT,
                "principalid": LOGGING_ACCOUNT,
                "bucketname": "example-data-bucket",
                "sourceipaddress": "support.amazonaws.com",
                "vpcendpointid": VPCE,
                "nb_reqs": 1,
            },
        ]
    )
    # no bucket name is no bucket of the account; the root user is of the organisation
    not_in_org = {
        "controlType": "identity_perimeter",
        "findings": "Principal is not part of the current organization",
    }
    assert rows(result) == sort_rows(
        [
            {
                **reader,
                "bucketname": "example-data-bucket",
                "sourceipaddress": ip,
                "nb_reqs": 1,
                **not_in_org,
            }
            for ip in ("192.0.2.10", "192.0.2.11")
        ]
    )


# --- flat folders -----------------------------------------------------------------------------


def test_flat_folder_digest_and_empty_file_are_counted_on_their_modification_day(tmp_path):
    logs = tmp_path / "flat"
    write_records(logs / "export.json", EVENTS[4:6])
    digest = logs / "CloudTrail-Digest" / "digest.json"
    digest.parent.mkdir()
    digest.write_text(json.dumps(DIGEST_BODY))
    empty = write_records(logs / "empty.json", [])
    noon = datetime(2024, 3, 2, 12, tzinfo=UTC).timestamp()
    for path in (digest, empty):
        os.utime(path, (noon, noon))
    engine = DuckDBEngine(cloudtrail_root=str(logs), store_dir=str(tmp_path / "store"), workers=1)

    assert engine.available_days() == ["2024-03-01", "2024-03-02"]
    first = engine.build_day_store("2024-03-01")
    second = engine.build_day_store("2024-03-02")

    assert (first.records_read, first.records_stored, first.records_skipped) == (2, 2, {})
    assert first.skipped_files == []
    assert (second.records_read, second.records_stored, second.records_skipped) == (0, 0, {})
    assert sorted(second.skipped_files, key=lambda f: f["reason"]) == [
        {"path": str(digest), "reason": "digest file"},
        {"path": str(empty), "reason": "empty Records"},
    ]


def test_request_parameters_that_are_not_an_object_do_not_break_the_bucket_query(tmp_path):
    """`requestParameters` holding a JSON string is stored as that text, which is not JSON.

    Athena's `json_extract_scalar` gives NULL for text that is not JSON; DuckDB's `->>` raises
    "Malformed JSON", so without the `TRY` the translation now adds, one such record failed the
    S3 query for every day of the run. Expected: the record gives a NULL bucket name, like a
    null `requestParameters`, and the other calls are reported.
    """
    logs = tmp_path / "cloudtrail"
    events = [
        _event(21, S3, "GetObject", READER, "192.0.2.10", requestParameters="bucketName=x"),
        _event(22, S3, "GetObject", READER, "192.0.2.10", requestParameters=ON_BUCKET),
    ]
    write_records(logs / LOGS / f"{PREFIX}1015Z_d.json", events)
    engine = DuckDBEngine(cloudtrail_root=str(logs), store_dir=str(tmp_path / "store"), workers=1)
    engine.build_day_store(DAY)
    assert [r["requestparameters"] for r in _stored(engine).values()] == [
        "bucketName=x",
        '{"bucketName":"example-data-bucket",'
        '"Host":"example-data-bucket.s3.us-east-1.amazonaws.com","key":"reports/2024-03.csv"}',
    ]
    query = "s3_bucket_policy_identity_perimeter_org_boundary"
    raw, result = query_day(engine, query, DAY, PERIMETER)
    reader = {**KEYS, **BY_READER, "sourceipaddress": "192.0.2.10", "vpcendpointid": None}
    assert rows(raw) == sort_rows(
        [
            {**reader, "bucketname": None, "nb_reqs": 1},
            {**reader, "bucketname": "example-data-bucket", "nb_reqs": 1},
        ]
    )
    assert rows(result) == [
        {
            **reader,
            "bucketname": "example-data-bucket",
            "nb_reqs": 1,
            "controlType": "identity_perimeter",
            "findings": "Principal is not part of the current organization",
        }
    ]


OUT_OF_RANGE_TIMES = ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"]


@pytest.mark.parametrize("layout", ["s3", "flat"])
def test_event_time_outside_the_datetime_range_is_skipped_not_fatal(tmp_path, layout: str):
    """An `eventTime` whose UTC conversion leaves Python's datetime range is unusable.

    `astimezone` raises OverflowError for these values; `perimeter.records.event_day` once
    caught ValueError only, which stopped the day store build (S3 layout) or the listing of
    days (flat folder) instead of skipping the record as "no eventTime".
    """
    logs = tmp_path / "cloudtrail"
    events = [_event(31, EC2, "DescribeInstances", DEPLOY, "192.0.2.20")]
    events += [
        {**_event(32 + n, EC2, "DescribeInstances", DEPLOY, "192.0.2.20"), "eventTime": when}
        for n, when in enumerate(OUT_OF_RANGE_TIMES)
    ]
    name = f"{LOGS}/{PREFIX}1015Z_e.json" if layout == "s3" else "export.json"
    write_records(logs / name, events)
    engine = DuckDBEngine(cloudtrail_root=str(logs), store_dir=str(tmp_path / "store"), workers=1)
    assert engine.available_days() == [DAY]
    manifest = engine.build_day_store(DAY)
    assert (manifest.records_read, manifest.records_stored) == (3, 1)
    assert manifest.records_skipped == {"no eventTime": 2}

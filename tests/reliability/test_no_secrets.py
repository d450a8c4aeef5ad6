"""Credentials found in CloudTrail events never leave the raw day store.

A whole run (persistent Dagster instance, debug logging) over one day of events that carry
access key ids, session tokens, a secret access key, a presigned URL and its signature, each
of them reported by a query. None of those strings may appear in the console output, in the
Dagster event log (materialisation and check metadata included), in the HTML, Excel and JSON
reports, or in anything stored under `<store_dir>` except the raw day store, which is the
user's own copy of CloudTrail and keeps them.
"""

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq
import pytest

from dph_pipeline.run import run_pipeline
from dph_pipeline.settings import load_settings
from tests.pipeline.conftest import write_project
from tests.queries.cases._org import (
    BASE_EVENT,
    DEPLOY,
    INVENTORY,
    LOGGING_ACCOUNT,
    OUTSIDER,
    READER,
)
from tests.reliability._support import write_records


def _fake(prefix: str, marker: str, length: int) -> str:
    """A made-up value of a credential's shape, built at run time.

    No credential-shaped text is written in this file; the markers make each value unique,
    so a leak names the field it came from.
    """
    return (prefix + marker).ljust(length, "0")[:length]


USER_KEY = _fake("AK" + "IA", "ZZUSERKEY", 20)
SESSION_KEY = _fake("AS" + "IA", "ZZSESSIONKEY", 20)
ISSUED_KEY = _fake("AS" + "IA", "ZZISSUEDKEY", 20)
SECRET_ACCESS_KEY = _fake("", "ZZSECRETACCESSKEYMARKER", 40)
ISSUED_TOKEN = _fake("", "ZZISSUEDSESSIONTOKENMARKER", 60)
REQUEST_TOKEN = _fake("", "ZZREQUESTSESSIONTOKENMARKER", 60)
SECURITY_TOKEN = _fake("", "ZZSECURITYTOKENMARKER", 60)
SIGNATURE = hashlib.sha256(b"dph test signature").hexdigest()
PRESIGNED = (
    "https://example-data-bucket.s3.us-east-1.amazonaws.com/a.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    f"&X-Amz-Credential={SESSION_KEY}%2F20240301%2Fus-east-1%2Fs3%2Faws4_request"
    f"&X-Amz-Date=20240301T101500Z&X-Amz-Expires=900&X-Amz-Security-Token={SECURITY_TOKEN}"
    f"&X-Amz-SignedHeaders=host&X-Amz-Signature={SIGNATURE}"
)
SECRETS = [
    USER_KEY,
    SESSION_KEY,
    ISSUED_KEY,
    SECRET_ACCESS_KEY,
    ISSUED_TOKEN,
    REQUEST_TOKEN,
    SECURITY_TOKEN,
    SIGNATURE,
    "X-Amz-Signature=",
    PRESIGNED,
]

OUTSIDER_WITH_KEY = {**OUTSIDER, "accessKeyId": USER_KEY}
READER_WITH_KEY = {**READER, "accessKeyId": SESSION_KEY}
DEPLOY_WITH_KEY = {**DEPLOY, "accessKeyId": SESSION_KEY}

EVENTS = [
    {  # reported by common_from_public_cidr_ipv4
        **BASE_EVENT,
        "eventID": "assume-role",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "userIdentity": OUTSIDER_WITH_KEY,
        "sourceIPAddress": "192.0.2.60",
        "requestParameters": {
            "roleArn": "arn:aws:iam::111122223333:role/deploy",
            "roleSessionName": "x",
        },
        "responseElements": {
            "credentials": {
                "accessKeyId": ISSUED_KEY,
                "secretAccessKey": SECRET_ACCESS_KEY,
                "sessionToken": ISSUED_TOKEN,
                "expiration": "Mar 1, 2024, 11:15:00 AM",
            },
            "assumedRoleUser": {
                "assumedRoleId": "AROAEXAMPLEDEPLOY:x",
                "arn": "arn:aws:sts::111122223333:assumed-role/deploy/x",
            },
        },
    },
    {  # reported by s3_bucket_policy_identity_perimeter_org_boundary and the CIDR query
        **BASE_EVENT,
        "eventID": "presigned-get",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "userIdentity": READER_WITH_KEY,
        "sourceIPAddress": "192.0.2.61",
        "requestParameters": {
            "bucketName": "example-data-bucket",
            "key": "a.csv",
            "X-Amz-Security-Token": SECURITY_TOKEN,
            "X-Amz-Signature": SIGNATURE,
            "X-Amz-Credential": f"{SESSION_KEY}/20240301/us-east-1/s3/aws4_request",
        },
        "additionalEventData": {"AuthenticationMethod": "QueryString", "SignatureVersion": "SigV4"},
    },
    {  # reported by common_only_denied
        **BASE_EVENT,
        "eventID": "denied-with-token",
        "eventSource": "sts.amazonaws.com",
        "eventName": "GetFederationToken",
        "errorCode": "AccessDenied",
        "errorMessage": "Access Denied",
        "userIdentity": DEPLOY_WITH_KEY,
        "sourceIPAddress": "192.0.2.62",
        "requestParameters": {"name": "x", "sessionToken": REQUEST_TOKEN},
    },
    {  # reported by the CIDR query
        **BASE_EVENT,
        "eventID": "presigned-url-in-response",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "GetFunction",
        "userIdentity": DEPLOY_WITH_KEY,
        "sourceIPAddress": "192.0.2.63",
        "requestParameters": {"functionName": "etl"},
        "responseElements": {"code": {"repositoryType": "S3", "location": PRESIGNED}},
    },
]


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _inventory_files() -> dict[str, Any]:
    accounts = [
        {"Id": a["accountid"], "Name": a["name"], "Status": a["status"]}
        for a in INVENTORY["accounts"]
    ]
    buckets = {"AccountId": LOGGING_ACCOUNT, "Buckets": [{"Name": "example-data-bucket"}]}
    return {"accounts.json": {"Accounts": accounts}, "s3_buckets.json": buckets}


def _whole_run(folder: Path) -> dict[str, Any]:
    """Run the job over 2024-03-01 with a persistent instance in `folder`; return what it left."""
    home = folder / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    logs = folder / "cloudtrail"
    write_records(logs / "events.json", EVENTS)
    variables = write_project(folder, logs, _inventory_files(), "baseline: {}\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        settings = load_settings(variables, environ={})
        outcome = run_pipeline(settings, start="2024-03-01", end="2024-03-01", log_level="DEBUG")
        assert outcome.success, outcome.errors
        with dg.DagsterInstance.get() as instance:
            entries = [e for r in instance.get_runs() for e in instance.all_logs(r.run_id)]
    return {"folder": folder, "outcome": outcome, "entries": entries}


@pytest.fixture(scope="module")
def whole_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _whole_run(tmp_path_factory.mktemp("secrets"))


def test_the_secret_bearing_calls_are_read_and_reported(whole_run):
    folder = whole_run["folder"]
    rows = whole_run["outcome"].rows
    assert rows == {
        "accounts": 2,
        "iam_roles": 0,
        "org_tree": 0,
        "s3_buckets": 1,
        "vpc_endpoints": 0,
        "cloudtrail_day_store": 4,
        "common_from_public_cidr_ipv4": 3,
        "common_only_denied": 1,
        "s3_bucket_policy_identity_perimeter_org_boundary": 1,
    }
    # the raw day store is the user's copy of CloudTrail: the secrets are there
    day_store = pq.read_table(folder / "store/cloudtrail/day=2024-03-01/events.parquet")
    stored = json.dumps(day_store.to_pylist())
    assert set(_leaks(stored)) >= {USER_KEY, SESSION_KEY, SIGNATURE, ISSUED_TOKEN}


def test_console_output_holds_no_secret(tmp_path: Path, capfd: pytest.CaptureFixture[str]):
    _whole_run(tmp_path)
    out, err = capfd.readouterr()
    assert "cloudtrail_day_store" in err  # debug logging did reach the console
    assert _leaks(out + err) == []


def test_dagster_event_log_and_metadata_hold_no_secret(whole_run):
    entries = whole_run["entries"]
    assert entries
    metadata_values = []
    checks = 0
    for entry in entries:
        assert _leaks(dg.serialize_value(entry)) == [], entry.message
        event = entry.dagster_event
        if event is None:
            continue
        if event.is_step_materialization:
            metadata = event.step_materialization_data.materialization.metadata
            metadata_values += [str(v.value) for v in metadata.values()]
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            metadata = event.asset_check_evaluation_data.metadata
            checks += 1
            metadata_values += [str(v.value) for v in metadata.values()]
    assert len(metadata_values) > 20
    assert checks == 1  # records_accounted_for
    assert _leaks("\n".join(metadata_values)) == []


def test_dagster_home_files_hold_no_secret(whole_run):
    # the event log was read through the instance above; here the compute logs and the rest
    home = whole_run["folder"] / "dagster_home"
    texts = [p for p in home.rglob("*") if p.is_file() and p.suffix != ".db"]
    assert any(p.parent.name == "compute_logs" for p in texts)
    for path in texts:
        assert _leaks(path.read_text(encoding="utf-8", errors="replace")) == [], path


def test_reports_hold_no_secret(whole_run):
    outputs = whole_run["folder"] / "outputs"
    for name in ("data_perimeter.html", "data_perimeter.json"):
        assert _leaks((outputs / name).read_text(encoding="utf-8")) == [], name
    with zipfile.ZipFile(outputs / "data_perimeter.xlsx") as book:
        for member in book.namelist():
            assert _leaks(book.read(member).decode("utf-8")) == [], member


def test_store_holds_no_secret_outside_the_raw_day_store(whole_run):
    store = whole_run["folder"] / "store"
    results = sorted((store / "results").rglob("*.parquet"))
    assert len(results) == 3
    checked = 0
    for path in sorted(p for p in store.rglob("*") if p.is_file()):
        if path.name == "events.parquet":
            continue
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            text = json.dumps(table.to_pylist(), default=str) + repr(table.schema.metadata)
        else:
            text = path.read_text(encoding="utf-8")
        assert _leaks(text) == [], path
        checked += 1
    assert checked >= len(results)

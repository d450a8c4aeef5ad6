"""Perimeter values holding `'`, `--` and `;` never reach SQL: rejected, or matched as literals.

Accepted values (trusted principal patterns, a bucket exception name, an account section) are
applied by the post-processing rules, so whole runs on DuckDB remove exactly the calls they
name; rejected ones stop `dph run` with exit code 2 and one exact message before any query
runs. Every statement sent to DuckDB is the catalogue's static SQL, whatever the file says.
"""

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from dph_pipeline.cli import main
from dph_pipeline.definitions import build_defs
from dph_pipeline.settings import load_settings
from perimeter.queries.registry import catalogue
from resources.engine import DuckDBEngine
from tests.pipeline.conftest import run, write_project
from tests.queries.cases._org import (
    BASE_EVENT,
    DEPLOY,
    LOGGING_ACCOUNT,
    ORG_ACCOUNT,
    OUTSIDE_ACCOUNT,
    READER,
    assumed_role,
)
from tests.reliability._support import sort_rows, write_records

OBRIEN = "o'brien--;drop"
SESSION = "session'; DROP TABLE cloudtrail; --"
BUCKET = "data'; DROP TABLE cloudtrail;--"
VPCE = "vpce-0a1b2c3d4e5f67890"

HOSTILE_PERIMETER = f"""\
baseline:
  network_perimeter_expected_public_cidr: ["35.249.253.0/24"]
  network_perimeter_trusted_principal: ["role/{OBRIEN}"]
"{LOGGING_ACCOUNT}":
  network_perimeter_trusted_principal: ["{SESSION}"]
  "AWS::S3::Bucket":
    "{BUCKET}":
      identity_perimeter_trusted_principal: ["arn:aws:iam::{OUTSIDE_ACCOUNT}:role/{OBRIEN}"]
"""
PLAIN_PERIMETER = 'baseline:\n  network_perimeter_expected_public_cidr: ["35.249.253.0/24"]\n'

INVENTORY = {
    "accounts.json": {
        "Accounts": [
            {"Id": LOGGING_ACCOUNT, "Name": "logging", "Status": "ACTIVE"},
            {"Id": ORG_ACCOUNT, "Name": "workload", "Status": "ACTIVE"},
        ]
    },
    "s3_buckets.json": {
        "AccountId": LOGGING_ACCOUNT,
        "Buckets": [{"Name": "example-data-bucket"}, {"Name": BUCKET}],
    },
}

OBRIEN_ROLE = assumed_role(LOGGING_ACCOUNT, OBRIEN, "AROAEXAMPLEOBRIEN1", "s1")
OBRIEN_PREFIX = assumed_role(LOGGING_ACCOUNT, "o'brien", "AROAEXAMPLEOBRIEN2", "s2")
HOSTILE_SESSION = assumed_role(LOGGING_ACCOUNT, "deploy", "AROAEXAMPLEDEPLOY", SESSION)
OUTSIDE_OBRIEN = assumed_role(OUTSIDE_ACCOUNT, OBRIEN, "AROAEXAMPLEOBRIEN3", "s3")


def _describe(identity: dict, ip: str, account: str = LOGGING_ACCOUNT) -> dict:
    return {
        **BASE_EVENT,
        "recipientAccountId": account,
        "eventSource": "ec2.amazonaws.com",
        "eventName": "DescribeInstances",
        "userIdentity": identity,
        "sourceIPAddress": ip,
    }


def _get(identity: dict, bucket: str) -> dict:
    # through a VPC endpoint, so that common_from_public_cidr_ipv4 leaves them out
    return {
        **BASE_EVENT,
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "userIdentity": identity,
        "sourceIPAddress": "10.0.0.1",
        "vpcEndpointId": VPCE,
        "requestParameters": {"bucketName": bucket, "key": "a.csv"},
    }


EVENTS = [
    _describe(OBRIEN_ROLE, "192.0.2.1"),  # trusted by the baseline pattern
    _describe(OBRIEN_PREFIX, "192.0.2.2"),  # only a prefix of the pattern
    _describe(DEPLOY, "192.0.2.3"),
    _describe(HOSTILE_SESSION, "192.0.2.4"),  # trusted by the account section
    _describe(HOSTILE_SESSION, "192.0.2.5", account=ORG_ACCOUNT),  # another account's logs
    _get(OUTSIDE_OBRIEN, BUCKET),  # trusted by the bucket's exception block
    _get(READER, BUCKET),
    _get(OUTSIDE_OBRIEN, "example-data-bucket"),  # the exception covers the other bucket only
]

NOT_IN_INVENTORY = dict.fromkeys(
    ("isAssumableBy", "isServiceRole", "isServiceLinkedRole"), "IAM_ROLE_NOT_IN_INVENTORY"
)
CIDR_LABELS = {
    "controlType": "network_perimeter",
    "findings": "Principal is performing AWS API calls from an unexpected public CIDR",
}


def _cidr_row(identity: dict, ip: str, account: str = LOGGING_ACCOUNT) -> dict:
    return {
        "p_date": "2024/03/01",
        "p_account": account,
        "principal_arn": identity["sessionContext"]["sessionIssuer"]["arn"],
        "principal_type": "AssumedRole",
        "principal_accountid": LOGGING_ACCOUNT,
        "principalid": identity["principalId"],
        "eventsource": "ec2.amazonaws.com",
        "eventname": "DescribeInstances",
        "sourceipaddress": ip,
        "nb_reqs": 1,
        **NOT_IN_INVENTORY,
        **CIDR_LABELS,
    }


def _bucket_row(identity: dict, bucket: str) -> dict:
    return {
        "p_date": "2024/03/01",
        "p_account": LOGGING_ACCOUNT,
        "principal_arn": identity["sessionContext"]["sessionIssuer"]["arn"],
        "principal_type": "AssumedRole",
        "principal_accountid": OUTSIDE_ACCOUNT,
        "principalid": identity["principalId"],
        "bucketname": bucket,
        "sourceipaddress": "10.0.0.1",
        "vpcendpointid": VPCE,
        "nb_reqs": 1,
        "controlType": "identity_perimeter",
        "findings": "Principal is not part of the current organization",
    }


def _whole_run(folder: Path, perimeter: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run one day; return the report and every (SQL, parameters) DuckDB was given."""
    executed: list[tuple[str, dict]] = []
    original = DuckDBEngine.run_query

    def recording(self, sql, params, days):
        executed.append((sql, dict(params)))
        return original(self, sql, params, days)

    monkeypatch.setattr(DuckDBEngine, "run_query", recording)
    logs = folder / "cloudtrail"
    write_records(logs / "events.json", EVENTS)
    variables = write_project(folder, logs, INVENTORY, perimeter)
    run(variables, start="2024-03-01", end="2024-03-01")
    report = json.loads((folder / "outputs" / "data_perimeter.json").read_text())
    return {"report": report, "executed": executed, "variables": variables}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    done = {}
    for name, text in (("hostile", HOSTILE_PERIMETER), ("plain", PLAIN_PERIMETER)):
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.delenv("DAGSTER_HOME", raising=False)
            done[name] = _whole_run(tmp_path_factory.mktemp(name), text, monkeypatch)
    return done


def _rows(report: dict, query_id: str) -> list[dict]:
    return sort_rows({q["query_id"]: q for q in report["queries"]}[query_id]["rows"])


def test_hostile_values_remove_exactly_the_calls_they_name(runs):
    report = runs["hostile"]["report"]
    assert _rows(report, "common_from_public_cidr_ipv4") == sort_rows(
        [
            _cidr_row(OBRIEN_PREFIX, "192.0.2.2"),
            _cidr_row(DEPLOY, "192.0.2.3"),
            _cidr_row(HOSTILE_SESSION, "192.0.2.5", account=ORG_ACCOUNT),
        ]
    )
    assert _rows(report, "s3_bucket_policy_identity_perimeter_org_boundary") == sort_rows(
        [_bucket_row(READER, BUCKET), _bucket_row(OUTSIDE_OBRIEN, "example-data-bucket")]
    )
    assert _rows(report, "common_only_denied") == []


def test_without_those_values_every_call_is_reported(runs):
    report = runs["plain"]["report"]
    assert _rows(report, "common_from_public_cidr_ipv4") == sort_rows(
        [
            _cidr_row(OBRIEN_ROLE, "192.0.2.1"),
            _cidr_row(OBRIEN_PREFIX, "192.0.2.2"),
            _cidr_row(DEPLOY, "192.0.2.3"),
            _cidr_row(HOSTILE_SESSION, "192.0.2.4"),
            _cidr_row(HOSTILE_SESSION, "192.0.2.5", account=ORG_ACCOUNT),
        ]
    )
    assert _rows(report, "s3_bucket_policy_identity_perimeter_org_boundary") == sort_rows(
        [
            _bucket_row(OUTSIDE_OBRIEN, BUCKET),
            _bucket_row(READER, BUCKET),
            _bucket_row(OUTSIDE_OBRIEN, "example-data-bucket"),
        ]
    )


def test_duckdb_receives_the_static_catalogue_sql_only(runs):
    static = sorted(spec.sql for spec in catalogue().values())
    day = {"start_day": "2024/03/01", "end_day": "2024/03/01"}
    for name in ("hostile", "plain"):
        executed = runs[name]["executed"]
        assert sorted(sql for sql, _ in executed) == static, name
        assert [params for _, params in executed] == [day] * len(static), name
        assert not any(word in sql for sql, _ in executed for word in ("brien", "DROP"))
    assert sorted(runs["hostile"]["executed"]) == sorted(runs["plain"]["executed"])


def test_sql_shown_in_dagster_and_in_the_report_is_the_same_whatever_the_file(runs):
    expected = {spec.id: spec.sql for spec in catalogue().values()}
    for name in ("hostile", "plain"):
        report = runs[name]["report"]
        assert {q["query_id"]: q["sql"] for q in report["queries"]} == expected, name
        defs = build_defs(load_settings(runs[name]["variables"], environ={}))
        graph = defs.resolve_asset_graph()
        shown = {
            query_id: graph.get(dg.AssetKey(query_id)).metadata["sql"].value
            for query_id in expected
        }
        assert shown == {q: f"```sql\n{sql}\n```" for q, sql in expected.items()}, name
    catalogue.cache_clear()
    assert {spec.id: spec.sql for spec in catalogue().values()} == expected


REJECTED = [
    pytest.param(
        'baseline: {}\n"111122223333\'; --": {}\n',
        '["111122223333\'; --"]: unknown key (got "111122223333\'; --")',
        id="account section",
    ),
    pytest.param(
        'baseline:\n  network_perimeter_trusted_account: ["444455556666\'; --"]\n',
        "baseline.network_perimeter_trusted_account[0]: not a 12-digit AWS account id "
        '(got "444455556666\'; --")',
        id="trusted account",
    ),
    pytest.param(
        'baseline:\n  network_perimeter_expected_public_cidr: ["203.0.113.0/24; DROP TABLE t"]\n',
        "baseline.network_perimeter_expected_public_cidr[0]: not a valid IP network "
        "(got '203.0.113.0/24; DROP TABLE t')",
        id="cidr",
    ),
    pytest.param(
        'baseline:\n  network_perimeter_expected_vpc: ["vpc-0a1b2c3d\' OR 1=1 --"]\n',
        "baseline.network_perimeter_expected_vpc[0]: not a VPC id, expected vpc- and 8 to 17 "
        'lowercase hex digits (got "vpc-0a1b2c3d\' OR 1=1 --")',
        id="vpc",
    ),
    pytest.param(
        'baseline:\n  athena_sql_limit: "10; DROP TABLE t"\n',
        "baseline.athena_sql_limit: expected a non-negative integer (got '10; DROP TABLE t')",
        id="limit",
    ),
    pytest.param(
        'baseline:\n  identity_perimeter_trusted_principal: ["arn:aws:iam::1111\'--:role/x"]\n',
        "baseline.identity_perimeter_trusted_principal[0]: malformed ARN: account field must "
        'be empty, 12 digits or a pattern (got "arn:aws:iam::1111\'--:role/x")',
        id="arn",
    ),
    pytest.param(
        'baseline:\n  network_perimeter_trusted_principal: ["role/o\'brien(--;drop"]\n',
        "baseline.network_perimeter_trusted_principal[0]: not a valid regular expression: "
        'missing ), unterminated subpattern (got "role/o\'brien(--;drop")',
        id="pattern",
    ),
    pytest.param(
        'baseline:\n  "network_perimeter_trusted_principal\'; --": [x]\n',
        'baseline["network_perimeter_trusted_principal\'; --"]: unknown key '
        '(got "network_perimeter_trusted_principal\'; --"); '
        "did you mean 'network_perimeter_trusted_principal'?",
        id="key",
    ),
]


@pytest.mark.parametrize(("perimeter", "message"), REJECTED)
def test_rejected_values_stop_the_run_with_one_exact_message(
    perimeter: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    executed = []
    monkeypatch.setattr(DuckDBEngine, "run_query", lambda *args: executed.append(args))
    logs = tmp_path / "cloudtrail"
    write_records(logs / "events.json", EVENTS)
    variables = write_project(tmp_path, logs, INVENTORY, perimeter)
    code = main(["run", "--variables", str(variables), "--start", "2024-03-01"])
    assert code == 2
    path = (tmp_path / "data_perimeter.yaml").resolve()
    assert capsys.readouterr().err == f"dph: {path}: {message}\n"
    assert executed == []
    assert not (tmp_path / "store").exists()

"""`dph sample` then `dph run`: the reports list the planted calls and nothing else.

The expected rows follow from the planted calls (dph_pipeline/sample/planted.py) and the
sample's data_perimeter.yaml, worked out by hand from the query definitions in the spec.
"""

import contextlib
import io
import json

import pytest

from dph_pipeline.cli import main

PROD, DEV = "333344445555", "444455556666"
OPERATOR = "AROAPRODAAPPOPERATOR1:alice"
LEGACY = "AIDADEVLEGACYSCRIPT01"
VENDOR = "AROAVENDORREADERROLE1:nightly"
AUDITOR = "AROAVENDORAUDITOR0001:audit"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sample")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["sample", "--out", str(folder)]) == 0
        assert main(["run", "--variables", str(folder / "variables.yaml")]) == 0
    report = json.loads((folder / "outputs" / "data_perimeter.json").read_text())
    return folder, out.getvalue(), {q["query_id"]: q["rows"] for q in report["queries"]}


def _keys(rows: list[dict], *columns: str) -> list[tuple]:
    return sorted(tuple(r[c] for c in columns) for r in rows)


def test_public_cidr_rows(sample_run):
    _, _, rows = sample_run
    assert _keys(
        rows["common_from_public_cidr_ipv4"],
        "p_date",
        "p_account",
        "principalid",
        "eventname",
        "sourceipaddress",
        "nb_reqs",
    ) == [
        ("2024/03/04", PROD, "", "GetObject", "192.0.2.200", 1),
        ("2024/03/04", PROD, "", "PreflightRequest", "192.0.2.201", 1),
        ("2024/03/04", PROD, OPERATOR, "DescribeInstances", "203.0.113.77", 3),
        ("2024/03/04", PROD, AUDITOR, "GetObject", "203.0.113.121", 1),
        ("2024/03/04", PROD, VENDOR, "GetObject", "203.0.113.120", 5),
        ("2024/03/04", DEV, LEGACY, "ListBuckets", "192.0.2.10", 1),
        ("2024/03/05", PROD, OPERATOR, "DescribeInstances", "203.0.113.77", 1),
    ]


def test_denied_rows(sample_run):
    _, _, rows = sample_run
    assert _keys(
        rows["common_only_denied"], "p_account", "principalid", "eventname", "errorcode", "nb_reqs"
    ) == [
        (PROD, OPERATOR, "GetObject", "AccessDenied", 2),
        (PROD, VENDOR, "GetObject", "AccessDenied", 1),
        (DEV, LEGACY, "RunInstances", "Client.UnauthorizedOperation", 1),
    ]


def test_s3_org_boundary_rows(sample_run):
    _, _, rows = sample_run
    assert _keys(
        rows["s3_bucket_policy_identity_perimeter_org_boundary"],
        "principal_accountid",
        "principalid",
        "bucketname",
        "nb_reqs",
        "findings",
    ) == [
        (
            "999988887777",
            VENDOR,
            "sample-prod-app-data",
            4,
            "Principal is not part of the current organization",
        ),
        ("anonymous", "", "sample-prod-public-assets", 1, "Unauthenticated API call"),
    ]


def test_html_lists_the_planted_violations(sample_run):
    folder, _, _ = sample_run
    html = (folder / "outputs" / "data_perimeter.html").read_text()
    for text in (VENDOR, LEGACY, OPERATOR, "Unauthenticated API call", "RunInstances"):
        assert text in html
    assert "<script src=" not in html and "https://" not in html.split("<body", 1)[0]


def test_cli_prints_where_the_reports_are(sample_run):
    folder, printed, _ = sample_run
    assert "Run over 2024-03-04 .. 2024-03-06 succeeded." in printed
    assert f"html  {folder / 'outputs' / 'data_perimeter.html'}" in printed
    assert "cloudtrail_day_store: 2430 rows" in printed

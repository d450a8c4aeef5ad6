"""Hostile CloudTrail values reach the reports as inert text: escaped HTML, text cells, exact JSON.

A whole run over one day of hand-made logs: four calls denied to principals of an account
outside the organisation, whose principal ids start with `=`, `+`, `-` and `@` (what Excel
reads as a formula) and one of whose error messages is a script tag. `common_only_denied`
reports each call as one row (failed calls are in no other query).
"""

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from tests.pipeline.conftest import run, write_project
from tests.queries.cases._org import BASE_EVENT, LOGGING_ACCOUNT, OUTSIDE_ACCOUNT
from tests.reliability._support import write_records

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://x")'
HOSTILE_IDS = [HYPERLINK, "+AIDAPLUS", "-AIDAMINUS", "@AIDAAT"]
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FINDINGS = "Principal performed API calls with an access denied error message"


def _denied(principal_id: str, message: str) -> dict:
    return {
        **BASE_EVENT,
        "eventID": f"id-{principal_id}",
        "eventSource": "ec2.amazonaws.com",
        "eventName": "RunInstances",
        "errorCode": "Client.UnauthorizedOperation",
        "errorMessage": message,
        "sourceIPAddress": "192.0.2.50",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": principal_id,
            "arn": f"arn:aws:iam::{OUTSIDE_ACCOUNT}:user/visitor",
            "accountId": OUTSIDE_ACCOUNT,
            "userName": "visitor",
        },
    }


MESSAGES = {HYPERLINK: SCRIPT, "+AIDAPLUS": "+1", "-AIDAMINUS": "-1", "@AIDAAT": "@SUM(A1)"}


def _expected_row(principal_id: str) -> dict:
    return {
        "p_date": "2024/03/01",
        "p_account": LOGGING_ACCOUNT,
        "principal_arn": None,
        "principal_type": "IAMUser",
        "principal_accountid": OUTSIDE_ACCOUNT,
        "principalid": principal_id,
        "eventsource": "ec2.amazonaws.com",
        "eventname": "RunInstances",
        "errorcode": "Client.UnauthorizedOperation",
        "errormessage": MESSAGES[principal_id],
        "sourceipaddress": "192.0.2.50",
        "vpcendpointid": None,
        "nb_reqs": 1,
        "isAssumableBy": "PRINCIPAL_NOT_IN_ORGANIZATION",
        "isServiceRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
        "isServiceLinkedRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
        "controlType": "All",
        "findings": FINDINGS,
    }


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    logs = folder / "cloudtrail"
    write_records(logs / "events.json", [_denied(p, MESSAGES[p]) for p in HOSTILE_IDS])
    inventory = {
        "accounts.json": {"Accounts": [{"Id": LOGGING_ACCOUNT, "Name": "logs", "Status": "ACTIVE"}]}
    }
    variables = write_project(folder, logs, inventory, "baseline: {}\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("DAGSTER_HOME", raising=False)  # an ephemeral instance
        _, outcome = run(variables, start="2024-03-01", end="2024-03-01")
    assert outcome.rows["common_only_denied"] == 4
    return folder / "outputs"


def test_json_round_trips_the_exact_strings(outputs: Path):
    text = (outputs / "data_perimeter.json").read_text(encoding="utf-8")
    report = json.loads(text)
    denied = {q["query_id"]: q for q in report["queries"]}["common_only_denied"]
    assert denied["row_count"] == 4
    by_id = {row["principalid"]: row for row in denied["rows"]}
    assert by_id == {p: _expected_row(p) for p in HOSTILE_IDS}
    assert json.loads(json.dumps(report)) == report


def test_html_shows_escaped_text_and_runs_no_injected_script(outputs: Path):
    html = (outputs / "data_perimeter.html").read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert '<td class="mono">=HYPERLINK(&quot;http://x&quot;)</td>' in html
    for principal_id in HOSTILE_IDS[1:]:
        assert f'<td class="mono">{principal_id}</td>' in html
    assert html.count("<script") == 1  # the report's own inlined script
    assert html.endswith("</html>\n")


def test_excel_cells_are_text_with_the_value_unchanged(outputs: Path):
    # perimeter/report/excel.py: every text cell is stored as a string, never as a formula,
    # whatever it starts with; the value is not prefixed or altered.
    book = openpyxl.load_workbook(outputs / "data_perimeter.xlsx")
    sheet = book["common_only_denied"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(_expected_row(HYPERLINK))
    id_column = header.index("principalid")
    message_column = header.index("errormessage")
    seen = {}
    for row in sheet.iter_rows(min_row=2):
        principal, message = row[id_column], row[message_column]
        assert (principal.data_type, message.data_type) == ("s", "s")
        seen[principal.value] = message.value
    assert seen == MESSAGES


def test_no_formula_anywhere_in_the_workbook(outputs: Path):
    hostile = {*HOSTILE_IDS, *MESSAGES.values()}
    found = {}
    with zipfile.ZipFile(outputs / "data_perimeter.xlsx") as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 5  # summary, three queries, sql_queries
        for name in sheets:
            xml = book.read(name).decode("utf-8")
            assert SCRIPT not in xml
            root = ElementTree.fromstring(xml)
            assert root.findall(f".//{NS}f") == [], f"{name} holds a formula"
            for cell in root.iter(f"{NS}c"):
                text = "".join(t.text or "" for t in cell.iter(f"{NS}t"))
                if text in hostile:
                    found[text] = cell.get("t")
    assert found == dict.fromkeys(hostile, "inlineStr")

import os
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from perimeter.report import Report, ReportItem, sheet_names, write_excel

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
LONG_FINDING = "Role app in 444455556666 called s3:GetObject from 203.0.113.9, " + "x" * 40 + "."
SQL = "-- Calls denied by a perimeter policy\nSELECT p_account FROM cloudtrail"


def make_report() -> Report:
    denied = pd.DataFrame(
        {
            "p_account": [ACCOUNT_A, ACCOUNT_B],
            "eventtime": [
                datetime(2024, 5, 2, 10, 0, tzinfo=UTC),
                datetime(2024, 5, 3, 11, 30, tzinfo=UTC),
            ],
            "eventname": ["GetObject", '=HYPERLINK("http://x")'],
            "useragent": ["  =cmd|' /C calc'!A0", "@SUM(A1)"],
            "sourceipaddress": ["+1", "-2"],
            "vpcendpointid": [None, "vpce-0abc"],
            "resources": [["arn:aws:s3:::bucket-a"], {"bucket": "b"}],
            "nb_reqs": [3, 5],
            "controlType": ["All", "All"],
            "findings": ["Denied.", LONG_FINDING],
        }
    )
    empty = pd.DataFrame({c: [] for c in ("p_account", "nb_reqs", "controlType", "findings")})
    return Report(
        title="Data perimeter report",
        generated_at=datetime(2024, 5, 8, 6, 30, tzinfo=UTC),
        window_start=date(2024, 5, 1),
        window_end=date(2024, 5, 7),
        engine="athena",
        items=(
            ReportItem("common_only_denied", "Denied calls", "Denied.", "All", SQL, denied),
            ReportItem(
                "s3_scp_network_perimeter_ipv4",
                "S3 networks",
                "S3.",
                "network_perimeter",
                "",
                empty,
            ),
        ),
        notes=("2 log files skipped.",),
    )


@pytest.fixture
def workbook(tmp_path: Path) -> openpyxl.Workbook:
    path = write_excel(make_report(), tmp_path / "report.xlsx")
    return openpyxl.load_workbook(path)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_sheets_are_summary_then_queries_then_sql(workbook) -> None:
    assert workbook.sheetnames == [
        "summary",
        "common_only_denied",
        "s3_scp_network_perimeter_ipv4",
        "sql_queries",
    ]


def test_summary_sheet_holds_header_lines_and_both_tables(workbook) -> None:
    none4 = (None,) * 4
    assert rows(workbook["summary"]) == [
        ("Data perimeter report", None, *none4),
        ("Generated at (UTC)", "2024-05-08T06:30:00Z", *none4),
        ("Window start (UTC)", "2024-05-01", *none4),
        ("Window end (UTC, inclusive)", "2024-05-07", *none4),
        ("Engine", "athena", *none4),
        ("Times", "UTC throughout (Excel dates carry no time zone)", *none4),
        ("Note", "2 log files skipped.", *none4),
        (None,) * 6,
        ("Calls outside the perimeter, by query", None, *none4),
        ("query_id", "title", "control_type", "rows", "total_calls", "accounts"),
        ("common_only_denied", "Denied calls", "All", 2, 8, 2),
        ("s3_scp_network_perimeter_ipv4", "S3 networks", "network_perimeter", 0, 0, 0),
        (None,) * 6,
        ("Calls outside the perimeter, by account", None, *none4),
        ("p_account", "common_only_denied", "total", None, None, None),
        (ACCOUNT_A, 3, 3, None, None, None),
        (ACCOUNT_B, 5, 5, None, None, None),
        ("total", 8, 8, None, None, None),
    ]


def test_query_sheet_values_header_and_layout(workbook) -> None:
    sheet = workbook["common_only_denied"]
    assert rows(sheet) == [
        (
            "p_account",
            "eventtime",
            "eventname",
            "useragent",
            "sourceipaddress",
            "vpcendpointid",
            "resources",
            "nb_reqs",
            "controlType",
            "findings",
        ),
        (
            ACCOUNT_A,
            datetime(2024, 5, 2, 10, 0),
            "GetObject",
            "  =cmd|' /C calc'!A0",
            "+1",
            None,
            '["arn:aws:s3:::bucket-a"]',
            3,
            "All",
            "Denied.",
        ),
        (
            ACCOUNT_B,
            datetime(2024, 5, 3, 11, 30),
            '=HYPERLINK("http://x")',
            "@SUM(A1)",
            "-2",
            "vpce-0abc",
            '{"bucket":"b"}',
            5,
            "All",
            LONG_FINDING,
        ),
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    assert sheet.column_dimensions["A"].width == 14  # 12-digit account + 2
    assert sheet.column_dimensions["J"].width == 60  # capped


@pytest.mark.parametrize(
    ("coordinate", "text"),
    [
        ("C3", '=HYPERLINK("http://x")'),
        ("D2", "  =cmd|' /C calc'!A0"),
        ("D3", "@SUM(A1)"),
        ("E2", "+1"),
        ("E3", "-2"),
    ],
)
def test_formula_like_text_stays_text(workbook, coordinate: str, text: str) -> None:
    cell = workbook["common_only_denied"][coordinate]
    assert cell.value == text
    assert cell.data_type == "s"


def test_empty_query_sheet_has_header_only(workbook) -> None:
    sheet = workbook["s3_scp_network_perimeter_ipv4"]
    assert rows(sheet) == [("p_account", "nb_reqs", "controlType", "findings")]
    assert sheet.auto_filter.ref == "A1:D1"


def test_sql_sheet_lists_every_query(workbook) -> None:
    sheet = workbook["sql_queries"]
    assert rows(sheet) == [
        ("query_id", "sql"),
        ("common_only_denied", SQL),
        ("s3_scp_network_perimeter_ipv4", None),
    ]
    assert sheet["B2"].data_type == "s"  # starts with "-"


def test_sheet_names_follow_excel_rules_and_suffix_collisions() -> None:
    names = sheet_names(
        [
            "s3_vpce_policy_resource_perimeter_account_to_not_mine",
            "s3_vpce_policy_resource_perimeter_org_to_not_mine",
            "a[b]:c*d?e/f\\g",
            "SUMMARY",
        ],
        reserved=("summary", "sql_queries"),
    )
    assert names == [
        "s3_vpce_policy_resource_perimet",
        "s3_vpce_policy_resource_perim_2",
        "a_b__c_d_e_f_g",
        "SUMMARY_2",
    ]


def test_control_characters_do_not_break_the_workbook(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"p_account": [ACCOUNT_A], "nb_reqs": [1], "controlType": ["All"], "findings": ["a\x07b"]}
    )
    report = Report(
        "r",
        datetime(2024, 5, 8, tzinfo=UTC),
        date(2024, 5, 1),
        date(2024, 5, 1),
        "duckdb",
        (ReportItem("common_only_denied", "t", "d.", "All", "", frame),),
    )
    sheet = openpyxl.load_workbook(write_excel(report, tmp_path / "r.xlsx"))["common_only_denied"]
    assert sheet["D2"].value == "a\ufffdb"


def test_failed_replace_keeps_previous_workbook(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_excel(make_report(), target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]

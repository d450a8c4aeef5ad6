import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perimeter.report import (
    Report,
    ReportItem,
    atomic_write_text,
    cell_text,
    cell_value,
    render_json,
    summarise,
    summarise_by_account,
    write_all,
    write_json,
)

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
GENERATED = datetime(2024, 5, 8, 6, 30, tzinfo=UTC)
REQUIRED = ("p_account", "nb_reqs", "controlType", "findings")


def make_report() -> Report:
    denied = pd.DataFrame(
        {
            "p_account": [ACCOUNT_A, ACCOUNT_B],
            "eventtime": pd.to_datetime(["2024-05-02T10:00:00Z", "2024-05-03T11:30:00Z"]),
            "useragent": ["<script>alert(1)</script>", "aws-cli/2.15"],
            "score": [1.5, np.nan],
            "vpcendpointid": [None, "vpce-0abc"],
            "resources": [np.array(["arn:aws:s3:::bucket-a"]), {"bucket": "b"}],
            "nb_reqs": np.array([3, 5], dtype="int64"),
            "controlType": ["All", "All"],
            "findings": ["Denied.", "Denied too."],
        }
    )
    empty = pd.DataFrame({c: [] for c in REQUIRED})
    return Report(
        title="Data perimeter report",
        generated_at=GENERATED,
        window_start=date(2024, 5, 1),
        window_end=date(2024, 5, 7),
        engine="duckdb",
        items=(
            ReportItem("common_only_denied", "Denied calls", "Denied.", "All", "SELECT 1", denied),
            ReportItem(
                "s3_scp_network_perimeter_ipv4", "S3", "S3.", "network_perimeter", "", empty
            ),
        ),
        notes=("2 log files skipped.",),
    )


def test_document_round_trips_with_exact_values() -> None:
    assert json.loads(render_json(make_report())) == {
        "title": "Data perimeter report",
        "generated_at": "2024-05-08T06:30:00Z",
        "window": {"start": "2024-05-01", "end": "2024-05-07"},
        "engine": "duckdb",
        "notes": ["2 log files skipped."],
        "summary": [
            {
                "query_id": "common_only_denied",
                "title": "Denied calls",
                "control_type": "All",
                "rows": 2,
                "total_calls": 8,
                "accounts": 2,
            },
            {
                "query_id": "s3_scp_network_perimeter_ipv4",
                "title": "S3",
                "control_type": "network_perimeter",
                "rows": 0,
                "total_calls": 0,
                "accounts": 0,
            },
        ],
        "queries": [
            {
                "query_id": "common_only_denied",
                "title": "Denied calls",
                "description": "Denied.",
                "control_type": "All",
                "sql": "SELECT 1",
                "row_count": 2,
                "rows": [
                    {
                        "p_account": ACCOUNT_A,
                        "eventtime": "2024-05-02T10:00:00Z",
                        "useragent": "<script>alert(1)</script>",
                        "score": 1.5,
                        "vpcendpointid": None,
                        "resources": ["arn:aws:s3:::bucket-a"],
                        "nb_reqs": 3,
                        "controlType": "All",
                        "findings": "Denied.",
                    },
                    {
                        "p_account": ACCOUNT_B,
                        "eventtime": "2024-05-03T11:30:00Z",
                        "useragent": "aws-cli/2.15",
                        "score": None,
                        "vpcendpointid": "vpce-0abc",
                        "resources": {"bucket": "b"},
                        "nb_reqs": 5,
                        "controlType": "All",
                        "findings": "Denied too.",
                    },
                ],
            },
            {
                "query_id": "s3_scp_network_perimeter_ipv4",
                "title": "S3",
                "description": "S3.",
                "control_type": "network_perimeter",
                "sql": "",
                "row_count": 0,
                "rows": [],
            },
        ],
    }


def test_json_text_is_strict_and_typed() -> None:
    text = render_json(make_report())
    assert "NaN" not in text
    rows = json.loads(text)["queries"][0]["rows"]
    assert type(rows[0]["nb_reqs"]) is int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (np.int64(7), 7),
        (np.float64("nan"), None),
        (pd.NaT, None),
        (pd.NA, None),
        (None, None),
        (Decimal("2"), 2),
        (Decimal("2.5"), 2.5),
        (np.array([1, 2]), [1, 2]),
        ((np.int32(1), {"k": np.nan}), [1, {"k": None}]),
        (np.bool_(True), True),
        (pd.Timestamp("2024-05-02T10:00:00Z"), datetime(2024, 5, 2, 10, tzinfo=UTC)),
    ],
)
def test_cell_value_is_python_native(raw: object, expected: object) -> None:
    value = cell_value(raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        ({"a": [1, None]}, '{"a":[1,null]}'),
        (True, "true"),
        (datetime(2024, 5, 2, 12, tzinfo=UTC), "2024-05-02T12:00:00Z"),
        (date(2024, 5, 2), "2024-05-02"),
        (np.int64(12), "12"),
    ],
)
def test_cell_text(raw: object, expected: str) -> None:
    assert cell_text(raw) == expected


def test_summaries_of_a_report_without_rows() -> None:
    empty = pd.DataFrame({c: [] for c in REQUIRED})
    item = ReportItem("common_only_denied", "t", "d.", "All", "", empty)
    report = Report("r", GENERATED, date(2024, 5, 1), date(2024, 5, 1), "duckdb", (item,))
    assert summarise(report).to_dict(orient="records") == [
        {
            "query_id": "common_only_denied",
            "title": "t",
            "control_type": "All",
            "rows": 0,
            "total_calls": 0,
            "accounts": 0,
        }
    ]
    assert summarise_by_account(report).to_dict(orient="records") == [
        {"p_account": "total", "total": 0}
    ]


def test_summary_by_account_sums_per_account() -> None:
    assert summarise_by_account(make_report()).to_dict(orient="records") == [
        {"p_account": ACCOUNT_A, "common_only_denied": 3, "total": 3},
        {"p_account": ACCOUNT_B, "common_only_denied": 5, "total": 5},
        {"p_account": "total", "common_only_denied": 8, "total": 8},
    ]


def test_model_rejects_invalid_reports() -> None:
    with pytest.raises(ValueError, match=r"lacks columns \['findings'\]"):
        ReportItem("q", "t", "d.", "All", "", pd.DataFrame({c: [] for c in REQUIRED[:3]}))
    item = ReportItem("q", "t", "d.", "All", "", pd.DataFrame({c: [] for c in REQUIRED}))
    with pytest.raises(ValueError, match="timezone-aware"):
        Report("r", datetime(2024, 5, 8), date(2024, 5, 1), date(2024, 5, 1), "duckdb", (item,))
    with pytest.raises(ValueError, match="before it starts"):
        Report("r", GENERATED, date(2024, 5, 2), date(2024, 5, 1), "duckdb", (item,))
    with pytest.raises(ValueError, match="duplicate query ids"):
        Report("r", GENERATED, date(2024, 5, 1), date(2024, 5, 1), "duckdb", (item, item))


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_keeps_previous_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        write_json(make_report(), target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_atomic_write_keeps_permissions_of_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write_text(target, "one")
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    atomic_write_text(target, "two")
    assert (target.read_text(), target.stat().st_mode & 0o777) == ("two", 0o600)


def test_write_all_writes_three_files(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    paths = write_all(make_report(), out, stem="run")
    assert paths == {"html": out / "run.html", "excel": out / "run.xlsx", "json": out / "run.json"}
    assert sorted(p.name for p in out.iterdir()) == ["run.html", "run.json", "run.xlsx"]
    assert json.loads(paths["json"].read_text())["queries"][0]["row_count"] == 2
    assert paths["html"].read_text().startswith("<!DOCTYPE html>")
    assert paths["excel"].read_bytes()[:2] == b"PK"

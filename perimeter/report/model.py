"""The report handed to the renderers, and its summaries.

A report is a snapshot: every query that ran, its SQL and its result frame. The renderers
(HTML, Excel, JSON) never look at anything else, so the three files always agree.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

REQUIRED_COLUMNS = ("p_account", "nb_reqs", "controlType", "findings")
TOTAL_LABEL = "total"


@dataclass(frozen=True)
class ReportItem:
    """One query of the report with its result rows.

    Raises:
        ValueError: if the frame lacks one of `REQUIRED_COLUMNS`.
    """

    query_id: str
    title: str
    description: str
    control_type: str
    sql: str
    frame: pd.DataFrame = field(repr=False)

    def __post_init__(self) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in self.frame.columns]
        if missing:
            raise ValueError(f"query {self.query_id!r}: result frame lacks columns {missing}")


@dataclass(frozen=True)
class Report:
    """Results of every query over one time window, ready to render.

    Raises:
        ValueError: if `generated_at` is naive, the window is reversed or a query id repeats.
    """

    title: str
    generated_at: datetime
    window_start: date
    window_end: date
    engine: str
    items: tuple[ReportItem, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.generated_at.utcoffset() is None:
            raise ValueError("generated_at must be timezone-aware (UTC)")
        if self.window_end < self.window_start:
            raise ValueError(f"window ends ({self.window_end}) before it starts")
        ids = [item.query_id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate query ids in report: {sorted(ids)}")


def _calls(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame["nb_reqs"], errors="coerce").fillna(0).astype("int64")


def summarise(report: Report) -> pd.DataFrame:
    """One row per query, in report order.

    Columns: query_id, title, control_type, rows, total_calls (sum of `nb_reqs`, nulls count
    as 0) and accounts (distinct non-null `p_account`). An empty query gives zeros.
    """
    records = [
        {
            "query_id": item.query_id,
            "title": item.title,
            "control_type": item.control_type,
            "rows": len(item.frame),
            "total_calls": int(_calls(item.frame).sum()),
            "accounts": int(item.frame["p_account"].nunique()),
        }
        for item in report.items
    ]
    columns = ["query_id", "title", "control_type", "rows", "total_calls", "accounts"]
    return pd.DataFrame.from_records(records, columns=columns)


def summarise_by_account(report: Report) -> pd.DataFrame:
    """Calls per account (rows) and query (columns), with a `total` column and a last `total` row.

    Only queries with at least one row get a column, so the table stays narrow when most
    queries find nothing; columns keep report order and accounts are sorted. With no rows at
    all, the table is the single `total` row with a `total` of 0.
    """
    parts = [
        pd.DataFrame(
            {
                "p_account": item.frame["p_account"].astype("string").fillna(""),
                "query_id": item.query_id,
                "nb_reqs": _calls(item.frame),
            }
        )
        for item in report.items
        if len(item.frame)
    ]
    if not parts:
        return pd.DataFrame({"p_account": [TOTAL_LABEL], TOTAL_LABEL: [0]})
    table = pd.concat(parts).pivot_table(
        index="p_account", columns="query_id", values="nb_reqs", aggfunc="sum", fill_value=0
    )
    table = table[[item.query_id for item in report.items if item.query_id in table.columns]]
    table[TOTAL_LABEL] = table.sum(axis=1)
    table.loc[TOTAL_LABEL] = table.sum(axis=0)
    table = table.astype("int64").rename_axis(index="p_account", columns=None)
    return table.reset_index()

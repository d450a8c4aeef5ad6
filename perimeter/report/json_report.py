"""Write a report as one JSON document, and turn cells into JSON-native values and text.

The cell conversions here are shared by the HTML and Excel renderers, so the three outputs
show the same value the same way.

Upstream writes one JSON file per query and account (spec section 6); one document with the
window, the summary and every query is easier to diff between runs and to load elsewhere.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perimeter.report.atomic import atomic_write_text
from perimeter.report.model import Report, ReportItem, summarise


def utc_iso(value: datetime) -> str:
    """ISO 8601 text of a datetime; aware values are shown in UTC with a `Z` suffix."""
    if value.utcoffset() is None:
        return value.isoformat()
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def cell_value(value: Any) -> Any:
    """Python-native form of one result cell.

    numpy scalars become int/float/bool, arrays and tuples become lists (recursively), NaN,
    NaT, `pd.NA` and None become None, Timestamps become datetimes, integral Decimals become
    int and others float. Strings, dates and unknown objects are returned unchanged.
    """
    if isinstance(value, Mapping):
        return {str(k): cell_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [cell_value(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime(warn=False)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date | time):
        return value.isoformat()
    # bytes, UUIDs, timedeltas...: a report must not fail on an odd cell type.
    return str(value)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text of a value after `cell_value`; compact unless `indent` is given.

    Datetimes become ISO text (UTC with `Z` when aware), other non-JSON objects their `str`.
    """
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(
        cell_value(value),
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=separators,
        default=_json_default,
    )


def cell_text(value: Any) -> str:
    """Display text of one cell: "" for nulls, compact JSON for lists and dicts.

    Booleans read `true`/`false` as in JSON, datetimes as ISO text.
    """
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, dict | list | bool):
        return to_json(value)
    if isinstance(value, datetime | date | time):
        return _json_default(value)
    return str(value)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    return [
        dict(zip(columns, values, strict=True))
        for values in frame.itertuples(index=False, name=None)
    ]


def _query(item: ReportItem) -> dict[str, Any]:
    return {
        "query_id": item.query_id,
        "title": item.title,
        "description": item.description,
        "control_type": item.control_type,
        "sql": item.sql,
        "row_count": len(item.frame),
        "rows": _rows(item.frame),
    }


def report_document(report: Report) -> dict[str, Any]:
    """The report as a dict in the JSON layout; cell values are not converted yet.

    Keys: title, generated_at (UTC ISO text), window {start, end (inclusive)}, engine, notes,
    summary (one object per query, as `summarise`), queries (with row_count and rows).
    """
    return {
        "title": report.title,
        "generated_at": utc_iso(report.generated_at),
        "window": {"start": report.window_start.isoformat(), "end": report.window_end.isoformat()},
        "engine": report.engine,
        "notes": list(report.notes),
        "summary": summarise(report).to_dict(orient="records"),
        "queries": [_query(item) for item in report.items],
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text (UTF-8, not ASCII-escaped).

    numpy numbers become JSON numbers, NaN/NaT/None become null, datetimes ISO text (UTC with
    `Z` when aware), lists and dicts stay JSON arrays and objects.
    """
    return to_json(report_document(report), indent=2) + "\n"


def write_json(report: Report, path: Path) -> Path:
    """Render the report as JSON and write it atomically to `path`.

    Returns:
        The path written.
    """
    return atomic_write_text(path, render_json(report))

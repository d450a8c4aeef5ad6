"""Write a report as an Excel workbook: a summary sheet, one sheet per query, the SQL last.

CloudTrail values are attacker-controlled (user agents, request parameters), so every text
cell is stored as a string, never as a formula, whatever it starts with.
"""

import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perimeter.report.atomic import atomic_write_bytes
from perimeter.report.json_report import cell_value, to_json, utc_iso
from perimeter.report.model import Report, summarise, summarise_by_account

SUMMARY_SHEET = "summary"
SQL_SHEET = "sql_queries"
_MAX_SHEET_NAME = 31
_MAX_CELL_TEXT = 32_767  # Excel's limit; longer text is cut on open ("repair" prompt)
_MAX_WIDTH = 60
_BOLD = Font(bold=True)


def sheet_names(query_ids: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    r"""Excel sheet names for the query ids, in order.

    `[]:*?/\` become `_`, apostrophes are stripped at both ends, and names are cut to 31
    characters. A name equal (case-insensitively, as Excel compares) to a reserved or earlier
    one gets `_2`, `_3`, ... within the 31 characters.
    """
    taken = {name.lower() for name in reserved} | {"history"}  # "History" is reserved by Excel
    names = []
    for query_id in query_ids:
        base = re.sub(r"[\[\]:*?/\\]", "_", query_id).strip("'") or "query"
        name, counter = base[:_MAX_SHEET_NAME], 1
        while name.lower() in taken:
            counter += 1
            suffix = f"_{counter}"
            name = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def _excel_value(value: Any) -> Any:
    value = cell_value(value)
    if isinstance(value, dict | list):
        value = to_json(value)
    if isinstance(value, datetime) and value.utcoffset() is not None:
        # Excel has no time zones: store the UTC wall time (the summary sheet says so).
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        return value if len(value) <= _MAX_CELL_TEXT else value[: _MAX_CELL_TEXT - 1] + "\u2026"
    return value


def _write_row(ws: Worksheet, row: int, values: Iterable[Any], bold: bool = False) -> None:
    for column, raw in enumerate(values, start=1):
        value = _excel_value(raw)
        if value is None or value == "":
            continue  # Excel has no empty string: both are an empty cell
        cell = ws.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # "=...", "+...", "-...", "@..." stay text, never a formula
        if bold:
            cell.font = _BOLD


def _write_table(ws: Worksheet, frame: pd.DataFrame, first_row: int) -> int:
    """Write header and rows from `first_row`; returns the row after the table."""
    _write_row(ws, first_row, [str(c) for c in frame.columns], bold=True)
    for offset, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        _write_row(ws, first_row + offset, values)
    return first_row + len(frame) + 1


def _fit_widths(ws: Worksheet, skip_rows: int = 0) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is not None:
                text = str(cell.value)
                longest = max(len(line) for line in text.splitlines()) if text else 0
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), _MAX_WIDTH)


def _summary_sheet(ws: Worksheet, report: Report) -> None:
    ws.title = SUMMARY_SHEET
    ws["A1"] = report.title
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        ("Generated at (UTC)", utc_iso(report.generated_at)),
        ("Window start (UTC)", report.window_start.isoformat()),
        ("Window end (UTC, inclusive)", report.window_end.isoformat()),
        ("Engine", report.engine),
        ("Times", "UTC throughout (Excel dates carry no time zone)"),
        *(("Note", note) for note in report.notes),
    ]
    for row, values in enumerate(lines, start=2):
        _write_row(ws, row, values)
    row = len(lines) + 3
    _write_row(ws, row, ["Calls outside the perimeter, by query"], bold=True)
    row = _write_table(ws, summarise(report), row + 1) + 1
    _write_row(ws, row, ["Calls outside the perimeter, by account"], bold=True)
    _write_table(ws, summarise_by_account(report), row + 1)
    _fit_widths(ws, skip_rows=1)


def _query_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    _write_table(ws, frame, 1)
    ws.freeze_panes = "A2"
    last_column = get_column_letter(max(len(frame.columns), 1))
    ws.auto_filter.ref = f"A1:{last_column}{len(frame) + 1}"
    _fit_widths(ws)


def _sql_sheet(ws: Worksheet, report: Report) -> None:
    sql = pd.DataFrame(
        {"query_id": [i.query_id for i in report.items], "sql": [i.sql for i in report.items]}
    )
    _write_table(ws, sql, 1)
    ws.freeze_panes = "A2"
    _fit_widths(ws)
    for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_workbook(report: Report) -> Workbook:
    """The workbook: `summary`, one sheet per query (see `sheet_names`), then `sql_queries`.

    Query sheets have a bold, frozen header row with an autofilter and widths fitted to the
    content (at most 60). Nulls are empty cells, lists and dicts JSON text, aware datetimes
    their UTC wall time.
    """
    workbook = Workbook()
    _summary_sheet(workbook.active, report)
    names = sheet_names(
        (item.query_id for item in report.items), reserved=(SUMMARY_SHEET, SQL_SHEET)
    )
    for name, item in zip(names, report.items, strict=True):
        _query_sheet(workbook.create_sheet(name), item.frame)
    _sql_sheet(workbook.create_sheet(SQL_SHEET), report)
    return workbook


def write_excel(report: Report, path: Path) -> Path:
    """Build the workbook and write it atomically to `path`.

    Returns:
        The path written.
    """
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())

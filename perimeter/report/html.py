"""Render a report as one self-contained HTML page that opens offline.

Upstream loads jQuery and DataTables from CDNs (spec section 6), so its report is blank
without network access. Here the stylesheet and script are inlined, and a Content Security
Policy allows only those two blocks (by hash): nothing loads from the network, and even a
value that escaped escaping could not run a script.
"""

import base64
import hashlib
import re
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from perimeter.report.atomic import atomic_write_text
from perimeter.report.json_report import cell_text, utc_iso
from perimeter.report.model import Report, ReportItem, summarise, summarise_by_account

EMPTY_SENTENCE = "No call outside the perimeter for this query in the window."
_MONO_SUFFIXES = ("id", "ids", "arn", "arns", "account", "accounts", "ipaddress", "cidr")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


@cache
def _asset(name: str) -> str:
    return resources.files("perimeter.report").joinpath("assets", name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def anchor(query_id: str) -> str:
    """Fragment id of a query's section (`query-<id>`, other characters replaced by `-`)."""
    return "query-" + re.sub(r"[^A-Za-z0-9_-]", "-", query_id)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _cell(value: Any, classes: str, link: bool) -> str:
    text = _e(cell_text(value))
    if link:
        text = f'<a href="#{_e(anchor(str(value)))}">{text}</a>'
    return f'<td class="{classes}">{text}</td>' if classes else f"<td>{text}</td>"


def _table(frame: pd.DataFrame, label: str, footer_rows: int = 0, link: str | None = None) -> str:
    """Sortable, filterable table; the last `footer_rows` rows go to a fixed `<tfoot>`."""
    columns = [str(c) for c in frame.columns]
    numeric = [_is_numeric(frame[c]) for c in frame.columns]
    classes = [
        "num" if num else ("mono" if name.lower().endswith(_MONO_SUFFIXES) else "")
        for name, num in zip(columns, numeric, strict=True)
    ]
    labels = "".join(
        f'<th scope="col" class="{cls}" data-type="{"number" if num else "text"}" '
        f'aria-sort="none"><button type="button">{_e(name)}</button></th>'
        for name, num, cls in zip(columns, numeric, classes, strict=True)
    )
    filters = "".join(
        f'<th><input type="search" class="filter-col" placeholder="filter" '
        f'aria-label="Filter column {_e(name)}"></th>'
        for name in columns
    )
    rows = [
        "<tr>"
        + "".join(
            _cell(v, cls, name == link) for v, cls, name in zip(row, classes, columns, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    ]
    split = len(rows) - footer_rows
    foot = f"<tfoot>{''.join(rows[split:])}</tfoot>" if footer_rows else ""
    return (
        f'<div class="table-block"><div class="table-tools">'
        f'<input type="search" class="filter-all" placeholder="Filter rows (any column)" '
        f'aria-label="Filter rows of {_e(label)}"><span class="count" aria-live="polite">'
        f"</span></div>"
        f'<div class="table-scroll"><table><thead><tr class="labels">{labels}</tr>'
        f'<tr class="filters">{filters}</tr></thead><tbody>{"".join(rows[:split])}</tbody>'
        f"{foot}</table></div></div>"
    )


def _header(report: Report) -> str:
    meta = (
        ("Generated (UTC)", utc_iso(report.generated_at)),
        ("Window (UTC, inclusive)", f"{report.window_start} to {report.window_end}"),
        ("Engine", report.engine),
        ("Queries", str(len(report.items))),
    )
    terms = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta)
    notes = "".join(f"<li>{_e(note)}</li>" for note in report.notes)
    notes_block = f'<ul class="notes">{notes}</ul>' if notes else ""
    return f'<header><h1>{_e(report.title)}</h1><dl class="meta">{terms}</dl>{notes_block}</header>'


def _summary(report: Report) -> str:
    by_account = summarise_by_account(report)
    return (
        '<section id="summary"><h2>Summary</h2><h3>Calls outside the perimeter, by query</h3>'
        f"{_table(summarise(report), 'summary by query', link='query_id')}"
        "<h3>Calls outside the perimeter, by account</h3>"
        f"{_table(by_account, 'summary by account', footer_rows=1)}</section>"
    )


def _section(item: ReportItem) -> str:
    rows = len(item.frame)
    meta = (
        f'<p class="query-meta"><span>Query <code>{_e(item.query_id)}</code></span>'
        f"<span>Control type: {_e(item.control_type)}</span>"
        f"<span>{rows} row{'' if rows == 1 else 's'}</span></p>"
    )
    sql = (
        f"<details><summary>SQL</summary><pre><code>{_e(item.sql)}</code></pre></details>"
        if item.sql
        else ""
    )
    body = _table(item.frame, item.query_id) if rows else f'<p class="empty">{EMPTY_SENTENCE}</p>'
    return (
        f'<section class="query" id="{_e(anchor(item.query_id))}">'
        f'<a class="top" href="#summary">Back to summary</a><h2>{_e(item.title)}</h2>{meta}'
        f'<p class="description">{_e(item.description)}</p>{sql}{body}</section>'
    )


def render_html(report: Report) -> str:
    """The whole report as one HTML document with inlined CSS and JS and no external link.

    Every value is HTML-escaped; nulls are empty cells, lists and dicts compact JSON text.
    """
    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "base-uri 'none'; form-action 'none'"
    )
    sections = "".join(_section(item) for item in report.items)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{css}</style></head><body>"
        f"{_header(report)}<main>{_summary(report)}{sections}</main>"
        f"<script>{js}</script></body></html>\n"
    )


def write_html(report: Report, path: Path) -> Path:
    """Render the report and write it atomically (UTF-8) to `path`.

    Returns:
        The path written.
    """
    return atomic_write_text(path, render_html(report))

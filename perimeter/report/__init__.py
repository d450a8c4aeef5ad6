"""Report renderers: one self-contained HTML page, an Excel workbook and a JSON document.

All three are built from the same `Report` and written atomically, so a reader sees either
the previous file or the new one, never a partial write.
"""

from pathlib import Path

from perimeter.report.atomic import atomic_write_bytes, atomic_write_text
from perimeter.report.excel import build_workbook, sheet_names, write_excel
from perimeter.report.html import EMPTY_SENTENCE, render_html, write_html
from perimeter.report.json_report import (
    cell_text,
    cell_value,
    render_json,
    report_document,
    to_json,
    write_json,
)
from perimeter.report.model import Report, ReportItem, summarise, summarise_by_account

__all__ = [
    "EMPTY_SENTENCE",
    "Report",
    "ReportItem",
    "atomic_write_bytes",
    "atomic_write_text",
    "build_workbook",
    "cell_text",
    "cell_value",
    "render_html",
    "render_json",
    "report_document",
    "sheet_names",
    "summarise",
    "summarise_by_account",
    "to_json",
    "write_all",
    "write_excel",
    "write_html",
    "write_json",
]


def write_all(report: Report, output_dir: Path, stem: str = "data_perimeter") -> dict[str, Path]:
    """Write `<stem>.html`, `<stem>.xlsx` and `<stem>.json` into `output_dir` (created if needed).

    Each file is replaced atomically; if one write fails, the files already written stay new
    and the others keep their previous content.

    Returns:
        The paths under the keys "html", "excel" and "json".
    """
    output_dir = Path(output_dir)
    return {
        "html": write_html(report, output_dir / f"{stem}.html"),
        "excel": write_excel(report, output_dir / f"{stem}.xlsx"),
        "json": write_json(report, output_dir / f"{stem}.json"),
    }

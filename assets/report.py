"""The report asset: every query's results over a window of days, as HTML, Excel and JSON."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd

from assets.partitions import days_from_tags
from perimeter.preview import markdown_table
from perimeter.queries.spec import QuerySpec
from perimeter.report import Report, ReportItem, summarise, write_all
from resources.store import ResultStore

REPORT = "perimeter_report"


def report_window(end: date, window_days: int) -> list[str]:
    """The `window_days` days ending at `end`, inclusive, as `YYYY-MM-DD`."""
    return [(end - timedelta(days=n)).isoformat() for n in range(window_days - 1, -1, -1)]


def _window_end(context: dg.AssetExecutionContext, partitions, store, specs) -> date | None:
    run_days = days_from_tags(context.run.tags, partitions)
    if run_days:
        return date.fromisoformat(run_days[-1])
    stored = [d for spec in specs for d in store.result_days(spec.id)]
    return date.fromisoformat(max(stored)) if stored else None


def perimeter_report_asset(
    specs: list[QuerySpec],
    partitions: dg.PartitionsDefinition,
    output_dir: Path,
    window_days: int,
    engine_kind: str,
    notes: tuple[str, ...] = (),
) -> dg.AssetsDefinition:
    @dg.asset(
        name=REPORT,
        group_name="reports",
        deps=[spec.id for spec in specs],
        kinds={"html", "excel", "json"},
    )
    def _asset(context: dg.AssetExecutionContext, store: ResultStore) -> dg.MaterializeResult:
        """Calls outside the perimeter over the report window, in HTML, Excel and JSON.

        The window is `report_window_days` days ending at the last day of the run (or, for a
        run without partitions, at the latest day with stored results).
        """
        end = _window_end(context, partitions, store, specs) or datetime.now(UTC).date()
        days = report_window(end, window_days)
        items = tuple(
            ReportItem(
                query_id=spec.id,
                title=spec.title,
                description=spec.description,
                control_type=spec.control_type,
                sql=spec.sql,
                frame=_with_columns(store.read_results(spec.id, days), spec),
            )
            for spec in specs
        )
        report = Report(
            title="Data perimeter report",
            generated_at=datetime.now(UTC),
            window_start=date.fromisoformat(days[0]),
            window_end=end,
            engine=engine_kind,
            items=items,
            notes=notes,
        )
        paths = write_all(report, output_dir)
        for kind, path in paths.items():
            context.log.info(f"{kind} report written to {path}")
        summary = summarise(report)
        return dg.MaterializeResult(
            metadata={
                "window": f"{days[0]} .. {days[-1]}",
                "dagster/row_count": int(summary["rows"].sum()) if len(summary) else 0,
                "summary": dg.MetadataValue.md(markdown_table(summary, limit=100)),
                **{kind: dg.MetadataValue.path(str(p)) for kind, p in paths.items()},
            }
        )

    return _asset


def _with_columns(frame: pd.DataFrame, spec: QuerySpec) -> pd.DataFrame:
    """An empty result still shows the query's columns."""
    if len(frame.columns):
        return frame
    return pd.DataFrame(columns=list(spec.result_columns))

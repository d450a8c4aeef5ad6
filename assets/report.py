"""The report asset: every query's results over a window of days, as HTML, Excel and JSON."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd

from assets.partitions import days_from_tags
from perimeter.config import PerimeterConfig
from perimeter.preview import markdown_table
from perimeter.queries.spec import QuerySpec
from perimeter.report import Report, ReportItem, summarise, write_all
from resources.engine import SqlEngine
from resources.query_runs import input_keys, perimeter_version
from resources.store import ResultStore

REPORT = "perimeter_report"


class ReportConfig(dg.Config):
    """Run configuration of the report: explicit days (`YYYY-MM-DD`), or none for the default."""

    days: list[str] | None = None


def report_window(end: date, window_days: int) -> list[str]:
    """The `window_days` days ending at `end`, inclusive, as `YYYY-MM-DD`."""
    return [(end - timedelta(days=n)).isoformat() for n in range(window_days - 1, -1, -1)]


def report_days(
    configured: list[str] | None,
    run_days: list[str] | None,
    stored_days: list[str],
    window_days: int,
    today: date,
) -> list[str]:
    """The days a report covers, oldest first.

    Explicit days win. Otherwise the run's days together with the `window_days` days ending
    on the run's last day (so a daily run still reports on the whole window), or, in a run
    without partitions, the window ending on the latest day with stored results (or today).
    """
    if configured:
        return sorted(set(configured))
    if run_days:
        window = report_window(date.fromisoformat(run_days[-1]), window_days)
        return sorted(set(run_days) | set(window))
    end = date.fromisoformat(max(stored_days)) if stored_days else today
    return report_window(end, window_days)


def _coverage_notes(
    specs: list[QuerySpec], days: list[str], engine: SqlEngine, store: ResultStore, version: str
) -> list[str]:
    """Say which days have no result, or a result computed from other data or settings."""
    notes = []
    for spec in specs:
        keys = input_keys(spec, days, engine, store, version)
        missing = [d for d in days if store.result_key(spec.id, d) is None and keys[d] is not None]
        stale = [
            d
            for d in days
            if keys[d] is not None and store.result_key(spec.id, d) not in (None, keys[d])
        ]
        if missing:
            notes.append(f"{spec.id}: no result for {_ranges(missing)}; run these days.")
        if stale:
            notes.append(
                f"{spec.id}: results for {_ranges(stale)} were computed before the CloudTrail "
                "files, the perimeter file or the inventory changed; run these days again."
            )
    return notes


def _inventory_notes(specs: list[QuerySpec], store: ResultStore) -> list[str]:
    """Say which inventory datasets are empty, and which queries that weakens."""
    users: dict[str, list[str]] = {}
    for spec in specs:
        for dataset in spec.depends_on:
            users.setdefault(dataset, []).append(spec.id)
    notes = []
    for dataset, queries in sorted(users.items()):
        try:
            empty = store.read_referential(dataset).empty
        except FileNotFoundError:
            empty = True
        if empty:
            notes.append(
                f"the {dataset} inventory is empty: {', '.join(queries)} cannot match calls "
                "against it (see docs/inventory.md, 'What each dataset is used for')."
            )
    return notes


def _ranges(days: list[str]) -> str:
    """`2024-03-01 .. 2024-03-03, 2024-03-07` for a sorted list of days."""
    spans: list[list[str]] = []
    for day in days:
        if spans and date.fromisoformat(day) - date.fromisoformat(spans[-1][-1]) == timedelta(1):
            spans[-1].append(day)
        else:
            spans.append([day])
    return ", ".join(s[0] if len(s) == 1 else f"{s[0]} .. {s[-1]}" for s in spans)


def perimeter_report_asset(
    specs: list[QuerySpec],
    partitions: dg.PartitionsDefinition,
    output_dir: Path,
    window_days: int,
    engine_kind: str,
    perimeter: PerimeterConfig,
) -> dg.AssetsDefinition:
    version = perimeter_version(perimeter)

    @dg.asset(
        name=REPORT,
        group_name="reports",
        deps=[spec.id for spec in specs],
        kinds={"html", "excel", "json"},
    )
    def _asset(
        context: dg.AssetExecutionContext,
        config: ReportConfig,
        engine: SqlEngine,
        store: ResultStore,
    ) -> dg.MaterializeResult:
        """Calls outside the perimeter over the report window, in HTML, Excel and JSON.

        The window is the run's days plus the `report_window_days` days ending on the run's
        last day; `dph run` passes the exact days it ran. Days without a current result are
        named in the report's notes.
        """
        stored = sorted({d for spec in specs for d in store.result_days(spec.id)})
        run_days = days_from_tags(context.run.tags, partitions)
        today = datetime.now(UTC).date()
        days = report_days(config.days, run_days, stored, window_days, today)
        notes = (
            *perimeter.warnings,
            *_inventory_notes(specs, store),
            *_coverage_notes(specs, days, engine, store, version),
        )
        for note in notes:
            context.log.warning(note)
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
            window_end=date.fromisoformat(days[-1]),
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
                "window": f"{days[0]} .. {days[-1]} ({len(days)} days)",
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

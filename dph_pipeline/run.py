"""`dph run`: choose the days, run `perimeter_job` in process, tell where the reports are."""

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from assets.partitions import contiguous_blocks
from dph_pipeline.definitions import PERIMETER_JOB, build_defs
from dph_pipeline.settings import Settings
from perimeter.config import Variables
from perimeter.errors import ConfigError
from perimeter.inventory import DATASETS
from resources.engine import DuckDBEngine
from resources.inventory import Inventory

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
REPORT = "perimeter_report"


@dataclass(frozen=True)
class RunOutcome:
    """What a run did: its days, whether it succeeded, its reports and rows per query."""

    first_day: str
    last_day: str
    success: bool
    reports: dict[str, str]
    rows: dict[str, int]
    errors: tuple[str, ...] = ()  # why steps failed, one line each
    hints: tuple[str, ...] = ()  # things worth telling before the results


def preflight(settings: Settings, defs: dg.Definitions) -> list[str]:
    """Check the inputs before Dagster starts, so mistakes get one clear message.

    Returns:
        The days (`YYYY-MM-DD`) with local CloudTrail files (DuckDB engine), else empty.

    Raises:
        ConfigError: the CloudTrail folder is missing, or an inventory file is missing or
            invalid (the message names the file and, for the folder, the variable).
    """
    v = settings.variables
    inventory = defs.resources.get("inventory")
    if isinstance(inventory, Inventory):
        if not Path(v.inventory_dir).is_dir():
            raise ConfigError(
                f"{settings.variables_file}: {v.section}.inventory_dir: folder not found "
                f"(got {str(v.inventory_dir)!r}); see docs/inventory.md"
            )
        for dataset in DATASETS:
            inventory.load(dataset)
    engine = defs.resources.get("engine")
    if not isinstance(engine, DuckDBEngine):
        return []
    if not Path(engine.cloudtrail_root).is_dir():
        raise ConfigError(
            f"{settings.variables_file}: {v.section}.local_cloudtrail_root: folder not found "
            f"(got {engine.cloudtrail_root!r})"
        )
    return engine.available_days()


def _failures(result: dg.ExecuteInProcessResult) -> tuple[str, ...]:
    """One line per failed step: the step and the error's message."""
    lines = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None and "dagster" in error.cls_name.lower():
                error = error.cause
            lines.append(f"{event.step_key}: {error.message.strip()}")
    return tuple(lines)


def _parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{flag}: not a date YYYY-MM-DD (got {text!r})") from None


def choose_days(
    variables: Variables,
    available: list[str] | None,
    today: date,
    start: str | None = None,
    end: str | None = None,
) -> list[date]:
    """The days to run, oldest first.

    In order: `--start`/`--end`; the date mode of `variables.yaml` (with
    `partition_date_regex`, the days with local files that match it); otherwise the
    `report_window_days` days ending at the latest day that has local CloudTrail files
    (`available`, DuckDB engine) or at today.

    Raises:
        ConfigError: a bad or inverted date, a day before `partitions_start_date`, or a date
            pattern that matches no available day.
    """
    if start or end:
        first = _parse_day(start, "--start") if start else None
        last = _parse_day(end, "--end") if end else today
        first = first or last
    elif variables.date_mode in ("range", "interval"):
        days = variables.selected_days(today) or [today]
        first, last = days[0], days[-1]
    elif variables.date_mode == "regex":
        matching = [d for d in map(date.fromisoformat, available or []) if variables.matches_day(d)]
        if not matching:
            raise ConfigError(
                f"{variables.source}: partition_date_regex: no day with CloudTrail files matches "
                f"(got {variables.partition_date_regex!r})"
            )
        floor = date.fromisoformat(variables.partitions_start_date)
        if matching[0] < floor:
            raise ConfigError(
                f"{variables.source}: partitions_start_date: the run starts on {matching[0]}, "
                f"before the first partition (got {variables.partitions_start_date!r})"
            )
        return matching
    else:
        last = date.fromisoformat(available[-1]) if available else today
        first = last - timedelta(days=variables.report_window_days - 1)
    if last < first:
        raise ConfigError(f"the last day {last} is before the first day {first}")
    floor = date.fromisoformat(variables.partitions_start_date)
    if first < floor:
        if start or variables.date_mode == "range":
            raise ConfigError(
                f"{variables.source}: partitions_start_date: the run starts on {first}, before "
                f"the first partition (got {variables.partitions_start_date!r})"
            )
        first = floor
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _instance() -> dg.DagsterInstance:
    """The persistent instance when DAGSTER_HOME is set (runs show in the UI), else ephemeral."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_pipeline(
    settings: Settings,
    queries: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    log_level: str = "INFO",
) -> RunOutcome:
    """Run `perimeter_job` over the chosen days and return where its reports are."""
    v = settings.variables
    defs = build_defs(settings, queries)
    available = preflight(settings, defs)
    is_local = isinstance(defs.resources.get("engine"), DuckDBEngine)
    days = choose_days(v, available if is_local else None, datetime.now(UTC).date(), start, end)
    hints: tuple[str, ...] = ()
    today = datetime.now(UTC).date()
    if is_local and available and date.fromisoformat(available[-1]) > today:
        hints += (
            f"the folder has files dated {available[-1]}, after today: a record with a wrong "
            "eventTime in a flat folder makes a day of its own",
        )
    if is_local and not {d.isoformat() for d in days} & set(available):
        have = f"{available[0]} .. {available[-1]}" if available else "no day at all"
        hints += (
            f"no CloudTrail file for {days[0]} .. {days[-1]}; the folder has files for {have}",
        )
    job = defs.resolve_job_def(PERIMETER_JOB)
    blocks = contiguous_blocks(days)
    logging = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    report_config = {"ops": {REPORT: {"config": {"days": [d.isoformat() for d in days]}}}}
    without_report = [
        key for key in defs.resolve_asset_graph().get_all_asset_keys() if key.path != [REPORT]
    ]
    reports: dict[str, str] = {}
    rows: dict[str, int] = {}
    with _instance() as instance:
        for index, block in enumerate(blocks):
            last = index == len(blocks) - 1
            result = job.execute_in_process(
                instance=instance,
                tags={RANGE_START: block[0].isoformat(), RANGE_END: block[-1].isoformat()},
                run_config={**logging, **(report_config if last else {})},
                asset_selection=None if last else without_report,
                raise_on_error=False,
            )
            if not result.success:
                return RunOutcome(
                    days[0].isoformat(),
                    days[-1].isoformat(),
                    False,
                    reports,
                    rows,
                    _failures(result),
                    hints,
                )
            counted: set[str] = set()  # a range run repeats the metadata on every partition
            for event in result.get_asset_materialization_events():
                mat = event.step_materialization_data.materialization
                name = mat.asset_key.to_user_string()
                if name == REPORT:
                    reports = {k: str(mat.metadata[k].value) for k in ("html", "excel", "json")}
                elif "dagster/row_count" in mat.metadata and name not in counted:
                    counted.add(name)
                    rows[name] = rows.get(name, 0) + int(mat.metadata["dagster/row_count"].value)
    return RunOutcome(days[0].isoformat(), days[-1].isoformat(), True, reports, rows, (), hints)

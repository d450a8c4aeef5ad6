"""Assemble the sample: organisation, traffic, planted calls, configuration files."""

import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dph_pipeline.sample.config_files import perimeter_yaml, variables_yaml
from dph_pipeline.sample.events import record
from dph_pipeline.sample.inventory_files import write_inventory
from dph_pipeline.sample.logs import write_logs
from dph_pipeline.sample.noise import background_calls
from dph_pipeline.sample.org import build_org
from dph_pipeline.sample.planted import PLANTED

FIRST_DAY = date(2024, 3, 4)


@dataclass(frozen=True)
class SampleSummary:
    """What `generate` wrote."""

    folder: Path
    accounts: int
    days: list[date]
    files: int
    records: int


def _unit(task: tuple[Path, int, str, date, int, int, int]) -> tuple[int, int]:
    """Write the logs of one account and day: its background traffic and planted calls.

    Each unit draws from generators seeded by (seed, account, day), so the files do not
    depend on how units are spread over processes.
    """
    root, extra_accounts, account, day, day_index, events_per_day, seed = task
    org = build_org(extra_accounts)
    midnight = datetime.combine(day, datetime.min.time(), UTC)
    rng = random.Random(f"{seed}:planted:{account}:{day}")
    records = []
    for planted in PLANTED:
        if planted.call.account != account or planted.day != day_index:
            continue
        for n in range(planted.count):
            when = midnight + timedelta(hours=planted.hour, minutes=7 * n, seconds=13)
            records.append(record(planted.call, when, rng))
    rng = random.Random(f"{seed}:ids:{account}:{day}")
    for when, call in background_calls(org, account, midnight, events_per_day, seed):
        records.append(record(call, when, rng))
    return write_logs(records, root, f"{seed}:{account}:{day}")


def _planted_markdown() -> str:
    lines = [
        "# Planted calls",
        "",
        "Calls planted in the sample logs, and the queries that must or must not list them. "
        "Background traffic adds no result row.",
        "",
        "| query | must report | why | caller | source IP | call | count | day | also listed by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in PLANTED:
        verdict = "yes" if p.report else "no"
        also = ", ".join(p.also) or "-"
        caller = p.call.identity.get("arn") or p.call.identity.get("invokedBy") or "anonymous"
        call = f"{p.call.source.split('.')[0]}:{p.call.name}"
        lines.append(
            f"| {p.query} | {verdict} | {p.why} | {caller} | {p.call.ip} | {call} | {p.count} "
            f"| {p.day + 1} | {also} |"
        )
    return "\n".join(lines) + "\n"


def generate(
    out: Path,
    *,
    days: int = 3,
    events_per_day: int = 200,
    extra_accounts: int = 0,
    seed: int = 7,
) -> SampleSummary:
    """Write the sample organisation and its logs under `out`.

    Args:
        out: Target folder; created if needed. Existing sample files are overwritten.
        days: Number of days of logs, from 2024-03-04; at least 2 (planted calls use two).
        events_per_day: Background calls per account and day.
        extra_accounts: Workload accounts added to the base organisation of four.
        seed: Seed of every random choice.

    Raises:
        ValueError: `days` is below 2 or `events_per_day` / `extra_accounts` is negative.
    """
    if days < 2:
        raise ValueError(f"days must be at least 2 (got {days})")
    if events_per_day < 0 or extra_accounts < 0:
        raise ValueError("events_per_day and extra_accounts cannot be negative")
    out.mkdir(parents=True, exist_ok=True)
    org = build_org(extra_accounts)
    day_list = [FIRST_DAY + timedelta(days=n) for n in range(days)]
    write_inventory(org, out / "inventory")
    tasks = [
        (out / "cloudtrail", extra_accounts, account, day, index, events_per_day, seed)
        for index, day in enumerate(day_list)
        for account in org.accounts
    ]
    files = records = 0
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, len(tasks))) as pool:
        for unit_files, unit_records in pool.map(_unit, tasks, chunksize=4):
            files += unit_files
            records += unit_records
    (out / "variables.yaml").write_text(variables_yaml(FIRST_DAY, days))
    (out / "data_perimeter.yaml").write_text(perimeter_yaml())
    (out / "PLANTED.md").write_text(_planted_markdown())
    return SampleSummary(out, len(org.accounts), day_list, files, records)

"""Assemble the sample: organisation, traffic, planted calls, configuration files."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

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


def _records(org, days: list[date], events_per_day: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(f"{seed}:planted")
    for planted in PLANTED:
        at = datetime.combine(days[planted.day], datetime.min.time(), UTC)
        for n in range(planted.count):
            when = at + timedelta(hours=planted.hour, minutes=7 * n, seconds=13)
            yield record(planted.call, when, rng)
    for day in days:
        midnight = datetime.combine(day, datetime.min.time(), UTC)
        for account in org.accounts:
            rng = random.Random(f"{seed}:ids:{account}:{day}")
            for when, call in background_calls(org, account, midnight, events_per_day, seed):
                yield record(call, when, rng)


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
    files, records = write_logs(
        _records(org, day_list, events_per_day, seed), out / "cloudtrail", seed
    )
    (out / "variables.yaml").write_text(variables_yaml(FIRST_DAY, days))
    (out / "data_perimeter.yaml").write_text(perimeter_yaml())
    (out / "PLANTED.md").write_text(_planted_markdown())
    return SampleSummary(out, len(org.accounts), day_list, files, records)

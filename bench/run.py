"""Benchmark: ingest and catalogue against the JSON-parsing floor and a naive peer.

    python bench/run.py --events 1000000            # writes its section of docs/performance.md

Generates a sample organisation once (cached under --workdir), holds its last day back, then
measures, each step in a fresh process:

1. floor: decompress and parse every file of the window with orjson, on every core;
2. ingest: our day stores for the window, from scratch;
3. catalogue: every catalogue query over the window on those day stores;
4. peer: each query with DuckDB `read_json` straight over the raw files;
5. incremental: the whole job over the window, then the held day added and the job run over
   the window and that day (unchanged days are kept).

Not part of the test suite.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS = Path(__file__).resolve().parent / "steps.py"
FIRST_DAY = date(2024, 3, 4)


def step(name: str, **args: object) -> dict:
    """Run one step in its own process and return what it measured."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(STEPS), name, json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"  {name:<12} {result['seconds']:8.2f} s  count {result['count']:>9,}  "
        f"rss {result['rss_mb']:6.0f} MB  largest child {result['child_rss_mb']:6.0f} MB"
    )
    return result


def generate(workdir: Path, accounts: int, days: int, per_day: int) -> tuple[Path, float]:
    folder = workdir / f"sample-a{accounts}-d{days}-e{per_day}"
    if (folder / ".complete").exists():
        return folder, float((folder / ".complete").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dph_pipeline.cli",
            "sample",
            "--out",
            str(folder),
            "--accounts",
            str(accounts),
            "--days",
            str(days),
            "--events-per-day",
            str(per_day),
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    seconds = time.perf_counter() - start
    (folder / ".complete").write_text(f"{seconds:.2f}")
    return folder, seconds


def move_day(source: Path, target: Path, day: date) -> None:
    """Move every log and digest folder of `day` from one tree to the other."""
    suffix = f"{day:%Y}/{day:%m}/{day:%d}"
    for folder in sorted(source.glob(f"AWSLogs/*/*/*/*/{suffix}")):
        destination = target / folder.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(destination))


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB" if found else ""
    import dagster
    import duckdb
    import orjson
    import pyarrow

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pyarrow "
        f"{pyarrow.__version__}, orjson {orjson.__version__}, Dagster {dagster.__version__}"
    )


def section(events: int, figures: dict, ratios: dict, setup: str) -> str:
    rows = [
        ("1. floor: gunzip + orjson, all cores", "floor"),
        ("2. ingest into the day store", "ingest"),
        ("3. whole catalogue on the day store", "catalogue"),
        ("4. naive peer: DuckDB read_json per query", "peer"),
        ("full run through Dagster (`dph run`)", "full"),
        ("5. incremental: one day added", "incremental"),
    ]
    lines = [
        f"<!-- bench:{events} -->",
        f"### {events:,} events",
        "",
        setup,
        "",
        "| step | wall s | events/s | peak RSS MB (process + largest child) |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        if key not in figures:
            lines.append(f"| {label} | not measured (--no-peer) | - | - |")
            continue
        f = figures[key]
        rate = f"{f['count'] / f['seconds']:,.0f}" if key in ("floor", "ingest") else "-"
        memory = f"{f['rss_mb']:.0f} + {f['child_rss_mb']:.0f}"
        lines.append(f"| {label} | {f['seconds']:.2f} | {rate} | {memory} |")
    lines += ["", "| ratio | value | target |", "|---|---|---|"]
    for label, (value, target) in ratios.items():
        lines.append(f"| {label} | {value:.3f} | {target} |")
    lines.append(f"<!-- /bench:{events} -->")
    return "\n".join(lines)


def write_section(path: Path, events: int, text: str, machine_line: str) -> None:
    body = path.read_text() if path.exists() else "# Performance\n"
    body = re.sub(r"Machine: .*\n\n?", "", body)
    marker = re.compile(rf"<!-- bench:{events} -->.*?<!-- /bench:{events} -->", re.S)
    body = marker.sub(text, body) if marker.search(body) else body.rstrip() + "\n\n" + text + "\n"
    body = body.replace("## Measurements\n", f"## Measurements\n\nMachine: {machine_line}\n", 1)
    path.write_text(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the window")
    parser.add_argument("--days", type=int, default=30, help="days in the window")
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument(
        "--no-peer", action="store_true", help="skip the naive peer (slow on large samples)"
    )
    args = parser.parse_args()

    per_day = max(1, args.events // (args.days * args.accounts))
    print(
        f"sample: {args.accounts} accounts, {args.days} + 1 days, {per_day} events per account-day"
    )
    folder, generated = generate(args.workdir, args.accounts, args.days + 1, per_day)
    cloudtrail, held = folder / "cloudtrail", folder / "held-back"
    last = FIRST_DAY + timedelta(days=args.days)
    if not held.exists():
        move_day(cloudtrail, held, last)
    window = [(FIRST_DAY + timedelta(days=n)).isoformat() for n in range(args.days)]
    store = str(args.workdir / "bench-store")
    variables = str(folder / "variables.yaml")
    for leftover in ("dph-store", "outputs"):
        shutil.rmtree(folder / leftover, ignore_errors=True)

    figures = {
        "floor": step("floor", cloudtrail=str(cloudtrail)),
        "ingest": step("ingest", cloudtrail=str(cloudtrail), store=store, days=window),
        "catalogue": step(
            "catalogue", cloudtrail=str(cloudtrail), store=store, days=window, variables=variables
        ),
        "full": step("pipeline", variables=variables, days=window),
    }
    if not args.no_peer:
        figures["peer"] = step("peer", cloudtrail=str(cloudtrail), days=window)
    move_day(held, cloudtrail, last)
    try:
        figures["incremental"] = step(
            "pipeline", variables=variables, days=[*window, last.isoformat()]
        )
    finally:
        move_day(cloudtrail, held, last)
    shutil.rmtree(folder / "dph-store", ignore_errors=True)

    f = {k: v["seconds"] for k, v in figures.items()}
    ratios = {
        "2/1 ingest / floor": (f["ingest"] / f["floor"], "<= 1.5"),
        "3/2 catalogue / ingest": (f["catalogue"] / f["ingest"], "<= 0.1"),
        "4/(2+3) peer / our full run": (
            f["peer"] / (f["ingest"] + f["catalogue"]) if "peer" in f else float("nan"),
            ">= 10",
        ),
        "5/(2+3) one more day / full run": (
            f["incremental"] / (f["ingest"] + f["catalogue"]),
            "<= 1/15 = 0.067",
        ),
    }
    for label, (value, target) in ratios.items():
        print(f"  {label:<34} {value:8.3f}   target {target}")
    setup = (
        f"{args.accounts} accounts x {args.days} days x {per_day} events per account and day "
        f"({figures['ingest']['count']:,} events stored; sample written in {generated:.0f} s)."
    )
    machine_line = machine()
    write_section(args.out, args.events, section(args.events, figures, ratios, setup), machine_line)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

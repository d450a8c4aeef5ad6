"""The `dph` command: `dph sample` writes a sample organisation, `dph run` runs the pipeline."""

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from perimeter.errors import DphError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dph",
        description="Find the AWS API calls that a data perimeter control would block, "
        "from CloudTrail logs and the organisation's inventory.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a synthetic organisation and its CloudTrail logs")
    sample.add_argument("--out", type=Path, default=Path("demo"), help="target folder (demo)")
    sample.add_argument("--days", type=int, default=3, help="days of logs, from 2024-03-04 (3)")
    sample.add_argument(
        "--events-per-day", type=int, default=200, help="background calls per account and day"
    )
    sample.add_argument(
        "--accounts", type=int, default=4, help="accounts in the organisation, at least 4 (4)"
    )
    sample.add_argument("--seed", type=int, default=7, help="random seed (7)")

    run = sub.add_parser("run", help="run the perimeter job and write the reports")
    run.add_argument(
        "-vf",
        "--variables",
        type=Path,
        default=None,
        help="variables file (default: $DPH_VARIABLES_FILE or ./variables.yaml)",
    )
    run.add_argument(
        "-vys",
        "--section",
        "--variable-yaml-section",
        default=None,
        help="section of the variables file (default)",
    )
    run.add_argument(
        "-dphf",
        "--perimeter",
        type=Path,
        default=None,
        help="perimeter file (default: data_perimeter.yaml beside the variables file)",
    )
    run.add_argument(
        "-lq",
        "--list-query",
        nargs="*",
        default=None,
        metavar="QUERY",
        help="query ids or parts of ids (default: all)",
    )
    run.add_argument("--start", help="first day YYYY-MM-DD (default: from variables.yaml)")
    run.add_argument("--end", help="last day YYYY-MM-DD (default: today)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Dagster's debug events")
    return parser


def _sample(args: argparse.Namespace) -> int:
    from dph_pipeline.sample import generate

    if args.accounts < 4:
        raise DphError(f"--accounts: the sample organisation has at least 4 (got {args.accounts})")
    summary = generate(
        args.out,
        days=args.days,
        events_per_day=args.events_per_day,
        extra_accounts=args.accounts - 4,
        seed=args.seed,
    )
    print(
        f"Sample organisation written to {summary.folder}: {summary.accounts} accounts, "
        f"{len(summary.days)} days ({summary.days[0]} .. {summary.days[-1]}), "
        f"{summary.records} records in {summary.files} log files."
    )
    print(f"Run it with: dph run --variables {summary.folder / 'variables.yaml'}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from dph_pipeline.run import run_pipeline
    from dph_pipeline.settings import load_settings

    settings = load_settings(args.variables, args.section, args.perimeter)
    outcome = run_pipeline(
        settings,
        queries=args.list_query,
        start=args.start,
        end=args.end,
        log_level="DEBUG" if args.verbose else "INFO",
    )
    for hint in outcome.hints:
        print(f"dph: note: {hint}", file=sys.stderr)
    if not outcome.success:
        print(
            f"dph: the run over {outcome.first_day} .. {outcome.last_day} failed:", file=sys.stderr
        )
        for error in outcome.errors:
            print(f"  {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"\nRun over {outcome.first_day} .. {outcome.last_day} succeeded.")
    for name, count in sorted(outcome.rows.items()):
        print(f"  {name}: {count} rows")
    print("Reports:")
    for kind, path in outcome.reports.items():
        print(f"  {kind:<5} {path}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `dph`; returns the process exit code."""
    args = _parser().parse_args(argv)
    # Dagster flags single-run backfill policies as beta on every load; not the user's concern.
    warnings.filterwarnings("ignore", message=".*is currently in beta.*")
    try:
        return _sample(args) if args.command == "sample" else _run(args)
    except (DphError, ValueError) as exc:
        print(f"dph: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

"""One measured step of the benchmark, run in its own process: `python bench/steps.py STEP JSON`.

Prints one JSON line: wall seconds, events, and peak resident memory of this process and of
its largest child process (the parsing workers), in MB.
"""

import gzip
import json
import os
import resource
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import orjson

from bench.peer import PEER_SELECT
from dph_pipeline.run import run_pipeline
from dph_pipeline.settings import load_settings
from perimeter.queries.registry import catalogue
from perimeter.rules.base import RuleContext
from resources.engine import DuckDBEngine, athena_day, trino_to_duckdb
from resources.inventory import LocalInventory
from resources.query_runs import batches, compute


def _log_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.json.gz") if "CloudTrail-Digest" not in p.parts)


def _parse_files(paths: list[str]) -> int:
    return sum(len(orjson.loads(gzip.decompress(Path(p).read_bytes()))["Records"]) for p in paths)


def floor(args: dict) -> int:
    """Decompress and parse every file with orjson, nothing else, on every core."""
    files = _log_files(Path(args["cloudtrail"]))
    chunks = [files[i : i + 256] for i in range(0, len(files), 256)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return sum(pool.map(_parse_files, chunks))


def ingest(args: dict) -> int:
    """Build the day store of every day of the window, from scratch."""
    shutil.rmtree(args["store"], ignore_errors=True)
    engine = DuckDBEngine(cloudtrail_root=args["cloudtrail"], store_dir=args["store"])
    return sum(m.records_stored for _, m, _ in engine.ensure_day_stores(args["days"]))


def catalogue_run(args: dict) -> int:
    """Every catalogue query over the window on the day store: SQL, then post-processing."""
    engine = DuckDBEngine(cloudtrail_root=args["cloudtrail"], store_dir=args["store"])
    settings = load_settings(Path(args["variables"]), environ={})
    inventory = LocalInventory(inventory_dir=str(settings.variables.inventory_dir))
    rows = 0
    for spec in catalogue().values():
        context = RuleContext(settings.perimeter, inventory.snapshot(spec.depends_on))
        for batch in batches(args["days"], engine.days_per_query):
            by_day, _, _ = compute(spec, batch, engine, context)
            rows += sum(len(frame) for frame in by_day.values())
    return rows


def peer(args: dict) -> int:
    """Each catalogue query on DuckDB `read_json` over the raw files of the window."""
    wanted = {d.replace("-", "/") for d in args["days"]}
    files = [
        f for f in _log_files(Path(args["cloudtrail"])) if "/".join(Path(f).parts[-4:-1]) in wanted
    ]
    con = duckdb.connect()
    days = args["days"]
    params = {"files": files, "start_day": athena_day(days[0]), "end_day": athena_day(days[-1])}
    rows = 0
    for spec in catalogue().values():
        sql = f"WITH cloudtrail AS ({PEER_SELECT})\n{trino_to_duckdb(spec.sql)}"
        rows += len(con.execute(sql, params).df())
    return rows


def pipeline(args: dict) -> int:
    """The whole Dagster job (`dph run`) over the given days."""
    settings = load_settings(Path(args["variables"]), environ={})
    outcome = run_pipeline(settings, start=args["days"][0], end=args["days"][-1], log_level="ERROR")
    if not outcome.success:
        raise SystemExit(f"pipeline failed: {outcome.errors}")
    return outcome.rows.get("cloudtrail_day_store", 0)


STEPS = {
    "floor": floor,
    "ingest": ingest,
    "catalogue": catalogue_run,
    "peer": peer,
    "pipeline": pipeline,
}

if __name__ == "__main__":
    step, arguments = sys.argv[1], json.loads(sys.argv[2])
    start = time.perf_counter()
    count = STEPS[step](arguments)
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "count": count, "rss_mb": own, "child_rss_mb": child}))

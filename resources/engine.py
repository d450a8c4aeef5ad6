"""SQL engines: where a catalogue query runs.

`SqlEngine` is the interface the query assets use. `DuckDBEngine` (the default) runs the
catalogue's Trino-dialect SQL, translated by sqlglot, on Parquet day stores that it builds from
local CloudTrail files. An Athena engine (not in this version) is to run the same SQL text on
the organisation's Athena table.
"""

import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import dagster as dg
import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from perimeter.errors import QueryError
from perimeter.schema import CLOUDTRAIL_SCHEMA, TABLE_NAME
from resources.cloudtrail_files import SourceFile, discover
from resources.day_store import (
    FORMAT_VERSION,
    DayManifest,
    file_days,
    parser_pool,
    write_day_store,
)
from resources.dialect import athena_day, trino_to_duckdb


def _stamp(path: Path) -> tuple[str, int, int, int, int]:
    """Path, size, modification and change times, inode: what summaries are cached by.

    Raises:
        FileNotFoundError: the file does not exist.
    """
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns


class StoreSummary(NamedTuple):
    """What a day store holds, read from its Parquet footer and its manifest."""

    rows: int  # in the Parquet file
    records_read: int  # the manifest's counts, summed over its files
    records_stored: int
    records_skipped: int
    input_fingerprint: str
    format_version: str


@functools.lru_cache(maxsize=4096)
def _store_summary(
    manifest: tuple[str, int, int, int, int], parquet: tuple[str, int, int, int, int]
) -> StoreSummary | None:
    """The summary of a day store, or None when it does not read back whole.

    None when either file does not read (truncated, half-written, not JSON or not Parquet),
    or when the manifest's per-file counts do not add up to its total. Cached by the files'
    stamps (a rebuild replaces both files, so new inodes), so repeated checks cost a `stat`.
    """
    try:
        body = json.loads(Path(manifest[0]).read_bytes())
        rows = pq.read_metadata(parquet[0]).num_rows
        files = body["files"]
        stored = sum(int(f["records_stored"]) for f in files)
        if stored != int(body["records_stored"]):  # an edited or damaged manifest
            return None
        return StoreSummary(
            rows=rows,
            records_read=sum(int(f["records_read"]) for f in files),
            records_stored=stored,
            records_skipped=sum(int(n) for f in files for n in f["skipped"].values()),
            input_fingerprint=str(body.get("input_fingerprint", "")),
            format_version=str(body.get("format_version", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError, OSError, pa.ArrowException):
        return None


def fingerprint(files: Sequence[SourceFile]) -> str:
    """A hash of the paths, sizes and modification times of `files`, in any order."""
    digest = hashlib.sha256()
    for src in sorted(files, key=lambda f: f.path):
        digest.update(repr(src.fingerprint).encode())
    return digest.hexdigest()[:16]


class SqlEngine(dg.ConfigurableResource):
    """Runs a catalogue statement over a range of days and returns the rows."""

    @property
    def kind(self) -> str:
        """Short engine name, used as the Dagster asset kind and in reports."""
        raise NotImplementedError

    def run_query(self, sql: str, params: Mapping[str, Any], days: Sequence[str]) -> pd.DataFrame:
        """Run `sql` (Trino dialect, named `:param` placeholders) over `days` (`YYYY-MM-DD`)."""
        raise NotImplementedError

    @property
    def days_per_query(self) -> int:
        """How many days one statement covers: fewer bound memory, more cost round trips."""
        return 31

    def day_version(self, day: str) -> str | None:
        """What identifies the data of one day, or None when the engine cannot tell.

        Query assets skip the days whose version (with the query and configuration) has not
        changed since their stored result was computed; None means always recompute.
        """
        return None


class DuckDBEngine(SqlEngine):
    """Embedded engine: local CloudTrail files -> Parquet day stores -> DuckDB."""

    cloudtrail_root: str
    store_dir: str
    workers: int = 0
    threads: int = 0

    @property
    def kind(self) -> str:
        """Short engine name."""
        return "duckdb"

    @property
    def days_per_query(self) -> int:
        """One day per statement: a statement costs little here, and memory stays flat."""
        return 1

    @property
    def _workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    def day_dir(self, day: str) -> Path:
        """The store folder of one day (`YYYY-MM-DD`)."""
        return Path(self.store_dir) / "cloudtrail" / f"day={day}"

    def list_files(self) -> list[SourceFile]:
        """Every candidate input file under `cloudtrail_root`."""
        return discover(Path(self.cloudtrail_root))

    def _flat_index(self, files: Sequence[SourceFile]) -> dict[str, dict[str, Any]]:
        """Days held by each flat file, cached by path, size and modification time.

        Flat digest files are indexed too (no record days, so their modification day): they are
        never parsed as events, but each must land in one day's manifest to be reported.
        """
        index_path = Path(self.store_dir) / "flat_index.json"
        cached: dict[str, dict[str, Any]] = {}
        if index_path.exists():
            cached = json.loads(index_path.read_text())
        index: dict[str, dict[str, Any]] = {}
        for src in files:
            if src.day is not None:
                continue
            entry = cached.get(src.path)
            if entry is None or [entry["size"], entry["mtime_ns"]] != [src.size, src.mtime_ns]:
                days, home = file_days(src)
                entry = {"size": src.size, "mtime_ns": src.mtime_ns, "days": days, "home": home}
            index[src.path] = entry
        if index != cached:
            index_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = index_path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(index, sort_keys=True))
            os.replace(tmp, index_path)
        return index

    def available_days(self) -> list[str]:
        """Days (`YYYY-MM-DD`) for which there are input files, sorted."""
        return self._days(self.list_files())

    def _days(self, files: Sequence[SourceFile]) -> list[str]:
        days = {f.day for f in files if f.day is not None}
        for entry in self._flat_index(files).values():
            days.update(entry["days"])
            days.add(entry["home"])
        return sorted(d.replace("/", "-") for d in days)

    def files_for_day(
        self, day: str, files: Sequence[SourceFile] | None = None
    ) -> tuple[list[SourceFile], dict[str, str | None]]:
        """The input files that feed one day, and each flat file's accounting day.

        `files` is a listing from `list_files`, to list the folder once for many days.
        """
        inputs = self._inputs_by_day(self.list_files() if files is None else files)
        return inputs.get(athena_day(day), ([], {}))

    def _inputs_by_day(
        self, files: Sequence[SourceFile]
    ) -> dict[str, tuple[list[SourceFile], dict[str, str | None]]]:
        """Per day (`YYYY/MM/DD`): its input files and the flat files' accounting days."""
        index = self._flat_index(files)
        homes = {path: entry["home"] for path, entry in index.items()}
        grouped: dict[str, list[SourceFile]] = {}
        for src in files:
            if src.day is not None:
                grouped.setdefault(src.day, []).append(src)
                continue
            entry = index.get(src.path)
            if entry:
                for day in dict.fromkeys([*entry["days"], entry["home"]]):
                    grouped.setdefault(day, []).append(src)
        return {day: (chosen, homes) for day, chosen in grouped.items()}

    def day_fingerprints(self) -> dict[str, str]:
        """Every day with input files (`YYYY-MM-DD`) and the fingerprint of its files."""
        inputs = self._inputs_by_day(self.list_files())
        return {day.replace("/", "-"): fingerprint(files) for day, (files, _) in inputs.items()}

    def input_fingerprint(self, day: str) -> str:
        """A hash of the names, sizes and modification times of one day's input files."""
        return fingerprint(self.files_for_day(day)[0])

    def day_store_state(self, day: str, expected_fingerprint: str | None = None) -> str:
        """`current`, `stale` (inputs or store format changed), `missing` or `corrupt`.

        A store is corrupt when its manifest does not parse, its Parquet footer does not read
        (a half-written or truncated file), or its row count differs from the manifest's.
        """
        try:
            summary = self.summary(day)
        except FileNotFoundError:
            return "missing"
        if summary is None or summary.rows != summary.records_stored:
            return "corrupt"
        expected = expected_fingerprint or self.input_fingerprint(day)
        if summary.format_version != FORMAT_VERSION or summary.input_fingerprint != expected:
            return "stale"
        return "current"

    def summary(self, day: str) -> StoreSummary | None:
        """The day store's counts and version (None if it does not read back whole).

        Raises:
            FileNotFoundError: the day has no store.
        """
        folder = self.day_dir(day)
        return _store_summary(_stamp(folder / "manifest.json"), _stamp(folder / "events.parquet"))

    def day_version(self, day: str) -> str | None:
        """The input fingerprint and format of a readable day store, or None."""
        try:
            summary = self.summary(day)
        except FileNotFoundError:
            return None
        if summary is None or summary.rows != summary.records_stored:
            return None
        return f"{summary.input_fingerprint}.{summary.format_version}"

    def build_day_store(self, day: str) -> DayManifest:
        """(Re)build the Parquet day store of `day` (`YYYY-MM-DD`) from the input files."""
        files, homes = self.files_for_day(day)
        return write_day_store(
            files, athena_day(day), self.day_dir(day), homes, self._workers, fingerprint(files)
        )

    def ensure_day_stores(self, days: Sequence[str]) -> Iterator[tuple[str, DayManifest, str]]:
        """`ensure_day_store` for each day, listing the folder once and sharing one pool."""
        inputs = self._inputs_by_day(self.list_files())
        with parser_pool(self._workers) as pool:
            for day in days:
                files, homes = inputs.get(athena_day(day), ([], {}))
                manifest, state = self._ensure(day, files, homes, pool)
                yield day, manifest, state

    def ensure_day_store(
        self,
        day: str,
        listing: Sequence[SourceFile] | None = None,
        pool: Executor | None = None,
    ) -> tuple[DayManifest, str]:
        """Build the day store unless it is current; return it and the state it was found in.

        `listing` (from `list_files`) and `pool` (from `parser_pool`) can be shared by days.
        """
        files, homes = self.files_for_day(day, listing)
        return self._ensure(day, files, homes, pool)

    def _ensure(
        self,
        day: str,
        files: list[SourceFile],
        homes: dict[str, str | None],
        pool: Executor | None,
    ) -> tuple[DayManifest, str]:
        expected = fingerprint(files)
        with self._day_lock(day):  # another run building the same day waits, then reuses it
            state = self.day_store_state(day, expected)
            if state == "current":
                manifest = self.read_manifest(day)
                if manifest is not None:
                    return manifest, state
            manifest = write_day_store(
                files, athena_day(day), self.day_dir(day), homes, self._workers, expected, pool
            )
            return manifest, state

    @contextmanager
    def _day_lock(self, day: str) -> Iterator[None]:
        """An exclusive lock on one day's store, across processes (`flock` on a lock file)."""
        path = Path(self.store_dir) / "cloudtrail" / f".day={day}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def stored_days(self) -> list[str]:
        """Days (`YYYY-MM-DD`) that have a day store, sorted."""
        root = Path(self.store_dir) / "cloudtrail"
        return sorted(p.name.removeprefix("day=") for p in root.glob("day=*") if p.is_dir())

    def read_manifest(self, day: str) -> DayManifest | None:
        """The manifest of an existing day store, or None."""
        path = self.day_dir(day) / "manifest.json"
        return DayManifest.from_json(path.read_text()) if path.exists() else None

    def _connect(self, days: Sequence[str]) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        paths = [str(p) for d in days if (p := self.day_dir(d) / "events.parquet").exists()]
        if paths:
            relation = con.read_parquet(paths)
        else:
            relation = con.from_arrow(pa.Table.from_pylist([], schema=CLOUDTRAIL_SCHEMA))
        relation.create_view(TABLE_NAME)
        return con

    def _repair(self, days: Sequence[str]) -> None:
        """Rebuild the day stores of `days` that are corrupt, from the raw files."""
        for day in days:
            folder = self.day_dir(day)
            if (folder / "events.parquet").exists() or (folder / "manifest.json").exists():
                state = self.day_store_state(day, expected_fingerprint="-")
                if state in ("corrupt", "missing"):  # unreadable, or one of its two files lost
                    dg.get_dagster_logger().warning(
                        f"day store {day} is corrupt (unreadable or incomplete); rebuilding it "
                        "from the CloudTrail files"
                    )
                    self.build_day_store(day)

    def run_query(self, sql: str, params: Mapping[str, Any], days: Sequence[str]) -> pd.DataFrame:
        """Run a catalogue statement on the day stores of `days` (corrupt ones are rebuilt)."""
        self._repair(days)
        con = self._connect(days)
        try:
            return con.execute(trino_to_duckdb(sql), dict(params)).df()
        except duckdb.Error as exc:
            raise QueryError(f"DuckDB failed on the catalogue statement: {exc}") from exc
        finally:
            con.close()

"""Build the Parquet day store: one file per UTC day with the CloudTrail table's schema.

Files are parsed in parallel (one process per core) in chunks; each chunk comes back as an
Arrow table and is appended to the day's Parquet file, so memory holds a few chunks, not the
day. The store and its manifest are written to temporary names and renamed at the end, so a
killed run leaves the previous day store intact.

Every record read is accounted for: `records_read = records_stored + records_skipped`, with
the reason for every skipped file and record in the manifest.
"""

import gc
import json
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from perimeter.columnar import events_table
from perimeter.logfile import (
    DIGEST_FILE,
    DUPLICATE_EVENT_ID,
    NO_EVENT_TIME,
    UNREADABLE,
    parse_log_bytes,
)
from perimeter.records import event_day, to_row
from perimeter.schema import CLOUDTRAIL_SCHEMA, PARTITION_COLUMNS
from perimeter.versions import source_digest
from resources.cloudtrail_files import SourceFile

UNKNOWN = "unknown"
# Changes when the day store's content may change for the same input files: bump the number
# for a change of layout; the digest follows every edit of the code that reads and maps
# records. Stores of another version are rebuilt.
FORMAT_VERSION = "3-" + source_digest(
    "perimeter.logfile", "perimeter.records", "perimeter.columnar", "perimeter.schema", __name__
)
# Work is sized in bytes, not in files or rows, so memory stays flat whatever the file sizes.
_CHUNK_BYTES = 512 * 1024  # compressed input bytes parsed per task (about 5 MB of JSON)
_CHUNK_FILES = 512  # and at most this many files per task
_IN_FLIGHT = 6  # parsed chunks waiting at most, whatever the day's size
_ROW_GROUP_BYTES = 48 * 1024 * 1024  # Arrow bytes buffered before a Parquet row group


@dataclass
class FileOutcome:
    """What one input file gave to one day store."""

    path: str
    records_read: int = 0
    records_stored: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    reason: str | None = None

    def skip(self, reason: str, n: int = 1) -> None:
        """Count `n` skipped records under `reason`."""
        if n:
            self.skipped[reason] = self.skipped.get(reason, 0) + n


@dataclass
class DayManifest:
    """The accounting of one day store, written beside it as `manifest.json`."""

    day: str
    files: list[FileOutcome]
    built_at: str
    input_fingerprint: str = ""  # of the input files it was built from (names, sizes, mtimes)
    format_version: str = ""

    @property
    def records_read(self) -> int:
        """Records found in the day's input files."""
        return sum(f.records_read for f in self.files)

    @property
    def records_stored(self) -> int:
        """Rows written to the day's Parquet file."""
        return sum(f.records_stored for f in self.files)

    @property
    def records_skipped(self) -> dict[str, int]:
        """Skipped records by reason."""
        totals: dict[str, int] = {}
        for outcome in self.files:
            for reason, n in outcome.skipped.items():
                totals[reason] = totals.get(reason, 0) + n
        return totals

    @property
    def skipped_files(self) -> list[dict[str, str]]:
        """Files that gave nothing, with the reason."""
        return [{"path": f.path, "reason": f.reason} for f in self.files if f.reason]

    def to_json(self) -> str:
        """Serialise with the totals, for humans and for the asset check."""
        body = {
            "day": self.day,
            "built_at": self.built_at,
            "input_fingerprint": self.input_fingerprint,
            "format_version": self.format_version,
            "records_read": self.records_read,
            "records_stored": self.records_stored,
            "records_skipped": self.records_skipped,
            "skipped_files": self.skipped_files,
            "files": [asdict(f) for f in self.files],
        }
        return json.dumps(body, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "DayManifest":
        """Read a manifest written by `to_json`."""
        body = json.loads(text)
        return cls(
            body["day"],
            [FileOutcome(**f) for f in body["files"]],
            body["built_at"],
            body.get("input_fingerprint", ""),
            str(body.get("format_version", "")),
        )


def _read(src: SourceFile) -> tuple[list[dict[str, Any]], FileOutcome]:
    outcome = FileOutcome(src.path)
    try:
        data = Path(src.path).read_bytes()
    except OSError:
        outcome.reason = UNREADABLE
        return [], outcome
    parsed = parse_log_bytes(data)
    outcome.reason = parsed.reason
    outcome.records_read = parsed.records_read
    for reason, n in parsed.bad_records.items():
        outcome.skip(reason, n)
    return parsed.events, outcome


def _get(mapping: Any, name: str) -> Any:
    """`mapping[name]` ignoring case (the last matching key wins, as in `to_row`)."""
    if not isinstance(mapping, dict):
        return None
    lower = name.lower()
    found = None
    for key, value in mapping.items():
        if key.lower() == lower:
            found = value
    return found


def _partition(event: dict[str, Any], src: SourceFile) -> tuple[str, str]:
    if src.account is not None and src.region is not None:
        return src.account, src.region
    account = _get(event, "recipientAccountId") or _get(_get(event, "userIdentity"), "accountId")
    region = _get(event, "awsRegion")
    account = account if isinstance(account, str) and account else UNKNOWN
    return account, region if isinstance(region, str) and region else UNKNOWN


def select_for_day(
    src: SourceFile, day: str, home_day: str | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]], FileOutcome]:
    """Parse one file and keep the events that belong to `day`, with their account and region.

    For the S3 layout every dated record of the file belongs to the file's day (as in Athena,
    where the key gives `p_date`). For flat files a record belongs to the day of its
    `eventTime`; file-level skips and undated records are accounted to the file's `home_day`.
    """
    events, outcome = _read(src)
    owns_file = src.day == day if src.day is not None else home_day == day
    parsed_records = outcome.records_read  # the parser's own count, for the whole file
    parse_skips = sum(outcome.skipped.values())
    kept: list[dict[str, Any]] = []
    partitions: list[tuple[str, str]] = []
    undated = other_days = 0
    for event in events:
        record_day = event_day(event.get("eventTime"))
        if record_day is None:
            undated += 1
            continue
        if src.day is None and record_day != day:
            other_days += 1
            continue
        kept.append(event)
        partitions.append(_partition(event, src))
    outcome.records_stored = len(kept)
    if owns_file:
        outcome.skip(NO_EVENT_TIME, undated)
        # what this day accounts for: the whole file but the records of other days
        outcome.records_read = parsed_records - other_days
    else:
        outcome.skipped, outcome.reason = {}, None
        outcome.records_read = parsed_records - parse_skips - other_days - undated
    return kept, partitions, outcome


def parse_for_day(src: SourceFile, day: str, home_day: str | None) -> tuple[list, FileOutcome]:
    """Like `select_for_day`, with each event as a table row (partition columns included)."""
    events, partitions, outcome = select_for_day(src, day, home_day)
    rows = []
    for event, (account, region) in zip(events, partitions, strict=True):
        row = to_row(event)
        row["p_account"], row["p_region"], row["p_date"] = account, region, day
        rows.append(row)
    return rows, outcome


def file_days(src: SourceFile) -> tuple[list[str], str]:
    """The days a flat file holds records of, and the day its own accounting belongs to.

    The accounting day is the earliest record day, or the file's modification day (UTC) when
    no record carries a usable `eventTime`.
    """
    events, _ = _read(src)
    days = sorted({d for e in events if (d := event_day(e.get("eventTime"))) is not None})
    if days:
        return days, days[0]
    modified = datetime.fromtimestamp(src.mtime_ns / 1e9, tz=UTC)
    return days, modified.strftime("%Y/%m/%d")


_DATA_SCHEMA = pa.schema([f for f in CLOUDTRAIL_SCHEMA if f.name not in PARTITION_COLUMNS])


def _parse_chunk(
    files: Sequence[SourceFile], day: str, homes: dict[str, str | None]
) -> tuple[pa.Table, list[FileOutcome]]:
    events: list[dict[str, Any]] = []
    accounts: list[str] = []
    regions: list[str] = []
    outcomes: list[FileOutcome] = []
    for src in files:
        kept, partitions, outcome = select_for_day(src, day, homes.get(src.path))
        events.extend(kept)
        accounts.extend(a for a, _ in partitions)
        regions.extend(r for _, r in partitions)
        outcomes.append(outcome)
    data = events_table(events, _DATA_SCHEMA)
    table = (
        data.append_column("p_account", pa.array(accounts, pa.string()))
        .append_column("p_region", pa.array(regions, pa.string()))
        .append_column("p_date", pa.array([day] * len(events), pa.string()))
    )
    return table.select(CLOUDTRAIL_SCHEMA.names).cast(CLOUDTRAIL_SCHEMA), outcomes


def _chunks(files: Sequence[SourceFile]) -> Iterator[Sequence[SourceFile]]:
    """Consecutive groups of files of about `_CHUNK_BYTES` on disk (at most `_CHUNK_FILES`)."""
    chunk: list[SourceFile] = []
    size = 0
    for src in files:
        chunk.append(src)
        size += src.size
        if size >= _CHUNK_BYTES or len(chunk) >= _CHUNK_FILES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _parse_chunk_quickly(
    files: Sequence[SourceFile], day: str, homes: dict[str, str | None]
) -> tuple[pa.Table, list[FileOutcome]]:
    """`_parse_chunk` with the cyclic garbage collector paused.

    Parsing creates many small dicts that all stay alive until the chunk is converted; the
    collector would scan them again and again for cycles that JSON cannot contain.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_chunk(files, day, homes)
    finally:
        if enabled:
            gc.enable()


def _parsed_chunks(
    files: Sequence[SourceFile],
    day: str,
    homes: dict[str, str | None],
    pool: Executor | None,
) -> Iterator[tuple[pa.Table, list[FileOutcome]]]:
    """Parsed chunks in file order; with a pool, a bounded number of chunks in flight."""
    chunks = _chunks(files)
    if pool is None:
        for chunk in chunks:
            yield _parse_chunk_quickly(chunk, day, homes)
        return
    in_flight: deque[Future] = deque()
    for chunk in chunks:
        in_flight.append(pool.submit(_parse_chunk_quickly, chunk, day, homes))
        if len(in_flight) >= _IN_FLIGHT:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


@contextmanager
def parser_pool(workers: int) -> Iterator[Executor | None]:
    """A pool of parsing processes to share between days (None for one worker)."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


def drop_duplicate_events(
    table: pa.Table, outcomes: Sequence[FileOutcome], seen: set[str]
) -> pa.Table:
    """Drop rows whose `eventid` was already stored today; count them on their file.

    CloudTrail may deliver an event twice; both copies carry the same `eventID`. The table's
    rows are in the order of `outcomes`, each file contributing `records_stored` rows. Rows
    without an event id are kept. `seen` is updated with the ids kept.
    """
    ids = table.column("eventid").to_pylist()
    keep = [True] * len(ids)
    start = 0
    for outcome in outcomes:
        end = start + outcome.records_stored
        duplicates = 0
        for row in range(start, end):
            event_id = ids[row]
            if event_id is None:
                continue
            if event_id in seen:
                keep[row] = False
                duplicates += 1
            else:
                seen.add(event_id)
        outcome.records_stored -= duplicates
        outcome.skip(DUPLICATE_EVENT_ID, duplicates)
        start = end
    return table if all(keep) else table.filter(pa.array(keep))


def write_day_store(
    files: Sequence[SourceFile],
    day: str,
    out_dir: Path,
    homes: dict[str, str | None] | None = None,
    workers: int = 1,
    input_fingerprint: str = "",
    pool: Executor | None = None,
) -> DayManifest:
    """Parse `files` and write `out_dir/events.parquet` and `out_dir/manifest.json` for `day`.

    Args:
        files: the input files that may hold records of `day` (digest files are only counted).
        day: the UTC day, `YYYY/MM/DD`.
        out_dir: the day's folder in the store.
        homes: for flat files, the day each file's file-level accounting belongs to.
        workers: parsing processes (a pool is started for this day unless `pool` is given).
        input_fingerprint: recorded in the manifest, to tell later whether the inputs changed.
        pool: a pool from `parser_pool`, shared between days.
    """
    homes = homes or {}
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = [FileOutcome(f.path, reason=DIGEST_FILE) for f in files if f.digest]
    logs = [f for f in files if not f.digest]
    tmp = out_dir / f".events.parquet.{os.getpid()}.tmp"
    seen: set[str] = set()
    pending: list[pa.Table] = []
    pending_rows = pending_bytes = 0
    try:
        with (
            pq.ParquetWriter(tmp, CLOUDTRAIL_SCHEMA, compression="zstd") as writer,
            nullcontext(pool) if pool is not None else parser_pool(workers) as chunk_pool,
        ):
            for parsed, chunk_outcomes in _parsed_chunks(logs, day, homes, chunk_pool):
                table = drop_duplicate_events(parsed, chunk_outcomes, seen)
                outcomes.extend(chunk_outcomes)
                pending.append(table)
                pending_rows += table.num_rows
                pending_bytes += table.nbytes
                if pending_bytes >= _ROW_GROUP_BYTES:  # few large row groups: fast to read
                    writer.write_table(pa.concat_tables(pending))
                    pending, pending_rows, pending_bytes = [], 0, 0
            if pending_rows:
                writer.write_table(pa.concat_tables(pending))
        os.replace(tmp, out_dir / "events.parquet")
    finally:
        tmp.unlink(missing_ok=True)
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = DayManifest(day, outcomes, built_at, input_fingerprint, FORMAT_VERSION)
    manifest_tmp = out_dir / f".manifest.json.{os.getpid()}.tmp"
    manifest_tmp.write_text(manifest.to_json())
    os.replace(manifest_tmp, out_dir / "manifest.json")
    return manifest

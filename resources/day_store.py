"""Build the Parquet day store: one file per UTC day with the CloudTrail table's schema.

Files are parsed in parallel (one process per core) in chunks; each chunk comes back as an
Arrow table and is appended to the day's Parquet file, so memory holds a few chunks, not the
day. The store and its manifest are written to temporary names and renamed at the end, so a
killed run leaves the previous day store intact.

Every record read is accounted for: `records_read = records_stored + records_skipped`, with
the reason for every skipped file and record in the manifest.
"""

import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from perimeter.logfile import (
    DIGEST_FILE,
    DUPLICATE_EVENT_ID,
    NO_EVENT_TIME,
    UNREADABLE,
    parse_log_bytes,
)
from perimeter.records import event_day, to_row
from perimeter.schema import CLOUDTRAIL_SCHEMA
from resources.cloudtrail_files import SourceFile

UNKNOWN = "unknown"
# Bump when the day store's content changes for the same input files (schema, dedup rules):
# stores of an older version are rebuilt.
FORMAT_VERSION = 2
_CHUNK_FILES = 64


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
    format_version: int = 0

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
            body.get("format_version", 0),
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


def _partition(row: dict[str, Any], src: SourceFile) -> tuple[str, str]:
    if src.account is not None and src.region is not None:
        return src.account, src.region
    account = row["recipientaccountid"] or (row["useridentity"] or {}).get("accountid")
    return account or UNKNOWN, row["awsregion"] or UNKNOWN


def parse_for_day(src: SourceFile, day: str, home_day: str | None) -> tuple[list, FileOutcome]:
    """Parse one file and keep the rows that belong to `day`.

    For the S3 layout every dated record of the file belongs to the file's day (as in Athena,
    where the key gives `p_date`). For flat files a record belongs to the day of its
    `eventTime`; file-level skips and undated records are accounted to the file's `home_day`.
    """
    events, outcome = _read(src)
    owns_file = src.day == day if src.day is not None else home_day == day
    parsed_records = outcome.records_read  # the parser's own count, for the whole file
    parse_skips = sum(outcome.skipped.values())
    rows: list[dict[str, Any]] = []
    undated = other_days = 0
    for event in events:
        record_day = event_day(event.get("eventTime"))
        if record_day is None:
            undated += 1
            continue
        if src.day is None and record_day != day:
            other_days += 1
            continue
        row = to_row(event)
        row["p_account"], row["p_region"] = _partition(row, src)
        row["p_date"] = day
        rows.append(row)
    outcome.records_stored = len(rows)
    if owns_file:
        outcome.skip(NO_EVENT_TIME, undated)
        # what this day accounts for: the whole file but the records of other days
        outcome.records_read = parsed_records - other_days
    else:
        outcome.skipped, outcome.reason = {}, None
        outcome.records_read = parsed_records - parse_skips - other_days - undated
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


def _parse_chunk(
    files: Sequence[SourceFile], day: str, homes: dict[str, str | None]
) -> tuple[pa.Table, list[FileOutcome]]:
    rows: list[dict[str, Any]] = []
    outcomes: list[FileOutcome] = []
    for src in files:
        file_rows, outcome = parse_for_day(src, day, homes.get(src.path))
        rows.extend(file_rows)
        outcomes.append(outcome)
    return pa.Table.from_pylist(rows, schema=CLOUDTRAIL_SCHEMA), outcomes


def _chunks(files: Sequence[SourceFile]) -> Iterator[Sequence[SourceFile]]:
    for start in range(0, len(files), _CHUNK_FILES):
        yield files[start : start + _CHUNK_FILES]


def _parsed_chunks(
    files: Sequence[SourceFile], day: str, homes: dict[str, str | None], workers: int
) -> Iterator[tuple[pa.Table, list[FileOutcome]]]:
    chunks = list(_chunks(files))
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _parse_chunk(chunk, day, homes)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_parse_chunk, chunk, day, homes) for chunk in chunks]
        for future in futures:
            yield future.result()


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
) -> DayManifest:
    """Parse `files` and write `out_dir/events.parquet` and `out_dir/manifest.json` for `day`.

    Args:
        files: the input files that may hold records of `day` (digest files are only counted).
        day: the UTC day, `YYYY/MM/DD`.
        out_dir: the day's folder in the store.
        homes: for flat files, the day each file's file-level accounting belongs to.
        workers: parsing processes.
        input_fingerprint: recorded in the manifest, to tell later whether the inputs changed.
    """
    homes = homes or {}
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = [FileOutcome(f.path, reason=DIGEST_FILE) for f in files if f.digest]
    logs = [f for f in files if not f.digest]
    tmp = out_dir / f".events.parquet.{os.getpid()}.tmp"
    seen: set[str] = set()
    try:
        with pq.ParquetWriter(tmp, CLOUDTRAIL_SCHEMA, compression="zstd") as writer:
            for parsed, chunk_outcomes in _parsed_chunks(logs, day, homes, workers):
                table = drop_duplicate_events(parsed, chunk_outcomes, seen)
                if table.num_rows:
                    writer.write_table(table)
                outcomes.extend(chunk_outcomes)
        os.replace(tmp, out_dir / "events.parquet")
    finally:
        tmp.unlink(missing_ok=True)
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = DayManifest(day, outcomes, built_at, input_fingerprint, FORMAT_VERSION)
    manifest_tmp = out_dir / f".manifest.json.{os.getpid()}.tmp"
    manifest_tmp.write_text(manifest.to_json())
    os.replace(manifest_tmp, out_dir / "manifest.json")
    return manifest

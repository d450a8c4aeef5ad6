"""Read the events out of one CloudTrail log file's bytes, whatever shape the file has.

Accepted shapes, all `.json` or gzip-compressed:

- `{"Records": [...]}`, as CloudTrail delivers to S3;
- a bare JSON array of events;
- one event per line (NDJSON), as many exporters write;
- the output of `aws cloudtrail lookup-events` (`{"Events": [{"CloudTrailEvent": "<json>"}]}`),
  also as a bare array of such items;
- a single event object.

Nothing here raises on bad input: a file that cannot be used comes back with a skip reason,
and every record that cannot be used is counted under a reason.
"""

import gzip
import zlib
from dataclasses import dataclass, field
from typing import Any

import orjson

# Skip reasons, written into day-store manifests and asset metadata.
DIGEST_FILE = "digest file"
EMPTY_RECORDS = "empty Records"
BAD_GZIP = "truncated or corrupt gzip"
NOT_JSON = "not JSON"
NOT_CLOUDTRAIL = "not CloudTrail"
NO_EVENT_TIME = "no eventTime"
UNREADABLE = "unreadable file"
DUPLICATE_EVENT_ID = "duplicate eventID"

_GZIP_MAGIC = b"\x1f\x8b"
_EVENT_KEYS = ("eventVersion", "eventTime", "eventName", "eventSource", "eventID")
_DIGEST_KEYS = ("digestS3Object", "digestPublicKeyFingerprint", "logFiles")


@dataclass
class ParsedFile:
    """The events found in one file, and what could not be used.

    `reason` is set when the whole file was skipped. `bad_records` counts records (array items
    or lines) that were present but are not events; they are part of `records_read`.
    """

    events: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    bad_records: dict[str, int] = field(default_factory=dict)

    @property
    def records_read(self) -> int:
        """Events plus records that were present but unusable."""
        return len(self.events) + sum(self.bad_records.values())

    def count_bad(self, reason: str, n: int = 1) -> None:
        """Count `n` unusable records under `reason`."""
        self.bad_records[reason] = self.bad_records.get(reason, 0) + n


def decompress(data: bytes) -> bytes:
    """Return the file's JSON bytes; gzip is recognised by its magic number, not its name.

    Raises:
        EOFError, OSError, zlib.error: the gzip stream is truncated or corrupt.
    """
    if data[:2] == _GZIP_MAGIC:
        return gzip.decompress(data)
    return data


def _is_event(obj: Any) -> bool:
    return isinstance(obj, dict) and any(k in obj for k in _EVENT_KEYS)


def _unwrap_lookup_item(obj: Any) -> Any:
    """`lookup-events` items carry the event as a JSON string under `CloudTrailEvent`."""
    if isinstance(obj, dict) and isinstance(obj.get("CloudTrailEvent"), str):
        try:
            return orjson.loads(obj["CloudTrailEvent"])
        except orjson.JSONDecodeError:
            return None
    return obj


def _add_items(parsed: ParsedFile, items: list[Any]) -> None:
    for item in items:
        event = _unwrap_lookup_item(item)
        if _is_event(event):
            parsed.events.append(event)
        else:
            parsed.count_bad(NOT_CLOUDTRAIL)


def _from_document(doc: Any) -> ParsedFile:
    parsed = ParsedFile()
    if isinstance(doc, list):
        _add_items(parsed, doc)
        if not doc:
            parsed.reason = EMPTY_RECORDS
        return parsed
    if not isinstance(doc, dict):
        parsed.reason = NOT_CLOUDTRAIL
        return parsed
    for key in ("Records", "Events"):
        if isinstance(doc.get(key), list):
            _add_items(parsed, doc[key])
            if not doc[key]:
                parsed.reason = EMPTY_RECORDS
            return parsed
    if any(k in doc for k in _DIGEST_KEYS):
        parsed.reason = DIGEST_FILE
    elif _is_event(doc) or isinstance(doc.get("CloudTrailEvent"), str):
        _add_items(parsed, [doc])
    else:
        parsed.reason = NOT_CLOUDTRAIL
    return parsed


def _from_lines(text: bytes) -> ParsedFile:
    parsed = ParsedFile()
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            parsed.count_bad(NOT_JSON)
            continue
        inner = _from_document(obj)
        parsed.events.extend(inner.events)
        for reason, n in inner.bad_records.items():
            parsed.count_bad(reason, n)
        if inner.reason == NOT_CLOUDTRAIL or inner.reason == DIGEST_FILE:
            parsed.count_bad(inner.reason)
    if not parsed.events and not parsed.bad_records:
        parsed.reason = NOT_JSON
    elif not parsed.events and set(parsed.bad_records) == {DIGEST_FILE}:
        parsed = ParsedFile(reason=DIGEST_FILE)
    elif not parsed.events and set(parsed.bad_records) <= {NOT_JSON}:
        parsed = ParsedFile(reason=NOT_JSON)
    return parsed


def parse_log_bytes(data: bytes) -> ParsedFile:
    """Parse one file's raw bytes (gzip or plain) into events."""
    try:
        text = decompress(data)
    except (EOFError, OSError, zlib.error):
        return ParsedFile(reason=BAD_GZIP)
    if not text.strip():
        return ParsedFile(reason=NOT_JSON)
    try:
        return _from_document(orjson.loads(text))
    except orjson.JSONDecodeError:
        return _from_lines(text)

"""Turn one CloudTrail event (a parsed JSON object) into a row of the CloudTrail table.

The rules follow what Athena's JSON SerDe does with the same event, so both engines see the
same values:

- keys match case-insensitively (`accountId` and `accountid` are the same field);
- a missing key, or a JSON `null`, is NULL: `errorCode` absent and `errorCode: null` both mean
  the call succeeded, a `userIdentity` without `type` (AWS service events) has a NULL type;
- scalars that are not strings are written as their JSON text (`apiVersion: 2` gives `"2"`,
  `readOnly: true` gives `"true"`);
- objects in a string column (`requestParameters`, ...) are kept as compact JSON text, keys
  unchanged (S3's `x-amz-*` keys survive as they are);
- a struct column that holds something other than an object (for example `sessionIssuer: ""`)
  is NULL.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from perimeter.schema import CLOUDTRAIL_SCHEMA, PARTITION_COLUMNS

Conformer = Callable[[Any], Any]


def _to_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return orjson.dumps(value).decode()


def _lower_keys(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k.lower(): v for k, v in value.items()} if value else {}


def _struct_conformer(fields: list[tuple[str, Conformer]]) -> Conformer:
    def conform(value: Any) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            return None
        lowered = _lower_keys(value)
        return {name: sub(lowered.get(name)) for name, sub in fields}

    return conform


def _list_conformer(item: Conformer) -> Conformer:
    def conform(value: Any) -> list[Any] | None:
        if not isinstance(value, list):
            return None
        return [item(v) for v in value]

    return conform


def _map_conformer(value: Any) -> list[tuple[str, str | None]] | None:
    if not isinstance(value, dict):
        return None
    return [(str(k), _to_text(v)) for k, v in value.items()]


def _conformer_for(arrow_type: pa.DataType) -> Conformer:
    if pa.types.is_struct(arrow_type):
        return _struct_conformer(
            [(f.name, _conformer_for(f.type)) for f in arrow_type]  # type: ignore[attr-defined]
        )
    if pa.types.is_list(arrow_type):
        return _list_conformer(_conformer_for(arrow_type.value_type))
    if pa.types.is_map(arrow_type):
        return _map_conformer
    return _to_text


_DATA_FIELDS = [f for f in CLOUDTRAIL_SCHEMA if f.name not in PARTITION_COLUMNS]
_TOP = [(f.name, _conformer_for(f.type)) for f in _DATA_FIELDS]


def event_day(event_time: Any) -> str | None:
    """Return the UTC day (`YYYY/MM/DD`) of a CloudTrail `eventTime`, or None when unusable.

    CloudTrail writes `2023-07-10T11:42:18Z`; any ISO 8601 timestamp with an offset is accepted
    and converted to UTC. A timestamp without an offset is taken as UTC.
    """
    if not isinstance(event_time, str) or len(event_time) < 10:
        return None
    try:
        moment = datetime.fromisoformat(event_time)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)  # OverflowError near year 1 or 9999
    except (ValueError, OverflowError):
        return None
    return moment.strftime("%Y/%m/%d")


def to_row(event: Mapping[str, Any]) -> dict[str, Any]:
    """Return the table row (data columns only) for one CloudTrail event."""
    lowered = _lower_keys(event)
    return {name: conform(lowered.get(name)) for name, conform in _TOP}

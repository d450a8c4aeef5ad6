"""Turn many CloudTrail events into an Arrow table at once, column by column.

Same rules as `perimeter.records.to_row` (keys match case-insensitively, missing or null is
NULL, non-string scalars become their JSON text, objects in string columns become compact
JSON text, a struct column holding a non-object is NULL), but built for speed: each distinct
set of keys is matched against the schema once and then reused, and Arrow arrays are built
from plain lists instead of row dictionaries.
"""

from collections.abc import Sequence
from typing import Any

import orjson
import pyarrow as pa

_STR = str


def _text(value: Any) -> str | None:
    if value is None or value.__class__ is _STR:
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    return orjson.dumps(value).decode()


def _plan(keys: tuple[str, ...], names: tuple[str, ...]) -> tuple[str | None, ...]:
    """For each field name, the key of the object that holds it (the last one, ignoring case)."""
    lower = {key.lower(): key for key in keys}
    return tuple(lower.get(name) for name in names)


def build_array(values: Sequence[Any], arrow_type: pa.DataType) -> pa.Array:
    """An Arrow array of `arrow_type` from JSON values (dicts, lists, scalars, None)."""
    if pa.types.is_struct(arrow_type):
        return _struct(values, arrow_type)
    if pa.types.is_list(arrow_type):
        return _list(values, arrow_type)
    if pa.types.is_map(arrow_type):
        return pa.array(
            [
                [(str(k), _text(v)) for k, v in value.items()] if value.__class__ is dict else None
                for value in values
            ],
            type=arrow_type,
        )
    try:  # the common case: strings and nulls only
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([_text(v) for v in values], type=pa.string())


def _struct(values: Sequence[Any], arrow_type: pa.StructType) -> pa.Array:
    names = tuple(f.name for f in arrow_type)
    plans: dict[tuple[str, ...], tuple[str | None, ...]] = {}
    nulls = [value.__class__ is not dict for value in values]
    for value in values:
        if value.__class__ is dict:
            keys = tuple(value)
            if keys not in plans:
                plans[keys] = _plan(keys, names)
    # Usually every object spells each field the same way: one list comprehension per field.
    spellings = [{plan[i] for plan in plans.values()} - {None} for i in range(len(names))]
    if all(len(s) <= 1 for s in spellings):
        any_null = any(nulls)
        columns = []
        for spelling in spellings:
            key = next(iter(spelling)) if spelling else None
            if key is None:
                columns.append([None] * len(values))
            elif any_null:
                columns.append([v.get(key) if v.__class__ is dict else None for v in values])
            else:
                columns.append([v.get(key) for v in values])
    else:
        columns = [[None] * len(values) for _ in names]
        for row, value in enumerate(values):
            if value.__class__ is dict:
                for index, key in enumerate(plans[tuple(value)]):
                    if key is not None:
                        columns[index][row] = value[key]
    children = [build_array(column, f.type) for column, f in zip(columns, arrow_type, strict=True)]
    mask = pa.array(nulls, type=pa.bool_()) if any(nulls) else None
    return pa.StructArray.from_arrays(children, fields=list(arrow_type), mask=mask)


def _list(values: Sequence[Any], arrow_type: pa.ListType) -> pa.Array:
    offsets = [0]
    items: list[Any] = []
    nulls = []
    for value in values:
        if value.__class__ is list:
            items.extend(value)
            nulls.append(False)
        else:
            nulls.append(True)
        offsets.append(len(items))
    child = build_array(items, arrow_type.value_type)
    mask = pa.array(nulls, type=pa.bool_()) if any(nulls) else None
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), child, mask=mask)


def events_table(events: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """A table of `schema`'s columns (all of them data columns) from parsed events."""
    top = _struct(events, pa.struct(list(schema)))
    return pa.Table.from_arrays(top.flatten(), schema=schema)

"""Helpers shared by the reliability tests: run a catalogue query on a day store, compare rows."""

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot, dataset_frame
from perimeter.queries.process import post_process
from perimeter.queries.registry import catalogue
from perimeter.rules.base import RuleContext
from resources.engine import DuckDBEngine, athena_day
from tests.queries.cases._org import INVENTORY


def plain(value: Any) -> Any:
    """Python values for comparison: numpy scalars and arrays unwrapped, NaN and NA as None."""
    if isinstance(value, np.ndarray | list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as plain dicts, in a stable order."""
    records = [plain(r) for r in frame.to_dict("records")]
    return sorted(records, key=lambda r: json.dumps(r, sort_keys=True))


def sort_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: json.dumps(r, sort_keys=True))


def query_day(
    engine: DuckDBEngine,
    query_id: str,
    day: str,
    perimeter: dict[str, Any],
    inventory: dict[str, list[dict[str, Any]]] = INVENTORY,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one catalogue query on one day store; return the engine's rows and the result."""
    spec = catalogue()[query_id]
    params = {"start_day": athena_day(day), "end_day": athena_day(day)}
    raw = engine.run_query(spec.sql, params, [day])
    snapshot = InventorySnapshot(
        {name: dataset_frame(name, inventory.get(name, [])) for name in spec.depends_on}
    )
    config = PerimeterConfig.from_mapping(perimeter, source="reliability")
    return raw, post_process(spec, raw, RuleContext(config, snapshot))


def write_records(path: Path, events: list[Any], *, gz: bool = False) -> Path:
    """Write `{"Records": events}` to `path` (gzip-compressed when `gz`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"Records": events}).encode()
    path.write_bytes(gzip.compress(body) if gz else body)
    return path

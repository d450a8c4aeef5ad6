"""Run every case of `tests/queries/cases/` for real: CloudTrail file, day store, DuckDB, rules.

Adding a query adds a case module named after it; nothing here changes.
"""

import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot, dataset_frame
from perimeter.queries.process import post_process
from perimeter.queries.registry import catalogue
from perimeter.rules.base import RuleContext
from resources.engine import DuckDBEngine, athena_day
from tests.queries import cases
from tests.queries.cases._org import INVENTORY, PERIMETER

CASE_KEYS = {"name", "events", "must_report", "must_not_report"}


def _case_modules() -> dict[str, ModuleType]:
    found = pkgutil.iter_modules(cases.__path__)
    names = sorted(m.name for m in found if not m.name.startswith("_"))
    return {name: importlib.import_module(f"{cases.__name__}.{name}") for name in names}


MODULES = _case_modules()
ALL_CASES = [
    pytest.param(query_id, case, id=f"{query_id}/{case['name']}")
    for query_id, module in MODULES.items()
    for case in module.CASES
]


def run_case(query_id: str, events: list[dict[str, Any]], tmp_path: Path) -> pd.DataFrame:
    """Write the events as one flat CloudTrail file, then query and post-process them."""
    logs = tmp_path / "cloudtrail"
    logs.mkdir()
    (logs / "events.json").write_text(json.dumps({"Records": events}))
    engine = DuckDBEngine(cloudtrail_root=str(logs), store_dir=str(tmp_path / "store"), workers=1)
    days = engine.available_days()
    stored = sum(engine.build_day_store(day).records_stored for day in days)
    assert stored == len(events), "every event of the case must reach the day store"

    spec = catalogue()[query_id]
    params = {"start_day": athena_day(days[0]), "end_day": athena_day(days[-1])}
    raw = engine.run_query(spec.sql, params, days)
    inventory = InventorySnapshot(
        {name: dataset_frame(name, INVENTORY.get(name, [])) for name in spec.depends_on}
    )
    perimeter = PerimeterConfig.from_mapping(PERIMETER, source="cases")
    return post_process(spec, raw, RuleContext(perimeter, inventory))


def _plain(value: Any) -> Any:
    """Python values for comparison: numpy scalars and arrays unwrapped, NaN and NA as None."""
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def test_case_modules_are_well_formed() -> None:
    for query_id, module in MODULES.items():
        assert query_id in catalogue(), f"cases/{query_id}.py names no catalogue query"
        names = [case["name"] for case in module.CASES]
        assert len(set(names)) == len(names), f"{query_id}: case names must be unique"
        for case in module.CASES:
            where = f"{query_id}/{case['name']}"
            assert set(case) <= CASE_KEYS and case["events"], where
            assert ("must_report" in case) != ("must_not_report" in case), where
            assert case.get("must_not_report", True) is True, where
            rows = case.get("must_report", [])
            assert "must_not_report" in case or rows, f"{where}: no expected row"
            for row in rows:
                assert sorted(row) == sorted(module.COLUMNS), f"{where}: row columns"


def test_every_query_has_reporting_and_silent_cases() -> None:
    for query_id in catalogue():
        module = MODULES.get(query_id)
        assert module is not None, f"{query_id} has no tests/queries/cases/{query_id}.py"
        assert any("must_report" in case for case in module.CASES), query_id
        assert any("must_not_report" in case for case in module.CASES), query_id


@pytest.mark.parametrize(("query_id", "case"), ALL_CASES)
def test_query_case(query_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    result = run_case(query_id, case["events"], tmp_path)
    if case.get("must_not_report"):
        assert result.empty, result.to_dict("records")
        return
    assert list(result.columns) == MODULES[query_id].COLUMNS
    actual = [_plain(row) for row in result.to_dict("records")]
    assert _sorted(actual) == _sorted(case["must_report"])

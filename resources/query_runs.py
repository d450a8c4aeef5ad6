"""Running catalogue queries on an engine, and knowing when a stored result is still current.

`compute` runs one query over a batch of days and post-processes it; `input_keys` says, per
day, what a result depends on (the day's data, the query's code, the perimeter values and the
inventory snapshot), so unchanged days are not recomputed.
"""

import hashlib

import pandas as pd

from perimeter.config import PerimeterConfig
from perimeter.queries.process import limit_per_account, post_process
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext
from perimeter.versions import source_digest
from resources.engine import SqlEngine, athena_day
from resources.store import ResultStore

# The code every result depends on besides its spec: rules, post-processing, the inventory
# parsers, the dialect translation and this module.
_RESULT_CODE = (
    "perimeter.rules",
    "perimeter.queries.process",
    "perimeter.inventory",
    "perimeter.config",
    "resources.engine",
    "resources.dialect",
    "resources.query_runs",
)


def code_version(spec: QuerySpec) -> str:
    """Changes when the query's SQL, its rules, or the code of rules and engine changes."""
    text = "|".join(
        [spec.sql, ",".join(rule.name for rule in spec.rules), source_digest(*_RESULT_CODE)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def perimeter_version(perimeter: PerimeterConfig) -> str:
    """Changes when any trusted value of `data_perimeter.yaml` changes."""
    return _digest(
        perimeter.baseline, perimeter.accounts, perimeter.exceptions, perimeter.org_unit_boundary
    )


def _inventory_version(store: ResultStore, datasets: tuple[str, ...]) -> str:
    return _digest(*(store.referential_digest(d) for d in datasets))


def input_keys(
    spec: QuerySpec, days: list[str], engine: SqlEngine, store: ResultStore, perimeter_key: str
) -> dict[str, str | None]:
    """Per day, what its result depends on: data, query code, perimeter and inventory.

    None when the engine cannot version the day's data (the day is always recomputed).
    """
    shared = _digest(code_version(spec), perimeter_key, _inventory_version(store, spec.depends_on))
    keys: dict[str, str | None] = {}
    for day in days:
        version = engine.day_version(day)
        keys[day] = None if version is None else _digest(version, shared)
    return keys


def batches(days: list[str], size: int) -> list[list[str]]:
    """Consecutive slices of at most `size` days."""
    return [days[i : i + size] for i in range(0, len(days), max(1, size))]


def compute(
    spec: QuerySpec, days: list[str], engine: SqlEngine, context: RuleContext
) -> tuple[dict[str, pd.DataFrame], int, int]:
    """Run one query over `days` in one statement, post-process, split the rows by day.

    Returns:
        Each day's result rows, the engine's row count, and the rows `athena_sql_limit` cut.
    """
    params = {"start_day": athena_day(days[0]), "end_day": athena_day(days[-1])}
    raw = engine.run_query(spec.sql, params, days)
    result, cut = limit_per_account(post_process(spec, raw, context), context.perimeter)
    by_day = {}
    for day in days:
        rows = result[result["p_date"] == athena_day(day)] if len(result) else result
        by_day[day] = rows.reset_index(drop=True)
    return by_day, len(raw), cut

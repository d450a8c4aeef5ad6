"""One daily-partitioned asset per catalogue query, built from the query's spec."""

import hashlib

import dagster as dg
import pandas as pd

from assets.cloudtrail import DAY_STORE
from assets.partitions import partition_days
from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot
from perimeter.preview import markdown_table
from perimeter.queries.process import limit_per_account, post_process
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext
from perimeter.versions import source_digest
from resources.engine import SqlEngine, athena_day
from resources.store import ResultStore

# The code every result depends on besides its spec: rules, post-processing, the inventory
# parsers and the dialect translation.
_RESULT_CODE = (
    "perimeter.rules",
    "perimeter.queries.process",
    "perimeter.inventory",
    "perimeter.config",
    "resources.engine",
)


def _code_version(spec: QuerySpec) -> str:
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
    shared = _digest(_code_version(spec), perimeter_key, _inventory_version(store, spec.depends_on))
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


def query_asset(
    spec: QuerySpec,
    partitions: dg.PartitionsDefinition,
    perimeter: PerimeterConfig,
    engine_kind: str,
) -> dg.AssetsDefinition:
    deps = [*spec.depends_on, *([DAY_STORE] if engine_kind == "duckdb" else [])]
    version = perimeter_version(perimeter)

    @dg.asset(
        name=spec.id,
        group_name=spec.family,
        description=spec.description,
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=deps,
        kinds={engine_kind, "parquet"},
        code_version=_code_version(spec),
        metadata={
            "controlType": spec.control_type,
            "sql": dg.MetadataValue.md(f"```sql\n{spec.sql}\n```"),
        },
    )
    def _asset(
        context: dg.AssetExecutionContext, engine: SqlEngine, store: ResultStore
    ) -> dg.MaterializeResult:
        days = partition_days(context)
        keys = input_keys(spec, days, engine, store, version)
        todo = [d for d in days if keys[d] is None or store.result_key(spec.id, d) != keys[d]]
        raw_rows = cut = 0
        if todo:
            inventory = InventorySnapshot({d: store.read_referential(d) for d in spec.depends_on})
            context_ = RuleContext(perimeter, inventory)
            for batch in batches(todo, engine.days_per_query):
                day_rows, batch_raw, batch_cut = compute(spec, batch, engine, context_)
                raw_rows, cut = raw_rows + batch_raw, cut + batch_cut
                for day, rows in day_rows.items():
                    store.write_result(spec.id, day, rows, keys[day])
            if cut:
                context.log.warning(f"{spec.id}: athena_sql_limit removed {cut} rows")
        context.log.info(
            f"{spec.id}: {len(todo)} of {len(days)} days computed ({raw_rows} grouped rows from "
            f"the engine); {len(days) - len(todo)} unchanged days kept"
        )
        result = store.read_results(spec.id, days)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(result),
                "engine_rows": raw_rows,
                "days_computed": len(todo),
                "rows_cut_by_athena_sql_limit": cut,
                "days_unchanged": len(days) - len(todo),
                "calls": int(result["nb_reqs"].sum()) if len(result) else 0,
                "preview": dg.MetadataValue.md(
                    markdown_table(result, empty="No call outside the perimeter.")
                ),
            }
        )

    return _asset

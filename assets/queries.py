"""One daily-partitioned asset per catalogue query, built from the query's spec."""

import hashlib

import dagster as dg

from assets.cloudtrail import DAY_STORE
from assets.partitions import partition_days
from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot
from perimeter.preview import markdown_table
from perimeter.queries.process import limit_per_account, post_process
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext
from resources.engine import SqlEngine, athena_day
from resources.store import ResultStore

# Bump when post-processing changes in a way the spec's SQL and rule names do not show.
RESULTS_VERSION = "1"


def _code_version(spec: QuerySpec) -> str:
    """Changes when the query's SQL or its list of rules changes."""
    text = spec.sql + "|" + ",".join(rule.name for rule in spec.rules) + "|" + RESULTS_VERSION
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
            params = {"start_day": athena_day(todo[0]), "end_day": athena_day(todo[-1])}
            raw = engine.run_query(spec.sql, params, todo)
            raw_rows = len(raw)
            inventory = InventorySnapshot({d: store.read_referential(d) for d in spec.depends_on})
            computed = post_process(spec, raw, RuleContext(perimeter, inventory))
            computed, cut = limit_per_account(computed, perimeter)
            if cut:
                context.log.warning(f"{spec.id}: athena_sql_limit removed {cut} rows")
            for day in todo:
                on_day = computed["p_date"] == athena_day(day) if len(computed) else []
                rows = computed[on_day] if len(computed) else computed
                store.write_result(spec.id, day, rows.reset_index(drop=True), keys[day])
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

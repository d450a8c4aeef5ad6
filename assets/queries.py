"""One daily-partitioned asset per catalogue query, built from the query's spec."""

import dagster as dg

from assets.cloudtrail import DAY_STORE
from assets.partitions import partition_days
from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot
from perimeter.preview import markdown_table
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext
from resources.engine import SqlEngine
from resources.query_runs import batches, code_version, compute, input_keys, perimeter_version
from resources.store import ResultStore


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
        code_version=code_version(spec),
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

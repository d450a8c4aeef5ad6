"""One daily-partitioned asset per catalogue query, built from the query's spec."""

import hashlib

import dagster as dg

from assets.cloudtrail import DAY_STORE
from assets.partitions import partition_days
from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot
from perimeter.preview import markdown_table
from perimeter.queries.process import post_process
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext
from resources.engine import SqlEngine, athena_day
from resources.store import ResultStore


def _code_version(spec: QuerySpec) -> str:
    """Changes when the query's SQL or its list of rules changes."""
    text = spec.sql + "|" + ",".join(rule.name for rule in spec.rules)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def query_asset(
    spec: QuerySpec,
    partitions: dg.PartitionsDefinition,
    perimeter: PerimeterConfig,
    engine_kind: str,
) -> dg.AssetsDefinition:
    deps = [*spec.depends_on, *([DAY_STORE] if engine_kind == "duckdb" else [])]

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
        params = {"start_day": athena_day(days[0]), "end_day": athena_day(days[-1])}
        raw = engine.run_query(spec.sql, params, days)
        inventory = InventorySnapshot({d: store.read_referential(d) for d in spec.depends_on})
        result = post_process(spec, raw, RuleContext(perimeter, inventory))
        for day in days:
            rows = result[result["p_date"] == athena_day(day)] if len(result) else result
            store.write_result(spec.id, day, rows.reset_index(drop=True))
        context.log.info(f"{spec.id}: {len(raw)} grouped rows from the engine, {len(result)} kept")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(result),
                "engine_rows": len(raw),
                "calls": int(result["nb_reqs"].sum()) if len(result) else 0,
                "preview": dg.MetadataValue.md(
                    markdown_table(result, empty="No call outside the perimeter.")
                ),
            }
        )

    return _asset

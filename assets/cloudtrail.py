"""The CloudTrail day store: local log files -> one Parquet file per UTC day (DuckDB engine)."""

import dagster as dg

from assets.partitions import days_from_tags, partition_days
from resources.day_store import FORMAT_VERSION
from resources.engine import DuckDBEngine

DAY_STORE = "cloudtrail_day_store"
CLOUDTRAIL_FILES = "cloudtrail_files"


def cloudtrail_files_asset(partitions: dg.PartitionsDefinition) -> dg.SourceAsset:
    """The CloudTrail files of each day, observed: the data version is their fingerprint.

    Observing it (UI: "Observe sources", or a schedule) records each day's fingerprint, so
    Dagster marks a day store partition stale when files arrive or change for its day.
    """

    @dg.observable_source_asset(
        name=CLOUDTRAIL_FILES,
        group_name="cloudtrail",
        partitions_def=partitions,
        required_resource_keys={"engine"},
    )
    def _files(context) -> dg.DataVersionsByPartition:
        """CloudTrail log files under `local_cloudtrail_root`, by UTC day."""
        known = set(partitions.get_partition_keys())
        versions = context.resources.engine.day_fingerprints()
        return dg.DataVersionsByPartition({d: v for d, v in versions.items() if d in known})

    return _files


_TABLE_LIMIT = 100


def _skipped_table(manifests) -> str:
    """Markdown table of the files skipped whole or in part (the first 100; all in manifests)."""
    lines = ["| day | file | skipped |", "|---|---|---|"]
    for manifest in manifests:
        day = manifest.day.replace("/", "-")
        for f in manifest.files:
            if f.reason:
                lines.append(f"| {day} | {f.path} | {f.reason} |")
            elif f.skipped:
                counts = ", ".join(
                    f"{n} records: {reason}" for reason, n in sorted(f.skipped.items())
                )
                lines.append(f"| {day} | {f.path} | {counts} |")
    if len(lines) == 2:
        return "No file skipped."
    more = len(lines) - 2 - _TABLE_LIMIT
    text = "\n".join(lines[: 2 + _TABLE_LIMIT])
    return text + (f"\n\n{more} more files: see each day's manifest.json." if more > 0 else "")


def cloudtrail_day_store_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=DAY_STORE,
        group_name="cloudtrail",
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb", "parquet"},
        code_version=f"day-store-{FORMAT_VERSION}",
        deps=[CLOUDTRAIL_FILES],
    )
    def _asset(context: dg.AssetExecutionContext, engine: DuckDBEngine) -> dg.MaterializeResult:
        """CloudTrail records of one UTC day with the Athena table's columns, as Parquet.

        A day whose input files (paths, sizes, modification times) are unchanged since its
        store was built, and whose store reads back whole, is kept as it is. Digest files,
        empty files, unreadable files, records without eventTime and duplicate deliveries are
        skipped, counted and listed in the metadata.
        """
        manifests = []
        rebuilt: list[str] = []
        for day, manifest, state in engine.ensure_day_stores(partition_days(context)):
            if state == "current":
                context.log.info(f"{day}: input files unchanged, day store kept")
            else:
                rebuilt.append(day)
                context.log.info(
                    f"{day}: {manifest.records_stored} of {manifest.records_read} records stored "
                    f"from {len(manifest.files)} files (store was {state})"
                )
            manifests.append(manifest)
        skipped: dict[str, int] = {}
        for manifest in manifests:
            for reason, n in manifest.records_skipped.items():
                skipped[reason] = skipped.get(reason, 0) + n
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": sum(m.records_stored for m in manifests),
                "records_read": sum(m.records_read for m in manifests),
                "records_stored": sum(m.records_stored for m in manifests),
                "records_skipped": dg.MetadataValue.json(skipped),
                "files_read": sum(len(m.files) for m in manifests),
                "days_rebuilt": len(rebuilt),
                "days_unchanged": len(manifests) - len(rebuilt),
                "skipped_files": dg.MetadataValue.md(_skipped_table(manifests)),
            }
        )

    return _asset


def day_store_check(partitions: dg.PartitionsDefinition) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=DAY_STORE, name="records_accounted_for", blocking=True)
    def _check(context: dg.AssetCheckExecutionContext, engine: DuckDBEngine) -> dg.AssetCheckResult:
        """Every record read is stored or skipped with a reason, and the store holds them all.

        Per day: records read (as the parser counted them) = records stored + records skipped,
        and the Parquet file holds exactly the records the manifest says were stored.
        """
        problems = {}
        days = days_from_tags(context.run.tags, partitions) or engine.stored_days()
        for day in days:
            try:
                summary = engine.summary(day)
            except FileNotFoundError:
                continue
            if summary is None:
                problems[day] = {"store": "manifest or Parquet file unreadable or inconsistent"}
                continue
            accounted = summary.records_stored + summary.records_skipped
            if summary.records_read != accounted:
                problems[day] = {"read": summary.records_read, "accounted": accounted}
            elif summary.rows != summary.records_stored:
                problems[day] = {"stored": summary.records_stored, "parquet_rows": summary.rows}
        return dg.AssetCheckResult(passed=not problems, metadata={"mismatches": problems})

    return _check

"""The code location: `defs`, built from validated settings when Dagster loads it."""

import warnings

import dagster as dg

from assets.cloudtrail import (
    CLOUDTRAIL_FILES,
    cloudtrail_day_store_asset,
    cloudtrail_files_asset,
    day_store_check,
)
from assets.partitions import daily_partitions
from assets.queries import query_asset
from assets.referential import referential_assets
from assets.report import perimeter_report_asset
from dph_pipeline.sensors import cloudtrail_sensor
from dph_pipeline.settings import Settings, load_settings
from dph_pipeline.wiring import build_resources
from perimeter.queries.registry import select

PERIMETER_JOB = "perimeter_job"
OBSERVE_JOB = "observe_cloudtrail_files"


def build_defs(settings: Settings, queries: list[str] | None = None) -> dg.Definitions:
    """Assets, checks, jobs and resources for one configuration.

    Args:
        settings: The validated configuration files.
        queries: Query ids or parts of ids (as `dph run -lq`); None or `all` for every query.
            The report then covers the selected queries only.
    """
    v = settings.variables
    partitions = daily_partitions(v.partitions_start_date)
    specs = select(queries or [])
    assets: list[dg.AssetsDefinition] = [*referential_assets()]
    checks = []
    if v.engine == "duckdb":
        assets += [cloudtrail_files_asset(partitions), cloudtrail_day_store_asset(partitions)]
        checks.append(day_store_check(partitions))
    assets += [query_asset(spec, partitions, settings.perimeter, v.engine) for spec in specs]
    assets.append(
        perimeter_report_asset(
            specs,
            partitions,
            v.output_dir,
            v.report_window_days,
            v.engine,
            settings.perimeter,
        )
    )
    job = dg.define_asset_job(PERIMETER_JOB, selection=dg.AssetSelection.all())
    jobs = [job]
    sensors = []
    if v.engine == "duckdb":
        sensors.append(cloudtrail_sensor(job, v.partitions_start_date))
        # observing records each day's file fingerprint: the UI then marks stale day stores
        jobs.append(dg.define_asset_job(OBSERVE_JOB, selection=[CLOUDTRAIL_FILES]))
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=jobs,
        sensors=sensors,
        resources=build_resources(settings),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded by `dagster dev` and `dagster job execute -m dph_pipeline`."""
    with warnings.catch_warnings():
        # single-run backfill policies are flagged beta on every asset; say it once, here
        warnings.simplefilter("ignore", dg.BetaWarning)
        return build_defs(load_settings())

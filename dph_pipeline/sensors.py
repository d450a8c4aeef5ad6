"""The sensor that runs the pipeline when CloudTrail files arrive or change."""

import hashlib
import json
from datetime import date
from typing import Any

import dagster as dg

from assets.partitions import contiguous_blocks
from resources.engine import DuckDBEngine

SENSOR = "new_cloudtrail_days"


def changed_days(seen: dict[str, str], now: dict[str, str], first_day: str) -> list[str]:
    """Days from `first_day` on whose files are new, changed or all gone since `seen`.

    A day whose files were all deleted is run again, so its store and results empty out.
    """
    days = set(seen) | set(now)
    return sorted(d for d in days if d >= first_day and seen.get(d) != now.get(d))


def cloudtrail_sensor(job: Any, first_day: str) -> dg.SensorDefinition:
    """A sensor requesting `job` runs for the days whose CloudTrail files are new or changed.

    The cursor maps each day to the fingerprint of its files (paths, sizes, modification
    times). Each run of consecutive changed days becomes one single-run range request; the run
    key names the days and their fingerprints, so the same content is never run twice (a run
    that failed is not requested again until its files change: re-run it from the UI).
    Stopped by default: start it in the UI (Automation) once the first run looks right.
    """

    @dg.sensor(
        name=SENSOR,
        job=job,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.STOPPED,
    )
    def _sensor(context: dg.SensorEvaluationContext, engine: DuckDBEngine) -> dg.SensorResult:
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        now = engine.day_fingerprints()
        days = changed_days(seen, now, first_day)
        requests = []
        for dates in contiguous_blocks([date.fromisoformat(d) for d in days]):
            block = [d.isoformat() for d in dates]
            text = "".join(f"{d}{now.get(d, '-')}" for d in block)
            digest = hashlib.sha256(text.encode()).hexdigest()
            requests.append(
                dg.RunRequest(
                    run_key=f"{block[0]}..{block[-1]}-{digest[:12]}",
                    tags={
                        "dagster/asset_partition_range_start": block[0],
                        "dagster/asset_partition_range_end": block[-1],
                    },
                )
            )
        if not requests:
            return dg.SensorResult(skip_reason="no new or changed CloudTrail files")
        context.log.info(f"{len(days)} days with new or changed files: {', '.join(days)}")
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(now, sort_keys=True))

    return _sensor

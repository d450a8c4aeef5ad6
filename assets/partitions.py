from datetime import date, timedelta

import dagster as dg


def daily_partitions(start_date: str) -> dg.DailyPartitionsDefinition:
    """UTC days, as CloudTrail's S3 keys and `eventTime` are in UTC. Today is included."""
    return dg.DailyPartitionsDefinition(start_date=start_date, timezone="UTC", end_offset=1)


def partition_days(context: dg.AssetExecutionContext) -> list[str]:
    """The days (`YYYY-MM-DD`) a run covers: one key, or a range with a single-run backfill.

    Raises:
        dg.Failure: the run targets no day.
    """
    if not (context.has_partition_key or context.has_partition_key_range):
        raise dg.Failure(
            "this asset is partitioned by UTC day: run it for a day (tag dagster/partition) "
            "or a range (tags dagster/asset_partition_range_start and "
            "dagster/asset_partition_range_end), or use `dph run`"
        )
    return list(context.partition_keys)


def days_from_tags(tags: dict[str, str], partitions: dg.PartitionsDefinition) -> list[str] | None:
    """The days a run targets, read from its tags; None for a run without partitions."""
    if "dagster/partition" in tags:
        return [tags["dagster/partition"]]
    start = tags.get("dagster/asset_partition_range_start")
    end = tags.get("dagster/asset_partition_range_end")
    if start and end:
        return list(partitions.get_partition_keys_in_range(dg.PartitionKeyRange(start, end)))
    return None


def contiguous_blocks(days: list[date]) -> list[list[date]]:
    """Split sorted days into runs of consecutive days (one partition range each)."""
    blocks: list[list[date]] = []
    for day in days:
        if blocks and day - blocks[-1][-1] == timedelta(days=1):
            blocks[-1].append(day)
        else:
            blocks.append([day])
    return blocks

"""Referential assets: one snapshot of each inventory dataset."""

import dagster as dg

from perimeter.inventory import DATASETS
from perimeter.preview import markdown_table
from resources.inventory import Inventory
from resources.store import ResultStore

_DESCRIPTIONS = {
    "accounts": "Accounts of the organization, with their names.",
    "org_tree": "Each account's OU path from the root.",
    "iam_roles": "IAM roles with their trust policies, service-role and SLR flags.",
    "vpc_endpoints": "VPC endpoints with owner account, VPC and service.",
    "s3_buckets": "S3 buckets with their owner account.",
}


def referential_asset(dataset: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=dataset,
        group_name="referential",
        kinds={"parquet"},
        description=_DESCRIPTIONS[dataset],
    )
    def _asset(
        context: dg.AssetExecutionContext, inventory: Inventory, store: ResultStore
    ) -> dg.MaterializeResult:
        frame = inventory.load(dataset)
        path = store.write_referential(dataset, frame)
        context.log.info(f"{dataset}: {len(frame)} rows from the inventory")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(frame),
                "path": dg.MetadataValue.path(str(path)),
                "preview": dg.MetadataValue.md(markdown_table(frame)),
            }
        )

    return _asset


def referential_assets() -> list[dg.AssetsDefinition]:
    return [referential_asset(name) for name in DATASETS]

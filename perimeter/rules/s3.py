"""Rules specific to Amazon S3 results (rows carry a `bucketname` column)."""

import pandas as pd

from perimeter.config import PerimeterSection, compile_patterns
from perimeter.inventory import S3_BUCKETS
from perimeter.rules.base import Rule, RuleContext, keep_per_account
from perimeter.rules.trust import in_networks

BUCKET_TYPE = "AWS::S3::Bucket"


def _keep_account_buckets(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
    buckets = context.inventory.get(S3_BUCKETS)
    owned = set(
        zip(buckets["accountId"].astype(str), buckets["resourceId"].astype(str), strict=True)
    )
    mine = [
        (account, bucket) in owned
        for account, bucket in zip(frame["p_account"], frame["bucketname"], strict=True)
    ]
    return frame[pd.Series(mine, index=frame.index, dtype=bool)].reset_index(drop=True)


def _exception_mask(rows: pd.DataFrame, exception: PerimeterSection, types: tuple[str, ...]):
    def search(column: str, values: tuple[str, ...]) -> pd.Series:
        pattern = compile_patterns(values)
        if pattern is None or column not in rows:
            return pd.Series(False, index=rows.index)
        return rows[column].map(lambda v: isinstance(v, str) and bool(pattern.search(v)))

    hit = pd.Series(False, index=rows.index)
    for kind in types:
        values = getattr(exception, kind)
        if kind.endswith("_trusted_principal"):
            hit |= search("principal_arn", values) | search("principalid", values)
        elif kind == "network_perimeter_expected_vpc_endpoint":
            hit |= search("vpcendpointid", values)
        elif kind == "network_perimeter_expected_vpc":
            hit |= rows["vpcId"].isin(values) if "vpcId" in rows else False
        elif kind == "network_perimeter_expected_public_cidr":
            hit |= in_networks(rows["sourceipaddress"], values)
    return hit.astype(bool)


def remove_bucket_exceptions(*types: str) -> Rule:
    """Rule applying the per-bucket exception blocks of the account sections.

    An account section may hold `AWS::S3::Bucket: {<bucket>: {<key>: [...]}}`; a row on that
    bucket is removed when it matches one of the listed keys among `types`.
    """

    def apply(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
        def keep(group: pd.DataFrame, section: PerimeterSection) -> pd.Series:
            account = str(group["p_account"].iloc[0])
            exceptions = context.perimeter.resource_exceptions(account, BUCKET_TYPE)
            drop = pd.Series(False, index=group.index)
            for bucket, exception in exceptions.items():
                on_bucket = group["bucketname"] == bucket
                if on_bucket.any():
                    drop |= on_bucket & _exception_mask(group, exception, types)
            return ~drop

        return keep_per_account(frame, context, keep)

    listed = ", ".join(f"`{t}`" for t in types)
    return Rule(
        "remove_bucket_exceptions",
        f"Removes calls on a bucket that its exception block trusts ({listed}).",
        apply,
    )


KEEP_ACCOUNT_BUCKETS = Rule(
    "keep_account_buckets",
    "Keeps calls on buckets that the account holding the logs owns (from the inventory).",
    _keep_account_buckets,
)

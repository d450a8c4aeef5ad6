"""The inventory datasets (accounts, OU tree, IAM roles, VPC endpoints, buckets) and a snapshot.

Each dataset is a pandas frame with fixed columns. String columns use pandas' default string
dtype (missing values are NaN), list columns hold real Python lists, flag columns are `bool`.
Frames come from `perimeter.inventory.parsers` (AWS CLI output) or from an AWS-backed
inventory; `empty_frame` stands for a dataset whose optional source is absent.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

ACCOUNTS = "accounts"
"""Accounts of the organization: accountid (12 digits), name, status."""
ORG_TREE = "org_tree"
"""Each account's OU path: accountid, name, parent, parent_name (lists), parent_name_path."""
IAM_ROLES = "iam_roles"
"""IAM roles: accountId, roleId, roleName, arn, allowedPrincipalList and the two role flags."""
VPC_ENDPOINTS = "vpc_endpoints"
"""VPC endpoints: vpcEndpointId, vpcId, ownerId, serviceName, vpcEndpointType, policyDocument."""
S3_BUCKETS = "s3_buckets"
"""S3 buckets: accountId, resourceId (the bucket name), awsRegion."""
DATASETS = (ACCOUNTS, ORG_TREE, IAM_ROLES, VPC_ENDPOINTS, S3_BUCKETS)

_STR = "str"
COLUMNS: Mapping[str, Mapping[str, str]] = {
    ACCOUNTS: {"accountid": _STR, "name": _STR, "status": _STR},
    ORG_TREE: {
        "accountid": _STR,
        "name": _STR,
        "parent": "object",
        "parent_name": "object",
        "parent_name_path": _STR,
    },
    IAM_ROLES: {
        "accountId": _STR,
        "roleId": _STR,
        "roleName": _STR,
        "arn": _STR,
        "allowedPrincipalList": "object",
        "isServiceRole": "bool",
        "isServiceLinkedRole": "bool",
    },
    VPC_ENDPOINTS: {
        "vpcEndpointId": _STR,
        "vpcId": _STR,
        "ownerId": _STR,
        "serviceName": _STR,
        "vpcEndpointType": _STR,
        "policyDocument": _STR,
    },
    S3_BUCKETS: {"accountId": _STR, "resourceId": _STR, "awsRegion": _STR},
}
"""Column names and dtypes of each dataset, in order."""


class MissingDatasetError(LookupError):
    """An inventory dataset is unknown, or absent from a snapshot."""


def _columns(name: str) -> Mapping[str, str]:
    try:
        return COLUMNS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise MissingDatasetError(f"unknown inventory dataset {name!r} (known: {known})") from None


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of dataset `name`.

    Raises:
        MissingDatasetError: `name` is not one of `DATASETS`.
    """
    return pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in _columns(name).items()})


def dataset_frame(name: str, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A frame of dataset `name` from row mappings, with the dataset's columns and dtypes.

    Keys that are not columns of the dataset are ignored; a missing key gives a missing value.

    Raises:
        MissingDatasetError: `name` is not one of `DATASETS`.
    """
    columns = _columns(name)
    rows = list(records)
    if not rows:
        return empty_frame(name)
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    return frame.astype(dict(columns))


@dataclass(frozen=True)
class InventorySnapshot:
    """The inventory datasets one computation reads, keyed by dataset name."""

    frames: Mapping[str, pd.DataFrame]

    def get(self, name: str) -> pd.DataFrame:
        """The frame of dataset `name`.

        Raises:
            MissingDatasetError: the snapshot does not hold `name` (a query that reads it
                must list it in its `depends_on`).
        """
        try:
            return self.frames[name]
        except KeyError:
            loaded = ", ".join(sorted(self.frames)) or "none"
            raise MissingDatasetError(
                f"inventory dataset {name!r} is not in this snapshot (loaded: {loaded})"
            ) from None

    def org_account_ids(self) -> frozenset[str]:
        """Ids of every account of the organization, whatever its status (as upstream).

        Raises:
            MissingDatasetError: the snapshot does not hold `accounts`.
        """
        ids = self.get(ACCOUNTS)["accountid"]
        return frozenset(v for v in ids if isinstance(v, str))

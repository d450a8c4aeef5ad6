"""Where the inventory comes from: the `Inventory` resource and its local-snapshot subclass."""

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from perimeter.errors import ConfigError
from perimeter.inventory import (
    ACCOUNTS,
    IAM_ROLES,
    ORG_TREE,
    S3_BUCKETS,
    VPC_ENDPOINTS,
    InventorySnapshot,
    MissingDatasetError,
    empty_frame,
)
from perimeter.inventory.parsers import (
    parse_accounts,
    parse_iam_roles,
    parse_org_tree,
    parse_s3_buckets,
    parse_vpc_endpoints,
)

FILE_NAMES: Mapping[str, str] = {
    ACCOUNTS: "accounts.json",
    ORG_TREE: "organizational_units.json",
    IAM_ROLES: "iam_roles.json",
    VPC_ENDPOINTS: "vpc_endpoints.json",
    S3_BUCKETS: "s3_buckets.json",
}
"""The snapshot file of each dataset, inside `LocalInventory.inventory_dir`."""

OPTIONAL_DATASETS = frozenset({ORG_TREE, IAM_ROLES, VPC_ENDPOINTS, S3_BUCKETS})
"""Datasets whose absent file gives an empty frame; only `accounts.json` is required."""

_PARSERS = {
    ACCOUNTS: parse_accounts,
    IAM_ROLES: parse_iam_roles,
    VPC_ENDPOINTS: parse_vpc_endpoints,
    S3_BUCKETS: parse_s3_buckets,
}


class Inventory(dg.ConfigurableResource):
    """Source of the inventory datasets (`perimeter.inventory.DATASETS`); subclass it."""

    def load(self, dataset: str) -> pd.DataFrame:
        """The frame of one dataset, with the columns of `perimeter.inventory.COLUMNS`.

        Raises:
            NotImplementedError: always; subclasses implement it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement load()")

    def snapshot(self, datasets: Iterable[str]) -> InventorySnapshot:
        """A snapshot holding each of `datasets`, each loaded once."""
        return InventorySnapshot({name: self.load(name) for name in dict.fromkeys(datasets)})


def read_json(path: Path) -> Any:
    """The parsed content of a JSON file (UTF-8, or UTF-16/32 with a byte-order mark).

    Raises:
        ConfigError: the file cannot be read, or is not JSON (`<file>:<line>:<col>: ...`).
    """
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text: {error.reason}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror}") from None


class LocalInventory(Inventory):
    """Inventory read from a folder of AWS CLI JSON outputs (see `docs/inventory.md`).

    `accounts.json` is required. Any other absent file gives an empty dataset and a warning:
    the queries that need it then see no OU, role, endpoint or bucket.
    """

    inventory_dir: str

    def _path(self, dataset: str) -> Path:
        if dataset not in FILE_NAMES:
            known = ", ".join(FILE_NAMES)
            raise MissingDatasetError(f"unknown inventory dataset {dataset!r} (known: {known})")
        return Path(self.inventory_dir) / FILE_NAMES[dataset]

    def load(self, dataset: str) -> pd.DataFrame:
        """Parse the dataset's file; `org_tree` also reads `accounts.json`.

        Raises:
            ConfigError: `accounts.json` is absent, or a file is unreadable or invalid.
            MissingDatasetError: `dataset` is not an inventory dataset.
        """
        path = self._path(dataset)
        if not path.is_file():
            if dataset not in OPTIONAL_DATASETS:
                raise ConfigError(f"{path}: missing file; the {dataset} dataset is required")
            dg.get_dagster_logger().warning(
                f"{path} is absent: the {dataset} inventory dataset is empty"
            )
            return empty_frame(dataset)
        if dataset == ORG_TREE:
            return parse_org_tree(read_json(path), self.load(ACCOUNTS), str(path))
        return _PARSERS[dataset](read_json(path), str(path))

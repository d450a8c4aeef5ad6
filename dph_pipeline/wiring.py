"""The one place where settings become resource instances, under fixed resource keys."""

from typing import Any

from dph_pipeline.settings import Settings
from perimeter.errors import ConfigError
from resources.engine import DuckDBEngine
from resources.inventory import LocalInventory
from resources.store import ResultStore


def build_resources(settings: Settings) -> dict[str, Any]:
    """Resources for `engine`, `inventory` and `store`, chosen by the settings.

    Raises:
        ConfigError: an engine or inventory source that this version does not ship yet.
    """
    v = settings.variables
    for key, value, available in (
        ("engine", v.engine, "duckdb"),
        ("inventory", v.inventory, "local"),
    ):
        if value != available:
            raise ConfigError(
                f"{settings.variables_file}: {v.section}.{key}: not available in this version, "
                f"use {available!r} (got {value!r})"
            )
    return {
        "engine": DuckDBEngine(
            cloudtrail_root=str(v.local_cloudtrail_root), store_dir=str(v.store_dir)
        ),
        "inventory": LocalInventory(inventory_dir=str(v.inventory_dir)),
        "store": ResultStore(root=str(v.store_dir)),
    }

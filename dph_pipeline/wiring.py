"""The one place where settings become resource instances, under fixed resource keys."""

from typing import Any

from dph_pipeline.settings import Settings
from resources.engine import DuckDBEngine
from resources.inventory import LocalInventory
from resources.store import ResultStore


def build_resources(settings: Settings) -> dict[str, Any]:
    """Resources for `engine`, `inventory` and `store`, chosen by the settings.

    Raises:
        NotImplementedError: an engine or inventory source that this build does not ship yet.
    """
    v = settings.variables
    if v.engine != "duckdb":
        raise NotImplementedError(f"engine {v.engine!r} is not available yet; use 'duckdb'")
    if v.inventory != "local":
        raise NotImplementedError(f"inventory {v.inventory!r} is not available yet; use 'local'")
    return {
        "engine": DuckDBEngine(
            cloudtrail_root=str(v.local_cloudtrail_root), store_dir=str(v.store_dir)
        ),
        "inventory": LocalInventory(inventory_dir=str(v.inventory_dir)),
        "store": ResultStore(root=str(v.store_dir)),
    }

"""dph-pipeline's Dagster code location; `dagster ... -m dph_pipeline` finds `defs` here."""

from dph_pipeline.definitions import defs

__all__ = ["defs"]

"""Where the pipeline keeps what it computed: inventory snapshots and per-day query results.

Everything is Parquet under one root, one file per dataset or per query and day, written to a
temporary name and renamed, so readers never see half a file:

    <root>/referential/<dataset>.parquet
    <root>/results/<query_id>/day=YYYY-MM-DD.parquet
"""

import os
from collections.abc import Iterable
from pathlib import Path

import dagster as dg
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _storable(values: pd.Series) -> pd.Series:
    """Result columns that mix value types or hold lists are stored as text.

    `isAssumableBy` holds a list of principals or a sentinel string; `isServiceRole` a boolean or
    a sentinel. Parquet needs one type per column, so such columns become text (JSON for lists).
    """
    present = values.dropna()
    kinds = {type(v) for v in present}
    if len(kinds) <= 1 and not kinds & {list, dict, tuple}:
        return values
    return values.map(
        lambda v: (
            None
            if v is None or (not isinstance(v, list | dict | tuple) and pd.isna(v))
            else orjson.dumps(v).decode()
            if isinstance(v, list | dict | tuple)
            else str(v)
        )
    )


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _object_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet keeps lists and nulls; give every column a plain object or int dtype back."""
    out = frame.astype(object).where(frame.notna(), None)
    if "nb_reqs" in frame:
        out["nb_reqs"] = frame["nb_reqs"].astype("int64")
    return out


class ResultStore(dg.ConfigurableResource):
    """Local Parquet storage of referential snapshots and query results."""

    root: str

    def _referential_path(self, dataset: str) -> Path:
        return Path(self.root) / "referential" / f"{dataset}.parquet"

    def _result_path(self, query_id: str, day: str) -> Path:
        return Path(self.root) / "results" / query_id / f"day={day}.parquet"

    def write_referential(self, dataset: str, frame: pd.DataFrame) -> Path:
        """Store the snapshot of one inventory dataset."""
        path = self._referential_path(dataset)
        _atomic_parquet(frame, path)
        return path

    def read_referential(self, dataset: str) -> pd.DataFrame:
        """Read one inventory dataset.

        Raises:
            FileNotFoundError: the referential asset was never materialised.
        """
        path = self._referential_path(dataset)
        if not path.exists():
            raise FileNotFoundError(
                f"inventory dataset {dataset!r} is not materialised yet ({path}); "
                "materialise the referential assets first"
            )
        return pq.read_table(path).to_pandas()

    def write_result(self, query_id: str, day: str, frame: pd.DataFrame) -> Path:
        """Store one query's result rows for one day (`YYYY-MM-DD`); empty frames too."""
        path = self._result_path(query_id, day)
        _atomic_parquet(frame.apply(_storable) if len(frame.columns) else frame, path)
        return path

    def result_days(self, query_id: str) -> list[str]:
        """Days for which the query has stored results, sorted."""
        folder = Path(self.root) / "results" / query_id
        if not folder.is_dir():
            return []
        return sorted(p.stem.removeprefix("day=") for p in folder.glob("day=*.parquet"))

    def read_results(self, query_id: str, days: Iterable[str]) -> pd.DataFrame:
        """Concatenate a query's stored results over `days` (missing days are absent)."""
        paths = [p for d in days if (p := self._result_path(query_id, d)).exists()]
        if not paths:
            return pd.DataFrame()
        frames = [_object_columns(pq.read_table(p).to_pandas()) for p in paths]
        non_empty = [f for f in frames if len(f)]
        if not non_empty:
            return frames[-1]
        return pd.concat(non_empty, ignore_index=True)

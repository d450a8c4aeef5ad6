"""Where the pipeline keeps what it computed: inventory snapshots and per-day query results.

Everything is Parquet under one root, one file per dataset or per query and day, written to a
temporary name and renamed, so readers never see half a file:

    <root>/referential/<dataset>.parquet
    <root>/results/<query_id>/day=YYYY-MM-DD.parquet
"""

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import dagster as dg
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_JSON_COLUMNS = b"dph.json_columns"
_INPUT_KEY = b"dph.input_key"


def _needs_json(values: pd.Series) -> bool:
    """A column that mixes value types or holds lists (Parquet wants one type per column).

    `isAssumableBy` holds a list of principals or a sentinel string; `isServiceRole` a boolean
    or a sentinel.
    """
    kinds = {type(v) for v in values.dropna()}
    return len(kinds) > 1 or bool(kinds & {list, dict, tuple})


def _to_json(value: object) -> str | None:
    if value is None or (not isinstance(value, list | dict | tuple) and pd.isna(value)):
        return None
    return orjson.dumps(value).decode()


def _atomic_parquet(frame: pd.DataFrame, path: Path, input_key: str | None = None) -> None:
    """Write `frame` to `path` through a temporary file; mixed columns go in as JSON text.

    `input_key`, if given, is kept in the file's metadata (see `ResultStore.result_key`).
    """
    encoded = [c for c in frame.columns if _needs_json(frame[c])]
    out = frame.copy()
    for column in encoded:
        out[column] = frame[column].map(_to_json)
    table = pa.Table.from_pandas(out, preserve_index=False)
    extra = {_JSON_COLUMNS: orjson.dumps(encoded)} if encoded else {}
    if input_key is not None:
        extra[_INPUT_KEY] = input_key.encode()
    if extra:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_parquet(path: Path) -> pd.DataFrame:
    """Read a file written by `_atomic_parquet`, decoding its JSON columns back to values."""
    table = pq.read_table(path)
    frame = table.to_pandas()
    encoded = orjson.loads((table.schema.metadata or {}).get(_JSON_COLUMNS, b"[]"))
    for column in encoded:
        frame[column] = frame[column].map(lambda v: None if v is None else orjson.loads(v))
    return frame


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

    def referential_digest(self, dataset: str) -> str:
        """A hash of one stored inventory dataset's file ('' when it is not stored)."""
        path = self._referential_path(dataset)
        if not path.exists():
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

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
        return _read_parquet(path)

    def write_result(
        self, query_id: str, day: str, frame: pd.DataFrame, input_key: str | None = None
    ) -> Path:
        """Store one query's result rows for one day (`YYYY-MM-DD`); empty frames too.

        `input_key` identifies what the rows were computed from (see `result_key`).
        """
        path = self._result_path(query_id, day)
        _atomic_parquet(frame, path, input_key)
        return path

    def result_key(self, query_id: str, day: str) -> str | None:
        """The input key stored with a day's result, or None (no result, or unreadable)."""
        path = self._result_path(query_id, day)
        try:
            metadata = pq.read_schema(path).metadata or {}
        except (OSError, pa.ArrowException):
            return None
        key = metadata.get(_INPUT_KEY)
        return key.decode() if key else None

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
        frames = [_object_columns(_read_parquet(p)) for p in paths]
        non_empty = [f for f in frames if len(f)]
        if not non_empty:
            return frames[-1]
        return pd.concat(non_empty, ignore_index=True)

"""Turn an engine's raw rows into a query's result: rules, then labels."""

import pandas as pd

from perimeter.config import PerimeterConfig
from perimeter.queries.spec import QuerySpec
from perimeter.rules.base import RuleContext


def post_process(spec: QuerySpec, raw: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
    """Apply the spec's rules in order and add `controlType` and `findings`.

    The raw frame has `spec.output_columns`; an empty frame keeps its columns so that reports
    can still show them.
    """
    frame = raw.astype(object).where(raw.notna(), None).reset_index(drop=True)
    if "nb_reqs" in frame:
        frame["nb_reqs"] = raw["nb_reqs"].astype("int64").to_numpy()
    for rule in spec.rules:
        frame = rule(frame, context)
    frame = frame.reset_index(drop=True)
    frame["controlType"] = spec.control_type
    if callable(spec.findings):
        frame["findings"] = spec.findings(frame) if len(frame) else pd.Series(dtype=object)
    else:
        frame["findings"] = spec.findings
    return frame


def limit_per_account(frame: pd.DataFrame, perimeter: PerimeterConfig) -> tuple[pd.DataFrame, int]:
    """Apply `athena_sql_limit`: at most that many rows per account and day, most calls first.

    Upstream put the limit on each per-account SQL statement, which kept arbitrary rows. Here
    it applies after post-processing, to the rows of each account (`p_account`) and day, and
    keeps those with the most calls. 0 means no limit.

    Returns:
        The kept rows, and how many rows the limit removed.
    """
    if frame.empty:
        return frame, 0
    kept = []
    for (account, _), group in frame.groupby(["p_account", "p_date"], sort=False, dropna=False):
        limit = perimeter.for_account(str(account)).athena_sql_limit
        ordered = group.sort_values("nb_reqs", ascending=False, kind="stable")
        kept.append(ordered.head(limit) if limit else ordered)
    result = pd.concat(kept).sort_index().reset_index(drop=True)
    return result, len(frame) - len(result)

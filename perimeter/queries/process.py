"""Turn an engine's raw rows into a query's result: rules, then labels."""

import pandas as pd

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

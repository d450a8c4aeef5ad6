"""A short markdown preview of a frame, for the Dagster UI."""

import pandas as pd


def _cell(value: object) -> str:
    text = (
        ""
        if value is None or (not isinstance(value, list | dict) and pd.isna(value))
        else str(value)
    )
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def markdown_table(frame: pd.DataFrame, limit: int = 10, empty: str = "No rows.") -> str:
    """The first `limit` rows as a markdown table, with a line saying how many were left out."""
    if frame.empty:
        return empty
    head = frame.head(limit)
    lines = [
        "| " + " | ".join(str(c) for c in head.columns) + " |",
        "|" + "---|" * len(head.columns),
    ]
    lines += [
        "| " + " | ".join(_cell(v) for v in row) + " |" for row in head.itertuples(index=False)
    ]
    if len(frame) > limit:
        lines.append(f"\n{len(frame) - limit} more rows not shown.")
    return "\n".join(lines)

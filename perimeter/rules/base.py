"""What a post-processing rule is, and what it may read.

A rule is a pure function from a result frame to a result frame. It may read the perimeter
configuration and the inventory snapshot handed to it in a `RuleContext`, nothing else: no I/O,
no clock, no global state. Each rule carries the sentence that documents it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from perimeter.config import PerimeterConfig, PerimeterSection
    from perimeter.inventory import InventorySnapshot


@dataclass(frozen=True)
class RuleContext:
    """The read-only inputs of every rule."""

    perimeter: "PerimeterConfig"
    inventory: "InventorySnapshot"


@dataclass(frozen=True)
class Rule:
    """A named, documented post-processing step."""

    name: str
    sentence: str
    apply: Callable[[pd.DataFrame, RuleContext], pd.DataFrame]
    adds: tuple[str, ...] = ()  # columns the rule adds to the frame

    def __call__(self, frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
        """Apply the rule; an empty frame only gains the columns the rule adds.

        So a day without results has the same columns as a day with results.
        """
        if frame.empty:
            missing = [c for c in self.adds if c not in frame.columns]
            return frame.assign(**{c: pd.Series(dtype=object) for c in missing})
        return self.apply(frame, context)


def keep_per_account(
    frame: pd.DataFrame,
    context: RuleContext,
    keep: Callable[[pd.DataFrame, "PerimeterSection"], pd.Series],
) -> pd.DataFrame:
    """Filter rows with `keep`, each group of rows seeing its own account's merged section.

    The account is `p_account`, the account whose logs hold the call: its section of
    `data_perimeter.yaml` (merged over the baseline) applies, whichever way it was selected.
    """
    masks = [
        keep(group, context.perimeter.for_account(str(account)))
        for account, group in frame.groupby("p_account", sort=False, dropna=False)
    ]
    mask = pd.concat(masks).reindex(frame.index).fillna(True).astype(bool)
    return frame[mask].reset_index(drop=True)

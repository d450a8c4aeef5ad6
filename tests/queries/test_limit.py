"""`athena_sql_limit`: a cap on rows per account and day, keeping the most calls."""

import pandas as pd

from perimeter.config import PerimeterConfig
from perimeter.queries.process import limit_per_account

A, B = "111122223333", "444455556666"


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["p_date", "p_account", "eventname", "nb_reqs"])


def test_limit_per_account_and_day():
    perimeter = PerimeterConfig.from_mapping(
        {"baseline": {"athena_sql_limit": 2}, A: {"athena_sql_limit": 3}}
    )
    frame = _frame(
        [
            ("2024/03/01", B, "b1", 1),
            ("2024/03/01", B, "b2", 5),
            ("2024/03/01", B, "b3", 3),
            ("2024/03/02", B, "b4", 1),
            ("2024/03/01", A, "a1", 1),
            ("2024/03/01", A, "a2", 2),
            ("2024/03/01", A, "a3", 3),
            ("2024/03/01", A, "a4", 4),
        ]
    )
    kept, cut = limit_per_account(frame, perimeter)
    assert cut == 2
    assert list(kept["eventname"]) == ["b2", "b3", "b4", "a2", "a3", "a4"]


def test_no_limit_keeps_everything():
    frame = _frame([("2024/03/01", A, "a1", 1), ("2024/03/01", A, "a2", 2)])
    kept, cut = limit_per_account(frame, PerimeterConfig.from_mapping({"baseline": {}}))
    assert (cut, list(kept["eventname"])) == (0, ["a1", "a2"])

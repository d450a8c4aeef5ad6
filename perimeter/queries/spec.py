"""The catalogue's unit: one query, described as data.

A `QuerySpec` holds everything about a query: its Athena-dialect SQL (rendered from its output
columns and predicates, never from configuration), the post-processing rules applied to the
rows it returns, its labels, and the inventory datasets it needs. Engines run `spec.sql`;
assets apply `spec.rules`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from perimeter.errors import CatalogueError
from perimeter.queries.predicates import Predicate
from perimeter.rules.base import Rule

ControlType = Literal["identity_perimeter", "resource_perimeter", "network_perimeter", "All", "all"]

#: Columns every catalogue result starts with: the day and the account whose logs hold the call.
KEY_COLUMNS = ("p_date", "p_account")
_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


@dataclass(frozen=True)
class Column:
    """One output column: a SQL expression (Trino dialect) and its name in the results."""

    expr: str
    alias: str

    def select_sql(self) -> str:
        """The SELECT item."""
        return self.expr if self.expr == self.alias else f"{self.expr} AS {self.alias}"


@dataclass(frozen=True)
class QuerySpec:
    """One catalogue query."""

    id: str
    title: str
    description: str
    control_type: ControlType
    columns: tuple[Column, ...]
    predicates: tuple[Predicate, ...]
    rules: tuple[Rule, ...] = ()
    depends_on: tuple[str, ...] = ()
    uses_data_events: bool = False
    findings: str | Callable[[pd.DataFrame], pd.Series] = ""

    @property
    def family(self) -> str:
        """The catalogue folder the query lives in: its id's first word."""
        return self.id.split("_", 1)[0]

    def __post_init__(self) -> None:
        """Reject specs whose content breaks the catalogue's rules."""
        if not _ID.match(self.id):
            raise CatalogueError(f"{self.id}: a query id is snake_case")
        if len(self.title) > 120 or self.title.endswith("."):
            raise CatalogueError(f"{self.id}: a title has at most 120 characters and no period")
        if len(self.description) > 600 or not self.description.endswith("."):
            raise CatalogueError(f"{self.id}: a description has at most 600 characters, ends '.'")
        aliases = [c.alias for c in self.columns]
        if len(set(aliases)) != len(aliases) or set(aliases) & {*KEY_COLUMNS, "nb_reqs"}:
            raise CatalogueError(f"{self.id}: output column names must be unique")

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Columns of the SQL result, in order."""
        return (*KEY_COLUMNS, *(c.alias for c in self.columns), "nb_reqs")

    @property
    def result_columns(self) -> tuple[str, ...]:
        """Columns of the post-processed result: SQL columns, rule columns, then labels."""
        added = tuple(c for rule in self.rules for c in rule.adds)
        return (*self.output_columns, *added, "controlType", "findings")

    @property
    def sql(self) -> str:
        """The statement, in Athena's (Trino) dialect, with `:start_day`/`:end_day` parameters.

        Each predicate's sentence is written above its clause. Rows are grouped by every output
        column, with the day and account kept, so one scan serves every account and day.
        """
        select = ",\n  ".join(
            [*KEY_COLUMNS, *(c.select_sql() for c in self.columns), "count(*) AS nb_reqs"]
        )
        where = ["p_date BETWEEN :start_day AND :end_day"]
        for predicate in self.predicates:
            where.append(f"-- {predicate.sentence}\n  AND {predicate.sql}")
        group = ", ".join(str(i) for i in range(1, len(self.columns) + len(KEY_COLUMNS) + 1))
        return (
            f"-- Query: {self.id}\n"
            f"SELECT\n  {select}\n"
            "FROM cloudtrail\n"
            "WHERE " + "\n  ".join(where) + "\n"
            f"GROUP BY {group}"
        )

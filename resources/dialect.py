"""The SQL dialect bridge: catalogue SQL is Athena's (Trino); DuckDB runs a translation."""

import functools
from datetime import date

import sqlglot

from perimeter.errors import QueryError


def athena_day(day: date | str) -> str:
    """`2024-01-02` or a date -> `2024/01/02`, the format of the `p_date` partition."""
    return (day.isoformat() if isinstance(day, date) else day).replace("-", "/")


@functools.lru_cache(maxsize=256)
def trino_to_duckdb(sql: str) -> str:
    """Translate one catalogue statement from Athena's dialect to DuckDB's.

    JSON extractions are wrapped in TRY, so a value that is not JSON gives NULL.

    Raises:
        QueryError: the statement does not parse as Trino SQL.
    """
    try:
        tree = sqlglot.parse_one(sql, read="trino")
    except sqlglot.errors.ParseError as exc:
        raise QueryError(f"catalogue SQL does not parse as Trino SQL: {exc}") from exc
    return tree.transform(_null_on_bad_json).sql(dialect="duckdb")


def _null_on_bad_json(node: sqlglot.exp.Expression) -> sqlglot.exp.Expression:
    """Wrap a JSON extraction in TRY, so that text that is not JSON gives NULL.

    Athena gives NULL too; without TRY, DuckDB fails the whole statement on one
    `requestParameters` that holds plain text.
    """
    if isinstance(node, sqlglot.exp.JSONExtractScalar) and not (
        isinstance(node.parent, sqlglot.exp.Anonymous) and node.parent.name.upper() == "TRY"
    ):
        return sqlglot.exp.Anonymous(this="TRY", expressions=[node.copy()])
    return node

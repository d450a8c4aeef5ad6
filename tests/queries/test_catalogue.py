import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from perimeter.errors import CatalogueError
from perimeter.queries.registry import catalogue, select
from resources.engine import DuckDBEngine, trino_to_duckdb

IDS = [
    "common_from_public_cidr_ipv4",
    "common_only_denied",
    "s3_bucket_policy_identity_perimeter_org_boundary",
]

#: What a configuration or inventory value looks like: an account id, an IPv4 address or CIDR,
#: an ARN, a VPC or VPC endpoint id, an organization or OU id.
CONFIG_VALUE = re.compile(
    r"\d{12}|\d+\.\d+\.\d+\.\d+|arn:|\bvpce?-[0-9a-f]{8}|\bo-[a-z0-9]{10}|\bou-[a-z0-9]{4}"
)


def test_catalogue_lists_every_query_in_id_order() -> None:
    assert list(catalogue()) == IDS


@pytest.mark.parametrize("query_id", IDS)
def test_sql_parses_as_trino_and_translates_to_duckdb(query_id: str) -> None:
    sql = catalogue()[query_id].sql
    assert isinstance(sqlglot.parse_one(sql, read="trino"), exp.Select)
    assert isinstance(sqlglot.parse_one(trino_to_duckdb(sql), read="duckdb"), exp.Select)


@pytest.mark.parametrize("query_id", IDS)
def test_sql_holds_no_configuration_value(query_id: str) -> None:
    tree = sqlglot.parse_one(catalogue()[query_id].sql, read="trino")
    assert sorted(p.name for p in tree.find_all(exp.Placeholder)) == ["end_day", "start_day"]
    strings = [lit.this for lit in tree.find_all(exp.Literal) if lit.is_string]
    assert [s for s in strings if CONFIG_VALUE.search(s)] == []


@pytest.mark.parametrize("query_id", IDS)
def test_sql_runs_on_an_empty_table(query_id: str, tmp_path: Path) -> None:
    spec = catalogue()[query_id]
    engine = DuckDBEngine(cloudtrail_root=str(tmp_path), store_dir=str(tmp_path / "store"))
    raw = engine.run_query(spec.sql, {"start_day": "2024/03/01", "end_day": "2024/03/01"}, [])
    assert raw.empty
    assert tuple(raw.columns) == spec.output_columns


def test_select_by_substring() -> None:
    assert [s.id for s in select(["s3_"])] == ["s3_bucket_policy_identity_perimeter_org_boundary"]
    assert [s.id for s in select(["denied", "cidr"])] == IDS[:2]


def test_select_all() -> None:
    assert [s.id for s in select(["all"])] == IDS


def test_select_unknown_token_lists_valid_ids() -> None:
    with pytest.raises(CatalogueError) as raised:
        select(["nope"])
    assert str(raised.value) == (
        "no query matches 'nope'; valid ids: common_from_public_cidr_ipv4, common_only_denied, "
        "s3_bucket_policy_identity_perimeter_org_boundary"
    )

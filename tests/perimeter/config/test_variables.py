import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from perimeter.config import Variables, load_variables
from perimeter.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "variables.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, section: str = "default", **environ: str) -> Variables:
    return load_variables(path, section, environ=environ)


def error_of(path: Path, section: str = "default", **environ: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(path, section, **environ)
    return str(info.value)


def test_defaults_with_relative_paths_resolved_against_the_file(tmp_path):
    path = write(tmp_path, "default:\n  output_dir: reports/out\n  store_dir: /data/store\n")

    variables = load(path)

    assert variables.engine == "duckdb"
    assert variables.inventory == "local"
    assert variables.local_cloudtrail_root == tmp_path / "cloudtrail"
    assert variables.inventory_dir == tmp_path / "inventory"
    assert variables.output_dir == tmp_path / "reports" / "out"
    assert variables.store_dir == Path("/data/store")
    assert variables.report_window_days == 30
    assert variables.partitions_start_date == "2022-01-01"
    assert variables.athena_catalog == "AwsDataCatalog"
    assert variables.athena_output_location is None
    assert variables.use_parameterized_queries is True
    assert variables.cache_referential is False
    assert variables.cache_expire_after_interval == "1 day"
    assert variables.athena_cloudtrail_table_configuration == "UNIQUE"
    assert variables.list_resource_type_to_cache == ()
    assert variables.date_mode is None


def test_false_in_the_file_is_honoured(tmp_path):
    # Upstream's `or` chain turned this false back into the default true (spec 10 quirk 3).
    path = write(tmp_path, "default:\n  use_parameterized_queries: false\n")

    assert load(path).use_parameterized_queries is False


def test_null_and_empty_values_mean_default(tmp_path):
    path = write(
        tmp_path,
        "default:\n  region:\n  use_parameterized_queries:\n  athena_catalog: ''\n",
    )

    variables = load(path)

    assert variables.region is None
    assert variables.use_parameterized_queries is True
    assert variables.athena_catalog == "AwsDataCatalog"


def test_upstream_sample_values_are_read(tmp_path):
    path = write(
        tmp_path,
        "default:\n"
        "  region: eu-west-3\n"
        "  external_access_findings: 'SECURITY_HUB'\n"
        "  athena_cloudtrail_table_configuration: SPLIT\n"
        "  partition_date_start: 2023/10/20\n"
        "  partition_date_end: 2023/10/30\n"
        "  cache_expire_after_interval: 7 DAY\n"
        "  list_resource_type_to_cache:\n"
        "    - AWS::Organizations::Account\n"
        "    - AWS::Organizations::Tree\n"
        "  partitions_start_date: 2023-01-15\n"
        "  athena_output_location: s3://query-results/dph/\n",
    )

    variables = load(path)

    assert variables.region == "eu-west-3"
    assert variables.external_access_findings == "SECURITY_HUB"
    assert variables.athena_cloudtrail_table_configuration == "SPLIT"
    assert variables.partition_date_start == date(2023, 10, 20)
    assert variables.partition_date_end == date(2023, 10, 30)
    assert variables.cache_expire_after_interval == "7 day"
    assert variables.cache_ttl == timedelta(days=7)
    assert variables.list_resource_type_to_cache == (
        "AWS::Organizations::Account",
        "AWS::Organizations::Tree",
    )
    assert variables.partitions_start_date == "2023-01-15"
    assert variables.athena_output_location == "s3://query-results/dph/"


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, "default:\n  use_parameterized_queries: true\n  region: eu-west-3\n")

    variables = load(
        path,
        use_parameterized_queries="No",
        region="us-east-1",
        report_window_days="7",
        output_dir="elsewhere",
        list_resource_type_to_cache="AWS::S3::Bucket, AWS::IAM::Role",
        athena_ctas_approach="1",
    )

    assert variables.use_parameterized_queries is False
    assert variables.region == "us-east-1"
    assert variables.report_window_days == 7
    assert variables.output_dir == tmp_path / "elsewhere"
    assert variables.list_resource_type_to_cache == ("AWS::S3::Bucket", "AWS::IAM::Role")
    assert variables.athena_ctas_approach is True


def test_empty_environment_variable_is_ignored(tmp_path):
    path = write(tmp_path, "default:\n  region: eu-west-3\n")

    assert load(path, region="").region == "eu-west-3"


def test_bad_environment_boolean_names_the_variable(tmp_path):
    path = write(tmp_path, "default:\n")

    assert error_of(path, use_parameterized_queries="maybe") == (
        "environment: use_parameterized_queries: expected a boolean (true/false/yes/no/1/0) "
        "(got 'maybe')"
    )


def test_bad_environment_integer_names_the_variable(tmp_path):
    path = write(tmp_path, "default:\n")

    assert error_of(path, report_window_days="0") == (
        "environment: report_window_days: expected a positive integer (got '0')"
    )


def test_unknown_key_suggests_the_closest(tmp_path):
    path = write(tmp_path, "default:\n  use_parametrized_queries: true\n")

    assert error_of(path) == (
        f"{path}: default.use_parametrized_queries: unknown key "
        "(got 'use_parametrized_queries'); did you mean 'use_parameterized_queries'?"
    )


def test_unknown_key_without_a_close_match(tmp_path):
    path = write(tmp_path, "default:\n  colour: blue\n")

    assert error_of(path) == f"{path}: default.colour: unknown key (got 'colour')"


def test_wrong_type(tmp_path):
    path = write(tmp_path, "default:\n  athena_database: [a, b]\n")

    assert error_of(path) == f"{path}: default.athena_database: expected a string (got ['a', 'b'])"


def test_wrong_type_for_a_boolean(tmp_path):
    path = write(tmp_path, "default:\n  cache_referential: sometimes\n")

    assert error_of(path) == (
        f"{path}: default.cache_referential: expected a boolean (true/false/yes/no/1/0) "
        "(got 'sometimes')"
    )


def test_bad_enum(tmp_path):
    path = write(tmp_path, "default:\n  engine: spark\n")

    assert error_of(path) == (
        f"{path}: default.engine: expected one of 'duckdb', 'athena' (got 'spark')"
    )


def test_bad_enum_of_external_access_findings(tmp_path):
    path = write(tmp_path, "default:\n  external_access_findings: GUARDDUTY\n")

    assert error_of(path) == (
        f"{path}: default.external_access_findings: expected 'IAM_ACCESS_ANALYZER', "
        "'SECURITY_HUB' or false (got 'GUARDDUTY')"
    )


def test_bad_date_that_does_not_exist(tmp_path):
    path = write(
        tmp_path, "default:\n  partition_date_start: 2023/02/30\n  partition_date_end: 2023/03/01\n"
    )

    assert error_of(path) == (
        f"{path}: default.partition_date_start: not a real date (got '2023/02/30')"
    )


def test_bad_date_shape(tmp_path):
    path = write(
        tmp_path, "default:\n  partition_date_start: 2023-02-01\n  partition_date_end: 2023/03/01\n"
    )

    assert error_of(path) == (
        f"{path}: default.partition_date_start: expected a date written YYYY/MM/DD "
        "(got datetime.date(2023, 2, 1))"
    )


def test_bad_partitions_start_date(tmp_path):
    path = write(tmp_path, "default:\n  partitions_start_date: 2022/01/01\n")

    assert error_of(path) == (
        f"{path}: default.partitions_start_date: expected a date written YYYY-MM-DD "
        "(got '2022/01/01')"
    )


def test_bad_interval_unit(tmp_path):
    path = write(tmp_path, "default:\n  partition_date_interval: 3 hour\n")

    assert error_of(path) == (
        f"{path}: default.partition_date_interval: expected '<number> <unit>' with unit "
        "day|month|year (got '3 hour')"
    )


def test_bad_cache_interval(tmp_path):
    path = write(tmp_path, "default:\n  cache_expire_after_interval: 1 week\n")

    assert error_of(path) == (
        f"{path}: default.cache_expire_after_interval: expected '<number> <unit>' with unit "
        "minute|hour|day|month (got '1 week')"
    )


def test_bad_partition_date_regex(tmp_path):
    path = write(tmp_path, 'default:\n  partition_date_regex: "2023/05/%\' OR 1=1 --"\n')

    assert error_of(path) == (
        f"{path}: default.partition_date_regex: expected a LIKE pattern on YYYY/MM/DD such as "
        "'2023/05/%' (got \"2023/05/%' OR 1=1 --\")"
    )


def test_partition_date_end_before_start(tmp_path):
    path = write(
        tmp_path, "default:\n  partition_date_start: 2023/10/30\n  partition_date_end: 2023/10/20\n"
    )

    assert error_of(path) == (
        f"{path}: default.partition_date_end: earlier than partition_date_start 2023/10/30 "
        "(got '2023/10/20')"
    )


def test_partition_date_start_needs_an_end(tmp_path):
    path = write(tmp_path, "default:\n  partition_date_start: 2023/10/20\n")

    assert error_of(path) == (
        f"{path}: default.partition_date_end: required when partition_date_start is set (got None)"
    )


def test_missing_section_suggests_the_option(tmp_path):
    path = write(tmp_path, "default:\n  region: eu-west-3\nprod:\n  region: us-east-1\n")

    assert error_of(path, "staging") == (
        f"{path}: staging: section not found (sections: 'default', 'prod'); "
        "choose one with --section (-vys) (got 'staging')"
    )


def test_other_section_is_read(tmp_path):
    path = write(tmp_path, "default:\n  region: eu-west-3\nprod:\n  region: us-east-1\n")

    variables = load(path, "prod")

    assert variables.region == "us-east-1"
    assert variables.section == "prod"


def test_top_level_not_a_mapping(tmp_path):
    path = write(tmp_path, "- default\n- prod\n")

    assert error_of(path) == (
        f"{path}: (top level): expected a mapping of section names (got ['default', 'prod'])"
    )


def test_section_not_a_mapping(tmp_path):
    path = write(tmp_path, "default: yes\n")

    assert error_of(path) == f"{path}: default: expected a mapping of variables (got True)"


def test_invalid_yaml_gives_line_and_column(tmp_path):
    path = write(tmp_path, "default:\n  region: eu-west-1\n  engine: duckdb: x\n")

    assert error_of(path) == f"{path}:3:17: invalid YAML: mapping values are not allowed here"


def test_duplicate_key_is_invalid_yaml(tmp_path):
    path = write(tmp_path, "default:\n  region: eu-west-1\n  region: eu-west-3\n")

    assert error_of(path) == f"{path}:3:3: invalid YAML: duplicate key 'region'"


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"

    assert error_of(path) == f"{path}: file not found"


def test_athena_engine_requires_workgroup_and_database(tmp_path):
    path = write(tmp_path, "default:\n  engine: athena\n  athena_workgroup: primary\n")

    assert error_of(path) == (
        f"{path}: default.athena_database: required when engine is 'athena' (got None)"
    )


def test_athena_engine_settings_are_read(tmp_path):
    path = write(tmp_path, "default:\n  engine: athena\n  athena_workgroup: primary\n")

    variables = load(path, athena_database="cloudtrail")

    assert (variables.engine, variables.athena_workgroup) == ("athena", "primary")
    assert variables.athena_database == "cloudtrail"


def test_aws_inventory_requires_the_config_aggregator(tmp_path):
    path = write(tmp_path, "default:\n  inventory: aws\n")

    assert error_of(path) == (
        f"{path}: default.config_aggregator_name: required when inventory is 'aws' (got None)"
    )


def test_selected_days_of_a_range(tmp_path):
    path = write(
        tmp_path, "default:\n  partition_date_start: 2023/10/30\n  partition_date_end: 2023/11/02\n"
    )

    variables = load(path)

    assert variables.date_mode == "range"
    assert variables.selected_days(date(2024, 1, 1)) == [
        date(2023, 10, 30),
        date(2023, 10, 31),
        date(2023, 11, 1),
        date(2023, 11, 2),
    ]


@pytest.mark.parametrize(
    ("interval", "today", "first"),
    [
        ("2 day", date(2024, 3, 1), date(2024, 2, 28)),
        ("1 MONTH", date(2024, 3, 31), date(2024, 2, 29)),
        ("13 month", date(2024, 1, 15), date(2022, 12, 15)),
        ("1 year", date(2024, 2, 29), date(2023, 2, 28)),
        ("0 day", date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_selected_days_of_an_interval_include_both_ends(tmp_path, interval, today, first):
    path = write(tmp_path, f"default:\n  partition_date_interval: {interval}\n")

    days = load(path).selected_days(today)

    assert days is not None
    assert (days[0], days[-1], len(days)) == (first, today, (today - first).days + 1)


def test_regex_mode_wins_and_matches_days_like_sql_like(tmp_path):
    path = write(
        tmp_path,
        "default:\n  partition_date_regex: 2023/05/%\n  partition_date_interval: 1 day\n",
    )

    variables = load(path)

    assert variables.date_mode == "regex"
    assert variables.selected_days(date(2023, 5, 20)) is None
    assert variables.matches_day(date(2023, 5, 1))
    assert variables.matches_day(date(2023, 5, 31))
    assert not variables.matches_day(date(2023, 6, 1))
    assert not variables.matches_day(date(2022, 5, 1))


def test_regex_with_a_partial_year(tmp_path):
    path = write(tmp_path, "default:\n  partition_date_regex: 202%/12/3%\n")

    variables = load(path)

    assert variables.matches_day(date(2021, 12, 31))
    assert not variables.matches_day(date(2021, 12, 29))
    assert not variables.matches_day(date(2019, 12, 31))


def test_no_date_mode():
    variables = Variables()

    assert variables.selected_days(date(2024, 1, 1)) is None
    with pytest.raises(ValueError, match=re.escape("partition_date_regex is not set")):
        variables.matches_day(date(2024, 1, 1))


def test_cache_ttl_counts_a_month_as_31_days():
    assert Variables(cache_expire_after_interval="2 month").cache_ttl == timedelta(days=62)
    assert Variables(cache_expire_after_interval="90 minute").cache_ttl == timedelta(minutes=90)


def test_bad_file_value_is_reported_even_when_the_environment_overrides_it(tmp_path):
    path = write(tmp_path, "default:\n  engine: spark\n")

    assert error_of(path, engine="duckdb") == (
        f"{path}: default.engine: expected one of 'duckdb', 'athena' (got 'spark')"
    )

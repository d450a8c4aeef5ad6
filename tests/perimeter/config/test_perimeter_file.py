from pathlib import Path

import pytest

from perimeter.config import PerimeterConfig, PerimeterSection, compile_patterns, load_perimeter
from perimeter.errors import ConfigError

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
BUCKET = "AWS::S3::Bucket"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data_perimeter.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def file_error(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_perimeter(path)
    return path, str(info.value)


def mapping_error(data: object) -> str:
    with pytest.raises(ConfigError) as info:
        PerimeterConfig.from_mapping(data, source="dp.yaml")
    return str(info.value)


def test_minimal_file(tmp_path):
    config = load_perimeter(write(tmp_path, "baseline:\n"))

    assert config.baseline == PerimeterSection()
    assert config.for_account(ACCOUNT_A) == PerimeterSection()
    assert config.accounts == {}
    assert config.warnings == ()
    assert config.source == str(tmp_path / "data_perimeter.yaml")


def test_shipped_shape_is_read(tmp_path):
    path = write(
        tmp_path,
        "baseline:\n"
        "  network_perimeter_expected_public_cidr: []\n"
        "  network_perimeter_trusted_account: ['444455556666']\n"
        "  resource_perimeter_trusted_bucket_name:\n"
        "    - 'packages.[\\w-]*.amazonaws.com'\n"
        "    - 'aws-mgn-*'\n"
        "  org_unit_boundary:\n"
        "  athena_sql_limit: 250\n"
        "'111122223333':\n"
        "  network_perimeter_expected_public_cidr: [ 192.0.2.10/32 ]\n"
        "  network_perimeter_expected_vpc: [ vpc-0a1b2c3d ]\n"
        "  network_perimeter_expected_vpc_endpoint: [ vpce-0a1b2c3d4e5f60718 ]\n"
        "  network_perimeter_human_role_arn: [ role/CloudOps ]\n"
        "  network_perimeter_trusted_principal: role/service-role/config\n"
        '  "AWS::S3::Bucket":\n'
        '    "logs.example.com":\n'
        "      network_perimeter_expected_vpc_endpoint: [ vpce-1111222233334444a ]\n",
    )

    config = load_perimeter(path)

    assert config.baseline.network_perimeter_trusted_account == (ACCOUNT_B,)
    assert config.baseline.resource_perimeter_trusted_bucket_name == (
        "packages.[\\w-]*.amazonaws.com",
        "aws-mgn-*",
    )
    assert config.baseline.athena_sql_limit == 250
    assert config.org_unit_boundary == {}
    own = config.accounts[ACCOUNT_A]
    assert own.network_perimeter_expected_public_cidr == ("192.0.2.10/32",)
    assert own.network_perimeter_expected_vpc == ("vpc-0a1b2c3d",)
    assert own.network_perimeter_trusted_principal == ("role/service-role/config",)
    assert own.athena_sql_limit == 0
    exception = config.resource_exceptions(ACCOUNT_A, BUCKET)["logs.example.com"]
    assert exception.network_perimeter_expected_vpc_endpoint == ("vpce-1111222233334444a",)


def test_unknown_key_suggests_the_closest(tmp_path):
    path, message = file_error(tmp_path, "baseline:\n  network_perimeter_expected_cidr: []\n")

    assert message == (
        f"{path}: baseline.network_perimeter_expected_cidr: unknown key "
        "(got 'network_perimeter_expected_cidr'); did you mean "
        "'network_perimeter_expected_public_cidr'?"
    )


def test_unknown_key_without_a_close_match():
    assert mapping_error({"baseline": {"colour": ["blue"]}}) == (
        "dp.yaml: baseline.colour: unknown key (got 'colour')"
    )


def test_misspelt_baseline():
    assert mapping_error({"basline": {}}) == (
        "dp.yaml: basline: unknown key (got 'basline'); did you mean 'baseline'?"
    )


def test_missing_baseline():
    assert (
        mapping_error({ACCOUNT_A: {}})
        == "dp.yaml: baseline: required section is missing (got None)"
    )


def test_top_level_not_a_mapping():
    assert mapping_error(["baseline"]) == (
        "dp.yaml: (top level): expected a mapping with a 'baseline' section (got ['baseline'])"
    )


def test_wrong_type():
    data = {"baseline": {"network_perimeter_trusted_principal": {"a": 1}}}

    assert mapping_error(data) == (
        "dp.yaml: baseline.network_perimeter_trusted_principal: expected a list of strings "
        "(got {'a': 1})"
    )


def test_wrong_type_of_a_list_item():
    data = {"baseline": {"identity_perimeter_trusted_principal": ["role/a", True]}}

    assert mapping_error(data) == (
        "dp.yaml: baseline.identity_perimeter_trusted_principal[1]: expected a string (got True)"
    )


def test_bad_cidr(tmp_path):
    path, message = file_error(
        tmp_path, "baseline:\n  network_perimeter_expected_public_cidr: [10.0.0.0/8, 10.0.0.0/33]\n"
    )

    assert message == (
        f"{path}: baseline.network_perimeter_expected_public_cidr[1]: not a valid IP network "
        "(got '10.0.0.0/33')"
    )


def test_cidrs_are_normalised():
    data = {
        "baseline": {
            "network_perimeter_expected_public_cidr": ["10.0.0.7/24", "192.0.2.1", "2001:db8::/32"]
        }
    }

    config = PerimeterConfig.from_mapping(data)

    assert config.baseline.network_perimeter_expected_public_cidr == (
        "10.0.0.0/24",
        "192.0.2.1/32",
        "2001:db8::/32",
    )


def test_account_section_key_not_12_digits():
    assert mapping_error({"baseline": {}, "11112222333": {}}) == (
        "dp.yaml: 11112222333: not a 12-digit AWS account id (got '11112222333')"
    )


def test_unquoted_account_section_with_a_leading_zero(tmp_path):
    # YAML 1.1 reads 011112222333 as an octal number: 1227433179.
    path, message = file_error(tmp_path, "baseline: {}\n011112222333:\n  athena_sql_limit: 5\n")

    assert message == (
        f"{path}: 1227433179: not a 12-digit AWS account id; quote account ids in YAML, an "
        "unquoted number loses leading zeros or is read as octal (got 1227433179)"
    )


def test_unquoted_account_section_of_12_digits_is_accepted(tmp_path):
    config = load_perimeter(write(tmp_path, "baseline: {}\n111122223333:\n  athena_sql_limit: 5\n"))

    assert config.for_account(ACCOUNT_A).athena_sql_limit == 5


def test_trusted_account_value_not_12_digits():
    data = {"baseline": {}, ACCOUNT_A: {"network_perimeter_trusted_account": ["12345"]}}

    assert mapping_error(data) == (
        "dp.yaml: 111122223333.network_perimeter_trusted_account[0]: not a 12-digit AWS "
        "account id (got '12345')"
    )


def test_unquoted_trusted_account_value_with_a_leading_zero(tmp_path):
    path, message = file_error(
        tmp_path, "baseline:\n  identity_perimeter_trusted_account: [011112222333]\n"
    )

    assert message == (
        f"{path}: baseline.identity_perimeter_trusted_account[0]: not a 12-digit AWS account "
        "id; quote account ids in YAML, an unquoted number loses leading zeros or is read as "
        "octal (got 1227433179)"
    )


def test_single_values_are_promoted_to_lists():
    data = {"baseline": {"network_perimeter_trusted_account": 444455556666}}

    config = PerimeterConfig.from_mapping(data)

    assert config.baseline.network_perimeter_trusted_account == (ACCOUNT_B,)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("arn:aws:kms:eu-west-1:key/abc", "expected at least 6 colon-separated fields"),
        ("arn:aws-eu:kms:eu-west-1:111122223333:key/abc", "unknown partition 'aws-eu'"),
        ("arn:aws::eu-west-1:111122223333:key/abc", "empty service field"),
        (
            "arn:aws:kms:eu-west-1:1111:key/abc",
            "account field must be empty, 12 digits or a pattern",
        ),
        ("arn:aws:kms:eu-west-1:111122223333:", "empty resource field"),
    ],
)
def test_malformed_arn(value, problem):
    data = {"baseline": {"resource_perimeter_trusted_kms_key_arn": [value]}}

    assert mapping_error(data) == (
        f"dp.yaml: baseline.resource_perimeter_trusted_kms_key_arn[0]: malformed ARN: {problem} "
        f"(got {value!r})"
    )


def test_arns_with_patterns_are_accepted():
    values = [
        "arn:aws:sqs:eu-west-1:111122223333:queue-a",
        "arn:aws:s3:::bucket-name",
        "arn:aws:iam::[0-9]*:role/admin",
        "arn:aws[\\w-]*:kms:*:111122223333:key/*",
    ]

    config = PerimeterConfig.from_mapping(
        {"baseline": {"resource_perimeter_trusted_sqs_queue_arn": values}}
    )

    assert config.baseline.resource_perimeter_trusted_sqs_queue_arn == tuple(values)


def test_bad_vpc_id():
    data = {"baseline": {"network_perimeter_expected_vpc": ["vpc-XYZ"]}}

    assert mapping_error(data) == (
        "dp.yaml: baseline.network_perimeter_expected_vpc[0]: not a VPC id, expected vpc- and "
        "8 to 17 lowercase hex digits (got 'vpc-XYZ')"
    )


def test_bad_vpc_endpoint_literal_but_patterns_pass():
    good = {"baseline": {"network_perimeter_expected_vpc_endpoint": ["vpce-0a1b2c3d", "vpce-.*"]}}
    bad = {"baseline": {"network_perimeter_expected_vpc_endpoint": ["vpce-12"]}}

    assert PerimeterConfig.from_mapping(good).baseline.network_perimeter_expected_vpc_endpoint
    assert mapping_error(bad) == (
        "dp.yaml: baseline.network_perimeter_expected_vpc_endpoint[0]: not a VPC endpoint id, "
        "expected vpce- and 8 to 17 lowercase hex digits (got 'vpce-12')"
    )


def test_bad_regex():
    data = {"baseline": {"resource_perimeter_trusted_principal": ["role/(admin"]}}

    assert mapping_error(data) == (
        "dp.yaml: baseline.resource_perimeter_trusted_principal[0]: not a valid regular "
        "expression: missing ), unterminated subpattern (got 'role/(admin')"
    )


def test_invalid_yaml_gives_line_and_column(tmp_path):
    path, message = file_error(
        tmp_path, "baseline:\n  athena_sql_limit: 250\n  network_perimeter_expected_vpc: a: b\n"
    )

    assert message == f"{path}:3:36: invalid YAML: mapping values are not allowed here"


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_perimeter(tmp_path / "absent.yaml")

    assert str(info.value) == f"{tmp_path / 'absent.yaml'}: file not found"


def test_alias_of_quirk_12_is_merged_with_a_warning(tmp_path):
    path = write(
        tmp_path,
        "baseline:\n"
        "  resource_perimeter_trusted_bucket_name: [bucket-a]\n"
        "'111122223333':\n"
        "  resource_perimeter_trusted_bucket: [bucket-b, bucket-a]\n",
    )

    config = load_perimeter(path)

    assert config.for_account(ACCOUNT_A).resource_perimeter_trusted_bucket_name == (
        "bucket-a",
        "bucket-b",
    )
    assert config.warnings == (
        f"{path}: 111122223333.resource_perimeter_trusted_bucket: deprecated alias of "
        "'resource_perimeter_trusted_bucket_name'; its values were merged into that key, "
        "rename it",
    )


def test_merge_keeps_order_and_drops_duplicates():
    data = {
        "baseline": {
            "network_perimeter_trusted_principal": ["role/c", "role/a", "role/c"],
            "athena_sql_limit": 250,
        },
        ACCOUNT_A: {
            "network_perimeter_trusted_principal": ["role/b", "role/a", "role/d"],
            "athena_sql_limit": 500,
        },
        ACCOUNT_B: {"athena_sql_limit": 0},
    }

    config = PerimeterConfig.from_mapping(data)

    merged = config.for_account(ACCOUNT_A)
    assert merged.network_perimeter_trusted_principal == ("role/c", "role/a", "role/b", "role/d")
    assert merged.athena_sql_limit == 500
    # The larger limit wins, as upstream: an account cannot drop the baseline's limit.
    assert config.for_account(ACCOUNT_B).athena_sql_limit == 250


def test_account_without_a_section_gets_the_baseline():
    config = PerimeterConfig.from_mapping(
        {"baseline": {"network_perimeter_trusted_account": [ACCOUNT_B]}, ACCOUNT_A: {}}
    )

    assert config.for_account("999988887777") == config.baseline


def test_athena_sql_limit_list_uses_the_max():
    config = PerimeterConfig.from_mapping({"baseline": {"athena_sql_limit": [100, 250, 10]}})

    assert config.baseline.athena_sql_limit == 250


def test_bad_athena_sql_limit():
    assert mapping_error({"baseline": {"athena_sql_limit": [100, -1]}}) == (
        "dp.yaml: baseline.athena_sql_limit[1]: expected a non-negative integer (got -1)"
    )


def test_resource_exceptions_are_per_account_and_not_merged():
    data = {
        "baseline": {"network_perimeter_trusted_principal": ["role/base"]},
        ACCOUNT_A: {
            BUCKET: {
                "logs.example.com": {
                    "network_perimeter_trusted_principal": ["role/reader"],
                    "network_perimeter_expected_public_cidr": "198.51.100.0/24",
                },
                "empty-bucket": None,
            }
        },
    }

    config = PerimeterConfig.from_mapping(data)

    exceptions = config.resource_exceptions(ACCOUNT_A, BUCKET)
    assert list(exceptions) == ["logs.example.com", "empty-bucket"]
    assert exceptions["logs.example.com"] == PerimeterSection(
        network_perimeter_trusted_principal=("role/reader",),
        network_perimeter_expected_public_cidr=("198.51.100.0/24",),
    )
    assert exceptions["empty-bucket"] == PerimeterSection()
    assert config.resource_exceptions(ACCOUNT_B, BUCKET) == {}
    assert config.resource_exceptions(ACCOUNT_A, "AWS::SQS::Queue") == {}


def test_bad_value_in_a_resource_exception_names_the_path():
    data = {
        "baseline": {},
        ACCOUNT_A: {BUCKET: {"logs.example.com": {"network_perimeter_expected_vpc": ["vpc-1"]}}},
    }

    assert mapping_error(data) == (
        "dp.yaml: 111122223333.AWS::S3::Bucket['logs.example.com']."
        "network_perimeter_expected_vpc[0]: not a VPC id, expected vpc- and 8 to 17 lowercase "
        "hex digits (got 'vpc-1')"
    )


def test_resource_exception_block_in_the_baseline():
    assert mapping_error({"baseline": {BUCKET: {}}}) == (
        "dp.yaml: baseline.AWS::S3::Bucket: resource exception blocks belong in account "
        "sections (got {})"
    )


def test_limit_in_a_resource_exception_block():
    data = {"baseline": {}, ACCOUNT_A: {BUCKET: {"b": {"athena_sql_limit": 1}}}}

    assert mapping_error(data) == (
        "dp.yaml: 111122223333.AWS::S3::Bucket.b.athena_sql_limit: not allowed in a resource "
        "exception block (got 1)"
    )


def test_org_unit_boundary_entries_are_cleaned():
    data = {
        "baseline": {
            "org_unit_boundary": {
                "production": [" r-ab12/ou-ab12-11112222/* ", "ou-ab12-33334444"],
                "everything": "r-ab12",
            }
        }
    }

    config = PerimeterConfig.from_mapping(data)

    assert config.org_unit_boundary == {
        "production": ("ou-ab12-11112222", "ou-ab12-33334444"),
        "everything": ("r-ab12",),
    }


def test_bad_org_unit_boundary_entry():
    data = {"baseline": {"org_unit_boundary": {"production": ["Root/Production"]}}}

    assert mapping_error(data) == (
        "dp.yaml: baseline.org_unit_boundary.production[0]: not an OU id (ou-...) or root id "
        "(r-...) once cleaned to 'Production' (got 'Root/Production')"
    )


def test_org_unit_boundary_in_an_account_section():
    data = {"baseline": {}, ACCOUNT_A: {"org_unit_boundary": {"p": ["ou-ab12-11112222"]}}}

    assert mapping_error(data) == (
        "dp.yaml: 111122223333.org_unit_boundary: only allowed in the baseline section "
        "(got {'p': ['ou-ab12-11112222']})"
    )


def test_compile_patterns_follows_upstream_semantics():
    pattern = compile_patterns(["packages.[\\w-]*.amazonaws.com", "role/a+b=c", "aws-mgn-*"])

    assert pattern is not None
    assert pattern.search("packages.eu-west-1.amazonaws.com")
    assert not pattern.search("packagesXeu-west-1Xamazonaws.com")  # dots are literal
    assert pattern.search("arn:aws:iam::111122223333:role/a+b=c")  # + and = are literal
    assert not pattern.search("role/aab=c")
    assert pattern.search("my-aws-mgn-staging")  # unanchored search
    assert compile_patterns([]) is None


def test_compile_patterns_ignore_case():
    pattern = compile_patterns(["role/CloudOps"], ignore_case=True)

    assert pattern is not None
    assert pattern.search("arn:aws:iam::111122223333:role/cloudops-admin")

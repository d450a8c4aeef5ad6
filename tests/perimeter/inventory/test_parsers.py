import re
from urllib.parse import quote

import pandas as pd
import pytest

from perimeter.errors import ConfigError
from perimeter.inventory import (
    ACCOUNTS,
    IAM_ROLES,
    InventorySnapshot,
    MissingDatasetError,
    empty_frame,
)
from perimeter.inventory.parsers import (
    parse_accounts,
    parse_iam_roles,
    parse_org_tree,
    parse_s3_buckets,
    parse_vpc_endpoints,
)

ORG = "111122223333"
ORG_2 = "777788889999"
OUTSIDE = "444455556666"


def account(account_id: str, name: str, **extra: str) -> dict:
    return {
        "Id": account_id,
        "Arn": f"arn:aws:organizations::{ORG}:account/o-a1b2c3d4e5/{account_id}",
        "Email": f"{name}@example.com",
        "Name": name,
        "JoinedMethod": "CREATED",
        **extra,
    }


def strs(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


# accounts -------------------------------------------------------------------------------------


def test_parse_accounts_reads_list_accounts_output():
    doc = {
        "Accounts": [
            account(ORG, "management", Status="ACTIVE", State="ACTIVE"),
            account(ORG_2, "workload", State="SUSPENDED"),
        ]
    }
    expected = pd.DataFrame(
        {
            "accountid": strs(ORG, ORG_2),
            "name": strs("management", "workload"),
            "status": strs("ACTIVE", "SUSPENDED"),
        }
    )
    pd.testing.assert_frame_equal(parse_accounts(doc, "/x/accounts.json"), expected)


def test_parse_accounts_concatenates_an_array_and_keeps_the_first_duplicate():
    doc = [
        {"Accounts": [account(ORG, "management", Status="ACTIVE")]},
        {"Accounts": [account(ORG_2, "workload"), account(ORG, "again", Status="ACTIVE")]},
    ]
    expected = pd.DataFrame(
        {
            "accountid": strs(ORG, ORG_2),
            "name": strs("management", "workload"),
            "status": strs("ACTIVE", None),
        }
    )
    pd.testing.assert_frame_equal(parse_accounts(doc, "/x/accounts.json"), expected)


def test_parse_accounts_of_an_empty_list_is_the_empty_frame():
    pd.testing.assert_frame_equal(
        parse_accounts({"Accounts": []}, "/x/accounts.json"), empty_frame(ACCOUNTS)
    )


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"Accounts": [account(ORG, "a"), account(ORG_2, "b"), account("12345", "c")]},
            "/x/accounts.json: Accounts[2].Id: not a 12-digit account id (got '12345')",
        ),
        ({"accounts": []}, "/x/accounts.json: Accounts: missing key"),
        ({"Accounts": {}}, "/x/accounts.json: Accounts: not a list (got {})"),
        ({"Accounts": ["x"]}, "/x/accounts.json: Accounts[0]: not an object (got 'x')"),
        ({"Accounts": [{"Id": ORG}]}, "/x/accounts.json: Accounts[0].Name: missing key"),
        (
            {"Accounts": [{"Id": 111122223333, "Name": "a"}]},
            "/x/accounts.json: Accounts[0].Id: not a string (got 111122223333)",
        ),
        (
            [{"Accounts": []}, {"Accounts": [account("1111", "a")]}],
            "/x/accounts.json: [1].Accounts[0].Id: not a 12-digit account id (got '1111')",
        ),
        ([{"Accounts": []}, 3], "/x/accounts.json: [1]: not a JSON object (got 3)"),
        ("text", "/x/accounts.json: $: not a JSON object or array (got 'text')"),
    ],
)
def test_parse_accounts_errors_name_file_key_path_and_value(doc, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        parse_accounts(doc, "/x/accounts.json")


# organizational units -------------------------------------------------------------------------

ROOT = "r-a1b2"
OU_PROD = "ou-a1b2-11111111"
OU_WEB = "ou-a1b2-22222222"


def org_units(account_parents: dict, ous: list | None = None) -> dict:
    return {
        "Roots": [
            {
                "Id": ROOT,
                "Arn": f"arn:aws:organizations::{ORG}:root/o-a1b2c3d4e5/{ROOT}",
                "Name": "Root",
                "PolicyTypes": [],
            }
        ],
        "OrganizationalUnits": ous
        if ous is not None
        else [
            {"Id": OU_WEB, "Arn": "arn:web", "Name": "Web", "ParentId": OU_PROD},
            {"Id": OU_PROD, "Arn": "arn:prod", "Name": "Prod", "ParentId": ROOT},
        ],
        "AccountParents": account_parents,
    }


ACCOUNTS_FRAME = pd.DataFrame(
    {"accountid": [ORG, ORG_2], "name": ["management", "workload"], "status": ["ACTIVE"] * 2}
)


def test_parse_org_tree_gives_each_account_its_path_from_the_root():
    doc = org_units({ORG: ROOT, ORG_2: OU_WEB, OUTSIDE: OU_PROD})
    expected = pd.DataFrame(
        {
            "accountid": strs(ORG, ORG_2),
            "name": strs("management", "workload"),
            "parent": pd.Series([[ROOT], [ROOT, OU_PROD, OU_WEB]], dtype=object),
            "parent_name": pd.Series([["Root"], ["Root", "Prod", "Web"]], dtype=object),
            "parent_name_path": strs("Root", "Root/Prod/Web"),
        }
    )
    result = parse_org_tree(doc, ACCOUNTS_FRAME, "/x/organizational_units.json")
    pd.testing.assert_frame_equal(result, expected)


def test_parse_org_tree_merges_an_array_of_documents():
    first = org_units({ORG: ROOT})
    second = {"Roots": [], "OrganizationalUnits": [], "AccountParents": {ORG_2: OU_PROD}}
    result = parse_org_tree([first, second], ACCOUNTS_FRAME, "/x/ou.json")
    assert result["parent_name_path"].tolist() == ["Root", "Root/Prod"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            org_units({ORG: ROOT}),
            "/x/ou.json: AccountParents: no parent for an account of the accounts file"
            " (got '777788889999')",
        ),
        (
            org_units({ORG: ROOT, ORG_2: "ou-a1b2-99999999"}),
            "/x/ou.json: AccountParents.777788889999: unknown parent id (got 'ou-a1b2-99999999')",
        ),
        (
            org_units(
                {ORG: ROOT, ORG_2: OU_WEB},
                [{"Id": OU_WEB, "Name": "Web", "ParentId": "ou-a1b2-33333333"}],
            ),
            "/x/ou.json: OrganizationalUnits[0].ParentId: unknown parent id"
            " (got 'ou-a1b2-33333333')",
        ),
        (
            org_units(
                {ORG: ROOT, ORG_2: OU_WEB},
                [
                    {"Id": OU_WEB, "Name": "Web", "ParentId": OU_PROD},
                    {"Id": OU_PROD, "Name": "Prod", "ParentId": OU_WEB},
                ],
            ),
            "/x/ou.json: OrganizationalUnits[0].ParentId: cycle in the OU tree"
            " (got 'ou-a1b2-22222222')",
        ),
        (
            org_units({ORG: ROOT}, [{"Id": "web", "Name": "Web", "ParentId": ROOT}]),
            "/x/ou.json: OrganizationalUnits[0].Id: not an OU id (got 'web')",
        ),
        (
            org_units({"1234": ROOT}),
            "/x/ou.json: AccountParents: not a 12-digit account id (got '1234')",
        ),
        (
            {"Roots": [], "OrganizationalUnits": []},
            "/x/ou.json: AccountParents: missing key",
        ),
    ],
)
def test_parse_org_tree_errors(doc, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        parse_org_tree(doc, ACCOUNTS_FRAME, "/x/ou.json")


# IAM roles ------------------------------------------------------------------------------------

SERVICE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
ACCOUNT_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{ORG_2}:root", "AROAEXAMPLEOTHER"]},
        "Action": "sts:AssumeRole",
    },
}
SLR_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "elasticloadbalancing.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
SLR_ARN = (
    f"arn:aws:iam::{ORG_2}:role/aws-service-role/elasticloadbalancing.amazonaws.com/"
    "AWSServiceRoleForElasticLoadBalancing"
)


def role(arn: str, role_id: str, policy: object) -> dict:
    return {
        "Path": "/",
        "RoleName": arn.rsplit("/", 1)[-1],
        "RoleId": role_id,
        "Arn": arn,
        "CreateDate": "2024-01-02T03:04:05+00:00",
        "AssumeRolePolicyDocument": policy,
        "MaxSessionDuration": 3600,
    }


def test_parse_iam_roles_reads_list_roles_output_of_several_accounts():
    encoded = quote(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    )
    doc = {
        "Roles": [
            role(f"arn:aws:iam::{ORG}:role/ec2-app", "AROAEXAMPLESERVICE", SERVICE_TRUST),
            role(f"arn:aws:iam::{ORG}:role/team/deploy", "AROAEXAMPLEDEPLOY", ACCOUNT_TRUST),
            role(SLR_ARN, "AROAEXAMPLESLR", SLR_TRUST),
            role(f"arn:aws:iam::{ORG_2}:role/encoded", "AROAEXAMPLEENCODED", encoded),
        ]
    }
    ec2 = [{"type": "Service", "principal": "ec2.amazonaws.com"}]
    expected = pd.DataFrame(
        {
            "accountId": strs(ORG, ORG, ORG_2, ORG_2),
            "roleId": strs(
                "AROAEXAMPLESERVICE", "AROAEXAMPLEDEPLOY", "AROAEXAMPLESLR", "AROAEXAMPLEENCODED"
            ),
            "roleName": strs(
                "ec2-app", "deploy", "AWSServiceRoleForElasticLoadBalancing", "encoded"
            ),
            "arn": strs(
                f"arn:aws:iam::{ORG}:role/ec2-app",
                f"arn:aws:iam::{ORG}:role/team/deploy",
                SLR_ARN,
                f"arn:aws:iam::{ORG_2}:role/encoded",
            ),
            "allowedPrincipalList": pd.Series(
                [
                    ec2,
                    [
                        {"type": "AWS", "principal": f"arn:aws:iam::{ORG_2}:root"},
                        {"type": "AWS", "principal": "AROAEXAMPLEOTHER"},
                    ],
                    [{"type": "Service", "principal": "elasticloadbalancing.amazonaws.com"}],
                    ec2,
                ],
                dtype=object,
            ),
            "isServiceRole": [True, False, False, True],
            "isServiceLinkedRole": [False, False, True, False],
        }
    )
    pd.testing.assert_frame_equal(parse_iam_roles(doc, "/x/iam_roles.json"), expected)


def test_parse_iam_roles_accepts_a_plain_json_string_policy_and_drops_repeated_role_ids():
    arn = f"arn:aws-cn:iam::{ORG}:role/app"
    doc = [
        {"Roles": [role(arn, "AROAEXAMPLEAPP", '{"Statement": {"Principal": "*"}}')]},
        {"Roles": [role(arn, "AROAEXAMPLEAPP", '{"Statement": {"Principal": "*"}}')]},
    ]
    result = parse_iam_roles(doc, "/x/iam_roles.json")
    assert result["allowedPrincipalList"].tolist() == [
        [{"type": "PRINCIPAL_AS_STRING", "principal": "*"}]
    ]
    assert result["accountId"].tolist() == [ORG]


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (
            [role("arn:aws:s3:::b", "AROAEXAMPLE", SERVICE_TRUST)],
            "/x/iam_roles.json: Roles[0].Arn: not an IAM role ARN (got 'arn:aws:s3:::b')",
        ),
        (
            [role(f"arn:aws:iam::{ORG}:role/a", "AIDAEXAMPLE", SERVICE_TRUST)],
            "/x/iam_roles.json: Roles[0].RoleId: not an IAM role id (got 'AIDAEXAMPLE')",
        ),
        (
            [role(f"arn:aws:iam::{ORG}:role/a", "AROAEXAMPLE", {"Statement": [{"Principal": 5}]})],
            "/x/iam_roles.json: Roles[0].AssumeRolePolicyDocument.Statement[0].Principal:"
            " not a string or an object (got 5)",
        ),
        (
            [
                role(
                    f"arn:aws:iam::{ORG}:role/a",
                    "AROAEXAMPLE",
                    {"Statement": [{"Principal": {"AWS": [ORG, 7]}}]},
                )
            ],
            "/x/iam_roles.json: Roles[0].AssumeRolePolicyDocument.Statement[0].Principal.AWS:"
            " not a string or a list of strings (got ['111122223333', 7])",
        ),
        (
            [role(f"arn:aws:iam::{ORG}:role/a", "AROAEXAMPLE", "%7Bnot json")],
            "/x/iam_roles.json: Roles[0].AssumeRolePolicyDocument: not a JSON or URL-encoded"
            " JSON policy: Expecting property name enclosed in double quotes"
            " (got '%7Bnot json')",
        ),
        (
            [role(f"arn:aws:iam::{ORG}:role/a", "AROAEXAMPLE", "[1]")],
            "/x/iam_roles.json: Roles[0].AssumeRolePolicyDocument: not a policy object (got [1])",
        ),
    ],
)
def test_parse_iam_roles_errors(roles, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        parse_iam_roles({"Roles": roles}, "/x/iam_roles.json")


# VPC endpoints --------------------------------------------------------------------------------


def test_parse_vpc_endpoints_reads_describe_vpc_endpoints_output():
    doc = {
        "VpcEndpoints": [
            {
                "VpcEndpointId": "vpce-0a1b2c3d4e5f67890",
                "VpcEndpointType": "Gateway",
                "VpcId": "vpc-0123abcd",
                "ServiceName": "com.amazonaws.eu-west-1.s3",
                "State": "available",
                "PolicyDocument": '{"Version":"2008-10-17","Statement":[]}',
                "OwnerId": ORG,
            },
            {
                "VpcEndpointId": "vpce-0fedcba9",
                "VpcEndpointType": "Interface",
                "VpcId": "vpc-0123abcd",
                "ServiceName": "com.amazonaws.eu-west-1.sns",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "OwnerId": ORG_2,
            },
            {
                "VpcEndpointId": "vpce-0abc0abc",
                "VpcEndpointType": "Resource",
                "VpcId": "vpc-0123abcd",
                "OwnerId": ORG_2,
            },
        ]
    }
    expected = pd.DataFrame(
        {
            "vpcEndpointId": strs("vpce-0a1b2c3d4e5f67890", "vpce-0fedcba9", "vpce-0abc0abc"),
            "vpcId": strs("vpc-0123abcd", "vpc-0123abcd", "vpc-0123abcd"),
            "ownerId": strs(ORG, ORG_2, ORG_2),
            "serviceName": strs("com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.sns", None),
            "vpcEndpointType": strs("Gateway", "Interface", "Resource"),
            "policyDocument": strs(
                '{"Version":"2008-10-17","Statement":[]}',
                '{"Version":"2012-10-17","Statement":[]}',
                None,
            ),
        }
    )
    pd.testing.assert_frame_equal(parse_vpc_endpoints(doc, "/x/vpc_endpoints.json"), expected)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"Endpoints": []}, "/x/vpc_endpoints.json: VpcEndpoints: missing key"),
        (
            {"VpcEndpoints": [{"VpcEndpointId": "vpc-1", "VpcId": "vpc-1"}]},
            "/x/vpc_endpoints.json: VpcEndpoints[0].VpcEndpointId: not a VPCE id (got 'vpc-1')",
        ),
        (
            {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": "vpce-0a1b2c3d",
                        "VpcId": "vpc-0a1b2c3d",
                        "OwnerId": OUTSIDE[:-1],
                    }
                ]
            },
            "/x/vpc_endpoints.json: VpcEndpoints[0].OwnerId: not a 12-digit account id"
            " (got '44445555666')",
        ),
    ],
)
def test_parse_vpc_endpoints_errors(doc, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        parse_vpc_endpoints(doc, "/x/vpc_endpoints.json")


# S3 buckets -----------------------------------------------------------------------------------


def test_parse_s3_buckets_takes_the_account_from_each_document():
    owner = {"DisplayName": "x", "ID": "abc"}
    doc = [
        {
            "AccountId": ORG,
            "Buckets": [
                {"Name": "logs-bucket", "CreationDate": "2024-01-01T00:00:00+00:00"},
                {"Name": "data.bucket", "CreationDate": "2024-01-01", "BucketRegion": "eu-west-1"},
            ],
            "Owner": owner,
        },
        {"AccountId": ORG_2, "Buckets": [{"Name": "other", "BucketRegion": "us-east-1"}]},
    ]
    expected = pd.DataFrame(
        {
            "accountId": strs(ORG, ORG, ORG_2),
            "resourceId": strs("logs-bucket", "data.bucket", "other"),
            "awsRegion": strs(None, "eu-west-1", "us-east-1"),
        }
    )
    pd.testing.assert_frame_equal(parse_s3_buckets(doc, "/x/s3_buckets.json"), expected)


def test_parse_s3_buckets_needs_the_account_id():
    message = "/x/s3_buckets.json: [1].AccountId: missing key"
    doc = [{"AccountId": ORG, "Buckets": []}, {"Buckets": [], "Owner": {}}]
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        parse_s3_buckets(doc, "/x/s3_buckets.json")


# dataset frames and the snapshot --------------------------------------------------------------


def test_empty_frame_has_the_dataset_columns_and_dtypes():
    frame = empty_frame(IAM_ROLES)
    assert len(frame) == 0
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "accountId": "str",
        "roleId": "str",
        "roleName": "str",
        "arn": "str",
        "allowedPrincipalList": "object",
        "isServiceRole": "bool",
        "isServiceLinkedRole": "bool",
    }


def test_empty_frame_of_an_unknown_dataset_is_an_error():
    with pytest.raises(MissingDatasetError, match="unknown inventory dataset 'sns_topics'"):
        empty_frame("sns_topics")


def test_snapshot_gives_frames_and_org_account_ids():
    accounts = pd.DataFrame({"accountid": [ORG, ORG_2, None], "name": ["a", "b", "c"]})
    snapshot = InventorySnapshot({ACCOUNTS: accounts})
    assert snapshot.get(ACCOUNTS) is accounts
    assert snapshot.org_account_ids() == frozenset({ORG, ORG_2})


def test_snapshot_names_a_dataset_it_does_not_hold():
    snapshot = InventorySnapshot({ACCOUNTS: empty_frame(ACCOUNTS)})
    message = "inventory dataset 'iam_roles' is not in this snapshot (loaded: accounts)"
    with pytest.raises(MissingDatasetError, match=f"^{re.escape(message)}$"):
        snapshot.get(IAM_ROLES)
    with pytest.raises(LookupError):
        InventorySnapshot({}).org_account_ids()

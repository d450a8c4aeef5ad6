import json
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from perimeter.errors import ConfigError
from perimeter.inventory import (
    ACCOUNTS,
    IAM_ROLES,
    ORG_TREE,
    S3_BUCKETS,
    VPC_ENDPOINTS,
    MissingDatasetError,
    empty_frame,
)
from resources.inventory import Inventory, LocalInventory

ORG = "111122223333"
ORG_2 = "777788889999"

ACCOUNTS_JSON = {
    "Accounts": [
        {
            "Id": ORG,
            "Arn": "arn:a",
            "Email": "m@example.com",
            "Name": "management",
            "Status": "ACTIVE",
        },
        {
            "Id": ORG_2,
            "Arn": "arn:b",
            "Email": "w@example.com",
            "Name": "workload",
            "Status": "ACTIVE",
        },
    ]
}
OU_JSON = {
    "Roots": [{"Id": "r-a1b2", "Arn": "arn:r", "Name": "Root", "PolicyTypes": []}],
    "OrganizationalUnits": [
        {"Id": "ou-a1b2-11111111", "Arn": "arn:o", "Name": "Prod", "ParentId": "r-a1b2"}
    ],
    "AccountParents": {ORG: "r-a1b2", ORG_2: "ou-a1b2-11111111"},
}
ROLES_JSON = {
    "Roles": [
        {
            "Path": "/",
            "RoleName": "ec2-app",
            "RoleId": "AROAEXAMPLESERVICE",
            "Arn": f"arn:aws:iam::{ORG}:role/ec2-app",
            "CreateDate": "2024-01-02T03:04:05+00:00",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        }
    ]
}
VPCE_JSON = {
    "VpcEndpoints": [
        {
            "VpcEndpointId": "vpce-0a1b2c3d",
            "VpcEndpointType": "Gateway",
            "VpcId": "vpc-0123abcd",
            "ServiceName": "com.amazonaws.eu-west-1.s3",
            "PolicyDocument": '{"Statement":[]}',
            "OwnerId": ORG_2,
        }
    ]
}
BUCKETS_JSON = {
    "AccountId": ORG_2,
    "Buckets": [{"Name": "data-bucket", "CreationDate": "2024-01-01", "BucketRegion": "eu-west-1"}],
    "Owner": {"ID": "abc"},
}


def write(folder: Path, name: str, content: object) -> None:
    (folder / name).write_text(json.dumps(content, indent=2), encoding="utf-8")


@pytest.fixture
def full_dir(tmp_path: Path) -> Path:
    write(tmp_path, "accounts.json", ACCOUNTS_JSON)
    write(tmp_path, "organizational_units.json", OU_JSON)
    write(tmp_path, "iam_roles.json", ROLES_JSON)
    write(tmp_path, "vpc_endpoints.json", VPCE_JSON)
    write(tmp_path, "s3_buckets.json", BUCKETS_JSON)
    return tmp_path


def strs(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def test_load_accounts(full_dir):
    expected = pd.DataFrame(
        {
            "accountid": strs(ORG, ORG_2),
            "name": strs("management", "workload"),
            "status": strs("ACTIVE", "ACTIVE"),
        }
    )
    pd.testing.assert_frame_equal(
        LocalInventory(inventory_dir=str(full_dir)).load(ACCOUNTS), expected
    )


def test_load_org_tree_reads_the_accounts_too(full_dir):
    expected = pd.DataFrame(
        {
            "accountid": strs(ORG, ORG_2),
            "name": strs("management", "workload"),
            "parent": pd.Series([["r-a1b2"], ["r-a1b2", "ou-a1b2-11111111"]], dtype=object),
            "parent_name": pd.Series([["Root"], ["Root", "Prod"]], dtype=object),
            "parent_name_path": strs("Root", "Root/Prod"),
        }
    )
    pd.testing.assert_frame_equal(
        LocalInventory(inventory_dir=str(full_dir)).load(ORG_TREE), expected
    )


def test_load_iam_roles_vpc_endpoints_and_buckets(full_dir):
    inventory = LocalInventory(inventory_dir=str(full_dir))
    roles = pd.DataFrame(
        {
            "accountId": strs(ORG),
            "roleId": strs("AROAEXAMPLESERVICE"),
            "roleName": strs("ec2-app"),
            "arn": strs(f"arn:aws:iam::{ORG}:role/ec2-app"),
            "allowedPrincipalList": pd.Series(
                [[{"type": "Service", "principal": "ec2.amazonaws.com"}]], dtype=object
            ),
            "isServiceRole": [True],
            "isServiceLinkedRole": [False],
        }
    )
    endpoints = pd.DataFrame(
        {
            "vpcEndpointId": strs("vpce-0a1b2c3d"),
            "vpcId": strs("vpc-0123abcd"),
            "ownerId": strs(ORG_2),
            "serviceName": strs("com.amazonaws.eu-west-1.s3"),
            "vpcEndpointType": strs("Gateway"),
            "policyDocument": strs('{"Statement":[]}'),
        }
    )
    buckets = pd.DataFrame(
        {
            "accountId": strs(ORG_2),
            "resourceId": strs("data-bucket"),
            "awsRegion": strs("eu-west-1"),
        }
    )
    pd.testing.assert_frame_equal(inventory.load(IAM_ROLES), roles)
    pd.testing.assert_frame_equal(inventory.load(VPC_ENDPOINTS), endpoints)
    pd.testing.assert_frame_equal(inventory.load(S3_BUCKETS), buckets)


def test_snapshot_loads_each_dataset_once(full_dir):
    snapshot = LocalInventory(inventory_dir=str(full_dir)).snapshot(
        [ACCOUNTS, S3_BUCKETS, ACCOUNTS]
    )
    assert list(snapshot.frames) == [ACCOUNTS, S3_BUCKETS]
    assert snapshot.org_account_ids() == frozenset({ORG, ORG_2})


@pytest.mark.parametrize(
    ("dataset", "file_name"),
    [
        (ORG_TREE, "organizational_units.json"),
        (IAM_ROLES, "iam_roles.json"),
        (VPC_ENDPOINTS, "vpc_endpoints.json"),
        (S3_BUCKETS, "s3_buckets.json"),
    ],
)
def test_an_absent_optional_file_gives_an_empty_frame_and_a_warning(
    tmp_path, caplog, dataset, file_name
):
    write(tmp_path, "accounts.json", ACCOUNTS_JSON)
    with caplog.at_level(logging.WARNING):
        frame = LocalInventory(inventory_dir=str(tmp_path)).load(dataset)
    pd.testing.assert_frame_equal(frame, empty_frame(dataset))
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / file_name} is absent: the {dataset} inventory dataset is empty"
    ]


def test_an_absent_accounts_file_is_an_error(tmp_path):
    message = f"{tmp_path / 'accounts.json'}: missing file; the accounts dataset is required"
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        LocalInventory(inventory_dir=str(tmp_path)).load(ACCOUNTS)


def test_org_tree_needs_the_accounts_file(tmp_path):
    write(tmp_path, "organizational_units.json", OU_JSON)
    with pytest.raises(ConfigError, match=r"accounts\.json: missing file"):
        LocalInventory(inventory_dir=str(tmp_path)).load(ORG_TREE)


def test_invalid_json_names_file_line_and_column(tmp_path):
    (tmp_path / "accounts.json").write_text('{\n  "Accounts": [\n    {"Id": "1",}\n  ]\n}\n')
    message = (
        f"{tmp_path / 'accounts.json'}:3:16: invalid JSON: "
        "Expecting property name enclosed in double quotes"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        LocalInventory(inventory_dir=str(tmp_path)).load(ACCOUNTS)


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    text = json.dumps({"AccountId": ORG, "Buckets": [{"Name": "b"}]})
    (tmp_path / "s3_buckets.json").write_bytes(text.encode("utf-16"))
    frame = LocalInventory(inventory_dir=str(tmp_path)).load(S3_BUCKETS)
    assert frame["resourceId"].tolist() == ["b"]


def test_parser_errors_name_the_file(tmp_path):
    write(tmp_path, "accounts.json", {"Accounts": [{"Id": "12345", "Name": "x"}]})
    message = (
        f"{tmp_path / 'accounts.json'}: Accounts[0].Id: not a 12-digit account id (got '12345')"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        LocalInventory(inventory_dir=str(tmp_path)).load(ACCOUNTS)


def test_an_unknown_dataset_is_an_error(tmp_path):
    with pytest.raises(MissingDatasetError, match="unknown inventory dataset 'sns_topics'"):
        LocalInventory(inventory_dir=str(tmp_path)).load("sns_topics")


def test_the_base_resource_does_not_load():
    with pytest.raises(NotImplementedError, match="Inventory does not implement load"):
        Inventory().load(ACCOUNTS)

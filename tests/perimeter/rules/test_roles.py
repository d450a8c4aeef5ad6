import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from perimeter.inventory import ACCOUNTS, IAM_ROLES, InventorySnapshot
from perimeter.rules.roles import (
    add_column_is_assumable_by,
    add_column_is_service_linked_role,
    add_column_is_service_role,
    remove_calls_by_service_linked_role,
)

ORG = "111122223333"
OUTSIDE = "444455556666"
ORG_2 = "777788889999"

EC2 = [{"type": "Service", "principal": "ec2.amazonaws.com"}]
ECS = [{"type": "Service", "principal": "ecs.amazonaws.com"}]
ROOT_2 = [{"type": "AWS", "principal": "arn:aws:iam::777788889999:root"}]
SLR_ARN = "arn:aws:iam::777788889999:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"

ROLES = pd.DataFrame(
    {
        "accountId": [ORG, ORG_2, ORG],
        "roleId": ["AROAEXAMPLESERVICE", "AROAEXAMPLESLR", "AROAEXAMPLEDEPLOY"],
        "roleName": ["ec2-app", "AWSServiceRoleForECS", "deploy"],
        "arn": [
            "arn:aws:iam::111122223333:role/ec2-app",
            SLR_ARN,
            "arn:aws:iam::111122223333:role/deploy",
        ],
        "allowedPrincipalList": [EC2, ECS, ROOT_2],
        "isServiceRole": [True, False, False],
        "isServiceLinkedRole": [False, True, False],
    }
)
INVENTORY = InventorySnapshot(
    {
        ACCOUNTS: pd.DataFrame(
            {"accountid": [ORG, ORG_2], "name": ["a", "b"], "status": ["ACTIVE"] * 2}
        ),
        IAM_ROLES: ROLES,
    }
)

NOT_IN_ORG = "PRINCIPAL_NOT_IN_ORGANIZATION"
NOT_IN_INVENTORY = "IAM_ROLE_NOT_IN_INVENTORY"


def results() -> pd.DataFrame:
    """One row per case, in this order:

    0 service role of the org, 1 SLR of the second org account, 2 role trusting an account root,
    3 principal outside the org, 4 missing principalid, 5 IAM user, 6 role not in the inventory,
    7 missing principal account.
    """
    return pd.DataFrame(
        {
            "principal_accountid": pd.Series(
                [ORG, ORG_2, ORG, OUTSIDE, ORG, ORG, ORG_2, pd.NA], dtype=object
            ),
            "principalid": [
                "AROAEXAMPLESERVICE:i-0abc",
                "AROAEXAMPLESLR:ecs-task",
                "AROAEXAMPLEDEPLOY:alice",
                "AROAEXAMPLEOUTSIDE:bob",
                None,
                "AIDAEXAMPLEUSER",
                "AROAEXAMPLEUNKNOWN:carol",
                "AROAEXAMPLESERVICE:i-0def",
            ],
            "principal_arn": [
                "arn:aws:sts::111122223333:assumed-role/ec2-app/i-0abc",
                "arn:aws:sts::777788889999:assumed-role/AWSServiceRoleForECS/ecs-task",
                "arn:aws:sts::111122223333:assumed-role/deploy/alice",
                "arn:aws:sts::444455556666:assumed-role/partner/bob",
                None,
                "arn:aws:iam::111122223333:user/dave",
                "arn:aws:sts::777788889999:assumed-role/unknown/carol",
                None,
            ],
            "sourceipaddress": ["ec2.amazonaws.com", "ecs.amazonaws.com"] + ["203.0.113.7"] * 6,
        }
    )


def with_column(name: str, values: list) -> pd.DataFrame:
    return results().assign(**{name: pd.Series(values, dtype=object)})


def test_add_column_is_assumable_by():
    expected = with_column(
        "isAssumableBy",
        [EC2, ECS, ROOT_2, NOT_IN_ORG, None, NOT_IN_INVENTORY, NOT_IN_INVENTORY, NOT_IN_ORG],
    )
    pd.testing.assert_frame_equal(add_column_is_assumable_by(results(), INVENTORY), expected)


def test_is_assumable_by_holds_real_lists_that_are_not_shared_with_the_inventory():
    column = add_column_is_assumable_by(results(), INVENTORY)["isAssumableBy"]
    assert column[0] == [{"type": "Service", "principal": "ec2.amazonaws.com"}]
    column[0][0]["principal"] = "changed"
    assert ROLES["allowedPrincipalList"][0] == [
        {"type": "Service", "principal": "ec2.amazonaws.com"}
    ]


def test_add_column_is_service_role():
    expected = with_column(
        "isServiceRole",
        [True, False, False, NOT_IN_ORG, None, NOT_IN_INVENTORY, NOT_IN_INVENTORY, NOT_IN_ORG],
    )
    pd.testing.assert_frame_equal(add_column_is_service_role(results(), INVENTORY), expected)


def test_add_column_is_service_linked_role():
    expected = with_column(
        "isServiceLinkedRole",
        [False, True, False, NOT_IN_ORG, None, NOT_IN_INVENTORY, NOT_IN_INVENTORY, NOT_IN_ORG],
    )
    pd.testing.assert_frame_equal(add_column_is_service_linked_role(results(), INVENTORY), expected)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_every_kind_of_missing_value_is_missing(missing):
    frame = pd.DataFrame(
        {
            "principal_accountid": pd.Series([missing, ORG], dtype=object),
            "principalid": pd.Series(["AROAEXAMPLESERVICE:x", missing], dtype=object),
        }
    )
    result = add_column_is_service_role(frame, INVENTORY)
    assert result["isServiceRole"].tolist() == [NOT_IN_ORG, None]


def test_roles_read_back_from_parquet_give_plain_lists_and_booleans():
    stored = pa.Table.from_pandas(ROLES, preserve_index=False).to_pandas()
    inventory = InventorySnapshot({ACCOUNTS: INVENTORY.get(ACCOUNTS), IAM_ROLES: stored})
    frame = add_column_is_assumable_by(results().head(1), inventory)
    frame = add_column_is_service_role(frame, inventory)
    assert frame["isAssumableBy"][0] == [{"type": "Service", "principal": "ec2.amazonaws.com"}]
    assert type(frame["isAssumableBy"][0]) is list
    assert type(frame["isServiceRole"][0]) is bool


def test_the_input_frame_is_left_unchanged():
    frame = results()
    add_column_is_assumable_by(frame, INVENTORY)
    remove_calls_by_service_linked_role(frame, INVENTORY)
    pd.testing.assert_frame_equal(frame, results())


def test_remove_calls_by_service_linked_role_computes_and_drops_its_column():
    expected = results().drop(index=1).reset_index(drop=True)
    result = remove_calls_by_service_linked_role(results(), INVENTORY)
    pd.testing.assert_frame_equal(result, expected)


def test_remove_calls_by_service_linked_role_uses_an_existing_column():
    frame = (
        results()
        .head(4)
        .assign(isServiceLinkedRole=pd.Series([True, "True", False, NOT_IN_ORG], dtype=object))
    )
    expected = frame.iloc[[2, 3]].reset_index(drop=True)
    result = remove_calls_by_service_linked_role(frame, INVENTORY)
    pd.testing.assert_frame_equal(result, expected)


def test_an_empty_frame_gets_the_new_column():
    empty = results().head(0)
    result = add_column_is_assumable_by(empty, INVENTORY)
    assert list(result.columns) == [*empty.columns, "isAssumableBy"]
    assert len(result) == 0
    assert len(remove_calls_by_service_linked_role(empty, INVENTORY)) == 0

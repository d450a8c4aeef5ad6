import re

import pytest

from perimeter.inventory.roles import (
    TrustPolicyError,
    allowed_principals,
    is_human_role,
    is_service_linked_role,
    is_service_role,
)

ORG = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ORG}:role/app"
SLR_ARN = f"arn:aws:iam::{ORG}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
EC2 = {"type": "Service", "principal": "ec2.amazonaws.com"}


def test_allowed_principals_lists_every_statement_principal_in_order():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"],
                    "AWS": f"arn:aws:iam::{ORG}:root",
                },
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            },
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Action": "sts:TagSession"},
        ],
    }
    assert allowed_principals(policy) == [
        {"type": "Service", "principal": "ec2.amazonaws.com"},
        {"type": "Service", "principal": "lambda.amazonaws.com"},
        {"type": "AWS", "principal": "arn:aws:iam::111122223333:root"},
        {"type": "Federated", "principal": "cognito-identity.amazonaws.com"},
        {"type": "PRINCIPAL_AS_STRING", "principal": "*"},
    ]


def test_allowed_principals_accepts_a_single_statement_object():
    policy = {"Statement": {"Principal": {"CanonicalUser": "79a59df900b949e5"}}}
    assert allowed_principals(policy) == [
        {"type": "CanonicalUser", "principal": "79a59df900b949e5"}
    ]


def test_allowed_principals_of_a_policy_without_statement_is_empty():
    assert allowed_principals({"Version": "2012-10-17"}) == []


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"Statement": "x"}, "Statement: not an object or a list of objects (got 'x')"),
        ({"Statement": [1]}, "Statement[0]: not an object (got 1)"),
        (
            {"Statement": [{"Principal": ["*"]}]},
            "Statement[0].Principal: not a string or an object (got ['*'])",
        ),
        (
            {"Statement": [{}, {"Principal": {"Service": {"a": 1}}}]},
            "Statement[1].Principal.Service: not a string or a list of strings (got {'a': 1})",
        ),
    ],
)
def test_allowed_principals_rejects_malformed_policies(policy, message):
    with pytest.raises(TrustPolicyError, match=f"^{re.escape(message)}$") as caught:
        allowed_principals(policy)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (SLR_ARN, True),
        ("arn:aws-cn:iam::111122223333:role/aws-service-role/ecs.amazonaws.com.cn/X", True),
        ("arn:aws-us-gov:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/X", True),
        (ROLE_ARN, False),
        ("arn:aws:iam::111122223333:role/service-role/aws-service-role/X", False),
        ("arn:aws:iam::111122223333:user/aws-service-role/X", False),
    ],
)
def test_is_service_linked_role(arn, expected):
    assert is_service_linked_role(arn) is expected


@pytest.mark.parametrize(
    ("arn", "principals", "expected"),
    [
        (ROLE_ARN, [EC2], True),
        (ROLE_ARN, [{"type": "Service", "principal": "ecs-tasks.amazonaws.com.cn"}], True),
        (ROLE_ARN, [{"type": "Service", "principal": "logs.eu-west-1.amazonaws.com"}], True),
        (ROLE_ARN, [{"type": "AWS", "principal": "arn:aws:iam::111122223333:root"}], False),
        (ROLE_ARN, [{"type": "PRINCIPAL_AS_STRING", "principal": "ec2.amazonaws.com"}], False),
        (ROLE_ARN, [{"type": "Service", "principal": "amazonaws.com"}], False),
        (ROLE_ARN, [], False),
        (SLR_ARN, [{"type": "Service", "principal": "ecs.amazonaws.com"}], False),
    ],
)
def test_is_service_role(arn, principals, expected):
    assert is_service_role(arn, principals) is expected


def test_is_human_role_searches_the_patterns_case_insensitively():
    patterns = re.compile(r"role/AWSReservedSSO_|role/admin")
    assert is_human_role(f"arn:aws:iam::{ORG}:role/awsreservedsso_Dev_1", patterns)
    assert is_human_role(f"arn:aws:iam::{ORG}:role/Admin", re.compile("role/admin", re.I))
    assert not is_human_role(ROLE_ARN, patterns)


def test_is_human_role_flags_no_role_without_patterns():
    # Quirk 6 decided: upstream's empty list matched every ARN.
    assert not is_human_role(ROLE_ARN, None)
    assert not is_human_role(ROLE_ARN, re.compile(""))

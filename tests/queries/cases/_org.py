"""The organisation every case runs in: accounts, identities, perimeter file and inventory.

Two accounts form the organisation: `LOGGING_ACCOUNT` holds the logs of almost every case, and
`ORG_ACCOUNT` is a second member. `OUTSIDE_ACCOUNT` is not a member, nor trusted;
`TRUSTED_ACCOUNT` is not a member but both perimeters trust it.
"""

from typing import Any

from perimeter.inventory import ACCOUNTS, IAM_ROLES, S3_BUCKETS

LOGGING_ACCOUNT = "111122223333"
ORG_ACCOUNT = "777788889999"
OUTSIDE_ACCOUNT = "444455556666"
TRUSTED_ACCOUNT = "555566667777"

#: Fields every event shares; its `eventTime` gives the `p_date` `2024/03/01`.
BASE_EVENT: dict[str, Any] = {
    "eventVersion": "1.09",
    "eventTime": "2024-03-01T10:15:00Z",
    "awsRegion": "us-east-1",
    "userAgent": "aws-cli/2.15.30",
    "eventType": "AwsApiCall",
    "recipientAccountId": LOGGING_ACCOUNT,
}


def assumed_role(
    account: str, role_path: str, role_id: str, session: str, *, issuer: bool = True
) -> dict[str, Any]:
    """The `userIdentity` of a role session; `issuer=False` leaves out the session context.

    CloudTrail leaves the session issuer out of the copy of a cross-account call that the
    other account receives (spec 1.0), so its ARN is NULL in the table.
    """
    name = role_path.rsplit("/", 1)[-1]
    identity: dict[str, Any] = {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
        "accountId": account,
        "accessKeyId": "ASIAEXAMPLEKEY",
    }
    if issuer:
        identity["sessionContext"] = {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{account}:role/{role_path}",
                "accountId": account,
                "userName": name,
            },
            "attributes": {"creationDate": "2024-03-01T10:00:00Z", "mfaAuthenticated": "false"},
        }
    return identity


def iam_user(account: str, name: str, user_id: str) -> dict[str, Any]:
    """The `userIdentity` of an IAM user."""
    return {
        "type": "IAMUser",
        "principalId": user_id,
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": "AKIAEXAMPLEKEY",
        "userName": name,
    }


ECS_SLR = "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"

DEPLOY = assumed_role(LOGGING_ACCOUNT, "deploy", "AROAEXAMPLEDEPLOY", "alice")
EC2_APP = assumed_role(LOGGING_ACCOUNT, "ec2-app", "AROAEXAMPLEEC2APP", "i-0123456789abcdef0")
CI_RUNNER = assumed_role(LOGGING_ACCOUNT, "ci-runner", "AROAEXAMPLECIRUNNER", "build-42")
LOCAL_SLR = assumed_role(LOGGING_ACCOUNT, ECS_SLR, "AROAEXAMPLELOCALSLR", "ecs-service")
ORG_USER = iam_user(LOGGING_ACCOUNT, "operator", "AIDAEXAMPLEORGUSER")
BUILD = assumed_role(ORG_ACCOUNT, "build", "AROAEXAMPLEBUILD", "nightly")
ORG_SLR = assumed_role(ORG_ACCOUNT, ECS_SLR, "AROAEXAMPLEORGSLR", "ecs-service", issuer=False)
READER = assumed_role(OUTSIDE_ACCOUNT, "reader", "AROAEXAMPLEREADER", "etl")
AUDITOR = assumed_role(OUTSIDE_ACCOUNT, "auditor", "AROAEXAMPLEAUDITOR", "audit")
SYNC = assumed_role(OUTSIDE_ACCOUNT, "sync", "AROAEXAMPLESYNC", "sync", issuer=False)
BUCKET_READER = assumed_role(OUTSIDE_ACCOUNT, "bucket-reader", "AROAEXAMPLEBUCKETREADER", "reports")
OUTSIDER = iam_user(OUTSIDE_ACCOUNT, "outsider", "AIDAEXAMPLEOUTSIDER")
CONTRACTOR = iam_user(OUTSIDE_ACCOUNT, "contractor", "AIDAEXAMPLECONTRACTOR")
PARTNER = iam_user(TRUSTED_ACCOUNT, "partner", "AIDAEXAMPLEPARTNER")
ANONYMOUS = {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}
AWS_SERVICE = {"type": "AWSService", "principalId": "AWSService", "invokedBy": "s3.amazonaws.com"}

#: data_perimeter.yaml, as `yaml.safe_load` returns it.
PERIMETER: dict[str, Any] = {
    "baseline": {
        "network_perimeter_expected_public_cidr": ["35.249.253.0/24"],
        "network_perimeter_trusted_account": [TRUSTED_ACCOUNT],
        "network_perimeter_trusted_principal": [
            "arn:aws:iam::111122223333:role/ci-runner",
            "AIDAEXAMPLECONTRACTOR",
        ],
        "identity_perimeter_trusted_account": [TRUSTED_ACCOUNT],
        "identity_perimeter_trusted_principal": [
            "arn:aws:iam::444455556666:role/auditor",
            "AROAEXAMPLESYNC",
        ],
    },
    LOGGING_ACCOUNT: {
        "network_perimeter_expected_public_cidr": ["203.0.113.0/24"],
        "AWS::S3::Bucket": {
            "shared-bucket": {
                "identity_perimeter_trusted_principal": [
                    "arn:aws:iam::444455556666:role/bucket-reader"
                ],
            },
        },
    },
}

TRUSTS_ACCOUNT_ROOT = [{"type": "AWS", "principal": "arn:aws:iam::111122223333:root"}]
TRUSTS_DEPLOY = [{"type": "AWS", "principal": "arn:aws:iam::111122223333:role/deploy"}]
TRUSTS_EC2 = [{"type": "Service", "principal": "ec2.amazonaws.com"}]
TRUSTS_ECS = [{"type": "Service", "principal": "ecs.amazonaws.com"}]


def _role(account: str, role_id: str, path: str, trusts: list, service: bool, slr: bool):
    return {
        "accountId": account,
        "roleId": role_id,
        "roleName": path.rsplit("/", 1)[-1],
        "arn": f"arn:aws:iam::{account}:role/{path}",
        "allowedPrincipalList": trusts,
        "isServiceRole": service,
        "isServiceLinkedRole": slr,
    }


#: Inventory records by dataset. The logging account's own service-linked role is left out on
#: purpose: only the SQL filter can remove its calls.
INVENTORY: dict[str, list[dict[str, Any]]] = {
    ACCOUNTS: [
        {"accountid": LOGGING_ACCOUNT, "name": "logging", "status": "ACTIVE"},
        {"accountid": ORG_ACCOUNT, "name": "workload", "status": "ACTIVE"},
    ],
    IAM_ROLES: [
        _role(LOGGING_ACCOUNT, "AROAEXAMPLEDEPLOY", "deploy", TRUSTS_ACCOUNT_ROOT, False, False),
        _role(LOGGING_ACCOUNT, "AROAEXAMPLEEC2APP", "ec2-app", TRUSTS_EC2, True, False),
        _role(ORG_ACCOUNT, "AROAEXAMPLEBUILD", "build", TRUSTS_DEPLOY, False, False),
        _role(ORG_ACCOUNT, "AROAEXAMPLEORGSLR", ECS_SLR, TRUSTS_ECS, False, True),
    ],
    S3_BUCKETS: [
        {
            "accountId": LOGGING_ACCOUNT,
            "resourceId": "example-data-bucket",
            "awsRegion": "us-east-1",
        },
        {"accountId": LOGGING_ACCOUNT, "resourceId": "shared-bucket", "awsRegion": "us-east-1"},
        {"accountId": ORG_ACCOUNT, "resourceId": "other-org-bucket", "awsRegion": "eu-west-1"},
    ],
}

"""`userIdentity` blocks as CloudTrail writes them, for the synthetic organisation."""

from typing import Any


def assumed_role(account: str, role_path: str, role_id: str, session: str) -> dict[str, Any]:
    """A role session seen by the account that owns the role (with its session issuer)."""
    role_name = role_path.rsplit("/", 1)[-1]
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
        "accountId": account,
        "accessKeyId": "ASIA" + role_id[4:20],
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{account}:role/{role_path}",
                "accountId": account,
                "userName": role_name,
            },
            "attributes": {"creationDate": "2024-03-04T00:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def foreign_role(account: str, role_name: str, role_id: str, session: str) -> dict[str, Any]:
    """A role session of another account, as the resource owner's trail records it.

    The owner's copy of a cross-account event carries no session issuer, so the query column
    `principal_arn` is empty for it.
    """
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
        "accountId": account,
    }


def iam_user(account: str, name: str, user_id: str) -> dict[str, Any]:
    """A long-term IAM user."""
    return {
        "type": "IAMUser",
        "principalId": user_id,
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": "AKIA" + user_id[4:20],
        "userName": name,
    }


def aws_service(service: str) -> dict[str, Any]:
    """A call an AWS service makes with its own service principal."""
    return {"type": "AWSService", "invokedBy": service}


def anonymous() -> dict[str, Any]:
    """An unauthenticated caller, as S3 data events record it."""
    return {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}

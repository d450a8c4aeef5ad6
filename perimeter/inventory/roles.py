"""Trust-policy analysis of IAM roles: who may assume a role, and what kind of role it is.

Upstream computes the same facts in `referential/iam_role.py` (spec 4.2 and "How service roles
and SLRs are detected" in 1.9); the differences are stated function by function.
"""

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

PRINCIPAL_AS_STRING = "PRINCIPAL_AS_STRING"
"""The `type` of a principal given as a bare string (`"Principal": "*"`)."""

# Upstream only matched the `aws` partition; the role path is what makes a role service-linked,
# so the China, GovCloud and ISO partitions (`aws-cn`, `aws-us-gov`, ...) are accepted too.
_SLR_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/aws-service-role/")
_SERVICE_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")


class TrustPolicyError(ValueError):
    """A trust policy does not have the shape IAM gives it.

    Attributes:
        key_path: where, inside the policy (`Statement[1].Principal.AWS`).
        problem: what is wrong with the value.
        value: the offending value.
    """

    def __init__(self, key_path: str, problem: str, value: Any) -> None:
        super().__init__(f"{key_path}: {problem} (got {value!r})")
        self.key_path = key_path
        self.problem = problem
        self.value = value


def _as_list(value: Any, path: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    raise TrustPolicyError(path, "not an object or a list of objects", value)


def _principal_values(value: Any, path: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TrustPolicyError(path, "not a string or a list of strings", value)
    return values


def _statement_principals(principal: Any, path: str) -> list[dict[str, str]]:
    if isinstance(principal, str):
        return [{"type": PRINCIPAL_AS_STRING, "principal": principal}]
    if not isinstance(principal, dict):
        raise TrustPolicyError(path, "not a string or an object", principal)
    return [
        {"type": kind, "principal": value}
        for kind, values in principal.items()
        for value in _principal_values(values, f"{path}.{kind}")
    ]


def allowed_principals(policy: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every principal named in the `Principal` element of a trust policy, in policy order.

    A string `Principal` (`"*"`) gives one entry of type `PRINCIPAL_AS_STRING`; an object gives
    one entry per value under each key (`AWS`, `Service`, `Federated`, `CanonicalUser`), a value
    being a string or a list of strings. `Statement` may be one object or a list. Statements
    without `Principal` contribute nothing. As upstream, `Effect` and `Condition` are not
    considered: a principal of a `Deny` statement is listed too.

    Raises:
        TrustPolicyError: a `Statement` or `Principal` of an unexpected shape.
    """
    statements = _as_list(policy.get("Statement", []), "Statement")
    principals: list[dict[str, str]] = []
    for index, statement in enumerate(statements):
        path = f"Statement[{index}]"
        if not isinstance(statement, dict):
            raise TrustPolicyError(path, "not an object", statement)
        if "Principal" in statement:
            principals += _statement_principals(statement["Principal"], f"{path}.Principal")
    return principals


def is_service_linked_role(arn: str) -> bool:
    """Whether the role ARN is a service-linked role's (path `/aws-service-role/`).

    Any partition is accepted (`arn:aws-cn:...`), where upstream only matched `arn:aws:`.
    """
    return _SLR_ARN.match(arn) is not None


def is_service_role(arn: str, principals: Iterable[Mapping[str, str]]) -> bool:
    """Whether the role is a service role: not service-linked, and trusting an AWS service.

    An AWS service is a principal of type `Service` ending with `.amazonaws.com` or
    `.amazonaws.com.cn` (case-insensitive). Upstream's prefix match accepted any value merely
    containing `.amazonaws.com`; AWS service principals end with one of the two suffixes, so
    only malformed principals are classified differently.
    """
    if is_service_linked_role(arn):
        return False
    return any(
        p.get("type") == "Service" and p.get("principal", "").lower().endswith(_SERVICE_SUFFIXES)
        for p in principals
    )


@lru_cache(maxsize=256)
def _ignoring_case(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern, pattern.flags | re.IGNORECASE)


def is_human_role(arn: str, patterns: re.Pattern[str] | None) -> bool:
    """Whether the role ARN matches the account's `network_perimeter_human_role_arn` patterns.

    `patterns` is the account's list compiled into one pattern, searched anywhere in the ARN and
    case-insensitively (the flag is added when missing). No pattern (`None`, an empty list) or an
    empty pattern flags no role. This deliberately changes upstream (spec quirk 6), where an
    empty list became `(?i)()`, flagged every role as human, and so made the FAS rule drop every
    call by an organization role from an AWS service network.
    """
    if patterns is None or not patterns.pattern:
        return False
    return _ignoring_case(patterns).search(arn) is not None

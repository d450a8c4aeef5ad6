r"""Checks on single values of data_perimeter.yaml, and the upstream regex semantics.

Each `check_*` function takes one string and returns it (possibly normalised), or raises
`InvalidValue` with a short problem text; the loader adds the file and key path.

Trusted values are regex patterns with upstream semantics (spec 2.2): `.`, `+` and `=` are
literal, any other regex syntax (`*`, `[\w-]`, `(...)`, ...) passes through, and matching is
an unanchored search, so `role/pipeline` matches any ARN that contains it.
"""

import ipaddress
import re
from collections.abc import Iterable

from perimeter.config.errors import InvalidValue
from perimeter.identifiers import ACCOUNT_ID, OU_ID, ROOT_ID, VPC_ID, VPCE_ID

PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"})

_VPCE_LITERAL = re.compile(r"vpce-[A-Za-z0-9-]*")
_REGEX_SYNTAX = frozenset("*?[](){}|\\^$")
_LITERAL_IN_UPSTREAM = frozenset(".+=")


def escape_pattern(value: str) -> str:
    r"""Apply the upstream escaping rule: make `.`, `+` and `=` literal.

    An already escaped character (`\.`) is kept as it is. Upstream escaped it a second time,
    which turned `\.` into `\\.` ("a backslash, then any character"); we keep the intent.

    Args:
        value: One trusted value as written in data_perimeter.yaml.

    Returns:
        A Python regex with the same meaning as upstream's Athena `regexp_like` pattern.
    """
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            out.append(char + next(chars, ""))
        elif char in _LITERAL_IN_UPSTREAM:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def compile_patterns(values: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str] | None:
    """Join trusted values into one pattern for an unanchored search (`pattern.search`).

    Args:
        values: Trusted values, each escaped with `escape_pattern`.
        ignore_case: Match case-insensitively, as upstream does for
            `network_perimeter_human_role_arn`.

    Returns:
        The compiled alternation, or None for no values (nothing is trusted, nothing matches;
        upstream's empty pattern matched everything, spec 10 quirk 6).
    """
    parts = [f"(?:{escape_pattern(value)})" for value in values]
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE if ignore_case else 0)


def check_pattern(value: str) -> str:
    """Check that a trusted value compiles as a regex once escaped the upstream way."""
    try:
        re.compile(escape_pattern(value))
    except re.error as exc:
        raise InvalidValue(f"not a valid regular expression: {exc.msg}") from None
    return value


def check_cidr(value: str) -> str:
    """Check an IPv4 or IPv6 network and return it normalised (`10.0.0.7/24` -> `10.0.0.0/24`).

    Host bits are accepted and cleared; a bare address becomes a one-host network (`/32` or
    `/128`).
    """
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise InvalidValue("not a valid IP network") from None


def check_account_id(value: str) -> str:
    """Check a 12-digit AWS account id."""
    if not ACCOUNT_ID.fullmatch(value):
        raise InvalidValue("not a 12-digit AWS account id")
    return value


def check_vpc_id(value: str) -> str:
    """Check a VPC id such as `vpc-0a1b2c3d` (an exact value, not a pattern)."""
    if not VPC_ID.fullmatch(value):
        raise InvalidValue("not a VPC id, expected vpc- and 8 to 17 lowercase hex digits")
    return value


def check_vpc_endpoint(value: str) -> str:
    """Check a VPC endpoint pattern; a plain `vpce-...` literal must be a well-formed id."""
    if _VPCE_LITERAL.fullmatch(value) and not VPCE_ID.fullmatch(value):
        raise InvalidValue("not a VPC endpoint id, expected vpce- and 8 to 17 lowercase hex digits")
    return check_pattern(value)


def _is_pattern(field: str) -> bool:
    return any(char in _REGEX_SYNTAX for char in field)


def check_arn(value: str) -> str:
    """Check the shape of an ARN, fields that hold regex syntax being accepted as patterns.

    Rules: at least 6 colon-separated fields; a known partition; non-empty service and
    resource fields; an account field that is empty, 12 digits or a pattern. The region is
    not checked.
    """
    fields = value.split(":", 5)
    if len(fields) < 6:
        raise InvalidValue("malformed ARN: expected at least 6 colon-separated fields")
    _, partition, service, _region, account, resource = fields
    if partition not in PARTITIONS and not _is_pattern(partition):
        raise InvalidValue(f"malformed ARN: unknown partition {partition!r}")
    if not service:
        raise InvalidValue("malformed ARN: empty service field")
    if account and not ACCOUNT_ID.fullmatch(account) and not _is_pattern(account):
        raise InvalidValue("malformed ARN: account field must be empty, 12 digits or a pattern")
    if not resource:
        raise InvalidValue("malformed ARN: empty resource field")
    return value


def check_trusted_value(value: str) -> str:
    """Check a generic trusted pattern: an `arn:` value must be a well-formed ARN."""
    if value.startswith("arn:"):
        check_arn(value)
    return check_pattern(value)


def clean_ou_id(value: str) -> str:
    """Clean an `org_unit_boundary` entry the upstream way and check the result.

    Spaces, `*` and `/` are stripped from both ends, and of a path such as
    `r-ab12/ou-ab12-11112222` only the last segment is kept.

    Returns:
        The OU id (`ou-...`) or root id (`r-...`).
    """
    cleaned = value.strip(" */").rsplit("/", 1)[-1]
    if not (OU_ID.fullmatch(cleaned) or ROOT_ID.fullmatch(cleaned)):
        raise InvalidValue(f"not an OU id (ou-...) or root id (r-...) once cleaned to {cleaned!r}")
    return cleaned

"""Rules that remove what `data_perimeter.yaml` declares trusted or expected.

Trusted values are patterns with upstream's semantics: `.`, `+` and `=` are literal, other
regular-expression syntax is kept, and a pattern matches anywhere in the value (so
`role/pipeline` matches every ARN that contains it). A missing value never matches, so a call
with no principal ARN is kept.
"""

import ipaddress
import re
from functools import lru_cache

import pandas as pd

from perimeter.config import PerimeterSection, compile_patterns
from perimeter.rules.base import Rule, RuleContext, keep_per_account


def _matches(values: pd.Series, pattern: re.Pattern[str] | None) -> pd.Series:
    if pattern is None:
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, str) and pattern.search(v) is not None).astype(bool)


@lru_cache(maxsize=65536)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def in_networks(values: pd.Series, cidrs: tuple[str, ...]) -> pd.Series:
    """True where the value is an IP address inside one of `cidrs`.

    Values that are not IP addresses (service names, `AWS Internal`, dotted quads with
    leading zeros) are in no network, as with Athena's `TRY_CAST(... AS IPADDRESS)`.
    """
    networks = [ipaddress.ip_network(c, strict=False) for c in cidrs]

    def inside(value: object) -> bool:
        address = _address(value) if isinstance(value, str) else None
        return address is not None and any(address in n for n in networks)

    return values.map(inside).astype(bool)


def _remove_expected_public_cidr(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
    def keep(group: pd.DataFrame, section: PerimeterSection) -> pd.Series:
        cidrs = section.network_perimeter_expected_public_cidr
        return ~in_networks(group["sourceipaddress"], cidrs)

    return keep_per_account(frame, context, keep)


def remove_trusted_accounts(key: str) -> Rule:
    """Rule removing calls whose principal account matches the `key` list."""

    def apply(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
        def keep(group: pd.DataFrame, section: PerimeterSection) -> pd.Series:
            pattern = compile_patterns(getattr(section, key))
            return ~_matches(group["principal_accountid"], pattern)

        return keep_per_account(frame, context, keep)

    return Rule(
        f"remove_{key}",
        f"Removes calls by principals whose account is listed in `{key}`.",
        apply,
    )


def remove_trusted_principals(key: str) -> Rule:
    """Rule removing calls whose principal ARN or principal id matches the `key` list."""

    def apply(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
        def keep(group: pd.DataFrame, section: PerimeterSection) -> pd.Series:
            pattern = compile_patterns(getattr(section, key))
            by_arn = (
                _matches(group["principal_arn"], pattern) if "principal_arn" in group else False
            )
            return ~(by_arn | _matches(group["principalid"], pattern))

        return keep_per_account(frame, context, keep)

    return Rule(
        f"remove_{key}",
        f"Removes calls by principals whose ARN or principal id matches `{key}`.",
        apply,
    )


def _remove_org_principals(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
    org = context.inventory.org_account_ids()
    inside = frame["principal_accountid"].map(lambda v: isinstance(v, str) and v in org)
    return frame[~inside.astype(bool)].reset_index(drop=True)


REMOVE_EXPECTED_PUBLIC_CIDR = Rule(
    "remove_expected_public_cidr",
    "Removes calls from the public CIDRs listed in `network_perimeter_expected_public_cidr`.",
    _remove_expected_public_cidr,
)
REMOVE_ORG_PRINCIPALS = Rule(
    "remove_org_principals",
    "Removes calls by principals of accounts of the organization (from the inventory).",
    _remove_org_principals,
)

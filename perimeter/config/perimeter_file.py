"""The data perimeter file (data_perimeter.yaml, spec 2.2): what each account trusts.

The file has a required `baseline` section and optional sections keyed by 12-digit account
ids. An account section extends the baseline for that account, however the account was
selected (spec 10 quirk 4), and may hold resource exception blocks such as
`AWS::S3::Bucket: {<bucket name>: {<list key>: [...]}}`.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from perimeter.config.errors import (
    InvalidValue,
    KeyPath,
    config_error,
    format_path,
    read_yaml,
    unknown_key_error,
)
from perimeter.config.validators import (
    check_account_id,
    check_cidr,
    check_trusted_value,
    check_vpc_endpoint,
    check_vpc_id,
    clean_ou_id,
)
from perimeter.errors import ConfigError

Level = Literal["baseline", "account", "resource"]

BASELINE = "baseline"
ALIASES: Mapping[str, str] = MappingProxyType(
    {"resource_perimeter_trusted_bucket": "resource_perimeter_trusted_bucket_name"}
)
_RESOURCE_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")
_QUOTE_HINT = (
    "quote account ids in YAML, an unquoted number loses leading zeros or is read as octal"
)


@dataclass(frozen=True)
class PerimeterSection:
    """The trusted values of one section, or of the baseline merged with an account section.

    Each list field holds the values in file order, without duplicates. CIDRs are normalised
    (`10.0.0.7/24` becomes `10.0.0.0/24`); other values are kept as written and are regex
    patterns with upstream semantics (see `compile_patterns`). `athena_sql_limit` is 0 for
    no limit.
    """

    network_perimeter_expected_public_cidr: tuple[str, ...] = ()
    network_perimeter_expected_vpc: tuple[str, ...] = ()
    network_perimeter_expected_vpc_endpoint: tuple[str, ...] = ()
    network_perimeter_human_role_arn: tuple[str, ...] = ()
    network_perimeter_trusted_account: tuple[str, ...] = ()
    network_perimeter_trusted_principal: tuple[str, ...] = ()
    identity_perimeter_trusted_account: tuple[str, ...] = ()
    identity_perimeter_trusted_principal: tuple[str, ...] = ()
    resource_perimeter_trusted_bucket_name: tuple[str, ...] = ()
    resource_perimeter_trusted_principal: tuple[str, ...] = ()
    resource_perimeter_trusted_logs_destination_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_dynamodb_table_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_ecr_repository_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_bus_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_kms_key_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_lambda_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_secret_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_topic_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_sqs_queue_arn: tuple[str, ...] = ()
    resource_perimeter_trusted_iam_role_arn: tuple[str, ...] = ()
    athena_sql_limit: int = 0

    def values(self, key: str) -> tuple[str, ...]:
        """Return the values of one list key.

        Raises:
            KeyError: `key` is not one of `LIST_KEYS`.
        """
        if key not in LIST_KEYS:
            raise KeyError(key)
        values: tuple[str, ...] = getattr(self, key)
        return values

    def merged_with(self, other: "PerimeterSection") -> "PerimeterSection":
        """Extend this section with another one.

        Lists are concatenated, this section's values first, and duplicates dropped with order
        kept (upstream used a set and lost the order). The larger `athena_sql_limit` wins, as
        upstream took the max of both, so an account cannot lower or remove the baseline's.
        """
        merged = {key: _unique((*self.values(key), *other.values(key))) for key in LIST_KEYS}
        limit = max(self.athena_sql_limit, other.athena_sql_limit)
        return PerimeterSection(**merged, athena_sql_limit=limit)


LIST_KEYS: tuple[str, ...] = tuple(f.name for f in fields(PerimeterSection))[:-1]

Check = Callable[[str], str]

_CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        "network_perimeter_expected_public_cidr": check_cidr,
        "network_perimeter_expected_vpc": check_vpc_id,
        "network_perimeter_expected_vpc_endpoint": check_vpc_endpoint,
        "network_perimeter_trusted_account": check_account_id,
        "identity_perimeter_trusted_account": check_account_id,
    }
)
# Deprecated aliases are accepted but never suggested.
_KNOWN_KEYS: Mapping[Level, tuple[str, ...]] = MappingProxyType(
    {
        "baseline": (*LIST_KEYS, "athena_sql_limit", "org_unit_boundary"),
        "account": (*LIST_KEYS, "athena_sql_limit", "AWS::S3::Bucket"),
        "resource": LIST_KEYS,
    }
)


@dataclass(frozen=True)
class PerimeterConfig:
    """A validated data perimeter file.

    Attributes:
        baseline: The section that applies to every account.
        accounts: Each account's own section (not merged with the baseline).
        exceptions: Resource exception blocks: account id, then resource type
            (`AWS::S3::Bucket`), then resource name, then the exception section.
        org_unit_boundary: Boundary name to cleaned OU or root ids (baseline only).
        source: The file (or the label given to `from_mapping`) the values came from.
        warnings: Deprecation warnings found while loading, for the caller to log.
    """

    baseline: PerimeterSection = field(default_factory=PerimeterSection)
    accounts: Mapping[str, PerimeterSection] = field(default_factory=dict)
    exceptions: Mapping[str, Mapping[str, Mapping[str, PerimeterSection]]] = field(
        default_factory=dict
    )
    org_unit_boundary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<mapping>"
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Any, source: str = "<mapping>") -> "PerimeterConfig":
        """Validate a parsed data perimeter document.

        Args:
            data: The document, as `yaml.safe_load` would return it.
            source: The name used in error and warning messages.

        Raises:
            ConfigError: the first problem found, as `<source>: <key path>: <problem> (got ...)`.
        """
        return _Parser(source).document(data)

    def for_account(self, account_id: str) -> PerimeterSection:
        """Return the baseline extended by the account's section (the baseline alone if none).

        This applies to every account, however it was selected (upstream applied account
        sections only to ids passed literally to `-la`, spec 10 quirk 4).
        """
        own = self.accounts.get(account_id)
        return self.baseline if own is None else self.baseline.merged_with(own)

    def resource_exceptions(
        self, account_id: str, resource_type: str
    ) -> dict[str, PerimeterSection]:
        """Return the exception blocks of one account for one resource type, by resource name.

        The blocks are returned as written, not merged with the baseline (as upstream), and
        their `athena_sql_limit` is always 0.
        """
        return dict(self.exceptions.get(account_id, {}).get(resource_type, {}))


def load_perimeter(path: Path) -> PerimeterConfig:
    """Read and validate a data perimeter file.

    Raises:
        ConfigError: the file is missing, is not valid YAML, or holds an invalid value.
    """
    return PerimeterConfig.from_mapping(read_yaml(Path(path)), source=str(path))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass
class _Parts:
    lists: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in LIST_KEYS})
    limit: int = 0
    boundaries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exceptions: dict[str, dict[str, PerimeterSection]] = field(default_factory=dict)

    def section(self) -> PerimeterSection:
        lists = {key: _unique(values) for key, values in self.lists.items()}
        return PerimeterSection(**lists, athena_sql_limit=self.limit)


class _Parser:
    """Walks a document, raising on the first problem and collecting warnings."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []

    def error(self, path: KeyPath, problem: str, value: Any) -> ConfigError:
        return config_error(self.source, path, problem, value)

    def document(self, data: Any) -> PerimeterConfig:
        if not isinstance(data, dict):
            raise self.error((), "expected a mapping with a 'baseline' section", data)
        # Check the section names first, so a misspelt `baseline` gets a suggestion.
        names = {key: self.account_key(key) for key in data if key != BASELINE}
        if BASELINE not in data:
            raise self.error((BASELINE,), "required section is missing", None)
        baseline = self.section(data[BASELINE], (BASELINE,), "baseline")
        accounts: dict[str, PerimeterSection] = {}
        exceptions: dict[str, Mapping[str, Mapping[str, PerimeterSection]]] = {}
        for key, account in names.items():
            if account in accounts:
                raise self.error((account,), "account section written twice", key)
            parts = self.section(data[key], (account,), "account")
            accounts[account] = parts.section()
            if parts.exceptions:
                exceptions[account] = parts.exceptions
        return PerimeterConfig(
            baseline=baseline.section(),
            accounts=accounts,
            exceptions=exceptions,
            org_unit_boundary=baseline.boundaries,
            source=self.source,
            warnings=tuple(self.warnings),
        )

    def account_key(self, key: Any) -> str:
        text = str(key)
        if not _is_scalar(key):
            raise self.error((text,), "expected 'baseline' or a 12-digit account id", key)
        if not text.isdigit():
            raise unknown_key_error(self.source, (text,), [BASELINE])
        return self.checked(check_account_id, key, (text,))

    def section(self, raw: Any, path: KeyPath, level: Level) -> _Parts:
        parts = _Parts()
        if raw is None:
            return parts
        if not isinstance(raw, dict):
            raise self.error(path, "expected a mapping of perimeter keys", raw)
        for key, value in raw.items():
            here = (*path, str(key))
            if key in LIST_KEYS:
                parts.lists[key].extend(self.string_list(value, here, _check_for(key)))
            elif key in ALIASES:
                self.warn_alias(here)
                target = ALIASES[key]
                parts.lists[target].extend(self.string_list(value, here, _check_for(target)))
            else:
                self.other_key(parts, key, value, here, level)
        return parts

    def other_key(self, parts: _Parts, key: Any, value: Any, here: KeyPath, level: Level) -> None:
        is_type = isinstance(key, str) and _RESOURCE_TYPE.fullmatch(key) is not None
        if key == "athena_sql_limit" and level != "resource":
            parts.limit = self.limit(value, here)
        elif key == "org_unit_boundary" and level == "baseline":
            parts.boundaries = self.boundaries(value, here)
        elif is_type and level == "account":
            parts.exceptions[key] = self.resource_blocks(value, here)
        elif key == "athena_sql_limit" or (is_type and level == "resource"):
            raise self.error(here, "not allowed in a resource exception block", value)
        elif is_type:
            raise self.error(here, "resource exception blocks belong in account sections", value)
        elif key == "org_unit_boundary":
            raise self.error(here, "only allowed in the baseline section", value)
        else:
            raise unknown_key_error(self.source, here, _KNOWN_KEYS[level])

    def warn_alias(self, path: KeyPath) -> None:
        target = ALIASES[str(path[-1])]
        self.warnings.append(
            f"{self.source}: {format_path(path)}: deprecated alias of {target!r}; its values "
            "were merged into that key, rename it"
        )

    def string_list(self, value: Any, path: KeyPath, check: Check) -> list[str]:
        if value is None:
            return []
        if isinstance(value, list):
            return [self.checked(check, item, (*path, i)) for i, item in enumerate(value)]
        if _is_scalar(value):
            return [self.checked(check, value, path)]
        raise self.error(path, "expected a list of strings", value)

    def checked(self, check: Check, item: Any, path: KeyPath) -> str:
        if not _is_scalar(item):
            raise self.error(path, "expected a string", item)
        try:
            return check(str(item))
        except InvalidValue as exc:
            # YAML turns an unquoted 0-prefixed id into an octal or shorter int.
            hint = f"; {_QUOTE_HINT}" if isinstance(item, int) and check is check_account_id else ""
            raise self.error(path, f"{exc}{hint}", item) from None

    def limit(self, value: Any, path: KeyPath) -> int:
        if value is None:
            return 0
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                here = (*path, index) if isinstance(value, list) else path
                raise self.error(here, "expected a non-negative integer", item)
        return max(items, default=0)

    def boundaries(self, value: Any, path: KeyPath) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(path, "expected a mapping of boundary name to OU ids", value)
        return {
            str(name): _unique(self.string_list(ous, (*path, str(name)), clean_ou_id))
            for name, ous in value.items()
        }

    def resource_blocks(self, value: Any, path: KeyPath) -> dict[str, PerimeterSection]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(path, "expected a mapping of resource name to exception keys", value)
        return {
            str(name): self.section(block, (*path, str(name)), "resource").section()
            for name, block in value.items()
        }


def _check_for(key: str) -> Check:
    return _CHECKS.get(key, check_trusted_value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)

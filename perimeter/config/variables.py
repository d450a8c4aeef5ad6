"""The variables file (variables.yaml, spec 2.1): where the data is and how to query it.

The file maps section names to variable mappings; one section is read. For each key, the
environment variable with exactly the key's name wins, then the file, then the default. An
empty value (YAML null, or an empty string) means "use the default", but `false` and `0` are
honoured (upstream chained values with `or` and lost them, spec 10 quirk 3). Every key is
documented in docs/configuration.md.
"""

import calendar
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from perimeter.config.errors import (
    InvalidValue,
    KeyPath,
    config_error,
    read_yaml,
    unknown_key_error,
)

DateMode = Literal["regex", "range", "interval"]

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
# Spec 2.1: the shapes upstream accepts for `partition_date_regex` (a SQL LIKE pattern).
_LIKE = re.compile(r"(\d{1,4}|\d{3}%|\d{2}%|\d{1}%)/(\d{2}|\d{1}%|%)/(\d{2}|\d{1}%|%)")
_SLASH_DATE = re.compile(r"\d{4}/\d{2}/\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?[0-9]+")
_S3_LOCATION = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")
_FINDINGS = ("IAM_ACCESS_ANALYZER", "SECURITY_HUB")
# Upstream's cache TTL counts a month as 31 days (spec 2.1).
_TTL_UNITS: Mapping[str, timedelta] = MappingProxyType(
    {
        "minute": timedelta(minutes=1),
        "hour": timedelta(hours=1),
        "day": timedelta(days=1),
        "month": timedelta(days=31),
    }
)


@dataclass(frozen=True)
class Variables:
    """Validated variables of one section; see docs/configuration.md for each key.

    Dates of `partition_date_start`/`_end` are parsed; intervals are normalised to lowercase
    `"<n> <unit>"`; the four directory keys are absolute once loaded by `load_variables`.
    `partition_date_regex` stays a string: it is a LIKE pattern to bind as a query parameter,
    never to paste into SQL text (upstream pasted it unquoted, spec 10 quirk 2).
    """

    region: str | None = None
    profile_athena_access: str | None = None
    profile_config_access: str | None = None
    profile_org_access: str | None = None
    external_access_findings: Literal["IAM_ACCESS_ANALYZER", "SECURITY_HUB"] | None = None
    profile_iam_access_analyzer: str | None = None
    config_aggregator_name: str | None = None
    athena_workgroup: str | None = None
    athena_database: str | None = None
    athena_ctas_approach: bool = False
    athena_cloudtrail_table_configuration: Literal["UNIQUE", "SPLIT"] = "UNIQUE"
    athena_table_name_mgmt_data_event: str | None = None
    athena_table_name_mgmt_event: str | None = None
    athena_table_name_data_event: str | None = None
    partition_date_regex: str | None = None
    partition_date_start: date | None = None
    partition_date_end: date | None = None
    partition_date_interval: str | None = None
    use_parameterized_queries: bool = True
    cache_referential: bool = False
    cache_expire_after_interval: str = "1 day"
    list_resource_type_to_cache: tuple[str, ...] = ()
    # Keys new in this project.
    engine: Literal["duckdb", "athena"] = "duckdb"
    local_cloudtrail_root: Path = Path("cloudtrail")
    inventory: Literal["local", "aws"] = "local"
    inventory_dir: Path = Path("inventory")
    output_dir: Path = Path("outputs")
    store_dir: Path = Path("dph-store")
    report_window_days: int = 30
    partitions_start_date: str = "2022-01-01"
    athena_output_location: str | None = None
    athena_catalog: str = "AwsDataCatalog"
    # Where the values came from (not variables).
    source: Path | None = field(default=None, compare=False)
    section: str = field(default="default", compare=False)

    @property
    def date_mode(self) -> DateMode | None:
        """The date mode in force: regex, then start+end (`range`), then interval; or None."""
        if self.partition_date_regex:
            return "regex"
        if self.partition_date_start and self.partition_date_end:
            return "range"
        if self.partition_date_interval:
            return "interval"
        return None

    def selected_days(self, today: date) -> list[date] | None:
        """List the days the date mode selects, oldest first, both ends included.

        An interval counts back from `today`: `2 day` gives 3 days; `1 month` starts on the
        same day of the previous calendar month, clamped to its length (Mar 31 gives Feb 28
        or 29), as Trino's `CURRENT_DATE - INTERVAL '1' MONTH` does; years likewise.

        Args:
            today: The reference day (the caller's current UTC date).

        Returns:
            The days, or None in regex mode (use `matches_day`) and when no mode is set.
        """
        mode = self.date_mode
        if mode == "range" and self.partition_date_start and self.partition_date_end:
            return _days_between(self.partition_date_start, self.partition_date_end)
        if mode == "interval" and self.partition_date_interval:
            count, unit = self.partition_date_interval.split()
            return _days_between(_back(today, int(count), unit), today)
        return None

    def matches_day(self, day: date) -> bool:
        """Whether `day`, written `YYYY/MM/DD`, matches the LIKE pattern `partition_date_regex`.

        `%` stands for any run of characters and `_` for one character; the whole text must
        match, as SQL LIKE does.

        Raises:
            ValueError: no `partition_date_regex` is set.
        """
        if not self.partition_date_regex:
            raise ValueError("partition_date_regex is not set")
        return _like_to_regex(self.partition_date_regex).fullmatch(f"{day:%Y/%m/%d}") is not None

    @property
    def cache_ttl(self) -> timedelta:
        """`cache_expire_after_interval` as a duration (a month counts 31 days, as upstream)."""
        count, unit = self.cache_expire_after_interval.split()
        return int(count) * _TTL_UNITS[unit]


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _back(today: date, count: int, unit: str) -> date:
    if unit == "day":
        return today - timedelta(days=count)
    months = count * (12 if unit == "year" else 1)
    year, month0 = divmod(today.year * 12 + today.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(today.day, last_day))


def _like_to_regex(pattern: str) -> re.Pattern[str]:
    parts = [".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern]
    return re.compile("".join(parts))


# Parsers: one raw value (any YAML value, or an environment string) to the typed value.
Parser = Callable[[Any], Any]
Origin = tuple[str | Path, KeyPath]


def _string(raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("expected a string")
    return raw


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str | int) else None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise InvalidValue("expected a boolean (true/false/yes/no/1/0)")


def _positive_int(raw: Any) -> int:
    if isinstance(raw, str) and _INT.fullmatch(raw.strip()):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise InvalidValue("expected a positive integer")
    return raw


def _choice(*options: str) -> Parser:
    def parse(raw: Any) -> str:
        if raw not in options:
            raise InvalidValue("expected one of " + ", ".join(repr(o) for o in options))
        return str(raw)

    return parse


def _path(raw: Any) -> Path:
    return Path(_string(raw)).expanduser()


def _slash_date(raw: Any) -> date:
    text = raw if isinstance(raw, str) else ""
    try:
        if _SLASH_DATE.fullmatch(text):
            return date(*map(int, text.split("/")))
    except ValueError:
        raise InvalidValue("not a real date") from None
    raise InvalidValue("expected a date written YYYY/MM/DD")


def _iso_date(raw: Any) -> str:
    # YAML reads an unquoted 2022-01-01 as a date already.
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw.isoformat()
    text = raw if isinstance(raw, str) else ""
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidValue("not a real date") from None
    raise InvalidValue("expected a date written YYYY-MM-DD")


def _interval(*units: str) -> Parser:
    shape = re.compile(rf"([0-9]+) ({'|'.join(units)})", re.IGNORECASE)

    def parse(raw: Any) -> str:
        if not isinstance(raw, str) or not shape.fullmatch(raw):
            raise InvalidValue(f"expected '<number> <unit>' with unit {'|'.join(units)}")
        return raw.lower()

    return parse


def _like_pattern(raw: Any) -> str:
    if not isinstance(raw, str) or not _LIKE.fullmatch(raw):
        raise InvalidValue("expected a LIKE pattern on YYYY/MM/DD such as '2023/05/%'")
    return raw


def _string_list(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):  # a single name, or a comma-separated environment value
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise InvalidValue("expected a list of strings")


def _findings(raw: Any) -> str | None:
    if raw is False or (isinstance(raw, str) and raw.lower() == "false"):
        return None
    if raw not in _FINDINGS:
        raise InvalidValue("expected 'IAM_ACCESS_ANALYZER', 'SECURITY_HUB' or false")
    return str(raw)


def _s3_location(raw: Any) -> str:
    if not isinstance(raw, str) or not _S3_LOCATION.fullmatch(raw):
        raise InvalidValue("expected an S3 location such as 's3://bucket/prefix/'")
    return raw


_PARSERS: Mapping[str, Parser] = MappingProxyType(
    {
        "region": _string,
        "profile_athena_access": _string,
        "profile_config_access": _string,
        "profile_org_access": _string,
        "external_access_findings": _findings,
        "profile_iam_access_analyzer": _string,
        "config_aggregator_name": _string,
        "athena_workgroup": _string,
        "athena_database": _string,
        "athena_ctas_approach": _boolean,
        "athena_cloudtrail_table_configuration": _choice("UNIQUE", "SPLIT"),
        "athena_table_name_mgmt_data_event": _string,
        "athena_table_name_mgmt_event": _string,
        "athena_table_name_data_event": _string,
        "partition_date_regex": _like_pattern,
        "partition_date_start": _slash_date,
        "partition_date_end": _slash_date,
        "partition_date_interval": _interval("day", "month", "year"),
        "use_parameterized_queries": _boolean,
        "cache_referential": _boolean,
        "cache_expire_after_interval": _interval("minute", "hour", "day", "month"),
        "list_resource_type_to_cache": _string_list,
        "engine": _choice("duckdb", "athena"),
        "local_cloudtrail_root": _path,
        "inventory": _choice("local", "aws"),
        "inventory_dir": _path,
        "output_dir": _path,
        "store_dir": _path,
        "report_window_days": _positive_int,
        "partitions_start_date": _iso_date,
        "athena_output_location": _s3_location,
        "athena_catalog": _string,
    }
)
VARIABLE_KEYS: tuple[str, ...] = tuple(_PARSERS)
_DEFAULTS = Variables()
_PATH_KEYS = ("local_cloudtrail_root", "inventory_dir", "output_dir", "store_dir")
ENVIRONMENT = "environment"
"""The source named in errors about environment variables."""


def load_variables(
    path: Path, section: str = "default", environ: Mapping[str, str] | None = None
) -> Variables:
    """Read, merge with the environment and validate one section of a variables file.

    Args:
        path: The variables file. Relative directory values are resolved against its folder.
        section: The section to read.
        environ: The environment to read overrides from (`os.environ` when None). A variable
            named exactly like a key overrides it; an empty one is ignored. Values are parsed
            to the key's type; list values are comma-separated.

    Returns:
        The validated variables.

    Raises:
        ConfigError: the file is missing or unreadable, the section is missing, or a key is
            unknown, of the wrong type, or missing while required.
    """
    env = os.environ if environ is None else environ
    path = Path(path)
    raw = _read_section(path, section)
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for key, parse in _PARSERS.items():
        # The file value is checked even when the environment overrides it: the file must be
        # valid on its own.
        candidates = [((path, (section, key)), raw.get(key)), ((ENVIRONMENT, (key,)), env.get(key))]
        for origin, value in candidates:
            if value is None or value == "":
                continue
            try:
                values[key] = parse(value)
            except InvalidValue as exc:
                raise config_error(*origin, str(exc), value) from None
            origins[key] = origin
        origins.setdefault(key, (path, (section, key)))
    base = path.resolve().parent
    for key in _PATH_KEYS:
        values[key] = base / values.get(key, getattr(_DEFAULTS, key))
    variables = Variables(**values, source=path, section=section)
    _check_together(variables, origins)
    return variables


def _read_section(path: Path, section: str) -> dict[str, Any]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise config_error(path, (), "expected a mapping of section names", data)
    if section not in data:
        names = ", ".join(repr(str(name)) for name in data) or "none"
        problem = f"section not found (sections: {names}); choose one with --section (-vys)"
        raise config_error(path, (section,), problem, section)
    raw = data[section]
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise config_error(path, (section,), "expected a mapping of variables", raw)
    for key in raw:
        if key not in _PARSERS:
            raise unknown_key_error(path, (section, str(key)), VARIABLE_KEYS)
    return raw


def _check_together(
    variables: Variables, origins: Mapping[str, tuple[str | Path, KeyPath]]
) -> None:
    """Checks that involve several keys, reported on the key to fix."""
    required: list[tuple[str, str]] = []
    if variables.engine == "athena":
        required += [
            (k, "when engine is 'athena'") for k in ("athena_workgroup", "athena_database")
        ]
    if variables.inventory == "aws":
        required.append(("config_aggregator_name", "when inventory is 'aws'"))
    start, end = variables.partition_date_start, variables.partition_date_end
    if start and not end:
        required.append(("partition_date_end", "when partition_date_start is set"))
    if end and not start:
        required.append(("partition_date_start", "when partition_date_end is set"))
    for key, condition in required:
        if getattr(variables, key) is None:
            raise config_error(*origins[key], f"required {condition}", None)
    if start and end and end < start:
        value = f"{end:%Y/%m/%d}"
        problem = f"earlier than partition_date_start {start:%Y/%m/%d}"
        raise config_error(*origins["partition_date_end"], problem, value)

"""Error messages of the configuration loaders, and the YAML reader that produces them.

Every problem becomes one `ConfigError` whose message has a fixed, greppable shape:

- a value problem: `<file>: <key path>: <problem> (got <value repr>)`;
- a YAML syntax problem: `<file>:<line>:<column>: invalid YAML: <problem>` (1-based);
- a file problem: `<file>: <problem>`.

Key paths join mapping keys with dots and list positions with `[i]`
(`baseline.network_perimeter_expected_vpc[2]`). A key that holds a dot, a bracket or a space,
such as a bucket name `logs.example.com`, is written as `['logs.example.com']` so the path
stays unambiguous.
"""

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from perimeter.errors import ConfigError

KeyPath = tuple[str | int, ...]

_MAX_REPR = 200
_CLOSE = 0.6  # difflib's own default cutoff
_PLAIN_SEGMENT = re.compile(r"[^.\[\]\s]+")


class InvalidValue(ValueError):
    """A single value failed a check; the text is the problem, without file or key path."""


def format_path(path: KeyPath) -> str:
    """Render a key path: dots between keys, `[i]` for list positions, `['a.b']` for odd keys.

    Args:
        path: Mapping keys (str) and list positions (int), outermost first.

    Returns:
        The rendered path, or `(top level)` for an empty path.
    """
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif _PLAIN_SEGMENT.fullmatch(segment):
            text += f".{segment}" if text else segment
        else:
            text += f"[{segment!r}]"
    return text or "(top level)"


def _value_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."


def config_error(source: str | Path, path: KeyPath, problem: str, value: Any) -> ConfigError:
    """Build the error for one bad value.

    Args:
        source: The file (or `environment` for environment variables) the value came from.
        path: Where the value sits in that source.
        problem: What is wrong, in a few words, without a trailing period.
        value: The offending value; its repr is shown (cut at 200 characters).

    Returns:
        The error, to be raised by the caller.
    """
    return ConfigError(f"{source}: {format_path(path)}: {problem} (got {_value_repr(value)})")


def unknown_key_error(source: str | Path, path: KeyPath, known: Iterable[str]) -> ConfigError:
    """Build the error for an unknown key, suggesting the closest known key when one is close.

    Args:
        source: The file the key came from.
        path: The full path of the unknown key; its last segment is the key itself.
        known: The keys accepted at that place.

    Returns:
        The error, to be raised by the caller.
    """
    key = path[-1]
    message = f"{source}: {format_path(path)}: unknown key (got {key!r})"
    close = closest_key(str(key), known)
    if close:
        message += f"; did you mean {close!r}?"
    return ConfigError(message)


def closest_key(key: str, known: Iterable[str]) -> str | None:
    """Find the known key a misspelt one most likely meant, or None when none is close.

    Candidates must be close letter by letter (difflib ratio of at least 0.6). Among them,
    the one that also shares the most underscore-separated words wins, so
    `network_perimeter_expected_cidr` gives `network_perimeter_expected_public_cidr`
    rather than the letter-wise closer `network_perimeter_expected_vpc`.
    """
    text = key.lower()
    best: tuple[float, str] | None = None
    for candidate in known:
        letters = difflib.SequenceMatcher(None, text, candidate).ratio()
        if letters < _CLOSE:
            continue
        words = difflib.SequenceMatcher(None, text.split("_"), candidate.split("_")).ratio()
        if best is None or letters + words > best[0]:
            best = (letters + words, candidate)
    return best[1] if best else None


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that rejects a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # unhashable key: the base constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """Read and parse one YAML file with safe loading and duplicate-key detection.

    Args:
        path: The file to read.

    Returns:
        The parsed document (None for an empty file).

    Raises:
        ConfigError: the file is missing or unreadable, or its YAML is invalid; syntax errors
            give the 1-based line and column of the problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc}") from exc
    try:
        # _UniqueKeyLoader derives from SafeLoader: no arbitrary object construction.
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc

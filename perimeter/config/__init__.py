"""Loading and validation of the two configuration files: variables.yaml and data_perimeter.yaml.

Both loaders check everything before anything runs and raise one `ConfigError` per problem,
shaped `<file>: <key path>: <problem> (got <value>)`. See docs/configuration.md.
"""

from perimeter.config.perimeter_file import (
    ALIASES,
    LIST_KEYS,
    PerimeterConfig,
    PerimeterSection,
    load_perimeter,
)
from perimeter.config.validators import compile_patterns, escape_pattern
from perimeter.config.variables import VARIABLE_KEYS, Variables, load_variables

__all__ = [
    "ALIASES",
    "LIST_KEYS",
    "VARIABLE_KEYS",
    "PerimeterConfig",
    "PerimeterSection",
    "Variables",
    "compile_patterns",
    "escape_pattern",
    "load_perimeter",
    "load_variables",
]

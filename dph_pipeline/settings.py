"""Settings of one code location: the two configuration files, validated once.

Paths come from environment variables, read only when `load_settings` is called (never at
import): `DPH_VARIABLES_FILE` (default `variables.yaml` in the working directory),
`DPH_VARIABLES_SECTION` (default `default`) and `DPH_PERIMETER_FILE` (default
`data_perimeter.yaml` beside the variables file).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from perimeter.config import PerimeterConfig, Variables, load_perimeter, load_variables


@dataclass(frozen=True)
class Settings:
    """Validated configuration of a run."""

    variables: Variables
    perimeter: PerimeterConfig
    variables_file: Path
    perimeter_file: Path


def load_settings(
    variables_file: Path | None = None,
    section: str | None = None,
    perimeter_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Load and validate both files; explicit arguments win over environment variables.

    Raises:
        ConfigError: a file is missing or invalid; the message names the file and the key.
    """
    env = os.environ if environ is None else environ
    vfile = Path(variables_file or env.get("DPH_VARIABLES_FILE") or "variables.yaml").resolve()
    pfile = Path(
        perimeter_file or env.get("DPH_PERIMETER_FILE") or vfile.parent / "data_perimeter.yaml"
    ).resolve()
    variables = load_variables(vfile, section or env.get("DPH_VARIABLES_SECTION") or "default", env)
    return Settings(variables, load_perimeter(pfile), vfile, pfile)

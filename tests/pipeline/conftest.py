"""Helpers for tests that run the whole Dagster job on a folder of CloudTrail files."""

import json
from pathlib import Path

import pytest

from dph_pipeline.run import RunOutcome, run_pipeline
from dph_pipeline.settings import Settings, load_settings

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "cloudtrail-data"


def write_project(
    folder: Path,
    cloudtrail_root: Path,
    inventory: dict[str, object],
    perimeter: str,
    extra_variables: str = "",
) -> Path:
    """Write variables.yaml, data_perimeter.yaml and an inventory folder; return the first."""
    (folder / "inventory").mkdir(parents=True, exist_ok=True)
    for name, doc in inventory.items():
        (folder / "inventory" / name).write_text(json.dumps(doc))
    (folder / "data_perimeter.yaml").write_text(perimeter)
    variables = folder / "variables.yaml"
    variables.write_text(
        "default:\n"
        f"  local_cloudtrail_root: {cloudtrail_root}\n"
        "  inventory_dir: inventory\n"
        "  output_dir: outputs\n"
        "  store_dir: store\n"
        f"{extra_variables}"
    )
    return variables


def run(variables: Path, **kwargs: object) -> tuple[Settings, RunOutcome]:
    settings = load_settings(variables, environ={})
    outcome = run_pipeline(settings, log_level="WARNING", **kwargs)
    assert outcome.success
    return settings, outcome


@pytest.fixture(autouse=True)
def _no_dagster_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs use an ephemeral Dagster instance, whatever the developer's shell says."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

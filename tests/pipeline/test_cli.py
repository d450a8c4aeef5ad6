"""`dph` exit codes and messages on bad input."""

from pathlib import Path

import pytest

from dph_pipeline.cli import main


def test_missing_variables_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    missing = tmp_path / "nope.yaml"
    assert main(["run", "--variables", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dph: ")
    assert str(missing) in err


def test_bad_start_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    main(["sample", "--out", str(tmp_path), "--events-per-day", "0"])
    capsys.readouterr()
    code = main(["run", "--variables", str(tmp_path / "variables.yaml"), "--start", "2024-13-01"])
    assert code == 2
    assert capsys.readouterr().err == "dph: --start: not a date YYYY-MM-DD (got '2024-13-01')\n"


def test_unknown_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    main(["sample", "--out", str(tmp_path), "--events-per-day", "0"])
    capsys.readouterr()
    code = main(["run", "--variables", str(tmp_path / "variables.yaml"), "-lq", "nothing_like_it"])
    assert code == 2
    assert "no query matches 'nothing_like_it'" in capsys.readouterr().err


def test_sample_needs_four_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["sample", "--out", str(tmp_path), "--accounts", "3"]) == 2
    assert capsys.readouterr().err == (
        "dph: --accounts: the sample organisation has at least 4 (got 3)\n"
    )


def test_engine_not_available_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    variables = tmp_path / "variables.yaml"
    variables.write_text(
        "default:\n  engine: athena\n  athena_workgroup: primary\n  athena_database: default\n"
        "  athena_table_name_mgmt_data_event: cloudtrail\n"
    )
    (tmp_path / "data_perimeter.yaml").write_text("baseline: {}\n")
    assert main(["run", "--variables", str(variables)]) == 2
    assert capsys.readouterr().err == (
        f"dph: {variables}: engine: not available in this version, use 'duckdb' (got 'athena')\n"
    )

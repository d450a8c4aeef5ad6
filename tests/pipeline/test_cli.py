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
        f"dph: {variables}: default.engine: not available in this version, use 'duckdb' "
        "(got 'athena')\n"
    )


def _sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    main(["sample", "--out", str(tmp_path), "--events-per-day", "0", "--days", "2"])
    capsys.readouterr()
    return tmp_path / "variables.yaml"


def test_missing_cloudtrail_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    variables = _sample(tmp_path, capsys)
    (tmp_path / "cloudtrail").rename(tmp_path / "elsewhere")
    assert main(["run", "--variables", str(variables)]) == 2
    assert capsys.readouterr().err == (
        f"dph: {variables}: default.local_cloudtrail_root: folder not found "
        f"(got '{tmp_path / 'cloudtrail'}')\n"
    )


def test_missing_inventory_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    variables = _sample(tmp_path, capsys)
    (tmp_path / "inventory").rename(tmp_path / "elsewhere")
    assert main(["run", "--variables", str(variables)]) == 2
    assert capsys.readouterr().err == (
        f"dph: {variables}: default.inventory_dir: folder not found "
        f"(got '{tmp_path / 'inventory'}'); see docs/inventory.md\n"
    )


def test_invalid_inventory_file_stops_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    variables = _sample(tmp_path, capsys)
    (tmp_path / "inventory" / "accounts.json").write_text('{"Accounts": [{"Id": "12345"}]}')
    assert main(["run", "--variables", str(variables)]) == 2
    assert capsys.readouterr().err == (
        f"dph: {tmp_path / 'inventory' / 'accounts.json'}: Accounts[0].Id: "
        "not a 12-digit account id (got '12345')\n"
    )


def test_days_without_files_are_pointed_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    variables = _sample(tmp_path, capsys)
    code = main(
        ["run", "--variables", str(variables), "--start", "2024-03-10", "--end", "2024-03-11"]
    )
    assert code == 0
    assert (
        "dph: note: no CloudTrail file for 2024-03-10 .. 2024-03-11; "
        "the folder has files for 2024-03-04 .. 2024-03-05"
    ) in capsys.readouterr().err.splitlines()


def test_failed_step_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    variables = _sample(tmp_path, capsys)
    # an output folder that cannot be created: the report step fails
    (tmp_path / "outputs").write_text("a file where the folder should be")
    assert main(["run", "--variables", str(variables)]) == 1
    lines = capsys.readouterr().err.splitlines()
    at = lines.index("dph: the run over 2024-03-04 .. 2024-03-05 failed:")
    assert lines[at + 1] == (
        f"  perimeter_report: FileExistsError: [Errno 17] File exists: '{tmp_path / 'outputs'}'"
    )

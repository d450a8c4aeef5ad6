"""Which days `dph run` covers."""

from datetime import date
from pathlib import Path

import pytest

from assets.partitions import contiguous_blocks
from dph_pipeline.run import choose_days
from perimeter.config import load_variables
from perimeter.errors import ConfigError

TODAY = date(2024, 3, 20)


def span(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def _variables(tmp_path: Path, body: str):
    path = tmp_path / "variables.yaml"
    path.write_text("default:\n  partitions_start_date: '2024-01-01'\n" + body)
    return load_variables(path, "default", {})


def test_flags_win(tmp_path: Path):
    v = _variables(
        tmp_path, "  partition_date_start: 2024/02/01\n  partition_date_end: 2024/02/03\n"
    )
    assert choose_days(v, None, TODAY, "2024-03-01", "2024-03-02") == span(
        date(2024, 3, 1), date(2024, 3, 2)
    )


def test_start_alone_runs_until_today(tmp_path: Path):
    v = _variables(tmp_path, "")
    assert choose_days(v, None, TODAY, "2024-03-01", None) == span(date(2024, 3, 1), TODAY)


def test_range_mode(tmp_path: Path):
    v = _variables(
        tmp_path, "  partition_date_start: 2024/02/01\n  partition_date_end: 2024/02/03\n"
    )
    assert choose_days(v, None, TODAY) == span(date(2024, 2, 1), date(2024, 2, 3))


def test_interval_mode(tmp_path: Path):
    v = _variables(tmp_path, "  partition_date_interval: 2 day\n")
    assert choose_days(v, None, TODAY) == span(date(2024, 3, 18), TODAY)


def test_regex_mode_uses_available_days(tmp_path: Path):
    v = _variables(tmp_path, "  partition_date_regex: 2024/02/%\n")
    available = ["2024-01-31", "2024-02-03", "2024-02-10", "2024-03-01"]
    assert choose_days(v, available, TODAY) == [date(2024, 2, 3), date(2024, 2, 10)]


def test_regex_matching_nothing(tmp_path: Path):
    v = _variables(tmp_path, "  partition_date_regex: 2023/%/%\n")
    with pytest.raises(ConfigError) as err:
        choose_days(v, ["2024-02-03"], TODAY)
    assert str(err.value) == (
        f"{tmp_path / 'variables.yaml'}: partition_date_regex: no day with CloudTrail files "
        "matches (got '2023/%/%')"
    )


def test_default_window_ends_at_latest_local_day(tmp_path: Path):
    v = _variables(tmp_path, "  report_window_days: 7\n")
    assert choose_days(v, ["2024-02-01", "2024-02-20"], TODAY) == span(
        date(2024, 2, 14), date(2024, 2, 20)
    )


def test_default_window_is_clipped_to_the_first_partition(tmp_path: Path):
    v = _variables(tmp_path, "")
    assert choose_days(v, ["2024-01-05"], TODAY) == span(date(2024, 1, 1), date(2024, 1, 5))


def test_range_before_first_partition(tmp_path: Path):
    v = _variables(
        tmp_path, "  partition_date_start: 2023/12/30\n  partition_date_end: 2024/01/02\n"
    )
    with pytest.raises(ConfigError) as err:
        choose_days(v, None, TODAY)
    assert str(err.value) == (
        f"{tmp_path / 'variables.yaml'}: partitions_start_date: the run starts on 2023-12-30, "
        "before the first partition (got '2024-01-01')"
    )


def test_inverted_flags(tmp_path: Path):
    v = _variables(tmp_path, "")
    with pytest.raises(
        ConfigError, match="the last day 2024-03-01 is before the first day 2024-03-05"
    ):
        choose_days(v, None, TODAY, "2024-03-05", "2024-03-01")


def test_contiguous_blocks():
    days = [
        date(2024, 2, 3),
        date(2024, 2, 4),
        date(2024, 2, 10),
        date(2024, 3, 1),
        date(2024, 3, 2),
    ]
    assert contiguous_blocks(days) == [days[:2], [days[2]], days[3:]]

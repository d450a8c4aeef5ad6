"""Which days a report covers."""

from datetime import date

from assets.report import report_days

TODAY = date(2024, 3, 20)


def test_explicit_days_win():
    days = ["2024-03-05", "2024-03-01", "2024-03-05"]
    assert report_days(days, ["2024-03-10"], [], 30, TODAY) == ["2024-03-01", "2024-03-05"]


def test_run_days_with_the_window_ending_on_the_last_one():
    run = ["2024-03-09", "2024-03-10"]
    assert report_days(None, run, [], 3, TODAY) == ["2024-03-08", "2024-03-09", "2024-03-10"]


def test_a_run_longer_than_the_window_is_reported_whole():
    run = ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert report_days(None, run, [], 1, TODAY) == run


def test_without_a_run_the_window_ends_on_the_latest_stored_day():
    assert report_days(None, None, ["2024-02-01", "2024-02-10"], 2, TODAY) == [
        "2024-02-09",
        "2024-02-10",
    ]
    assert report_days(None, None, [], 1, TODAY) == ["2024-03-20"]

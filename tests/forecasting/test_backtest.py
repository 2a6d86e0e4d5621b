"""The backtest report: scores per horizon bucket, against seasonal naive and the Poisson floor."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from forecasting.backtest import backtest
from tests.forecasting.synthetic import make_history


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return make_history(
        [("Europe/London", 1500.0), ("America/New_York", 600.0)], start="2024-01-01", days=84, seed=11
    )


def test_report_scores_each_queue_by_horizon_bucket(history: pd.DataFrame) -> None:
    report = backtest(history, team_tz="Europe/London", interval_minutes=30, n_origins=3)
    assert list(report.summary["horizon"]) == ["day 1", "days 2-3", "days 4-7", "all"]
    overall = report.summary.set_index("horizon").loc["all"]
    assert overall["wape"] < overall["naive_wape"]
    assert overall["wape"] >= overall["poisson_floor"] * 0.9
    assert 0.72 <= overall["coverage"] <= 0.92
    assert abs(overall["bias"]) < 0.05
    text = report.render()
    assert "WAPE" in text
    assert "days 4-7" in text
    assert "creator-email" in text
    assert set(report.cells["horizon_day"]) == set(range(1, 8))


def test_backtest_of_a_short_history_says_how_much_is_needed() -> None:
    short = make_history([("Europe/London", 500.0)], start="2024-01-01", days=16)
    with pytest.raises(InvalidInput, match="too short to backtest"):
        backtest(short, team_tz="Europe/London", n_origins=2)


def test_coverage_of_the_80_percent_band_holds_with_day_level_noise() -> None:
    noisy = make_history([("Europe/London", 3000.0)], start="2024-01-01", days=91, day_noise=0.08, seed=12)
    report = backtest(noisy, team_tz="Europe/London", interval_minutes=60, n_origins=4)
    overall = report.summary[report.summary["horizon"] == "all"]
    coverage = float(overall["coverage"].iloc[0])
    assert 0.72 <= coverage <= 0.9, coverage
    assert np.isfinite(report.summary["daily_wape"]).all()


def test_a_backtest_for_a_week_scores_the_weeks_before_it_on_its_weekday(history: pd.DataFrame) -> None:
    """A lead's export ran into the Wednesday forecast: the weeks scored end the day before it (the
    history from then on left out, as the forecast leaves it out) and start on Wednesdays; a week
    after the history's end is scored on the last whole weeks the history holds."""
    report = backtest(
        history, team_tz="Europe/London", interval_minutes=30, n_origins=2, until=date(2024, 3, 20)
    )
    assert report.origins == ("2024-03-06", "2024-03-13")
    later = backtest(
        history, team_tz="Europe/London", interval_minutes=30, n_origins=2, until=date(2024, 3, 28)
    )
    assert later.origins == ("2024-03-07", "2024-03-14")  # Thursdays; the history ends Sun 24 Mar

"""The frame layer: contract in, contract out, wall clocks, messy history, special days."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from forecasting import ForecastWarning, SpecialDay, forecast_columns, forecast_notes, forecast_week
from forecasting.core import WallHistory, build_wall_history, wall_clock
from forecasting.models import LevelProfile
from tests.forecasting.synthetic import make_history, true_rate_on_grid

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def _laid_out(
    frame: pd.DataFrame, region: str, interval_minutes: int, cutoff: datetime, **more: Any
) -> WallHistory:
    """`build_wall_history` of a history frame's rows, as queue "q" on `region`'s clock."""
    return build_wall_history(
        pd.DatetimeIndex(frame["ds"]),
        frame["y"].to_numpy(),
        frame["aht_s"].to_numpy(),
        queue="q",
        region=region,
        clock_tz=region,
        interval_minutes=interval_minutes,
        cutoff_utc=cutoff,
        **more,
    )


@pytest.fixture(scope="module")
def two_regions() -> pd.DataFrame:
    return make_history([(LONDON, 800.0), (NEW_YORK, 400.0)], start="2024-01-01", days=56, seed=1)


def test_forecast_follows_the_contract(two_regions: pd.DataFrame) -> None:
    week = PlanningWeek(date(2024, 2, 26), "America/Phoenix", 15)
    out = forecast_week(two_regions, week)
    assert list(out.columns) == forecast_columns((0.1, 0.5, 0.9))
    assert len(out) == 2 * week.grid.n_intervals
    for _, part in out.groupby("region"):
        assert (pd.DatetimeIndex(part["ds"]) == week.grid.starts()).all()
    assert str(out["ds"].dt.tz) == "UTC"
    values = out[["mean", "q10", "q50", "q90"]].to_numpy()
    assert np.all(values >= 0)
    assert np.all(out["q10"] <= out["q50"])
    assert np.all(out["q50"] <= out["q90"])
    assert out["aht_s"].between(250, 350).all()


@pytest.mark.parametrize(("first_day", "n_intervals"), [(date(2024, 3, 4), 672), (date(2024, 3, 25), 668)])
def test_a_week_with_a_dst_change_has_fewer_intervals(
    two_regions: pd.DataFrame, first_day: date, n_intervals: int
) -> None:
    history = make_history([(LONDON, 800.0)], start="2024-01-01", days=90, seed=2)
    out = forecast_week(
        history[history["ds"] < pd.Timestamp(first_day, tz="UTC")], PlanningWeek(first_day, LONDON)
    )
    assert len(out) == n_intervals


def test_closed_hours_are_forecast_exactly_zero(two_regions: pd.DataFrame) -> None:
    out = forecast_week(two_regions, PlanningWeek(date(2024, 2, 26), "UTC", 30))
    london = out[out["region"] == LONDON]
    local_hour = pd.DatetimeIndex(london["ds"]).tz_convert(LONDON).hour
    night = london[(local_hour < 6) | (local_hour >= 23)]
    assert (night[["mean", "q10", "q50", "q90"]].to_numpy() == 0.0).all()


def test_each_region_lands_on_its_own_clock(two_regions: pd.DataFrame) -> None:
    week = PlanningWeek(date(2024, 2, 26), "UTC", 60)
    out = forecast_week(two_regions, week)
    for region, per_day in ((LONDON, 800.0), (NEW_YORK, 400.0)):
        mean = out.loc[out["region"] == region, "mean"].to_numpy()
        truth = true_rate_on_grid(week.grid.starts(), region, per_day, 60)
        assert np.abs(mean - truth).sum() / truth.sum() < 0.08


def test_a_queue_with_a_few_contacts_a_day_is_forecast_as_a_rate_not_as_last_weeks_calls() -> None:
    """Twelve calls a day: most intervals get none in any week, and the need follows the rate."""
    history = make_history([(LONDON, 12.0)], start="2024-01-01", days=56, seed=4)
    week = PlanningWeek(date(2024, 2, 26), LONDON, 15)
    mean = forecast_week(history, week)["mean"].to_numpy()
    truth = true_rate_on_grid(week.grid.starts(), LONDON, 12.0, 15)
    last_week = history[history["ds"] >= pd.Timestamp("2024-02-19", tz=LONDON)]["y"].to_numpy()
    error = np.abs(mean - truth).sum() / truth.sum()
    assert error < 0.4 * np.abs(last_week[: truth.size] - truth).sum() / truth.sum()
    busy = truth > 0.25 * truth.max()
    assert np.all(mean[busy] > 0), "no busy interval is forecast empty"
    assert np.all(mean[truth == 0] == 0), "closed hours stay closed"


def test_five_minute_history_equals_its_fifteen_minute_sum() -> None:
    fine = make_history(
        [(LONDON, 900.0)], start="2024-01-01", days=28, interval_minutes=5, seed=3, aht_s=None
    )
    coarse = fine.assign(ds=fine["ds"].dt.floor("15min")).groupby(["ds", "queue", "region"], as_index=False)
    coarse_frame = coarse.agg(y=("y", "sum"), aht_s=("aht_s", "mean"))
    week = PlanningWeek(date(2024, 1, 29), LONDON, 15)
    a = forecast_week(fine, week)
    b = forecast_week(coarse_frame, week)
    np.testing.assert_allclose(a["mean"], b["mean"], rtol=1e-9)


def test_wall_matrix_matches_a_slow_reference_across_fall_back() -> None:
    history = make_history([(LONDON, 500.0)], start="2023-10-16", days=21, seed=4)
    cutoff = datetime(2023, 11, 6, tzinfo=UTC)
    fast = _laid_out(history, LONDON, 30, cutoff)
    # Slow reference: one row at a time with zoneinfo; repeated wall slots averaged.
    tz = ZoneInfo(LONDON)
    sums: dict[tuple[date, int], float] = {}
    utc_slots: dict[tuple[date, int], set[datetime]] = {}
    for ts, y in zip(history["ds"], history["y"], strict=True):
        local = ts.to_pydatetime().astimezone(tz)
        key = (local.date(), (local.hour * 60 + local.minute) // 30)
        sums[key] = sums.get(key, 0.0) + y
        utc_slots.setdefault(key, set()).add(ts.to_pydatetime().replace(minute=ts.minute // 30 * 30))
    for (day, slot), total in sums.items():
        row = (day - date(1970, 1, 1)).days - fast.first_day
        if 0 <= row < fast.n_days:
            assert fast.rate[row, slot] == pytest.approx(total / len(utc_slots[(day, slot)]))
    fall_back_row = (date(2023, 10, 29) - date(1970, 1, 1)).days - fast.first_day
    assert np.isfinite(fast.rate[fall_back_row]).all()


def test_spring_forward_hour_is_missing_not_zero() -> None:
    history = make_history([(NEW_YORK, 500.0)], start="2024-02-26", days=21, seed=5)
    series = _laid_out(history, NEW_YORK, 15, datetime(2024, 3, 18, 5, tzinfo=UTC))
    row = (date(2024, 3, 10) - date(1970, 1, 1)).days - series.first_day
    assert np.isnan(series.rate[row, 8:12]).all()  # 02:00-03:00 never happened
    assert np.isfinite(series.rate[row, :8]).all()


def test_wall_clock_gives_local_day_and_minute() -> None:
    day, minute = wall_clock(pd.DatetimeIndex(["2024-07-01T12:00Z"]), NEW_YORK)
    assert day[0] == (date(2024, 7, 1) - date(1970, 1, 1)).days
    assert minute[0] == 8 * 60


def test_history_shorter_than_a_week_is_an_error() -> None:
    history = make_history([(LONDON, 500.0)], start="2024-01-01", days=5)
    with pytest.raises(InvalidInput, match="at least 7 days"):
        forecast_week(history, PlanningWeek(date(2024, 1, 8), LONDON))


def test_history_of_ten_days_falls_back_to_seasonal_naive_with_a_warning() -> None:
    history = make_history([(LONDON, 500.0)], start="2024-01-01", days=10)
    with pytest.warns(ForecastWarning, match="shorter than two weeks"):
        out = forecast_week(history, PlanningWeek(date(2024, 1, 11), LONDON))
    assert out["mean"].sum() > 0


def test_a_history_that_runs_into_the_week_is_used_up_to_it_and_said(two_regions: pd.DataFrame) -> None:
    """Forecasting a week already past (the history runs three days into it): the forecast is the one
    made from the history before the week, and a note says so."""
    week = PlanningWeek(date(2024, 2, 19), LONDON)
    before = two_regions[two_regions["ds"] < pd.Timestamp(week.start_utc)]
    assert len(before) < len(two_regions)
    with forecast_notes() as notes:
        out = forecast_week(two_regions, week)
    (note,) = notes
    assert "the history runs into the days forecast" in note
    assert "2024-02-19 00:00 UTC" in note
    with warnings.catch_warnings():
        warnings.simplefilter("error", ForecastWarning)  # none for the history before the week
        expected = forecast_week(before, week)
    pd.testing.assert_frame_equal(out, expected)


def test_conflicting_duplicates_are_an_error_and_exact_ones_are_dropped(two_regions: pd.DataFrame) -> None:
    week = PlanningWeek(date(2024, 2, 26), "UTC", 60)
    doubled = pd.concat([two_regions, two_regions.iloc[:50]], ignore_index=True)
    pd.testing.assert_frame_equal(forecast_week(doubled, week), forecast_week(two_regions, week))
    clash = two_regions.iloc[[100]].assign(y=two_regions["y"].iloc[100] + 1)
    with pytest.raises(InvalidInput, match="different values for the same interval"):
        forecast_week(pd.concat([two_regions, clash]), week)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(ds=f["ds"].dt.tz_localize(None)), "timezone-aware"),
        (lambda f: f.assign(region="Mars/Base"), "unknown time zone"),
        (lambda f: f.assign(y=-f["y"]), "negative"),
        (lambda f: f.drop(columns=["y"]), "lacks column"),
    ],
)
def test_bad_history_is_rejected_with_what_to_do(
    two_regions: pd.DataFrame, change: object, message: str
) -> None:
    bad = change(two_regions.iloc[:2000])  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=message):
        forecast_week(bad, PlanningWeek(date(2024, 2, 26), "UTC"))


def test_missing_days_and_an_outlier_do_not_bend_the_forecast(two_regions: pd.DataFrame) -> None:
    london = two_regions[two_regions["region"] == LONDON]
    week = PlanningWeek(date(2024, 2, 26), "UTC", 60)
    clean = forecast_week(london, week)
    local_day = pd.DatetimeIndex(london["ds"]).tz_convert(LONDON).normalize().tz_localize(None)
    messy = london[~local_day.isin(pd.to_datetime(["2024-02-13", "2024-02-20", "2024-01-30"]))].copy()
    spike = messy["ds"] == pd.Timestamp("2024-02-21T12:00Z")
    messy.loc[spike, "y"] = 5000.0
    out = forecast_week(messy, week)
    assert abs(out["mean"].sum() / clean["mean"].sum() - 1) < 0.05
    assert out["mean"].max() < 2 * clean["mean"].max()


def test_closures_and_events_change_only_their_day(two_regions: pd.DataFrame) -> None:
    week = PlanningWeek(date(2024, 2, 26), LONDON, 60)
    base = forecast_week(two_regions, week)
    specials = [
        SpecialDay(date(2024, 2, 27), "closed", queue="creator-email"),
        SpecialDay(date(2024, 2, 29), "event", multiplier=1.5, region=LONDON),
    ]
    out = forecast_week(two_regions, week, specials=specials)
    local_day = pd.DatetimeIndex(out["ds"]).tz_convert(LONDON).date
    closed = local_day == date(2024, 2, 27)
    launch = (local_day == date(2024, 2, 29)) & (out["region"] == LONDON).to_numpy()
    assert (out.loc[closed, ["mean", "q90"]].to_numpy() == 0).all()
    np.testing.assert_allclose(out.loc[launch, "mean"], 1.5 * base.loc[launch, "mean"])
    # The day after the closure may catch up; days before it are untouched.
    before = local_day == date(2024, 2, 26)
    np.testing.assert_allclose(out.loc[before, "mean"], base.loc[before, "mean"])


def test_a_holiday_the_queue_was_closed_on_is_forecast_closed_the_next_year() -> None:
    history = make_history([(LONDON, 400.0)], start="2023-01-02", days=371, interval_minutes=60, seed=6)
    local_day = pd.DatetimeIndex(history["ds"]).tz_convert(LONDON).date
    history = history[local_day != date(2023, 12, 25)]  # no rows on Christmas: closed
    week = PlanningWeek(date(2024, 12, 23), LONDON, 60)
    history = pd.concat(
        [history, make_history([(LONDON, 400.0)], start="2024-01-08", days=350, interval_minutes=60, seed=7)]
    )
    history = history.drop_duplicates(subset=["ds", "queue", "region"], keep="last")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        out = forecast_week(history, week)
    days = pd.DatetimeIndex(out["ds"]).tz_convert(LONDON).date
    assert out.loc[days == date(2024, 12, 25), "mean"].sum() == 0.0
    assert out.loc[days == date(2024, 12, 24), "mean"].sum() > 100
    no_holidays = forecast_week(history, week, holiday_countries={LONDON: None})
    assert no_holidays.loc[days == date(2024, 12, 25), "mean"].sum() > 100


def test_quantile_levels_name_their_columns(two_regions: pd.DataFrame) -> None:
    out = forecast_week(two_regions, PlanningWeek(date(2024, 2, 26), "UTC", 60), quantiles=(0.05, 0.5, 0.95))
    assert {"q5", "q50", "q95"} <= set(out.columns)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        forecast_week(two_regions, PlanningWeek(date(2024, 2, 26), "UTC", 60), quantiles=(0.5, 1.5))


def _busy_and_quiet(quiet_saturdays: tuple[int, ...]) -> pd.DataFrame:
    """Ten weeks of a busy London queue every day, and a quiet region (Madrid) of the same queue whose
    only contacts are one call at 11:00 on the Saturdays numbered in `quiet_saturdays` (0..9): a
    ticket export, so the quiet region's other days have no row at all."""
    busy = make_history([(LONDON, 500.0)], start="2024-01-01", days=70, seed=7)
    saturdays = [pd.Timestamp("2024-01-06 10:00", tz="UTC") + pd.Timedelta(weeks=k) for k in quiet_saturdays]
    quiet = pd.DataFrame(
        {"ds": saturdays, "queue": busy["queue"].iloc[0], "region": "Europe/Madrid", "y": 1.0, "aht_s": 300.0}
    )
    return pd.concat([busy, quiet], ignore_index=True)


def test_a_day_without_a_row_of_a_quiet_series_counts_as_none_when_the_history_covers_it() -> None:
    """Three calls in ten Saturdays (the last two among them, so Saturday is taken as open): the quiet
    region's days without a row are days without a call, its interval is the export's 15 minutes
    (its own rows are a week apart), and the level × profile model forecasts Saturday at the
    history's 0.3 calls, not at the one call of the Saturdays that had one."""
    history = _busy_and_quiet((2, 8, 9))
    quiet = history[history["region"] == "Europe/Madrid"]
    every = pd.DatetimeIndex(history["ds"])
    cutoff = datetime(2024, 3, 11, tzinfo=UTC)
    series = _laid_out(quiet, "Europe/Madrid", 15, cutoff, covered_utc=every, history_step_minutes=15)
    assert series.observed_days() == series.n_days  # every day the export covers
    assert np.nansum(series.rate) == 3.0
    model = LevelProfile().fit(series.training(), series.day_type())
    saturday = model.predict(np.array([5])).sum()
    assert saturday == pytest.approx(3 / 8, abs=0.01)  # the Saturdays since its first call: 3 in 8
    assert model.predict(np.array([0, 1, 2, 3, 4, 6])).sum() == 0.0


def test_a_day_the_whole_history_lacks_stays_missing() -> None:
    history = make_history([(LONDON, 500.0)], start="2024-01-01", days=21, seed=8)
    gap = history["ds"].dt.date != date(2024, 1, 10)
    kept = history[gap]
    cutoff = datetime(2024, 1, 22, tzinfo=UTC)
    series = _laid_out(kept, LONDON, 15, cutoff, covered_utc=pd.DatetimeIndex(kept["ds"]))
    row = (date(2024, 1, 10) - date(1970, 1, 1)).days - series.first_day
    assert np.isnan(series.rate[row]).all()
    assert np.isfinite(series.rate[row + 1]).all()

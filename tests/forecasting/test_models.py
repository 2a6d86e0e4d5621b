"""The numpy models, on hand-built wall-clock matrices."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.features import calendar_features
from forecasting.intervals import count_quantiles, fit_dispersion, quantile_column
from forecasting.models import (
    LevelProfile,
    SeasonalAverage,
    SeasonalNaive,
    poisson_wape_floor,
    pool_sparse_slots,
)

SLOTS = 8


def weeks_of(pattern: np.ndarray, weeks: int, weekly_growth: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """`weeks` copies of a (7 × SLOTS) week; day types Monday..Sunday."""
    y = np.concatenate([pattern * weekly_growth**w for w in range(weeks)])
    return y.astype(np.float64), np.tile(np.arange(7, dtype=np.int64), weeks)


def test_seasonal_naive_repeats_the_last_day_of_the_same_type() -> None:
    y, kinds = weeks_of(np.arange(7 * SLOTS, dtype=float).reshape(7, SLOTS), 3, weekly_growth=2.0)
    model = SeasonalNaive().fit(y, kinds)
    np.testing.assert_allclose(model.predict(np.array([0, 6])), y[[14, 20]])


def test_seasonal_average_skips_missing_days() -> None:
    y, kinds = weeks_of(np.ones((7, SLOTS)), 4)
    y[7:14] *= 3.0
    y[21] = np.nan  # the last Monday is missing: the average uses the three before
    model = SeasonalAverage(k_weeks=3).fit(y, kinds)
    np.testing.assert_allclose(model.predict(np.array([0]))[0], np.full(SLOTS, (1 + 3 + 1) / 3))


def test_never_seen_day_type_is_forecast_closed() -> None:
    y, kinds = weeks_of(np.ones((7, SLOTS)), 3)
    y[kinds >= 5] = np.nan
    for model in (SeasonalNaive(), SeasonalAverage(), LevelProfile()):
        forecast = model.fit(y, kinds).predict(np.array([5, 6]))
        assert np.all(forecast == 0.0), model.name


def test_level_profile_recovers_a_clean_pattern() -> None:
    week = np.outer([10, 9, 8, 8, 7, 3, 2], [0, 0, 1, 3, 4, 3, 1, 0]).astype(float)
    y, kinds = weeks_of(week, 10)
    forecast = LevelProfile().fit(y, kinds).predict(np.arange(7, dtype=np.int64))
    np.testing.assert_allclose(forecast, week, rtol=1e-6)


def _noisy_weeks(weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """`weeks` of a clean week pattern × 2 % log-normal day noise, and the day types."""
    week = np.outer([10, 9, 8, 8, 7, 3, 2], [0, 0, 1, 3, 4, 3, 1, 0]).astype(float) * 100
    rng = np.random.default_rng(3)
    y = np.concatenate([week] * weeks) * np.exp(rng.normal(0.0, 0.02, 7 * weeks))[:, None]
    return y, np.tile(np.arange(7, dtype=np.int64), weeks)


def test_level_profile_level_shrugs_off_one_odd_day() -> None:
    y, kinds = _noisy_weeks(12)
    usual = LevelProfile().fit(y, kinds).predict(np.arange(7, dtype=np.int64)).sum()
    y[-5] *= 1.8  # last Wednesday 80 % busier (not enough to be cleaned away as an outlier)
    after = LevelProfile().fit(y, kinds).predict(np.arange(7, dtype=np.int64)).sum()
    assert abs(after / usual - 1) < 0.01


def test_level_profile_level_follows_a_lasting_shift() -> None:
    y, kinds = _noisy_weeks(12)
    usual = LevelProfile().fit(y, kinds).predict(np.arange(7, dtype=np.int64)).sum()
    y[-21:] *= 1.2  # 20 % more for the last three weeks
    after = LevelProfile().fit(y, kinds).predict(np.arange(7, dtype=np.int64)).sum()
    assert np.log(after / usual) / np.log(1.2) > 0.8


def test_level_profile_keeps_closed_slots_exactly_zero() -> None:
    rng = np.random.default_rng(1)
    week = np.outer([10, 9, 8, 8, 7, 3, 2], [0, 0, 1, 3, 4, 3, 1, 0]).astype(float)
    y, kinds = weeks_of(week, 8)
    y = rng.poisson(y).astype(float)
    forecast = LevelProfile(slot_smoothing=0.5).fit(y, kinds).predict(np.arange(7, dtype=np.int64))
    assert np.all(forecast[:, [0, 1, 7]] == 0.0)
    assert np.all(forecast >= 0.0)


def test_level_profile_learns_a_catch_up_day_after_a_closure() -> None:
    days = np.arange(7 * 12, dtype=np.int64) + 4  # day 4 since 1970 is a Monday
    kinds = (days + 3) % 7
    week = np.ones((7, SLOTS)) * np.array([1, 1, 1, 1, 1, 0, 0])[:, None] * 10
    y = np.tile(week, (12, 1))
    is_open = y.sum(axis=1) > 0
    for closed in (15, 43, 71):  # three Wednesdays closed; the Thursday after gets 1.5×
        y[closed] = 0.0
        is_open[closed] = False
        y[closed + 1] *= 1.5
    x = calendar_features(days, is_open, {0, 1, 2, 3, 4})
    model = LevelProfile(shrink_effect_days=0.0).fit(y, kinds, x)
    assert model.effect_[0] == pytest.approx(np.log(1.5), abs=0.05)


def test_count_quantiles_match_scipy_distributions() -> None:
    stats = pytest.importorskip("scipy.stats")
    mean = np.array([0.0, 0.3, 2.0, 17.5, 640.0])
    levels = (0.1, 0.5, 0.9)
    poisson = count_quantiles(mean, 0.0, levels)
    nbinom = count_quantiles(mean, 0.05, levels)
    for i, q in enumerate(levels):
        np.testing.assert_array_equal(poisson[i], np.where(mean > 0, stats.poisson.ppf(q, mean), 0.0))
        size = 20.0
        expected = np.where(mean > 0, stats.nbinom.ppf(q, size, size / (size + mean)), 0.0)
        np.testing.assert_array_equal(nbinom[i], expected)


def test_dispersion_is_zero_for_poisson_noise_and_grows_with_model_error() -> None:
    rng = np.random.default_rng(3)
    mean = np.full(20_000, 50.0)
    assert fit_dispersion(rng.poisson(mean).astype(float), mean) < 0.003
    noisy = rng.poisson(mean * np.exp(rng.normal(0, 0.2, mean.size))).astype(float)
    assert fit_dispersion(noisy, mean) == pytest.approx(0.04, rel=0.25)


@pytest.mark.parametrize(("q", "name"), [(0.1, "q10"), (0.5, "q50"), (0.9, "q90"), (0.975, "q97.5")])
def test_quantile_columns_are_named_in_percent(q: float, name: str) -> None:
    assert quantile_column(q) == name


def test_poisson_floor_matches_simulated_perfect_forecast() -> None:
    rng = np.random.default_rng(4)
    lam = rng.uniform(20, 200, 5000)
    y = rng.poisson(lam)
    simulated = np.abs(y - lam).sum() / y.sum()
    assert poisson_wape_floor(lam) == pytest.approx(simulated, rel=0.05)


def test_a_dense_days_shares_are_not_pooled() -> None:
    share = np.array([0.0, 0.1, 0.4, 0.3, 0.2, 0.0])
    assert pool_sparse_slots(share, contacts=6000.0, min_contacts_per_slot=8.0) is share


def test_a_sparse_days_shares_are_pooled_within_its_open_hours() -> None:
    # 96 slots, open 08:00-20:00 (slots 32..79); 20 contacts fell in 12 scattered slots
    share = np.zeros(96)
    hits = [32, 35, 41, 44, 50, 51, 58, 60, 66, 70, 75, 79]
    share[hits] = 1.0 / len(hits)
    pooled = pool_sparse_slots(share, contacts=20.0, min_contacts_per_slot=8.0)
    assert pooled.sum() == pytest.approx(1.0)
    assert np.all(pooled[32:80] > 0), "a slot that happened to get nothing is still open"
    assert np.all(pooled[:32] == 0), "the hours it is closed stay closed"
    assert np.all(pooled[80:] == 0)
    assert pooled.max() < 0.5 * share.max()


def test_a_steady_weekday_rate_beside_a_quiet_weekend_is_forecast_without_bias() -> None:
    """180 contacts each weekday and 2 each weekend day, Poisson, ten weeks, thirty draws: the weekday
    forecast averages the true rate within 1.5 %. One log-scale variance for every day type let the
    weekend's noisy logs raise the weekdays by about 4 %."""
    rng = np.random.default_rng(0)
    kinds = np.arange(70) % 7
    daily = np.where(kinds < 5, 180.0, 2.0)
    profile = np.zeros(96)
    profile[32:80] = 1 / 48
    ratios = []
    for _ in range(30):
        y = rng.poisson(daily[:, None] * profile[None, :]).astype(float)
        forecast = LevelProfile().fit(y, kinds).predict(np.arange(5)).sum(axis=1)
        ratios.append(forecast.mean() / 180.0)
    assert float(np.mean(ratios)) == pytest.approx(1.0, abs=0.015)

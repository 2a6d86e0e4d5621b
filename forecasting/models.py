"""Forecasting models: plain numpy, no DataFrames.

Every model works on one series laid out on its region's local wall clock: a matrix `y` of
shape `(n_days, slots_per_day)` whose row `d` is local calendar day `d` and column `s` the
wall-clock slot `s` (slot 0 starts at local midnight). Values are contacts per interval;
`NaN` marks what was not observed (a missing day, the wall-clock hour skipped by a spring
DST change, a holiday left out of fitting). `day_type` gives each row a code 0..6 (Monday
..Sunday, or whatever day kind the caller wants a day to behave like).

`fit(y, day_type, x)` learns from the history; `predict(day_type, x)` returns the mean for
the days that follow, one row per entry of `day_type`. `x` holds optional calendar features
per day (see `forecasting.features`), like exogenous regressors in statsforecast; the
baselines ignore it. A day type never seen open in the
history is forecast as closed (zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

N_DAY_TYPES = 7
HUBER_K = 1.5
HUBER_ITERATIONS = 10
LEVEL_HALF_LIVES = 4
# a sparse queue's slot shares are pooled with their neighbours until each rests on about this many
# contacts of history, over at most this many slots either side (3 hours at 15 minutes)
MIN_CONTACTS_PER_SLOT = 8.0
MAX_POOL_RADIUS = 12


class DayModel(Protocol):
    """A model of a wall-clock day matrix (see the module docstring)."""

    name: str

    def fit(self, y: FloatArray, day_type: IntArray, x: FloatArray | None = None) -> Self:
        """Learn from `y` (n_days × slots_per_day, NaN = missing), each row's day type and features."""
        ...

    def predict(self, day_type: IntArray, x: FloatArray | None = None) -> FloatArray:
        """Mean contacts per interval for the days after the history, one row per day type."""
        ...


def _observed_rows(y: FloatArray) -> npt.NDArray[np.bool_]:
    """Rows that hold at least one observed value."""
    return np.asarray(~np.all(np.isnan(y), axis=1))


def _recent_rows(y: FloatArray, day_type: IntArray, kind: int, k: int) -> IntArray:
    """Indices of the last `k` observed rows of day type `kind`, oldest first."""
    rows = np.flatnonzero((day_type == kind) & _observed_rows(y))
    return rows[-k:].astype(np.int64)


@dataclass
class SeasonalNaive:
    """Baseline: the same wall-clock slot on the last observed day of the same type ("last week")."""

    name: str = "seasonal_naive"
    slots_per_day_: int = field(default=0, init=False)
    by_type_: FloatArray = field(default_factory=lambda: np.zeros((0, 0)), init=False)

    def fit(self, y: FloatArray, day_type: IntArray, x: FloatArray | None = None) -> Self:
        self.slots_per_day_ = y.shape[1]
        self.by_type_ = np.zeros((N_DAY_TYPES, y.shape[1]))
        for kind in range(N_DAY_TYPES):
            rows = _recent_rows(y, day_type, kind, 2)
            if rows.size:
                last = y[rows[-1]]
                # A slot missing on the last day (the skipped DST hour) falls back to the one before.
                fallback = y[rows[0]] if rows.size > 1 else np.zeros_like(last)
                self.by_type_[kind] = np.nan_to_num(np.where(np.isnan(last), fallback, last))
        return self

    def predict(self, day_type: IntArray, x: FloatArray | None = None) -> FloatArray:
        return self.by_type_[day_type].copy()


@dataclass
class SeasonalAverage:
    """Baseline: the mean of the same wall-clock slot over the last `k_weeks` days of the same type."""

    k_weeks: int = 4
    name: str = "seasonal_average"
    by_type_: FloatArray = field(default_factory=lambda: np.zeros((0, 0)), init=False)

    def fit(self, y: FloatArray, day_type: IntArray, x: FloatArray | None = None) -> Self:
        self.by_type_ = np.zeros((N_DAY_TYPES, y.shape[1]))
        for kind in range(N_DAY_TYPES):
            rows = _recent_rows(y, day_type, kind, self.k_weeks)
            if rows.size:
                with np.errstate(all="ignore"):
                    mean = np.nanmean(y[rows], axis=0) if rows.size else np.zeros(y.shape[1])
                self.by_type_[kind] = np.nan_to_num(mean)
        return self

    def predict(self, day_type: IntArray, x: FloatArray | None = None) -> FloatArray:
        return self.by_type_[day_type].copy()


def _dilate(mask: npt.NDArray[np.bool_], radius: int) -> npt.NDArray[np.bool_]:
    """Slots within `radius` slots of a set one."""
    window = np.ones(2 * radius + 1)
    return np.asarray(np.convolve(mask.astype(np.float64), window, mode="same") > 0.5)


def _close_gaps(open_slots: npt.NDArray[np.bool_], radius: int) -> npt.NDArray[np.bool_]:
    """`open_slots` with each gap of at most 2·`radius` closed slots between open ones opened: a slot
    a sparse queue happened to get nothing in is not a closed one. The first and last open slots stay
    where they were (a dilation, then an erosion that treats the day's ends as open)."""
    if radius <= 0 or not open_slots.any():
        return open_slots
    grown = _dilate(open_slots, radius)
    padded = np.concatenate([np.ones(radius, bool), ~grown, np.ones(radius, bool)])
    eroded = ~_dilate(padded, radius)[radius:-radius]
    return np.asarray(eroded | open_slots)


def pool_sparse_slots(share: FloatArray, contacts: float, min_contacts_per_slot: float) -> FloatArray:
    """A day's slot shares (summing to 1) pooled with their neighbours where the history behind each
    slot is thin: with `contacts` in the history from the first open slot to the last, each slot's
    share becomes a triangular-weighted mean over as many neighbours as bring it to about
    `min_contacts_per_slot` (at most ±`MAX_POOL_RADIUS` slots), within the slots the queue is open.

    A queue with a few calls a day has most slots at zero in any week, so its shares copy where those
    calls happened to fall; the staffing need would then jump between nothing and a whole agent from
    one interval to the next. A dense queue is left as it is.
    """
    open_slots = share > 0
    if not open_slots.any() or contacts <= 0:
        return share
    first, last = np.flatnonzero(open_slots)[[0, -1]]
    per_slot = contacts / float(last - first + 1)
    if per_slot >= min_contacts_per_slot:
        return share
    radius = min(MAX_POOL_RADIUS, math.ceil((min_contacts_per_slot / per_slot - 1.0) / 2.0))
    open_slots = _close_gaps(open_slots, radius)
    kernel = (radius + 1.0) - np.abs(np.arange(-radius, radius + 1, dtype=np.float64))
    inside = open_slots.astype(np.float64)
    weight = np.convolve(inside, kernel, mode="same")
    pooled = np.convolve(share * inside, kernel, mode="same") / np.where(weight > 0, weight, 1.0)
    pooled = np.where(open_slots, pooled, 0.0)
    total = float(pooled.sum())
    return np.asarray(pooled / total if total > 0 else share, dtype=np.float64)


def _smooth_slots(profile: FloatArray, weight: float) -> FloatArray:
    """Blend each slot with its neighbours ([w/2, 1-w, w/2]), keeping closed slots (zeros) closed."""
    if weight <= 0 or profile.shape[-1] < 3:
        return profile
    padded = np.concatenate([profile[..., :1], profile, profile[..., -1:]], axis=-1)
    smoothed = (1 - weight) * profile + 0.5 * weight * (padded[..., :-2] + padded[..., 2:])
    return np.where(profile > 0, smoothed, 0.0)


@dataclass
class LevelProfile:
    """Daily level × day-type factor × calendar effects × intraday profile (this project's model).

    On the log scale a day's total is `level + factor[day type] + x @ effect`:
    - `factor`: the median deviation of each day type from the centred weekly level over the
      last `factor_weeks` weeks (robust to one odd week);
    - `level`: a robust exponentially weighted mean of the de-seasonalised log totals: weights
      halve every `level_half_life_days` (over the last four half-lives), and a day further
      than `HUBER_K` robust standard deviations from the level counts only as far as that
      (Huber), so one odd day moves it little. Volume fluctuates around a slowly moving level;
      a short half-life chases noise, a long one lags the drift;
    - `effect`: the mean residual on days marked by each calendar feature (catch-up after a
      closure, turn of the month), shrunk toward zero by `shrink_effect_days` pseudo-days.
    The intraday profile of each day type is the share of the day's total in each slot,
    averaged over past days of that type with weights that halve every `half_life_weeks`,
    shrunk toward the profile of all open day types and optionally smoothed across
    neighbouring slots. Shares are ratios of weighted sums, so a slot that was always zero
    stays exactly zero, except in a sparse series: there a slot's share is pooled with its
    neighbours' until it rests on about `min_contacts_per_slot` contacts (`pool_sparse_slots`),
    and a short run of empty slots between busy ones counts as open.
    """

    level_half_life_days: float = 14.0
    factor_weeks: int = 16
    half_life_weeks: float = 6.0
    shrink_days: float = 2.0
    shrink_effect_days: float = 2.0
    slot_smoothing: float = 0.0
    min_contacts_per_slot: float = MIN_CONTACTS_PER_SLOT
    use_calendar: bool = True
    name: str = "level_profile"
    level_: float = field(default=0.0, init=False)
    factor_: FloatArray = field(default_factory=lambda: np.zeros(N_DAY_TYPES), init=False)
    effect_: FloatArray = field(default_factory=lambda: np.zeros(0), init=False)
    open_: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(N_DAY_TYPES, bool), init=False)
    profile_: FloatArray = field(default_factory=lambda: np.zeros((0, 0)), init=False)
    # per day type: half the variance of its daily residuals on the log scale (`_fit_level`)
    log_bias_: FloatArray = field(default_factory=lambda: np.zeros(N_DAY_TYPES), init=False)
    # per day type, the mean of its daily totals over the factor window, days with none included,
    # where it has such days (NaN where it has none: the log-scale model holds)
    sparse_mean_: FloatArray = field(default_factory=lambda: np.full(N_DAY_TYPES, np.nan), init=False)

    def fit(self, y: FloatArray, day_type: IntArray, x: FloatArray | None = None) -> Self:
        observed = _observed_rows(y)
        totals = np.where(observed, np.nansum(y, axis=1), np.nan)
        self.open_ = np.zeros(N_DAY_TYPES, dtype=bool)
        for kind in range(N_DAY_TYPES):
            rows = np.flatnonzero((day_type == kind) & observed)[-3:]
            self.open_[kind] = bool(rows.size) and bool(np.mean(totals[rows] > 0) > 0.5)
        with np.errstate(divide="ignore"):
            log_total = np.where(totals > 0, np.log(np.where(totals > 0, totals, 1.0)), np.nan)
        features = np.zeros((y.shape[0], 0)) if x is None or not self.use_calendar else x[: y.shape[0]]
        self._fit_level(log_total, day_type, features)
        self.sparse_mean_ = self._sparse_means(totals, day_type)
        self.profile_ = self._fit_profile(y, totals, day_type)
        return self

    def _sparse_means(self, totals: FloatArray, day_type: IntArray) -> FloatArray:
        """Per day type with days of no contacts in the factor window, the mean of its daily totals
        there, those days included (NaN for the others). The log-scale level and factor can only see
        days with contacts, so a day type with a call on some days and none on others would be
        forecast at what its days with a call had: three voicemails in ten Saturdays forecast as a
        call or two every Saturday."""
        n = totals.size
        window = np.arange(max(0, n - 7 * max(self.factor_weeks, 1)), n)
        out = np.full(N_DAY_TYPES, np.nan)
        for kind in range(N_DAY_TYPES):
            seen = totals[window[(day_type[window] == kind) & np.isfinite(totals[window])]]
            if seen.size and np.any(seen <= 0):
                out[kind] = float(seen.mean())
        return out

    def _fit_level(self, log_total: FloatArray, day_type: IntArray, x: FloatArray) -> None:
        n = log_total.size
        window = np.arange(max(0, n - 7 * max(self.factor_weeks, 1)), n)
        valid = window[np.isfinite(log_total[window])]
        self.effect_ = np.zeros(x.shape[1])
        if valid.size == 0:
            self.level_, self.factor_, self.log_bias_ = 0.0, np.zeros(N_DAY_TYPES), np.zeros(N_DAY_TYPES)
            return
        lt = log_total[valid]
        kinds = day_type[valid]
        feats = x[valid]
        factor = np.zeros(N_DAY_TYPES)
        effect = np.zeros(x.shape[1])
        for _ in range(3):
            adjusted = lt - factor[kinds] - feats @ effect
            local = _centred_mean(valid, adjusted, half_width_days=3)
            for kind in range(N_DAY_TYPES):
                mine = kinds == kind
                factor[kind] = (
                    float(np.median(lt[mine] - local[mine] - feats[mine] @ effect)) if mine.any() else 0.0
                )
            if x.shape[1]:
                resid = lt - local - factor[kinds]
                marked = feats.sum(axis=0)
                effect = (feats.T @ resid) / (marked + self.shrink_effect_days)
        opened = self.open_ & np.isin(np.arange(N_DAY_TYPES), kinds)
        if opened.any():
            factor[opened] -= factor[opened].mean()
        recent = valid[valid >= n - LEVEL_HALF_LIVES * self.level_half_life_days]
        if recent.size == 0:
            recent = valid[-min(valid.size, 7) :]
        deseason = log_total[recent] - factor[day_type[recent]] - x[recent] @ effect
        age_days = (n - 1 - recent).astype(np.float64)
        self.level_ = _robust_weighted_mean(deseason, 0.5 ** (age_days / self.level_half_life_days))
        self.factor_, self.effect_ = factor, effect
        # exp(E[log]) underestimates E[total]: add half the variance of the daily residuals, each day
        # type its own: a weekend of two calls a day has a far noisier log than a weekday of 180, and
        # one variance for all put the weekdays 4 % above a steady rate
        resid = lt - self.level_ - factor[kinds] - feats @ effect
        pooled = 0.5 * float(np.var(resid)) if resid.size > 1 else 0.0
        self.log_bias_ = np.array(
            [
                0.5 * float(np.var(resid[kinds == k])) if np.sum(kinds == k) > 1 else pooled
                for k in range(N_DAY_TYPES)
            ]
        )

    def _fit_profile(self, y: FloatArray, totals: FloatArray, day_type: IntArray) -> FloatArray:
        n_days, slots = y.shape
        decay = 0.5 ** (1.0 / (7.0 * self.half_life_weeks))
        age = (n_days - 1 - np.arange(n_days)).astype(np.float64)
        weight = np.where(np.nan_to_num(totals) > 0, decay**age, 0.0)
        filled = np.nan_to_num(y)
        profile = np.zeros((N_DAY_TYPES, slots))
        sums = np.zeros((N_DAY_TYPES, slots))
        mass = np.zeros(N_DAY_TYPES)
        for kind in range(N_DAY_TYPES):
            w = np.where(day_type == kind, weight, 0.0)
            sums[kind] = w @ filled
            mass[kind] = float(w @ np.nan_to_num(totals))
        pooled_mass = mass[self.open_].sum()
        pooled = sums[self.open_].sum(axis=0) / pooled_mass if pooled_mass > 0 else np.zeros(slots)
        for kind in range(N_DAY_TYPES):
            if not self.open_[kind] or mass[kind] <= 0:
                continue
            w = np.where(day_type == kind, weight, 0.0)
            n_eff = float(w.sum() ** 2 / max(float((w**2).sum()), 1e-12))
            own = sums[kind] / mass[kind]
            share = (n_eff * own + self.shrink_days * pooled) / (n_eff + self.shrink_days)
            # Shrinking must not open a slot this day type always had closed.
            share = np.where(own > 0, share, 0.0)
            share = _smooth_slots(share, self.slot_smoothing)
            total = share.sum()
            share = share / total if total > 0 else share
            contacts = float(np.nansum(y[day_type == kind]))
            profile[kind] = pool_sparse_slots(share, contacts, self.min_contacts_per_slot)
        return profile

    def predict(self, day_type: IntArray, x: FloatArray | None = None) -> FloatArray:
        log_daily = self.level_ + self.factor_[day_type] + self.log_bias_[day_type]
        if x is not None and self.effect_.size and self.use_calendar:
            log_daily = log_daily + x[: day_type.size] @ self.effect_
        sparse = self.sparse_mean_[day_type]
        daily = np.where(np.isfinite(sparse), sparse, np.exp(log_daily))
        daily = np.where(self.open_[day_type], daily, 0.0)
        return np.asarray(daily[:, None] * self.profile_[day_type], dtype=np.float64)


def _robust_weighted_mean(values: FloatArray, weights: FloatArray) -> float:
    """Weighted mean whose points beyond `HUBER_K` robust SDs (MAD) count only that far (Huber)."""
    level = float(np.sum(weights * values) / np.sum(weights))
    scale = 1.4826 * float(np.median(np.abs(values - np.median(values))))
    if scale <= 0:
        return level
    for _ in range(HUBER_ITERATIONS):
        distance = np.abs(values - level) / scale
        huber = weights * np.minimum(1.0, HUBER_K / np.maximum(distance, 1e-12))
        level = float(np.sum(huber * values) / np.sum(huber))
    return level


def _centred_mean(days: IntArray, values: FloatArray, half_width_days: int) -> FloatArray:
    """Mean of `values` over the days within ±`half_width_days` of each day (days sorted)."""
    lo = np.searchsorted(days, days - half_width_days, side="left")
    hi = np.searchsorted(days, days + half_width_days, side="right")
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    return np.asarray((cumulative[hi] - cumulative[lo]) / (hi - lo), dtype=np.float64)


def make_candidates() -> list[DayModel]:
    """The models a series chooses from, baselines first."""
    return [SeasonalNaive(), SeasonalAverage(k_weeks=4), LevelProfile()]


def poisson_wape_floor(mean: FloatArray) -> float:
    """WAPE a perfect Poisson-rate forecast would still have: Σ E|Y-λ| / Σ λ ≈ Σ √(2λ/π) / Σ λ."""
    lam = np.asarray(mean, dtype=np.float64)
    lam = lam[np.isfinite(lam) & (lam > 0)]
    total = float(lam.sum())
    if total <= 0:
        return math.nan
    return float(np.sqrt(2.0 * lam / math.pi).sum() / total)

"""Predictive quantiles for counts: negative binomial around the mean, dispersion from backtests.

A forecast interval must be honest about two kinds of error: Poisson noise (a rate of λ
still gives λ ± √λ contacts) and model error (the day comes in 10 % higher than
expected), which grows with the volume. A negative binomial with variance λ + φλ² holds
both; φ is estimated from the series' own out-of-sample errors, so the bands widen where
the model has been wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from common.errors import InvalidInput
from forecasting.models import FloatArray

DEFAULT_DISPERSION = 0.02


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    """The quantile levels, sorted, if each lies strictly between 0 and 1 and names a distinct column."""
    levels = tuple(sorted(float(q) for q in quantiles))
    bad = [q for q in levels if not 0.0 < q < 1.0]
    if bad or not levels:
        raise InvalidInput(f"quantiles {list(quantiles)} must be between 0 and 1, e.g. (0.1, 0.5, 0.9)")
    names = [quantile_column(q) for q in levels]
    if len(set(names)) != len(names):
        raise InvalidInput(f"quantiles {list(quantiles)} name the same column twice; give whole percents")
    return levels


def quantile_column(q: float) -> str:
    """The forecast column of quantile `q`: 0.1 → 'q10', 0.5 → 'q50', 0.975 → 'q97.5'."""
    percent = round(q * 100, 6)
    return f"q{int(percent)}" if float(percent).is_integer() else f"q{percent:g}"


def fit_dispersion(actual: FloatArray, mean: FloatArray) -> float:
    """φ of a negative binomial (variance λ + φλ²) by moments: Σ[(y-λ)² - λ] / Σ λ².

    Cells with a missing actual are ignored; a negative estimate (the errors are no larger
    than Poisson noise) gives 0.
    """
    ok = np.isfinite(actual) & np.isfinite(mean) & (mean > 0)
    if not np.any(ok):
        return DEFAULT_DISPERSION
    y, lam = actual[ok], mean[ok]
    denominator = float(np.sum(lam**2))
    if denominator <= 0:
        return DEFAULT_DISPERSION
    return max(0.0, float(np.sum((y - lam) ** 2 - lam)) / denominator)


def count_quantiles(mean: FloatArray, dispersion: float, quantiles: Sequence[float]) -> FloatArray:
    """Quantiles of a negative binomial with the given means (Poisson when `dispersion` is 0).

    Returns an array of shape `(len(quantiles), *mean.shape)` of whole contacts; a zero mean
    gives zero at every quantile.
    """
    # scipy.special, not scipy.stats: the latter takes seconds to import and the CLI must start fast.
    from scipy import special

    lam = np.clip(np.nan_to_num(np.asarray(mean, dtype=np.float64)), 0.0, None)
    out = np.zeros((len(quantiles), *lam.shape))
    positive = lam > 0
    if not np.any(positive):
        return out
    lam_pos = lam[positive]
    for i, q in enumerate(quantiles):
        # The continuous inverse of the CDF in k; the discrete quantile is the next whole count.
        if dispersion <= 1e-9:
            k = special.pdtrik(q, lam_pos)
        else:
            size = 1.0 / dispersion
            k = special.nbdtrik(q, size, size / (size + lam_pos))
        out[i][positive] = np.clip(np.ceil(np.nan_to_num(k) - 1e-9), 0.0, None)
    return out

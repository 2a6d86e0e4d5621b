"""Pieces of the day-level column generation (`columns`, `branch`, `search`): it prices columns
against dual prices in a master LP and proves a Lagrangian lower bound after every round: the
master's part plus each employee's least reduced cost. Prices are real while CP-SAT wants integers; prices are smoothed towards those of
the best bound so far (Wentges), which needs far fewer rounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

import numpy as np

PRICE_SCALE = 1000  # dual prices are real; CP-SAT wants integers: price in thousandths
SMOOTHING = 0.5  # weight of the best-bound prices in the prices of the next round
REDUCED_COST_EPS = 1e-6  # a column enters the master only if it improves it by more than this

KeyT = TypeVar("KeyT")
PriceT = TypeVar("PriceT", float, np.ndarray)


def ceil_bound(bound: float, tolerance: float = 1e-6) -> float:
    """A lower bound on an integral objective rounded up, less `tolerance` for floating-point error."""
    return float(math.ceil(bound - tolerance)) if math.isfinite(bound) else bound


def mix_prices(
    best: Mapping[KeyT, PriceT], current: Mapping[KeyT, PriceT], share_best: float
) -> dict[KeyT, PriceT]:
    """`share_best` of the best-bound prices and the rest of the current ones, key by key."""
    return {k: share_best * best[k] + (1 - share_best) * current[k] for k in current}

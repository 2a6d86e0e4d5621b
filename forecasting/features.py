"""Calendar features of days: catch-up after a closure, the turn of the month.

Contact centres see more contacts on the first days after a closed weekday (a public
holiday, a closure: the contacts of the closed day come the day after) and around the turn
of the month (statements, bills, pay days). These features mark such days; the level model
learns how much each matters for a series, and the backtest decides whether that helps.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from forecasting.models import FloatArray, IntArray

FEATURE_NAMES: tuple[str, ...] = (
    "first_open_day_after_closure",
    "second_open_day_after_closure",
    "last_open_day_of_month",
    "first_open_day_of_month",
    "second_open_day_of_month",
)
EPOCH = np.datetime64("1970-01-01", "D")


def usually_open_types(
    day_type: IntArray, is_open: npt.NDArray[np.bool_], known: npt.NDArray[np.bool_]
) -> set[int]:
    """Day types open on most of their known days."""
    types: set[int] = set()
    for kind in range(7):
        rows = (day_type == kind) & known
        if rows.any() and is_open[rows].mean() > 0.5:
            types.add(kind)
    return types


def calendar_features(
    day_numbers: IntArray, is_open: npt.NDArray[np.bool_], open_types: set[int]
) -> FloatArray:
    """0/1 features (`FEATURE_NAMES`) for consecutive days `day_numbers`.

    `is_open[d]` says whether day `d` takes contacts; a closure is a day of a usually open
    type that does not (a weekend of a weekday-only queue is no closure).
    """
    n = day_numbers.size
    x = np.zeros((n, len(FEATURE_NAMES)))
    weekday = (day_numbers + 3) % 7
    closure = ~is_open & np.isin(weekday, list(open_types))
    since_closure = 0
    open_after = 99
    for d in range(n):
        if closure[d]:
            since_closure, open_after = 1, 0
            continue
        if is_open[d] and since_closure:
            open_after += 1
            if open_after <= 2:
                x[d, open_after - 1] = 1.0
            else:
                since_closure = 0
    months = (EPOCH + day_numbers.astype("timedelta64[D]")).astype("datetime64[M]").astype(np.int64)
    open_rows = np.flatnonzero(is_open)
    for month in np.unique(months[open_rows]):
        rows = open_rows[months[open_rows] == month]
        # Only whole months are marked: a month cut by the start or end of the days is not.
        if months[0] != month and rows.size:
            x[rows[0], 3] = 1.0
            if rows.size > 1:
                x[rows[1], 4] = 1.0
        if months[-1] != month and rows.size:
            x[rows[-1], 2] = 1.0
    return x

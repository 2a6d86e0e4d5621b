"""DST: a model on the UTC clock gets the week after a change wrong; ours, on the region's clock, does not."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from common.timegrid import PlanningWeek
from forecasting import forecast_week
from tests.forecasting.synthetic import make_history, true_rate_on_grid

# (region, its spring change, a team zone that does not change then)
CHANGES = [
    ("America/New_York", date(2024, 3, 11), "America/Phoenix"),
    ("Europe/London", date(2024, 4, 1), "Asia/Tokyo"),
    ("Australia/Sydney", date(2024, 4, 8), "UTC"),
]


@pytest.mark.parametrize(("region", "week_start", "team_tz"), CHANGES)
def test_week_after_a_dst_change_lands_on_the_local_clock(
    region: str, week_start: date, team_tz: str
) -> None:
    history = make_history([(region, 1000.0)], start="2024-01-01", days=(week_start - date(2024, 1, 1)).days)
    week = PlanningWeek(week_start, team_tz, 30)
    truth = true_rate_on_grid(week.grid.starts(), region, 1000.0, 30)

    def wape(clock: str) -> float:
        out = forecast_week(history, week, clock=clock)  # type: ignore[arg-type]
        return float(np.abs(out["mean"].to_numpy() - truth).sum() / truth.sum())

    local, utc = wape("local"), wape("utc")
    assert local < 0.08
    assert utc > 2 * local


def test_regions_add_up_on_the_utc_grid_across_changes_on_different_dates() -> None:
    regions = [("America/New_York", 600.0), ("Europe/London", 900.0)]
    # Between the US change (10 March) and the UK one (31 March) the offset between them is 4 h, not 5.
    history = make_history(regions, start="2024-01-01", days=77)
    week = PlanningWeek(date(2024, 3, 18), "Europe/London", 60)
    out = forecast_week(history, week)
    total = out.groupby("ds")["mean"].sum().to_numpy()
    truth = np.sum([true_rate_on_grid(week.grid.starts(), r, v, 60) for r, v in regions], axis=0)
    assert np.abs(total - truth).sum() / truth.sum() < 0.06

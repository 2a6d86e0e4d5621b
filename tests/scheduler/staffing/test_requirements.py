"""compute_requirements: the forecast frame in, one row per queue and interval out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from scheduler.domain import Agent, QueueSpec, Team, Weekday
from scheduler.staffing.requirements import REQUIREMENT_COLUMNS, compute_requirements

STARTS = pd.date_range("2025-03-03T08:00:00Z", periods=8, freq="15min")


def _team(**overrides: object) -> Team:
    queues = (
        QueueSpec("voice", "voice", service_level=0.8, target_answer_s=20, aht_s=180, shrinkage=0.3),
        QueueSpec("chat", "chat", concurrency=2, target_answer_s=60, aht_s=600),
        QueueSpec("email", "email", response_hours=1.0, service_level=0.9, aht_s=300),
    )
    args: dict[str, object] = {
        "name": "creators",
        "tz": "Europe/London",
        "queues": queues,
        "agents": (Agent("a1", "Maya", "Europe/London", ("voice", "chat", "email")),),
        "shrinkage": 0.2,
    }
    args.update(overrides)
    return Team(**args)  # type: ignore[arg-type]


def _forecast(
    queue: str, values: list[float], region: str = "Europe/London", **extra: object
) -> pd.DataFrame:
    n = len(values)
    frame = pd.DataFrame(
        {"queue": queue, "region": region, "ds": STARTS[:n], "mean": values, "aht_s": np.nan, **extra}
    )
    frame["q90"] = frame["mean"] * 1.5
    return frame


def test_output_has_exactly_the_contract_columns() -> None:
    out = compute_requirements(_forecast("voice", [10.0] * 8), _team())
    assert tuple(out.columns) == REQUIREMENT_COLUMNS
    assert str(out["ds"].dt.tz) == "UTC"
    assert out["required"].dtype == np.int64
    assert out["scheduled_needed"].dtype == np.int64


def test_regions_are_summed_per_queue_and_interval() -> None:
    london = _forecast("voice", [50.0] * 4)
    york = _forecast("voice", [50.0] * 4, region="America/New_York")
    out = compute_requirements(pd.concat([london, york]), _team(interval_minutes=15))
    assert out["volume"].tolist() == [100.0] * 4
    assert len(out) == 4


def test_published_example_on_a_half_hour_grid() -> None:
    forecast = _forecast("voice", [100.0])
    forecast["ds"] = pd.date_range("2025-03-03T08:00:00Z", periods=1, freq="30min")
    out = compute_requirements(forecast, _team(interval_minutes=30))
    row = out.iloc[0]
    assert (row["required"], row["scheduled_needed"]) == (14, 20)  # 80 % in 20 s, 30 % shrinkage
    assert 13 < row["required_fractional"] <= 14
    assert row["scheduled_needed_fractional"] == pytest.approx(row["required_fractional"] / 0.7)


def test_aht_is_volume_weighted_and_missing_aht_uses_the_queue_default() -> None:
    a = _forecast("voice", [30.0], aht_s=200.0)
    b = _forecast("voice", [10.0], region="America/New_York")  # NaN -> 180 s default
    out = compute_requirements(pd.concat([a, b]), _team())
    assert out["aht_s"].iloc[0] == pytest.approx((30 * 200 + 10 * 180) / 40)


def test_zero_volume_needs_zero_agents() -> None:
    out = compute_requirements(_forecast("voice", [0.0, 0.0]), _team())
    assert out["required"].tolist() == [0, 0]
    assert out["required_fractional"].tolist() == [0.0, 0.0]


def test_staffing_to_a_quantile_needs_at_least_the_mean() -> None:
    forecast = _forecast("voice", [5.0, 20.0, 40.0])
    mean = compute_requirements(forecast, _team())
    high = compute_requirements(forecast, _team(), statistic="q90")
    assert (high["required"].to_numpy() >= mean["required"].to_numpy()).all()
    assert high["volume"].tolist() == [7.5, 30.0, 60.0]


def test_shrinkage_comes_from_the_queue_else_the_team() -> None:
    out = compute_requirements(
        pd.concat([_forecast("voice", [40.0]), _forecast("chat", [40.0])]), _team(shrinkage=0.5)
    )
    required = dict(zip(out["queue"], out["required"].astype(int), strict=True))
    scheduled = dict(zip(out["queue"], out["scheduled_needed"].astype(int), strict=True))
    assert scheduled["voice"] == -(-required["voice"] * 10 // 7)  # the queue's own 30 %
    assert scheduled["chat"] == 2 * required["chat"]  # the team's 50 %


def test_email_carries_backlog_and_fills_missing_intervals() -> None:
    forecast = _forecast("email", [12.0, 0.0, 0.0, 0.0, 0.0, 0.0]).drop(index=[2, 3])
    out = compute_requirements(forecast, _team())
    assert len(out) == 6  # the gap is filled: backlog is worked there
    # 90 % within the hour, the rest right after: all 12 emails are worked inside the six intervals.
    assert out["required_fractional"].iloc[:4].sum() == pytest.approx(0.9 * 12 * 300 / 900 / 0.85)
    assert out["required_fractional"].sum() == pytest.approx(12 * 300 / 900 / 0.85)


def test_unknown_queue_names_are_listed() -> None:
    with pytest.raises(InvalidInput, match="billing, fax"):
        compute_requirements(pd.concat([_forecast("fax", [1.0]), _forecast("billing", [1.0])]), _team())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mean": [-1.0]}, "contacts >= 0"),
        ({"mean": [np.nan]}, "contacts >= 0"),
        ({"aht_s": [0.0]}, "aht_s"),
        ({"ds": pd.DatetimeIndex(["2025-03-03T08:00:00"])}, "time zone"),
        ({"ds": pd.DatetimeIndex(["2025-03-03T08:07:00Z"])}, "grid"),
    ],
)
def test_bad_forecasts_raise_clear_errors(change: dict[str, object], message: str) -> None:
    forecast = _forecast("voice", [1.0])
    for column, values in change.items():
        forecast[column] = values  # type: ignore[call-overload]
    with pytest.raises(InvalidInput, match=message):
        compute_requirements(forecast, _team())


def test_unknown_statistic_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="q95"):
        compute_requirements(_forecast("voice", [1.0]), _team(), statistic="q95")
    with pytest.raises(InvalidInput, match="statistic"):
        compute_requirements(_forecast("voice", [1.0]), _team(), statistic="max")


def test_empty_forecast_gives_an_empty_frame() -> None:
    out = compute_requirements(_forecast("voice", []), _team())
    assert out.empty
    assert tuple(out.columns) == REQUIREMENT_COLUMNS


def test_a_live_queue_needs_nobody_in_its_closed_hours_on_the_teams_clock() -> None:
    """Voice opens 09:00 London (08:00 UTC is 08:00 London in March, before the clocks change): the
    forecast's calls before then are not taken, so nobody is needed; after, as without open hours."""
    forecast = _forecast("voice", [40.0] * 8)
    always = compute_requirements(forecast, _team(interval_minutes=15))
    voice = QueueSpec(
        "voice", "voice", service_level=0.8, target_answer_s=20, aht_s=180, open_minutes=(540, 1440)
    )
    queues = (voice, *_team().queues[1:])
    out = compute_requirements(forecast, _team(interval_minutes=15, queues=queues))
    assert out["volume"].tolist() == [0.0] * 4 + [40.0] * 4
    assert out["required"].tolist()[:4] == [0] * 4
    assert out["required"].tolist()[4:] == always["required"].tolist()[4:]


def test_open_hours_are_for_live_queues_and_open_before_they_close() -> None:
    with pytest.raises(InvalidInput, match="open_hours is for live queues"):
        QueueSpec("email", "email", open_minutes=(420, 1380))
    with pytest.raises(InvalidInput, match="open before it closes"):
        QueueSpec("chat", "chat", open_minutes=(1380, 420))
    assert QueueSpec("chat", "chat", open_minutes=(420, 1440)).open_hours == "07:00-24:00"


def test_a_live_queue_open_on_weekdays_needs_nobody_at_the_weekend_on_the_teams_clock() -> None:
    """A phone line open Monday to Friday (`open_days`): Sunday 23:45 in Sydney is still Sunday there,
    though it is Sunday 12:45 UTC; Monday 00:00 in Sydney (Sunday 13:00 UTC) is open."""
    instants = pd.DatetimeIndex(["2025-03-08T12:00:00Z", "2025-03-09T12:45:00Z", "2025-03-09T13:00:00Z"])
    forecast = pd.DataFrame(
        {"queue": "voice", "region": "Australia/Sydney", "ds": instants, "mean": 40.0, "aht_s": np.nan}
    )
    forecast["q90"] = forecast["mean"] * 1.5
    weekdays: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    voice = QueueSpec("voice", "voice", service_level=0.8, target_answer_s=20, aht_s=180, open_days=weekdays)
    team = _team(interval_minutes=15, tz="Australia/Sydney", queues=(voice, *_team().queues[1:]))
    out = compute_requirements(forecast, team)
    assert out["volume"].tolist() == [0.0, 0.0, 40.0]  # Sat 23:00, Sun 23:45 closed; Mon 00:00 open
    assert out["required"].tolist()[:2] == [0, 0]
    assert out["required"].tolist()[2] > 0


def test_open_days_are_for_live_queues_and_name_weekdays() -> None:
    with pytest.raises(InvalidInput, match="open_days is for live queues"):
        QueueSpec("email", "email", open_days=("mon",))
    with pytest.raises(InvalidInput, match="open_days names at least one day"):
        QueueSpec("chat", "chat", open_days=())
    both = QueueSpec("chat", "chat", open_minutes=(540, 1020), open_days=("sat",))
    minutes, weekdays = np.array([600, 600, 480]), np.array([5, 4, 5])
    assert both.open_at(minutes, weekdays).tolist() == [True, False, False]

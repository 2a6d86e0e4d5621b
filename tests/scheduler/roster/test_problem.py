"""The roster problem read from files: requirements that must cover the planned week."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from scheduler.domain import AvailabilityEntry, LabourRules, Roster
from scheduler.roster.problem import (
    carried_in_from,
    planning_week,
    problem_from_requirements,
    requirements_to_arrays,
)
from tests.scheduler.roster.factories import EMAIL, VERIFY_TZ, VERIFY_WEEK, verify_agent, verify_problem
from tests.scheduler.roster.test_absence import WEEK, desk, shift

MONDAY = date(2026, 6, 15)


def requirements(first_day: date, n_days: int, lead_in_days: int = 0) -> pd.DataFrame:
    """Hourly chat need of one agent from `first_day` for `n_days` local days (London), the first
    `lead_in_days` of them marked `lead_in`."""
    start = pd.Timestamp(first_day, tz=VERIFY_TZ).tz_convert("UTC")
    ds = pd.date_range(start, periods=24 * n_days, freq="h")
    return pd.DataFrame(
        {
            "queue": "chat",
            "ds": ds,
            "volume": 1.0,
            "scheduled_needed_fractional": 1.0,
            "lead_in": np.arange(len(ds)) < 24 * lead_in_days,
        }
    )


def arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    team = verify_problem().team
    return requirements_to_arrays(frame, team, planning_week(team, MONDAY))


def test_the_whole_week_is_read() -> None:
    assert arrays(requirements(MONDAY, 7))["chat"].sum() == 24 * 7


def test_a_file_of_another_week_that_begins_before_it_is_refused_naming_the_days() -> None:
    """A Saturday-to-Friday file for a Monday week: its weekend would be planned with nobody needed,
    and the Saturday and Sunday before it counted as contacts carried in."""
    with pytest.raises(InvalidInput) as error:
        arrays(requirements(MONDAY - timedelta(days=2), 7))
    message = str(error.value)
    assert "cover Saturday 2026-06-13 .. Friday 2026-06-19" in message
    assert "nothing on Saturday 2026-06-20, Sunday 2026-06-21" in message
    assert message.endswith(
        "they start on a Saturday and team 'Verify' plans weeks from Monday, so none of the team's weeks "
        "fits them: set the team's week_start to sat and plan the week of 2026-06-13, or make requirements "
        "for Monday 2026-06-15 .. Sunday 2026-06-21"
    )


def test_a_file_that_ends_early_is_read_with_nobody_needed_after_it() -> None:
    """Monday to Wednesday: accepted (a team closed at weekends gives Monday to Friday); the lead's
    report names the days with no need (`test_report.py`)."""
    need = arrays(requirements(MONDAY, 3))["chat"]
    assert need[: 24 * 3].sum() == 24 * 3
    assert need[24 * 3 :].sum() == 0


def test_requirements_that_begin_after_the_first_day_are_refused() -> None:
    with pytest.raises(InvalidInput, match="not on the week's first day Monday 2026-06-15"):
        arrays(requirements(MONDAY + timedelta(days=1), 7))


@pytest.mark.parametrize(
    ("first_day", "n_days", "advice"),
    [
        # a whole week earlier or later: that week
        (MONDAY - timedelta(days=7), 7, "plan the week of 2026-06-08"),
        (MONDAY + timedelta(days=7), 14, "plan the week of 2026-06-22 or 2026-06-29"),
        # ten days from the Monday before: only that Monday's week has all its days
        (MONDAY - timedelta(days=7), 10, "plan the week of 2026-06-08"),
        # Tuesday to Monday: no Monday week fits; say why and both ways out
        (
            MONDAY + timedelta(days=8),
            7,
            "they start on a Tuesday and team 'Verify' plans weeks from Monday, so none of the team's weeks "
            "fits them: set the team's week_start to tue and plan the week of 2026-06-23, or make "
            "requirements for Monday 2026-06-15 .. Sunday 2026-06-21",
        ),
    ],
)
def test_requirements_of_another_week_say_which_week_to_plan(
    first_day: date, n_days: int, advice: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        arrays(requirements(first_day, n_days))
    assert str(error.value).endswith(advice)


def test_the_requirements_errors_name_the_file_they_came_from() -> None:
    team = verify_problem().team
    frame = requirements(MONDAY + timedelta(days=7), 7)
    with pytest.raises(InvalidInput) as error:
        problem_from_requirements(team, planning_week(team, MONDAY), frame, source="req_w2.csv")
    (issue,) = error.value.issues
    assert issue.file == "req_w2.csv"
    assert str(error.value).startswith(
        "req_w2.csv: no requirement falls in the week 2026-06-15 .. 2026-06-21"
    )


@pytest.mark.parametrize("lead_in_days", [0, 2])
def test_rows_before_a_whole_week_are_accepted_and_carry_contacts_in(lead_in_days: int) -> None:
    """A file of the whole week and the two days before it (a longer forecast, or `lead_in` rows)."""
    chat = verify_problem().team
    team = replace(chat, queues=(*chat.queues, EMAIL))  # email answered within 4 hours
    frame = requirements(MONDAY - timedelta(days=2), 9, lead_in_days).assign(queue="email")
    week = planning_week(team, MONDAY)
    assert requirements_to_arrays(frame, team, week)["email"].sum() == 24 * 7
    # the last four hours' emails before the week, one an hour, are due in it, but for the 90 % of
    # the oldest hour's that fell due as the week began
    assert carried_in_from(frame, team, week)["email"].sum() == pytest.approx(3.1)


def test_a_sick_call_on_a_published_day_off_costs_no_contract_hours() -> None:
    """Re-rostering: Full 0 works Monday to Friday in the published roster; sick on Saturday (a day
    off) leaves 32-40 h, sick on Tuesday (a working day) counts 8 paid hours from both."""
    p = replace(
        desk(), published=Roster("Desk", WEEK.first_day, tuple(shift("f0", d) for d in WEEK.days[:5]))
    )
    agent = p.team.agent("f0")
    for day, bounds in ((WEEK.days[5], (32, 40)), (WEEK.days[1], (24, 32))):
        sick = replace(p, availability=(AvailabilityEntry("f0", "absence", on_date=day),))
        assert sick.week_hours(agent, 0) == pytest.approx(bounds)


def test_without_a_published_roster_a_week_of_absence_is_a_weeks_pay() -> None:
    """Days off not yet chosen: each absent day counts as a working day, but no more of them than
    the contract works (5 of 7): sick all week leaves 0-0 h, sick on two days 16-24 h."""
    p, agent = desk(), desk().team.agent("f0")
    for days, bounds in ((WEEK.days, (0, 0)), (WEEK.days[5:], (16, 24))):
        sick = replace(p, availability=tuple(AvailabilityEntry("f0", "absence", on_date=d) for d in days))
        assert sick.week_hours(agent, 0) == pytest.approx(bounds)


def test_a_day_of_leave_of_a_part_timer_available_three_days_is_a_third_of_their_minimum() -> None:
    """Available Monday, Wednesday and Friday only (4-h shifts), 12-12 h: a vacation on Wednesday
    leaves 8 h, which Monday and Friday hold (a fifth of 12 h a day left 9.6 h: impossible)."""
    part_timer = verify_agent(min_hours_per_week=12, max_hours_per_week=12)
    labour = LabourRules(min_rest_hours=8, max_consecutive_days=7, min_days_off_per_week=2)
    other_days = tuple(AvailabilityEntry("a", "unavailable", weekday=d) for d in (1, 3, 5, 6))
    vacation = AvailabilityEntry("a", "time_off", on_date=VERIFY_WEEK + timedelta(days=2))
    p = verify_problem(part_timer, labour=labour, availability=(*other_days, vacation))
    assert p.week_hours(part_timer, 0) == pytest.approx((8.0, 12.0))
    # a full-timer available every day keeps a fifth of the minimum a day: 32 - 6.4 h
    full_timer = verify_agent(min_hours_per_week=32, max_hours_per_week=40)
    p = verify_problem(full_timer, labour=labour, availability=(vacation,))
    assert p.week_hours(full_timer, 0) == pytest.approx((25.6, 40.0))

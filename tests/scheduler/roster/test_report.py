"""The lead's summary of a roster: days with no need named, contract hours as the rules count them."""

from __future__ import annotations

from datetime import timedelta

from scheduler.domain import Roster
from scheduler.roster.report import summarize
from tests.scheduler.roster.factories import VERIFY_WEEK, verify_problem


def test_the_days_with_no_need_are_named() -> None:
    """Need on Monday to Wednesday only (a requirements file that ends early): Thursday to Sunday."""
    p = verify_problem(need={(day, 10): 1.0 for day in range(3)})
    summary = summarize(p, Roster(p.team.name, VERIFY_WEEK, ()))
    assert summary.days_without_need == [VERIFY_WEEK + timedelta(days=d) for d in range(3, 7)]


def test_a_week_with_need_every_day_names_none() -> None:
    p = verify_problem(need={(day, 10): 1.0 for day in range(7)})
    assert summarize(p, Roster(p.team.name, VERIFY_WEEK, ())).days_without_need == []

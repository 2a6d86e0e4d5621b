"""Lines of the lead's report built from a summary alone."""

from __future__ import annotations

from datetime import timedelta

from api.lead_report import without_need_line
from scheduler.domain import Roster
from scheduler.roster.report import summarize
from tests.scheduler.roster.factories import VERIFY_WEEK, verify_problem


def test_days_with_no_need_are_named_first() -> None:
    p = verify_problem(need={(day, 10): 1.0 for day in range(5)})
    summary = summarize(p, Roster(p.team.name, VERIFY_WEEK, ()))
    assert without_need_line(summary) == [
        "no need on Sat 20 Jun, Sun 21 Jun: the requirements ask for nobody then; give them if the team works "
        "those days"
    ]
    assert VERIFY_WEEK + timedelta(days=5) in summary.days_without_need

"""A stretch is "short" only where service suffers: the Coverage tab and the day view list the
stretches the version's report found (`scheduler.roster.report.short_stretches`), not every interval
with fewer agents than the fractional need."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from api.service.roster_worker import roster_report
from api.service.views import coverage_view, day_view
from common.timegrid import PlanningWeek
from scheduler import Agent, Problem, QueueSpec, Roster, RosterResult, Shift, ShiftRules, Team

MONDAY = date(2026, 11, 2)  # London is on UTC that week
CHAT = QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, aht_s=300)
EMAIL = QueueSpec("email", "email", service_level=0.9, response_hours=24, aht_s=300)


def _team() -> Team:
    return Team(
        "Desk",
        "Europe/London",
        (CHAT, EMAIL),
        (
            Agent("c1", "Cy", "Europe/London", ("chat",), 0, 56),
            Agent("e1", "Eve", "Europe/London", ("email",), 0, 56),
        ),
        interval_minutes=60,
        shrinkage=0.0,
        shift_rules=ShiftRules((8.0,), 60, 6 * 60, 14 * 60),
    )


def _problem() -> Problem:
    """Chat: 2 chats an hour 09-17 (one agent meets 80 % in 60 s). Email: 2 an hour around the clock,
    a 24-hour window, a need of 1.3 agents 09-17 against the one agent on it."""
    week = PlanningWeek(MONDAY, "Europe/London", 60)
    n = week.grid.n_intervals
    open_hours = (np.arange(n) % 24 >= 9) & (np.arange(n) % 24 < 17)
    return Problem(
        _team(),
        week,
        {"chat": np.where(open_hours, 1.0, 0.0), "email": np.where(open_hours, 1.3, 0.0)},
        volume={"chat": np.where(open_hours, 2.0, 0.0), "email": np.full(n, 2.0)},
        aht_s={"chat": np.full(n, 300.0), "email": np.full(n, 300.0)},
    )


def _shift(agent: str, day: date, hour: int, queue: str) -> Shift:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Shift(agent, day, start, start + timedelta(hours=8), queue)


def _stored() -> tuple[Problem, Roster, dict[str, Any]]:
    """Eve on email 09-17 every day; Cy on chat 09-17, but Monday 12-20: nobody on chat Monday morning."""
    days = [MONDAY + timedelta(days=d) for d in range(7)]
    shifts = [_shift("e1", d, 9, "email") for d in days]
    shifts += [_shift("c1", d, 12 if d == MONDAY else 9, "chat") for d in days]
    roster = Roster("Desk", MONDAY, tuple(shifts))
    problem = _problem()
    return problem, roster, roster_report(problem, RosterResult(roster, "FEASIBLE", 0.0, 0.0, 0.0, {}))


def test_a_queue_below_its_fractional_need_with_service_met_is_not_short() -> None:
    problem, _, stored = _stored()
    stretches = stored["report"]["short_stretches"]
    view = coverage_view(problem.team, MONDAY, stored["coverage"], stretches)
    chat, email = view["queues"]
    # email: 0.3 of an agent below the need 8 hours a day, every email answered within 24 hours
    assert email["shortfall_hours"] > 16
    assert min(d["service_level"] for d in email["daily"]) >= EMAIL.service_level
    assert email["short_stretches"] == []
    # chat: nobody on it Monday 09-12 while chats come in
    (monday,) = chat["short_stretches"]
    assert monday["local_date"] == "2026-11-02"
    assert (monday["start_utc"], monday["end_utc"]) == ("2026-11-02T09:00:00Z", "2026-11-02T12:00:00Z")
    assert monday["hours"] == 3
    assert monday["shortfall_hours"] == 3
    assert monday["text"].startswith("Mon 02 Nov 09:00–12:00: nobody on chat")
    assert monday["text"] == next(s["words"] for s in stretches if s["queue"] == "chat")


def test_the_day_view_marks_only_where_service_suffers() -> None:
    problem, roster, stored = _stored()
    stretches = stored["report"]["short_stretches"]
    chat, email = day_view(problem.team, roster, (), stored["coverage"], stretches, MONDAY)["queues"]
    assert email["short"][10] > 0  # below the need, as the chart shows
    assert email["suffers"] == [False] * 24
    assert email["short_stretches"] == []
    assert [h for h, bad in enumerate(chat["suffers"]) if bad] == [9, 10, 11]
    assert chat["short_stretches"] == [s["words"] for s in stretches if s["queue"] == "chat"]
    tuesday = day_view(problem.team, roster, (), stored["coverage"], stretches, MONDAY + timedelta(days=1))
    assert [q["short_stretches"] for q in tuesday["queues"]] == [[], []]


def test_the_day_view_lists_who_is_at_work_in_the_order_they_start() -> None:
    """Monday: Eve starts at 09:00 and Cy at 12:00, though Cy comes first in the team."""
    problem, roster, stored = _stored()
    view = day_view(problem.team, roster, (), stored["coverage"], stored["report"]["short_stretches"], MONDAY)
    assert [a["id"] for a in view["agents"]] == ["e1", "c1"]

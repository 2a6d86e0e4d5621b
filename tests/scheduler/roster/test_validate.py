"""The independent checker finds each broken hard rule on hand-built rosters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from common.timegrid import UTC, PlanningWeek, zone
from scheduler.domain import (
    Activity,
    Agent,
    AvailabilityEntry,
    AvailabilityKind,
    BreakRule,
    LabourRules,
    QueueSpan,
    QueueSpec,
    Roster,
    Shift,
    ShiftRules,
    Team,
)
from scheduler.roster.problem import Problem
from scheduler.roster.validate import works_during, works_outside

WEEK = PlanningWeek(date(2026, 3, 2), "America/New_York", 15)  # holds the spring-forward Sunday
RULES = ShiftRules((8.0,), 60, 6 * 60, 14 * 60, (BreakRule("lunch", 30, 180, 240, min_shift_hours=6),))


def team(**labour: float) -> Team:
    agents = (
        Agent("maya", "Maya", "America/New_York", ("chat",), 0, 40),
        Agent("ravi", "Ravi", "Asia/Kolkata", ("chat", "email"), 0, 40),
    )
    queues = (QueueSpec("chat", "chat"), QueueSpec("email", "email"))
    return Team("T", "America/New_York", queues, agents, 15, 0.2, RULES, LabourRules(**labour))  # type: ignore[arg-type]


def problem(entries: tuple[AvailabilityEntry, ...] = (), **labour: float) -> Problem:
    zeros = {"chat": np.zeros(WEEK.grid.n_intervals), "email": np.zeros(WEEK.grid.n_intervals)}
    return Problem(team(**labour), WEEK, zeros, entries)


def shift(
    day: int, hour: int, *, agent: str = "maya", length_h: int = 8, queue: str = "chat", lunch_at: int = 4
) -> Shift:
    """A shift of Maya (UTC-5 that week until Sunday) starting `hour` local on March 2 + `day`."""
    local_day = date(2026, 3, 2) + timedelta(days=day)
    offset = 4 if local_day >= date(2026, 3, 8) else 5
    start = datetime(local_day.year, local_day.month, local_day.day, hour, tzinfo=UTC) + timedelta(
        hours=offset
    )
    lunch = Activity(
        "lunch", start + timedelta(hours=lunch_at), start + timedelta(hours=lunch_at, minutes=30)
    )
    return Shift(agent, local_day, start, start + timedelta(hours=length_h), queue, (lunch,))


def rules_broken(p: Problem, shifts: list[Shift]) -> set[str]:
    from scheduler.roster.validate import check_roster

    return {v.rule for v in check_roster(p, tuple(shifts))}


def test_a_valid_week_has_no_violations() -> None:
    assert rules_broken(problem(), [shift(d, 9) for d in range(5)]) == set()


def test_valid_shift_on_the_dst_sunday() -> None:
    assert rules_broken(problem(), [shift(6, 9)]) == set()


@pytest.mark.parametrize(
    ("shifts", "rule"),
    [
        ([shift(0, 9, length_h=9)], "shift length"),
        ([shift(0, 15)], "start time"),
        ([shift(0, 9, queue="email")], "skills"),
        ([shift(0, 9, lunch_at=1)], "breaks"),
        ([shift(0, 14), shift(1, 6)], "minimum rest"),
        ([shift(d, 9) for d in range(6)], "days off"),
    ],
)
def test_each_broken_rule_is_found(shifts: list[Shift], rule: str) -> None:
    assert rule in rules_broken(problem(), shifts)


def test_two_shifts_on_one_local_day() -> None:
    a = shift(0, 6)
    b = Shift(
        "maya",
        a.local_date,
        a.start_utc + timedelta(hours=8),
        a.end_utc + timedelta(hours=8),
        "chat",
        a.breaks,
    )
    assert "one shift a day" in rules_broken(problem(min_rest_hours=0), [a, b])


def test_local_day_label_must_match_start() -> None:
    s = shift(0, 9)
    wrong = Shift(s.agent_id, s.local_date + timedelta(days=1), s.start_utc, s.end_utc, s.queue, s.breaks)
    assert "local day" in rules_broken(problem(), [wrong])


def test_consecutive_days_limit() -> None:
    assert "consecutive days" in rules_broken(
        problem(max_consecutive_days=3, min_days_off_per_week=0), [shift(d, 9) for d in range(4)]
    )


def test_weekly_hours_max_and_min() -> None:
    p = problem()
    heavy = Agent("maya", "Maya", "America/New_York", ("chat",), 0, 16)
    small = Problem(
        Team("T", WEEK.tz, p.team.queues, (heavy,), 15, 0.2, RULES, LabourRules()), WEEK, p.required
    )
    assert "weekly hours" in rules_broken(small, [shift(d, 9) for d in range(3)])
    needs = Agent("maya", "Maya", "America/New_York", ("chat",), 24, 40)
    low = Problem(
        Team("T", WEEK.tz, p.team.queues, (needs,), 15, 0.2, RULES, LabourRules()), WEEK, p.required
    )
    assert "weekly hours" in rules_broken(low, [shift(0, 9)])


@pytest.mark.parametrize(
    ("entry", "broken"),
    [
        (AvailabilityEntry("maya", "time_off", on_date=date(2026, 3, 2)), True),
        (AvailabilityEntry("maya", "unavailable", 16 * 60, 24 * 60, weekday=0), True),
        (AvailabilityEntry("maya", "unavailable", 17 * 60, 24 * 60, weekday=0), False),
        (AvailabilityEntry("maya", "available", 8 * 60, 17 * 60, on_date=date(2026, 3, 2)), False),
        (AvailabilityEntry("maya", "available", 10 * 60, 17 * 60, on_date=date(2026, 3, 2)), True),
        (AvailabilityEntry("maya", "avoid", 0, 24 * 60, weekday=0), False),
    ],
)
def test_availability(entry: AvailabilityEntry, broken: bool) -> None:
    assert ("availability" in rules_broken(problem((entry,)), [shift(0, 9)])) is broken


def test_rest_counts_last_weeks_roster() -> None:
    from scheduler.domain import Roster

    p = problem()
    late = shift(-1, 14)  # Sunday before the week, ends 22:00
    with_previous = Problem(p.team, WEEK, p.required, previous=Roster("T", date(2026, 2, 23), (late,)))
    assert "minimum rest" in rules_broken(with_previous, [shift(0, 6)])


def test_queue_stretch_without_the_skill_is_caught() -> None:
    s = shift(0, 9)
    half = s.start_utc + timedelta(hours=3)
    moved = Shift(
        s.agent_id,
        s.local_date,
        s.start_utc,
        s.end_utc,
        "chat",
        s.breaks,
        (QueueSpan("chat", s.start_utc, half), QueueSpan("email", half, s.end_utc)),
    )
    assert rules_broken(problem(), [moved]) == {"skills"}


def test_queue_stretches_ravi_may_work_are_fine() -> None:
    s = shift(0, 9, agent="ravi")
    half = s.start_utc + timedelta(hours=4)
    moved = Shift(
        "ravi",
        s.local_date,
        s.start_utc,
        s.end_utc,
        "chat",
        s.breaks,
        (QueueSpan("chat", s.start_utc, half), QueueSpan("email", half, s.end_utc)),
    )
    assert "skills" not in rules_broken(problem(), [moved])


def with_previous(p: Problem, previous_days: list[int]) -> Problem:
    """The problem with last week's roster: Maya worked these days (negative: before March 2)."""
    last_week = Roster("T", date(2026, 2, 23), tuple(shift(d, 9) for d in previous_days))
    return replace(p, previous=last_week)


@pytest.mark.parametrize(
    ("worked", "previous", "broken"),
    [
        ([0, 2, 3], None, True),  # Tuesday alone off between two working days
        ([0, 3, 4], None, False),  # Tuesday and Wednesday off
        ([1, 2, 3], None, False),  # Monday off, but what came before is unknown
        ([1, 2, 3], [-3, -2], False),  # Sunday and Monday off
        ([1, 2, 3], [-2, -1], True),  # Monday alone off after last week's Sunday
        ([0, 1, 2], [-3, -2], True),  # last week's lone Sunday off ends on Monday
        ([0, 1, 2, 5], None, False),  # Sunday off too: a block still open at the end of the week
        ([0, 1, 2, 4], None, True),  # Thursday alone off
    ],
)
def test_days_off_in_blocks(worked: list[int], previous: list[int] | None, broken: bool) -> None:
    p = problem(min_consecutive_days_off=2)
    if previous is not None:
        p = with_previous(p, previous)
    shifts = [shift(d, 9) for d in worked]
    assert ("days off in blocks" in rules_broken(p, shifts)) is broken
    assert "days off in blocks" not in rules_broken(replace(p, team=team()), shifts)  # no rule by default


def test_an_agents_own_labour_rules_replace_the_teams() -> None:
    p = problem(max_consecutive_days=6)
    maya = replace(
        p.team.agents[0], labour_rules=LabourRules(max_consecutive_days=3, min_days_off_per_week=0)
    )
    own = replace(p, team=replace(p.team, agents=(maya, p.team.agents[1])))
    four_days = [shift(d, 9) for d in range(4)]
    assert "consecutive days" in rules_broken(own, four_days)
    assert "consecutive days" not in rules_broken(p, four_days)


@pytest.mark.parametrize(
    ("least", "most", "days", "time_off", "broken"),
    [
        (0, 3, 4, False, True),  # four shifts, at most three
        (0, 3, 3, False, False),
        (3, None, 2, False, True),  # two shifts, at least three
        (3, None, 2, True, False),  # a day of time off takes one from the minimum
    ],
)
def test_shift_count_contracts(least: int, most: int | None, days: int, time_off: bool, broken: bool) -> None:
    entries = (AvailabilityEntry("maya", "time_off", on_date=date(2026, 3, 6)),) if time_off else ()
    p = problem(entries)
    maya = replace(p.team.agents[0], min_shifts_per_week=least, max_shifts_per_week=most)
    counted = replace(p, team=replace(p.team, agents=(maya, p.team.agents[1])))
    assert ("weekly shifts" in rules_broken(counted, [shift(d, 9) for d in range(days)])) is broken


def stretches(*spans: tuple[str, float]) -> Shift:
    """Ravi's 8-hour shift (lunch four hours in) worked on these queues, each for so many hours."""
    s = shift(0, 9, agent="ravi")
    out, at = [], s.start_utc
    for queue, hours in spans:
        end = at + timedelta(hours=hours)
        out.append(QueueSpan(queue, at, end))
        at = end
    return Shift(s.agent_id, s.local_date, s.start_utc, s.end_utc, spans[0][0], s.breaks, tuple(out))


@pytest.mark.parametrize(
    ("spans", "broken"),
    [
        ((("chat", 3), ("email", 5)), False),
        ((("chat", 3.5), ("email", 0.5), ("chat", 4)), True),  # 30 minutes on email
        ((("chat", 2), ("email", 2), ("chat", 2), ("email", 2)), True),  # three changes
        ((("chat", 4), ("email", 4)), True),  # the email stretch would start with the lunch
        ((("chat", 5), ("email", 3)), False),  # the lunch is part of the chat stretch it interrupts
    ],
)
def test_queue_blocks_are_checked(spans: tuple[tuple[str, float], ...], broken: bool) -> None:
    assert ("queue blocks" in rules_broken(problem(), [stretches(*spans)])) is broken


SIX_HOURS = ShiftRules((6.0,), 60, 6 * 60, 14 * 60, (BreakRule("lunch", 30, 180, 330, min_shift_hours=6),))


@pytest.mark.parametrize(("lunch_at_min", "broken"), [(300, False), (315, True), (330, True)])
def test_a_lunch_leaves_half_an_hour_of_work_after_it_where_its_window_allows(
    lunch_at_min: int, broken: bool
) -> None:
    """A window drawn for 8-hour shifts (lunch 180-330 min in) on a 6-hour shift: the lunch may not
    end the shift, nor leave less than 30 minutes of it."""
    p = replace(problem(), team=replace(team(), shift_rules=SIX_HOURS))
    one = shift(0, 9, length_h=6)
    lunch = Activity(
        "lunch",
        one.start_utc + timedelta(minutes=lunch_at_min),
        one.start_utc + timedelta(minutes=lunch_at_min + 30),
    )
    assert ("breaks" in rules_broken(p, [replace(one, breaks=(lunch,))])) is broken


def test_a_window_with_no_room_after_it_keeps_its_places() -> None:
    from scheduler.roster.candidates import break_offsets

    lunch = BreakRule("lunch", 30, 180, 330, min_shift_hours=6)
    assert max(break_offsets(lunch, 6 * 60, 15)) * 15 == 300  # ends 30 min before a 6-h shift does
    assert max(break_offsets(lunch, 8 * 60, 15)) * 15 == 330  # the window's own end on 8 hours
    late = BreakRule("lunch", 30, 330, 330, min_shift_hours=6)
    assert break_offsets(late, 6 * 60, 15) == (22,)  # no room after it anywhere: the window stands
    p = replace(problem(), team=replace(team(), shift_rules=ShiftRules((6.0,), 60, 6 * 60, 14 * 60, (late,))))
    one = shift(0, 9, length_h=6)
    at_end = Activity("lunch", one.start_utc + timedelta(minutes=330), one.end_utc)
    assert "breaks" not in rules_broken(p, [replace(one, breaks=(at_end,))])


TWO_BREAKS = (BreakRule("break", 15, 60, 180), BreakRule("lunch", 30, 120, 300))


@pytest.mark.parametrize(
    ("break_at_min", "lunch_at_min", "broken"),
    [(120, 135, True), (120, 150, True), (120, 165, False), (165, 120, True), (180, 120, False)],
)
def test_breaks_keep_half_an_hour_of_work_between_them_where_their_windows_allow(
    break_at_min: int, lunch_at_min: int, broken: bool
) -> None:
    """A 15-minute break and a lunch in an 8-hour shift: one right after the other, or 15 minutes
    after it, is one long break nobody planned; 30 minutes apart is fine, in either order."""
    rules = ShiftRules((8.0,), 60, 6 * 60, 14 * 60, TWO_BREAKS)
    p = replace(problem(), team=replace(team(), shift_rules=rules))
    one = shift(0, 9)
    at = one.start_utc
    pause = Activity("break", at + timedelta(minutes=break_at_min), at + timedelta(minutes=break_at_min + 15))
    lunch = Activity("lunch", at + timedelta(minutes=lunch_at_min), at + timedelta(minutes=lunch_at_min + 30))
    assert ("breaks" in rules_broken(p, [replace(one, breaks=(pause, lunch))])) is broken


def test_breaks_may_meet_where_their_windows_leave_no_room_between_them() -> None:
    rules = ShiftRules(
        (8.0,), 60, 6 * 60, 14 * 60, (BreakRule("break", 15, 120, 120), BreakRule("lunch", 30, 135, 150))
    )
    p = replace(problem(), team=replace(team(), shift_rules=rules))
    one = shift(0, 9)
    at = one.start_utc
    pause = Activity("break", at + timedelta(minutes=120), at + timedelta(minutes=135))
    lunch = Activity("lunch", at + timedelta(minutes=150), at + timedelta(minutes=180))
    assert "breaks" not in rules_broken(p, [replace(one, breaks=(pause, lunch))])
    right_after = Activity("lunch", at + timedelta(minutes=135), at + timedelta(minutes=165))
    assert "breaks" not in rules_broken(p, [replace(one, breaks=(pause, right_after))])


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_worked_minutes_follow_the_wall_clock_minute_by_minute(tz: str) -> None:
    """The checker's local minutes of a shift, against converting every minute, for shifts starting
    every 45 minutes over three days around each clock change of 2026 in these zones (Lord Howe
    changes by half an hour)."""
    from zoneinfo import ZoneInfo

    from scheduler.roster.validate import _worked_minutes

    agent = Agent("x", "X", tz, ("chat",), 0, 40)
    zone_ = ZoneInfo(tz)
    changes = [(2026, 3, 7), (2026, 3, 28), (2026, 4, 4), (2026, 10, 3), (2026, 10, 24), (2026, 10, 31)]
    for around in (datetime(y, m, d, tzinfo=UTC) for y, m, d in changes):
        for k in range(0, 3 * 24 * 60, 45):
            start = around + timedelta(minutes=k)
            s = Shift("x", start.date(), start, start + timedelta(hours=9), "chat")
            local = [(start + timedelta(minutes=m)).astimezone(zone_) for m in range(9 * 60)]
            assert _worked_minutes(agent, s) == [(t.date(), t.hour * 60 + t.minute) for t in local]


def _availability_by_minute(entries: tuple[AvailabilityEntry, ...], agent: Agent, s: Shift) -> list[str]:
    """The availability check minute by minute, on the agent's clock: the definition."""
    problems: set[str] = set()
    for k in range(round(s.length.total_seconds() / 60)):
        local = (s.start_utc + timedelta(minutes=k)).astimezone(zone(agent.tz))
        day, minute = local.date(), local.hour * 60 + local.minute
        blocked = [
            e for e in entries if e.kind in ("unavailable", "time_off", "absence") and e.applies_to(day)
        ]
        windows = [e for e in entries if e.kind == "available" and e.applies_to(day)]
        windows = [e for e in windows if e.on_date is not None] or windows
        for e in blocked:
            if e.start_minute <= minute < e.end_minute:
                problems.add(works_during(e, day))
        if windows and not any(e.start_minute <= minute < e.end_minute for e in windows):
            problems.add(works_outside(day))
    return sorted(problems)


@pytest.mark.parametrize("seed", range(4))
def test_the_availability_check_by_runs_is_the_check_minute_by_minute(seed: int) -> None:
    """Shifts across midnight and across the clock changes, against random rows of every kind."""
    from scheduler.roster.validate import _availability_problems

    rng = np.random.default_rng(seed)
    agent = Agent(
        "a", "A", str(rng.choice(["Europe/London", "America/New_York", "Australia/Adelaide"])), ("chat",)
    )
    days = [date(2026, 10, 24) + timedelta(days=d) for d in range(10)] + [
        date(2026, 4, 4) + timedelta(days=d) for d in range(3)
    ]
    for _ in range(60):
        entries = []
        for _ in range(int(rng.integers(0, 5))):
            kind: AvailabilityKind = rng.choice(["unavailable", "time_off", "absence", "available"]).item()
            first = int(rng.integers(0, 24)) * 60
            end = min(1440, first + int(rng.integers(1, 12)) * 60)
            day = days[int(rng.integers(len(days)))]
            dated = rng.random() < 0.6
            entries.append(
                AvailabilityEntry(
                    "a",
                    kind,
                    first,
                    end,
                    on_date=day if dated else None,
                    weekday=None if dated else day.weekday(),
                )
            )
        day = days[int(rng.integers(len(days)))]
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            minutes=int(rng.integers(0, 48)) * 30
        )
        shift = Shift("a", day, start, start + timedelta(hours=int(rng.integers(4, 11))), "chat")
        rows = tuple(entries)
        assert _availability_problems(rows, agent, shift) == _availability_by_minute(rows, agent, shift)

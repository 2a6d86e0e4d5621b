"""Each hard rule alone, as Timefold's ConstraintVerifier checks one: the model with that rule only and
every decision fixed to a roster written by hand refuses a roster that breaks the rule and accepts one
that keeps it; the independent checker (`validate.check_roster`) finds that rule broken, and only that
one, in the first and nothing in the second."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

import pytest

from common.timegrid import wall_to_utc, zone
from scheduler.domain import AvailabilityEntry, BreakRule, Roster, Shift
from scheduler.roster.problem import Problem
from scheduler.roster.rules import (
    HARD_RULES,
    add_absent_keep_days_off,
    add_breaks,
    add_days_off,
    add_forbidden_successions,
    add_hours_in_horizon,
    add_locked,
    add_max_consecutive_days,
    add_max_shifts_by_type,
    add_max_weekends_worked,
    add_min_consecutive_days_off,
    add_min_consecutive_days_worked,
    add_min_rest,
    add_one_shift_a_day,
    add_pinned,
    add_start_spread,
    add_weekly_hours,
    add_weekly_shifts,
)
from scheduler.roster.validate import check_roster
from scheduler.roster.variables import Rule
from tests.scheduler.roster.factories import (
    EARLY_AND_LATE,
    EASY_LABOUR,
    EIGHT_HOURS,
    VERIFY_TZ,
    VERIFY_WEEK,
    rule_holds,
    shift_at,
    verify_agent,
    verify_problem,
)


@dataclass(frozen=True)
class Verdict:
    """A roster written by hand for a problem, and whether it keeps the rule."""

    label: str
    problem: Problem
    shifts: tuple[Shift, ...]
    keeps: bool


def keeps(label: str, p: Problem, *shifts: Shift) -> Verdict:
    return Verdict(label, p, shifts, True)


def breaks(label: str, p: Problem, *shifts: Shift) -> Verdict:
    return Verdict(label, p, shifts, False)


def days(p: Problem, *numbers: int, start: str = "08:00", shift_type: str = "") -> tuple[Shift, ...]:
    """A shift from `start` on each of the week's days `numbers` (0: Monday)."""
    return tuple(shift_at(p, d, start, shift_type=shift_type) for d in numbers)


def last_week(p: Problem, *shifts: Shift) -> Problem:
    """`p` with last week's roster."""
    return replace(p, previous=Roster("Verify", VERIFY_WEEK - timedelta(days=7), shifts))


def local(day: int, hour: int) -> datetime:
    instant = wall_to_utc(VERIFY_WEEK + timedelta(days=day), hour * 60, zone(VERIFY_TZ))
    assert instant is not None
    return instant


def one_shift_a_day() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, min_rest_hours=0))  # back to back is rest enough
    return [
        breaks("two shifts on Monday", p, shift_at(p, 0, "06:00"), shift_at(p, 0, "14:00")),
        keeps("one on Monday, one on Tuesday", p, *days(p, 0, 1)),
    ]


def breaks_in_their_window() -> list[Verdict]:
    p = verify_problem(rules=replace(EIGHT_HOURS, breaks=(BreakRule("lunch", 60, 180, 300),)))
    return [
        breaks("a shift without its lunch", p, shift_at(p, 0, "08:00")),
        breaks("a lunch an hour in, before its window", p, shift_at(p, 0, "08:00", breaks=[("lunch", 60)])),
        keeps("a lunch four hours in", p, shift_at(p, 0, "08:00", breaks=[("lunch", 240)])),
        *breaks_apart(),
    ]


def breaks_apart() -> list[Verdict]:
    """A break and a lunch whose windows leave room for half an hour of work between them, on a
    15-minute grid."""
    two = (BreakRule("break", 15, 60, 180), BreakRule("lunch", 30, 120, 300))
    p = verify_problem(rules=replace(EIGHT_HOURS, breaks=two), interval_minutes=15)
    at = partial(shift_at, p, 0, "08:00")
    return [
        breaks("a lunch right after the break", p, at(breaks=[("break", 120), ("lunch", 135)])),
        breaks("a lunch 15 min after the break", p, at(breaks=[("break", 120), ("lunch", 150)])),
        keeps("a lunch 30 min after the break", p, at(breaks=[("break", 120), ("lunch", 165)])),
        breaks("a break 15 min after the lunch", p, at(breaks=[("lunch", 120), ("break", 165)])),
        keeps("a break 30 min after the lunch", p, at(breaks=[("lunch", 120), ("break", 180)])),
    ]


def min_rest() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, min_rest_hours=12))
    sunday_late = last_week(p, shift_at(p, -1, "14:00"))
    return [
        breaks(
            "10 h between Monday 22:00 and Tuesday 08:00", p, shift_at(p, 0, "14:00"), shift_at(p, 1, "08:00")
        ),
        keeps(
            "12 h between Monday 22:00 and Tuesday 10:00", p, shift_at(p, 0, "14:00"), shift_at(p, 1, "10:00")
        ),
        breaks("8 h after last Sunday's late shift", sunday_late, shift_at(p, 0, "06:00")),
        keeps("12 h after last Sunday's late shift", sunday_late, shift_at(p, 0, "10:00")),
    ]


def days_off() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, min_days_off_per_week=2))
    return [breaks("six days", p, *days(p, 0, 1, 2, 3, 4, 5)), keeps("five days", p, *days(p, 0, 1, 2, 3, 4))]


def max_consecutive_days() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, max_consecutive_days=3))
    weekend_before = last_week(p, *days(p, -2, -1))
    return [
        breaks("four days in a row", p, *days(p, 0, 1, 2, 3)),
        keeps("three, a day off, three", p, *days(p, 0, 1, 2, 4, 5, 6)),
        breaks("last weekend, then Monday and Tuesday", weekend_before, *days(p, 0, 1)),
        keeps("last weekend, then Monday", weekend_before, *days(p, 0, 2)),
    ]


def days_off_in_blocks() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, min_consecutive_days_off=2))
    return [
        breaks("Tuesday off alone", p, *days(p, 0, 2)),
        keeps("Tuesday and Wednesday off", p, *days(p, 0, 3)),
    ]


def weekly_hours() -> list[Verdict]:
    p = verify_problem(verify_agent(min_hours_per_week=16, max_hours_per_week=24))
    return [
        breaks("32 h", p, *days(p, 0, 1, 2, 3)),
        breaks("8 h", p, *days(p, 0)),
        keeps("24 h", p, *days(p, 0, 1, 2)),
    ]


def weekly_shifts() -> list[Verdict]:
    p = verify_problem(verify_agent(min_shifts_per_week=2, max_shifts_per_week=3))
    return [
        breaks("four shifts", p, *days(p, 0, 1, 2, 3)),
        breaks("one shift", p, *days(p, 0)),
        keeps("three shifts", p, *days(p, 0, 1, 2)),
    ]


def working_days_in_runs() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, min_consecutive_days_worked=2))
    return [
        breaks("Wednesday alone", p, *days(p, 2)),
        keeps("Wednesday and Thursday", p, *days(p, 2, 3)),
    ]


def weekends() -> list[Verdict]:
    p = verify_problem(labour=replace(EASY_LABOUR, max_weekends_worked=0))
    return [breaks("a Saturday", p, *days(p, 0, 5)), keeps("weekdays", p, *days(p, 0, 1, 2, 3, 4))]


def start_spread() -> list[Verdict]:
    p = verify_problem(rules=replace(EIGHT_HOURS, max_start_spread_minutes=120))
    return [
        breaks("06:00 on Monday, 09:00 on Wednesday", p, shift_at(p, 0, "06:00"), shift_at(p, 2, "09:00")),
        keeps("06:00 on Monday, 08:00 on Wednesday", p, shift_at(p, 0, "06:00"), shift_at(p, 2, "08:00")),
    ]


def forbidden_successions() -> list[Verdict]:
    p = verify_problem(rules=EARLY_AND_LATE)
    late_sunday = last_week(p, shift_at(p, -1, "14:00", shift_type="late"))
    return [
        breaks(
            "an early shift after a late one",
            p,
            shift_at(p, 0, "14:00", shift_type="late"),
            shift_at(p, 1, "06:00", shift_type="early"),
        ),
        keeps(
            "a late shift after an early one",
            p,
            shift_at(p, 0, "06:00", shift_type="early"),
            shift_at(p, 1, "14:00", shift_type="late"),
        ),
        breaks(
            "an early Monday after last Sunday's late",
            late_sunday,
            shift_at(p, 0, "06:00", shift_type="early"),
        ),
        keeps(
            "a late Monday after last Sunday's late", late_sunday, shift_at(p, 0, "14:00", shift_type="late")
        ),
    ]


def shifts_by_type() -> list[Verdict]:
    p = verify_problem(verify_agent(max_shifts_by_type=(("late", 1),)), rules=EARLY_AND_LATE)
    return [
        breaks("two late shifts", p, *days(p, 0, 2, start="14:00", shift_type="late")),
        keeps(
            "one late, one early",
            p,
            shift_at(p, 0, "14:00", shift_type="late"),
            shift_at(p, 2, "06:00", shift_type="early"),
        ),
    ]


def hours_in_horizon() -> list[Verdict]:
    p = verify_problem(verify_agent(min_hours_in_horizon=16, max_hours_in_horizon=16))
    return [
        breaks("24 h", p, *days(p, 0, 1, 2)),
        breaks("8 h", p, *days(p, 0)),
        keeps("16 h", p, *days(p, 0, 1)),
    ]


def pinned() -> list[Verdict]:
    p = verify_problem()
    p = replace(p, pinned=days(p, 0))
    return [
        breaks("Monday's pinned shift an hour later", p, shift_at(p, 0, "09:00")),
        breaks("without Monday's pinned shift", p, *days(p, 1)),
        keeps("Monday's pinned shift and another", p, *days(p, 0, 1)),
    ]


def locked() -> list[Verdict]:
    p = verify_problem()
    p = replace(p, published=Roster("Verify", VERIFY_WEEK, days(p, 0, 2)), locked_before_utc=local(1, 0))
    return [
        breaks("Monday's worked shift dropped", p, *days(p, 2)),
        breaks("Monday's worked shift an hour later", p, shift_at(p, 0, "09:00"), *days(p, 2)),
        keeps("Monday kept, Wednesday moved to Thursday", p, *days(p, 0, 3)),
    ]


def absent_keep_days_off() -> list[Verdict]:
    p = verify_problem()
    p = replace(
        p,
        published=Roster("Verify", VERIFY_WEEK, days(p, 0, 1, 2, 3, 4)),
        availability=(AvailabilityEntry("a", "absence", on_date=VERIFY_WEEK),),
    )
    return [
        breaks("absent Monday, given Saturday, a day off", p, *days(p, 1, 5)),
        keeps("absent Monday, working Tuesday and Wednesday as published", p, *days(p, 1, 2)),
    ]


# each hard rule, the checker's name for it, and the rosters that break or keep it
CASES: tuple[tuple[Rule, str, Callable[[], list[Verdict]]], ...] = (
    (add_pinned, "pinned", pinned),
    (add_locked, "locked", locked),
    (add_absent_keep_days_off, "absence", absent_keep_days_off),
    (add_one_shift_a_day, "one shift a day", one_shift_a_day),
    (add_breaks, "breaks", breaks_in_their_window),
    (add_min_rest, "minimum rest", min_rest),
    (add_days_off, "days off", days_off),
    (add_max_consecutive_days, "consecutive days", max_consecutive_days),
    (add_min_consecutive_days_off, "days off in blocks", days_off_in_blocks),
    (add_weekly_hours, "weekly hours", weekly_hours),
    (add_weekly_shifts, "weekly shifts", weekly_shifts),
    (add_min_consecutive_days_worked, "working days in runs", working_days_in_runs),
    (add_max_weekends_worked, "weekends", weekends),
    (add_start_spread, "start times", start_spread),
    (add_forbidden_successions, "shift succession", forbidden_successions),
    (add_max_shifts_by_type, "shifts by type", shifts_by_type),
    (add_hours_in_horizon, "hours in horizon", hours_in_horizon),
)


def test_every_hard_rule_has_its_test() -> None:
    assert [rule for rule, _, _ in CASES] == list(HARD_RULES)


@pytest.mark.parametrize(
    ("rule", "checked_as", "verdicts"), CASES, ids=[rule.__name__ for rule, _, _ in CASES]
)
def test_the_rule_alone_refuses_the_rosters_that_break_it(
    rule: Rule, checked_as: str, verdicts: Callable[[], list[Verdict]]
) -> None:
    for v in verdicts():
        assert rule_holds(v.problem, rule, v.shifts) == v.keeps, v.label
        found = check_roster(v.problem, v.shifts)
        if v.keeps:
            assert found == [], f"{v.label}: {found}"
        else:
            assert {x.rule for x in found} == {checked_as}, f"{v.label}: the checker found {found}"

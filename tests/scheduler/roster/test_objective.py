"""Each soft rule alone: the model with that rule only and every decision fixed to a roster written by
hand, and the exact penalty it gives that roster (as Timefold's ConstraintVerifier asserts one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from scheduler.domain import AvailabilityEntry, Roster, Shift, ShiftCover, ShiftRequest, Weights
from scheduler.roster.objective import (
    SOFT_RULES,
    add_changes,
    add_consecutive_days_off,
    add_coverage,
    add_fair_shares,
    add_preferences,
    add_same_start_time,
    add_shift_cover,
    add_shift_requests,
)
from scheduler.roster.problem import Problem
from scheduler.roster.validate import check_roster
from scheduler.roster.variables import Rule
from tests.scheduler.roster.factories import (
    EARLY_AND_LATE,
    VERIFY_WEEK,
    rule_penalties,
    shift_at,
    verify_agent,
    verify_problem,
)

W = Weights()
MONDAY, TUESDAY = VERIFY_WEEK, VERIFY_WEEK + timedelta(days=1)
Case = tuple[Problem, tuple[Shift, ...], dict[str, float]]


def coverage() -> Case:
    """Two agents needed Monday 08-16 and one working: one short for eight hours; Tuesday's shift
    is one over for eight hours where nobody is needed."""
    p = verify_problem(need={(0, h): 2.0 for h in range(8, 16)})
    short = 8 * W.under_per_agent_interval  # the steeper tiers start beyond one agent short
    over = 8 * W.over_per_agent_interval
    return (
        p,
        (shift_at(p, 0, "08:00"), shift_at(p, 1, "08:00")),
        {"coverage of live queues (points)": short + over},
    )


def preferences() -> Case:
    """Two hours in avoided time on Monday, two in preferred time on Tuesday."""
    p = verify_problem(
        availability=(
            AvailabilityEntry("a", "avoid", 8 * 60, 10 * 60, weekday=0),
            AvailabilityEntry("a", "preferred", 10 * 60, 12 * 60, weekday=1),
        )
    )
    return (
        p,
        (shift_at(p, 0, "08:00"), shift_at(p, 1, "08:00")),
        {
            "hours in avoided times (points)": 2 * W.avoid_per_hour,
            "hours in preferred times (points, a reward)": -2 * W.preferred_per_hour,
        },
    )


def shift_cover() -> Case:
    """Two early shifts wanted on Monday and one worked; no late one wanted on Tuesday and one worked."""
    p = verify_problem(
        rules=EARLY_AND_LATE,
        shift_cover=(ShiftCover(MONDAY, "early", 2, 7, 3), ShiftCover(TUESDAY, "late", 0, 7, 3)),
    )
    shifts = (shift_at(p, 0, "06:00", shift_type="early"), shift_at(p, 1, "14:00", shift_type="late"))
    return (
        p,
        shifts,
        {"agents missing from shift-type cover (points)": 7, "agents over shift-type cover (points)": 3},
    )


def shift_requests() -> Case:
    """An early Monday asked for and not given; a late Tuesday asked against and worked; an early
    Wednesday asked for and given."""
    p = verify_problem(
        rules=EARLY_AND_LATE,
        shift_requests=(
            ShiftRequest("a", MONDAY, "early", True, 5),
            ShiftRequest("a", TUESDAY, "late", False, 4),
            ShiftRequest("a", VERIFY_WEEK + timedelta(days=2), "early", True, 6),
        ),
    )
    shifts = (
        shift_at(p, 0, "14:00", shift_type="late"),
        shift_at(p, 1, "14:00", shift_type="late"),
        shift_at(p, 3, "06:00", shift_type="early"),
    )
    # Wednesday's early is not worked: 5 + 6 not granted
    return (
        p,
        shifts,
        {"shift requests not granted (points)": 11, "shifts worked against a request (points)": 4},
    )


def changes() -> Case:
    """Published Monday and Tuesday 08:00; the new roster moves Tuesday's an hour and adds Thursday."""
    p = verify_problem()
    p = replace(
        p, published=Roster("Verify", VERIFY_WEEK, (shift_at(p, 0, "08:00"), shift_at(p, 1, "08:00")))
    )
    shifts = (shift_at(p, 0, "08:00"), shift_at(p, 1, "09:00"), shift_at(p, 3, "08:00"))
    return (
        p,
        shifts,
        {
            "published shifts changed": W.change_per_shift,
            "working days added to the published roster": W.change_per_shift,
        },
    )


def consecutive_days_off() -> Case:
    """Working Monday, Wednesday, Thursday and Saturday: Tuesday and Friday are lone days off."""
    p = verify_problem()
    return p, tuple(shift_at(p, d, "08:00") for d in (0, 2, 3, 5)), {"lone days off": 2 * W.isolated_day_off}


def same_start_time() -> Case:
    """Starts at 08:00, 09:00, 08:00 and 10:00: two start times beyond the first."""
    p = verify_problem()
    shifts = tuple(shift_at(p, d, start) for d, start in enumerate(("08:00", "09:00", "08:00", "10:00")))
    return p, shifts, {"start times beyond each agent's first": 2 * W.extra_start_time}


def fair_shares() -> Case:
    """Anna works the weekend, Saturday's shift a late one (it ends at 22:00); Ben works Monday. No shift
    the rules allow is a night shift, so night shifts are not shared out at all."""
    p = verify_problem(verify_agent("anna"), verify_agent("ben"))
    shifts = (
        shift_at(p, 5, "14:00", agent_id="anna"),
        shift_at(p, 6, "08:00", agent_id="anna"),
        shift_at(p, 0, "08:00", agent_id="ben"),
    )
    return (
        p,
        shifts,
        {
            "weekend days: most minus fewest": 2 * W.weekend_spread_per_day,
            "late shifts: most minus fewest": 1 * W.late_spread_per_shift,
        },
    )


CASES: tuple[tuple[Rule, Callable[[], Case]], ...] = (
    (add_coverage, coverage),
    (add_shift_cover, shift_cover),
    (add_preferences, preferences),
    (add_shift_requests, shift_requests),
    (add_changes, changes),
    (add_consecutive_days_off, consecutive_days_off),
    (add_same_start_time, same_start_time),
    (add_fair_shares, fair_shares),
)


def test_every_soft_rule_has_its_test() -> None:
    assert {rule for rule, _ in CASES} == set(SOFT_RULES)


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[rule.__name__ for rule, _ in CASES])
def test_the_rule_alone_gives_the_roster_its_exact_penalty(rule: Rule, case: Callable[[], Case]) -> None:
    p, shifts, penalties = case()
    assert check_roster(p, shifts) == []  # a valid roster: only the soft rule is at stake
    assert rule_penalties(p, rule, shifts) == penalties

"""Sick calls: an absence counts as paid hours against the contract, a re-roster does not move the
absent agent's hours onto their days off (unless the lead lets it), and the uncovered hours get a
list of who could cover them and at what cost."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest

from common.timegrid import PlanningWeek, local_day_start_utc, zone
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, Roster, Shift, ShiftRules, Team
from scheduler.roster.cover import DAY_OFF_WORKED, EXTRA, OVERTIME, cover_options
from scheduler.roster.problem import Problem
from scheduler.roster.report import measure, roster_changes, short_stretches
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

WEEK = PlanningWeek(date(2026, 11, 2), "Europe/London", 60)
TZ = "Europe/London"


def desk(part_timer_hours: float = 16.0) -> Problem:
    """Four full-timers and a part-timer on chat, 09:00-17:00 London every weekday."""
    agents = (
        *(Agent(f"f{i}", f"Full {i}", TZ, ("chat",), 32, 40) for i in range(4)),
        Agent("p", "Part Timer", TZ, ("chat",), part_timer_hours, 24),
    )
    rules = ShiftRules((8.0,), 60, 9 * 60, 9 * 60)
    team = Team("Desk", TZ, (QueueSpec("chat", "chat"),), agents, 60, 0.0, rules, LabourRules(11.0, 6, 2))
    need = np.zeros(WEEK.grid.n_intervals)
    for day in range(5):
        need[day * 24 + 9 : day * 24 + 17] = 4
    return Problem(team, WEEK, {"chat": need})


def shift(agent: str, day: date) -> Shift:
    start = local_day_start_utc(day, zone(TZ)) + timedelta(hours=9)
    return Shift(agent, day, start, start + timedelta(hours=8), "chat")


def test_an_absence_counts_as_paid_hours_against_the_contract() -> None:
    p = desk()
    tuesday = WEEK.days[1]
    sick = dataclasses.replace(p, availability=(AvailabilityEntry("f0", "absence", on_date=tuesday),))
    low, high = sick.week_hours(sick.team.agent("f0"), 0)
    assert (low, high) == pytest.approx((32 - 8, 40 - 8))  # a sick day counts as a day worked
    unpaid = dataclasses.replace(sick, team=dataclasses.replace(sick.team, absence_paid=False))
    assert unpaid.week_hours(unpaid.team.agent("f0"), 0) == (32, 40)
    planned = dataclasses.replace(p, availability=(AvailabilityEntry("f0", "time_off", on_date=tuesday),))
    assert planned.week_hours(planned.team.agent("f0"), 0) == pytest.approx((32 - 32 / 5, 40))
    # the checker agrees: four 8-hour days are the most an absent full-timer may work
    five = (*tuple(shift("f0", d) for d in WEEK.days if d != tuesday)[:4], shift("f0", WEEK.days[5]))
    (over,) = [v for v in check_roster(sick, five) if v.agent_id == "f0" and v.rule == "weekly hours"]
    assert (
        over.message
        == "40 h, above the maximum of 32 h: the contract's 40 h less 8 h for paid leave this week"
    )


def test_an_absence_of_part_of_a_day_lowers_the_least_hours_only_and_a_re_roster_keeps_a_whole_week() -> None:
    """In late, or an hour away, on a day the agent works: a whole shift may still be worked that day
    around it, so the most hours stay the contract's (before, an hour away left a 40-h agent of 8-h
    shifts exactly 39 h, which no week makes: the re-roster failed). The least hours are lowered by
    it, a working day's share at most."""
    p = desk()
    tuesday = WEEK.days[1]
    away = AvailabilityEntry("f0", "absence", 10 * 60, 11 * 60, on_date=tuesday, note="an hour away")
    late = AvailabilityEntry("f0", "absence", 0, 12 * 60, on_date=tuesday, note="in late at 12:00")
    for entry, low in ((away, 32 - 1), (late, 32 - 8)):
        partial = dataclasses.replace(p, availability=(entry,))
        assert partial.week_hours(partial.team.agent("f0"), 0) == pytest.approx((low, 40))
    week = tuple(shift("f0", d) for d in WEEK.days[:5])
    published = Roster("Desk", WEEK.days[0], week)
    for entry in (away, late):
        again = dataclasses.replace(p, availability=(entry,), published=published)
        result = solve(again, QUICK)
        assert check_roster(again, result.roster.shifts) == []
        hours = sum(s.hours for s in result.roster.shifts if s.agent_id == "f0")
        assert hours >= 32  # a whole week, or a day less: never an infeasible contract


def test_time_off_paid_lowers_the_most_hours_too_and_a_solve_keeps_it() -> None:
    """Two days of leave on a team that pays it: three days' work, not the contract's five."""
    p = desk()
    leave = tuple(AvailabilityEntry("f0", "time_off", on_date=d) for d in WEEK.days[:2])
    paid = dataclasses.replace(p, availability=leave, team=dataclasses.replace(p.team, time_off_paid=True))
    assert paid.week_hours(paid.team.agent("f0"), 0) == pytest.approx((32 - 2 * 32 / 5, 40 - 2 * 8))
    five = tuple(shift("f0", d) for d in WEEK.days[2:7])
    assert "weekly hours" in {v.rule for v in check_roster(paid, five) if v.agent_id == "f0"}
    result = solve(paid, QUICK)
    assert check_roster(paid, result.roster.shifts) == []
    assert sum(s.hours for s in result.roster.shifts_of("f0")) <= 24


def test_paid_time_off_lowers_the_most_hours_in_a_re_roster_as_in_the_first_roster() -> None:
    """A lead's review: with paid leave, the first roster gave an agent on holiday on Friday 32 h; the
    re-roster after another agent's sick call gave her 40 h (a Saturday shift), because her holiday
    was not a day the published roster had her at work, so it counted for nothing."""
    p = desk()
    friday = WEEK.days[4]
    holiday = (AvailabilityEntry("f0", "time_off", on_date=friday),)
    paid = dataclasses.replace(p, availability=holiday, team=dataclasses.replace(p.team, time_off_paid=True))
    first = solve(paid, QUICK).roster
    assert sum(s.hours for s in first.shifts_of("f0")) <= 32
    sick_day = WEEK.days[2]
    sick = (*holiday, AvailabilityEntry("f1", "absence", on_date=sick_day))
    again = dataclasses.replace(
        paid, availability=sick, published=first, locked_before_utc=local_day_start_utc(sick_day, zone(TZ))
    )
    agent = again.team.agent("f0")
    assert again.week_hours(agent, 0) == paid.week_hours(agent, 0) == pytest.approx((32 - 32 / 5, 32))
    result = solve(again, QUICK)
    assert check_roster(again, result.roster.shifts) == []
    assert sum(s.hours for s in result.roster.shifts_of("f0")) <= 32


def test_a_re_roster_after_a_sick_call_keeps_the_absent_agents_days_off() -> None:
    p = desk()
    first = solve(p, QUICK).roster
    worked = list(first.shifts_of("f0"))
    sick_day = worked[1].local_date
    off = [d for d in WEEK.days if d not in {s.local_date for s in worked}]
    absent = (AvailabilityEntry("f0", "absence", on_date=sick_day, note="sick"),)
    lock = local_day_start_utc(sick_day, zone(TZ))
    again = dataclasses.replace(p, availability=absent, published=first, locked_before_utc=lock)
    result = solve(again, QUICK)
    assert check_roster(again, result.roster.shifts) == []
    days = {s.local_date for s in result.roster.shifts_of("f0")}
    assert sick_day not in days
    assert not days & set(off), "the absent agent's lost hours went onto a day off"
    # the checker names such a roster
    moved = Roster(first.team, first.first_day, (*result.roster.shifts, shift("f0", off[0])))
    assert any(v.rule == "absence" for v in check_roster(again, moved.shifts))
    # the lead may allow it
    allowed = dataclasses.replace(again, absent_may_work_days_off=True)
    assert not any(v.rule == "absence" for v in check_roster(allowed, moved.shifts))


def test_a_second_re_roster_counts_the_sick_days_of_the_roster_in_force_as_days_they_would_work() -> None:
    """A second re-roster in the week starts from the first, whose sick day has no shift: it is a sick
    day of the roster in force (`Roster.absent`), not a day off, so it is paid as before and the agent
    keeps their real days off without working more to make up the contract."""
    p = desk()
    first = solve(p, QUICK).roster
    worked = list(first.shifts_of("f0"))
    sick_day = worked[1].local_date
    off = {d for d in WEEK.days if d not in {s.local_date for s in worked}}
    absent = (AvailabilityEntry("f0", "absence", on_date=sick_day, note="sick"),)
    lock = local_day_start_utc(sick_day, zone(TZ))
    once = dataclasses.replace(p, availability=absent, published=first, locked_before_utc=lock)
    in_force = dataclasses.replace(solve(once, QUICK).roster, absent=frozenset({("f0", sick_day)}))
    twice = dataclasses.replace(once, published=in_force, locked_before_utc=lock + timedelta(days=1))
    assert twice.week_hours(twice.team.agent("f0"), 0) == once.week_hours(once.team.agent("f0"), 0)
    result = solve(twice, QUICK)
    assert check_roster(twice, result.roster.shifts) == []
    assert not {s.local_date for s in result.roster.shifts_of("f0")} & off
    # read as a day off instead, the sick day is not paid and the contract asks for its hours again
    as_off = dataclasses.replace(twice, published=dataclasses.replace(in_force, absent=frozenset()))
    assert as_off.week_hours(as_off.team.agent("f0"), 0)[0] > twice.week_hours(twice.team.agent("f0"), 0)[0]


def test_who_could_cover_a_sick_call_and_at_what_cost() -> None:
    """Tuesday is short after Full 0's sick call: the part-timer (hours to spare) is offered an
    extra shift within the contract first; full-timers only as a swap of days off or overtime."""
    p = desk()
    tuesday = WEEK.days[1]
    week = tuple(shift(f"f{i}", d) for i in range(4) for d in WEEK.days[:5]) + tuple(
        shift("p", d) for d in WEEK.days[:2]
    )
    sick = dataclasses.replace(p, availability=(AvailabilityEntry("f0", "absence", on_date=tuesday),))
    roster = Roster(
        "Desk",
        WEEK.first_day,
        tuple(
            s
            for s in week
            if not (s.agent_id == "f0" and s.local_date == tuesday)
            and not (s.agent_id == "p" and s.local_date == tuesday)
        ),
    )
    stretches = short_stretches(sick, measure(sick, roster))
    assert stretches, "Tuesday is short"
    options = cover_options(sick, roster, stretches)
    assert options[0].agent_id == "p"
    assert options[0].kind == EXTRA
    assert {o.kind for o in options} <= {EXTRA, DAY_OFF_WORKED, OVERTIME}
    assert all(o.agent_id != "f0" for o in options), "the absent agent is never offered"
    for o in options:  # each option keeps every rule but those its kind names
        added = Shift(o.agent_id, o.day, o.start_utc, o.end_utc, "chat")
        broken = {v.rule for v in check_roster(sick, (*roster.shifts, added)) if v.agent_id == o.agent_id}
        assert broken <= {"breaks", "weekly hours", "days off", "consecutive days", "weekly shifts"}


def test_a_sick_day_entered_after_its_shift_began_drops_the_shift_and_re_covers_the_rest_of_the_day() -> None:
    """Full 0 called in sick on the morning of her second day and the lead re-rosters at 11:00, after
    her 09:00 shift began: an absence that covers the shift's start means it was not worked, so the
    re-roster drops it (the day is a day off sick, paid as one) and may cover the rest of the day with
    a shift that starts after the lock; the others' shifts that began stay as they were. Before, the
    re-roster was refused: a shift already worked overlapped the absence."""
    p = desk()
    first = solve(p, QUICK).roster
    sick_day = list(first.shifts_of("f0"))[1].local_date
    lock = local_day_start_utc(sick_day, zone(TZ)) + timedelta(hours=11)
    absent = (AvailabilityEntry("f0", "absence", on_date=sick_day, note="called in sick"),)
    again = dataclasses.replace(p, availability=absent, published=first, locked_before_utc=lock)
    assert {(s.agent_id, s.local_date) for s in first.shifts if s.start_utc < lock} - {
        (s.agent_id, s.local_date) for s in again.worked()
    } == {("f0", sick_day)}
    result = solve(again, QUICK)
    assert check_roster(again, result.roster.shifts) == []
    assert sick_day not in {s.local_date for s in result.roster.shifts_of("f0")}
    kept = {(s.agent_id, s.start_utc) for s in result.roster.shifts if s.start_utc < lock}
    assert kept == {(s.agent_id, s.start_utc) for s in again.worked()}
    # the checker refuses a roster that keeps the shift the sick call dropped, or drops one worked
    kept_sick = (*result.roster.shifts, shift("f0", sick_day))
    assert any(v.rule == "locked" for v in check_roster(again, kept_sick))
    other = next(s for s in again.worked() if s.agent_id != "f0")
    assert any(
        v.rule == "locked" for v in check_roster(again, tuple(s for s in result.roster.shifts if s != other))
    )


def test_a_shift_cut_short_by_a_sick_call_pays_the_hours_missed_not_a_whole_day() -> None:
    """Full 0 (32–40 h) went home ill at 13:00 on her second day, four hours into 09:00–17:00: she
    worked 4 h and the absence pays the other 4, so her week's least and most hours fall by 4, not by
    a day's 8; the re-roster keeps every rule and her week's hours."""
    p = desk()
    first = solve(p, QUICK).roster
    sick_day = list(first.shifts_of("f0"))[1].local_date
    lock = local_day_start_utc(sick_day, zone(TZ)) + timedelta(hours=14)
    ill = (AvailabilityEntry("f0", "absence", start_minute=13 * 60, on_date=sick_day, note="went home ill"),)
    again = dataclasses.replace(p, availability=ill, published=first, locked_before_utc=lock)
    assert again.worked_hours("f0")[sick_day] == 4.0
    assert again.week_hours(again.team.agent("f0"), 0) == pytest.approx((32 - 4, 40 - 4))
    result = solve(again, QUICK)
    assert check_roster(again, result.roster.shifts) == []
    (cut,) = [s for s in result.roster.shifts_of("f0") if s.local_date == sick_day]
    assert cut.hours == 4.0
    (change,) = [
        c for c in roster_changes(first, result.roster) if (c.agent_id, c.local_date) == ("f0", sick_day)
    ]
    assert change.describe(again.team, again.availability) == (
        f"Full 0, {sick_day:%a %d %b}: 09:00–17:00 chat → 09:00–13:00 chat, then off sick"
    )
    # re-rostered again from this roster, now the one in force (a second sick call that week): the
    # shift stays as it was worked, and the sick call pays the same hours
    twice = dataclasses.replace(again, published=result.roster)
    assert twice.week_hours(twice.team.agent("f0"), 0) == pytest.approx((32 - 4, 40 - 4))
    again_result = solve(twice, QUICK)
    assert check_roster(twice, again_result.roster.shifts) == []
    assert cut in again_result.roster.shifts


def test_a_sick_call_from_the_end_of_a_shift_worked_in_full_pays_nothing_that_day() -> None:
    """Full 0 worked 09:00–17:00 and reported sick from 17:00: that day was worked in full, so her week's
    hours stand, and her later days stay hers."""
    p = desk()
    first = solve(p, QUICK).roster
    sick_day = list(first.shifts_of("f0"))[1].local_date
    lock = local_day_start_utc(sick_day, zone(TZ)) + timedelta(hours=18)
    ill = (AvailabilityEntry("f0", "absence", start_minute=17 * 60, on_date=sick_day),)
    again = dataclasses.replace(p, availability=ill, published=first, locked_before_utc=lock)
    assert again.week_hours(again.team.agent("f0"), 0) == pytest.approx((32, 40))
    result = solve(again, QUICK)
    assert check_roster(again, result.roster.shifts) == []

"""A re-roster that repairs: only the agents whose published week breaks a rule now are re-rostered,
and everyone else keeps their week as published, stretches and breaks included."""

from __future__ import annotations

import dataclasses
import functools
from datetime import timedelta

import pytest

from common.timegrid import zone
from scheduler.domain import AvailabilityEntry, QueueSpan, Roster
from scheduler.roster.cover import cover_options
from scheduler.roster.problem import Problem
from scheduler.roster.repair import agents_to_repair, repair_line, repair_only
from scheduler.roster.report import measure, short_stretches
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, blended_problem


@functools.cache
def late_on_thursday(seed: int) -> tuple[Problem, Roster, str]:
    """A published week of a blended team, re-rostered on Wednesday with one agent in two hours late
    for their Thursday shift (an absence from the day's start until then; made once per seed, as the
    tests only read it)."""
    p = blended_problem(seed)
    published = solve(p, QUICK).roster
    thursday = p.week.days[3]
    shift = next(s for s in published.shifts if s.local_date == thursday)
    agent = p.team.agent(shift.agent_id)
    back = (shift.start_utc + timedelta(hours=2)).astimezone(zone(agent.tz))
    late = AvailabilityEntry(agent.id, "absence", on_date=thursday, end_minute=back.hour * 60 + back.minute)
    lock = p.week.grid.start_utc + timedelta(days=2)
    later = dataclasses.replace(
        p, availability=(*p.availability, late), published=published, locked_before_utc=lock
    )
    return later, published, agent.id


@pytest.mark.parametrize("seed", [0, 1])
def test_a_repair_re_rosters_the_late_agent_alone_and_keeps_everyone_else_as_published(seed: int) -> None:
    later, published, late = late_on_thursday(seed)
    assert agents_to_repair(later) == {late}
    repair = repair_only(later)
    assert repair.kept_agents == {a.id for a in later.team.agents} - {late}
    result = solve(repair, QUICK)
    assert check_roster(repair, result.roster.shifts) == []
    assert check_roster(later, result.roster.shifts) == []  # a repair is a re-roster of the same week
    for agent in repair.kept_agents:
        kept, was = result.roster.shifts_of(agent), published.shifts_of(agent)
        assert [(s.start_utc, s.end_utc, s.breaks, s.stretches()) for s in kept] == [
            (s.start_utc, s.end_utc, s.breaks, s.stretches()) for s in was
        ], agent
    # the late agent's week keeps every rule with the absence (the checker above), and changed
    assert result.roster.shifts_of(late) != published.shifts_of(late)


def test_the_checker_holds_a_kept_agent_to_their_published_week() -> None:
    later, published, _ = late_on_thursday(0)
    repair = repair_only(later)
    kept = next(a for a in sorted(repair.kept_agents) if published.shifts_of(a))
    shift = published.shifts_of(kept)[-1]
    other = next(q for q in later.team.agent(kept).skills if q != shift.stretches()[0].queue)
    moved = dataclasses.replace(shift, queue=other, work=(QueueSpan(other, shift.start_utc, shift.end_utc),))
    shifts = tuple(moved if s is shift else s for s in published.shifts)
    assert any(v.rule == "locked" and v.agent_id == kept for v in check_roster(repair, shifts))
    assert not any(v.agent_id == kept for v in check_roster(later, shifts))  # only a repair keeps them


def test_nothing_published_is_nothing_to_repair() -> None:
    p = blended_problem(0)
    assert repair_only(p) is p
    assert agents_to_repair(p) == set()


def test_the_repair_says_whom_it_re_rostered_and_how_to_re_roster_everyone() -> None:
    later, _, late = late_on_thursday(0)
    line = repair_line(repair_only(later))
    assert line.startswith(
        f"re-rostered 1 agent whose published week breaks a rule now ({later.team.agent(late).name})"
    )
    assert line.endswith(
        "everyone else keeps their shifts as published; --reoptimize lets every agent's shifts change"
    )
    unbroken = dataclasses.replace(
        later, availability=tuple(e for e in later.availability if e.kind != "absence")
    )
    assert repair_line(repair_only(unbroken)).startswith(
        "re-rostered nobody: nothing in the availability breaks"
    )


def test_who_could_cover_after_a_repair_names_agents_the_repair_kept() -> None:
    """The repair keeps every other agent's week, but the lead may still ask any of them to cover:
    the options are the same as for the whole team's re-roster of the same roster."""
    later, _, late = late_on_thursday(0)
    repair = repair_only(later)
    roster = solve(repair, QUICK).roster
    stretches = short_stretches(repair, measure(repair, roster))
    assert stretches
    options = cover_options(repair, roster, stretches)
    assert {o.agent_id for o in options} - {late}
    assert [o.words for o in options] == [o.words for o in cover_options(later, roster, stretches)]


def test_an_agent_in_late_keeps_the_day_from_the_time_back_whatever_their_usual_start_times() -> None:
    """Regular hours (starts at most an hour apart in a week) and shifts from 06:00 to 12:00: an agent
    whose Thursday began at the earliest start is in two hours late. The start the sick call moves is
    left out of their band, so they work Thursday from when they are back instead of losing the day
    (the lead's finding: 'in late at 10:00' became 'off sick')."""
    p = blended_problem(0)
    rules = dataclasses.replace(p.team.shift_rules, max_start_spread_minutes=60)
    p = dataclasses.replace(p, team=dataclasses.replace(p.team, shift_rules=rules))
    published = solve(p, QUICK).roster
    thursday = p.week.days[3]
    early = min(
        (s for s in published.shifts if s.local_date == thursday),
        key=lambda s: s.start_utc.astimezone(zone(p.team.agent(s.agent_id).tz)).hour,
    )
    agent = p.team.agent(early.agent_id)
    back = early.start_utc.astimezone(zone(agent.tz)) + timedelta(hours=2)
    late = AvailabilityEntry(agent.id, "absence", on_date=thursday, end_minute=back.hour * 60 + back.minute)
    lock = p.week.grid.start_utc + timedelta(days=2)
    later = dataclasses.replace(
        p, availability=(*p.availability, late), published=published, locked_before_utc=lock
    )
    assert later.part_day_absences(agent.id) == {thursday}
    result = solve(repair_only(later), QUICK)
    assert check_roster(later, result.roster.shifts) == []
    (mine,) = [s for s in result.roster.shifts_of(agent.id) if s.local_date == thursday]
    assert mine.start_utc.astimezone(zone(agent.tz)).hour * 60 >= late.end_minute

"""The roster benchmark's seeded instances build valid, deterministic problems of the promised shape."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import cache

import numpy as np
import pytest

from benchmarks.roster_instances import SPECS, Instance, InstanceSpec, weekly_instance
from benchmarks.roster_quality import middle_breaks
from scheduler.domain import Shift
from scheduler.roster.candidates import build_candidates
from scheduler.roster.problem import Problem, min_hours_after_time_off
from scheduler.roster.validate import check_roster


@cache
def built(name: str) -> Instance:
    return weekly_instance(next(s for s in SPECS if s.name == name))


def spec_named(name: str) -> InstanceSpec:
    return next(s for s in SPECS if s.name == name)


NAMES = [s.name for s in SPECS]


@pytest.mark.parametrize("name", NAMES)
def test_instance_has_the_promised_team_and_grid(name: str) -> None:
    spec = spec_named(name)
    p = built(name).problem
    assert len(p.team.agents) == spec.n_agents
    assert {a.tz for a in p.team.agents} == {tz for tz, _ in spec.zones}
    assert p.week.interval_minutes == 15
    assert set(p.required) == set(spec.queues)
    assert all(v.shape == (p.week.grid.n_intervals,) for v in p.required.values())
    sizes = {len(a.skills) for a in p.team.agents}
    assert 1 in sizes  # some single-skilled
    assert max(sizes) > 1  # some multi-skilled
    assert any(e.kind == "time_off" for e in p.availability)


@pytest.mark.parametrize("name", NAMES)
def test_requirement_loads_the_team_85_to_100_percent(name: str) -> None:
    inst = built(name)
    assert 0.85 <= inst.load <= 1.0
    total = np.sum(list(inst.problem.required.values()), axis=0)
    assert len(np.unique(total)) >= 4  # an intraday curve, not a flat line
    assert total.min() < total.max() / 4  # quiet hours and busy ones


def test_one_instance_is_a_dst_week() -> None:
    assert built("week-20-dst").problem.week.grid.n_intervals == 676


@pytest.mark.parametrize("name", NAMES)
def test_same_spec_gives_the_same_problem(name: str) -> None:
    again = weekly_instance(spec_named(name)).problem
    first = built(name).problem
    assert again.team == first.team
    assert again.availability == first.availability
    for queue, values in first.required.items():
        np.testing.assert_array_equal(again.required[queue], values)


def simple_roster(p: Problem) -> tuple[Shift, ...]:
    """Each agent's shortest shift at the earliest allowed start on as few days as the minimum needs."""
    rules = p.team.labour_rules
    shifts: list[Shift] = []
    for agent_id, candidates in build_candidates(p).items():
        agent = p.team.agent(agent_id)
        shortest = min(c.length_minutes for c in candidates)
        low = min_hours_after_time_off(
            agent, rules.min_days_off_per_week, p.entries_of(agent_id), p.week.days
        )
        wanted = math.ceil(low * 60 / shortest - 1e-9)
        mine: list[Shift] = []
        for c in candidates:  # in start order
            end = c.start_utc + timedelta(minutes=c.length_minutes)
            rested = not mine or c.start_utc - mine[-1].end_utc >= timedelta(hours=rules.min_rest_hours)
            new_day = not mine or c.local_date != mine[-1].local_date
            if len(mine) < wanted and c.length_minutes == shortest and rested and new_day:
                breaks = middle_breaks(
                    p.team.shift_rules_of(agent), c.start_utc, shortest, p.week.interval_minutes
                )
                mine.append(Shift(agent_id, c.local_date, c.start_utc, end, agent.skills[0], breaks))
        shifts.extend(mine)
    return tuple(shifts)


@pytest.mark.parametrize("name", NAMES)
def test_a_simple_roster_keeps_every_hard_rule(name: str) -> None:
    # the instance is feasible by construction, whatever the engine does with it
    p = built(name).problem
    assert check_roster(p, simple_roster(p)) == []

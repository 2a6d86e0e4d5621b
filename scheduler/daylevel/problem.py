"""Day-level roster problems, and the engine's search for them: branch and price.

A problem is *day-level* when nothing in it depends on the time of day: requirements by shift
type and day only (`Problem.shift_cover`; no demand per interval, and idle time free), the same
named shift types for every agent, no breaks, no rest that could bind beyond the banned
successions, whole days of unavailability, no weekly limit that could bind, no last week's
roster, pins or published roster, every agent on the team's clock, and no soft rule but the
cover and the shift requests. Such a problem is exactly an instance of the staff-rostering
benchmark's form (`scheduler.daylevel.instance.Instance`), and `solve_day_level` solves it with the column
generation and branching of `scheduler/daylevel/search.py`, whose compact model is the engine's.
`scheduler.roster.solve.solve` sends day-level problems here, and every other problem to its search
over the interval grid.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from common.errors import InvalidInput
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY, wall_to_utc, zone
from scheduler.daylevel.instance import Cover, Instance, Staff
from scheduler.daylevel.instance import ShiftRequest as DayRequest
from scheduler.daylevel.instance import ShiftType as DayShiftType
from scheduler.daylevel.search import CurtoisResult, CurtoisSettings, solve_instance
from scheduler.domain import Agent, AvailabilityEntry, Shift, ShiftRules
from scheduler.roster.problem import BLOCKING_KINDS, Problem
from scheduler.roster.rules import weekends

DST_ALLOWANCE_MINUTES = 60  # a clock change moves the rest between two days' shifts by up to this


def _weights_reasons(p: Problem) -> list[str]:
    w = p.weights
    out = []
    if any(np.any(r > 0) for r in p.required.values()):
        out.append("it has demand per interval")
    if w.over_per_agent_interval > 0:
        out.append("idle agent-intervals cost (over_per_agent_interval)")
    if w.objective == "service_level" and any(np.any(v > 0) for v in p.volume.values()):
        out.append("it has contacts whose service level the objective counts")
    costly = [
        name
        for name, value in (
            ("isolated_day_off", w.isolated_day_off),
            ("extra_start_time", w.extra_start_time),
            ("weekend_spread_per_day", w.weekend_spread_per_day),
            ("late_spread_per_shift", w.late_spread_per_shift),
            ("night_spread_per_shift", w.night_spread_per_shift),
        )
        if value > 0
    ]
    if costly:
        out.append(f"soft rules other than cover and requests weigh in ({', '.join(costly)})")
    return out


def _history_reasons(p: Problem) -> list[str]:
    out = []
    if p.previous is not None:
        out.append("last week's roster carries over")
    if p.pinned:
        out.append("it has pinned shifts")
    if p.published is not None:
        out.append("it re-rosters a published roster")
    return out


def _shift_type_reasons(p: Problem, rules: ShiftRules) -> list[str]:
    """Types that exist every day at their clock time, on the grid, without breaks or binding rest."""
    out = []
    step = p.week.grid.interval_minutes
    for t in rules.types:
        if t.start_minute % step or t.length_minutes % step:
            out.append(f"shift type {t.name!r} is off the {step}-minute grid")
        if rules.breaks_for(t.length_minutes):
            out.append(f"shift type {t.name!r} has breaks")
        if any(wall_to_utc(day, t.start_minute, p.week.zone) is None for day in p.week.days):
            out.append(f"shift type {t.name!r} starts in a clock change's gap on some day")
    return out


def _rest_reasons(p: Problem, agent: Agent) -> list[str]:
    """Rest that no banned succession already stands for, and that could bind on some day."""
    rest_minutes = p.team.labour_rules_of(agent).min_rest_hours * 60
    types = p.team.shift_rules_of(agent).types
    if rest_minutes <= 0:
        return []
    out = []
    for a in types:
        for b in types:
            for days_apart in range(1, 5):  # 4 days apart, shifts are 56 h apart at least: more than any rest
                gap = days_apart * MINUTES_PER_DAY + b.start_minute - a.start_minute - a.length_minutes
                banned = days_apart == 1 and b.name in a.not_followed_by
                if gap - DST_ALLOWANCE_MINUTES < rest_minutes and not banned:
                    out.append(f"{agent.id}: rest could bind between {a.name!r} and {b.name!r}")
    return out


def _agent_reasons(p: Problem, agent: Agent, rules: ShiftRules) -> list[str]:
    out = []
    own = p.team.shift_rules_of(agent)
    labour = p.team.labour_rules_of(agent)
    if own.types != rules.types:
        out.append(f"{agent.id} has shift types of their own")
    if zone(agent.tz) != p.week.zone:
        out.append(f"{agent.id} is not on the team's clock")
    longest_h = max((t.length_minutes for t in own.types), default=0) / 60
    if agent.min_hours_per_week > 0 or agent.min_shifts_per_week > 0 or labour.min_days_off_per_week > 0:
        out.append(f"{agent.id} has a weekly minimum")
    most_shifts = DAYS_PER_WEEK if agent.max_shifts_per_week is None else agent.max_shifts_per_week
    if agent.max_hours_per_week < DAYS_PER_WEEK * longest_h or most_shifts < DAYS_PER_WEEK:
        out.append(f"{agent.id} has a weekly maximum that could bind")
    for hours in (agent.min_hours_in_horizon, agent.max_hours_in_horizon):
        if hours is not None and math.isfinite(hours) and abs(hours * 60 - round(hours * 60)) > 1e-6:
            out.append(f"{agent.id}: hours over the horizon are not whole minutes")
    out.extend(_rest_reasons(p, agent))
    return out


def _availability_reasons(p: Problem) -> list[str]:
    """Availability must be whole days off, and no shift type may run into one from the day before."""
    out = []
    overnight = [
        t.name for t in p.team.shift_rules.types if t.start_minute + t.length_minutes > MINUTES_PER_DAY
    ]
    if overnight and p.availability:
        out.append(f"shift types {', '.join(map(repr, overnight))} run past midnight into days off")
    partial = sorted(
        {e.agent_id for e in p.availability if e.kind not in BLOCKING_KINDS or e.start_minute > 0}
        | {e.agent_id for e in p.availability if e.end_minute < MINUTES_PER_DAY}
    )
    if partial:
        out.append(f"availability other than whole days off ({', '.join(partial)})")
    return out


def day_level_reasons(p: Problem) -> list[str]:
    """Why the problem is not day-level (see the module docstring); empty when it is."""
    rules = p.team.shift_rules
    out = _weights_reasons(p) + _history_reasons(p) + _availability_reasons(p)
    if p.week.first_day.weekday() != 0:
        out.append("the horizon does not start on a Monday (the day-level form counts weekends from one)")
    if not rules.types:
        out.append("the team's shifts are not named shift types")
        return out
    out.extend(_shift_type_reasons(p, rules))
    for agent in p.team.agents:
        out.extend(_agent_reasons(p, agent, rules))
    keys = [(c.day, c.shift_type) for c in p.shift_cover]
    if len(set(keys)) < len(keys):
        out.append("two cover rows for the same day and shift type")
    return out


def day_level_instance(p: Problem) -> Instance:
    """The problem as an instance of the benchmark's form (day indexes from the horizon's first day).

    Raises:
        InvalidInput: the problem is not day-level; the message says why.
    """
    reasons = day_level_reasons(p)
    if reasons:
        raise InvalidInput(f"not a day-level problem: {'; '.join(reasons)}")
    first = p.week.first_day
    shifts = tuple(
        DayShiftType(t.name, t.length_minutes, t.not_followed_by) for t in p.team.shift_rules.types
    )
    longest = max(t.length_minutes for t in shifts)
    staff = []
    entries: dict[str, list[AvailabilityEntry]] = defaultdict(list)
    for e in p.availability:
        entries[e.agent_id].append(e)
    for agent in p.team.agents:
        labour = p.team.labour_rules_of(agent)
        off = {(day - first).days for day in p.week.days for e in entries[agent.id] if e.applies_to(day)}
        most = agent.max_hours_in_horizon
        staff.append(
            Staff(
                agent.id,
                dict(agent.max_shifts_by_type),
                p.week.n_days * longest if most is None else round(most * 60),
                round(agent.min_hours_in_horizon * 60),
                labour.max_consecutive_days,
                labour.min_consecutive_days_worked,
                labour.min_consecutive_days_off,
                len(weekends(p)) if labour.max_weekends_worked is None else labour.max_weekends_worked,
                frozenset(off),
            )
        )
    requests = [
        DayRequest(r.agent_id, (r.day - first).days, r.shift_type, r.weight) for r in p.shift_requests
    ]
    return Instance(
        p.team.name,
        p.week.n_days,
        shifts,
        tuple(staff),
        on_requests=tuple(q for q, r in zip(requests, p.shift_requests, strict=True) if r.wanted),
        off_requests=tuple(q for q, r in zip(requests, p.shift_requests, strict=True) if not r.wanted),
        cover=tuple(
            Cover((c.day - first).days, c.shift_type, c.required, c.under_weight, c.over_weight)
            for c in p.shift_cover
        ),
    )


@dataclass(frozen=True)
class DayLevelResult:
    """A day-level solve: the engine's shifts, and what the search found and proved."""

    shifts: tuple[Shift, ...]
    search: CurtoisResult


def shifts_of(p: Problem, assignment: Mapping[tuple[str, int], str]) -> tuple[Shift, ...]:
    """The engine's shifts of a day-level roster, (agent, day index from the horizon's first day) ->
    shift type: each type at its clock time on its local day."""
    out = []
    for (agent_id, day), name in sorted(assignment.items()):
        kind = p.team.shift_rules.shift_type(name)
        local = p.week.first_day + timedelta(days=day)
        start = wall_to_utc(local, kind.start_minute, p.week.zone)
        if start is None:  # pragma: no cover - day_level_reasons refuses such types
            raise InvalidInput(f"shift type {name!r} does not exist on {local}")
        queue = min(p.team.agent(agent_id).skills)
        end = start + timedelta(minutes=kind.length_minutes)
        out.append(Shift(agent_id, local, start, end, queue, shift_type=name))
    return tuple(out)


def solve_day_level(p: Problem, time_limit_s: float, workers: int, seed: int = 0) -> DayLevelResult:
    """Branch and price on a day-level problem (`day_level_instance`), within the time limit.

    Raises:
        InvalidInput: the problem is not day-level.
        Infeasible: no roster keeps every hard rule.
    """
    instance = day_level_instance(p)
    search = solve_instance(instance, CurtoisSettings(time_limit_s=time_limit_s, workers=workers, seed=seed))
    return DayLevelResult(shifts_of(p, search.assignment), search)

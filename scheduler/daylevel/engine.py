"""A Curtois instance as the roster engine's problem, and the engine's rosters as Curtois solutions.

Every rule of the benchmark is an engine rule (`scheduler/roster/model.py`), checked by the engine's
checker (`scheduler/roster/validate.py`):

- shift types and "cannot follow" lists: `ShiftRules.types`, `ShiftType.not_followed_by`
  (`add_forbidden_successions`);
- MaxShifts per type: `Agent.max_shifts_by_type`; Min/MaxTotalMinutes: `Agent.min_hours_in_horizon`
  and `max_hours_in_horizon` (`add_max_shifts_by_type`, `add_hours_in_horizon`);
- Max/MinConsecutiveShifts and MinConsecutiveDaysOff: `LabourRules.max_consecutive_days`,
  `min_consecutive_days_worked`, `min_consecutive_days_off`, whose border conventions with no
  last week's roster are the benchmark's (`scheduler/roster/day_rules.py`);
- MaxWeekends: `LabourRules.max_weekends_worked`; days off: `unavailable` availability rows;
- shift-on and shift-off requests: `Problem.shift_requests`; cover per day and shift type with
  its weights: `Problem.shift_cover` (`add_shift_requests`, `add_shift_cover`).

The engine's other rules are switched off: no weekly limits, no rest (the benchmark's rotations
are its only rest rule), no demand per interval and every other soft weight zero, so the
engine's objective is the published one. The benchmark gives shift types no clock times; each
starts at midnight UTC of its day (no rule here reads the clock), on an hourly grid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from common.timegrid import HOURS_PER_WEEK, PlanningWeek
from scheduler.daylevel.instance import Instance
from scheduler.domain import (
    ONLY_SHIFT_COVER_AND_REQUESTS,
    Agent,
    AvailabilityEntry,
    LabourRules,
    QueueSpec,
    Shift,
    ShiftCover,
    ShiftRequest,
    ShiftRules,
    ShiftType,
    Team,
)
from scheduler.roster.model import RULES, build_model
from scheduler.roster.problem import Problem
from scheduler.roster.variables import Penalty, RosterVars, Rule

FIRST_DAY = date(2024, 1, 1)  # a Monday, as every instance's day 0 is; no rule reads the date
ZONE = "UTC"
QUEUE = "cover"  # the one queue, with no demand per interval: cover is by shift type
INTERVAL_MINUTES = 60


def day_date(day: int) -> date:
    """The engine's local date of the instance's day index."""
    return FIRST_DAY + timedelta(days=day)


def day_index(day: date) -> int:
    """The instance's day index of an engine date."""
    return (day - FIRST_DAY).days


def _agent(instance: Instance, staff_id: str) -> Agent:
    staff = next(s for s in instance.staff if s.id == staff_id)
    labour = LabourRules(
        min_rest_hours=0.0,
        max_consecutive_days=staff.max_consecutive_shifts,
        min_days_off_per_week=0,
        min_consecutive_days_off=max(1, staff.min_consecutive_days_off),  # a minimum of 0 or 1 is no rule
        min_consecutive_days_worked=max(1, staff.min_consecutive_shifts),
        max_weekends_worked=staff.max_weekends,
    )
    return Agent(
        staff.id,
        staff.id,
        ZONE,
        (QUEUE,),
        min_hours_per_week=0.0,
        max_hours_per_week=float(HOURS_PER_WEEK),
        labour_rules=labour,
        max_shifts_by_type=tuple(sorted(staff.max_shifts.items())),
        min_hours_in_horizon=staff.min_total_minutes / 60,
        max_hours_in_horizon=staff.max_total_minutes / 60,
    )


def to_problem(instance: Instance) -> Problem:
    """The instance as the engine's problem (see the module docstring).

    Raises:
        InvalidInput: a horizon or a contract the engine does not take (over a year, say).
    """
    types = tuple(ShiftType(s.id, 0, s.length_minutes, s.forbidden_next) for s in instance.shifts)
    agents = tuple(_agent(instance, s.id) for s in instance.staff)
    team = Team(
        "curtois",
        ZONE,
        (QueueSpec(QUEUE, "email"),),
        agents,
        INTERVAL_MINUTES,
        0.0,
        ShiftRules(types=types),
        LabourRules(),
        ONLY_SHIFT_COVER_AND_REQUESTS,
    )
    horizon = PlanningWeek(FIRST_DAY, ZONE, INTERVAL_MINUTES, n_days=instance.horizon_days)
    days_off = tuple(
        AvailabilityEntry(s.id, "unavailable", on_date=day_date(d))
        for s in instance.staff
        for d in sorted(s.days_off)
    )
    requests = tuple(
        ShiftRequest(r.employee, day_date(r.day), r.shift, wanted, r.weight)
        for wanted, rows in ((True, instance.on_requests), (False, instance.off_requests))
        for r in rows
    )
    cover = tuple(
        ShiftCover(day_date(c.day), c.shift, c.requirement, c.under_weight, c.over_weight)
        for c in instance.cover
    )
    return Problem(
        team,
        horizon,
        {QUEUE: np.zeros(horizon.grid.n_intervals)},
        days_off,
        ONLY_SHIFT_COVER_AND_REQUESTS,
        shift_cover=cover,
        shift_requests=requests,
    )


def assignment_of(shifts: Iterable[Shift]) -> dict[tuple[str, int], str]:
    """The Curtois solution of engine shifts: (employee, day index) -> shift type."""
    return {(s.agent_id, day_index(s.local_date)): s.shift_type for s in shifts}


@dataclass
class EngineModel:
    """The engine's CP-SAT model of an instance, with its variables by the instance's indexes:
    `x[employee, day, shift]` (absent on a fixed day off) and `works[employee, day]`."""

    problem: Problem
    model: cp_model.CpModel
    vars: RosterVars
    penalties: list[Penalty]
    x: dict[tuple[str, int, str], cp_model.IntVar] = field(init=False)
    works: dict[tuple[str, int], cp_model.IntVar] = field(init=False)

    def __post_init__(self) -> None:
        self.x = {
            (c.agent_id, day_index(c.local_date), c.shift_type): self.vars.works[c.index]
            for c in self.vars.all_candidates()
        }
        self.works = {(agent_id, day_index(day)): w for (agent_id, day), w in self.vars.day_worked.items()}

    def assignment(self, solver: cp_model.CpSolver) -> dict[tuple[str, int], str]:
        """The roster of a solve: (employee, day) -> shift type."""
        return {(who, day): s for (who, day, s), x in self.x.items() if solver.boolean_value(x)}


def engine_model(instance: Instance, rules: tuple[Rule, ...] = RULES) -> EngineModel:
    """The engine's model of the instance under `rules` (all of the engine's, by default), its
    objective the published one."""
    problem = to_problem(instance)
    model, v, penalties = build_model(problem, rules)
    return EngineModel(problem, model, v, penalties)

"""The roster model's decision variables: a boolean per candidate shift, per agent-day and per place a
break may start, named with their indices; and the penalty a soft rule returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from scheduler.domain import Agent, BreakRule, Shift
from scheduler.roster.candidates import Candidate, break_intervals, break_offsets, build_candidates
from scheduler.roster.problem import Problem, SkillGroup


@dataclass(frozen=True)
class Penalty:
    """A soft rule's cost: `weight` times the value of `expr`, reported under `name`."""

    name: str
    expr: cp_model.LinearExprT
    weight: int


@dataclass(frozen=True)
class BreakSlot:
    """One agent's break of one rule on one local day, starting in grid interval `start_index`."""

    agent_id: str
    local_date: date
    rule_index: int
    rule: BreakRule
    start_index: int
    n_intervals: int


@dataclass
class RosterVars:
    """The model's decision variables, named with their indices."""

    candidates: dict[str, list[Candidate]]
    by_index: dict[int, Candidate] = field(default_factory=dict)
    works: dict[int, cp_model.IntVar] = field(default_factory=dict)
    day_worked: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)
    breaks: dict[BreakSlot, cp_model.IntVar] = field(default_factory=dict)
    # agents of each skill group at work (on a shift, not on a break) per interval
    working: dict[SkillGroup, list[cp_model.IntVar]] = field(default_factory=dict)

    def all_candidates(self) -> list[Candidate]:
        """Every candidate shift, agent by agent."""
        return [c for cs in self.candidates.values() for c in cs]

    def shifts_on(self, agent_id: str, day: date) -> list[Candidate]:
        """The agent's candidate shifts of one local day."""
        return [c for c in self.candidates[agent_id] if c.local_date == day]


Rule = Callable[[cp_model.CpModel, RosterVars, Problem], list[Penalty]]


def break_slots(p: Problem, agent: Agent, shifts: list[Candidate]) -> list[BreakSlot]:
    """Every (day, break rule, start interval) some candidate shift of the agent allows."""
    rules = p.team.shift_rules_of(agent).breaks
    step = p.week.grid.interval_minutes
    slots: set[BreakSlot] = set()
    for c in shifts:
        for r, rule in enumerate(rules):
            if rule not in c.break_rules:
                continue
            length = break_intervals(rule, step)
            for k in break_offsets(rule, c.length_minutes, step):
                slots.add(BreakSlot(agent.id, c.local_date, r, rule, c.start_index + k, length))
    return sorted(slots, key=lambda s: (s.local_date, s.rule_index, s.start_index))


def make_vars(m: cp_model.CpModel, p: Problem, break_vars: bool = True) -> RosterVars:
    """A boolean per candidate shift, per agent-day, and (unless not `break_vars`: a model that
    places breaks outside, like an agent's week) per place a break may start."""
    candidates = build_candidates(p)
    v = RosterVars(candidates, {c.index: c for cs in candidates.values() for c in cs})
    for agent in p.team.agents:
        for c in v.candidates[agent.id]:
            v.works[c.index] = m.new_bool_var(
                f"works[{agent.id},{c.local_date},{c.start_utc:%H%M}Z,{c.length_minutes}m]"
            )
        for day in sorted({c.local_date for c in v.candidates[agent.id]}):
            v.day_worked[(agent.id, day)] = m.new_bool_var(f"day_worked[{agent.id},{day}]")
        for slot in break_slots(p, agent, v.candidates[agent.id]) if break_vars else ():
            v.breaks[slot] = m.new_bool_var(
                f"{slot.rule.kind}[{agent.id},{slot.local_date},r{slot.rule_index},t{slot.start_index}]"
            )
    return v


def matching_candidate(v: RosterVars, shift: Shift) -> Candidate | None:
    """The candidate that is exactly this shift (agent, local day, start, length, and shift type
    when the shift names one), if any."""
    length = round(shift.hours * 60)
    return next(
        (
            c
            for c in v.candidates.get(shift.agent_id, [])
            if c.local_date == shift.local_date
            and c.start_utc == shift.start_utc
            and c.length_minutes == length
            and (not shift.shift_type or c.shift_type == shift.shift_type)
        ),
        None,
    )


def shifts_by_day_and_type(v: RosterVars) -> dict[tuple[str, date, str], list[cp_model.IntVar]]:
    """Each agent's shifts of each named type on each local day."""
    out: dict[tuple[str, date, str], list[cp_model.IntVar]] = defaultdict(list)
    for c in v.all_candidates():
        if c.shift_type:
            out[(c.agent_id, c.local_date, c.shift_type)].append(v.works[c.index])
    return out

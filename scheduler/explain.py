"""Why a roster cannot be built, in a lead's words.

First cheap checks per agent (no shift possible, too few hours possible), then, for each
agent, a solve of that agent alone: an agent whose own rules clash is named with them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from scheduler.candidates import Candidate, build_candidates
from scheduler.domain import Agent
from scheduler.model import build_model
from scheduler.problem import Problem, min_hours_after_time_off


def _day_list(days: list[date]) -> str:
    return ", ".join(d.strftime("%a %d %b") for d in sorted(days))


def _hours_check(p: Problem, agent: Agent, shifts: list[Candidate]) -> str | None:
    rules = p.team.labour_rules
    need = min_hours_after_time_off(agent, rules.min_days_off_per_week, p.entries_of(agent.id), p.week.days)
    if need <= 0:
        return None
    longest_by_day: dict[date, int] = {}
    for c in shifts:
        longest_by_day[c.local_date] = max(longest_by_day.get(c.local_date, 0), c.length_minutes)
    working_days = len(p.week.days) - rules.min_days_off_per_week
    best = sorted(longest_by_day.values(), reverse=True)[:working_days]
    possible = sum(best) / 60
    if possible >= need:
        return None
    blocked = [d for d in p.week.days if d not in longest_by_day]
    why = f"cannot work on {_day_list(blocked)}" if blocked else "has few shifts that fit the availability"
    return (
        f"{agent.name} ({agent.id}) {why}, works at most {working_days} days a week "
        f"(at least {rules.min_days_off_per_week} days off) and shifts of at most "
        f"{max(p.team.shift_rules_of(agent).lengths_hours):g} h; the contract needs at least {need:g} h, "
        f"only {possible:g} h are possible"
    )


def _alone_is_infeasible(p: Problem, agent: Agent) -> bool:
    zeros = {q.name: np.zeros(p.week.grid.n_intervals) for q in p.team.queues}
    alone = p.for_agent(agent, zeros)
    model, _, _ = build_model(alone)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    return bool(solver.solve(model) == cp_model.INFEASIBLE)


def explain_infeasible(p: Problem) -> list[str]:
    """Sentences naming the agents and rules in conflict; never empty."""
    candidates = build_candidates(p)
    reasons = [r for a in p.team.agents if (r := _hours_check(p, a, candidates[a.id])) is not None]
    if reasons:
        return reasons
    rules = p.team.labour_rules
    for agent in p.team.agents:
        if _alone_is_infeasible(p, agent):
            reasons.append(
                f"{agent.name} ({agent.id}): the contract ({agent.min_hours_per_week:g}–{agent.max_hours_per_week:g} h), "
                f"{rules.min_rest_hours:g} h rest between shifts, at most {rules.max_consecutive_days} days in a row "
                f"and {rules.min_days_off_per_week} days off cannot all hold with this availability"
            )
    return reasons or ["the hard rules conflict across agents; relax one rule and try again"]

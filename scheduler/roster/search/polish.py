"""The last step of a long enough search: the whole-team CP-SAT model, hinted with the roster found.

The agent-by-agent search moves one agent at a time (or a few, one after another), so a trade
that only pays when two agents change together (Maya gives Ravi a night, Ravi gives Maya a day)
is out of its reach when the rules that couple agents, the fair shares, ask for it. The
whole-team model sees every agent at once. It leaves the queue blocks out (its coverage is a
relaxation, `objective.add_coverage`), so its roster's queue stretches are chosen again by the
agents' own models, the roster is priced exactly, and it is kept only when it is better.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from scheduler.cpsat import new_solver
from scheduler.roster.model import BuildStopped, build_model
from scheduler.roster.search.construct import AgentWeek, TeamWeeks, shift_key
from scheduler.roster.variables import RosterVars

MIN_SEARCH_S = 0.5  # the least search worth building the whole-team model for


def hint_roster(model: cp_model.CpModel, v: RosterVars, team: TeamWeeks) -> None:
    """Hint the shifts, breaks and working days of the team's roster (CP-SAT completes the rest)."""
    chosen = {
        shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes)
        for w in team.weeks.values()
        for c in w.shifts
    }
    breaks = {b for w in team.weeks.values() for b in w.breaks}
    for c in v.all_candidates():
        model.add_hint(
            v.works[c.index], shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes) in chosen
        )
    for slot, x in v.breaks.items():
        model.add_hint(x, slot in breaks)
    days = {(c.agent_id, c.local_date) for w in team.weeks.values() for c in w.shifts}
    for key, x in v.day_worked.items():
        model.add_hint(x, key in days)


def polish(
    team: TeamWeeks,
    deadline: float,
    seed: int,
    workers: int,
    work_units: float | None = None,
    taking_s: float = 0.0,
) -> bool:
    """Search the whole-team model from the team's roster until `deadline` (a `time.monotonic()`
    instant; or for `work_units` of solver work), keeping `taking_s` to take its roster: taken
    when, priced exactly with queue stretches chosen again, it is better. True if it was taken.
    Nothing is searched when building the model leaves less than `MIN_SEARCH_S` before then."""
    p = team.p
    stop = None if work_units is not None else deadline - taking_s - MIN_SEARCH_S
    try:
        model, v, _ = build_model(p, stop_at=stop)
    except BuildStopped:
        return False
    hint_roster(model, v, team)
    solver = new_solver(
        deadline - taking_s - time.monotonic() if work_units is None else 10 * work_units,
        workers=workers,
        seed=seed,
        work_units=work_units,
    )
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    before = team.points()
    saved = team.snapshot()
    picked = {
        shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes)
        for c in v.all_candidates()
        if solver.boolean_value(v.works[c.index])
    }
    places = {slot for slot, x in v.breaks.items() if solver.boolean_value(x)}
    for agent in team.agents:
        team.take(agent)
    for agent in team.agents:
        model_of = team.models[agent.id]
        shifts = [
            c
            for c in model_of.shifts
            if shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes) in picked
        ]
        own = model_of.own_points(shifts)
        if own is None:  # the whole-team model and the agent's disagree: keep the search's roster
            _restore(team, saved)
            return False
        breaks = [b for b in places if b.agent_id == agent.id]
        team.put(
            agent,
            model_of.requeue(AgentWeek(shifts, breaks, own), team.gain(agent), backlogs=team.backlogs(agent)),
        )
    if team.points() < before:  # (the caller chooses the queue stretches again, against the whole roster)
        return True
    _restore(team, saved)
    return False


def _restore(team: TeamWeeks, saved: dict[str, AgentWeek]) -> None:
    for agent in team.agents:
        if agent.id in team.weeks:
            team.take(agent)
    team.restore(saved)

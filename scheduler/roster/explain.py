"""Why a roster cannot be built, in a lead's words.

Every hard rule belongs to one agent, so a conflict always lies within one agent's rules.
First cheap checks per agent (too few hours possible, or no mix of shift lengths that makes the
contract's hours); then, for each agent whose rules cannot hold alone, a deletion filter finds a
smallest set of their rules in conflict. The solves share a deadline (the solve's time limit): a
rule is blamed only where a solve proved the conflict, and agents not reached in the time are
named as not checked.
"""

from __future__ import annotations

import dataclasses
import math
import time
from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from common.errors import Infeasible
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY, minute_to_clock, wall_to_utc, zone
from scheduler.cpsat import new_solver
from scheduler.domain import Agent, ShiftRules
from scheduler.roster.candidates import Candidate, build_candidates
from scheduler.roster.model import build_model
from scheduler.roster.problem import Problem
from scheduler.roster.rules import HARD_RULES
from scheduler.roster.variables import Rule


def _day_list(days: list[date]) -> str:
    return ", ".join(d.strftime("%a %d %b") for d in sorted(days))


def _why_no_shift(p: Problem, agent: Agent, day: date) -> str:
    """Why none of the agent's shifts can start on local `day`, when it is the clock: every start
    time falls in the hour the clocks skip, or none lies on the team's grid ("" otherwise: their
    availability, time off or the week's edge)."""
    tz, grid = zone(agent.tz), p.week.grid
    shapes = p.team.shift_rules_of(agent).shapes()
    starts = {minute: wall_to_utc(day, minute, tz) for _, minute, _ in shapes}
    real = {m: t for m, t in starts.items() if t is not None and grid.start_utc <= t < grid.end_utc}
    if not real and any(t is None for t in starts.values()):
        gap = [m for m in range(MINUTES_PER_DAY) if wall_to_utc(day, m, tz) is None]
        return (
            f"the clocks skip {minute_to_clock(gap[0])}–{minute_to_clock(gap[-1])} that day in {agent.tz}, "
            "where all their start times fall"
        )
    if real and all(
        abs(grid.offset_intervals(t) - round(grid.offset_intervals(t))) > 1e-9 for t in real.values()
    ):
        first, last = min(starts), max(starts)
        return (
            f"their start times ({minute_to_clock(first)}–{minute_to_clock(last)} {agent.tz}) never fall on "
            f"the team's {grid.interval_minutes}-minute grid"
        )
    if all(length % grid.interval_minutes for _, _, length in shapes):
        return (
            f"their shift lengths are not whole {grid.interval_minutes}-minute intervals of the team's grid"
        )
    return ""


def _blocked_words(p: Problem, agent: Agent, blocked: list[date]) -> str:
    """The days the agent cannot work, grouped by the reason when the clock is why."""
    by_reason: dict[str, list[date]] = {}
    for day in blocked:
        by_reason.setdefault(_why_no_shift(p, agent, day), []).append(day)
    return "; ".join(
        f"{_day_list(days)} ({reason})" if reason else _day_list(days) for reason, days in by_reason.items()
    )


def _hours_check(p: Problem, agent: Agent, shifts: list[Candidate]) -> str | None:
    """The first week of the horizon in which the agent's contract needs more hours than their
    shifts and days off allow, or hours no mix of their shift lengths makes, in words; None when
    every week can hold."""
    rules = p.team.labour_rules_of(agent)
    for week in range(p.week.n_weeks):
        days = p.week.days_of_week(week)
        need, high = p.week_hours(agent, week)
        if need <= 0:
            continue
        lengths_by_day = _lengths_by_day(shifts, p, week)
        longest_by_day = {day: max(lengths) for day, lengths in lengths_by_day.items()}
        working_days = DAYS_PER_WEEK - rules.min_days_off_per_week
        possible = sum(sorted(longest_by_day.values(), reverse=True)[:working_days]) / 60
        if possible >= need:
            totals = _week_totals(lengths_by_day, working_days)
            if not any(round(need * 60) <= t <= round(high * 60) for t in totals):
                return _no_mix(p, agent, shifts, need, high, totals)
            continue
        blocked = [d for d in days if d not in longest_by_day]
        if blocked:
            why = f" cannot work on {_blocked_words(p, agent, blocked)},"
        elif p.entries_of(agent.id):
            why = " has few shifts that fit the availability,"
        else:
            why = ""  # the contract against the shift lengths and days off alone
        return (
            f"{agent.name} ({agent.id}){why} works at most {working_days} days a week "
            f"(at least {rules.min_days_off_per_week} days off) and shifts of at most "
            f"{max(p.team.shift_rules_of(agent).type_lengths_hours()):g} h; the contract needs at least {need:g} h, "
            f"only {possible:g} h are possible"
        )
    return None


def _lengths_by_day(shifts: list[Candidate], p: Problem, week: int) -> dict[date, set[int]]:
    """The shift lengths (minutes) the agent may work on each local day of week `week`."""
    out: dict[date, set[int]] = {}
    for c in shifts:
        if p.week.week_of(c.local_date) == week:
            out.setdefault(c.local_date, set()).add(c.length_minutes)
    return out


def _week_totals(lengths_by_day: dict[date, set[int]], working_days: int) -> set[int]:
    """Every week's minutes that at most one shift a day, on at most `working_days` days, can make."""
    made = {(0, 0)}  # (days worked, minutes)
    for lengths in lengths_by_day.values():
        made |= {(days + 1, total + n) for days, total in made if days < working_days for n in lengths}
    return {total for _, total in made}


def _no_mix(
    p: Problem, agent: Agent, shifts: list[Candidate], low: float, high: float, totals: set[int]
) -> str:
    """The agent's hours this week lie between two weeks their shift lengths can make, in words."""
    below = max((t for t in totals if t < round(low * 60)), default=0)
    above = min((t for t in totals if t > round(high * 60)), default=None)
    nearest = " or ".join(f"{t / 60:g} h" for t in (below, above) if t is not None)
    lengths = "/".join(f"{n / 60:g}" for n in sorted({c.length_minutes for c in shifts}))
    wanted = f"{low:g} h" if math.isclose(low, high) else f"{low:g}–{high:g} h"
    after_leave = " (the contract less the leave this week)" if p.entries_of(agent.id) else ""
    return (
        f"{agent.name} ({agent.id}) must work {wanted} this week{after_leave}, which no week of their "
        f"{lengths}-h shifts makes (the nearest: {nearest}); give a shift length that does, or change "
        "the contract hours"
    )


# each solve of one agent's rules stops by this many seconds (or the deadline): none proves a
# conflict in that time is read as "not known", never as a conflict
ALONE_SOLVE_S = 5.0


def _alone_is_feasible(
    p: Problem, agent: Agent, rules: tuple[Rule, ...], with_availability: bool, deadline: float = math.inf
) -> bool | None:
    """Whether the agent's `rules` can hold alone: True, False (proven), or None (not known by the
    deadline)."""
    zeros = {q.name: np.zeros(p.week.grid.n_intervals) for q in p.team.queues}
    alone = p.for_agent(agent, zeros)
    if not with_availability:
        alone = dataclasses.replace(alone, availability=())
    try:
        model, _, _ = build_model(alone, rules)
    except Infeasible:  # a pinned or locked shift that the rules forbid outright
        return False
    model.clear_objective()  # type: ignore[no-untyped-call]  # only whether the rules hold
    left_s = deadline - time.monotonic()
    if left_s <= 0:
        return None
    status = new_solver(min(ALONE_SOLVE_S, left_s)).solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


AVAILABILITY = "availability"


def _in_words(p: Problem, agent: Agent, family: str) -> str:
    """One rule family of one agent, as a lead would say it."""
    rules = p.team.labour_rules_of(agent)
    shifts_low = p.week_min_shifts(agent, 0)
    shifts_high = "" if agent.max_shifts_per_week is None else f"–{agent.max_shifts_per_week}"
    low, high = p.week_hours(agent, 0)
    words = {
        "add_weekly_hours": f"a contract of {low:g}–{high:g} h this week",
        "add_weekly_shifts": f"a contract of {shifts_low}{shifts_high} shifts this week",
        "add_days_off": f"at least {rules.min_days_off_per_week} days off",
        "add_max_consecutive_days": f"at most {rules.max_consecutive_days} days in a row (last week counted)",
        "add_min_consecutive_days_off": (
            f"days off in blocks of at least {rules.min_consecutive_days_off} days (last week counted)"
        ),
        "add_min_rest": f"{rules.min_rest_hours:g} h rest between shifts (last week counted)",
        "add_min_consecutive_days_worked": (
            f"working days in runs of at least {rules.min_consecutive_days_worked} days (last week counted)"
        ),
        "add_max_weekends_worked": f"at most {rules.max_weekends_worked} weekends worked",
        "add_start_spread": (
            f"start times at most {p.team.shift_rules_of(agent).max_start_spread_minutes} min apart in a week"
        ),
        "add_forbidden_successions": "shift types that may not follow each other",
        "add_max_shifts_by_type": "at most "
        + ", ".join(f"{limit} {name!r}" for name, limit in agent.max_shifts_by_type)
        + " shifts",
        "add_hours_in_horizon": (
            f"{agent.min_hours_in_horizon:g}–{agent.max_hours_in_horizon or float('inf'):g} h over the horizon"
        ),
        "add_pinned": "the shifts pinned by hand",
        "add_locked": "the shifts already worked this week",
        "add_absent_keep_days_off": "keeping their published days off while absent",
        AVAILABILITY: "their availability and time off",
    }
    return words.get(family, family)


def conflicting_rules(p: Problem, agent: Agent, deadline: float = math.inf) -> list[str] | None:
    """A smallest set of the agent's hard rules that cannot hold together (deletion filter).

    Each rule is dropped in turn and left out for good if the others are proven still to conflict,
    so every rule that remains is needed for the conflict (or, where a solve could not tell by the
    deadline, kept). Shift templates, one shift a day and breaks always stay. Empty when the agent's
    rules can all hold; None when that is not known by the deadline.
    """
    alone = _alone_is_feasible(p, agent, HARD_RULES, True, deadline)
    if alone is not False:
        return None if alone is None else []
    fixed = ("add_one_shift_a_day", "add_breaks")
    rules = list(HARD_RULES)
    needed: list[str] = []
    for rule in [r for r in HARD_RULES if r.__name__ not in fixed]:
        trial = tuple(r for r in rules if r is not rule)
        if _alone_is_feasible(p, agent, trial, True, deadline) is False:
            rules = list(trial)
        elif _used(p, agent, rule.__name__):
            needed.append(rule.__name__)
        else:
            rules = list(trial)  # a rule that asks nothing of this agent is in no conflict
    if _alone_is_feasible(p, agent, tuple(rules), False, deadline) is not False and p.entries_of(agent.id):
        needed.append(AVAILABILITY)
    return needed


def _used(p: Problem, agent: Agent, family: str) -> bool:
    """Whether a rule family asks anything of the agent (a rule left unset, nothing pinned, no
    published roster is none)."""
    rules = p.team.labour_rules_of(agent)
    unset = {
        "add_max_weekends_worked": rules.max_weekends_worked is None,
        "add_min_consecutive_days_off": rules.min_consecutive_days_off <= 1,
        "add_min_consecutive_days_worked": rules.min_consecutive_days_worked <= 1,
        "add_start_spread": p.team.shift_rules_of(agent).max_start_spread_minutes is None,
        "add_max_shifts_by_type": not agent.max_shifts_by_type,
        "add_weekly_shifts": agent.max_shifts_per_week is None and p.week_min_shifts(agent, 0) <= 0,
        "add_hours_in_horizon": agent.min_hours_in_horizon <= 0 and agent.max_hours_in_horizon is None,
        "add_pinned": not any(s.agent_id == agent.id for s in p.pinned),
        "add_locked": p.published is None or p.lock_of(agent.id) is None,
        "add_absent_keep_days_off": not p.kept_days_off(agent.id),
        "add_forbidden_successions": not any(t.not_followed_by for t in p.team.shift_rules_of(agent).types),
    }
    return not unset.get(family, False)


def _shifts_in_words(allowed: ShiftRules) -> str:
    """The shifts the rules allow, as a lead would say them."""
    if allowed.types:
        return "the shift types " + ", ".join(
            f"{t.name} ({minute_to_clock(t.start_minute)}, {t.length_minutes / 60:g} h)"
            for t in allowed.types
        )
    first, last = allowed.earliest_start_minute, allowed.latest_start_minute
    lengths = "/".join(f"{h:g}" for h in allowed.lengths_hours)
    across = " (across midnight)" if allowed.starts_across_midnight else ""
    return f"shifts of {lengths} h starting {minute_to_clock(first)}–{minute_to_clock(last)}{across}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def explain_infeasible(p: Problem, deadline: float = math.inf, first: str | None = None) -> list[str]:
    """Sentences naming the agents and rules in conflict, each proven; never empty. The agent `first`
    (the one whose week the search found impossible) is looked at first; the solves stop at the
    `deadline` (a `time.monotonic()` instant), and the agents not reached are said to be unchecked."""
    candidates = build_candidates(p)
    reasons = [r for a in p.team.agents if (r := _hours_check(p, a, candidates[a.id])) is not None]
    if reasons:
        return reasons
    agents = sorted(p.team.agents, key=lambda a: a.id != first)
    unchecked: list[Agent] = []
    for agent in agents:
        families = conflicting_rules(p, agent, deadline)
        if families is None:
            unchecked.append(agent)
            continue
        if not families:
            continue
        reasons.append(
            f"{agent.name} ({agent.id}): {_listed([_in_words(p, agent, f) for f in families])} cannot all "
            f"hold with {_shifts_in_words(p.team.shift_rules_of(agent))}"
        )
    if unchecked:
        names = _listed([f"{a.name} ({a.id})" for a in unchecked])
        reasons.append(
            f"not checked in the time: {names}; allow more time for a full account"
            if reasons
            else f"no rule in conflict was found in the time; not checked: {names}: allow more time to find which"
        )
    return reasons or ["the hard rules conflict across agents; relax one rule and try again"]

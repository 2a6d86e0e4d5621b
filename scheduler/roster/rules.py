"""The roster model's hard rules, one function per rule.

Each takes the model, the variables and the problem, adds its constraints and returns no penalty
(`scheduler.roster.variables.Rule`). `HARD_RULES` lists them; the independent checker
(`scheduler.roster.validate`) states each one again from its definition.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from common.errors import Infeasible
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY, zone
from scheduler.domain import Agent, Shift
from scheduler.roster.candidates import (
    Candidate,
    agent_local_days,
    break_offsets,
    break_reach,
    breaks_spaced,
    intervals_between,
    leave_during,
    local_start_minute,
    start_band,
)
from scheduler.roster.day_rules import Day, forbid_short_runs, limit_runs
from scheduler.roster.problem import LEAVE_WORDS, Problem
from scheduler.roster.variables import (
    BreakSlot,
    Penalty,
    RosterVars,
    Rule,
    matching_candidate,
    shifts_by_day_and_type,
)


def add_one_shift_a_day(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: an agent works at most one shift on each of their local days."""
    for agent in p.team.agents:
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_day[c.local_date].append(v.works[c.index])
        for day, shifts in by_day.items():
            m.add(sum(shifts) == v.day_worked[(agent.id, day)])
    return []


def add_breaks(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: every shift has each of its breaks once, starting inside the break's window; breaks never
    overlap, and keep `MIN_WORK_BETWEEN_BREAKS_MINUTES` of work between them where their windows allow it
    (`breaks_spaced`)."""
    by_rule: dict[tuple[str, date, int], list[BreakSlot]] = defaultdict(list)
    for slot in v.breaks:
        by_rule[(slot.agent_id, slot.local_date, slot.rule_index)].append(slot)
    step = p.week.grid.interval_minutes
    for (agent_id, day, _), slots in by_rule.items():
        shifts = [c for c in v.shifts_on(agent_id, day) if slots[0].rule in c.break_rules]
        m.add(sum(v.breaks[s] for s in slots) == sum(v.works[c.index] for c in shifts))
        allowed: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for c in shifts:
            for k in break_offsets(slots[0].rule, c.length_minutes, step):
                allowed[c.start_index + k].append(v.works[c.index])
        for s in slots:
            m.add(v.breaks[s] <= sum(allowed[s.start_index]))
    for agent in p.team.agents:
        _add_breaks_apart(m, v, agent.id, step)
    return []


def _add_breaks_apart(m: cp_model.CpModel, v: RosterVars, agent_id: str, step: int) -> None:
    """Each local day, the breaks of two rules keep clear of each other's `break_reach`: at most one
    break in any interval, each counted from its start to its reach (its own intervals, and with
    `breaks_spaced` half an hour of work after it). Where the day's shifts differ in whether their
    breaks are spaced, the spacing holds only when a shift asking for it is worked."""
    by_day: dict[date, list[BreakSlot]] = defaultdict(list)
    for s in v.breaks:
        if s.agent_id == agent_id:
            by_day[s.local_date].append(s)
    for day, slots in by_day.items():
        if len({s.rule_index for s in slots}) < 2:
            continue
        spacing: dict[bool, list[cp_model.IntVar]] = defaultdict(list)
        for c in v.shifts_on(agent_id, day):
            if len(c.break_rules) > 1:
                spacing[breaks_spaced(c.break_rules, c.length_minutes, step)].append(v.works[c.index])
        for spaced, works in spacing.items():
            if len(spacing) == 1:
                _breaks_in_cliques(m, v, slots, spaced, step, None)
                continue
            worked = m.new_bool_var(f"breaks_spaced[{agent_id},{day},{spaced}]")
            m.add(worked == sum(works))  # one shift a day
            _breaks_in_cliques(m, v, slots, spaced, step, worked)


def _breaks_in_cliques(
    m: cp_model.CpModel,
    v: RosterVars,
    slots: list[BreakSlot],
    spaced: bool,
    step: int,
    only_if: cp_model.IntVar | None,
) -> None:
    """At most one of `slots` (where two rules meet) in any interval, each counted from its start to
    its `break_reach`; only when `only_if` is true, if given."""
    busy: dict[int, list[BreakSlot]] = defaultdict(list)
    for s in slots:
        for t in range(s.start_index, s.start_index + break_reach(s.rule, step, spaced)):
            busy[t].append(s)
    for here in busy.values():
        if len({s.rule_index for s in here}) > 1:
            ct = m.add(sum(v.breaks[s] for s in here) <= 1)
            if only_if is not None:
                ct.only_enforce_if(only_if)


def add_min_rest(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at least `min_rest_hours` elapsed between the end of one shift and the start of the next.

    Written as cliques: for each end time e of day d, at most one of "a shift of d ending at
    or after e" and "a later day's shift starting before e + rest".
    """
    for agent in p.team.agents:
        rest = timedelta(hours=p.team.labour_rules_of(agent).min_rest_hours)
        shifts = v.candidates[agent.id]
        if p.previous is not None:
            for prev in p.previous.shifts_of(agent.id):
                for c in shifts:
                    if c.start_utc < prev.end_utc + rest:
                        m.add(v.works[c.index] == 0)
        if not shifts:
            continue
        # the candidates come in start order, and a later start is never on an earlier local day
        starts = [c.start_utc for c in shifts]
        first_of: dict[date, int] = {}
        for i, c in enumerate(shifts):
            first_of.setdefault(c.local_date, i)
        days = sorted(first_of)
        for day, first_later in zip(days, [*(first_of[d] for d in days[1:]), len(shifts)], strict=True):
            today = shifts[first_of[day] : first_later]
            for end in sorted({c.end_utc for c in today}):
                ending = [v.works[c.index] for c in today if c.end_utc >= end]
                too_soon_end = bisect_left(starts, end + rest, lo=first_later)
                too_soon = [v.works[c.index] for c in shifts[first_later:too_soon_end]]
                if too_soon:
                    m.add(sum(ending) + sum(too_soon) <= 1)
    return []


def _days_worked_by_week(v: RosterVars, p: Problem) -> dict[tuple[str, int], list[cp_model.IntVar]]:
    """Each agent's working-day variables in each week of the horizon."""
    out: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (agent_id, day), x in v.day_worked.items():
        out[(agent_id, p.week.week_of(day))].append(x)
    return out


def add_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: each agent has at least `min_days_off_per_week` days off in each week of the horizon."""
    by_week = _days_worked_by_week(v, p)
    for agent in p.team.agents:
        working_days = DAYS_PER_WEEK - p.team.labour_rules_of(agent).min_days_off_per_week
        for week in range(p.week.n_weeks):
            m.add(sum(by_week.get((agent.id, week), [])) <= working_days)
    return []


def _days_worked_before(p: Problem, agent_id: str, first_day: date) -> int:
    """How many local days in a row the agent worked right before `first_day` (from last week's roster)."""
    if p.previous is None:
        return 0
    worked = {s.local_date for s in p.previous.shifts_of(agent_id)}
    count = 0
    while first_day - timedelta(days=count + 1) in worked:
        count += 1
    return count


def _days_off_before(p: Problem, agent_id: str, first_day: date, enough: int) -> int | None:
    """How many local days in a row the agent had off right before `first_day`, up to `enough`
    (from last week's roster; None without one: then nothing is known)."""
    if p.previous is None:
        return None
    worked = {s.local_date for s in p.previous.shifts_of(agent_id)}
    count = 0
    while count < enough and first_day - timedelta(days=count + 1) not in worked:
        count += 1
    return count


def agent_days(v: RosterVars, p: Problem, agent: Agent) -> tuple[date, list[Day]]:
    """The agent's first local day of the week and, for each local day from it, whether they work:
    a literal, True on a day last week's roster already has them working (the weeks' local days
    can overlap when the agent's zone is not the team's), or False on a day no shift can start."""
    days = agent_local_days(agent, p.week.grid)
    before = set() if p.previous is None else {s.local_date for s in p.previous.shifts_of(agent.id)}
    return days[0], [True if d in before else v.day_worked.get((agent.id, d), False) for d in days]


def add_max_consecutive_days(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: no more than `max_consecutive_days` working days in a row, counting last week's roster."""
    for agent in p.team.agents:
        limit = p.team.labour_rules_of(agent).max_consecutive_days
        first_day, worked = agent_days(v, p, agent)
        limit_runs(m, worked, limit, before=_days_worked_before(p, agent.id, first_day))
    return []


def add_min_consecutive_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: days off come in blocks of at least `min_consecutive_days_off` days.

    A block that reaches the end of the week may go on next week; one that began last week
    counts its days from last week's roster (and must go on if they were too few); without
    that roster a block at the start of the week is exempt.
    """
    for agent in p.team.agents:
        minimum = p.team.labour_rules_of(agent).min_consecutive_days_off
        if minimum <= 1:
            continue
        first_day, worked = agent_days(v, p, agent)
        off = [(not x) if isinstance(x, bool) else ~x for x in worked]
        forbid_short_runs(m, off, minimum, before=_days_off_before(p, agent.id, first_day, minimum))
    return []


def add_weekly_hours(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: paid hours in each week of the horizon within the agent's contract, less paid leave
    (`Problem.week_hours`)."""
    for agent in p.team.agents:
        by_week: dict[int, list[Candidate]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_week[p.week.week_of(c.local_date)].append(c)
        for week in range(p.week.n_weeks):
            minutes = sum(c.length_minutes * v.works[c.index] for c in by_week[week])
            low, high = p.week_hours(agent, week)
            m.add(minutes <= round(high * 60))
            if low > 0:
                m.add(minutes >= round(low * 60))
    return []


def add_min_consecutive_days_worked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: working days come in runs of at least `min_consecutive_days_worked` days.

    A run that reaches the end of the horizon may go on past it; one that began last week
    counts its days from last week's roster; without that roster a run at the start is exempt.
    """
    for agent in p.team.agents:
        minimum = p.team.labour_rules_of(agent).min_consecutive_days_worked
        if minimum <= 1:
            continue
        first_day, worked = agent_days(v, p, agent)
        before = None if p.previous is None else _days_worked_before(p, agent.id, first_day)
        forbid_short_runs(m, worked, minimum, before=before)
    return []


def weekends(p: Problem) -> list[tuple[date, ...]]:
    """The horizon's weekends: each local Saturday in it with the Sunday after (when in it too)."""
    days = set(p.week.days)
    return [
        tuple(d for d in (day, day + timedelta(days=1)) if d in days)
        for day in p.week.days
        if day.weekday() == 5
    ]


def add_max_weekends_worked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at most `max_weekends_worked` weekends with a shift on the Saturday or the Sunday
    (the agent's local days) in the horizon."""
    all_weekends = weekends(p)
    for agent in p.team.agents:
        limit = p.team.labour_rules_of(agent).max_weekends_worked
        if limit is None or limit >= len(all_weekends):
            continue
        worked = []
        for days in all_weekends:
            shifts = [x for d in days if (x := v.day_worked.get((agent.id, d))) is not None]
            if not shifts:
                continue
            weekend = m.new_bool_var(f"weekend[{agent.id},{days[0]}]")
            m.add_max_equality(weekend, shifts)
            worked.append(weekend)
        if len(worked) > limit:
            m.add(sum(worked) <= limit)
    return []


def add_forbidden_successions(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: a shift type is not followed on the next local day by a type it may not be followed
    by (`ShiftType.not_followed_by`), counting last week's roster."""
    shifts = shifts_by_day_and_type(v)
    banned = {
        a.id: {t.name: t.not_followed_by for t in p.team.shift_rules_of(a).types} for a in p.team.agents
    }
    for (who, day, name), today in shifts.items():
        tomorrow = day + timedelta(days=1)
        following = [x for t in banned[who].get(name, ()) for x in shifts.get((who, tomorrow, t), [])]
        if following:  # one clique: today's shift of this type, or a banned one tomorrow
            m.add_at_most_one([*today, *following])
    for shift in () if p.previous is None else p.previous.shifts:
        for t in banned.get(shift.agent_id, {}).get(shift.shift_type, ()):
            for x in shifts.get((shift.agent_id, shift.local_date + timedelta(days=1), t), []):
                m.add(x == 0)
    return []


def add_max_shifts_by_type(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at most the agent's `max_shifts_by_type` shifts of each named type in the horizon."""
    for agent in p.team.agents:
        for name, limit in agent.max_shifts_by_type:
            shifts = [v.works[c.index] for c in v.candidates[agent.id] if c.shift_type == name]
            if len(shifts) > limit:
                m.add(sum(shifts) <= limit)
    return []


def add_hours_in_horizon(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: paid hours over the whole horizon within the agent's `min_hours_in_horizon` and
    `max_hours_in_horizon` (time off is not credited here: a lead sets these for the horizon)."""
    for agent in p.team.agents:
        if agent.min_hours_in_horizon <= 0 and agent.max_hours_in_horizon is None:
            continue
        minutes = sum(c.length_minutes * v.works[c.index] for c in v.candidates[agent.id])
        if agent.max_hours_in_horizon is not None:
            m.add(minutes <= round(agent.max_hours_in_horizon * 60))
        if agent.min_hours_in_horizon > 0:
            m.add(minutes >= round(agent.min_hours_in_horizon * 60))
    return []


def add_weekly_shifts(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: shifts in each week of the horizon within the agent's contract, when it counts shifts
    (min less time off)."""
    by_week = _days_worked_by_week(v, p)
    for agent in p.team.agents:
        for week in range(p.week.n_weeks):
            shifts = by_week.get((agent.id, week), [])
            if agent.max_shifts_per_week is not None:
                m.add(sum(shifts) <= agent.max_shifts_per_week)
            low = p.week_min_shifts(agent, week)
            if low > 0:
                m.add(sum(shifts) >= low)
    return []


def _fix_shift(m: cp_model.CpModel, v: RosterVars, p: Problem, shift: Shift, why: str) -> None:
    """Work exactly `shift`, with its breaks where it has them; Infeasible if the rules forbid it."""
    c = matching_candidate(v, shift)
    if c is None:
        agent = p.team.agent(shift.agent_id)
        local = shift.start_utc.astimezone(zone(agent.tz))
        raise Infeasible(
            [
                f"the {why} shift of {agent.name} ({agent.id}) on {shift.local_date:%a %d %b} at "
                f"{local:%H:%M}{'' if agent.tz == p.team.tz else f' {agent.tz} time'}, {shift.hours:g} h, "
                f"{_why_not(p, agent, shift, why)}"
            ]
        )
    m.add(v.works[c.index] == 1)
    step = p.week.grid.interval_minutes
    for b in shift.breaks:
        start_index = c.start_index + intervals_between(c.start_utc, b.start_utc, step)
        slot = next(
            (
                s
                for s in v.breaks
                if s.agent_id == c.agent_id
                and s.local_date == c.local_date
                and s.rule.kind == b.kind
                and s.start_index == start_index
            ),
            None,
        )
        if slot is not None:
            m.add(v.breaks[slot] == 1)


def _why_not(p: Problem, agent: Agent, shift: Shift, why: str) -> str:
    """Why a shift that must be worked as it is (pinned, or already worked) is not one the agent may work:
    the availability row it overlaps, with what the lead can do, or else the shift rules."""
    tz = zone(agent.tz)
    found = leave_during(p, shift)
    if found is None:
        return "is not one the shift rules or the available hours allow (its start, length or breaks)"
    e, start, end = found
    note = f" ({e.note})" if e.note else ""
    rows = (
        f"overlaps {LEAVE_WORDS[e.kind]} from {start.astimezone(tz):%a %d %b %H:%M} to "
        f"{end.astimezone(tz):%a %d %b %H:%M}{note}"
    )
    if why == "already worked":  # an absence cuts the shift (`Problem.as_worked`); leave does not
        ends = shift.end_utc.astimezone(tz)
        return (
            f"{rows}, during a shift already worked, which stays as it was: give the row from "
            f"when the shift ends ({ends:%a %d %b %H:%M}), or, if the agent went home ill, enter "
            "it as an absence (sick), which ends the shift where it begins"
        )
    return f"{rows}: move the shift, or take the pin off"


def add_pinned(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: shifts a lead pinned by hand are worked as pinned."""
    for shift in p.pinned:
        _fix_shift(m, v, p, shift, "pinned")
    return []


def add_locked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard (re-rostering): what has happened stays; no new shift starts before the lock time."""
    if p.published is None or not p.has_lock:
        return []
    worked = p.worked()
    for shift in worked:
        if shift.agent_id in v.candidates:
            _fix_shift(m, v, p, shift, "already worked")
    fixed = {c.index for shift in worked if (c := matching_candidate(v, shift)) is not None}
    for c in v.all_candidates():
        if p.is_locked(c.start_utc, c.agent_id) and c.index not in fixed:
            m.add(v.works[c.index] == 0)
    return []


def add_absent_keep_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard (re-rostering): an agent absent this week works none of their published days off, so
    the hours they lose are not moved onto them (unless the lead lets them)."""
    for agent in p.team.agents:
        for day in p.kept_days_off(agent.id):
            x = v.day_worked.get((agent.id, day))
            if x is not None:
                m.add(x == 0)
    return []


def add_start_spread(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: regular hours. In each week, an agent's local start times lie within
    `max_start_spread_minutes` of each other on the clock's circle (23:30 and 00:30 are an hour apart),
    pinned and worked shifts included: the week's starts lie in one band, [first, first + spread],
    whose first minute is one of the agent's possible starts. A day with an absence of part of it (in
    late) is left out (`Problem.part_day_absences`)."""
    for agent in p.team.agents:
        limit = p.team.shift_rules_of(agent).max_start_spread_minutes
        if limit is None:
            continue
        by_week: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        late = p.part_day_absences(agent.id)  # a start a sick call moved is not a regular hour
        for c in v.candidates[agent.id]:
            if c.local_date in late:
                continue
            by_week[p.week.week_of(c.local_date)].append(
                (local_start_minute(agent.tz, c.start_utc), v.works[c.index])
            )
        for week, starts in by_week.items():
            minutes = sorted({s for s, _ in starts})
            if start_band(minutes)[1] <= limit:
                continue
            bands = {b: m.new_bool_var(f"starts_from[{agent.id},{week},{b}]") for b in minutes}
            m.add(sum(bands.values()) <= 1)
            for minute, works in starts:
                inside = [x for b, x in bands.items() if (minute - b) % MINUTES_PER_DAY <= limit]
                m.add(works <= sum(inside))  # linear rows only, so the LP relaxation sees the same model
    return []


HARD_RULES: tuple[Rule, ...] = (
    add_pinned,
    add_locked,
    add_absent_keep_days_off,
    add_one_shift_a_day,
    add_breaks,
    add_min_rest,
    add_days_off,
    add_max_consecutive_days,
    add_min_consecutive_days_off,
    add_weekly_hours,
    add_weekly_shifts,
    add_min_consecutive_days_worked,
    add_max_weekends_worked,
    add_start_spread,
    add_forbidden_successions,
    add_max_shifts_by_type,
    add_hours_in_horizon,
)

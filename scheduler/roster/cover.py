"""Who could cover the hours a roster leaves short (after a sick call, say), and at what cost.

For each stretch where service suffers (`report.short_stretches`), the agents skilled for the
queue who are off that day are tried one by one with the shift of theirs that covers the stretch
best, and the independent checker says what it would take: nothing more (an extra shift within
the contract, e.g. a part-timer's), hours over the contract (overtime), or a day off given up (a
swap of days off, or a day more in a row); a shift that breaks anything else (rest, availability,
time off, an absence) is not offered. An option's words name every rule it gives up, in the
checker's figures ("6 working days, at most 5; 6 days in a row, at most 5; 48 h, at most 40"): its
`kind` only ranks it, by the costliest of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from common.timegrid import zone
from common.words import a_or_an
from scheduler.domain import Roster, Shift
from scheduler.roster.candidates import Candidate, break_activity, break_offsets, build_candidates
from scheduler.roster.problem import Problem
from scheduler.roster.report import ShortStretch
from scheduler.roster.validate import check_roster

EXTRA, SWAP, OVERTIME = "extra shift", "swap a day off", "overtime"
RANK = {EXTRA: 0, SWAP: 1, OVERTIME: 2}
# what the checker's rules mean for a lead: these may be asked of an agent, the rest may not. A day
# off worked ranks as a swap; hours or shifts beyond the contract as overtime
DAY_OFF_RULES = {"days off", "consecutive days", "days off in blocks"}
HOURS_RULES = {"weekly hours", "weekly shifts"}
# each rule an option gives up, in a lead's words (the checker's message gives the figures)
GIVES_UP = {
    "days off": "a day off",
    "consecutive days": "the most days in a row",
    "days off in blocks": "days off in blocks",
    "weekly shifts": "the contract's shifts",
    "weekly hours": "the contract's hours",
}


@dataclass(frozen=True)
class CoverOption:
    """An agent who could work a shift covering (part of) a short stretch, and what it takes."""

    stretch: ShortStretch
    agent_id: str
    day: date
    start_utc: datetime
    end_utc: datetime
    kind: str  # EXTRA, SWAP or OVERTIME: the costliest rule it gives up, for ranking
    covered_hours: float  # of the stretch
    words: str
    gives_up: tuple[str, ...] = ()  # every rule it breaks, with the checker's figures


def _as_shift(p: Problem, c: Candidate, queue: str) -> Shift:
    """A candidate as a shift on one queue, its breaks in the middle of their windows."""
    step = p.week.grid.interval_minutes
    breaks = []
    for rule in c.break_rules:
        offsets = break_offsets(rule, c.length_minutes, step)
        if offsets:
            breaks.append(break_activity(rule, c.start_utc, offsets[len(offsets) // 2] * step))
    return Shift(c.agent_id, c.local_date, c.start_utc, c.end_utc, queue, tuple(breaks))


def _overlap_hours(c: Candidate, stretch: ShortStretch) -> float:
    start = max(pd.Timestamp(c.start_utc), stretch.start_utc)
    end = min(pd.Timestamp(c.end_utc), stretch.end_utc)
    return max(0.0, (end - start).total_seconds() / 3600)


def _what_it_takes(p: Problem, roster: Roster, shift: Shift) -> tuple[str, tuple[str, ...]] | None:
    """The kind (EXTRA, SWAP or OVERTIME) of adding `shift` to the roster and every rule it gives up
    in words, or None when it breaks a rule that may not be asked of an agent."""
    theirs = tuple(s for s in roster.shifts if s.agent_id == shift.agent_id)
    broken = [v for v in check_roster(p, (*theirs, shift)) if v.agent_id == shift.agent_id]
    rules = {v.rule for v in broken}
    if not rules <= DAY_OFF_RULES | HOURS_RULES:
        return None
    # one line a rule: a run of days in a row is broken on each day past the limit; the last says most
    last = {v.rule: v for v in broken}
    gives_up = tuple(f"{GIVES_UP[r]} ({last[r].message})" for r in GIVES_UP if r in last)
    kind = OVERTIME if rules & HOURS_RULES else SWAP if rules else EXTRA
    return kind, gives_up


def cover_options(
    p: Problem, roster: Roster, stretches: list[ShortStretch], per_stretch: int = 3
) -> list[CoverOption]:
    """Up to `per_stretch` agents per stretch who could cover it, least costly first (an extra
    shift within the contract, then a swap of days off, then overtime; then most hours covered)."""
    candidates = build_candidates(p)
    out: list[CoverOption] = []
    for stretch in stretches:
        found: list[CoverOption] = []
        for agent in p.team.agents:
            if stretch.queue not in agent.skills:
                continue
            day = stretch.start_utc.tz_convert(zone(agent.tz)).date()
            if any(s.agent_id == agent.id and s.local_date == day for s in roster.shifts):
                continue  # already working that day: a longer shift is a re-roster's business
            mine = [
                c
                for c in candidates.get(agent.id, [])
                if c.local_date == day and _overlap_hours(c, stretch) > 0
            ]
            for c in sorted(mine, key=lambda c: (-_overlap_hours(c, stretch), c.length_minutes, c.start_utc)):
                shift = _as_shift(p, c, stretch.queue)
                taken = _what_it_takes(p, roster, shift)
                if taken is None:
                    continue
                found.append(_option(p, stretch, shift, c, *taken))
                break
        found.sort(key=lambda o: (RANK[o.kind], -o.covered_hours, o.agent_id))
        out.extend(found[:per_stretch])
    return out


def _option(
    p: Problem, stretch: ShortStretch, shift: Shift, c: Candidate, kind: str, gives_up: tuple[str, ...]
) -> CoverOption:
    agent = p.team.agent(shift.agent_id)
    tz = zone(agent.tz)
    start, end = shift.start_utc.astimezone(tz), shift.end_utc.astimezone(tz)
    covered = _overlap_hours(c, stretch)
    hours = shift.hours
    cost = {
        EXTRA: f"an extra {hours:g} h shift within the contract",
        SWAP: f"{a_or_an(f'{hours:g}')} {hours:g} h shift on a day off",
        OVERTIME: f"{a_or_an(f'{hours:g}')} {hours:g} h shift beyond the contract",
    }[kind]
    if gives_up:
        cost += f", giving up {'; '.join(gives_up)}"
    words = (
        f"{agent.name} ({agent.id}), {shift.local_date:%a %d %b} {start:%H:%M}–{end:%H:%M} {agent.tz}: "
        f"{cost}; covers {covered:g} h of the stretch"
    )
    return CoverOption(
        stretch, agent.id, shift.local_date, shift.start_utc, shift.end_utc, kind, covered, words, gives_up
    )

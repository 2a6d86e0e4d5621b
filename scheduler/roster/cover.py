"""Who could cover the hours a roster leaves short (after a sick call, say), and at what cost.

For each stretch where service suffers (`report.short_stretches`), the agents skilled for the
queue who are on shift then on another queue are tried on the stretch's queue instead (the part of
their other queue's stretch inside it, or that whole stretch where the queue blocks ask for it),
and the agents off that day one by one with the shift of theirs that covers the stretch best, and
the independent checker says what it would take: nothing more (an extra shift within the
contract, e.g. a part-timer's; another queue for an agent at work, every rule kept), a move of a
day off (the agent works the short day instead of one of their working days: the same hours and
days, every rule kept), a day off given up (a day more in a row, or a sixth day), or hours over
the contract (overtime); a shift that breaks anything else (rest, availability, time off, an
absence) is not offered. An option's words name every rule it gives up, in the checker's figures
("6 working days, at most 5; 6 days in a row, at most 5; 48 h, at most 40"), and a move or another
queue what the time it leaves loses, in the report's words (expected service level and agent-hours
short on each queue it worked, that day and any later one whose level it changes): its `kind` only
ranks it, by the costliest of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from common.timegrid import zone
from common.words import a_or_an
from scheduler.domain import QueueSpan, Roster, Shift
from scheduler.roster.candidates import (
    Candidate,
    break_activity,
    break_offsets,
    break_placements,
    breaks_spaced,
    build_candidates,
    offsets_by_preference,
)
from scheduler.roster.coverage import on_queue_intervals
from scheduler.roster.problem import Problem, open_intervals
from scheduler.roster.report import Measured, QueueDay, ShortStretch, measure, queue_days
from scheduler.roster.validate import Violation, check_roster

EXTRA, MOVE, DAY_OFF_WORKED, OVERTIME = "extra shift", "move a day off", "work a day off", "overtime"
ANOTHER_QUEUE = "another queue"
# least costly first: a move keeps the contract, but costs the day it leaves, and another queue for an
# agent at work costs the queue they leave; DAY_OFF_WORKED works a day off beyond the days-off rules
RANK = {EXTRA: 0, ANOTHER_QUEUE: 1, MOVE: 1, DAY_OFF_WORKED: 2, OVERTIME: 3}
MAX_OFFERS_PER_AGENT = 2  # times one agent is offered to cover a stretch, in the week
# what the checker's rules mean for a lead: these may be asked of an agent, the rest may not. A day
# off worked ranks as DAY_OFF_WORKED; hours or shifts beyond the contract as overtime
DAY_OFF_RULES = {"days off", "consecutive days", "days off in blocks"}
HOURS_RULES = {"weekly hours", "weekly shifts"}
# each rule an option gives up, in a lead's words (the checker's message gives the figures)
GIVES_UP = {
    "days off": "a day off",
    "consecutive days": "the most days in a row",
    "days off in blocks": "days off in blocks",
    "weekly shifts": "the contract's limit on shifts",
    "weekly hours": "the contract's limit on hours",
}
# rules that no other start time on the same two days mends: a move that breaks one of them is
# tried with another day to leave, not with another shift on the short day
DAY_RULES = (
    DAY_OFF_RULES
    | HOURS_RULES
    | {
        "working days in runs",
        "weekends",
        "hours in horizon",
        "shifts by type",
        "pinned",
        "locked",
        "absence",
        "one shift a day",
    }
)


@dataclass(frozen=True)
class CoverOption:
    """An agent who could work a shift covering (part of) a short stretch, and what it takes."""

    stretch: ShortStretch
    agent_id: str
    day: date
    start_utc: datetime
    end_utc: datetime
    kind: str  # EXTRA, ANOTHER_QUEUE, MOVE, DAY_OFF_WORKED or OVERTIME: what it costs, for ranking
    covered_hours: float  # of the stretch
    words: str
    gives_up: tuple[str, ...] = ()  # every rule it breaks, with the checker's figures
    # a move (MOVE): the agent's local day whose shift they leave (their new day off), and what that
    # day loses on each queue the shift worked there, in the report's words (ANOTHER_QUEUE: what the
    # queues left lose)
    instead_of: date | None = None
    loses: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Pick:
    """An agent's least costly way to cover a stretch, before its words."""

    shift: Shift  # the shift the agent works (ANOTHER_QUEUE: their shift with the queue changed)
    covered_hours: float  # of the stretch
    kind: str
    gives_up: tuple[str, ...] = ()
    leaves: Shift | None = None  # a move: the shift the agent leaves; ANOTHER_QUEUE: the shift as it was
    loss_hours: float = 0.0  # a move or another queue: agent-hours more short where it leaves (a quick count)
    # ANOTHER_QUEUE: the time moved, on the queues it leaves (what `_losses` measures)
    left_time: Shift | None = None


def _as_shift(p: Problem, c: Candidate, queue: str) -> Shift:
    """A candidate as a shift on one queue, its breaks nearest the middle of their windows that keep
    them apart (`break_placements`; in the middle where they cannot all be)."""
    step = p.week.grid.interval_minutes
    rules = tuple(r for r in c.break_rules if break_offsets(r, c.length_minutes, step))
    ways = break_placements(
        rules, c.length_minutes, step, breaks_spaced(c.break_rules, c.length_minutes, step), 1
    )
    places = ways[0] if ways else tuple(offsets_by_preference(r, c.length_minutes, step)[0] for r in rules)
    breaks = [break_activity(rule, c.start_utc, k * step) for rule, k in zip(rules, places, strict=True)]
    return Shift(
        c.agent_id, c.local_date, c.start_utc, c.end_utc, queue, tuple(breaks), shift_type=c.shift_type
    )


def _overlap_hours(c: Candidate, stretch: ShortStretch) -> float:
    """Hours of candidate `c` inside the stretch."""
    return _overlap_s(c, stretch) / 3600


def _broken(p: Problem, shifts: tuple[Shift, ...], agent_id: str) -> list[Violation]:
    """What the independent checker finds against the agent in `shifts` (theirs alone)."""
    return [v for v in check_roster(p, shifts, agents={agent_id}) if v.agent_id == agent_id]


def _what_it_takes(p: Problem, roster: Roster, shift: Shift) -> tuple[str, tuple[str, ...]] | None:
    """The kind (EXTRA, DAY_OFF_WORKED or OVERTIME) of adding `shift` to the roster and every rule it gives up
    in words, or None when it breaks a rule that may not be asked of an agent."""
    theirs = tuple(s for s in roster.shifts if s.agent_id == shift.agent_id)
    broken = _broken(p, (*theirs, shift), shift.agent_id)
    rules = {v.rule for v in broken}
    if not rules <= DAY_OFF_RULES | HOURS_RULES:
        return None
    # one line a rule: a run of days in a row is broken on each day past the limit; the last says most
    last = {v.rule: v for v in broken}
    gives_up = tuple(f"{GIVES_UP[r]} ({last[r].message})" for r in GIVES_UP if r in last)
    kind = OVERTIME if rules & HOURS_RULES else DAY_OFF_WORKED if rules else EXTRA
    return kind, gives_up


def _short_hours(m: Measured, p: Problem, shift: Shift, more: int) -> float:
    """Agent-hours less short (`more` = 1) or more short (`more` = -1) on the queues `shift` works,
    with one agent more or fewer there: need against the agents on the queue, counted quickly from
    the roster's measure (blended time as it was)."""
    hours = p.week.grid.interval_minutes / 60
    names = [d.queue.name for d in m.demand.queues]
    total = 0.0
    for queue, intervals in on_queue_intervals(shift, p.week.grid).items():
        if queue not in names:
            continue
        k = names.index(queue)
        d, o = m.demand.queues[k], m.outcome.queues[k]
        there = (o.agents + o.blended_agents)[intervals]
        gap = d.need[intervals] - there if more > 0 else d.need[intervals] - there + 1
        total += float(np.clip(gap, 0.0, 1.0).sum()) * hours
    return total


def _move(
    p: Problem, m: Measured, roster: Roster, mine: list[Candidate], stretch: ShortStretch
) -> _Pick | None:
    """The agent works the short day instead of one of their working days, keeping their hours, days
    and every hard rule (the checker's word): the shift covering most of the stretch, leaving the
    day that loses least. None when no day can be left, or when the day left would lose as much as
    the stretch gains (that only moves the gap)."""
    if not mine:
        return None
    agent_id = mine[0].agent_id
    theirs = roster.shifts_of(agent_id)
    loss_of = {s: _short_hours(m, p, s, -1) for s in theirs}
    leaving = sorted(theirs, key=lambda s: (loss_of[s], s.start_utc))
    blocked: set[Shift] = set()  # days whose leaving breaks a rule no start time mends
    for c in mine:
        shift = _as_shift(p, c, stretch.queue)
        gain = _short_hours(m, p, shift, 1)
        for left in leaving:
            if left in blocked or left.length != shift.length:
                continue
            loss = loss_of[left]
            if loss >= gain - 1e-9:
                break  # leaving any later day costs as much or more
            broken = {v.rule for v in _broken(p, (*(s for s in theirs if s is not left), shift), agent_id)}
            if not broken:
                return _Pick(shift, _overlap_hours(c, stretch), MOVE, leaves=left, loss_hours=loss)
            if broken & DAY_RULES:
                blocked.add(left)
    return None


def cover_options(
    p: Problem,
    roster: Roster,
    stretches: list[ShortStretch],
    per_stretch: int = 3,
    measured: Measured | None = None,
) -> list[CoverOption]:
    """Up to `per_stretch` agents per stretch who could cover it, least costly first (an extra
    shift within the contract, then a move of a day off, then a day off worked, then overtime; then
    most hours covered, and for a move least lost where it leaves), each agent offered at most
    `MAX_OFFERS_PER_AGENT` times in the week (the first stretches first) unless nobody else could
    cover a stretch: one agent cannot cover six stretches, and a list naming the same few again and
    again is not a list a lead can act on, but "nobody could" must stay true.
    `measured` is the roster's measure when the caller has it (`report.measure`)."""
    # a repair keeps every other agent's week as published (`Problem.kept_agents`), but a lead may
    # still ask any of them to cover by hand: the options are checked without that lock
    p = replace(p, kept_agents=frozenset())
    m = measured or measure(p, roster)
    before = queue_days(p, m)
    candidates = build_candidates(p)
    out: list[CoverOption] = []
    offered: Counter[str] = Counter()
    for stretch in stretches:
        found: list[_Pick] = []
        for agent in p.team.agents:
            if stretch.queue not in agent.skills:
                continue
            day = stretch.start_utc.tz_convert(zone(agent.tz)).date()
            at_work = [s for s in roster.shifts_of(agent.id) if _overlap_s(s, stretch) > 0]
            if at_work:  # on shift in the stretch: the stretch's queue instead of another
                pick = _another_queue(p, m, roster, at_work[0], stretch)
                if pick is not None:
                    found.append(pick)
                continue
            if any(s.agent_id == agent.id and s.local_date == day for s in roster.shifts):
                continue  # already working that day: a longer shift is a re-roster's business
            mine = sorted(
                (
                    c
                    for c in candidates.get(agent.id, [])
                    if c.local_date == day and _overlap_hours(c, stretch) > 0
                ),
                key=lambda c: (-_overlap_hours(c, stretch), c.length_minutes, c.start_utc),
            )
            pick = _extra(p, roster, mine, stretch)
            if pick is None or pick.kind != EXTRA:
                pick = _move(p, m, roster, mine, stretch) or pick
            if pick is not None:
                found.append(pick)
        found.sort(key=lambda o: (RANK[o.kind], -o.covered_hours, o.loss_hours, o.shift.agent_id))
        # the least costly agent stays offered where the cap would leave the stretch with nobody
        picked = [o for o in found if offered[o.shift.agent_id] < MAX_OFFERS_PER_AGENT][
            :per_stretch
        ] or found[:1]
        for pick in picked:
            offered[pick.shift.agent_id] += 1
        out.extend(_option(p, roster, m, before, stretch, pick) for pick in picked)
    return out


def _overlap_s(span: Candidate | Shift | QueueSpan, stretch: ShortStretch) -> float:
    """Seconds of `span` inside the stretch."""
    start = max(pd.Timestamp(span.start_utc), stretch.start_utc)
    end = min(pd.Timestamp(span.end_utc), stretch.end_utc)
    return max(0.0, (end - start).total_seconds())


def _another_queue(
    p: Problem, m: Measured, roster: Roster, working: Shift, stretch: ShortStretch
) -> _Pick | None:
    """The agent, on shift in the stretch on another of their queues, takes the stretch's queue
    instead: the part of that queue's stretch inside the short one, or (where the queue blocks ask
    for it, and the stretch's queue is open throughout) that whole stretch, breaking no rule the
    agent's week keeps (the checker's word), for at least a queue block of the stretch
    (`min_queue_stretch_minutes`); None when no such change does, or when the queues left would lose
    as much as the stretch gains (a quick count)."""
    queue, agent_id = stretch.queue, working.agent_id
    others = tuple(s for s in roster.shifts_of(agent_id) if s is not working)
    spans = sorted(
        (w for w in working.stretches() if w.queue != queue and _overlap_s(w, stretch) > 0),
        key=lambda w: (-_overlap_s(w, stretch), w.start_utc),
    )
    as_it_is = set(_broken(p, (*others, working), agent_id))
    for span in spans:
        inside = QueueSpan(
            span.queue,
            max(span.start_utc, stretch.start_utc.to_pydatetime()),
            min(span.end_utc, stretch.end_utc.to_pydatetime()),
        )
        whole = inside != span and bool(
            open_intervals(p.team, p.week, queue)[
                p.week.grid.intervals_within(span.start_utc, span.end_utc, [])
            ].all()
        )
        for moved in (inside, span) if whole else (inside,):
            changed = _with_queue(working, moved, queue)
            if set(_broken(p, (*others, changed), agent_id)) - as_it_is:
                continue  # it breaks a rule the week keeps
            given = replace(working, queue=queue, work=(QueueSpan(queue, moved.start_utc, moved.end_utc),))
            left = replace(working, work=(moved,))
            covered = _on_queue_hours(p, given, stretch)
            if covered * 60 < p.team.shift_rules_of(p.team.agent(agent_id)).min_queue_stretch_minutes:
                continue  # less than a queue block of the stretch: not worth a lead's call
            gain, loss = _short_hours(m, p, given, 1), _short_hours(m, p, left, -1)
            if gain <= loss + 1e-9:
                break  # the queue left loses as much as the stretch gains: that only moves the gap
            return _Pick(
                changed,
                covered,
                ANOTHER_QUEUE,
                leaves=working,
                loss_hours=loss,
                left_time=left,
            )
    return None


def _on_queue_hours(p: Problem, shift: Shift, stretch: ShortStretch) -> float:
    """Hours the shift puts its agent on the stretch's queue inside the stretch, breaks left out."""
    rows = on_queue_intervals(shift, p.week.grid).get(stretch.queue, np.zeros(0, dtype=np.int64))
    starts = p.week.grid.starts()[rows]
    inside = (starts >= stretch.start_utc) & (starts < stretch.end_utc)
    return float(inside.sum()) * p.week.grid.interval_minutes / 60


def _with_queue(shift: Shift, moved: QueueSpan, queue: str) -> Shift:
    """`shift` with the time of `moved` on `queue` instead (its other stretches as they were)."""
    work: list[QueueSpan] = []
    for w in shift.stretches():
        parts = (
            [
                QueueSpan(w.queue, w.start_utc, moved.start_utc),
                QueueSpan(queue, moved.start_utc, moved.end_utc),
                QueueSpan(w.queue, moved.end_utc, w.end_utc),
            ]
            if w.start_utc <= moved.start_utc and moved.end_utc <= w.end_utc and w.queue == moved.queue
            else [w]
        )
        work.extend(x for x in parts if x.end_utc > x.start_utc)
    merged = replace(shift, work=tuple(work)).stretches()
    longest: dict[str, float] = {}
    for w in merged:
        longest[w.queue] = longest.get(w.queue, 0.0) + (w.end_utc - w.start_utc).total_seconds()
    return replace(
        shift, queue=max(longest, key=lambda q: longest[q]), work=merged if len(merged) > 1 else ()
    )


def _extra(p: Problem, roster: Roster, mine: list[Candidate], stretch: ShortStretch) -> _Pick | None:
    """The agent's shift covering most of the stretch that the checker lets be added to their week,
    with what it takes (`_what_it_takes`)."""
    for c in mine:
        shift = _as_shift(p, c, stretch.queue)
        taken = _what_it_takes(p, roster, shift)
        if taken is not None:
            return _Pick(shift, _overlap_hours(c, stretch), *taken)
    return None


def _after_days(p: Problem, roster: Roster, m: Measured, pick: _Pick) -> dict[tuple[str, date], QueueDay]:
    """Each queue-day as the roster would have it with the move or change of queue made."""
    assert pick.leaves is not None
    changed = Roster(
        roster.team, roster.first_day, (*(s for s in roster.shifts if s is not pick.leaves), pick.shift)
    )
    return {(d.queue, d.day): d for d in queue_days(p, measure(p, changed, m.demand))}


def _losses(
    p: Problem,
    before: list[QueueDay],
    after: dict[tuple[str, date], QueueDay],
    pick: _Pick,
    gained: tuple[str, date],
) -> tuple[str, ...]:
    """What a move costs the day it leaves (another queue: the queues the agent leaves), measured on
    the roster with the change made (`after`): each queue the time left worked, on each of the team's
    days it touched, e.g. 'Tue 23 Mar chat: expected service level 95% → 91%, 0.5 → 2.0 agent-hours
    short', and on the other days whose service level it changes (an email backlog carries a
    shortfall on), the queue-day `gained` (the stretch's) left out."""
    assert pick.leaves is not None
    left = pick.left_time or pick.leaves
    tz = zone(p.team.tz)
    starts = p.week.grid.starts()
    touched = {
        (queue, starts[t].tz_convert(tz).date())
        for queue, intervals in on_queue_intervals(left, p.week.grid).items()
        for t in intervals
    }
    queues = {queue for queue, _ in touched}
    return tuple(
        _day_words(d, after[(d.queue, d.day)])
        for d in before
        if (d.queue, d.day) != gained
        and (
            (d.queue, d.day) in touched or (d.queue in queues and _level_changes(d, after[(d.queue, d.day)]))
        )
    )


def _day_words(before: QueueDay, after: QueueDay) -> str:
    """A queue-day before and after a change, in the report's words."""
    level = (
        f"expected service level {before.service_level:.0%} → {after.service_level:.0%}, "
        if before.service_level is not None and after.service_level is not None
        else ""
    )
    return (
        f"{before.day:%a %d %b} {before.queue}: {level}{before.shortfall_hours:.1f} → "
        f"{after.shortfall_hours:.1f} agent-hours short"
    )


def _level_changes(before: QueueDay, after: QueueDay) -> bool:
    """Whether a queue-day's expected service level, as shown (whole percent), differs."""
    if before.service_level is None or after.service_level is None:
        return False
    return f"{before.service_level:.0%}" != f"{after.service_level:.0%}"


def _option(
    p: Problem, roster: Roster, m: Measured, before: list[QueueDay], stretch: ShortStretch, pick: _Pick
) -> CoverOption:
    shift, kind, gives_up = pick.shift, pick.kind, pick.gives_up
    agent = p.team.agent(shift.agent_id)
    tz = zone(agent.tz)
    start_utc, end_utc = shift.start_utc, shift.end_utc
    covered = pick.covered_hours
    hours = shift.hours
    loses: tuple[str, ...] = ()
    team_days = "" if agent.tz == p.team.tz else f" (the team's days, {p.team.tz})"
    gained = (stretch.queue, stretch.start_utc.tz_convert(zone(p.team.tz)).date())
    if kind == ANOTHER_QUEUE:
        assert pick.left_time is not None
        moved = pick.left_time.work[0]
        start_utc, end_utc = moved.start_utc, moved.end_utc
        after = _after_days(p, roster, m, pick)
        loses = _losses(p, before, after, pick, gained)
        gains = "; ".join(
            _day_words(d, after[(d.queue, d.day)]) for d in before if (d.queue, d.day) == gained
        )
        cost = (
            f"{stretch.queue} instead of {moved.queue}, already at work (every rule kept){team_days}: {gains}"
        )
        if loses:
            cost += f"; at the cost of {'; '.join(loses)}"
    elif pick.leaves is not None:
        left = pick.leaves
        loses = _losses(p, before, _after_days(p, roster, m, pick), pick, gained)
        cost = (
            f"instead of {left.local_date:%a %d %b} {left.start_utc.astimezone(tz):%H:%M}–"
            f"{left.end_utc.astimezone(tz):%H:%M} (the day off moves to {left.local_date:%a}: the same "
            f"hours and days, every rule kept)"
        )
        if loses:  # the report's queue-days are the team's, which a far agent's day is not
            cost += f", and on the day left{team_days} {'; '.join(loses)}"
    else:
        cost = {
            EXTRA: f"an extra {hours:g} h shift within the contract",
            DAY_OFF_WORKED: f"{a_or_an(f'{hours:g}')} {hours:g} h shift on a day off",
            OVERTIME: f"{a_or_an(f'{hours:g}')} {hours:g} h shift beyond the contract",
        }[kind]
    if gives_up:
        cost += f", giving up {'; '.join(gives_up)}"
    start, end = start_utc.astimezone(tz), end_utc.astimezone(tz)
    words = (
        f"{agent.name} ({agent.id}), {shift.local_date:%a %d %b} {start:%H:%M}–{end:%H:%M} {agent.tz}: "
        f"{cost}; covers {covered:g} h of the stretch"
    )
    return CoverOption(
        stretch,
        agent.id,
        shift.local_date,
        start_utc,
        end_utc,
        kind,
        covered,
        words,
        gives_up,
        pick.leaves.local_date if pick.leaves is not None and kind == MOVE else None,
        loses,
    )

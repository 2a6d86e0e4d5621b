"""The shifts an agent could work in the week: starts on the grid, allowed by availability.

A candidate is one (agent, local day, start, length) and the grid intervals it spans (with
its shift type's name when the shift rules name types);
where its breaks go is the model's choice (`break_offsets` lists the allowed places).
Hard availability (unavailable, time off, outside `available` windows) removes
candidates here, so the model never sees a forbidden shift.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from common.timegrid import MINUTES_PER_DAY, Grid, local_day_start_utc, wall_to_utc, zone
from scheduler.domain import (
    MIN_WORK_AFTER_BREAK_MINUTES,
    MIN_WORK_BETWEEN_BREAKS_MINUTES,
    Activity,
    Agent,
    AvailabilityEntry,
    BreakRule,
    Shift,
)
from scheduler.roster.problem import BLOCKING_KINDS, Problem, Span, entry_span_utc


@dataclass(frozen=True, eq=False)
class Candidate:
    """One shift an agent may be given."""

    index: int
    agent_id: str
    local_date: date
    start_utc: datetime
    length_minutes: int
    start_index: int  # grid interval the shift starts in
    n_intervals: int  # grid intervals it spans (it may run past the end of the week)
    break_rules: tuple[BreakRule, ...]  # the breaks it must contain
    preference_score: int  # preferred minutes minus avoided minutes, weighted later
    shift_type: str = ""  # the name of its shift type, when the shift rules name types

    @functools.cached_property
    def end_utc(self) -> datetime:
        """The instant the shift ends (remembered: the rules ask it often)."""
        return self.start_utc + timedelta(minutes=self.length_minutes)


def local_start_minute(agent_tz: str, start_utc: datetime) -> int:
    """The minute of the local day, on the agent's clock, at which a shift starting at `start_utc` starts."""
    local = start_utc.astimezone(zone(agent_tz))
    return local.hour * 60 + local.minute


def start_band(minutes: Iterable[int]) -> tuple[int, int]:
    """The first minute and the length of the shortest stretch of the clock, read forward from it
    (across midnight if need be), that holds every one of `minutes` (minutes of the day): 23:30 and
    00:30 are a band of 60 minutes from 23:30. (0, 0) for none."""
    ordered = sorted(set(minutes))
    if not ordered:
        return 0, 0
    best = (ordered[0], ordered[-1] - ordered[0])
    for k in range(1, len(ordered)):  # a band that starts after the gap before ordered[k]
        spread = ordered[k - 1] + MINUTES_PER_DAY - ordered[k]
        if spread < best[1]:
            best = (ordered[k], spread)
    return best


@dataclass(frozen=True)
class AgentCalendar:
    """An agent's hard and soft availability as UTC spans."""

    blocked: tuple[Span, ...]
    # days that carry `available` rows: (day start, day end, the available spans of that day)
    windows: tuple[tuple[datetime, datetime, tuple[Span, ...]], ...]
    preferred: tuple[Span, ...]
    avoided: tuple[Span, ...]

    def allows(self, start: datetime, end: datetime) -> bool:
        """Whether a shift from `start` to `end` respects every hard availability row."""
        if any(s < end and start < e for s, e in self.blocked):
            return False
        for day_start, day_end, spans in self.windows:
            lo, hi = max(start, day_start), min(end, day_end)
            if lo < hi and not _covered(lo, hi, spans):
                return False
        return True

    def preference_minutes(self, start: datetime, end: datetime) -> int:
        """Minutes in preferred spans minus minutes in avoided spans."""
        return _overlap_minutes(start, end, self.preferred) - _overlap_minutes(start, end, self.avoided)


def _covered(lo: datetime, hi: datetime, spans: tuple[Span, ...]) -> bool:
    cursor = lo
    for s, e in sorted(spans):
        if s <= cursor < e:
            cursor = e
        if cursor >= hi:
            return True
    return cursor >= hi


def _overlap_minutes(start: datetime, end: datetime, spans: tuple[Span, ...]) -> int:
    total = 0.0
    for s, e in spans:
        lo, hi = max(start, s), min(end, e)
        if lo < hi:
            total += (hi - lo).total_seconds() / 60
    return round(total)


def agent_calendar(
    agent: Agent, entries: tuple[AvailabilityEntry, ...], days: tuple[date, ...]
) -> AgentCalendar:
    """The agent's availability on `days` (local dates), as UTC spans.

    On a day with date-specific `available` rows, weekday `available` rows are ignored.
    """
    tz = zone(agent.tz)
    blocked: list[Span] = []
    windows: list[tuple[datetime, datetime, tuple[Span, ...]]] = []
    preferred: list[Span] = []
    avoided: list[Span] = []
    for day in days:
        todays = [e for e in entries if e.applies_to(day)]
        available = [e for e in todays if e.kind == "available"]
        if any(e.on_date is not None for e in available):
            available = [e for e in available if e.on_date is not None]
        if available:
            day_start = local_day_start_utc(day, tz)
            day_end = local_day_start_utc(day + timedelta(days=1), tz)
            windows.append((day_start, day_end, tuple(entry_span_utc(e, day, agent.tz) for e in available)))
        for e in todays:
            if e.kind in BLOCKING_KINDS:
                blocked.append(entry_span_utc(e, day, agent.tz))
            elif e.kind == "preferred":
                preferred.append(entry_span_utc(e, day, agent.tz))
            elif e.kind == "avoid":
                avoided.append(entry_span_utc(e, day, agent.tz))
    return AgentCalendar(tuple(blocked), tuple(windows), tuple(preferred), tuple(avoided))


def agent_local_days(agent: Agent, grid: Grid) -> tuple[date, ...]:
    """The agent's local dates on which a shift starting inside the grid could begin."""
    tz = zone(agent.tz)
    first = grid.start_utc.astimezone(tz).date()
    last = (grid.end_utc - timedelta(seconds=1)).astimezone(tz).date()
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def break_offsets(rule: BreakRule, length_minutes: int, interval_minutes: int) -> tuple[int, ...]:
    """Where a break may start, in grid intervals after the shift starts: inside its window, on the
    grid, ending inside the shift, and at least `MIN_WORK_AFTER_BREAK_MINUTES` before its end where
    any start in the window leaves that much."""
    first = -(-rule.window_start_minutes // interval_minutes)
    last = rule.window_end_minutes // interval_minutes
    duration = break_intervals(rule, interval_minutes)
    fits = length_minutes // interval_minutes - duration
    inside = [k for k in range(first, last + 1) if k <= fits]
    tail = -(-MIN_WORK_AFTER_BREAK_MINUTES // interval_minutes)
    room = [k for k in inside if k <= fits - tail]
    return tuple(room or inside)


def offsets_by_preference(rule: BreakRule, length_minutes: int, interval_minutes: int) -> tuple[int, ...]:
    """`break_offsets` in the order ties are broken: nearest the window's middle first, then earliest."""
    offsets = break_offsets(rule, length_minutes, interval_minutes)
    if not offsets:
        return ()
    middle = offsets[len(offsets) // 2]
    return tuple(sorted(offsets, key=lambda k: (abs(k - middle), k)))


def break_intervals(rule: BreakRule, interval_minutes: int) -> int:
    """Grid intervals a break of `rule` takes."""
    return -(-rule.duration_minutes // interval_minutes)


def break_reach(rule: BreakRule, interval_minutes: int, spaced: bool) -> int:
    """Grid intervals from a break's start before another break of its shift may start: its own
    (`break_intervals`), and with `spaced` also `MIN_WORK_BETWEEN_BREAKS_MINUTES` of work after it."""
    minutes = rule.duration_minutes + (MIN_WORK_BETWEEN_BREAKS_MINUTES if spaced else 0)
    return -(-minutes // interval_minutes)


def apart(first: int, reach: int, other: int, other_reach: int) -> bool:
    """Whether two breaks starting in intervals `first` and `other` keep clear of each other's `break_reach`."""
    return first + reach <= other or other + other_reach <= first


# ways to place a shift's breaks are looked for in at most this many steps (the breaks' windows can
# make the tree of partial ways huge); one way, when there is any, is always found (`_packed_way`)
MAX_PLACEMENT_STEPS = 20_000


@functools.cache
def break_placements(
    rules: tuple[BreakRule, ...], length_minutes: int, interval_minutes: int, spaced: bool, most: int
) -> tuple[tuple[int, ...], ...]:
    """Up to `most` ways to start the breaks of `rules` in a shift of `length_minutes` (grid
    intervals after its start, one per rule, each at a `break_offsets` place), each clear of the
    others' `break_reach`: in the order of each rule's `offsets_by_preference` as far as
    `MAX_PLACEMENT_STEPS` go, else the one `_packed_way` finds; none when there is no way."""
    options = [
        (offsets_by_preference(r, length_minutes, interval_minutes), break_reach(r, interval_minutes, spaced))
        for r in rules
    ]
    found: list[tuple[int, ...]] = []
    steps = [MAX_PLACEMENT_STEPS]

    def place(chosen: list[int]) -> None:
        j = len(chosen)
        if j == len(options):
            found.append(tuple(chosen))
            return
        offsets, reach = options[j]
        for k in offsets:
            steps[0] -= 1
            if steps[0] < 0 or len(found) >= most:
                return
            if all(apart(k, reach, c, options[i][1]) for i, c in enumerate(chosen)):
                place([*chosen, k])

    packed = _packed_way(options)
    if packed is None:
        return ()
    place([])
    return tuple(found) or (packed,)


def _packed_way(options: Sequence[tuple[tuple[int, ...], int]]) -> tuple[int, ...] | None:
    """One way to start every break (in `options`: each break's allowed offsets and reach) clear of
    the others' reach, or None when there is none: over the subsets of breaks placed first, the
    earliest the next may start (each break as early as it may go; exact, 2^breaks steps)."""
    n = len(options)
    allowed = [sorted(offsets) for offsets, _ in options]
    free_from: dict[int, int] = {0: -(10**9)}  # breaks placed (a bit mask) -> earliest next start
    came: dict[int, tuple[int, int, int]] = {}  # mask -> (mask before, break, its start)
    for mask in range(1 << n):  # a subset's subsets come before it
        if mask not in free_from:
            continue
        for j in range(n):
            if mask >> j & 1:
                continue
            at = bisect.bisect_left(allowed[j], free_from[mask])
            if at == len(allowed[j]):
                continue
            start = allowed[j][at]
            nxt = mask | 1 << j
            if start + options[j][1] < free_from.get(nxt, 10**9):
                free_from[nxt] = start + options[j][1]
                came[nxt] = (mask, j, start)
    mask = (1 << n) - 1
    if mask not in free_from:
        return None
    starts = [0] * n
    while mask:
        mask, j, starts[j] = came[mask]
    return tuple(starts)


def breaks_spaced(rules: tuple[BreakRule, ...], length_minutes: int, interval_minutes: int) -> bool:
    """Whether the breaks of `rules` in a shift of `length_minutes` keep
    `MIN_WORK_BETWEEN_BREAKS_MINUTES` of work between any two: where their windows leave room for
    that (else they only may not overlap)."""
    return len(rules) > 1 and bool(break_placements(rules, length_minutes, interval_minutes, True, 1))


def intervals_between(start: datetime, at: datetime, interval_minutes: int) -> int:
    """Whole grid intervals from `start` to `at` (e.g. a break's place in its shift)."""
    return round((at - start).total_seconds() / 60 / interval_minutes)


def break_activity(rule: BreakRule, shift_start: datetime, offset_minutes: int) -> Activity:
    """The break of `rule` starting `offset_minutes` after the shift starts."""
    start = shift_start + timedelta(minutes=offset_minutes)
    return Activity(rule.kind, start, start + timedelta(minutes=rule.duration_minutes))


def build_candidates(problem: Problem) -> dict[str, list[Candidate]]:
    """Every allowed shift of every agent, by agent id, in start order."""
    grid = problem.week.grid
    out: dict[str, list[Candidate]] = {}
    index = 0
    for agent in problem.team.agents:
        rules = problem.team.shift_rules_of(agent)
        days = agent_local_days(agent, grid)
        calendar = agent_calendar(agent, problem.entries_of(agent.id), (*days, days[-1] + timedelta(days=1)))
        tz = zone(agent.tz)
        mine: list[Candidate] = []
        for day in days:
            for type_name, minute, length in rules.shapes():
                start = wall_to_utc(day, minute, tz)
                if start is None or not grid.start_utc <= start < grid.end_utc:
                    continue
                offset = grid.offset_intervals(start)
                if abs(offset - round(offset)) > 1e-9 or length % grid.interval_minutes:
                    continue
                end = start + timedelta(minutes=length)
                if not calendar.allows(start, end):
                    continue
                mine.append(
                    Candidate(
                        index=index,
                        agent_id=agent.id,
                        local_date=day,
                        start_utc=start,
                        length_minutes=length,
                        start_index=round(offset),
                        n_intervals=length // grid.interval_minutes,
                        break_rules=rules.breaks_for(length),
                        preference_score=calendar.preference_minutes(start, end),
                        shift_type=type_name,
                    )
                )
                index += 1
        for shift in worked_off_rules(problem, agent.id, mine):
            mine.append(_worked_candidate(problem, shift, index))
            index += 1
        out[agent.id] = sorted(mine, key=lambda c: (c.start_utc, c.length_minutes))
    return out


def worked_off_rules(problem: Problem, agent_id: str, mine: Sequence[Candidate]) -> list[Shift]:
    """Re-rostering: the agent's shifts already worked that no shift the rules allow now is: cut short
    by a sick call (`Problem.ended_by_sickness`, now or by an earlier re-roster), or worked under shift
    rules, a zone, skills or available hours changed since. Each has happened and stays as it was. A
    worked shift over leave entered since is not among them: the lead is told to enter the row from
    when it ends (`rules._why_not`)."""
    have = {(c.local_date, c.start_utc, c.length_minutes) for c in mine}
    return [
        w
        for w in problem.worked()
        if w.agent_id == agent_id
        and (w.local_date, w.start_utc, round(w.hours * 60)) not in have
        and leave_during(problem, w) is None
    ]


def leave_during(problem: Problem, shift: Shift) -> tuple[AvailabilityEntry, datetime, datetime] | None:
    """The first leave or unavailability row that overlaps `shift` (on the agent's clock, the days
    around it), with its span in UTC; None if none does."""
    agent = problem.team.agent(shift.agent_id)
    for day in (shift.local_date - timedelta(days=1), shift.local_date, shift.local_date + timedelta(days=1)):
        for e in problem.entries_of(agent.id):
            if e.kind not in BLOCKING_KINDS or not e.applies_to(day):
                continue
            start, end = entry_span_utc(e, day, agent.tz)
            if start < shift.end_utc and shift.start_utc < end:
                return e, start, end
    return None


def _worked_candidate(problem: Problem, shift: Shift, index: int) -> Candidate:
    """A shift already worked that the rules no longer allow, as the one candidate of its kind: no
    breaks to place (those it had are the worked shift's, `roster_of` puts them back)."""
    grid = problem.week.grid
    length = round(shift.hours * 60)
    return Candidate(
        index=index,
        agent_id=shift.agent_id,
        local_date=shift.local_date,
        start_utc=shift.start_utc,
        length_minutes=length,
        start_index=round(grid.offset_intervals(shift.start_utc)),
        n_intervals=length // grid.interval_minutes,
        break_rules=(),
        preference_score=0,
        shift_type=shift.shift_type,
    )

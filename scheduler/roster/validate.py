"""The independent checker: every hard rule a roster breaks, found without the model's code.

It reads the problem and the roster and recomputes each rule from its definition, walking
worked minutes on the agent's wall clock rather than reusing the model's UTC spans, so a
slip in the model's encoding shows up here as a violation.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from common.timegrid import DAYS_PER_WEEK, zone
from scheduler.domain import (
    MIN_WORK_AFTER_BREAK_MINUTES,
    MIN_WORK_BETWEEN_BREAKS_MINUTES,
    Agent,
    AvailabilityEntry,
    BreakRule,
    Shift,
    ShiftRules,
)
from scheduler.roster.problem import LEAVE_WORDS, Problem, min_shifts_after_time_off

_EPS_HOURS = 1e-6


@dataclass(frozen=True)
class Violation:
    """One broken hard rule."""

    rule: str
    agent_id: str
    local_date: date | None
    message: str

    def __str__(self) -> str:
        day = f" on {self.local_date}" if self.local_date else ""
        return f"[{self.rule}] {self.agent_id}{day}: {self.message}"


def check_roster(
    p: Problem, shifts: tuple[Shift, ...], agents: Collection[str] | None = None
) -> list[Violation]:
    """Every hard rule the shifts break (empty when the roster is valid); with `agents`, only the
    rules of those agents (a question about one agent's week need not check sixty)."""
    out: list[Violation] = []
    ids = {a.id for a in p.team.agents}
    for s in shifts:
        if s.agent_id not in ids:
            out.append(Violation("known agent", s.agent_id, s.local_date, "not an agent of the team"))
    for agent in p.team.agents:
        if agents is not None and agent.id not in agents:
            continue
        mine = sorted((s for s in shifts if s.agent_id == agent.id), key=lambda s: s.start_utc)
        for s in mine:
            out.extend(_check_shift(p, agent, s))
        out.extend(_check_agent_week(p, agent, mine))
    return out


def _check_shift(p: Problem, agent: Agent, s: Shift) -> list[Violation]:
    def v(rule: str, message: str) -> Violation:
        return Violation(rule, agent.id, s.local_date, message)

    out: list[Violation] = []
    tz = zone(agent.tz)
    rules = p.team.shift_rules_of(agent)
    grid = p.week.grid
    local_start = s.start_utc.astimezone(tz)
    # a shift already worked (to its end or until a sick call) stays as it was, even under shift rules,
    # a zone, skills or available hours changed since: only what the week's rules ask of it is checked
    happened = _cut_short(p, s) or _worked_as_published(p, s)
    if local_start.date() != s.local_date and not happened:
        out.append(v("local day", f"shift starts on local {local_start.date()}, labelled {s.local_date}"))
    start_minute = local_start.hour * 60 + local_start.minute
    length = round(s.length.total_seconds() / 60)
    if rules.types and not happened:
        out.extend(v("shift type", m) for m in _type_problems(rules, s.shift_type, start_minute, length))
    elif not happened:
        if start_minute not in rules.start_minutes() or local_start.second:
            out.append(v("start time", f"local start {local_start:%H:%M} is not an allowed start time"))
        if length not in {round(h * 60) for h in rules.lengths_hours}:
            out.append(v("shift length", f"{length} min elapsed is not an allowed shift length"))
    if not grid.start_utc <= s.start_utc < grid.end_utc:
        out.append(v("in week", _outside_week(p, s)))
    if (s.start_utc - grid.start_utc).total_seconds() % grid.interval_s:
        out.append(v("on grid", "shift does not start on the interval grid"))
    if not happened:
        out.extend(v("skills", m) for m in _queue_problems(agent, s))
        out.extend(v("queue blocks", m) for m in _stretch_problems(rules, s))
        breaks = rules.breaks_for(length)
        out.extend(v("breaks", m) for m in _break_problems(breaks, s))
        out.extend(v("breaks", m) for m in _work_after_break_problems(breaks, s, grid.interval_minutes))
        out.extend(v("breaks", m) for m in _breaks_apart_problems(breaks, s, grid.interval_minutes))
    entries = p.entries_of(agent.id)
    out.extend(v("availability", m) for m in _availability_problems(entries, agent, s, windows=not happened))
    return out


def _outside_week(p: Problem, s: Shift) -> str:
    """A shift that starts outside the team's week, in the team's words: when it starts on the team's
    clock, and when the week starts or ends."""
    tz = zone(p.team.tz)
    start = s.start_utc.astimezone(tz)
    if s.start_utc < p.week.grid.start_utc:
        edge = f"before the team's week starts ({p.week.days[0]:%a %d %b} 00:00 {p.team.tz})"
    else:
        edge = f"after the team's week ends ({p.week.days[-1]:%a %d %b} 24:00 {p.team.tz})"
    return f"the shift would start {start:%a %d %b %H:%M} {p.team.tz}, {edge}"


def _type_problems(rules: ShiftRules, name: str, start_minute: int, length: int) -> list[str]:
    """A shift under named types is one of them: its name, local start and length."""
    named = next((t for t in rules.types if t.name == name), None)
    if named is None:
        return [f"{name!r} is not a shift type of the agent's shift rules"]
    if (named.start_minute, named.length_minutes) != (start_minute, length):
        return [
            f"a {name!r} shift starts at minute {named.start_minute} and lasts {named.length_minutes} min; "
            f"this one starts at minute {start_minute} and lasts {length} min"
        ]
    return []


def _queue_problems(agent: Agent, s: Shift) -> list[str]:
    """Every queue worked needs the skill; queue stretches lie inside the shift, one after another."""
    problems = [
        f"works queue {w.queue!r} without the skill" for w in s.queue_spans() if w.queue not in agent.skills
    ]
    if s.queue not in agent.skills and s.work:
        problems.append(f"main queue {s.queue!r} without the skill")
    ordered = sorted(s.queue_spans(), key=lambda w: w.start_utc)
    if any(not s.start_utc <= w.start_utc < w.end_utc <= s.end_utc for w in ordered):
        problems.append("a queue stretch lies outside the shift")
    if any(b.start_utc < a.end_utc for a, b in pairwise(ordered)):
        problems.append("two queue stretches overlap")
    return sorted(set(problems))


def _stretch_problems(rules: ShiftRules, s: Shift) -> list[str]:
    """Queue blocks: at most `max_queue_changes` changes of queue in the shift, every stretch on a
    queue at least `min_queue_stretch_minutes` long (the whole shift when shorter), and no stretch
    that starts with a break (a break belongs to the stretch it interrupts)."""
    spans = sorted(s.queue_spans(), key=lambda w: w.start_utc)
    problems = []
    if len(spans) - 1 > rules.max_queue_changes:
        problems.append(f"{len(spans) - 1} changes of queue; at most {rules.max_queue_changes} a shift")
    shortest = min(rules.min_queue_stretch_minutes, s.length.total_seconds() / 60)
    for span in spans:
        minutes = (span.end_utc - span.start_utc).total_seconds() / 60
        if minutes < shortest - 1e-6:
            problems.append(
                f"{minutes:g} min on {span.queue} from {span.start_utc:%H:%M} UTC; stretches last at least "
                f"{shortest:g} min"
            )
        if any(b.start_utc == span.start_utc for b in s.breaks):
            problems.append(
                f"the stretch on {span.queue} from {span.start_utc:%H:%M} UTC starts with a break"
            )
    return problems


def _break_problems(rules: tuple[BreakRule, ...], s: Shift) -> list[str]:
    problems: list[str] = []
    wanted = sorted((r.kind, r.duration_minutes) for r in rules)
    got = sorted((b.kind, round((b.end_utc - b.start_utc).total_seconds() / 60)) for b in s.breaks)
    if wanted != got:
        problems.append(f"breaks {got} differ from the rules {wanted}")
    for b in s.breaks:
        if not s.start_utc <= b.start_utc < b.end_utc <= s.end_utc:
            problems.append(f"{b.kind} at {b.start_utc.isoformat()} lies outside the shift")
        offset = (b.start_utc - s.start_utc).total_seconds() / 60
        fits = [
            r for r in rules if r.kind == b.kind and r.window_start_minutes <= offset <= r.window_end_minutes
        ]
        if not fits:
            problems.append(f"{b.kind} starts {offset:g} min into the shift, outside its window")
    ordered = sorted(s.breaks, key=lambda b: b.start_utc)
    for a, b in pairwise(ordered):
        if b.start_utc < a.end_utc:
            problems.append(f"{a.kind} and {b.kind} overlap")
    return problems


def _work_after_break_problems(rules: tuple[BreakRule, ...], s: Shift, step: int) -> list[str]:
    """Each break ends at least `MIN_WORK_AFTER_BREAK_MINUTES` (in whole grid intervals) before the
    shift does, where the earliest start its window allows on the grid leaves room for that."""
    problems: list[str] = []
    length = round(s.length.total_seconds() / 60) // step * step
    tail = math.ceil(MIN_WORK_AFTER_BREAK_MINUTES / step) * step
    for b in s.breaks:
        offset = round((b.start_utc - s.start_utc).total_seconds() / 60)
        for r in (
            r for r in rules if r.kind == b.kind and r.window_start_minutes <= offset <= r.window_end_minutes
        ):
            duration = math.ceil(r.duration_minutes / step) * step
            earliest = math.ceil(r.window_start_minutes / step) * step
            latest = min(r.window_end_minutes // step * step, length - duration - tail)
            if earliest <= latest and offset > latest:
                problems.append(
                    f"{b.kind} ends {length - offset - duration} min before the shift does; its window leaves "
                    f"room for {MIN_WORK_AFTER_BREAK_MINUTES} min of work after it"
                )
    return problems


def _break_starts(rule: BreakRule, length: int, step: int) -> list[int]:
    """Minutes after the shift starts where a break of `rule` may start on the grid: inside its
    window and the shift, and `MIN_WORK_AFTER_BREAK_MINUTES` before its end where any start allows."""
    duration = math.ceil(rule.duration_minutes / step) * step
    end = length // step * step
    inside = [
        m
        for m in range(math.ceil(rule.window_start_minutes / step) * step, rule.window_end_minutes + 1, step)
        if m + duration <= end
    ]
    tail = math.ceil(MIN_WORK_AFTER_BREAK_MINUTES / step) * step
    return [m for m in inside if m + duration + tail <= end] or inside


@functools.cache
def _can_be_apart(rules: tuple[BreakRule, ...], length: int, step: int) -> bool:
    """Whether every break of `rules` can start in its place with `MIN_WORK_BETWEEN_BREAKS_MINUTES`
    of work between any two: the earliest each subset of them, placed first, leaves the next free."""
    starts = [_break_starts(r, length, step) for r in rules]
    reach = [r.duration_minutes + MIN_WORK_BETWEEN_BREAKS_MINUTES for r in rules]
    free_from = {0: -math.inf}
    for placed in range(1 << len(rules)):
        if placed not in free_from:
            continue
        for j in range(len(rules)):
            later = [m for m in starts[j] if m >= free_from[placed]]
            if not placed >> j & 1 and later:
                more = placed | 1 << j
                free_from[more] = min(free_from.get(more, math.inf), later[0] + reach[j])
    return (1 << len(rules)) - 1 in free_from


def _breaks_apart_problems(rules: tuple[BreakRule, ...], s: Shift, step: int) -> list[str]:
    """The breaks of a shift leave `MIN_WORK_BETWEEN_BREAKS_MINUTES` of work between them (from the
    end of one to the start of the next), where their windows leave room for that between all of them."""
    length = round(s.length.total_seconds() / 60)
    if len(s.breaks) < 2 or not _can_be_apart(rules, length, step):
        return []
    problems = []
    for a, b in pairwise(sorted(s.breaks, key=lambda x: x.start_utc)):
        between = round((b.start_utc - a.end_utc).total_seconds() / 60)
        if 0 <= between < MIN_WORK_BETWEEN_BREAKS_MINUTES:
            problems.append(
                f"{b.kind} starts {between} min after the {a.kind} ends; their windows leave room for "
                f"{MIN_WORK_BETWEEN_BREAKS_MINUTES} min of work between breaks"
            )
    return problems


def _worked_minutes(agent: Agent, s: Shift) -> list[tuple[date, int]]:
    """(local date, local minute of day) of each elapsed minute of the shift, each converted: for a
    shift during which the agent's clock changes."""
    tz = zone(agent.tz)
    out = []
    for k in range(round(s.length.total_seconds() / 60)):
        local = (s.start_utc + timedelta(minutes=k)).astimezone(tz)
        out.append((local.date(), local.hour * 60 + local.minute))
    return out


def _rows_on(
    entries: tuple[AvailabilityEntry, ...], day: date, kinds: tuple[str, ...]
) -> list[AvailabilityEntry]:
    return [e for e in entries if e.kind in kinds and e.applies_to(day)]


def _worked_runs(agent: Agent, s: Shift) -> list[tuple[date, int, int]]:
    """The shift's worked minutes as runs on the agent's wall clock: (local date, first minute, end
    minute), each run of consecutive local minutes of one day. Where the clock does not change during
    the shift (the same offset at its first and last minute: no zone changes its clocks twice in a
    day), the minutes follow the wall clock one to one, a run a day; else each minute is converted
    (`_worked_minutes`) and the runs made of them."""
    runs: list[tuple[date, int, int]] = []
    tz = zone(agent.tz)
    minutes = round(s.length.total_seconds() / 60)
    first = s.start_utc.astimezone(tz)
    if first.utcoffset() == (s.start_utc + timedelta(minutes=max(minutes - 1, 0))).astimezone(tz).utcoffset():
        start, done = first.hour * 60 + first.minute, 0  # the wall clock one to one: a run a day
        while done < minutes:
            minute = (start + done) % 1440
            take = min(1440 - minute, minutes - done)
            runs.append((first.date() + timedelta(days=(start + done) // 1440), minute, minute + take))
            done += take
        return runs
    for day, minute in _worked_minutes(agent, s):
        if runs and runs[-1][0] == day and runs[-1][2] == minute:
            runs[-1] = (day, runs[-1][1], minute + 1)
        else:
            runs.append((day, minute, minute + 1))
    return runs


def _outside(first: int, end: int, windows: list[AvailabilityEntry]) -> bool:
    """Whether some minute of [first, end) lies in none of the windows."""
    reached = first
    for w in sorted(windows, key=lambda w: w.start_minute):
        if w.start_minute > reached:
            break
        reached = max(reached, w.end_minute)
        if reached >= end:
            return False
    return reached < end


def works_during(entry: AvailabilityEntry, day: date) -> str:
    """A shift over an availability row that blocks the time, in a lead's words: 'works during an
    absence on Thu 05 Nov: sick (entered on the page)'."""
    note = f": {entry.note}" if entry.note else ""
    return f"works during {LEAVE_WORDS.get(entry.kind, entry.kind)} on {day:%a %d %b}{note}"


def works_outside(day: date) -> str:
    """A shift outside the agent's available times of local `day`."""
    return f"works outside the available times of {day:%a %d %b}"


def _availability_problems(
    entries: tuple[AvailabilityEntry, ...], agent: Agent, s: Shift, windows: bool = True
) -> list[str]:
    """Leave and unavailability the shift overlaps, and (with `windows`) its hours outside the agent's
    available times."""
    problems: set[str] = set()
    for day, first, end in _worked_runs(agent, s):
        blocked = _rows_on(entries, day, ("unavailable", "time_off", "absence"))
        for e in blocked:
            if e.start_minute < end and first < e.end_minute:
                problems.add(works_during(e, day))
        available = _rows_on(entries, day, ("available",))
        available = [e for e in available if e.on_date is not None] or available
        if windows and available and _outside(first, end, available):
            problems.add(works_outside(day))
    return sorted(problems)


def _check_agent_week(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    out: list[Violation] = []
    rules = p.team.labour_rules_of(agent)
    per_day: dict[date, int] = defaultdict(int)
    for s in mine:
        per_day[s.local_date] += 1
    out.extend(
        Violation("one shift a day", agent.id, d, f"{n} shifts on one local day")
        for d, n in per_day.items()
        if n > 1
    )
    previous = [] if p.previous is None else list(p.previous.shifts_of(agent.id))
    timeline = sorted(previous + mine, key=lambda s: s.start_utc)
    rest = timedelta(hours=rules.min_rest_hours)
    for a, b in pairwise(timeline):
        gap = b.start_utc - a.end_utc
        if gap < rest:
            out.append(
                Violation(
                    "minimum rest",
                    agent.id,
                    b.local_date,
                    f"only {gap.total_seconds() / 3600:g} h after the shift of {a.local_date}; "
                    f"{rules.min_rest_hours:g} h needed",
                )
            )
    days_worked = set(per_day)
    out.extend(_weekly_problems(p, agent, mine))
    out.extend(
        _consecutive_problems(
            agent, {s.local_date for s in timeline}, rules.max_consecutive_days, days_worked
        )
    )
    previous_days = None if p.previous is None else {s.local_date for s in previous}
    out.extend(_short_blocks_of_days_off(p, agent, days_worked, previous_days))
    out.extend(_short_runs_of_work(p, agent, days_worked, previous_days))
    out.extend(_weekend_problems(p, agent, days_worked))
    out.extend(_start_spread_problems(p, agent, mine))
    out.extend(_succession_problems(p, agent, timeline))
    out.extend(_horizon_problems(agent, mine))
    out.extend(_pinned_problems(p, agent, mine))
    out.extend(_locked_problems(p, agent, mine))
    out.extend(_absence_problems(p, agent, mine))
    return out


def _absence_problems(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Re-rostering: an absent agent works none of the days the published roster had them off."""
    if p.published is None or p.absent_may_work_days_off:
        return []
    absent = any(
        e.kind == "absence" and any(e.applies_to(d) for d in p.week.days) for e in p.entries_of(agent.id)
    )
    if not absent:
        return []
    published = {s.local_date for s in p.published.shifts_of(agent.id)}
    return [
        Violation(
            "absence",
            agent.id,
            s.local_date,
            "works a day off of the published roster while absent this week",
        )
        for s in mine
        if s.local_date not in published and s.local_date in set(p.week.days)
    ]


def _short_runs_of_work(
    p: Problem, agent: Agent, worked: set[date], previous: set[date] | None
) -> list[Violation]:
    """Runs of working days shorter than `min_consecutive_days_worked` that a day off of this
    horizon ends (a run still open at the end may go on; one of unknown start is not judged)."""
    minimum = p.team.labour_rules_of(agent).min_consecutive_days_worked
    local_days = _week_local_days(p, agent)
    every = worked | (previous or set())
    out: list[Violation] = []
    for day in sorted(worked):
        if day + timedelta(days=1) in every or day + timedelta(days=1) > local_days[-1]:
            continue  # not the last day of its run, or the run may go on past the horizon
        run = 1
        while day - timedelta(days=run) in every:
            run += 1
        if previous is None and day - timedelta(days=run) < local_days[0]:
            continue  # the run began before the horizon, and nothing says when
        if run < minimum:
            message = f"a run of {run} working day(s) ends here; runs are at least {minimum} days"
            out.append(Violation("working days in runs", agent.id, day, message))
    return out


def _weekend_problems(p: Problem, agent: Agent, worked: set[date]) -> list[Violation]:
    """More weekends worked (a shift on the local Saturday or Sunday) than `max_weekends_worked`."""
    limit = p.team.labour_rules_of(agent).max_weekends_worked
    saturdays = [d for d in p.week.days if d.weekday() == 5]
    count = sum(1 for sat in saturdays if sat in worked or sat + timedelta(days=1) in worked)
    if limit is None or count <= limit:
        return []
    return [Violation("weekends", agent.id, None, f"works {count} weekends; at most {limit} allowed")]


def _start_spread_problems(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Regular hours: in a week, local start times further apart than `max_start_spread_minutes`."""
    limit = p.team.shift_rules_of(agent).max_start_spread_minutes
    if limit is None:
        return []
    tz = zone(agent.tz)
    by_week: dict[int, list[int]] = defaultdict(list)
    late = p.part_day_absences(agent.id)  # a start a sick call moved is not a regular hour
    for s in mine:
        if s.local_date in late:
            continue
        local = s.start_utc.astimezone(tz)
        by_week[p.week.week_of(s.local_date)].append(local.hour * 60 + local.minute)
    out = []
    for starts in by_week.values():
        first, spread = _earliest_of_band(starts)
        if spread > limit:
            last = (first + spread) % (24 * 60)
            message = (
                f"starts from {first // 60:02d}:{first % 60:02d} to {last // 60:02d}:{last % 60:02d} in a week, "
                f"{spread} min apart; at most {limit} min allowed"
            )
            out.append(Violation("start times", agent.id, None, message))
    return out


def _earliest_of_band(starts: list[int]) -> tuple[int, int]:
    """The first minute and the length of the shortest stretch of the clock, read forward from it
    (across midnight if need be), that holds every start: 23:30 and 00:30 are 60 minutes apart."""
    day = 24 * 60
    ordered = sorted(set(starts))
    best = (ordered[0], ordered[-1] - ordered[0])
    for k in range(1, len(ordered)):  # start the band at each start after a gap, wrapping round
        spread = ordered[k - 1] + day - ordered[k]
        if spread < best[1]:
            best = (ordered[k], spread)
    return best


def _succession_problems(p: Problem, agent: Agent, timeline: list[Shift]) -> list[Violation]:
    """A shift type followed on the next local day by one it may not be followed by."""
    rules = p.team.shift_rules_of(agent)
    banned = {t.name: set(t.not_followed_by) for t in rules.types}
    by_day = {s.local_date: s for s in timeline}
    out = []
    for s in timeline:
        nxt = by_day.get(s.local_date + timedelta(days=1))
        if nxt is not None and nxt.shift_type in banned.get(s.shift_type, set()):
            message = f"a {nxt.shift_type!r} shift the day after a {s.shift_type!r} shift"
            out.append(Violation("shift succession", agent.id, nxt.local_date, message))
    return out


def _horizon_problems(agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Shifts of each named type, and hours, over the whole horizon."""
    out = []
    for name, limit in agent.max_shifts_by_type:
        count = sum(1 for s in mine if s.shift_type == name)
        if count > limit:
            out.append(
                Violation("shifts by type", agent.id, None, f"{count} {name!r} shifts; at most {limit}")
            )
    hours = sum(s.length.total_seconds() for s in mine) / 3600
    most = agent.max_hours_in_horizon
    if most is not None and hours > most + _EPS_HOURS:
        out.append(
            Violation("hours in horizon", agent.id, None, f"{hours:g} h, above the maximum of {most:g} h")
        )
    if hours < agent.min_hours_in_horizon - _EPS_HOURS:
        message = f"{hours:g} h, below the minimum of {agent.min_hours_in_horizon:g} h"
        out.append(Violation("hours in horizon", agent.id, None, message))
    return out


def _weekly_problems(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Days off, hours and shifts in each week of the horizon (a day just outside it, on the
    agent's clock, counts in the nearest week)."""
    out: list[Violation] = []
    rules = p.team.labour_rules_of(agent)
    for week in range(p.week.n_weeks):
        days = p.week.days_of_week(week)
        label = "" if p.week.n_weeks == 1 else f" in the week of {days[0]}"
        shifts = [s for s in mine if p.week.week_of(s.local_date) == week]
        worked = {s.local_date for s in shifts}
        allowed_days = DAYS_PER_WEEK - rules.min_days_off_per_week
        if len(worked) > allowed_days:
            message = f"works {len(worked)} days{label}; at most {allowed_days} allowed"
            out.append(Violation("days off", agent.id, None, message))
        hours = sum(s.length.total_seconds() for s in shifts) / 3600
        low, high = p.contract_hours(agent, days)  # one definition, with the model's and the report's
        if hours > high + _EPS_HOURS:
            message = f"{hours:g} h{label}, above the maximum of {high:g} h{_less(agent.max_hours_per_week, high, 'paid leave')}"
            out.append(Violation("weekly hours", agent.id, None, message))
        if hours < low - _EPS_HOURS:
            message = f"{hours:g} h{label}, below the minimum of {low:g} h{_less(agent.min_hours_per_week, low, 'time away')}"
            out.append(Violation("weekly hours", agent.id, None, message))
        out.extend(_shift_count_problems(p, agent, len(shifts), days, label))
    return out


def _less(contract: float, allowed: float, why: str) -> str:
    """Where the week's leave or time away moved a weekly limit off the contract's: by how much."""
    if contract - allowed <= _EPS_HOURS:
        return ""
    return f": the contract's {contract:g} h less {contract - allowed:.3g} h for {why} this week"


def _shift_count_problems(
    p: Problem, agent: Agent, count: int, days: tuple[date, ...], label: str
) -> list[Violation]:
    """A week's shifts against a contract in shifts (its minimum less one per day of time off)."""
    out = []
    most = agent.max_shifts_per_week
    if most is not None and count > most:
        out.append(
            Violation("weekly shifts", agent.id, None, f"{count} shifts{label}; at most {most} allowed")
        )
    paid = ("time_off", "absence") if p.team.absence_paid else ("time_off",)
    least = min_shifts_after_time_off(agent, p.entries_of(agent.id), days, paid)
    if count < least:
        out.append(
            Violation("weekly shifts", agent.id, None, f"{count} shifts{label}; at least {least} needed")
        )
    return out


def _same_time(a: Shift, b: Shift) -> bool:
    return a.start_utc == b.start_utc and a.end_utc == b.end_utc


def _pinned_problems(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Every pinned shift is in the roster at its pinned times."""
    return [
        Violation(
            "pinned", agent.id, pin.local_date, f"the pinned shift at {pin.start_utc.isoformat()} is missing"
        )
        for pin in p.pinned
        if pin.agent_id == agent.id and not any(_same_time(pin, s) for s in mine)
    ]


def _locked_problems(p: Problem, agent: Agent, mine: list[Shift]) -> list[Violation]:
    """Re-rostering: shifts before the lock time are exactly the published ones that were worked
    (`Problem.worked`: not one whose start an absence covers)."""
    lock = p.lock_of(agent.id)
    if p.published is None or lock is None:
        return []
    before = [s for s in mine if s.start_utc < lock]
    published = [s for s in p.worked() if s.agent_id == agent.id]
    out = [
        Violation(
            "locked", agent.id, s.local_date, "a published shift that has started was changed or dropped"
        )
        for s in published
        if not any(_same_time(s, m) and s.breaks == m.breaks for m in before)
    ]
    out += [
        Violation(
            "locked",
            agent.id,
            s.local_date,
            "a published shift that has started was put on other queues "
            f"({_stretch_words(m)} instead of {_stretch_words(s)})",
        )
        for s in published
        for m in before
        if _same_time(s, m) and s.breaks == m.breaks and s.stretches() != m.stretches()
    ]
    out += [
        Violation("locked", agent.id, s.local_date, "a new shift starts before the lock time")
        for s in before
        if not any(_same_time(s, x) for x in published)
    ]
    return out


def _cut_short(p: Problem, s: Shift) -> bool:
    """Re-rostering: `s` is a shift worked until a sick call (`Problem.ended_by_sickness`), breaks and
    stretches and all."""
    if p.published is None or not p.is_locked(s.start_utc, s.agent_id):
        return False
    return any(
        _same_time(s, w)
        and s.breaks == w.breaks
        and s.stretches() == w.stretches()
        and p.ended_by_sickness(w)
        for w in p.worked()
        if w.agent_id == s.agent_id
    )


def _worked_as_published(p: Problem, s: Shift) -> bool:
    """Re-rostering: `s` started before the lock time and is the published shift, stretches and all."""
    if p.published is None or not p.is_locked(s.start_utc, s.agent_id):
        return False
    return any(
        _same_time(s, m) and s.breaks == m.breaks and s.stretches() == m.stretches()
        for m in p.published.shifts_of(s.agent_id)
    )


def _stretch_words(shift: Shift) -> str:
    return ", ".join(f"{w.queue} {w.start_utc:%H:%M}–{w.end_utc:%H:%M} UTC" for w in shift.stretches())


def _consecutive_problems(
    agent: Agent, worked: set[date], limit: int, this_week: set[date]
) -> list[Violation]:
    out = []
    for day in sorted(this_week):
        run = 1
        while day - timedelta(days=run) in worked:
            run += 1
        if run > limit:
            out.append(
                Violation("consecutive days", agent.id, day, f"day {run} in a row; at most {limit} allowed")
            )
    return out


def _week_local_days(p: Problem, agent: Agent) -> list[date]:
    """The agent's local dates that the week's span touches."""
    tz = zone(agent.tz)
    first = p.week.grid.start_utc.astimezone(tz).date()
    last = (p.week.grid.end_utc - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _days_off_just_before(
    day: date, worked: set[date], first: date, previous: set[date] | None, enough: int
) -> int | None:
    """The days off in a row right before `day` (up to `enough`), or None when they reach back past
    `first`, the week's first local day, with no last week's roster to say what came before."""
    count = 0
    while count < enough:
        before = day - timedelta(days=count + 1)
        if before < first and previous is None:
            return None
        if before in worked or (previous is not None and before in previous):
            break
        count += 1
    return count


def _short_blocks_of_days_off(
    p: Problem, agent: Agent, worked: set[date], previous: set[date] | None
) -> list[Violation]:
    """Blocks of days off shorter than `min_consecutive_days_off` that a worked day of this week ends
    (a block still open at the end of the week may go on; one of unknown start is not judged)."""
    minimum = p.team.labour_rules_of(agent).min_consecutive_days_off
    first = _week_local_days(p, agent)[0]
    out: list[Violation] = []
    for day in sorted(worked):
        gap = _days_off_just_before(day, worked, first, previous, minimum)
        if gap is not None and 0 < gap < minimum:
            out.append(
                Violation(
                    "days off in blocks",
                    agent.id,
                    day,
                    f"works after {gap} day(s) off in a row; days off come in blocks of at least {minimum}",
                )
            )
    return out


def first_violation_text(violations: list[Violation]) -> str:
    """A short text of the first few violations, for error messages."""
    return "; ".join(str(v) for v in violations[:5])

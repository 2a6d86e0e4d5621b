"""A roster problem: team, week, requirement per queue and interval, availability, weights."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import (
    DAYS_PER_WEEK,
    MINUTES_PER_DAY,
    PlanningWeek,
    local_day_start_utc,
    local_minutes_of_day,
    local_weekdays,
    require_aware,
    wall_to_utc,
    zone,
)
from scheduler.domain import (
    WEEKDAYS,
    Agent,
    AvailabilityEntry,
    QueueSpan,
    QueueSpec,
    Roster,
    Shift,
    ShiftCover,
    ShiftRequest,
    Team,
    Weights,
)
from scheduler.staffing.backlog import deadline_intervals

Span = tuple[datetime, datetime]


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the roster engine needs for one team and one week.

    `required` maps each queue to the agents needed on it in every interval of `week.grid`
    (after shrinkage: agents scheduled, not counting those on a break).
    `previous` is last week's roster, used for rules that cross the week boundary.
    `pinned` are shifts a lead fixed by hand: they are worked exactly as given.
    `published` is this week's roster already in force (re-rostering): its shifts starting
    before `locked_before_utc` have happened and stay as they are, nothing else may start
    before then, and changing a later published shift costs `weights.change_per_shift`.
    `kept_agents` (re-rostering) keep their whole published week as it is, as if it had all
    happened: a repair re-rosters only the agents whose week no longer keeps every rule
    (`scheduler.roster.repair`).
    """

    team: Team
    week: PlanningWeek
    required: Mapping[str, np.ndarray]
    availability: tuple[AvailabilityEntry, ...] = ()
    weights: Weights = field(default_factory=Weights)  # the team's, as a rule (`Team.weights`)
    previous: Roster | None = None
    pinned: tuple[Shift, ...] = ()
    published: Roster | None = None
    locked_before_utc: datetime | None = None
    kept_agents: frozenset[str] = frozenset()
    # forecast contacts and handle time per queue and interval, when known: the report then
    # gives the service level a roster is expected to reach
    volume: Mapping[str, np.ndarray] = field(default_factory=dict)
    aht_s: Mapping[str, np.ndarray] = field(default_factory=dict)
    # async queues: contacts waiting when the week starts, by the interval at whose end they fall
    # due (`carried_in_from`: from the arrivals before the week)
    carried_in: Mapping[str, np.ndarray] = field(default_factory=dict)
    # requirements by named shift type and day, beside (or instead of) those per interval
    shift_cover: tuple[ShiftCover, ...] = ()
    # agents' weighted wishes to work, or not, a shift type on a day
    shift_requests: tuple[ShiftRequest, ...] = ()
    # re-rostering: an absent agent (a sick call this week) may be given a day the published roster
    # has them off (by default not: their lost hours are not moved onto their days off)
    absent_may_work_days_off: bool = False

    def __post_init__(self) -> None:
        n = self.week.grid.n_intervals
        queue_names = {q.name for q in self.team.queues}
        for queue, values in self.required.items():
            if queue not in queue_names:
                raise InvalidInput(f"requirement for unknown queue {queue!r}")
            if values.shape != (n,):
                raise InvalidInput(
                    f"requirement of {queue!r} has {values.shape} values, the week has {n} intervals"
                )
            if np.any(values < 0) or not np.all(np.isfinite(values)):
                raise InvalidInput(f"requirement of {queue!r} must be finite and >= 0")
        known = {a.id for a in self.team.agents}
        unknown = sorted({e.agent_id for e in self.availability} - known)
        if unknown:
            raise InvalidInput(f"availability names agents not in the team: {', '.join(unknown)}")
        strangers = sorted({s.agent_id for s in self.pinned} - known)
        if strangers:
            raise InvalidInput(f"pinned shifts name agents not in the team: {', '.join(strangers)}")
        if self.locked_before_utc is not None:
            require_aware(self.locked_before_utc, "locked_before_utc")
            if self.published is None:
                raise InvalidInput("a lock time needs the published roster it keeps")
        if self.kept_agents and self.published is None:
            raise InvalidInput("agents kept as published need the published roster")
        self._check_by_shift_type()

    def _check_by_shift_type(self) -> None:
        """Cover and requests name shift types the agents have, on days of the horizon."""
        days = set(self.week.days)
        types = {t.name for a in self.team.agents for t in self.team.shift_rules_of(a).types}
        for c in self.shift_cover:
            if c.shift_type not in types:
                raise InvalidInput(f"cover names shift type {c.shift_type!r}, which no agent has")
            if c.day not in days:
                raise InvalidInput(f"cover of {c.shift_type!r} on {c.day}, outside the horizon")
        strangers = sorted({r.agent_id for r in self.shift_requests} - {a.id for a in self.team.agents})
        if strangers:
            raise InvalidInput(f"shift requests name agents not in the team: {', '.join(strangers)}")
        for r in self.shift_requests:
            own = {t.name for t in self.team.shift_rules_of(self.team.agent(r.agent_id)).types}
            if r.shift_type not in own:
                raise InvalidInput(
                    f"a request of {r.agent_id!r} names shift type {r.shift_type!r}, not one of theirs"
                )

    def for_agent(self, agent: Agent, required: Mapping[str, np.ndarray]) -> Problem:
        """The same week for a team of just `agent`, against `required` (cover by shift type is the
        team's, so it is left out; the agent's own shift requests stay)."""
        return Problem(
            replace(self.team, agents=(agent,)),
            self.week,
            required,
            self.entries_of(agent.id),
            self.weights,
            self.previous,
            tuple(s for s in self.pinned if s.agent_id == agent.id),
            self.published,
            self.locked_before_utc,
            kept_agents=self.kept_agents & {agent.id},
            shift_requests=tuple(r for r in self.shift_requests if r.agent_id == agent.id),
            absent_may_work_days_off=self.absent_may_work_days_off,
        )

    def lead_out_intervals(self) -> int:
        """Intervals past the week's end that a shift of the week may run into: the longest shift an
        agent may work (the hours of a Sunday night shift after midnight are next week's)."""
        longest_minutes = max(
            (
                max([*(round(h * 60) for h in rules.lengths_hours), *(t.length_minutes for t in rules.types)])
                for rules in (self.team.shift_rules_of(a) for a in self.team.agents)
            ),
            default=0,
        )
        return math.ceil(longest_minutes / self.week.grid.interval_minutes)

    def aht_of(self, queue: QueueSpec) -> np.ndarray:
        """Handle time per interval of a queue: the forecast's where it is a positive number,
        else the queue's own `aht_s`."""
        volume = np.asarray(self.volume[queue.name], dtype=float)
        aht = np.asarray(self.aht_s.get(queue.name, np.full(volume.shape, queue.aht_s)), dtype=float)
        return np.where(np.isfinite(aht) & (aht > 0), aht, queue.aht_s)

    def lock_of(self, agent_id: str) -> datetime | None:
        """Re-rostering: the instant before which the agent's published shifts stay as they are and
        no other may start: the week's end for a kept agent (`kept_agents`), else the lock time."""
        if agent_id in self.kept_agents:
            return self.week.grid.end_utc
        return self.locked_before_utc

    @property
    def has_lock(self) -> bool:
        """Whether any agent's published shifts are kept as they are (a lock time or kept agents)."""
        return self.locked_before_utc is not None or bool(self.kept_agents)

    def is_locked(self, start_utc: datetime, agent_id: str) -> bool:
        """Whether the agent's shift starting at `start_utc` lies in the part of the week that has
        happened (for a kept agent, the whole week: `lock_of`)."""
        lock = self.lock_of(agent_id)
        return lock is not None and start_utc < lock

    def worked(self) -> tuple[Shift, ...]:
        """Re-rostering: the published shifts that have happened (started before the lock time), as
        they were worked (`as_worked`): cut where a sick call began during one, and without one whose
        start a sick call covers."""
        return self._worked

    @functools.cached_property
    def _worked(self) -> tuple[Shift, ...]:  # asked by every agent's hours: made once
        if self.published is None or not self.has_lock:
            return ()
        started = (s for s in self.published.shifts if self.is_locked(s.start_utc, s.agent_id))
        return tuple(w for s in started if (w := self.as_worked(s)) is not None)

    def as_worked(self, s: Shift) -> Shift | None:
        """A published shift as worked, given the sick calls of its agent (`sick_from`): as published
        when none touches it; cut at the start of the grid interval in which the first one begins, when
        that is after the shift's start (sent home ill at noon: the shift ends at noon, with its breaks
        and queue stretches before then); None, not worked, when one covers its start (the agent never
        came in, though the lead re-rosters after the shift began)."""
        end = self.sick_from(s)
        if end is None or end >= s.end_utc:
            return s
        return cut_shift(s, end) if end > s.start_utc else None

    def sick_from(self, s: Shift) -> datetime | None:
        """The start of the grid interval in which the first sick call touching shift `s` begins (not
        before its start), if one does. A sick call is an absence row of the shift's local day, or of
        the next day from a time of day (sent home at 02:00 from a night shift: a whole day's row for
        the next day is that day's own); it touches the shift when it begins before the interval after
        the shift's end (sent home at 13:07 from a shift already ended at 13:00) and ends after the
        shift's start."""
        agent = next((a for a in self.team.agents if a.id == s.agent_id), None)
        if agent is None:  # no longer in the team: no availability either
            return None
        grid = self.week.grid
        step = timedelta(seconds=grid.interval_s)
        rows = rows_of_shift_day(self.entries_of(agent.id), s.local_date)
        spans = [entry_span_utc(e, d, agent.tz) for e, d in rows if e.kind == "absence"]
        starts = [start for start, end in spans if start < s.end_utc + step and s.start_utc < end]
        if not starts:
            return None
        steps = math.floor((max(s.start_utc, min(starts)) - grid.start_utc) / step)
        return grid.start_utc + steps * step

    def ended_by_sickness(self, w: Shift) -> bool:
        """Whether worked shift `w` ended where a sick call began (`sick_from`): cut short by one now,
        or in the roster in force when an earlier re-roster cut it."""
        return self.sick_from(w) == w.end_utc

    def worked_hours(self, agent_id: str) -> dict[date, float]:
        """Re-rostering: the hours of the agent's shifts already worked (`worked`), by local day."""
        out: dict[date, float] = {}
        for w in self.worked():
            if w.agent_id == agent_id:
                out[w.local_date] = out.get(w.local_date, 0.0) + w.hours
        return out

    def sent_home_days(self, agent_id: str) -> set[date]:
        """Re-rostering: the local days of the agent's shifts worked until a sick call (`ended_by_sickness`)."""
        return {w.local_date for w in self.worked() if w.agent_id == agent_id and self.ended_by_sickness(w)}

    def entries_of(self, agent_id: str) -> tuple[AvailabilityEntry, ...]:
        """The availability rows of one agent."""
        return tuple(e for e in self.availability if e.agent_id == agent_id)

    def paid_leave(self) -> tuple[str, ...]:
        """The kinds of leave that count as paid hours against the contract."""
        return ("time_off", "absence") if self.team.absence_paid else TIME_OFF

    def week_hours(self, agent: Agent, week: int) -> tuple[float, float]:
        """The agent's least and most hours to work in week `week` of the horizon
        (`contract_hours` of its days)."""
        return self.contract_hours(agent, self.week.days_of_week(week))

    def contract_hours(self, agent: Agent, days: tuple[date, ...]) -> tuple[float, float]:
        """The agent's least and most hours over `days` (a week of the horizon): the contract's
        less the time off (from the least, a working day's share of it a day) and, when absence is
        paid, less the absence (from both, a working day's share of the most a day: a sick day
        counts as a day worked, but only a day they would have worked: when re-rostering, not a
        published day off; with no published roster, at most as many days as the contract works).
        Leave of part of a day (in late, an hour away) lowers only the least hours, unless it ended
        a shift already worked: a whole shift may still be worked around it.
        The one definition the model, the checker and the report use."""
        off = self.team.labour_rules_of(agent).min_days_off_per_week
        entries = self.entries_of(agent.id)
        counted = self.leave_days(days)
        low = min_hours_after_time_off(agent, off, entries, days, counted=counted)
        high = agent.max_hours_per_week
        would_work = self.published_days(agent.id)
        worked = SickDays(self.worked_hours(agent.id), self.sent_home_days(agent.id))
        if self.team.absence_paid:
            absent = high - max_hours_after_leave(
                agent, off, entries, days, would_work, ("absence",), worked, counted
            )
            low = max(0.0, low - absent)
        paid = self.leave_paid_from_most()
        if paid:
            high = max_hours_after_leave(
                agent, off, entries, days, would_work, paid, worked, counted, whole_days_only=True
            )
        return low, max(low, high)

    def leave_days(self, days: tuple[date, ...]) -> frozenset[date]:
        """The days of `days` a day of time off counts on (`Team.leave_weekdays`)."""
        return frozenset(d for d in days if WEEKDAYS[d.weekday()] in self.team.leave_weekdays)

    def leave_paid_from_most(self) -> tuple[str, ...]:
        """The kinds of leave whose hours count against the week's most hours: an absence when it is
        paid (`Team.absence_paid`), time off when the team says so (`Team.time_off_paid`)."""
        return ("absence",) * self.team.absence_paid + TIME_OFF * self.team.time_off_paid

    def published_days(self, agent_id: str) -> set[date] | None:
        """Re-rostering: the local days the published roster has the agent at work or off sick (None
        when there is no published roster)."""
        if self.published is None:
            return None
        sick = {day for agent, day in self.published.absent if agent == agent_id}
        return {s.local_date for s in self.published.shifts_of(agent_id)} | sick

    def week_min_shifts(self, agent: Agent, week: int) -> int:
        """The agent's least shifts in week `week` of the horizon, less a shift a day of paid leave."""
        return min_shifts_after_time_off(
            agent, self.entries_of(agent.id), self.week.days_of_week(week), self.paid_leave()
        )

    def absent_days(self, agent_id: str) -> set[date]:
        """The local days the agent is absent (a sick call) in the horizon."""
        return {d for _, d in absent_agent_days(self.entries_of(agent_id), self.week.days)}

    def part_day_absences(self, agent_id: str) -> set[date]:
        """The agent's local days with an absence of part of the day (in late, away and back, sent
        home): a shift's start those days is the sick call's doing, so the regular-hours band of
        start times (`ShiftRules.max_start_spread_minutes`) leaves it out."""
        return {
            d
            for e in self.entries_of(agent_id)
            if e.kind == "absence" and (e.start_minute > 0 or e.end_minute < MINUTES_PER_DAY)
            for d in self.week.days
            if e.applies_to(d)
        }

    def kept_days_off(self, agent_id: str) -> set[date]:
        """Re-rostering: the published roster's days off of an absent agent, which they keep (none
        when not re-rostering, when the agent is not absent, or when the lead lets them work)."""
        worked = self.published_days(agent_id)
        if worked is None or self.absent_may_work_days_off or not self.absent_days(agent_id):
            return set()
        return {d for d in self.week.days if d not in worked}


def absent_agent_days(entries: Iterable[AvailabilityEntry], days: Iterable[date]) -> set[tuple[str, date]]:
    """The (agent, local day) pairs among `days` that an absence (a sick call) of `entries` covers."""
    wanted = tuple(days)
    return {(e.agent_id, d) for e in entries if e.kind == "absence" for d in wanted if e.applies_to(d)}


@dataclass(frozen=True)
class SickDays:
    """Re-rostering, for the pay of sick days: the hours already worked by local day, and the days of
    shifts a sick call ended (`Problem.sent_home_days`)."""

    hours: Mapping[date, float]
    sent_home: set[date]


def cut_shift(s: Shift, end_utc: datetime) -> Shift:
    """`s` ended at `end_utc`: the breaks over by then, its queue stretches up to then, and its queue
    the one of most of what is left."""
    spans = [
        QueueSpan(w.queue, w.start_utc, min(w.end_utc, end_utc))
        for w in s.queue_spans()
        if w.start_utc < end_utc
    ]
    seconds: dict[str, float] = {}
    for w in spans:
        seconds[w.queue] = seconds.get(w.queue, 0.0) + (w.end_utc - w.start_utc).total_seconds()
    return replace(
        s,
        end_utc=end_utc,
        queue=max(sorted(seconds), key=lambda q: seconds[q]) if seconds else s.queue,
        breaks=tuple(b for b in s.breaks if b.end_utc <= end_utc),
        work=tuple(spans) if s.work else (),
    )


def rows_of_shift_day(
    entries: Iterable[AvailabilityEntry], day: date
) -> list[tuple[AvailabilityEntry, date]]:
    """The availability rows that may end a shift of local `day`, each with the day it applies on: the
    rows of that day, and those of the next day from a time of day (sent home at 02:00 from a night
    shift; a whole day's row for the next day is that day's own)."""
    after, rows = day + timedelta(days=1), tuple(entries)
    out = [(e, day) for e in rows if e.applies_to(day)]
    return out + [(e, after) for e in rows if e.start_minute > 0 and e.applies_to(after)]


SkillGroup = frozenset[str]


def skill_group(p: Problem, agent: Agent) -> SkillGroup:
    """The team queues an agent may work."""
    names = {q.name for q in p.team.queues}
    return frozenset(s for s in agent.skills if s in names)


TIME_OFF = ("time_off",)
BLOCKING_KINDS = ("unavailable", "time_off", "absence")  # no shift may touch them
LEAVE_WORDS = {
    "absence": "an absence",
    "time_off": "time off",
    "unavailable": "unavailable hours",
}  # a lead's


def time_off_hours(
    entries: tuple[AvailabilityEntry, ...], day: date, kinds: tuple[str, ...] = TIME_OFF
) -> float:
    """Hours of leave of `kinds` the rows grant on local `day`."""
    minutes = sum(e.end_minute - e.start_minute for e in entries if e.kind in kinds and e.applies_to(day))
    return min(minutes, MINUTES_PER_DAY) / 60


def week_share(days: tuple[date, ...]) -> float:
    """How much of a week `days` are: 1 for a whole week, less for a short last week of a horizon."""
    return min(len(days), DAYS_PER_WEEK) / DAYS_PER_WEEK


def min_hours_after_time_off(
    agent: Agent,
    min_days_off: int,
    entries: tuple[AvailabilityEntry, ...],
    days: tuple[date, ...],
    kinds: tuple[str, ...] = TIME_OFF,
    counted: frozenset[date] | None = None,
) -> float:
    """The agent's weekly minimum hours over `days` (a week, or the short last week of a horizon,
    whose minimum is the week's share of it), less the time off taken in them.

    Each local day of time off is credited with at most one working day's share of the minimum:
    `min_hours_per_week` over the days the agent works, which are the week's days less its days
    off, and fewer when `unavailable` rows take whole days (a part-timer available Monday,
    Wednesday and Friday works 3 days, so a day of leave is a third of their minimum, not a fifth).
    So a week's leave does not push hours into the other days, and a day's leave leaves a minimum
    the other days can hold. With `counted`, time off counts only on those days (HR's working days:
    the weekend of a week off is days off, not leave).
    """
    unavailable = sum(1 for d in days if _unavailable_all_day(entries, d))
    working_days = max(1, min(DAYS_PER_WEEK - min_days_off, DAYS_PER_WEEK - unavailable))
    daily_share = agent.min_hours_per_week / working_days
    credit = sum(
        min(time_off_hours(entries, d, kinds), daily_share) for d in days if counted is None or d in counted
    )
    return max(0.0, agent.min_hours_per_week * week_share(days) - credit)


def _unavailable_all_day(entries: tuple[AvailabilityEntry, ...], day: date) -> bool:
    """Whether an `unavailable` row takes the whole local `day` (no shift may start on it)."""
    return any(
        e.kind == "unavailable"
        and e.applies_to(day)
        and e.start_minute == 0
        and e.end_minute == MINUTES_PER_DAY
        for e in entries
    )


def max_hours_after_leave(
    agent: Agent,
    min_days_off: int,
    entries: tuple[AvailabilityEntry, ...],
    days: tuple[date, ...],
    would_work: set[date] | None = None,
    kinds: tuple[str, ...] = ("absence",),
    worked: SickDays | None = None,
    counted: frozenset[date] | None = None,
    whole_days_only: bool = False,
) -> float:
    """The agent's weekly maximum hours over `days` less their paid leave of `kinds` in them (an
    absence, and time off where the team pays it): hours paid while away are hours of the
    contract, but only for a day the agent would have worked.

    With `whole_days_only` (the week's most hours), leave of part of a day counts only where it
    ended a shift already worked (sent home ill): in late, or an hour away, the agent may still work
    a whole shift that day around it, so the most hours stay; the least hours are lowered by it.

    Each local day of leave counts at most one working day's share of the maximum. With
    `would_work` (re-rostering: the days the published roster has them at work) an absence counts
    only on those days: a sick call on a day off costs no hours. Time off was known when the
    published roster was made (its days are not at work there because of it), so it counts on any
    day, as when the week was first rostered. Without `would_work` the days off are not yet chosen,
    so the days away are taken as working days, but at most as many as the week has
    (`7 - min_days_off`): a week of absence is a week's pay, not more. With `worked` (re-rostering)
    a day of absence pays at most a working day's share less the hours worked on it, and a day whose
    shift a sick call ended (sent home ill) pays exactly that, whatever the row's length: four hours
    into an 8-hour day, the absence pays the other four, in the first re-roster and every later one.
    With `counted`, time off counts only on those days (an absence on any day it is counted above).
    """
    working_days = max(1, DAYS_PER_WEEK - min_days_off)
    daily_share = agent.max_hours_per_week / working_days

    def credit(day: date) -> float:
        on_day = tuple(
            k
            for k in kinds
            if (k != "absence" or would_work is None or day in would_work)
            and (k == "absence" or counted is None or day in counted)
        )
        leave = time_off_hours(entries, day, on_day)
        sent_home = worked is not None and day in worked.sent_home and "absence" in on_day
        if whole_days_only and leave * 60 < MINUTES_PER_DAY and not sent_home:
            return 0.0
        if worked is None or "absence" not in on_day:
            return min(leave, daily_share)
        rest = max(0.0, daily_share - worked.hours.get(day, 0.0))  # a sick day less the hours worked on it
        if day in worked.sent_home:  # a shift ended by a sick call: the rest of a working day
            return rest
        sick = time_off_hours(entries, day, ("absence",)) > 0
        return min(leave, rest if sick else daily_share)

    credits = sorted((credit(d) for d in days), reverse=True)
    return max(0.0, agent.max_hours_per_week - sum(credits[:working_days]))


def min_shifts_after_time_off(
    agent: Agent,
    entries: tuple[AvailabilityEntry, ...],
    days: tuple[date, ...],
    kinds: tuple[str, ...] = TIME_OFF,
) -> int:
    """The agent's weekly minimum of shifts over `days` (a short last week's share of it, rounded
    down), less one for each local day with leave of `kinds` in them."""
    credit = sum(1 for d in days if time_off_hours(entries, d, kinds) > 0)
    return max(0, math.floor(agent.min_shifts_per_week * week_share(days) + 1e-9) - credit)


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def planning_week(team: Team, first_day: date, n_days: int = DAYS_PER_WEEK) -> PlanningWeek:
    """The team's planning week (or horizon) from `first_day`, which must be the team's week start.

    Raises:
        InvalidInput: `first_day` is outside the years a horizon may start in (`PlanningWeek`), or is
            another weekday; the message names the days to use.
    """
    # the week's own checks first (its years): the days the message below names then exist
    week = PlanningWeek(first_day, team.tz, team.interval_minutes, n_days)
    start = WEEKDAYS.index(team.week_start)
    if first_day.weekday() != start:
        before = first_day - timedelta(days=(first_day.weekday() - start) % DAYS_PER_WEEK)
        after = before + timedelta(days=DAYS_PER_WEEK)
        raise InvalidInput(
            f"{first_day} is a {WEEKDAY_NAMES[first_day.weekday()]}; team {team.name!r} plans weeks from "
            f"{WEEKDAY_NAMES[start]}: use {before} or {after} (or set the team's week_start)"
        )
    return week


def _check_same_week(frame: pd.DataFrame, team: Team, week: PlanningWeek) -> None:
    """Requirements (their rows not marked `lead_in`) that belong to another week are refused,
    naming the days they cover and the week to plan instead (`_what_to_plan`): those that begin
    after the week's first local day and run past its last, and those that begin before it and end
    before its last day (a Saturday-to-Friday file for a Monday week would plan the weekend with
    nobody needed and count the Saturday and Sunday before as contacts carried in).

    Rows before the week are fine when the file runs to the week's last day (a longer forecast, or
    the `lead_in` rows of `wfm requirements --history`): their async contacts are carried into it
    (`carried_in_from`). A file that begins on the week's first day and ends early (a team closed at
    weekends gives Monday to Friday) is accepted: refusing it would refuse those teams' weeks; the
    lead's report names the days with no need instead (`RosterSummary.days_without_need`).
    """
    begins, ends = _local_span(frame, team)
    first, last = week.first_day, week.days[-1]
    if _plans(begins, ends, first, last):
        return
    if begins > first:
        raise InvalidInput(
            f"the requirements begin on {_day(begins)} and run to {ends}, not on the week's first day "
            f"{_day(first)}: {_what_to_plan(team, week, begins, ends)}"
        )
    missing = ", ".join(_day(d) for d in week.days if d > ends)
    raise InvalidInput(
        f"the requirements cover {_day(begins)} .. {_day(ends)}, not the week {_day(first)} .. {_day(last)}:"
        f" nothing on {missing}, and the days before the week would be counted as contacts carried in; "
        f"{_what_to_plan(team, week, begins, ends)}"
    )


def _day(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day}"


def _local_span(frame: pd.DataFrame, team: Team) -> tuple[date, date]:
    """The first and last local day of the requirements' own rows (all rows when every one is a
    `lead_in` row)."""
    rows = frame["ds"]
    if "lead_in" in frame.columns:  # rows that only carry contacts in do not say where the file begins
        own = ~frame["lead_in"].astype(bool).to_numpy()
        rows = rows[own] if own.any() else rows
    local = pd.to_datetime(rows, utc=True).dt.tz_convert(team.tz)
    return local.min().date(), local.max().date()


def _plans(begins: date, ends: date, first: date, last: date) -> bool:
    """Whether requirements of the local days `begins` .. `ends` may plan the week `first` .. `last`:
    they meet it, and neither begin after its first day and run past its last, nor begin before it
    and end before its last day."""
    meets = begins <= last and ends >= first
    return meets and not (begins > first and ends > last) and not (begins < first and ends < last)


def _what_to_plan(team: Team, week: PlanningWeek, begins: date, ends: date) -> str:
    """What to do with requirements of the local days `begins` .. `ends` that cannot plan `week`: the
    team's weeks they can plan, or, when their days do not line up with the team's weeks (a Monday
    to Sunday file for a team whose weeks start on Sunday), how to make them line up."""
    start = WEEKDAYS.index(team.week_start)
    n_days = len(week.days)
    first = begins - timedelta(days=(begins.weekday() - start) % DAYS_PER_WEEK)
    weeks = []
    while first <= ends:
        if _plans(begins, ends, first, first + timedelta(days=n_days - 1)):
            weeks.append(first)
        first += timedelta(days=DAYS_PER_WEEK)
    if weeks:
        return f"plan the week of {' or '.join(str(d) for d in weeks[:3])}" + (
            " or a later one" if weeks[3:] else ""
        )
    return (
        f"they start on a {WEEKDAY_NAMES[begins.weekday()]} and team {team.name!r} plans weeks from "
        f"{WEEKDAY_NAMES[start]}, so none of the team's weeks fits them: set the team's week_start to "
        f"{WEEKDAYS[begins.weekday()]} and plan the week of {begins}, or make requirements for "
        f"{_day(week.first_day)} .. {_day(week.days[-1])}"
    )


def requirements_to_arrays(
    frame: pd.DataFrame, team: Team, week: PlanningWeek, column: str | None = None
) -> dict[str, np.ndarray]:
    """The requirement of each team queue on the week's grid, from a requirements-contract frame:
    `column`, by default the fractional need after shrinkage (`scheduled_needed_fractional`; the
    whole agents of `scheduled_needed` in a file without it).

    Rows before the week carry contacts in (`carried_in_from`), rows after it are ignored, and
    intervals without a row need nobody; rows of another week are refused (`_check_same_week`).

    Raises:
        InvalidInput: unknown queues, times off the grid, no row inside the week, or rows of
            another week.
    """
    grid = week.grid
    names = {q.name for q in team.queues}
    unknown = sorted(set(frame["queue"]) - names)
    if unknown:
        raise InvalidInput(f"requirements name queues the team does not have: {', '.join(unknown)}")
    offset_s = (frame["ds"] - pd.Timestamp(grid.start_utc)).dt.total_seconds().to_numpy()
    index = offset_s / grid.interval_s
    inside = (index >= 0) & (index < grid.n_intervals)
    lead_in = (
        frame["lead_in"].astype(bool).to_numpy() if "lead_in" in frame.columns else np.zeros(len(frame), bool)
    )
    if not (inside & ~lead_in).any():
        begins, ends = _local_span(frame, team)
        raise InvalidInput(
            f"no requirement falls in the week {week.first_day} .. {week.days[-1]} ({week.tz}); the requirements "
            f"cover {_day(begins)} .. {_day(ends)}: {_what_to_plan(team, week, begins, ends)}"
        )
    _check_same_week(frame, team, week)
    if np.any(np.abs(index[inside] - np.round(index[inside])) > 1e-9):
        raise InvalidInput(f"requirement times are not on the week's {grid.interval_minutes}-minute grid")
    if column is None:
        column = (
            "scheduled_needed_fractional" if "scheduled_needed_fractional" in frame else "scheduled_needed"
        )
    out = {q.name: np.zeros(grid.n_intervals) for q in team.queues}
    rows = frame.loc[inside]
    positions = np.round(index[inside]).astype(int)
    for queue, values in out.items():
        mask = (rows["queue"] == queue).to_numpy()
        values[positions[mask]] = rows[column].to_numpy(dtype=float)[mask]
    return out


def carried_in_from(frame: pd.DataFrame, team: Team, week: PlanningWeek) -> dict[str, np.ndarray]:
    """The contacts waiting when the week starts on each async queue, by the interval at whose end
    they fall due: the requirements rows before the week (their `volume`) whose deadline falls in
    it, as the requirement model counts them (worked as late as their target allows, so all of
    them are still waiting when the week starts; `service_level` of a cohort falls due at its
    deadline, the rest one interval later).
    """
    grid = week.grid
    out: dict[str, np.ndarray] = {}
    offset = ((frame["ds"] - pd.Timestamp(grid.start_utc)).dt.total_seconds() / grid.interval_s).to_numpy()
    for spec in team.queues:
        if spec.is_live:
            continue
        d = deadline_intervals(spec.response_hours, grid.interval_s)
        mask = (frame["queue"] == spec.name).to_numpy() & (offset < 0) & (offset >= -d)
        carried = np.zeros(grid.n_intervals)
        for u, contacts in zip(
            np.round(offset[mask]).astype(int), frame["volume"].to_numpy(float)[mask], strict=True
        ):
            for due, share in ((u + d - 1, spec.service_level), (u + d, 1.0 - spec.service_level)):
                if 0 <= due < grid.n_intervals:
                    carried[due] += share * contacts
                elif due >= grid.n_intervals:
                    carried[-1] += share * contacts
        if carried.any():
            out[spec.name] = carried
    return out


# Night time, on the agent's clock, and the hours of it that make a shift a night shift: the EU
# Working Time Directive (2003/88/EC, art. 2) has night time span at least seven hours including
# midnight to 05:00, and a night worker work at least three hours of their day in it.
NIGHT_FROM_MINUTE = 23 * 60
NIGHT_UNTIL_MINUTE = 6 * 60
NIGHT_SHIFT_MIN_MINUTES = 3 * 60


def closed_to_zero(by_queue: dict[str, np.ndarray], team: Team, week: PlanningWeek) -> dict[str, np.ndarray]:
    """Per-interval figures of the team's queues (need, volume) with each live queue's closed hours and
    days (`QueueSpec.open_hours`, `open_days`, on the team's clock) at zero: nothing is needed or
    expected there."""
    if all(team.queue(name).always_open for name in by_queue):
        return by_queue
    return {
        name: np.where(open_intervals(team, week, name), values, 0.0) for name, values in by_queue.items()
    }


def open_intervals(team: Team, week: PlanningWeek, queue: str) -> np.ndarray:
    """Whether queue `queue` takes contacts in each interval of the week (on the team's clock)."""
    spec = team.queue(queue)
    if spec.always_open:
        return np.ones(week.grid.n_intervals, dtype=bool)
    starts = week.grid.starts()
    return np.asarray(spec.open_at(local_minutes_of_day(starts, team.tz), local_weekdays(starts, team.tz)))


def problem_from_requirements(
    team: Team,
    week: PlanningWeek,
    frame: pd.DataFrame,
    availability: tuple[AvailabilityEntry, ...] = (),
    source: str | None = None,
) -> Problem:
    """The roster problem of a requirements-contract frame: the fractional need, the forecast volume
    and handle time where the frame has them (the service-level objective and report need them),
    the async contacts its lead-in rows carry into the week, and the team's weights. Callers add the
    rest (last week, the published roster, pins) with `dataclasses.replace`.

    Args:
        source: what the frame's errors name it (its file), e.g. "req_w1.csv".

    Raises:
        InvalidInput: the frame does not fit the team or the week (`requirements_to_arrays`).
    """

    def column(name: str) -> dict[str, np.ndarray]:
        return requirements_to_arrays(frame, team, week, name) if name in frame.columns else {}

    try:
        need = requirements_to_arrays(frame, team, week)
        volume, aht_s = column("volume"), column("aht_s")
    except InvalidInput as exc:
        if source is None:
            raise
        raise exc.located(source) from exc
    need, volume = closed_to_zero(need, team, week), closed_to_zero(volume, team, week)
    return Problem(
        team,
        week,
        need,
        availability,
        weights=team.weights,
        volume=volume,
        aht_s=aht_s,
        carried_in=carried_in_from(frame, team, week) if "volume" in frame.columns else {},
    )


@functools.lru_cache(maxsize=65536)
def night_minutes(agent_tz: str, start_utc: datetime, end_utc: datetime) -> float:
    """Elapsed minutes of [start_utc, end_utc) in night time on the agent's clock (DST-aware;
    remembered: every model of the team asks it of the same shifts)."""
    tz = zone(agent_tz)
    first = start_utc.astimezone(tz).date() - timedelta(days=1)
    total = 0.0
    for k in range((end_utc.astimezone(tz).date() - first).days + 1):
        evening, morning = first + timedelta(days=k), first + timedelta(days=k + 1)
        night_start = wall_to_utc(evening, NIGHT_FROM_MINUTE, tz)
        night_end = wall_to_utc(morning, NIGHT_UNTIL_MINUTE, tz)
        if night_start is None or night_end is None:  # pragma: no cover - no zone skips these hours
            continue
        overlap = min(end_utc, night_end) - max(start_utc, night_start)
        total += max(0.0, overlap.total_seconds() / 60)
    return total


def is_night(p: Problem, agent_id: str, start_utc: datetime, end_utc: datetime) -> bool:
    """A night shift: at least `NIGHT_SHIFT_MIN_MINUTES` of it in night time on the agent's clock."""
    return night_minutes(p.team.agent(agent_id).tz, start_utc, end_utc) >= NIGHT_SHIFT_MIN_MINUTES


def is_late(p: Problem, agent_id: str, local_date: date, end_utc: datetime) -> bool:
    """A late shift: it ends after `weights.late_shift_ends_after_minute` on the agent's clock,
    or on a later local day."""
    local_end = end_utc.astimezone(zone(p.team.agent(agent_id).tz))
    minute = local_end.hour * 60 + local_end.minute
    return local_end.date() > local_date or minute > p.weights.late_shift_ends_after_minute


def entry_span_utc(entry: AvailabilityEntry, day: date, agent_tz: str) -> Span:
    """The UTC span of an availability row on local `day`.

    A bound that falls in a DST gap moves to the first wall time that exists after it.
    """
    tz = zone(agent_tz)

    def instant(minute: int) -> datetime:
        for later in range(minute, minute + 24 * 60):
            exact = wall_to_utc(day, later, tz)
            if exact is not None:
                return exact
        raise AssertionError("no zone skips a whole day of wall time")  # pragma: no cover

    end = (
        local_day_start_utc(day + timedelta(days=1), tz)
        if entry.end_minute >= 1440
        else instant(entry.end_minute)
    )
    return instant(entry.start_minute), end

"""Domain types of a team: queues, agents, shift and labour rules, availability, roster.

Small frozen dataclasses with checks in `__post_init__`; pydantic schemas live at the edge
(`api/`) and convert into these. Times of day are minutes since local midnight
(`start_minute`, 0..1440) so that "24:00" can close a day.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Literal, cast, get_args

import numpy as np

from common.defaults import INTERVAL_MINUTES, ROSTER_SHRINKAGE
from common.errors import InvalidInput
from common.timegrid import (
    DAYS_PER_WEEK,
    FIRST_YEAR,
    HOURS_PER_WEEK,
    LAST_YEAR,
    MAX_DAYS,
    MINUTES_PER_DAY,
    check_interval_minutes,
    zone,
)
from common.words import a_or_an

Channel = Literal["voice", "chat", "email", "social"]
CHANNELS: tuple[str, ...] = get_args(Channel)
LIVE_CHANNELS: tuple[str, ...] = ("voice", "chat")
AvailabilityKind = Literal["available", "unavailable", "preferred", "avoid", "time_off", "absence"]
AVAILABILITY_KINDS: tuple[str, ...] = get_args(AvailabilityKind)
BreakKind = Literal["break", "lunch"]
MAX_SHIFT_HOURS = 16
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)


def _check(ok: bool, reason: str) -> None:
    if not ok:
        raise InvalidInput(reason)


def _check_share(value: float, what: str, *, allow_zero: bool = True, allow_one: bool = False) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    high_ok = value <= 1 if allow_one else value < 1
    _check(low_ok and high_ok, f"{what} must be a share between 0 and 1, got {value}")


@dataclass(frozen=True)
class QueueSpec:
    """One queue: its channel and its service target.

    Live queues (voice, chat) answer `service_level` of contacts within `target_answer_s`;
    async queues (email, social) answer `service_level` of contacts within `response_hours`.
    """

    name: str
    channel: Channel
    service_level: float = 0.8
    target_answer_s: float = 60.0
    response_hours: float = 24.0
    concurrency: int = 1
    patience_s: float | None = None
    max_occupancy: float = 0.85
    aht_s: float = 300.0
    shrinkage: float | None = None
    # live queues: agents the lead wants on the queue whenever its contacts are forecast (1 keeps a
    # phone line open however few its calls); each agent-hour below it costs
    # `Weights.below_min_agents_hour`
    min_agents: int = 0
    # live queues: points for a contact not answered within target here (None: the team's
    # `Weights.missed_contact`); a phone line whose calls matter more than chats gets more
    missed_contact: int | None = None
    # live queues: the hours the queue takes contacts, minutes of the day on the team's clock
    # [opens, closes) (None: round the clock); outside them nothing is forecast, needed or reported
    open_minutes: tuple[int, int] | None = None
    # live queues: the local days it takes contacts on the team's clock (None: every day); a phone line
    # open on weekdays only is ("mon", "tue", "wed", "thu", "fri")
    open_days: tuple[Weekday, ...] | None = None

    def __post_init__(self) -> None:
        _check(bool(self.name.strip()), "a queue needs a name")
        _check(self.channel in CHANNELS, f"queue {self.name!r}: channel must be one of {CHANNELS}")
        _check_share(self.service_level, f"queue {self.name!r}: service_level", allow_zero=False)
        _check_share(
            self.max_occupancy, f"queue {self.name!r}: max_occupancy", allow_zero=False, allow_one=True
        )
        _check(self.target_answer_s > 0, f"queue {self.name!r}: target_answer_s must be positive")
        _check(self.response_hours > 0, f"queue {self.name!r}: response_hours must be positive")
        _check(self.concurrency >= 1, f"queue {self.name!r}: concurrency must be at least 1")
        _check(self.aht_s > 0, f"queue {self.name!r}: aht_s must be positive")
        _check(
            self.patience_s is None or self.patience_s > 0,
            f"queue {self.name!r}: patience_s must be positive",
        )
        if self.shrinkage is not None:
            _check_share(self.shrinkage, f"queue {self.name!r}: shrinkage")
        _check(self.min_agents >= 0, f"queue {self.name!r}: min_agents must not be negative")
        _check(
            self.missed_contact is None or self.missed_contact >= 0,
            f"queue {self.name!r}: missed_contact must not be negative",
        )
        _check(
            self.missed_contact is None or self.is_live,
            f"queue {self.name!r}: missed_contact is for live queues (voice, chat); an {self.channel} queue's "
            "late contacts cost the team's late_contact_hour",
        )
        _check(
            self.min_agents == 0 or self.is_live,
            f"queue {self.name!r}: min_agents is for live queues (voice, chat); an {self.channel} queue's "
            "contacts wait, and its response_hours set how soon they are answered",
        )

        _check(
            self.open_minutes is None or self.is_live,
            f"queue {self.name!r}: open_hours is for live queues (voice, chat); an {self.channel} queue's "
            "contacts wait for the agents whenever they work it",
        )
        _check(
            self.open_minutes is None or 0 <= self.open_minutes[0] < self.open_minutes[1] <= MINUTES_PER_DAY,
            f"queue {self.name!r}: open_hours must open before it closes, within the day (e.g. 07:00-23:00)",
        )
        _check(
            self.open_days is None or self.is_live,
            f"queue {self.name!r}: open_days is for live queues (voice, chat); an {self.channel} queue's "
            "contacts wait for the agents whenever they work it",
        )
        _check(
            self.open_days is None or (bool(self.open_days) and set(self.open_days) <= set(WEEKDAYS)),
            f"queue {self.name!r}: open_days names at least one day of {', '.join(WEEKDAYS)}",
        )

    @property
    def is_live(self) -> bool:
        """Customers wait on the line (voice, chat)."""
        return self.channel in LIVE_CHANNELS

    @property
    def open_hours(self) -> str | None:
        """The open hours as the team file writes them, 'HH:MM-HH:MM' (None: round the clock)."""
        if self.open_minutes is None:
            return None
        return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in self.open_minutes)  # closing at 24:00 too

    @property
    def always_open(self) -> bool:
        """Whether the queue takes contacts round the clock every day."""
        return self.open_minutes is None and self.open_days is None

    def open_at(self, minute_of_day: np.ndarray, weekday: np.ndarray) -> np.ndarray:
        """Whether the queue takes contacts at each minute of the day on each local weekday (0: Monday),
        on the team's clock."""
        is_open = np.ones(minute_of_day.shape, dtype=bool)
        if self.open_minutes is not None:
            opens, closes = self.open_minutes
            is_open &= (minute_of_day >= opens) & (minute_of_day < closes)
        if self.open_days is not None:
            is_open &= np.isin(weekday, [WEEKDAYS.index(d) for d in self.open_days])
        return is_open


# a break ends at least this long before its shift does, where its window leaves room: a window
# drawn for an 8-hour shift (lunch 180-330 min in) would otherwise let a 6-hour shift end on its lunch
MIN_WORK_AFTER_BREAK_MINUTES = 30
# two breaks of one shift are at least this far apart (the end of one to the start of the next),
# where their windows leave room for every break of the shift that far from the others: a break and
# a lunch 15 minutes after it is one long break nobody planned
MIN_WORK_BETWEEN_BREAKS_MINUTES = 30


@dataclass(frozen=True)
class BreakRule:
    """A break of `duration_minutes` placed `window_start_minutes`..`window_end_minutes` after a shift starts.

    Applies to shifts of at least `min_shift_hours`. The break starts inside the window, and ends at
    least `MIN_WORK_AFTER_BREAK_MINUTES` before the shift does wherever the window allows that; the
    breaks of a shift are `MIN_WORK_BETWEEN_BREAKS_MINUTES` apart wherever their windows allow that.
    """

    kind: BreakKind
    duration_minutes: int
    window_start_minutes: int
    window_end_minutes: int
    min_shift_hours: float = 0.0

    def __post_init__(self) -> None:
        _check(self.kind in ("break", "lunch"), f"break kind must be 'break' or 'lunch', got {self.kind!r}")
        _check(self.duration_minutes > 0, "a break needs a positive duration_minutes")
        _check(
            0 <= self.window_start_minutes <= self.window_end_minutes,
            f"{self.kind} window {self.window_start_minutes}..{self.window_end_minutes} min: start after end",
        )


@dataclass(frozen=True)
class ShiftType:
    """A named shift ("early", "night"): its local start time and elapsed length.

    `not_followed_by` names the shift types that must not be worked on the next local day
    after this one (a late shift not followed by an early one, say).
    """

    name: str
    start_minute: int
    length_minutes: int
    not_followed_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(bool(self.name.strip()), "a shift type needs a name")
        _check(
            0 <= self.start_minute < MINUTES_PER_DAY,
            f"shift type {self.name!r}: start_minute must lie in 0..1439",
        )
        _check(
            0 < self.length_minutes <= MAX_SHIFT_HOURS * 60,
            f"shift type {self.name!r}: length_minutes must lie in 1..{MAX_SHIFT_HOURS * 60}",
        )


@dataclass(frozen=True)
class ShiftRules:
    """Which shifts may be worked: lengths (elapsed hours), start times on a step, breaks.

    With `types`, the shifts are exactly these named shift types instead (lengths and start
    times are then taken from the types, and breaks still apply by length).
    """

    lengths_hours: tuple[float, ...] = (8.0,)
    start_step_minutes: int = 30
    earliest_start_minute: int = 0
    latest_start_minute: int = MINUTES_PER_DAY - 30
    breaks: tuple[BreakRule, ...] = ()
    types: tuple[ShiftType, ...] = ()
    # queue blocks: a stretch on one queue lasts at least this long (the whole shift when shorter;
    # a break is part of the stretch it interrupts), with at most this many changes of queue a shift
    min_queue_stretch_minutes: int = 60
    max_queue_changes: int = 2
    # regular hours: an agent's latest local start time in a week is at most this many minutes after
    # their earliest (None: any starts the other rules allow)
    max_start_spread_minutes: int | None = None

    def __post_init__(self) -> None:
        _check(len(self.lengths_hours) > 0, "shift rules need at least one shift length")
        _check(
            self.max_start_spread_minutes is None or 0 <= self.max_start_spread_minutes <= MINUTES_PER_DAY,
            f"max_start_spread_minutes must lie in 0..{MINUTES_PER_DAY}",
        )
        _check(
            0 <= self.min_queue_stretch_minutes <= MAX_SHIFT_HOURS * 60,
            f"min_queue_stretch_minutes must lie in 0..{MAX_SHIFT_HOURS * 60}",
        )
        _check(0 <= self.max_queue_changes <= 96, "max_queue_changes must lie in 0..96")
        _check(
            all(0 < h <= MAX_SHIFT_HOURS for h in self.lengths_hours),
            f"shift lengths must lie in (0, {MAX_SHIFT_HOURS}] hours",
        )
        _check(self.start_step_minutes > 0, "start_step_minutes must be positive")
        _check(
            0 <= self.earliest_start_minute < MINUTES_PER_DAY
            and 0 <= self.latest_start_minute < MINUTES_PER_DAY,
            "earliest and latest start must both lie within the day (00:00–23:59)",
        )
        names = [t.name for t in self.types]
        repeated = sorted({n for n in names if names.count(n) > 1})
        _check(not repeated, f"shift type names must be unique; repeated: {', '.join(repeated)}")
        for t in self.types:
            unknown = sorted(set(t.not_followed_by) - set(names))
            _check(
                not unknown,
                f"shift type {t.name!r} may not be followed by unknown types: {', '.join(unknown)}",
            )
        for rule in self.breaks:
            for hours in self.type_lengths_hours():
                if hours >= rule.min_shift_hours:
                    _check(
                        rule.window_end_minutes + rule.duration_minutes <= hours * 60,
                        f"a {rule.kind} window ending {rule.window_end_minutes} min after the start does not "
                        f"fit in {a_or_an(f'{hours:g}')} {hours:g} h shift",
                    )

    def type_lengths_hours(self) -> tuple[float, ...]:
        """The shift lengths allowed, in hours: the types' when there are types."""
        return tuple(t.length_minutes / 60 for t in self.types) if self.types else self.lengths_hours

    @property
    def starts_across_midnight(self) -> bool:
        """Whether the start window runs across midnight (earliest 22:00, latest 02:00: a night crew)."""
        return self.latest_start_minute < self.earliest_start_minute

    def start_minutes(self) -> tuple[int, ...]:
        """Local start times allowed (minutes since midnight), by time of day. A window across midnight
        (earliest after latest) runs on the step from its earliest start to midnight and on into the
        next morning: 22:00–01:00 on 30 minutes allows 00:00, 00:30, 01:00, 22:00, 22:30 and 23:00 on
        every local day, a shift belonging to the day it starts on."""
        last = self.latest_start_minute + (MINUTES_PER_DAY if self.starts_across_midnight else 0)
        return tuple(
            sorted(
                m % MINUTES_PER_DAY
                for m in range(self.earliest_start_minute, last + 1, self.start_step_minutes)
            )
        )

    def shapes(self) -> tuple[tuple[str, int, int], ...]:
        """Every shift allowed on a day as (type name, local start minute, length in minutes), by
        start and then length; the name is "" for rules without types."""
        if self.types:
            return tuple(
                sorted(((t.name, t.start_minute, t.length_minutes) for t in self.types), key=lambda x: x[1:])
            )
        lengths = sorted({round(h * 60) for h in self.lengths_hours})
        return tuple(("", minute, length) for minute in self.start_minutes() for length in lengths)

    def type_of(self, start_minute: int, length_minutes: int) -> str:
        """The name of the type with this local start and length ("" when none; the first by name
        when several share them)."""
        return min(
            (
                t.name
                for t in self.types
                if (t.start_minute, t.length_minutes) == (start_minute, length_minutes)
            ),
            default="",
        )

    def shift_type(self, name: str) -> ShiftType:
        """The shift type called `name`."""
        for t in self.types:
            if t.name == name:
                return t
        raise InvalidInput(f"{name!r} is not a shift type of these shift rules")

    def breaks_for(self, length_minutes: int) -> tuple[BreakRule, ...]:
        """The break rules that apply to a shift of `length_minutes`."""
        return tuple(b for b in self.breaks if length_minutes >= b.min_shift_hours * 60)

    def on_queue_share(self) -> float:
        """The share of its longest shift an agent spends on the queues: the shift less the breaks the
        rules give it."""
        longest = round(max(self.type_lengths_hours()) * 60)
        breaks = sum(b.duration_minutes for b in self.breaks_for(longest))
        return max(0, longest - breaks) / longest


@dataclass(frozen=True)
class LabourRules:
    """Hard labour rules of the team (or of one agent), counted in elapsed time and local days."""

    min_rest_hours: float = 11.0
    max_consecutive_days: int = 6
    min_days_off_per_week: int = 2
    # days off come in blocks of at least this many days (1: a single day off is a block)
    min_consecutive_days_off: int = 1
    # working days come in runs of at least this many days (a run may go on past the horizon)
    min_consecutive_days_worked: int = 1
    # weekends (local Saturday and Sunday) with any shift in the horizon; None: no limit
    max_weekends_worked: int | None = None

    def __post_init__(self) -> None:
        _check(0 <= self.min_rest_hours <= 48, "min_rest_hours must lie in 0..48")
        _check(
            1 <= self.min_consecutive_days_off <= MAX_DAYS,
            f"min_consecutive_days_off must lie in 1..{MAX_DAYS}",
        )
        _check(
            0 <= self.max_consecutive_days <= MAX_DAYS,
            f"max_consecutive_days must lie in 0..{MAX_DAYS} (0: no working day at all)",
        )
        _check(0 <= self.min_days_off_per_week <= 7, "min_days_off_per_week must lie in 0..7")
        _check(
            1 <= self.min_consecutive_days_worked <= MAX_DAYS,
            f"min_consecutive_days_worked must lie in 1..{MAX_DAYS}",
        )
        _check(
            self.max_weekends_worked is None or self.max_weekends_worked >= 0,
            "max_weekends_worked must not be negative",
        )


@dataclass(frozen=True)
class Agent:
    """A named agent: home zone, skills (queue names), weekly contract and own rules.

    The contract is in hours and, when given, in shifts a week. `shift_rules` and `labour_rules`
    are the agent's complete rules when they differ from the team's (the edge builds them from the
    team's, changing only the fields an agent's own rules give).
    """

    id: str
    name: str
    tz: str
    skills: tuple[str, ...]
    min_hours_per_week: float = 0.0
    max_hours_per_week: float = 40.0
    shift_rules: ShiftRules | None = None
    labour_rules: LabourRules | None = None
    min_shifts_per_week: int = 0
    max_shifts_per_week: int | None = None  # None: no limit but the hours and days off
    # over the whole planning horizon (several weeks): most shifts of a named shift type, and
    # paid hours within min..max (None: no limit but the weekly one)
    max_shifts_by_type: tuple[tuple[str, int], ...] = ()
    min_hours_in_horizon: float = 0.0
    max_hours_in_horizon: float | None = None

    def __post_init__(self) -> None:
        _check(bool(self.id.strip()), "an agent needs an id")
        zone(self.tz)
        _check(len(self.skills) > 0, f"agent {self.id!r} has no skills")
        _check(
            0 <= self.min_hours_per_week <= self.max_hours_per_week <= HOURS_PER_WEEK,
            f"agent {self.id!r}: weekly hours need 0 <= min ({self.min_hours_per_week}) "
            f"<= max ({self.max_hours_per_week})",
        )
        most = 7 if self.max_shifts_per_week is None else self.max_shifts_per_week
        _check(
            0 <= self.min_shifts_per_week <= most <= 7,
            f"agent {self.id!r}: shifts a week need 0 <= min ({self.min_shifts_per_week}) "
            f"<= max ({self.max_shifts_per_week}) <= 7",
        )
        _check(
            all(limit >= 0 for _, limit in self.max_shifts_by_type),
            f"agent {self.id!r}: max_shifts_by_type must not be negative",
        )
        most_hours = math.inf if self.max_hours_in_horizon is None else self.max_hours_in_horizon
        _check(
            0 <= self.min_hours_in_horizon <= most_hours,
            f"agent {self.id!r}: hours in the horizon need 0 <= min ({self.min_hours_in_horizon}) "
            f"<= max ({self.max_hours_in_horizon})",
        )

    def max_shifts_of_type(self, name: str) -> int | None:
        """The most shifts of type `name` the agent may work in the horizon (None: no limit)."""
        return next((limit for t, limit in self.max_shifts_by_type if t == name), None)


Objective = Literal["headcount", "service_level"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)


@dataclass(frozen=True)
class Weights:
    """Weights of the soft rules, in objective points; a lead may change them."""

    # "service_level" (the default): points per contact expected not to be answered within target
    # (live queues) and per contact-hour past its deadline (async queues), where the forecast
    # volume is known; "headcount": points per agent short of the fractional need (below)
    objective: str = "service_level"  # one of OBJECTIVES, checked below
    missed_contact: int = 200
    # "service_level", live queues: a contact that comes while nobody is on its queue costs this
    # more: a day with nobody on a queue is worse than thin service every day, where missed
    # contacts alone count a quiet Sunday's call as a busy Monday's and fill the busy days first
    nobody_on_queue_contact: int = 200
    # "service_level", async queues: points per contact-hour past its deadline (an email an hour
    # late costs half a live contact missed)
    late_contact_hour: int = 100
    # each agent-hour a live queue is below its `min_agents` while its contacts are forecast (five
    # contacts missed: a phone line with a few calls an hour is kept open before a busier chat
    # gets its second agent)
    below_min_agents_hour: int = 1000
    under_per_agent_interval: int = 100
    # each further missing agent in the same interval costs this much more than the one before,
    # for the first `under_tiers` missing agents (convex: shortage is spread thin)
    under_step_per_agent_interval: int = 50
    under_tiers: int = 4
    over_per_agent_interval: int = 2
    # each agent-interval on a live queue while it is closed (`QueueSpec.open_hours`, `open_days`):
    # time nobody can use, as an agent short of a queue's need costs
    closed_queue_per_agent_interval: int = 100
    avoid_per_hour: int = 20
    preferred_per_hour: int = 5
    # re-rostering: each published shift dropped or moved, and each new working day, costs this
    change_per_shift: int = 400
    # re-rostering: each published shift kept at its hours but put on other queue stretches or given
    # other breaks costs this (counted by the search, like `queue_change`; the whole-team model
    # does not see it)
    queue_or_break_change_per_shift: int = 100
    # a single day off between two working days
    isolated_day_off: int = 40
    # each start time an agent has in the week beyond their first
    extra_start_time: int = 15
    # each change of queue inside a shift (within the queue-block rules, which are hard)
    queue_change: int = 5
    # the gap between the agents with most and fewest weekend days / late shifts
    weekend_spread_per_day: int = 30
    late_spread_per_shift: int = 20
    # the gap between the agents with most and fewest night shifts (`scheduler.roster.problem.is_night`)
    night_spread_per_shift: int = 20
    late_shift_ends_after_minute: int = 21 * 60  # local clock; shifts past midnight count too

    def __post_init__(self) -> None:
        _check(
            self.objective in OBJECTIVES,
            f"objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}",
        )
        negative = [f.name for f in fields(self) if f.name != "objective" and getattr(self, f.name) < 0]
        _check(not negative, f"weights must not be negative: {', '.join(negative)}")
        _check(
            self.late_shift_ends_after_minute <= MINUTES_PER_DAY,
            "late_shift_ends_after_minute must lie in 0..1440",
        )


# the weights of a problem whose only soft rules are cover by shift type and shift requests (their
# own weights are on their rows): every other soft rule weighs nothing
ONLY_SHIFT_COVER_AND_REQUESTS = Weights(
    under_per_agent_interval=0,
    under_step_per_agent_interval=0,
    over_per_agent_interval=0,
    closed_queue_per_agent_interval=0,
    avoid_per_hour=0,
    preferred_per_hour=0,
    change_per_shift=0,
    queue_or_break_change_per_shift=0,
    isolated_day_off=0,
    extra_start_time=0,
    weekend_spread_per_day=0,
    late_spread_per_shift=0,
    night_spread_per_shift=0,
)


@dataclass(frozen=True)
class Team:
    """A support team: zone, grid, queues, shrinkage, rules and agents."""

    name: str
    tz: str
    queues: tuple[QueueSpec, ...]
    agents: tuple[Agent, ...]
    interval_minutes: int = INTERVAL_MINUTES
    # the share of paid time not on contacts that the roster does not place (breaks and lunches are
    # in the roster): a team file that leaves it out gets what `wfm team init` writes
    shrinkage: float = ROSTER_SHRINKAGE
    shift_rules: ShiftRules = field(default_factory=ShiftRules)
    labour_rules: LabourRules = field(default_factory=LabourRules)
    weights: Weights = field(default_factory=Weights)  # of the soft rules, the lead's to change
    # the local weekday the team's weeks start on ("mon".."sun"): weekly rules count from it
    week_start: Weekday = "mon"
    # an absence (a sick call) counts as paid hours against the contract: it lowers the week's
    # minimum and maximum hours, as time off lowers the minimum
    absence_paid: bool = True
    # time off (vacation, PTO) counts as paid hours against the contract too: it lowers the week's
    # maximum as well as its minimum, so two days of leave leave three days' work, not five
    time_off_paid: bool = False
    # the weekdays a day of time off counts on: HR's working days ("mon".."fri": a week off booked
    # Thursday to Monday counts Thursday, Friday and Monday, its weekend being days off); every day by
    # default, for a team that works seven
    leave_weekdays: tuple[Weekday, ...] = cast("tuple[Weekday, ...]", WEEKDAYS)

    def __post_init__(self) -> None:
        zone(self.tz)
        _check(self.week_start in WEEKDAYS, f"week_start must be one of {', '.join(WEEKDAYS)}")
        _check(
            bool(self.leave_weekdays) and set(self.leave_weekdays) <= set(WEEKDAYS),
            f"leave_weekdays must be some of {', '.join(WEEKDAYS)}",
        )
        check_interval_minutes(self.interval_minutes)
        _check_share(self.shrinkage, "team shrinkage")
        _check(len(self.queues) > 0, f"team {self.name!r} has no queues")
        _check(len(self.agents) > 0, f"team {self.name!r} has no agents")
        queue_names = [q.name for q in self.queues]
        _check(len(set(queue_names)) == len(queue_names), "queue names must be unique")
        # ids name files (a calendar per agent), and Windows and macOS do not tell Ann.ics from ann.ics
        folded = [a.id.casefold() for a in self.agents]
        dupes = sorted({a.id for a in self.agents if folded.count(a.id.casefold()) > 1})
        _check(not dupes, f"agent ids must be unique, whatever their case; repeated: {', '.join(dupes)}")
        for agent in self.agents:
            unknown = sorted(set(agent.skills) - set(queue_names))
            _check(not unknown, f"agent {agent.id!r} has skills for unknown queues: {', '.join(unknown)}")
            types = {t.name for t in self.shift_rules_of(agent).types}
            strange = sorted({name for name, _ in agent.max_shifts_by_type} - types)
            _check(
                not strange,
                f"agent {agent.id!r} has maximums for shift types they do not have: {', '.join(strange)}",
            )

    def queue(self, name: str) -> QueueSpec:
        """The queue called `name`."""
        for q in self.queues:
            if q.name == name:
                return q
        raise InvalidInput(f"queue {name!r} is not a queue of team {self.name!r}")

    def agent(self, agent_id: str) -> Agent:
        """The agent with id `agent_id`."""
        for a in self.agents:
            if a.id == agent_id:
                return a
        raise InvalidInput(f"agent {agent_id!r} is not in team {self.name!r}")

    def usual_contract_hours(self) -> float:
        """The most weekly hours of the team's usual contract: the median agent's (40 without agents)."""
        return statistics.median(a.max_hours_per_week for a in self.agents) if self.agents else 40.0

    def shift_rules_of(self, agent: Agent) -> ShiftRules:
        """The agent's own shift rules, else the team's."""
        return self.shift_rules if agent.shift_rules is None else agent.shift_rules

    def labour_rules_of(self, agent: Agent) -> LabourRules:
        """The agent's own labour rules, else the team's."""
        return self.labour_rules if agent.labour_rules is None else agent.labour_rules

    def shrinkage_of(self, queue: QueueSpec) -> float:
        """The queue's own shrinkage, else the team's."""
        return self.shrinkage if queue.shrinkage is None else queue.shrinkage


@dataclass(frozen=True)
class AvailabilityEntry:
    """One availability row: a local time span on a date or on every matching weekday.

    `time_off` is planned leave, `absence` an unplanned one (a sick call): both block the time.

    `weekday` is 0 for Monday. `end_minute` may be 1440 (end of day) and is after `start_minute`.
    """

    agent_id: str
    kind: AvailabilityKind
    start_minute: int = 0
    end_minute: int = MINUTES_PER_DAY
    on_date: date | None = None
    weekday: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check((self.on_date is None) != (self.weekday is None), "give either a date or a weekday, not both")
        _check(self.kind in AVAILABILITY_KINDS, f"kind must be one of {AVAILABILITY_KINDS}")
        _check(self.weekday is None or 0 <= self.weekday <= 6, "weekday must lie in 0..6")
        _check(
            self.on_date is None or FIRST_YEAR <= self.on_date.year <= LAST_YEAR,
            f"a date must lie in the years {FIRST_YEAR}..{LAST_YEAR}, got {self.on_date}",
        )
        _check(
            0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY,
            f"end ({self.end_minute} min) must come after start ({self.start_minute} min) within the day",
        )

    def applies_to(self, day: date) -> bool:
        """Whether this entry speaks about local date `day`."""
        if self.on_date is not None:
            return self.on_date == day
        return self.weekday == day.weekday()


def merge_overlapping(entries: Iterable[AvailabilityEntry]) -> list[AvailabilityEntry]:
    """`entries` with those of one agent, kind and day (or weekday) that overlap or touch made one
    span (their notes joined), as a lead reads them: "off sick 10:00–12:00", not three calls of it.
    In order of agent, day, weekday and start."""

    def key(e: AvailabilityEntry) -> tuple[str, str, date, int, int]:
        return (
            e.agent_id,
            e.kind,
            e.on_date or date.min,
            -1 if e.weekday is None else e.weekday,
            e.start_minute,
        )

    out: list[AvailabilityEntry] = []
    for e in sorted(entries, key=key):
        last = out[-1] if out else None
        if last is not None and key(last)[:4] == key(e)[:4] and e.start_minute <= last.end_minute:
            notes = [n for n in dict.fromkeys((last.note, e.note)) if n]
            out[-1] = replace(last, end_minute=max(last.end_minute, e.end_minute), note="; ".join(notes))
        else:
            out.append(e)
    return out


@dataclass(frozen=True)
class ShiftCover:
    """A requirement by shift type: `required` agents on shift type `shift_type` on local `day`
    (each agent's own clock), and the points each agent missing or extra costs."""

    day: date
    shift_type: str
    required: int
    under_weight: int
    over_weight: int

    def __post_init__(self) -> None:
        _check(
            self.required >= 0, f"cover of {self.shift_type!r} on {self.day}: required must not be negative"
        )
        _check(
            self.under_weight >= 0 and self.over_weight >= 0,
            f"cover of {self.shift_type!r} on {self.day}: weights must not be negative",
        )


@dataclass(frozen=True)
class ShiftRequest:
    """An agent's wish to work (`wanted`) or not to work shift type `shift_type` on their local
    `day`, and the points it costs not to grant it."""

    agent_id: str
    day: date
    shift_type: str
    wanted: bool
    weight: int

    def __post_init__(self) -> None:
        _check(self.weight >= 0, f"request of {self.agent_id!r} on {self.day}: weight must not be negative")


@dataclass(frozen=True)
class Activity:
    """A break or lunch inside a shift, as UTC instants."""

    kind: BreakKind
    start_utc: datetime
    end_utc: datetime


@dataclass(frozen=True)
class QueueSpan:
    """A stretch of a shift worked on one queue, as UTC instants."""

    queue: str
    start_utc: datetime
    end_utc: datetime


@dataclass(frozen=True)
class Shift:
    """One agent's working span on one local day, with its breaks and the queues worked.

    `queue` is the queue of most of the shift. `work` lists the on-queue stretches when a
    multi-skilled agent moves between queues; empty means all of the shift on `queue`.
    """

    agent_id: str
    local_date: date
    start_utc: datetime
    end_utc: datetime
    queue: str
    breaks: tuple[Activity, ...] = ()
    work: tuple[QueueSpan, ...] = ()
    shift_type: str = ""  # its shift type's name, when the shift rules name types

    def queue_spans(self) -> tuple[QueueSpan, ...]:
        """The on-queue stretches (breaks are excluded when counting coverage)."""
        return self.work or (QueueSpan(self.queue, self.start_utc, self.end_utc),)

    def stretches(self) -> tuple[QueueSpan, ...]:
        """The queue stretches in time order, touching ones on the same queue made one (however a
        file split them): what the agent is told to work."""
        out: list[QueueSpan] = []
        for w in sorted(self.queue_spans(), key=lambda w: w.start_utc):
            if out and out[-1].queue == w.queue and out[-1].end_utc == w.start_utc:
                out[-1] = QueueSpan(w.queue, out[-1].start_utc, w.end_utc)
            else:
                out.append(w)
        return tuple(out)

    @property
    def length(self) -> timedelta:
        """Elapsed length."""
        return self.end_utc - self.start_utc

    @property
    def hours(self) -> float:
        """Elapsed length in hours (the paid hours of the shift)."""
        return self.length.total_seconds() / 3600


@dataclass(frozen=True)
class Roster:
    """All shifts of a team for one planning week, and the agent-days it has as sick (`absent`): a
    roster in force after a sick call, whose sick days count as days the agent would have worked."""

    team: str
    first_day: date
    shifts: tuple[Shift, ...]
    absent: frozenset[tuple[str, date]] = frozenset()

    def shifts_of(self, agent_id: str) -> tuple[Shift, ...]:
        """The agent's shifts, in time order."""
        return tuple(sorted((s for s in self.shifts if s.agent_id == agent_id), key=lambda s: s.start_utc))

    @property
    def days(self) -> tuple[date, ...]:
        """The week's seven local days."""
        return tuple(self.first_day + timedelta(days=i) for i in range(DAYS_PER_WEEK))

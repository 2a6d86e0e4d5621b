"""The time model: UTC interval grids, planning weeks of local days, local wall-clock helpers.

Every instant is a timezone-aware `datetime`. Coverage is counted on a grid of fixed-length
UTC intervals; a planning week is seven local calendar days in the team's zone, so a week
that holds a DST change has 668 or 676 quarter-hours instead of 672. Rules count elapsed
time, never wall-clock differences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC as UTC
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from common.defaults import DAYS_PER_WEEK as DAYS_PER_WEEK
from common.defaults import INTERVAL_MINUTES
from common.errors import InvalidInput

ALLOWED_INTERVAL_MINUTES: tuple[int, ...] = (15, 30, 60)
MAX_DAYS = 371  # a year's roster (53 weeks) at most
# the years a planning horizon may start in (pandas counts instants in nanoseconds up to 2262)
FIRST_YEAR, LAST_YEAR = 1900, 2200
MINUTES_PER_DAY = 24 * 60
HOURS_PER_WEEK = DAYS_PER_WEEK * 24
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


# files of the zone database that are not a place's zone: this machine's own clock (a roster would
# depend on where the service runs), the default rules of POSIX zones, and "local time unknown"
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`.

    Raises:
        InvalidInput: the name is not an IANA zone (e.g. a typo, or an abbreviation like "EST").
    """
    try:
        if not name or name != name.strip() or name in _NOT_ZONES:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidInput(
            f"unknown time zone {name!r}: use an IANA name such as 'America/Phoenix' or 'Europe/London'"
        ) from exc


def clock_to_minute(text: str) -> int:
    """Minutes since midnight of a local time of day written 'HH:MM' (00:00..23:59).

    Raises:
        ValueError: the text is not such a time (the message says how to write one).
    """
    match = _CLOCK_RE.match(text.strip())
    minute = -1 if match is None else int(match.group(1)) * 60 + int(match.group(2))
    if match is None or int(match.group(2)) >= 60 or minute >= MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM between 00:00 and 23:59")
    return minute


def end_clock_to_minute(text: str) -> int:
    """Minutes since midnight of the end of a span written 'HH:MM': as `clock_to_minute`, and '24:00'
    for the day's end (1440).

    Raises:
        ValueError: the text is not such a time.
    """
    if text.strip() == "24:00":
        return MINUTES_PER_DAY
    try:
        return clock_to_minute(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM between 00:00 and 24:00") from None


def minute_to_clock(minute: int) -> str:
    """'HH:MM' of minutes since midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def check_interval_minutes(interval_minutes: int) -> int:
    """`interval_minutes` if it is an allowed grid length, else InvalidInput."""
    if interval_minutes not in ALLOWED_INTERVAL_MINUTES:
        raise InvalidInput(
            f"interval length {interval_minutes} min is not allowed; use one of {ALLOWED_INTERVAL_MINUTES}"
        )
    return interval_minutes


def require_aware(instant: datetime, what: str = "timestamp") -> datetime:
    """`instant` if it carries a UTC offset, else InvalidInput."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(f"{what} {instant.isoformat()} has no UTC offset; give one like +00:00 or Z")
    return instant


def local_day_start_utc(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which local calendar day `day` begins in `tz`.

    Where midnight does not exist (a DST jump at 00:00) the day begins at the jump; where it
    occurs twice, at its first occurrence. `fold=0` gives both, since it reads a missing or
    repeated wall time with the offset in force before the change.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def wall_to_utc(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of local wall time `minute_of_day` on `day` in `tz`, or None if it does not exist.

    A repeated wall time (autumn fall-back) maps to its first occurrence. `minute_of_day` may be
    1440 or more: the wall time on a following day.
    """
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute_of_day)
    local = naive.replace(tzinfo=tz)
    utc = local.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return utc


def skipped_wall_minute(day: date, minute_of_day: int, tz: ZoneInfo) -> int | None:
    """Where the clocks jump past local wall time `minute_of_day` on `day` in `tz` (a DST gap), the
    first minute after it that exists (1440 or more: on the next day); None where it exists."""
    if wall_to_utc(day, minute_of_day, tz) is not None:
        return None
    return next(
        (m for m in range(minute_of_day + 1, minute_of_day + MINUTES_PER_DAY) if wall_to_utc(day, m, tz)),
        None,
    )


def local_minute_of_day(instant: datetime, tz: ZoneInfo) -> tuple[date, int]:
    """The local date and minute of day of `instant` in `tz`."""
    local = instant.astimezone(tz)
    return local.date(), local.hour * 60 + local.minute


def local_minutes_of_day(instants: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """The minute of day on `tz`'s wall clock of each (UTC) instant."""
    local = instants.tz_convert(tz)
    return np.asarray(local.hour * 60 + local.minute, dtype=np.int64)


def local_weekdays(instants: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """The weekday on `tz`'s calendar (0: Monday) of each (UTC) instant."""
    return np.asarray(instants.tz_convert(tz).day_of_week, dtype=np.int64)


@dataclass(frozen=True)
class Grid:
    """A sequence of `n_intervals` UTC intervals of `interval_minutes` each, from `start_utc`."""

    start_utc: datetime
    interval_minutes: int
    n_intervals: int

    @property
    def interval_s(self) -> int:
        """Length of one interval in seconds."""
        return self.interval_minutes * 60

    @property
    def end_utc(self) -> datetime:
        """The instant the last interval ends."""
        return self.start_utc + timedelta(minutes=self.interval_minutes * self.n_intervals)

    def start_of(self, index: int) -> datetime:
        """The start instant (UTC) of interval `index`."""
        return self.start_utc + timedelta(minutes=self.interval_minutes * index)

    def offset_intervals(self, instant: datetime) -> float:
        """Where `instant` lies on the grid, in intervals from its start (may be fractional or outside)."""
        seconds = (require_aware(instant) - self.start_utc).total_seconds()
        return seconds / self.interval_s

    def index_of(self, instant: datetime) -> int:
        """The index of the interval that starts exactly at `instant`.

        Raises:
            InvalidInput: `instant` is not an interval start of this grid.
        """
        offset = self.offset_intervals(instant)
        index = round(offset)
        if abs(offset - index) > 1e-9 or not 0 <= index < self.n_intervals:
            raise InvalidInput(
                f"{instant.isoformat()} is not the start of a {self.interval_minutes}-minute interval "
                f"between {self.start_utc.isoformat()} and {self.end_utc.isoformat()}"
            )
        return index

    def intervals_within(
        self, start: datetime, end: datetime, gaps: Sequence[tuple[datetime, datetime]] = ()
    ) -> np.ndarray:
        """Indices of the grid intervals lying wholly inside [start, end) that touch none of `gaps`.

        An interval a gap (a break) only partly overlaps does not count: the agent is not there
        for all of it.
        """
        first = math.ceil(self.offset_intervals(start) - 1e-9)
        last = math.floor(self.offset_intervals(end) + 1e-9)
        inside = np.arange(max(first, 0), min(last, self.n_intervals))
        for gap_start, gap_end in gaps:
            lo, hi = self.offset_intervals(gap_start), self.offset_intervals(gap_end)
            inside = inside[(inside + 1 <= lo + 1e-9) | (inside >= hi - 1e-9)]
        return inside

    def starts(self) -> pd.DatetimeIndex:
        """All interval starts, as a UTC DatetimeIndex."""
        return pd.date_range(
            self.start_utc, periods=self.n_intervals, freq=f"{self.interval_minutes}min", tz="UTC"
        )

    def starts_epoch_s(self) -> np.ndarray:
        """All interval starts as seconds since the Unix epoch (int64)."""
        first = int(self.start_utc.timestamp())
        return first + np.arange(self.n_intervals, dtype=np.int64) * self.interval_s


@dataclass(frozen=True)
class PlanningWeek:
    """`n_days` (seven by default) local calendar days from `first_day` in zone `tz`, on a UTC grid
    of `interval_minutes`: the roster's horizon. Weekly rules apply to each week of it, counted
    from `first_day`; a last week of fewer than seven days scales the weekly minimums down
    (`scheduler.roster.problem.min_hours_after_time_off`)."""

    first_day: date
    tz: str
    interval_minutes: int = INTERVAL_MINUTES
    n_days: int = DAYS_PER_WEEK

    def __post_init__(self) -> None:
        zone(self.tz)
        check_interval_minutes(self.interval_minutes)
        if not 1 <= self.n_days <= MAX_DAYS:
            raise InvalidInput(f"a planning horizon has 1..{MAX_DAYS} days, got {self.n_days}")
        if not FIRST_YEAR <= self.first_day.year <= LAST_YEAR:
            raise InvalidInput(
                f"a planning horizon starts in the years {FIRST_YEAR}..{LAST_YEAR}, got {self.first_day.isoformat()}"
            )
        span_minutes = (self.end_utc - self.start_utc).total_seconds() / 60
        if span_minutes % self.interval_minutes:
            raise InvalidInput(
                f"the week from {self.first_day} in {self.tz} lasts {span_minutes:.0f} minutes, "
                f"not a whole number of {self.interval_minutes}-minute intervals; use a shorter interval"
            )

    @property
    def zone(self) -> ZoneInfo:
        """The team's zone."""
        return zone(self.tz)

    @property
    def n_weeks(self) -> int:
        """Weeks in the horizon, the last one perhaps short."""
        return -(-self.n_days // DAYS_PER_WEEK)

    @cached_property
    def days(self) -> tuple[date, ...]:
        """The local dates of the horizon."""
        return tuple(self.first_day + timedelta(days=i) for i in range(self.n_days))

    def week_of(self, day: date) -> int:
        """Which week of the horizon local `day` falls in (0-based; a day just outside it, such as
        an agent's local day in another zone, counts in the nearest week)."""
        return min(max((day - self.first_day).days // DAYS_PER_WEEK, 0), self.n_weeks - 1)

    def days_of_week(self, week: int) -> tuple[date, ...]:
        """The local dates of week `week` of the horizon (seven, but perhaps fewer in the last)."""
        return self.days[DAYS_PER_WEEK * week : DAYS_PER_WEEK * (week + 1)]

    @cached_property
    def start_utc(self) -> datetime:
        """The instant the week begins: local midnight of the first day."""
        return local_day_start_utc(self.first_day, self.zone)

    @cached_property
    def end_utc(self) -> datetime:
        """The instant the horizon ends: local midnight after its last day."""
        return local_day_start_utc(self.first_day + timedelta(days=self.n_days), self.zone)

    @cached_property
    def grid(self) -> Grid:
        """The UTC interval grid that covers the week exactly."""
        minutes = round((self.end_utc - self.start_utc).total_seconds() / 60)
        return Grid(self.start_utc, self.interval_minutes, minutes // self.interval_minutes)


def parse_iso_date(text: str) -> date:
    """A `YYYY-MM-DD` date, or InvalidInput saying what was expected."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{text!r} is not a date; write it as YYYY-MM-DD") from exc


def parse_instant(text: str, what: str = "instant") -> datetime:
    """An ISO-8601 instant with a UTC offset (or Z), else InvalidInput naming `what`."""
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"{what}: {text!r} is not an ISO-8601 instant like 2026-11-04T12:00:00Z") from exc
    return require_aware(instant, what)

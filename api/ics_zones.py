"""The VTIMEZONE of an iCalendar file, built from the zone's own transitions (RFC 5545, 3.6.5).

Each STANDARD or DAYLIGHT observance starts at an onset, which RFC 5545 writes as a local date-time
in the offset in force *before* it (TZOFFSETFROM): Lisbon's clocks go forward at 01:00 UTC, so the
onset is 01:00 WET (+00:00), written `20270328T010000`, not 02:00 (the first wall time after it).
A client without the zone's rules of its own (Outlook, some phones) takes the offsets from this
block, so an onset an hour late puts every instant of that hour at the wrong offset.

`icalendar`'s own `Timezone.from_tzinfo` (7.x) writes the wall time *after* a spring-forward change
(02:00 for Lisbon, 03:00 for New York, 02:30 for Lord Howe), so the block is built here: the
transitions are found on the UTC line (hourly steps, then halving to the second), and each onset is
the transition instant plus the offset before it. The block covers only the years a calendar needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from common.timegrid import zone

_STEP = timedelta(hours=1)  # no zone changes its clocks twice within an hour
_SECOND = timedelta(seconds=1)
_LOOK_BACK = timedelta(days=366)


@dataclass(frozen=True)
class Observance:
    """What a zone's clocks show from an instant on: offset from UTC, daylight time or not, name."""

    offset: timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class Transition:
    """A change of a zone's observance at `instant_utc`."""

    instant_utc: datetime
    before: Observance
    after: Observance

    @property
    def onset(self) -> datetime:
        """The local (naive) date-time of the change, read in the offset before it (RFC 5545)."""
        return (self.instant_utc + self.before.offset).replace(tzinfo=None)


def observance(tz_name: str, instant_utc: datetime) -> Observance:
    """The observance of zone `tz_name` at a UTC instant."""
    local = instant_utc.astimezone(zone(tz_name))
    offset, dst = local.utcoffset(), local.dst()
    assert offset is not None  # a ZoneInfo always has one
    return Observance(offset, bool(dst), local.tzname() or _offset_text(offset))


def transitions(tz_name: str, start_utc: datetime, end_utc: datetime) -> list[Transition]:
    """Every change of observance of zone `tz_name` in [start_utc, end_utc), to the second."""
    out: list[Transition] = []
    at, current = start_utc, observance(tz_name, start_utc)
    while at < end_utc:
        step_end = min(at + _STEP, end_utc)
        then = observance(tz_name, step_end)
        if then != current:
            low, high = at, step_end  # current at low, something else at high
            while high - low > _SECOND:
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if observance(tz_name, middle) == current:
                    low = middle
                else:
                    high = middle
            after = observance(tz_name, high)
            out.append(Transition(high, current, after))
            at, current = high, after
            continue
        at = step_end
    return out


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


@lru_cache(maxsize=64)
def _changes(tz_name: str, first_year: int, last_year: int) -> tuple[datetime, tuple[Transition, ...]]:
    """The UTC instant 1 January of `first_year` begins in the zone, and the zone's changes from the
    last one before it (looked for up to a year back) to the end of `last_year` (cached: the agents
    of a team mostly share a zone and a week)."""
    tz = zone(tz_name)
    start = datetime(first_year, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    earlier = transitions(tz_name, start - _LOOK_BACK, start)
    return start, tuple(earlier[-1:] + transitions(tz_name, start, end))


def vtimezone(tz_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of zone `tz_name` for 1 January of `first_year` to the end of `last_year` (local
    time): one component per kind of change, its first onset as DTSTART and the others as RDATE.

    The block begins with the zone's last change before that year, so that its first observance
    says which offset it follows; a zone without one in the year before (no daylight time) begins
    with its observance on 1 January, its offset before and after the same.
    """
    start, changes = _changes(tz_name, first_year, last_year)
    block = Timezone()
    block.add("tzid", tz_name)
    if not changes or changes[0].instant_utc > start:
        first = observance(tz_name, start)
        block.add_component(_component(first, first, (start + first.offset).replace(tzinfo=None), []))
    onsets: dict[tuple[Observance, Observance], list[datetime]] = defaultdict(list)
    for change in changes:
        onsets[(change.before, change.after)].append(change.onset)
    for (before, after), times in onsets.items():
        block.add_component(_component(before, after, times[0], times[1:]))
    return block


def _component(
    before: Observance, after: Observance, onset: datetime, more: list[datetime]
) -> TimezoneStandard | TimezoneDaylight:
    part = TimezoneDaylight() if after.dst else TimezoneStandard()
    part.add("dtstart", onset)
    if more:
        part.add("rdate", more)
    part.add("tzoffsetfrom", before.offset)
    part.add("tzoffsetto", after.offset)
    part.add("tzname", after.name)
    return part


def calendar_years(days: list[date], fallback: date) -> tuple[int, int]:
    """The first and last year a calendar's days fall in (`fallback`'s year when there are none)."""
    if not days:
        return fallback.year, fallback.year
    return min(days).year, max(days).year

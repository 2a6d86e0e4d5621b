"""The day-level form of a roster problem: employees, shift types by day, cover and requests.

It is the form of the Curtois staff-rostering benchmark's instances (their file reader is
`api/curtois_files.py`, their evaluator `benchmarks/curtois_eval.py`), which the day-level
branch and price works on. Day indexes start at 0 on a Monday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from common.timegrid import DAYS_PER_WEEK

SATURDAY = 5  # day index of the first Saturday: every instance starts on a Monday

Assignment = Mapping[tuple[str, int], str]
"""A roster: the shift type each employee works on a day, keyed by (employee, day); absent means off."""


@dataclass(frozen=True)
class ShiftType:
    """A shift type: its length and the shift types that must not be worked on the next day."""

    id: str
    length_minutes: int
    forbidden_next: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staff:
    """An employee's contract: per-type maximums, total minutes, run lengths, weekends and days off."""

    id: str
    max_shifts: Mapping[str, int] = field(hash=False)
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (on-request) or not to work (off-request) shift `shift` on `day`, with its weight."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """How many employees should work `shift` on `day`, and the cost of each one missing or extra."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    """One benchmark instance, as read from its file."""

    name: str
    horizon_days: int
    shifts: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[Cover, ...]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        """The shift type ids in file order."""
        return tuple(s.id for s in self.shifts)

    def shift(self, shift_id: str) -> ShiftType:
        """The shift type with this id."""
        return next(s for s in self.shifts if s.id == shift_id)

    def weekends(self) -> list[tuple[int, ...]]:
        """The days of each weekend (Saturday, Sunday) that lie in the horizon."""
        out = []
        for saturday in range(SATURDAY, self.horizon_days + 1, DAYS_PER_WEEK):
            days = tuple(d for d in (saturday, saturday + 1) if d < self.horizon_days)
            if days:
                out.append(days)
        return out

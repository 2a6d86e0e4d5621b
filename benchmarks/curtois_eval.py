"""An independent checker for Curtois benchmark rosters, written from the benchmark README only.

It recomputes the published objective (shift-on and shift-off requests, under and over cover)
and lists every broken hard constraint in words. It shares nothing with the CP-SAT model, so
it can serve as the oracle for the model's rosters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scheduler.daylevel.instance import Assignment, Instance, Staff

ON_REQUESTS = "shift-on requests not granted"
OFF_REQUESTS = "shift-off requests not granted"
UNDER_COVER = "under cover"
OVER_COVER = "over cover"


@dataclass(frozen=True)
class Evaluation:
    """The objective of a roster, what each soft term contributes, and the hard constraints it breaks."""

    objective: int
    hard_violations: list[str]
    breakdown: dict[str, int]

    @property
    def feasible(self) -> bool:
        """True when no hard constraint is broken."""
        return not self.hard_violations


def _runs(worked: list[bool], value: bool) -> list[tuple[int, int]]:
    """Maximal runs of `value` as (first day, length)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for day, w in enumerate([*worked, not value]):
        if w == value and start is None:
            start = day
        elif w != value and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def _check_employee(instance: Instance, staff: Staff, assignment: Assignment) -> list[str]:
    horizon = instance.horizon_days
    shifts = [assignment.get((staff.id, d)) for d in range(horizon)]
    worked = [s is not None for s in shifts]
    out: list[str] = []
    who = f"employee {staff.id}"

    # 2. shift rotation (days outside the horizon are off, so only pairs inside it matter)
    forbidden = {s.id: set(s.forbidden_next) for s in instance.shifts}
    for d in range(horizon - 1):
        a, b = shifts[d], shifts[d + 1]
        if a is not None and b is not None and b in forbidden.get(a, set()):
            out.append(f"{who}: shift {b} on day {d + 1} must not follow shift {a} on day {d}")
    # 3. max shifts per type (a type missing from MaxShifts is unlimited)
    for shift_id in instance.shift_ids:
        count = sum(1 for s in shifts if s == shift_id)
        limit = staff.max_shifts.get(shift_id)
        if limit is not None and count > limit:
            out.append(f"{who}: works shift {shift_id} {count} times, more than the maximum {limit}")
    # 4, 5. total minutes
    lengths = {s.id: s.length_minutes for s in instance.shifts}
    minutes = sum(lengths[s] for s in shifts if s is not None)
    if minutes > staff.max_total_minutes:
        out.append(f"{who}: works {minutes} minutes, more than the maximum {staff.max_total_minutes}")
    if minutes < staff.min_total_minutes:
        out.append(f"{who}: works {minutes} minutes, less than the minimum {staff.min_total_minutes}")
    # 6. max consecutive shifts (days outside the horizon are off)
    for first, length in _runs(worked, True):
        if length > staff.max_consecutive_shifts:
            out.append(
                f"{who}: works {length} days in a row from day {first}, "
                f"more than the maximum {staff.max_consecutive_shifts}"
            )
    # 7. min consecutive shifts (runs touching either border are exempt)
    for first, length in _runs(worked, True):
        inside = first > 0 and first + length < horizon
        if inside and length < staff.min_consecutive_shifts:
            out.append(
                f"{who}: works only {length} day(s) in a row from day {first}, "
                f"fewer than the minimum {staff.min_consecutive_shifts}"
            )
    # 8. min consecutive days off (runs touching either border are exempt)
    for first, length in _runs(worked, False):
        inside = first > 0 and first + length < horizon
        if inside and length < staff.min_consecutive_days_off:
            out.append(
                f"{who}: has only {length} day(s) off in a row from day {first}, "
                f"fewer than the minimum {staff.min_consecutive_days_off}"
            )
    # 9. max weekends
    weekends = sum(1 for days in instance.weekends() if any(worked[d] for d in days))
    if weekends > staff.max_weekends:
        out.append(f"{who}: works {weekends} weekends, more than the maximum {staff.max_weekends}")
    # 10. days off
    for d in sorted(staff.days_off):
        if d < horizon and worked[d]:
            out.append(f"{who}: works on day {d}, a day off")
    return out


def evaluate(instance: Instance, assignment: Assignment | Iterable[tuple[str, int, str]]) -> Evaluation:
    """Score a roster by the benchmark's definition and list its broken hard constraints.

    Args:
        instance: the instance.
        assignment: shift type per (employee, day) worked, or rows (employee, day, shift) as in the
            solution CSV; a pair that is absent is a day off.

    Returns:
        The objective (to minimise), its breakdown by soft term, and the hard violations in words.
    """
    violations: list[str] = []
    if not isinstance(assignment, Mapping):
        rows: dict[tuple[str, int], str] = {}
        for who, day, shift in assignment:
            if (who, day) in rows:  # 1. at most one shift per employee per day
                violations.append(
                    f"employee {who}: works more than one shift on day {day} ({rows[(who, day)]} and {shift})"
                )
            rows[(who, day)] = shift
        assignment = rows
    staff_ids = {s.id for s in instance.staff}
    shift_ids = set(instance.shift_ids)
    # a row the instance cannot hold is reported rather than silently ignored
    for (who, day), shift in sorted(assignment.items()):
        if who not in staff_ids:
            violations.append(f"unknown employee {who} on day {day}")
        if shift not in shift_ids:
            violations.append(f"employee {who}: unknown shift type {shift} on day {day}")
        if not 0 <= day < instance.horizon_days:
            violations.append(f"employee {who}: day {day} is outside the horizon")
    for staff in instance.staff:
        violations.extend(_check_employee(instance, staff, assignment))

    on = sum(r.weight for r in instance.on_requests if assignment.get((r.employee, r.day)) != r.shift)
    off = sum(r.weight for r in instance.off_requests if assignment.get((r.employee, r.day)) == r.shift)
    under = over = 0
    for c in instance.cover:
        x = sum(1 for s in instance.staff if assignment.get((s.id, c.day)) == c.shift)
        if x < c.requirement:
            under += (c.requirement - x) * c.under_weight
        elif x > c.requirement:
            over += (x - c.requirement) * c.over_weight
    breakdown = {ON_REQUESTS: on, OFF_REQUESTS: off, UNDER_COVER: under, OVER_COVER: over}
    return Evaluation(sum(breakdown.values()), violations, breakdown)

"""The Curtois staff-rostering benchmark's files: its instance text format and its solution CSV.

A pure reader into the day-level form (`scheduler/daylevel/instance.py`); the rules and the objective
are defined in the benchmark's README (`../shared/benchmarks/curtois/README.md`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from common.errors import InputIssue, InvalidInput
from scheduler.daylevel.instance import Assignment, Cover, Instance, ShiftRequest, ShiftType, Staff

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
SOLUTION_HEADER = ("employee", "day", "shift")


@dataclass
class _Line:
    number: int
    fields: list[str]
    text: str


class _Reader:
    """Line-by-line parser that turns every problem into an `InputIssue` naming the line."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, line: _Line, reason: str) -> InvalidInput:
        return InvalidInput([InputIssue(f"line {line.number}: {reason}", self.name, value=line.text)])

    def integer(self, line: _Line, text: str, what: str, minimum: int = 0) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise self.fail(line, f"{what} must be a whole number, not {text.strip()!r}") from None
        if value < minimum:
            raise self.fail(line, f"{what} must be at least {minimum}, not {value}")
        return value

    def arity(self, line: _Line, count: int, layout: str) -> None:
        if len(line.fields) != count:
            raise self.fail(line, f"expected {count} fields ({layout}), found {len(line.fields)}")


def _sections(text: str, reader: _Reader) -> dict[str, list[_Line]]:
    sections: dict[str, list[_Line]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line = _Line(number, [f.strip() for f in stripped.split(",")], stripped)
        if stripped.startswith("SECTION_"):
            if stripped not in SECTIONS:
                raise reader.fail(line, f"unknown section; expected one of {', '.join(SECTIONS)}")
            if stripped in sections:
                raise reader.fail(line, "section appears twice")
            current = stripped
            sections[current] = []
            continue
        if current is None:
            raise reader.fail(line, "data before the first SECTION_ header")
        sections[current].append(line)
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise InvalidInput([InputIssue(f"missing section(s) {', '.join(missing)}", reader.name)])
    return sections


def parse_instance(text: str, name: str = "<instance>") -> Instance:
    """Parse the text of a Curtois instance file.

    Raises:
        InvalidInput: a section is missing, a line has the wrong fields, or an id or day is unknown;
            the message names `name`, the line and the reason.
    """
    r = _Reader(name)
    sections = _sections(text, r)
    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise InvalidInput([InputIssue("SECTION_HORIZON must hold exactly one number", name)])
    horizon = r.integer(horizon_lines[0], horizon_lines[0].fields[0], "the horizon (days)", minimum=1)

    shifts = _read_shifts(r, sections["SECTION_SHIFTS"])
    shift_ids = {s.id for s in shifts}
    staff = _read_staff(r, sections["SECTION_STAFF"], shift_ids)
    staff_ids = {s.id for s in staff}

    def day(line: _Line, text: str) -> int:
        value = r.integer(line, text, "a day index")
        if value >= horizon:
            raise r.fail(line, f"day {value} is outside the horizon of {horizon} days (0..{horizon - 1})")
        return value

    def employee(line: _Line, text: str) -> str:
        if text not in staff_ids:
            raise r.fail(line, f"unknown employee {text!r}; declare it in SECTION_STAFF")
        return text

    def shift_id(line: _Line, text: str) -> str:
        if text not in shift_ids:
            raise r.fail(line, f"unknown shift type {text!r}; declare it in SECTION_SHIFTS")
        return text

    days_off: dict[str, set[int]] = {}
    for line in sections["SECTION_DAYS_OFF"]:
        who = employee(line, line.fields[0])
        days_off.setdefault(who, set()).update(day(line, f) for f in line.fields[1:] if f)
    staff = tuple(replace(s, days_off=frozenset(days_off.get(s.id, ()))) for s in staff)

    def requests(lines: list[_Line]) -> tuple[ShiftRequest, ...]:
        out = []
        for line in lines:
            r.arity(line, 4, "EmployeeID, Day, ShiftID, Weight")
            who, d, s, w = line.fields
            out.append(
                ShiftRequest(
                    employee(line, who), day(line, d), shift_id(line, s), r.integer(line, w, "weight")
                )
            )
        return tuple(out)

    cover = []
    seen: set[tuple[int, str]] = set()
    for line in sections["SECTION_COVER"]:
        r.arity(line, 5, "Day, ShiftID, Requirement, Weight for under, Weight for over")
        d, s, req, under, over = line.fields
        item = Cover(
            day(line, d),
            shift_id(line, s),
            r.integer(line, req, "requirement"),
            r.integer(line, under, "weight for under"),
            r.integer(line, over, "weight for over"),
        )
        if (item.day, item.shift) in seen:
            raise r.fail(line, f"cover for day {item.day}, shift {item.shift} is given twice")
        seen.add((item.day, item.shift))
        cover.append(item)

    return Instance(
        name,
        horizon,
        shifts,
        staff,
        requests(sections["SECTION_SHIFT_ON_REQUESTS"]),
        requests(sections["SECTION_SHIFT_OFF_REQUESTS"]),
        tuple(cover),
    )


def _read_shifts(r: _Reader, lines: list[_Line]) -> tuple[ShiftType, ...]:
    shifts: list[ShiftType] = []
    for line in lines:
        r.arity(line, 3, "ShiftID, Length in mins, Shifts which cannot follow")
        sid, length, forbidden = line.fields
        if not sid:
            raise r.fail(line, "empty shift id")
        if any(s.id == sid for s in shifts):
            raise r.fail(line, f"shift type {sid!r} is declared twice")
        shifts.append(
            ShiftType(
                sid,
                r.integer(line, length, "shift length (minutes)", minimum=1),
                tuple(f.strip() for f in forbidden.split("|") if f.strip()),
            )
        )
    ids = {s.id for s in shifts}
    for line, s in zip(lines, shifts, strict=True):
        unknown = [f for f in s.forbidden_next if f not in ids]
        if unknown:
            raise r.fail(line, f"shift {s.id} forbids unknown shift type(s) {', '.join(unknown)}")
    if not shifts:
        raise InvalidInput([InputIssue("SECTION_SHIFTS declares no shift type", r.name)])
    return tuple(shifts)


def _read_staff(r: _Reader, lines: list[_Line], shift_ids: set[str]) -> tuple[Staff, ...]:
    staff: list[Staff] = []
    layout = (
        "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, "
        "MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends"
    )
    for line in lines:
        r.arity(line, 8, layout)
        sid, max_shifts_text, *numbers = line.fields
        if any(s.id == sid for s in staff):
            raise r.fail(line, f"employee {sid!r} is declared twice")
        max_shifts: dict[str, int] = {}
        for part in (p.strip() for p in max_shifts_text.split("|") if p.strip()):
            shift, sep, value = part.partition("=")
            if not sep:
                raise r.fail(line, f"MaxShifts entry {part!r} must look like ShiftID=max")
            if shift not in shift_ids:
                raise r.fail(line, f"MaxShifts names unknown shift type {shift!r}")
            max_shifts[shift] = r.integer(line, value, f"MaxShifts for {shift}")
        names = (
            "MaxTotalMinutes",
            "MinTotalMinutes",
            "MaxConsecutiveShifts",
            "MinConsecutiveShifts",
            "MinConsecutiveDaysOff",
            "MaxWeekends",
        )
        values = [r.integer(line, text, what) for text, what in zip(numbers, names, strict=True)]
        max_total, min_total, max_run, min_run, min_off, max_weekends = values
        staff.append(Staff(sid, max_shifts, max_total, min_total, max_run, min_run, min_off, max_weekends))
    return tuple(staff)


def read_instance(path: Path) -> Instance:
    """Read a Curtois instance file; the instance is named after the file (`Instance1`).

    Raises:
        InvalidInput: the file cannot be read or is malformed (the message names the file and line).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([InputIssue(f"cannot read the instance file: {exc}", str(path))]) from exc
    instance = parse_instance(text, str(path))
    return replace(instance, name=path.stem)


def read_solution_csv(path: Path, instance: Instance | None = None) -> dict[tuple[str, int], str]:
    """Read a solution CSV (`employee,day,shift`, one row per worked day) into an assignment.

    With `instance`, employees, days and shift types are checked against it.

    Raises:
        InvalidInput: the file is missing, has the wrong header, a bad row or a day worked twice.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([InputIssue(f"cannot read the solution file: {exc}", str(path))]) from exc
    if not rows or tuple(c.strip() for c in rows[0]) != SOLUTION_HEADER:
        raise InvalidInput([InputIssue(f"the header must be {','.join(SOLUTION_HEADER)}", str(path), row=1)])
    staff = None if instance is None else {s.id for s in instance.staff}
    shifts = None if instance is None else set(instance.shift_ids)
    out: dict[tuple[str, int], str] = {}
    issues: list[InputIssue] = []
    for number, row in _numbered(rows):
        if len(row) != 3:
            issues.append(InputIssue("expected 3 fields: employee,day,shift", str(path), row=number))
            continue
        who, day_text, shift = (c.strip() for c in row)
        try:
            day = int(day_text)
        except ValueError:
            issues.append(InputIssue("day must be a whole number", str(path), number, "day", day_text))
            continue
        if staff is not None and who not in staff:
            issues.append(InputIssue("unknown employee", str(path), number, "employee", who))
        elif shifts is not None and shift not in shifts:
            issues.append(InputIssue("unknown shift type", str(path), number, "shift", shift))
        elif instance is not None and not 0 <= day < instance.horizon_days:
            issues.append(InputIssue("day outside the horizon", str(path), number, "day", day_text))
        elif (who, day) in out:
            issues.append(InputIssue(f"{who} works day {day} twice", str(path), row=number))
        else:
            out[(who, day)] = shift
    if issues:
        raise InvalidInput(issues)
    return out


def _numbered(rows: list[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their spreadsheet row number (header is row 1); blank rows skipped."""
    for number, row in enumerate(rows[1:], start=2):
        if any(c.strip() for c in row):
            yield number, row


def write_solution_csv(assignment: Assignment, path: Path) -> None:
    """Write an assignment as `employee,day,shift`, one row per worked day, sorted by employee and day."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SOLUTION_HEADER)
        for (who, day), shift in sorted(assignment.items()):
            writer.writerow([who, day, shift])

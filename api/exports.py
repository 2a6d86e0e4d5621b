"""Exports: a roster's contract CSV, XLSX workbook (agents × days, coverage) and iCalendar per agent;
a scenario comparison as CSV and XLSX; any frame as CSV.

Pure functions from domain values to bytes, shared by the service and the CLI. Every CSV and XLSX
goes through `api.cells` on its way out, so no cell of an export can run as a formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.cells import safe_workbook
from api.csv_text import csv_bytes
from api.formats import LEAVE_ACTIVITIES, roster_csv_frame
from api.ics_zones import calendar_years, vtimezone
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY, zone
from scheduler import Agent, AvailabilityEntry, QueueDay, Roster, Shift, Team, entry_span_utc
from scheduler.domain import merge_overlapping
from scheduler.roster.problem import rows_of_shift_day
from scheduler.scenarios import METRICS

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_OFF_FILL = PatternFill("solid", fgColor="F2F2F2")
_TIME_OFF_FILL = PatternFill("solid", fgColor="FFF2CC")
_SHORT_FILL = PatternFill("solid", fgColor="F8CBAD")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV (`api.csv_text`): UTF-8 with a byte-order mark, instants in ISO-8601 (UTC as
    `Z`), text cells safe for spreadsheets."""
    return csv_bytes(frame)


def roster_csv_bytes(roster: Roster, team: Team, availability: Iterable[AvailabilityEntry] = ()) -> bytes:
    """The roster CSV (one row per shift, break and lunch, then each dated day of time off or sick): the
    contract's columns, then the local times a spreadsheet reads (`ROSTER_CSV_COLUMNS`)."""
    return csv_bytes(roster_csv_frame(roster, team, availability))


def workbook_bytes(book: Workbook) -> bytes:
    """A workbook as XLSX bytes, every text cell made safe first."""
    out = io.BytesIO()
    safe_workbook(book).save(out)
    return out.getvalue()


def _local(instant: datetime, agent: Agent) -> datetime:
    return instant.astimezone(zone(agent.tz))


def wall_clock(local: datetime) -> str:
    """A local instant as a lead reads it, HH:MM; in the hour a change of clocks repeats, with the
    zone's abbreviation (02:45 CEST, then 02:45 CET), for the same time is on the wall twice."""
    repeated = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    return f"{local:%H:%M} {local.tzname()}" if repeated else f"{local:%H:%M}"


def stretches_text(shift: Shift, tz: ZoneInfo) -> str:
    """The shift's queue stretches on `tz`'s wall clock, e.g. "chat 12:00–17:15, phone 17:15–18:15,
    chat 18:15–20:00"; its queue alone when the roster gives it no stretches (all of it on one queue)."""
    stretches = sorted(shift.work, key=lambda w: w.start_utc)
    if not stretches:
        return shift.queue
    return ", ".join(
        f"{w.queue} {wall_clock(w.start_utc.astimezone(tz))}–{wall_clock(w.end_utc.astimezone(tz))}"
        for w in stretches
    )


def _cell_text(shift: Shift, agent: Agent) -> str:
    start, end = _local(shift.start_utc, agent), _local(shift.end_utc, agent)
    next_day = " (+1)" if end.date() != start.date() else ""
    named = f"{shift.shift_type} " if shift.shift_type else ""
    lines = [f"{named}{wall_clock(start)}–{wall_clock(end)}{next_day}", stretches_text(shift, zone(agent.tz))]
    breaks = sorted(shift.breaks, key=lambda b: b.start_utc)
    if breaks:
        lines.append(", ".join(f"{b.kind} {wall_clock(_local(b.start_utc, agent))}" for b in breaks))
    return "\n".join(lines)


def _style_header(ws: Worksheet, columns: int) -> None:
    for col in range(1, columns + 1):
        cell = ws.cell(row=1, column=col)
        cell.fill, cell.font, cell.border = _HEADER_FILL, _HEADER_FONT, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30


# the words for a day away, by the kind of leave (a sick call reads as such, not as time off)
LEAVE_WORDS = {"absence": "sick", "time_off": "time off"}


def _leave_days(
    availability: tuple[AvailabilityEntry, ...], agent: Agent, days: list[date]
) -> dict[date, str]:
    """The agent's days away among `days`, each with its words (`LEAVE_WORDS`; sick first)."""
    entries = [e for e in availability if e.agent_id == agent.id]
    out: dict[date, str] = {}
    for kind, words in LEAVE_WORDS.items():
        for d in days:
            if d not in out and any(e.kind == kind and e.applies_to(d) for e in entries):
                out[d] = words
    return out


def _leave_after(availability: tuple[AvailabilityEntry, ...], agent: Agent, shift: Shift) -> str:
    """A shift's day of leave that begins once the shift is over (sent home ill: the shift ends where
    the sick call begins), as a second line: "then sick"; else nothing."""
    mine = rows_of_shift_day((e for e in availability if e.agent_id == agent.id), shift.local_date)
    for kind, words in LEAVE_WORDS.items():
        starts = [entry_span_utc(e, d, agent.tz)[0] for e, d in mine if e.kind == kind]
        if any(shift.end_utc <= start < shift.end_utc + timedelta(hours=1) for start in starts):
            return f"\nthen {words}"
    return ""


def _roster_sheet(
    ws: Worksheet, team: Team, roster: Roster, availability: tuple[AvailabilityEntry, ...]
) -> None:
    week = {roster.first_day + timedelta(days=i) for i in range(DAYS_PER_WEEK)}
    # an agent far from the team's zone may start a shift of the team's week on a local day
    # before or after it: that day gets a column too, named as such, blank for everyone else
    days = sorted(week | {s.local_date for s in roster.shifts})
    ws.title = "Roster"
    header = [
        "Agent",
        "Name",
        "Zone\n(each agent's times are in it)",
        *(f"{d:%a} {d:%d %b}" + ("" if d in week else "\n(local day, outside the week)") for d in days),
        "Hours",
    ]
    ws.append(header)
    by_day: dict[tuple[str, date], Shift] = {(s.agent_id, s.local_date): s for s in roster.shifts}
    hours: dict[str, float] = defaultdict(float)
    for s in roster.shifts:
        hours[s.agent_id] += s.hours
    for r, agent in enumerate(team.agents, start=2):
        away = _leave_days(availability, agent, days)
        ws.cell(row=r, column=1, value=agent.id)
        ws.cell(row=r, column=2, value=agent.name)
        ws.cell(row=r, column=3, value=agent.tz)
        for c, day in enumerate(days, start=4):
            shift = by_day.get((agent.id, day))
            cell = ws.cell(row=r, column=c)
            if shift is not None:
                cell.value = _cell_text(shift, agent) + _leave_after(availability, agent, shift)
            elif day not in week:
                cell.value = None
            else:
                cell.value = away.get(day, "off")
                cell.fill = _TIME_OFF_FILL if day in away else _OFF_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=len(header), value=round(hours.get(agent.id, 0.0), 2)).number_format = "0.0"
        for c in range(1, len(header) + 1):
            ws.cell(row=r, column=c).border = _BORDER
        ws.row_dimensions[r].height = 48
    _style_header(ws, len(header))
    for c, width in enumerate([10, 22, 18, *([19] * len(days)), 8], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "D2"
    _print_on_pages_across(ws)


def _print_on_pages_across(ws: Worksheet) -> None:
    """Printed landscape, the whole width on one page and the header row on every page (a week of
    sixty agents would otherwise print its days across several pages)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _coverage_sheet(ws: Worksheet, team: Team, coverage: pd.DataFrame) -> None:
    """Per queue and interval: the need, agents on the queue, time blended in, shortfall, service."""
    header = [
        "Queue",
        f"Interval start ({team.tz})",
        "Interval start (UTC)",
        "Need (agents)",
        "On queue",
        "Blended in (agents)",
        "Short (agents)",
        "Expected service level",
    ]
    ws.append(header)
    tz = zone(team.tz)
    instants = pd.to_datetime(coverage["ds"], utc=True)
    values = coverage[["need", "on_queue", "blended", "shortfall", "service_level"]].to_numpy(dtype=float)
    for queue, ds, row in zip(coverage["queue"].astype(str), instants, values, strict=True):
        moment = ds.to_pydatetime()
        need, on, blended, short, level = (float(v) for v in row)
        ws.append(
            [
                queue,
                moment.astimezone(tz).replace(tzinfo=None),  # spreadsheets hold wall times without a zone
                moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                round(need, 2),
                int(on),
                round(blended, 2),
                round(short, 2),
                None if level != level else round(level, 4),  # NaN: no forecast volume
            ]
        )
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=2).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(row=r, column=8).number_format = "0.0%"
    _style_header(ws, len(header))
    if ws.max_row > 1:
        ws.conditional_formatting.add(
            f"G2:G{ws.max_row}", CellIsRule(operator="greaterThan", formula=["0"], fill=_SHORT_FILL)
        )
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{ws.max_row}"
    for c, width in enumerate([18, 20, 22, 12, 10, 12, 12, 14], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _days_sheet(ws: Worksheet, days: list[QueueDay]) -> None:
    """Per queue and local day: need, on-queue and shortfall agent-hours, the expected service level
    against the target, and the contacts."""
    header = ["Queue", "Day", "Need (agent-hours)", "On queue (agent-hours)", "Short (agent-hours)",
              "Contacts", "Expected service level", "Target"]  # fmt: skip
    ws.append(header)
    for d in days:
        ws.append(
            [d.queue, d.day, round(d.need_hours, 2), round(d.on_queue_hours, 2), round(d.shortfall_hours, 2),
             round(d.volume, 1), None if d.service_level is None else round(d.service_level, 4), d.target]
        )  # fmt: skip
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=2).number_format = "ddd dd mmm"
        ws.cell(row=r, column=7).number_format = "0.0%"
        ws.cell(row=r, column=8).number_format = "0%"
        level, target = ws.cell(row=r, column=7), ws.cell(row=r, column=8)
        if level.value is not None and target.value is not None and level.value < target.value:
            level.fill = _SHORT_FILL
    _style_header(ws, len(header))
    for c, width in enumerate([18, 14, 14, 14, 14, 10, 14, 8], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _rows_sheet(
    ws: Worksheet, roster: Roster, team: Team, availability: tuple[AvailabilityEntry, ...] = ()
) -> None:
    """The roster CSV's rows, as the CSV has them: shifts, breaks and stretches, then each agent's
    dated time off and sick days, with the local times a spreadsheet reads."""
    frame = roster_csv_frame(roster, team, availability)
    ws.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        ws.append([str(v) for v in values])
    _style_header(ws, len(frame.columns))
    for c, width in enumerate([10, 22, 12, 9, 18, 26, 26, 22, 22, 17, 17], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def roster_xlsx_bytes(
    team: Team,
    roster: Roster,
    coverage_frame: pd.DataFrame,
    days: list[QueueDay] | None = None,
    availability: Iterable[AvailabilityEntry] = (),
) -> bytes:
    """A workbook: 'Roster' (agents × local days, times and queue stretches in each agent's zone),
    'Coverage by day' (when `days` are given), 'Coverage' (per interval) and 'Shifts'.

    Args:
        team: the team whose roster it is.
        roster: the roster to show.
        coverage_frame: per queue and interval `ds`, `need`, `on_queue`, `blended`, `shortfall` and
            `service_level` (as `scheduler.roster.report.coverage_frame` gives).
        days: per queue and local day, as `RosterSummary.days` gives.
        availability: the roster's availability rows: a day off on time off or sick reads as such.
    """
    book = Workbook()
    leave = tuple(availability)
    _roster_sheet(book.active, team, roster, leave)
    if days is not None:
        _days_sheet(book.create_sheet("Coverage by day"), days)
    _coverage_sheet(book.create_sheet("Coverage"), team, coverage_frame)
    _rows_sheet(book.create_sheet("Shifts"), roster, team, leave)
    return workbook_bytes(book)


# events' SEQUENCE counts seconds from here: a later file's is higher, even within a minute, and fits the
# 32-bit integer calendar programs keep until 2088
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def agent_ics_bytes(
    roster: Roster,
    team: Team,
    agent_id: str,
    *,
    stamp: datetime | None = None,
    availability: Iterable[AvailabilityEntry] = (),
    replaces: Roster | None = None,
    team_id: str | None = None,
) -> bytes:
    """One iCalendar file of an agent's shifts, times in the agent's zone (with its VTIMEZONE, from
    `api.ics_zones`, for the years the events fall in), and the agent's dated time off and sick days
    of the roster's week from `availability` (a whole day as an all-day event). A shift that moves between queues names them
    all in its summary and each stretch with its times in its description, beside the breaks.

    A shift's event keeps its UID (team, agent, local day) from version to version, and its SEQUENCE
    is the seconds of `stamp` since `SEQUENCE_EPOCH`, so a calendar program takes a later file's event
    over an earlier one's. With `replaces` (the roster in force this one replaces, e.g. before a sick call),
    each of its shifts on a day the agent no longer works comes as a cancelled event of the same UID.
    The team part of a UID is `team_id` (the service's, which a rename does not change), else, for a
    team file, which has no id, a slug of the team's name (`_uid_key`).

    Raises:
        InvalidInput: the agent is not in the team.
    """
    agent = team.agent(agent_id)
    tz = zone(agent.tz)
    stamp = stamp or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//wfm-optimizer//roster//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{team.name}: {agent.name}")
    cal.add("x-wr-timezone", agent.tz)
    cal.add("method", "PUBLISH")
    key = _uid_key(team, team_id)
    sequence = int((stamp - SEQUENCE_EPOCH).total_seconds())
    days: list[date] = []
    for s in roster.shifts_of(agent.id):
        days += [s.start_utc.astimezone(tz).date(), s.end_utc.astimezone(tz).date()]
        event = Event()
        event.add("uid", _shift_uid(key, s))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", s.start_utc.astimezone(tz))
        event.add("dtend", s.end_utc.astimezone(tz))
        queues = list(dict.fromkeys(w.queue for w in sorted(s.queue_spans(), key=lambda w: w.start_utc)))
        event.add("summary", f"Shift: {', '.join(queues)}")
        breaks = sorted(s.breaks, key=lambda b: b.start_utc)
        lines = [
            f"{team.name}, queues: {stretches_text(s, tz)}"
            if len(s.work) > 1
            else f"{team.name}, queue {s.queue}"
        ]
        lines += [
            f"{b.kind}: {wall_clock(b.start_utc.astimezone(tz))}–{wall_clock(b.end_utc.astimezone(tz))}"
            for b in breaks
        ]
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    worked = {s.local_date for s in roster.shifts_of(agent.id)}
    for s in () if replaces is None else replaces.shifts_of(agent.id):
        if s.local_date not in worked:
            days.append(s.start_utc.astimezone(tz).date())
            cal.add_component(_cancelled_event(s, tz, _shift_uid(key, s), stamp, sequence))
    for entry in merge_overlapping(availability):  # the days away of the roster's week (a file per week)
        if entry.agent_id == agent.id and entry.kind in LEAVE_ACTIVITIES and entry.on_date in roster.days:
            cal.add_component(_time_off_event(entry, entry.on_date, tz, key, stamp, sequence))
            days.append(entry.on_date)
    # the zone's block goes first, as calendar programs write it (not icalendar's own: its onsets of
    # daylight time are an hour late, see api.ics_zones)
    cal.subcomponents.insert(0, vtimezone(tz.key, *calendar_years(days, stamp.astimezone(tz).date())))
    return bytes(cal.to_ical())


def _uid_key(team: Team, team_id: str | None = None) -> str:
    """The team's part of its events' UIDs: its id where it has one (the service's teams), else a slug of
    its name (a team file's)."""
    if team_id is not None:
        return team_id
    return "".join(ch if ch.isalnum() else "-" for ch in team.name.lower())


def _shift_uid(key: str, shift: Shift) -> str:
    """The UID of a shift's event: the same for the agent's day in every version of the roster."""
    return f"{key}-{shift.agent_id}-{shift.local_date.isoformat()}@wfm-optimizer"


# the word of each kind of leave in its event's UID, so that time off and a sick day from the same minute
# of a day are two events (time off keeps the "off" its UIDs had before sick days had a word of their own)
_LEAVE_UID_WORDS = {"time_off": "off", "absence": "sick"}


def _leave_uid(key: str, entry: AvailabilityEntry, day: date) -> str:
    """The UID of a day away's event: team, agent, kind of leave, local day and starting minute."""
    word = _LEAVE_UID_WORDS[entry.kind]
    return f"{key}-{entry.agent_id}-{word}-{day.isoformat()}-{entry.start_minute}@wfm-optimizer"


def _cancelled_event(shift: Shift, tz: ZoneInfo, uid: str, stamp: datetime, sequence: int) -> Event:
    """The event of a shift no longer worked: its UID, times and summary, cancelled."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED")
    event.add("dtstart", shift.start_utc.astimezone(tz))
    event.add("dtend", shift.end_utc.astimezone(tz))
    event.add("summary", "Cancelled shift")
    event.add("transp", "TRANSPARENT")
    return event


def _time_off_event(
    entry: AvailabilityEntry, day: date, tz: ZoneInfo, key: str, stamp: datetime, sequence: int
) -> Event:
    event = Event()
    event.add("uid", _leave_uid(key, entry, day))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    if entry.start_minute == 0 and entry.end_minute == MINUTES_PER_DAY:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        midnight = datetime.combine(day, time(0))
        event.add("dtstart", (midnight + timedelta(minutes=entry.start_minute)).replace(tzinfo=tz))
        event.add("dtend", (midnight + timedelta(minutes=entry.end_minute)).replace(tzinfo=tz))
    # a sick day's note is HR's and may be medical ("flu"): the calendar, which others may see, says only "Sick"
    note = f": {entry.note}" if entry.note and entry.kind != "absence" else ""
    event.add("summary", LEAVE_WORDS[entry.kind].capitalize() + note)
    event.add("transp", "TRANSPARENT")
    return event


_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
# names Windows keeps for devices, in any case and with any extension: a file `CON.ics` cannot be made
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)}
)


def _file_stem(agent_id: str) -> str:
    """An agent id as a file name every system accepts: characters other than letters, digits, '.', '_'
    and '-' as '_', and a Windows device name (CON, con.x, COM1, ...) with '_' after it (CON_, con_.x)."""
    stem = _UNSAFE_FILE_CHARS.sub("_", agent_id)
    head, dot, rest = stem.partition(".")
    return f"{head}_{dot}{rest}" if head.upper() in _WINDOWS_DEVICE_NAMES else stem


def calendar_file_names(agent_ids: Iterable[str]) -> dict[str, str]:
    """Each agent's calendar file name (`_file_stem` + '.ics'), unique even where a file system ignores
    case: an id kept as it is keeps its name, and a name taken already gets '_2', '_3', ... after it."""
    ids = list(agent_ids)
    names: dict[str, str] = {}
    taken: set[str] = set()
    # ids that need no change first, so that a changed one (CON → CON_) cannot take an id's own name
    for agent_id in sorted(ids, key=lambda i: _file_stem(i) != i):
        stem = _file_stem(agent_id)
        name, n = f"{stem}.ics", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}_{n}.ics"
        taken.add(name.casefold())
        names[agent_id] = name
    return {agent_id: names[agent_id] for agent_id in ids}


def calendar_files(
    roster: Roster,
    team: Team,
    availability: Iterable[AvailabilityEntry] = (),
    replaces: Roster | None = None,
    team_id: str | None = None,
) -> dict[str, bytes]:
    """One iCalendar file per agent of the team, by a file name made safe from the agent's id
    (`calendar_file_names`; with `replaces`, the roster in force: its shifts no longer worked come
    cancelled; UIDs of `team_id`, as `agent_ics_bytes` makes them)."""
    entries = tuple(availability)
    stamp = datetime.now(UTC)
    names = calendar_file_names(a.id for a in team.agents)
    return {
        names[a.id]: agent_ics_bytes(
            roster, team, a.id, stamp=stamp, availability=entries, replaces=replaces, team_id=team_id
        )
        for a in team.agents
    }


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """`files` (name → content) as one zip archive, compressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


_BY_QUEUE_FIGURES = ("volume", "required_agent_hours", "service_level", "asa_s", "abandonment", "occupancy")


def comparison_csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """A scenario comparison (`ScenarioComparison.records()`) as CSV: its figures and deltas, base first,
    and each row's notes (what its figures leave out) in the last column."""
    flat = [
        {**{k: v for k, v in r.items() if k not in ("by_queue", "notes")}, "notes": _notes(r)} for r in rows
    ]
    return frame_csv_bytes(pd.DataFrame.from_records(flat))


def _notes(row: dict[str, Any]) -> str:
    return "; ".join(row.get("notes") or ())


def comparison_xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    """A workbook: `Comparison` (figures, and each row's notes), `Deltas` (against the base) and `By queue`."""
    book = Workbook()
    for n, (name, prefix) in enumerate((("Comparison", ""), ("Deltas", "delta_"))):
        sheet = book.active if n == 0 else book.create_sheet(name)
        sheet.title = name
        sheet.append(["scenario", "depth", *METRICS, *(["notes"] if n == 0 else [])])
        for row in rows:
            notes = [_notes(row)] if n == 0 else []
            sheet.append([row["scenario"], row["depth"], *(row.get(prefix + m) for m in METRICS), *notes])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2"
    by_queue = book.create_sheet("By queue")
    by_queue.append(["scenario", "queue", *_BY_QUEUE_FIGURES])
    for row in rows:
        for queue, figures in (row.get("by_queue") or {}).items():
            by_queue.append([row["scenario"], queue, *(figures.get(k) for k in _BY_QUEUE_FIGURES)])
    for cell in by_queue[1]:
        cell.font = Font(bold=True)
    return workbook_bytes(book)

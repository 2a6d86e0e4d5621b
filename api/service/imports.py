"""Uploads imported into a team: availability, contact history, requirements.

Each kind is a reader (the file to checked domain values, all rows or none) and a store (those
values into the database, with the answer the caller gets). A small upload runs both inside its
request; a big one runs them in a job's worker process (`import_worker`), so that a request never
parses for long. Both paths are these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.formats import (
    MAX_AVAILABILITY_ENTRIES,
    MAX_ISSUES,
    AvailabilityRead,
    days_between,
    empty_span_reason,
    read_availability_file,
    read_history,
    read_requirements,
    skipped_time_reason,
)
from api.importers.tickets import TicketReport, import_tickets
from api.schemas import MAX_NOTE_CHARS
from api.service.params import ImportJobParams
from api.service.presenters import dataset_out
from api.service.schemas import AvailabilityEntries, AvailabilityEntryIn, TicketExportQuery
from api.service.storage import import_availability, save_dataset, span_meta
from api.service.uploads import parse_upload, sha256_of
from api.text import control_character
from common.errors import InputIssue, InvalidInput
from common.timegrid import MINUTES_PER_DAY, clock_to_minute, end_clock_to_minute
from scheduler import AvailabilityEntry, Team
from scheduler.domain import WEEKDAYS

HISTORY_ORDER = ["ds", "queue", "y", "region", "aht_s"]  # the columns as read_history gives them


@dataclass(frozen=True)
class Importer:
    """How one kind of upload is read and stored."""

    suffixes: tuple[str, ...]
    read: Callable[[bytes, ImportJobParams, Team], Any]
    store: Callable[[Session, str, Any, ImportJobParams, bytes, int | None], dict[str, Any]]


def _read_availability(data: bytes, params: ImportJobParams, team: Team) -> AvailabilityRead:
    read: AvailabilityRead = parse_upload(
        data,
        params.filename,
        lambda path: read_availability_file(path, team, sheet=params.sheet),
        IMPORTERS["availability"].suffixes,
    )
    entries = read.entries
    long_notes = [
        InputIssue(
            f"the note has {len(e.note)} characters; at most {MAX_NOTE_CHARS} are allowed",
            params.filename,
            column="note",
            value=f"{e.agent_id}: {e.note[:40]}...",
        )
        for e in entries
        if len(e.note) > MAX_NOTE_CHARS
    ]
    if long_notes:
        raise InvalidInput(long_notes)
    return read


def typed_entries(body: AvailabilityEntries, team: Team) -> tuple[AvailabilityEntry, ...]:
    """The domain rows of availability typed in to store (a row per local day), checked against the team
    as an imported file's are: an agent of the team, days in range, a start before the end, times that
    exist on the agent's clock that day.

    Raises:
        InvalidInput: every entry that is wrong, by its place in `entries`.
    """
    return tuple(entry for _, entry in _typed_rows(body, team, _clock_issues))


def typed_removals(body: AvailabilityEntries, team: Team) -> tuple[tuple[str, AvailabilityEntry], ...]:
    """The rows typed in to remove, each with its entry's place (`entries.N`), checked as
    `typed_entries` checks them but for the times: a row stored before times the clocks jump past were
    refused is named as it was stored.

    Raises:
        InvalidInput: every entry that is wrong, by its place in `entries`.
    """
    return _typed_rows(body, team, lambda _where, _e, _days, _start, _end, _tz: [])


# what is wrong with a typed-in entry's times on its days: (its place, the entry, its days, its start
# and end minutes, the agent's zone)
ClockCheck = Callable[[str, AvailabilityEntryIn, list[date], int, int, str], list[InputIssue]]


def _typed_rows(
    body: AvailabilityEntries, team: Team, clock_check: ClockCheck
) -> tuple[tuple[str, AvailabilityEntry], ...]:
    """The domain rows of `body` (a row per local day, one for a weekday), each with its entry's place (`entries.N`), each
    entry checked against the team; at most `MAX_AVAILABILITY_ENTRIES` days in all (a range gives one
    per day)."""
    zones = {a.id: a.tz for a in team.agents}
    issues: list[InputIssue] = []
    out: list[tuple[str, AvailabilityEntry]] = []
    for i, e in enumerate(body.entries):
        where = f"entries.{i}"
        if e.agent_id not in zones:
            issues.append(
                InputIssue("no agent of the team has this id", column=f"{where}.agent_id", value=e.agent_id)
            )
            continue
        days, why = ([], None) if e.date is None else days_between(e.date, e.to or e.date)
        if days is None:
            issues.append(InputIssue(why or "not a range of days", column=f"{where}.to", value=str(e.to)))
            continue
        if len(out) + max(1, len(days)) > MAX_AVAILABILITY_ENTRIES:
            reason = (
                f"the entries give more than {MAX_AVAILABILITY_ENTRIES:,} days up to this one (a range gives one "
                "per day): send fewer at once"
            )
            issues.append(InputIssue(reason, column=f"{where}.to", value=str(e.to)))
            break
        start = 0 if e.start is None else clock_to_minute(e.start)
        end = MINUTES_PER_DAY if e.end is None else end_clock_to_minute(e.end)
        if end <= start:
            issues.append(InputIssue("end must come after start", column=f"{where}.end", value=e.end))
            continue
        problem = control_character(e.note)
        if problem is not None:
            issues.append(InputIssue(problem, column=f"{where}.note"))
            continue
        wrong = clock_check(where, e, days, start, end, zones[e.agent_id])
        if wrong:
            issues += wrong
            continue
        out += [
            (where, AvailabilityEntry(e.agent_id, e.kind, start, end, on_date=d, weekday=w, note=e.note))
            for d, w in (_weekday_of(e) if e.date is None else [(d, None) for d in days])
        ]
    if issues:
        raise InvalidInput(issues[:MAX_ISSUES])
    return tuple(out)


def _weekday_of(e: AvailabilityEntryIn) -> list[tuple[date | None, int | None]]:
    """The one row of a weekday entry: no date, its weekday (0 for Monday)."""
    return [(None, WEEKDAYS.index(e.weekday or ""))]


def _clock_issues(
    where: str, e: AvailabilityEntryIn, days: list[date], start: int, end: int, tz: str
) -> list[InputIssue]:
    """A start or end the clocks jump past on one of `days`, or a span that is no time at all."""
    skipped = [
        InputIssue(reason, column=f"{where}.{name}", value=given)
        for name, given, minute in (("start", e.start, start), ("end", e.end, end))
        if (reason := skipped_time_reason(days, minute, tz)) is not None
    ]
    empty = None if skipped else empty_span_reason(days, start, end, tz)
    return skipped if empty is None else [InputIssue(empty, column=f"{where}.end", value=e.end)]


def _store_availability(
    session: Session,
    team_id: str,
    read: AvailabilityRead,
    params: ImportJobParams,
    data: bytes,
    token_id: int | None,
) -> dict[str, Any]:
    skipped = {"skipped_not_approved": read.not_approved} if read.not_approved else {}
    return skipped | import_availability(
        session,
        team_id,
        read.entries,
        mode=params.mode,
        dry_run=params.dry_run,
        filename=params.filename,
        sha256=sha256_of(data),
        token_id=token_id,
    )


def _read_history(data: bytes, params: ImportJobParams, team: Team) -> pd.DataFrame:
    frame: pd.DataFrame = parse_upload(
        data,
        params.filename,
        lambda path: read_history(
            path,
            default_region=team.tz,
            assume_tz=params.assume_tz,
            aggregate=params.aggregate,
            interval_minutes=team.interval_minutes,
        ),
        IMPORTERS["history"].suffixes,
    )
    return frame


def _store_history(
    session: Session,
    team_id: str,
    frame: pd.DataFrame,
    params: ImportJobParams,
    _data: bytes,
    _token: int | None,
) -> dict[str, Any]:
    return dataset_out(
        save_dataset(session, team_id, "history", frame, _history_meta(frame, params), None)
    ).model_dump(mode="json")


def _history_meta(frame: pd.DataFrame, params: ImportJobParams) -> dict[str, Any]:
    """What a stored history says of itself: its file, queues and span."""
    return {"file": params.filename, "queues": sorted(frame["queue"].unique()), **span_meta(frame)}


def _read_tickets(data: bytes, params: ImportJobParams, team: Team) -> tuple[pd.DataFrame, TicketReport]:
    options = (params.tickets or TicketExportQuery()).to_options(team)
    counted: tuple[pd.DataFrame, TicketReport] = parse_upload(
        data, params.filename, lambda path: import_tickets(path, options), IMPORTERS["tickets"].suffixes
    )
    return counted


def _store_tickets(
    session: Session,
    team_id: str,
    counted: tuple[pd.DataFrame, TicketReport],
    params: ImportJobParams,
    _data: bytes,
    _token: int | None,
) -> dict[str, Any]:
    frame, report = counted
    meta = {
        **_history_meta(frame, params),
        "report": {
            "rows_read": report.rows_read,
            "blank_rows": report.blank_rows[0],
            "kept": report.kept,
            "dropped": report.most_dropped(),
            "unmapped_channels": report.most_unmapped(),
            "untimed": report.untimed,
            "columns": report.columns,
            "warnings": report.warnings,
        },
    }
    stored = save_dataset(session, team_id, "history", frame[HISTORY_ORDER], meta, None)
    return dataset_out(stored).model_dump(mode="json")


def _read_requirements(data: bytes, params: ImportJobParams, team: Team) -> pd.DataFrame:
    frame: pd.DataFrame = parse_upload(
        data, params.filename, read_requirements, IMPORTERS["requirements"].suffixes
    )
    unknown = sorted(set(frame["queue"]) - {q.name for q in team.queues})
    if unknown:
        raise InvalidInput(
            [InputIssue(f"queues not in the team: {', '.join(unknown)}", params.filename, column="queue")]
        )
    return frame


def _store_requirements(
    session: Session,
    team_id: str,
    frame: pd.DataFrame,
    params: ImportJobParams,
    _data: bytes,
    _token: int | None,
) -> dict[str, Any]:
    meta = {"file": params.filename, **span_meta(frame)}
    return dataset_out(save_dataset(session, team_id, "requirements", frame, meta, None)).model_dump(
        mode="json"
    )


IMPORTERS: dict[str, Importer] = {
    "availability": Importer((".csv", ".xlsx"), _read_availability, _store_availability),
    "history": Importer((".csv", ".parquet"), _read_history, _store_history),
    "tickets": Importer((".csv", ".xlsx"), _read_tickets, _store_tickets),
    "requirements": Importer((".csv",), _read_requirements, _store_requirements),
}


def read_import(data: bytes, params: ImportJobParams, team: Team) -> Any:
    """The upload's checked values (all rows or none).

    Raises:
        InvalidInput: every issue the reader found, each naming the uploaded file.
    """
    return IMPORTERS[params.what].read(data, params, team)


def store_import(
    session: Session, team_id: str, values: Any, params: ImportJobParams, data: bytes, token_id: int | None
) -> dict[str, Any]:
    """Store checked values in the caller's session; what the caller is answered (JSON-ready)."""
    return IMPORTERS[params.what].store(session, team_id, values, params, data, token_id)

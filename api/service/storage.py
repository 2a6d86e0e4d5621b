"""Storage functions: teams and agents, availability, datasets, jobs and roster versions.

Every function works inside the caller's session; the caller commits, so one request or one
job is one transaction.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from api.formats import MAX_AVAILABILITY_ENTRIES, availability_rows
from api.schemas import team_from_mapping, team_to_mapping
from api.service.codec import (
    availability_entries,
    entry_key,
    entry_to_dict,
    frame_from_blob,
    frame_to_blob,
    roster_from_dicts,
)
from api.service.db import (
    AgentRow,
    AvailabilityRow,
    DatasetRow,
    ImportRow,
    JobRow,
    RosterVersionRow,
    ScenarioRow,
    TeamRow,
    TokenRow,
    as_utc,
    utcnow,
)
from api.service.errors import Conflict, NotFound
from api.service.job_states import ACTIVE_STATES, FAILED, JobState
from common.errors import InputIssue, InvalidInput
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY, minute_to_clock
from scheduler import AvailabilityEntry, Roster, Team
from scheduler.roster.problem import absent_agent_days

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """A team id from its name: 'Creator Support' -> 'creator-support'."""
    return _SLUG_RE.sub("-", name.lower()).strip("-")[:64] or "team"


# --- teams and agents ------------------------------------------------------------------------


def team_row(session: Session, team_id: str) -> TeamRow:
    """The stored team, or NotFound."""
    row = session.get(TeamRow, team_id)
    if row is None:
        raise NotFound(f"team {team_id!r} not found")
    return row


def lock_team(session: Session, team_id: str) -> TeamRow:
    """Hold the team's write lock until the caller's transaction ends, and return the team as stored now.

    A change that reads the team (its agents, its availability, its jobs) and writes it back takes
    this first, so that two such changes at once run one after the other and neither loses the other's
    write. The lock is a write to the team's row that changes nothing: on SQLite it takes the database's
    write lock at once (as `BEGIN IMMEDIATE` would; later writers wait up to the busy timeout), on
    PostgreSQL the row's lock (as `SELECT ... FOR UPDATE` would; the next statements see what the
    previous holder committed). Call it before reading what the change depends on.

    Raises:
        NotFound: no such team (or it was deleted meanwhile).
    """
    session.execute(
        update(TeamRow)
        .where(TeamRow.id == team_id)
        .values(id=TeamRow.id)
        .execution_options(synchronize_session=False)
    )
    row = session.scalar(
        select(TeamRow).where(TeamRow.id == team_id).execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(f"team {team_id!r} not found")
    return row


def agent_mappings(session: Session, team_id: str) -> list[dict[str, Any]]:
    """The team's agents as team-file mappings, in their order."""
    rows = session.scalars(select(AgentRow).where(AgentRow.team_id == team_id).order_by(AgentRow.position))
    return [dict(r.spec) for r in rows]


def team_mapping(session: Session, row: TeamRow) -> dict[str, Any]:
    """The whole team as a team-file mapping."""
    return {**row.settings, "agents": agent_mappings(session, row.id)}


def team_of(session: Session, row: TeamRow) -> Team:
    """The domain team of a stored team."""
    return team_from_mapping(team_mapping(session, row))


def _store_agents(session: Session, team_id: str, team: Team) -> None:
    session.execute(delete(AgentRow).where(AgentRow.team_id == team_id))
    for position, agent in enumerate(team_to_mapping(team)["agents"]):
        session.add(AgentRow(team_id=team_id, agent_id=agent["id"], position=position, spec=agent))


def _drop_orphan_availability(session: Session, team_id: str, team: Team) -> None:
    known = [a.id for a in team.agents]
    session.execute(
        delete(AvailabilityRow).where(
            AvailabilityRow.team_id == team_id, AvailabilityRow.agent_id.not_in(known)
        )
    )


def create_team(session: Session, data: dict[str, Any], team_id: str | None = None) -> TeamRow:
    """Store a new team (validated whole); Conflict when its id is taken."""
    team = team_from_mapping(data)
    slug = team_id or slugify(team.name)
    taken = Conflict(f"a team with id {slug!r} exists; choose another id or name")
    if session.get(TeamRow, slug) is not None:
        raise taken
    mapping = team_to_mapping(team)
    mapping.pop("agents")
    now = utcnow()
    row = TeamRow(id=slug, name=team.name, settings=mapping, created_at=now, updated_at=now)
    session.add(row)
    try:  # another request may have stored the same id since the check above
        session.flush()
    except IntegrityError as exc:
        raise taken from exc
    _store_agents(session, slug, team)
    return row


def replace_team(
    session: Session, row: TeamRow, data: dict[str, Any], *, read_at: datetime | None = None
) -> TeamRow:
    """Replace a team's settings and agents (validated whole); availability of removed agents goes.
    `read_at`: the `updated_at` of the team the caller changed; Conflict if it has changed since."""
    team = team_from_mapping(data)
    row = lock_team(session, row.id)
    if read_at is not None and as_utc(row.updated_at) != read_at:
        raise Conflict(
            f"team {row.id!r} changed at {as_utc(row.updated_at)} after the copy you changed was read "
            f"(updated_at {read_at}); read it again and make your change there"
        )
    mapping = team_to_mapping(team)
    mapping.pop("agents")
    row.name, row.settings, row.updated_at = team.name, mapping, utcnow()
    _store_agents(session, row.id, team)
    _drop_orphan_availability(session, row.id, team)
    return row


def put_agent(session: Session, row: TeamRow, agent: dict[str, Any], *, create: bool) -> Team:
    """Add (`create`) or replace one agent, checking the whole team, as it is now, still holds together."""
    row = lock_team(session, row.id)
    agents = agent_mappings(session, row.id)
    ids = [a["id"] for a in agents]
    if create and agent["id"] in ids:
        raise Conflict(f"agent {agent['id']!r} exists in team {row.id!r}; use PUT to change it")
    if not create and agent["id"] not in ids:
        raise NotFound(f"agent {agent['id']!r} not found in team {row.id!r}")
    agents = [*agents, agent] if create else [agent if a["id"] == agent["id"] else a for a in agents]
    team = team_from_mapping({**row.settings, "agents": agents})
    _store_agents(session, row.id, team)
    row.updated_at = utcnow()
    return team


def delete_agent(session: Session, row: TeamRow, agent_id: str) -> None:
    """Remove an agent and its availability."""
    row = lock_team(session, row.id)
    agents = agent_mappings(session, row.id)
    if agent_id not in [a["id"] for a in agents]:
        raise NotFound(f"agent {agent_id!r} not found in team {row.id!r}")
    if len(agents) == 1:
        raise InvalidInput(
            f"team {row.id!r} has no agents left without {agent_id!r}; add another agent first"
        )
    team = team_from_mapping({**row.settings, "agents": [a for a in agents if a["id"] != agent_id]})
    _store_agents(session, row.id, team)
    _drop_orphan_availability(session, row.id, team)
    row.updated_at = utcnow()


# --- availability ----------------------------------------------------------------------------


def availability_of(session: Session, team_id: str) -> tuple[AvailabilityEntry, ...]:
    """The team's stored availability rows, in import order."""
    rows = session.scalars(
        select(AvailabilityRow).where(AvailabilityRow.team_id == team_id).order_by(AvailabilityRow.id)
    )
    return tuple(_entry_of(r) for r in rows)


def _entry_of(row: AvailabilityRow) -> AvailabilityEntry:
    """A stored availability row as the domain's."""
    return AvailabilityEntry(
        row.agent_id,
        row.kind,  # type: ignore[arg-type]  # stored from a checked entry
        row.start_minute,
        row.end_minute,
        row.on_date,
        row.weekday,
        row.note,
    )


def import_availability(
    session: Session,
    team_id: str,
    entries: tuple[AvailabilityEntry, ...],
    *,
    mode: str,
    dry_run: bool,
    filename: str,
    sha256: str,
    token_id: int | None,
    max_rows: int = MAX_AVAILABILITY_ENTRIES,  # a job carries them all: as many as one file may give
) -> dict[str, Any]:
    """Merge (add new rows) or replace (the file is the whole availability) a checked file's rows.

    Rows already stored are not added again, so importing the same file twice changes nothing.
    Returns the counts; with `dry_run` nothing is written.

    Raises:
        InvalidInput: the team would hold more than `max_rows` rows (every job carries them all), or
            the file names agents the team no longer has (one was removed while the file was read).
    """
    if not dry_run:  # imports of the same team run one after the other: the second adds only what is new
        lock_team(session, team_id)
        known = set(session.scalars(select(AgentRow.agent_id).where(AgentRow.team_id == team_id)))
        gone_agents = sorted({e.agent_id for e in entries} - known)
        if gone_agents:
            raise InvalidInput(
                [
                    InputIssue(
                        f"agents no longer in team {team_id!r}: {', '.join(gone_agents)}; "
                        "add them back or remove their rows, then import again",
                        filename,
                        column="agent_id",
                    )
                ]
            )
    stored = {
        r.natural_key: r
        for r in session.scalars(select(AvailabilityRow).where(AvailabilityRow.team_id == team_id))
    }
    in_file: dict[str, AvailabilityEntry] = {}
    for e in entries:
        in_file.setdefault(entry_key(e), e)
    new = [k for k in in_file if k not in stored]
    gone = [k for k in stored if k not in in_file] if mode == "replace" else []
    if len(stored) + len(new) - len(gone) > max_rows:
        raise InvalidInput(
            [
                InputIssue(
                    f"the team would have {len(stored) + len(new) - len(gone):,} availability rows; at most "
                    f"{max_rows:,} are kept: replace the team's rows (mode=replace) or import fewer",
                    filename,
                )
            ]
        )
    report = _change_report(
        filename,
        mode,
        dry_run,
        len(entries),
        len(entries) - len(in_file),
        len(new),
        len(in_file) - len(new),
        len(gone),
    )
    if dry_run:
        return report
    removed = [_entry_of(stored[k]) for k in gone[:MAX_ROWS_LOGGED]]
    added = [in_file[k] for k in new[:MAX_ROWS_LOGGED]]
    import_id = _log_change(session, team_id, report, sha256, token_id, removed, added)
    if gone:
        session.execute(delete(AvailabilityRow).where(AvailabilityRow.id.in_([stored[k].id for k in gone])))
    if new:  # one statement for all rows: a big file's rows are not added one object at a time
        session.execute(
            insert(AvailabilityRow),
            [
                {
                    "team_id": team_id,
                    "agent_id": e.agent_id,
                    "kind": e.kind,
                    "on_date": e.on_date,
                    "weekday": e.weekday,
                    "start_minute": e.start_minute,
                    "end_minute": e.end_minute,
                    "note": e.note,
                    "natural_key": key,
                    "import_id": import_id,
                }
                for key in new
                for e in (in_file[key],)
            ],
        )
    report["import_id"] = import_id
    return report


def _change_report(
    file: str, mode: str, dry_run: bool, rows: int, duplicates: int, added: int, unchanged: int, removed: int
) -> dict[str, Any]:
    """What a change of the availability did (or, in a dry run, would do), as `ImportReport` gives it."""
    return {
        "file": file,
        "mode": mode,
        "dry_run": dry_run,
        "rows": rows,
        "duplicate_rows": duplicates,
        "added": added,
        "unchanged": unchanged,
        "removed": removed,
        "import_id": None,
    }


# a change keeps at most this many of the rows it added, and of those it removed (an import may add or
# remove a team's 50,000)
MAX_ROWS_LOGGED = 200


def _log_change(
    session: Session,
    team_id: str,
    report: dict[str, Any],
    sha256: str,
    token_id: int | None,
    removed: Sequence[AvailabilityEntry],
    added: Sequence[AvailabilityEntry] = (),
) -> int:
    """Record a change of the availability (`_change_report`) among the team's imports, with the rows it
    removed and added (the first `MAX_ROWS_LOGGED` of each): its id."""
    imp = ImportRow(
        added_rows=availability_rows(added[:MAX_ROWS_LOGGED]),
        removed_rows=availability_rows(removed[:MAX_ROWS_LOGGED]),
        team_id=team_id,
        filename=report["file"][:300],
        sha256=sha256,
        mode=report["mode"],
        rows=report["rows"],
        added=report["added"],
        unchanged=report["unchanged"],
        removed=report["removed"],
        token_id=token_id,
        created_at=utcnow(),
    )
    session.add(imp)
    session.flush()
    return imp.id


def availability_changes(session: Session, team_id: str, limit: int) -> list[dict[str, Any]]:
    """The team's last `limit` changes of its availability, newest first: when, by which token (its
    label and role; None for a change made without one, or by a token deleted since), the file (or
    "typed in"), what it did, and the rows it added and removed."""
    rows = session.execute(
        select(ImportRow, TokenRow.label, TokenRow.role)
        .outerjoin(TokenRow, TokenRow.id == ImportRow.token_id)
        .where(ImportRow.team_id == team_id)
        .order_by(ImportRow.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": change.id,
            "at": as_utc(change.created_at),
            "by": None if role is None else {"token_id": change.token_id, "label": label, "role": role},
            "file": change.filename,
            "mode": change.mode,
            "rows": change.rows,
            "added": change.added,
            "unchanged": change.unchanged,
            "removed": change.removed,
            "added_rows": change.added_rows,
            "removed_rows": change.removed_rows,
        }
        for change, label, role in rows
    ]


MAX_MISSING_NAMED = (
    20  # a removal naming thousands of rows not stored is told the first ones and how many more
)


def _removal_key(entry: AvailabilityEntry) -> str:
    """What a removal matches a stored row on: everything, the note too where the removal gives one;
    where it gives none, everything but the note (HR's words need not be typed)."""
    return entry_key(entry) if entry.note else entry_key(replace(entry, note=""))


def remove_availability(
    session: Session,
    team_id: str,
    entries: Sequence[tuple[str, AvailabilityEntry]],
    *,
    dry_run: bool,
    sha256: str,
    token_id: int | None,
) -> dict[str, Any]:
    """Remove the stored rows `entries` name, each given with where it was named (`entries.3`):
    `_removal_key`: with a note, the row of that note; without, every row of those hours whatever its
    note. All of them, or none when one names no stored row. Reported as an import is (`removed`);
    with `dry_run` nothing is written.

    Raises:
        InvalidInput: an entry names no stored row (each such one, in words, at its place).
    """
    if not dry_run:
        lock_team(session, team_id)
    stored: dict[str, list[int]] = {}
    entries_by_id: dict[int, AvailabilityEntry] = {}
    for row in session.scalars(select(AvailabilityRow).where(AvailabilityRow.team_id == team_id)):
        entry = entries_by_id[row.id] = _entry_of(row)
        for key in dict.fromkeys((entry_key(entry), _removal_key(replace(entry, note="")))):
            stored.setdefault(key, []).append(row.id)
    wanted = {_removal_key(e): (place, e) for place, e in entries}
    missing = [named for key, named in wanted.items() if key not in stored]
    if missing:
        named = [
            InputIssue(f"no such row is stored: {_row_words(e)}", column=place)
            for place, e in missing[:MAX_MISSING_NAMED]
        ]
        more = len(missing) - len(named)
        raise InvalidInput(named + ([InputIssue(f"and {more:,} more rows not stored")] if more else []))
    ids = list(dict.fromkeys(i for key in wanted for i in stored[key]))
    report = _change_report(
        "typed in", "remove", dry_run, len(entries), len(entries) - len(wanted), 0, 0, len(ids)
    )
    if dry_run:
        return report
    removed = [entries_by_id[i] for i in ids[:MAX_ROWS_LOGGED]]
    report["import_id"] = _log_change(session, team_id, report, sha256, token_id, removed)
    session.execute(delete(AvailabilityRow).where(AvailabilityRow.id.in_(ids)))
    return report


def _row_words(entry: AvailabilityEntry) -> str:
    """An availability row as a lead names it: "absence of a1 on 2026-11-04, 10:00–24:00"."""
    day = (
        entry.on_date.isoformat()
        if entry.on_date is not None
        else f"every {calendar.day_name[entry.weekday or 0]}"
    )
    hours = (
        "the whole day"
        if (entry.start_minute, entry.end_minute) == (0, MINUTES_PER_DAY)
        else f"{minute_to_clock(entry.start_minute)}–{minute_to_clock(entry.end_minute)}"
    )
    note = f' ("{entry.note}")' if entry.note else ""
    return f"{entry.kind} of {entry.agent_id} on {day}, {hours}{note}"


# --- datasets: history, forecasts, requirements --------------------------------------------


def span_meta(frame: pd.DataFrame) -> dict[str, Any]:
    """What a stored frame's `meta` says of its rows' time: `first_ds` and `last_ds` of the rows it plans
    (rows marked `lead_in`, the contacts carried into the week, aside), and how many lead-in rows it has."""
    lead_in = frame["lead_in"].astype(bool) if "lead_in" in frame.columns else pd.Series(False, frame.index)
    ds = frame.loc[~lead_in, "ds"]
    out: dict[str, Any] = (
        {} if ds.empty else {"first_ds": ds.min().isoformat(), "last_ds": ds.max().isoformat()}
    )
    if lead_in.any():
        out["lead_in_rows"] = int(lead_in.sum())
    return out


def save_dataset(
    session: Session,
    team_id: str,
    kind: str,
    frame: pd.DataFrame,
    meta: dict[str, Any],
    source_id: int | None,
) -> DatasetRow:
    """Store a frame of a team."""
    blob, instants = frame_to_blob(frame)
    row = DatasetRow(
        team_id=team_id,
        kind=kind,
        source_id=source_id,
        meta={**meta, "rows": len(frame), "instant_columns": instants},
        content=blob,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def dataset_row(session: Session, team_id: str, kind: str, dataset_id: int) -> DatasetRow:
    """A stored dataset of the team, or NotFound."""
    row = session.get(DatasetRow, dataset_id)
    if row is None or row.team_id != team_id or row.kind != kind:
        raise NotFound(f"{kind} {dataset_id} not found in team {team_id!r}")
    return row


def dataset_frame(row: DatasetRow) -> pd.DataFrame:
    """The frame of a stored dataset."""
    return frame_from_blob(row.content, list(row.meta.get("instant_columns", [])))


def dataset_label(row: DatasetRow) -> str:
    """How messages name a stored dataset: its kind and id, and the file it came from if uploaded."""
    file = row.meta.get("file")
    return f"{row.kind} {row.id}" + (f" ({file})" if isinstance(file, str) and file else "")


def datasets_of(session: Session, team_id: str, kind: str) -> list[DatasetRow]:
    """The team's datasets of one kind, newest first."""
    return list(
        session.scalars(
            select(DatasetRow)
            .where(DatasetRow.team_id == team_id, DatasetRow.kind == kind)
            .order_by(DatasetRow.id.desc())
        )
    )


def _numbers(values: list[int]) -> str:
    return ", ".join(str(v) for v in sorted(values))


def _active_jobs_using(session: Session, rows: list[DatasetRow]) -> list[str]:
    """Ids of the team's queued or running jobs that read one of the datasets (a roster job its
    requirements, a forecast job its history, a scenario job its base plan)."""
    ids = {(r.kind, r.id) for r in rows}
    out = []
    for job in session.scalars(
        select(JobRow).where(JobRow.team_id == rows[0].team_id, JobRow.state.in_(ACTIVE_STATES))
    ):
        params = job.params
        reads = {
            "roster": ("requirements", params.get("requirements_id")),
            "forecast": ("history", params.get("history_id")),
            "scenario": (params.get("base_kind"), params.get("base_id")),
        }.get(job.kind)
        if reads in ids:
            out.append(job.id)
    return out


def derived_datasets(session: Session, row: DatasetRow) -> list[DatasetRow]:
    """The datasets deleted with one: the forecasts made from a history (they read it for the contacts
    they carry into their week). Requirements are frames of their own and stay."""
    if row.kind != "history":
        return []
    return list(
        session.scalars(
            select(DatasetRow)
            .where(
                DatasetRow.team_id == row.team_id,
                DatasetRow.kind == "forecast",
                DatasetRow.source_id == row.id,
            )
            .order_by(DatasetRow.id)
        )
    )


def dataset_users(session: Session, rows: list[DatasetRow]) -> list[str]:
    """What still reads the datasets, in words (empty: they may be deleted): the roster versions made from
    requirements (re-rostering and their coverage read them) and any queued or running job."""
    out = []
    requirements = [r.id for r in rows if r.kind == "requirements"]
    if requirements:
        versions = session.scalars(
            select(RosterVersionRow.number).where(
                RosterVersionRow.team_id == rows[0].team_id,
                RosterVersionRow.requirements_id.in_(requirements),
            )
        ).all()
        if versions:
            out.append(
                f"roster versions {_numbers(list(versions))} were made from it and are measured against it"
            )
    jobs = _active_jobs_using(session, rows)
    if jobs:
        out.append(f"jobs {', '.join(jobs)} read it (wait for them to end or cancel them)")
    return out


def delete_dataset(session: Session, team_id: str, kind: str, dataset_id: int) -> list[DatasetRow]:
    """Delete a stored dataset of the team and those made from it (`derived_datasets`), and return them;
    or Conflict naming what still reads one of them, and nothing is deleted."""
    row = dataset_row(session, team_id, kind, dataset_id)
    rows = [row, *derived_datasets(session, row)]
    users = dataset_users(session, rows)
    if users:
        raise Conflict(f"{dataset_label(row)} is kept: {'; '.join(users)}")
    for r in rows:
        session.delete(r)
    return rows


# --- jobs and roster versions ----------------------------------------------------------------


def job_row(session: Session, job_id: str) -> JobRow:
    """A job, or NotFound."""
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFound(f"job {job_id!r} not found")
    return row


def set_job_state(
    session: Session, job_id: str, state: JobState, *, only_from: tuple[JobState, ...], **values: Any
) -> bool:
    """Move a job to `state` if it is in one of `only_from`; False if it was not (someone else won)."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state.in_(only_from))
        .values(state=state, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def fail_interrupted_jobs(session: Session) -> int:
    """Mark jobs left queued or running by a stopped service as failed (they can be resubmitted)."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.state.in_(ACTIVE_STATES))
        .values(
            state=FAILED,
            finished_at=utcnow(),
            error={
                "status": 503,
                "title": "interrupted",
                "detail": "the service stopped while the job was queued or running; resubmit it",
            },
        )
    )
    return int(getattr(result, "rowcount", 0))


def version_row(session: Session, team_id: str, number: int) -> RosterVersionRow:
    """Roster version `number` of the team, or NotFound."""
    row = session.scalar(
        select(RosterVersionRow).where(RosterVersionRow.team_id == team_id, RosterVersionRow.number == number)
    )
    if row is None:
        raise NotFound(f"roster version {number} not found in team {team_id!r}")
    return row


def published_version(session: Session, team_id: str, first_day: date) -> RosterVersionRow | None:
    """The team's published roster version of the week that begins on `first_day`, if there is one."""
    return session.scalar(
        select(RosterVersionRow).where(
            RosterVersionRow.team_id == team_id,
            RosterVersionRow.first_day == first_day,
            RosterVersionRow.published_at.is_not(None),
        )
    )


def versions_of(session: Session, team_id: str) -> list[RosterVersionRow]:
    """The team's roster versions, newest first, without their rows (shifts, coverage, snapshots are
    read only if used: a list shows headlines)."""
    heavy = (
        RosterVersionRow.shifts,
        RosterVersionRow.coverage,
        RosterVersionRow.team_snapshot,
        RosterVersionRow.availability_snapshot,
    )
    return list(
        session.scalars(
            select(RosterVersionRow)
            .options(*(defer(column) for column in heavy))
            .where(RosterVersionRow.team_id == team_id)
            .order_by(RosterVersionRow.number.desc())
        )
    )


def next_version_number(session: Session, team_id: str) -> int:
    """The number the team's next roster version gets."""
    current = session.scalar(
        select(func.max(RosterVersionRow.number)).where(RosterVersionRow.team_id == team_id)
    )
    return 1 if current is None else int(current) + 1


def publish_version(session: Session, row: RosterVersionRow, token_id: int) -> None:
    """Publish a version; any other published version of the same team and week is withdrawn."""
    if row.published_at is not None:
        raise Conflict(f"roster version {row.number} is already published")
    session.execute(
        update(RosterVersionRow)
        .where(
            RosterVersionRow.team_id == row.team_id,
            RosterVersionRow.first_day == row.first_day,
            RosterVersionRow.id != row.id,
        )
        .values(published_at=None, published_by=None)
        .execution_options(synchronize_session=False)
    )
    row.published_at, row.published_by = utcnow(), token_id


def version_roster(version: RosterVersionRow, team: str) -> Roster:
    """A stored version's roster as solved, with the sick days it was made around (`Roster.absent`):
    checked against the availability now, a sick day it counted is a day the agent would have worked,
    not a day off."""
    roster = roster_from_dicts(team, version.first_day, version.shifts)
    return replace(roster, absent=version_absent_days(version))


def version_absent_days(version: RosterVersionRow) -> frozenset[tuple[str, date]]:
    """The agent-days of a version's week its availability had as sick (an absence) when it was made:
    the days the engine counted as sick days when it made the roster (`Roster.absent`)."""
    days = [version.first_day + timedelta(days=i) for i in range(DAYS_PER_WEEK)]
    return frozenset(absent_agent_days(availability_entries(version.availability_snapshot), days))


def availability_snapshot(entries: tuple[AvailabilityEntry, ...]) -> list[dict[str, Any]]:
    """Availability rows as stored with a job and a roster version."""
    return [entry_to_dict(e) for e in entries]


# --- scenarios -------------------------------------------------------------------------------


def scenario_row(session: Session, scenario_id: int) -> ScenarioRow:
    """A stored comparison, or NotFound."""
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise NotFound(f"scenario comparison {scenario_id} not found")
    return row

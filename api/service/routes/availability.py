"""HR availability import: the whole file is checked first, then all of it is stored or none."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from api.formats import availability_rows
from api.service.deps import ImportTeam, PrincipalDep, ReadTeam, SessionDep, StateDep
from api.service.imports import typed_entries, typed_removals
from api.service.params import ImportJobParams, ImportMode
from api.service.schemas import AvailabilityChange, AvailabilityEntries, AvailabilityOut, ImportReport
from api.service.storage import (
    availability_changes,
    availability_of,
    import_availability,
    remove_availability,
    team_of,
)
from api.service.upload_jobs import IMPORT_ANSWERS, import_upload
from api.service.uploads import ONE_FILE, read_upload, sha256_of, upload_name

router = APIRouter(tags=["availability"])  # uploads: the service's upload limit
typed_router = APIRouter(tags=["availability"])  # rows typed in, as JSON: the JSON limit
DRY_RUN_HELP = "check and report only; store nothing"


@router.post(
    "/teams/{team_id}/availability/imports",
    response_model=ImportReport,
    responses=IMPORT_ANSWERS,
    dependencies=[ONE_FILE],
)
def post_import(
    team: ImportTeam,
    file: Annotated[UploadFile, File(description="availability CSV or XLSX")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    dry_run: Annotated[bool, Query(description=DRY_RUN_HELP)] = False,
    mode: Annotated[
        ImportMode,
        Query(description="merge: add the file's new rows; replace: the file becomes the whole availability"),
    ] = "merge",
    sheet: Annotated[str | None, Query(max_length=200, description="the XLSX sheet to read")] = None,
) -> Any:
    """Import availability, unavailability and time off; a bad file stores nothing and lists every bad row.
    A file bigger than the service's inline limit is imported by a job (202; its result is the report)."""
    params = ImportJobParams(
        what="availability", filename=upload_name(file), mode=mode, dry_run=dry_run, sheet=sheet
    )
    data = read_upload(file, state.settings.max_upload_bytes)
    return import_upload(session, state, principal, team, params, data, commit=not dry_run)


@typed_router.post("/teams/{team_id}/availability/entries", response_model=ImportReport)
def post_entries(
    team: ImportTeam,
    body: AvailabilityEntries,
    session: SessionDep,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description=DRY_RUN_HELP)] = False,
) -> Any:
    """Add availability typed in rather than imported (the page's "off sick"): checked as an imported
    file's rows are, all or none, and a row already stored is not added twice; with `dry_run`, checked
    and reported as an import's dry run is, and nothing stored."""
    entries = typed_entries(body, team_of(session, team))
    report = import_availability(
        session,
        team.id,
        entries,
        mode="merge",
        dry_run=dry_run,
        filename="typed in",
        sha256=sha256_of(body.model_dump_json().encode()),
        token_id=principal.token_id,
    )
    if not dry_run:
        session.commit()
    return report


@typed_router.post("/teams/{team_id}/availability/removals", response_model=ImportReport)
def post_removals(
    team: ImportTeam,
    body: AvailabilityEntries,
    session: SessionDep,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description=DRY_RUN_HELP)] = False,
) -> Any:
    """Remove stored rows, named as they are typed in (`entries`: agent, kind, days, start and end; with
    a note, only the row of that note, without one every row of those hours): a sick call marked by
    mistake, time off withdrawn. All of them or none: a row that is not stored is a 422 naming it. With
    `dry_run`, checked and reported only."""
    entries = typed_removals(body, team_of(session, team))
    report = remove_availability(
        session,
        team.id,
        entries,
        dry_run=dry_run,
        sha256=sha256_of(body.model_dump_json().encode()),
        token_id=principal.token_id,
    )
    if not dry_run:
        session.commit()
    return report


@router.get("/teams/{team_id}/availability")
def get_availability(team: ReadTeam, session: SessionDep) -> list[AvailabilityOut]:
    """The team's stored availability rows, in the import format."""
    return [AvailabilityOut(**r) for r in availability_rows(availability_of(session, team.id))]


@router.get("/teams/{team_id}/availability/changes")
def get_availability_changes(
    team: ReadTeam,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100, description="the newest this many changes")] = 20,
) -> list[AvailabilityChange]:
    """Who changed the team's availability, when and how, newest first: each import, rows typed in or
    taken back, with the counts and the rows it removed (a sick call taken back is still on record)."""
    return [AvailabilityChange(**c) for c in availability_changes(session, team.id, limit)]

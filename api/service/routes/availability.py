"""HR availability import: the whole file is checked first, then all of it is stored or none."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from api.formats import availability_rows
from api.service.deps import ImportTeam, PrincipalDep, ReadTeam, SessionDep, StateDep
from api.service.params import ImportJobParams, ImportMode
from api.service.schemas import AvailabilityOut, ImportReport
from api.service.storage import availability_of
from api.service.upload_jobs import IMPORT_ANSWERS, import_upload
from api.service.uploads import ONE_FILE, read_upload, upload_name

router = APIRouter(tags=["availability"])


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
    dry_run: Annotated[bool, Query(description="check and report only; store nothing")] = False,
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


@router.get("/teams/{team_id}/availability")
def get_availability(team: ReadTeam, session: SessionDep) -> list[AvailabilityOut]:
    """The team's stored availability rows, in the import format."""
    return [AvailabilityOut(**r) for r in availability_rows(availability_of(session, team.id))]

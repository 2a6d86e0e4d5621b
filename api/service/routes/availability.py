"""HR availability import: the whole file is checked first, then all of it is stored or none."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile

from api.formats import availability_rows, read_availability
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.routes.teams import visible_team
from api.service.schemas import AvailabilityOut, ImportReport
from api.service.storage import availability_of, import_availability, team_of
from api.service.uploads import parse_upload, read_upload, sha256_of, upload_name

router = APIRouter(tags=["availability"])
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "the file has errors: each issue names its row, column, value and reason"}
}


@router.post("/teams/{team_id}/availability/imports", responses=_INVALID)
def post_import(
    team_id: str,
    file: Annotated[UploadFile, File(description="availability CSV or XLSX")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    dry_run: Annotated[bool, Query(description="check and report only; store nothing")] = False,
    mode: Annotated[
        Literal["merge", "replace"],
        Query(description="merge: add the file's new rows; replace: the file becomes the whole availability"),
    ] = "merge",
    sheet: Annotated[str | None, Query(max_length=200, description="the XLSX sheet to read")] = None,
) -> ImportReport:
    """Import availability, unavailability and time off; a bad file stores nothing and lists every bad row."""
    row = visible_team(session, principal, team_id, "import_availability")
    team = team_of(session, row)
    data = read_upload(file, state.settings.max_upload_bytes)
    name = upload_name(file)
    entries = parse_upload(
        data, name, lambda path: read_availability(path, team, sheet=sheet), (".csv", ".xlsx")
    )
    report = import_availability(
        session,
        team_id,
        entries,
        mode=mode,
        dry_run=dry_run,
        filename=name,
        sha256=sha256_of(data),
        token_id=principal.token_id,
    )
    if not dry_run:
        session.commit()
    return ImportReport(**report)


@router.get("/teams/{team_id}/availability")
def get_availability(team_id: str, session: SessionDep, principal: PrincipalDep) -> list[AvailabilityOut]:
    """The team's stored availability rows, in the import format."""
    visible_team(session, principal, team_id, "read")
    return [AvailabilityOut(**r) for r in availability_rows(availability_of(session, team_id))]

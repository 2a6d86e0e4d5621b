"""An upload from a route: imported at once when it is small, handed to a job when it is big."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.service.auth import Principal
from api.service.db import TeamRow
from api.service.deps import AppState
from api.service.errors import JOB_LIMIT_ANSWER
from api.service.imports import IMPORTERS, read_import, store_import
from api.service.params import ImportJobParams
from api.service.presenters import job_accepted
from api.service.schemas import JobOut
from api.service.storage import team_of
from api.service.uploads import check_upload

# what an upload route answers besides its result
IMPORT_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobOut,
        "description": "a big file: an import job (its result is what this route answers)",
    },
    413: {"description": "the file is larger than the service takes"},
    **JOB_LIMIT_ANSWER,
    422: {"description": "the file has errors: each issue names its row, column, value and reason"},
}


# compressed files (a zip of XML, column chunks) hold several times their size in rows and parse slower
_COMPRESSED = {".xlsx": 8, ".parquet": 8}


def import_cost_bytes(data: bytes, filename: str) -> int:
    """What an upload weighs against `Settings.inline_import_bytes`: its size, times 8 for XLSX and Parquet."""
    return len(data) * _COMPRESSED.get(PurePath(filename).suffix.lower(), 1)


def import_upload(
    session: Session,
    state: AppState,
    principal: Principal,
    team: TeamRow,
    params: ImportJobParams,
    data: bytes,
    *,
    commit: bool = True,
) -> dict[str, Any] | JSONResponse:
    """Import `data` into `team` now (the stored result), or, above `Settings.inline_import_bytes`, in a
    job (a 202 with the job). Either way a bad file stores nothing and names every issue."""
    check_upload(data, params.filename, IMPORTERS[params.what].suffixes)
    if import_cost_bytes(data, params.filename) > state.settings.inline_import_bytes:
        return job_accepted(state.submit(session, principal.token_id, team.id, params, data))
    values = read_import(data, params, team_of(session, team))
    result = store_import(session, team.id, values, params, data, principal.token_id)
    if commit:
        session.commit()
    return result

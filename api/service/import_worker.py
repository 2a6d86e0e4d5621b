"""An import job in its worker process: read the stored upload, store what it holds, drop the upload.

The upload goes when the job ends here, stored or failed: a file that failed to import fails again
the same way. It is kept only when the service stops under the job (a crash, a shut-down), so that
`POST /jobs/{job}/retry` can import it then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from api.service.db import UploadRow, transaction
from api.service.imports import read_import, store_import
from api.service.job_records import fail, store_outcome
from api.service.params import ImportJobParams
from api.service.settings import WorkerOptions
from api.service.storage import team_of, team_row
from common.errors import InvalidInput


def run_import_job(
    sessions: sessionmaker[Session],
    job_id: str,
    team_id: str,
    token_id: int | None,
    params: ImportJobParams,
    _options: WorkerOptions,
) -> None:
    """Import a running job's upload into its team (as the team is now), or fail it with every issue."""
    try:
        with transaction(sessions) as session:
            upload = session.get(UploadRow, job_id)
            if upload is None:
                raise InvalidInput("the job's file is gone; upload it again")
            data = upload.content
            team = team_of(session, team_row(session, team_id))
        values = read_import(data, params, team)
    except Exception as exc:  # the job fails with the file's issues (or the reason)
        drop_upload(sessions, job_id)  # first: whoever sees the job failed finds the file gone
        fail(sessions, job_id, exc)
        return

    def write(session: Session) -> dict[str, Any]:
        result = store_import(session, team_id, values, params, data, token_id)
        session.execute(delete(UploadRow).where(UploadRow.job_id == job_id))
        return {"result": result}

    try:
        store_outcome(sessions, job_id, write)
    except Exception as exc:  # e.g. the team holds too many rows: the job fails with the reason
        drop_upload(sessions, job_id)
        fail(sessions, job_id, exc)


def drop_upload(sessions: sessionmaker[Session], job_id: str) -> None:
    """Delete a job's stored upload (if it still has one)."""
    with transaction(sessions) as session:
        session.execute(delete(UploadRow).where(UploadRow.job_id == job_id))

"""The same service on PostgreSQL: a throwaway cluster started for these tests (initdb + pg_ctl).

Skipped, with the reason, where the PostgreSQL server programs are not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.service import Settings
from tests.api.service.conftest import availability_csv, solve_roster

PG_USER = "postgres"  # initdb refuses to run as root; the server then runs as this system user


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start a PostgreSQL server for the tests")
    try:
        subprocess.run(["id", PG_USER], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        pytest.skip(f"running as root and no {PG_USER!r} user to run a PostgreSQL server as")
    return [runuser, "-u", PG_USER, "--"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Path, int]]:
    """A fresh PostgreSQL cluster on a Unix socket in a temporary folder: (socket folder, port)."""
    for program in ("initdb", "pg_ctl", "psql"):
        if shutil.which(program) is None:
            pytest.skip(f"PostgreSQL's {program} is not installed (Debian: postgresql)")
    pytest.importorskip("psycopg", reason="the psycopg driver is not installed")
    prefix = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="wfm-pg-"))
    if prefix:
        shutil.chown(folder, user=PG_USER)
    data, port = folder / "data", _free_port()
    subprocess.run(
        [*prefix, "initdb", "-D", str(data), "-A", "trust", "-U", "wfm"], check=True, capture_output=True
    )
    options = f"-p {port} -k {folder} -c listen_addresses=''"
    subprocess.run(
        [*prefix, "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield folder, port
    finally:
        subprocess.run([*prefix, "pg_ctl", "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(cluster: tuple[Path, int], request: pytest.FixtureRequest) -> str:
    """An empty database of its own for each test."""
    folder, port = cluster
    name = "wfm_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[:50].lower()
    subprocess.run(
        [
            "psql",
            "-h",
            str(folder),
            "-p",
            str(port),
            "-U",
            "wfm",
            "-d",
            "postgres",
            "-c",
            f"create database {name}",
        ],
        check=True,
        capture_output=True,
    )
    return f"postgresql+psycopg://wfm@/{name}?host={folder}&port={port}"


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    return Settings(database_url=postgres_url, job_workers=1, solver_threads=1, default_time_limit_s=2.0)


def test_a_roster_job_stores_a_version_on_postgres(
    client: TestClient, team_id: str, requirements_id: int, lead: dict[str, str]
) -> None:
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    versions = client.get(f"/v1/teams/{team_id}/rosters", headers=lead).json()
    assert versions
    xlsx = client.get(f"/v1/teams/{team_id}/rosters/1/roster.xlsx", headers=lead)
    assert xlsx.status_code == 200


def test_a_bad_import_changes_nothing_on_postgres(
    client: TestClient, team_id: str, admin: dict[str, str]
) -> None:
    good = availability_csv([{"agent_id": "a1", "date": "2026-11-03", "kind": "time_off"}])
    bad = availability_csv(
        [
            {"agent_id": "a1", "date": "2026-11-04", "kind": "time_off"},
            {"agent_id": "nobody", "date": "2026-11-05", "kind": "time_off"},
        ]
    )
    url = f"/v1/teams/{team_id}/availability/imports"
    assert client.post(url, files={"file": ("av.csv", good, "text/csv")}, headers=admin).status_code < 300
    refused = client.post(url, files={"file": ("av.csv", bad, "text/csv")}, headers=admin)
    assert refused.status_code == 422
    rows = client.get(f"/v1/teams/{team_id}/availability", headers=admin).json()
    assert len(rows if isinstance(rows, list) else rows["rows"]) == 1

"""The same service on PostgreSQL: a throwaway cluster started for these tests (initdb + pg_ctl).

`make test` installs the server programs (Debian's `postgresql`, which keeps them in
/usr/lib/postgresql/NN/bin, where these tests look too); elsewhere they are skipped, with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.service import Settings
from tests.api.service.conftest import availability_csv, solve_roster, tiny_team, wait_for_job
from tests.api.service.test_storage import THREADS, at_once, new_agent
from tests.scheduler.roster.factories import QUICK

PG_USER = "postgres"  # initdb refuses to run as root; the server then runs as this system user


def program(name: str) -> str | None:
    """A PostgreSQL program on the PATH, else in Debian's /usr/lib/postgresql/NN/bin (the newest NN)."""
    found = shutil.which(name)
    if found is not None:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(candidates[-1]) if candidates else None


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
    initdb, pg_ctl = program("initdb"), program("pg_ctl")
    if initdb is None or pg_ctl is None or program("psql") is None:
        pytest.skip("PostgreSQL's server programs are not installed (make postgresql; Debian: postgresql)")
    pytest.importorskip("psycopg", reason="the psycopg driver is not installed")
    prefix = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="wfm-pg-"))
    if prefix:
        shutil.chown(folder, user=PG_USER)
    data, port = folder / "data", _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "wfm"], check=True, capture_output=True
    )
    options = f"-p {port} -k {folder} -c listen_addresses=''"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield folder, port
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(cluster: tuple[Path, int], request: pytest.FixtureRequest) -> str:
    """An empty database of its own for each test."""
    folder, port = cluster
    name = "wfm_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[:50].lower()
    subprocess.run(
        [
            str(program("psql")),
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
    return Settings(
        database_url=postgres_url,
        job_workers=1,
        solver_threads=1,
        default_time_limit_s=2.0,
        deterministic_time_limit_s=QUICK.deterministic_time_limit_s,
    )


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


def test_limits_hold_on_postgres(
    client: TestClient, team_id: str, admin: dict[str, str], settings: Settings
) -> None:
    """What PostgreSQL refuses with an error of its own (a name longer than its column, an id beyond its
    32-bit integers) the schemas refuse first, with a 422; a big import runs as a job there too."""
    long_name = client.post("/v1/teams", json={**tiny_team(), "name": "x" * 201}, headers=admin)
    assert long_name.status_code == 422
    assert client.get(f"/v1/teams/{team_id}/rosters/{2**31}", headers=admin).status_code == 422
    assert client.get(f"/v1/teams/{team_id}/rosters/{2**31 - 1}", headers=admin).status_code == 404
    rows = [{"agent_id": "a1", "date": f"2026-11-{d:02d}", "kind": "time_off"} for d in range(1, 29)]
    data = availability_csv(rows) + "\n" * settings.inline_import_bytes  # blank lines: a big file
    answer = client.post(
        f"/v1/teams/{team_id}/availability/imports", files={"file": ("av.csv", data)}, headers=admin
    )
    assert answer.status_code == 202, answer.text
    assert wait_for_job(client, answer.json()["id"], admin)["state"] == "succeeded"
    assert len(client.get(f"/v1/teams/{team_id}/availability", headers=admin).json()) == 28


def test_writes_at_once_are_all_kept_on_postgres(
    client: TestClient, team_id: str, lead: dict[str, str], admin: dict[str, str]
) -> None:
    """The team's row lock serialises changes of its agents; the same id twice is one 201 and 409s."""
    url = f"/v1/teams/{team_id}/agents"
    added = at_once(
        [partial(client.post, url, json=new_agent(f"n{i}"), headers=lead) for i in range(THREADS)]
    )
    assert [a.status_code for a in added] == [201] * THREADS
    assert len(client.get(url, headers=lead).json()) == 2 + THREADS
    body = {**tiny_team(), "id": "twin-desk"}
    created = at_once([partial(client.post, "/v1/teams", json=body, headers=admin)] * THREADS)
    assert sorted(a.status_code for a in created) == [201] + [409] * (THREADS - 1)

"""`wfm serve` as a process: SIGTERM stops it with a solve running and an event stream open, and its
worker processes end with it even when it is killed with SIGKILL (no helper is left behind)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.service.auth import create_token
from api.service.db import make_engine, session_factory, transaction, upgrade
from tests.api.service.conftest import WEEK, bearer, sample_team_and_requirements

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)"
)
GUARD_S = 120.0  # a generous guard against a hang, not a timing check


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[1])  # a zombie has ended


def descendants(root: int) -> set[int]:
    """The live processes below `root`."""
    parents = {int(p.name): _parent_of(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Whether `pid` is a live (not zombie) process."""
    return _parent_of(pid) is not None


def wait_until(probe: Callable[[], bool]) -> bool:
    """Whether `probe()` became true within the guard."""
    deadline = time.monotonic() + GUARD_S
    while not probe():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@dataclass
class Served:
    """A `wfm serve` process with a roster job running in one of its workers."""

    process: subprocess.Popen[bytes]
    http: httpx.Client
    job_id: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_with_an_admin(url: str) -> str:
    """The service's database at `url`, migrated, with an admin token: its secret."""
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        _, secret = create_token(session, "admin", [])
    engine.dispose()
    return secret


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    secret = _database_with_an_admin(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "WFM_SHUTDOWN_GRACE_S": "1", "WFM_SOLVER_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=bearer(secret), timeout=60.0)
    try:

        def ready() -> bool:
            try:
                return http.get("/ready").status_code == 200
            except httpx.HTTPError:
                return process.poll() is not None

        assert wait_until(ready)
        assert process.poll() is None
        team, requirements = sample_team_and_requirements()
        team_id = http.post("/v1/teams", json=team).json()["id"]
        upload = http.post(
            f"/v1/teams/{team_id}/requirements/upload", files={"file": ("r.csv", requirements)}
        )
        body = {"week": WEEK.isoformat(), "requirements_id": upload.json()["id"], "time_limit_s": 300}
        job = http.post(f"/v1/teams/{team_id}/roster-jobs", json=body).json()
        while job["state"] == "queued":
            job = http.get(f"/v1/jobs/{job['id']}?seen={job['revision']}&wait_s=30").json()
        assert job["state"] == "running", job
        yield Served(process, http, job["id"])
    finally:
        http.close()
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigterm_stops_the_service_with_a_solve_running_and_an_event_stream_open(served: Served) -> None:
    helpers = descendants(served.process.pid)
    assert helpers  # the fork server, the running job's worker, the spare
    streamed: list[str] = []

    def listen() -> None:
        try:
            with served.http.stream("GET", f"/v1/jobs/{served.job_id}/events") as stream:
                for line in stream.iter_lines():
                    streamed.append(line)
        except httpx.HTTPError:
            pass

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert wait_until(lambda: any(line.startswith("data: ") for line in streamed))
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=GUARD_S) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
    assert wait_until(lambda: not any(alive(pid) for pid in helpers))


def test_workers_end_with_the_service_when_it_is_killed(served: Served) -> None:
    helpers = descendants(served.process.pid)
    assert len(helpers) >= 2  # the fork server and the running job's worker at least
    served.process.kill()
    served.process.wait()
    assert wait_until(lambda: not any(alive(pid) for pid in helpers)), [p for p in helpers if alive(p)]


@pytest.fixture
def quick_to_hang_up(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """The service under uvicorn with `wfm serve`'s protocol (in a thread of this process: no new
    interpreter to start), whose clients have half a second to send their request headers and each
    part of a body; its port and an admin's token."""
    import uvicorn

    from api.service.app import create_app
    from api.service.settings import Settings
    from api.service.slow_clients import with_read_timeout

    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    secret = _database_with_an_admin(url)
    settings = Settings(database_url=url, request_read_timeout_s=0.5)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            http=with_read_timeout(0.5),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started)
        yield port, secret
    finally:
        server.should_exit = True
        thread.join(timeout=GUARD_S)


def _answer(port: int, sent: bytes) -> bytes:
    """What the service sends back to a client that sends `sent` and then nothing, until it hangs up
    (within the guard)."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD_S) as client:
        client.sendall(sent)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
        return received


def test_a_client_that_never_ends_its_request_is_answered_or_hung_up_on(
    quick_to_hang_up: tuple[int, str],
) -> None:
    """Half a header: the connection is closed; a body that stops: 408 (a caller allowed to send it;
    one without a token is refused before its body, `test_auth_before_body`). Neither holds the service."""
    port, secret = quick_to_hang_up
    assert _answer(port, b"GET /health HTTP/1.1\r\nHost: x\r\n") == b""
    head = (
        b"POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
        + f"Authorization: Bearer {secret}\r\n\r\n".encode()
    )
    answer = _answer(port, head + b'{"name": ')
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"the request body did not come in time" in answer
    assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200

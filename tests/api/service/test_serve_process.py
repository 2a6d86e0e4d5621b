"""`wfm serve` as a process: SIGTERM stops it with a solve running and an event stream open, and its
worker processes end with it even when it is killed with SIGKILL (no helper is left behind)."""

from __future__ import annotations

import contextlib
import os
import select
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
from tests.api.service.conftest import WEEK, bearer, sample_team_and_requirements, tiny_team

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
    interpreter to start), whose clients have a second to send their request headers and each part of
    a body, and, from a second after the service first reads a body, must have sent it at 1,000 bytes
    a second on average; its port and an admin's token. (A second, not less: a client thread on a busy
    machine that sleeps 0.1 s between bytes must not stall past it.)"""
    import uvicorn

    from api.service.app import create_app
    from api.service.settings import Settings
    from api.service.slow_clients import with_read_timeout

    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    secret = _database_with_an_admin(url)
    settings = Settings(database_url=url, request_read_timeout_s=1.0, request_min_body_rate_bytes_s=1000)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            http=with_read_timeout(1.0),
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


def _head(secret: str, content_length: int) -> bytes:
    """The request line and headers of an admin's POST /v1/teams with a JSON body of that length."""
    return (
        b"POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {content_length}\r\nAuthorization: Bearer {secret}\r\n\r\n".encode()
    )


def test_a_client_that_never_ends_its_request_is_answered_or_hung_up_on(
    quick_to_hang_up: tuple[int, str],
) -> None:
    """Half a header: the connection is closed; a body that never starts, or stops: 408 (a caller
    allowed to send it; one without a token is refused before its body, `test_auth_before_body`). None
    holds the service."""
    port, secret = quick_to_hang_up
    assert _answer(port, b"GET /health HTTP/1.1\r\nHost: x\r\n") == b""
    answer = _answer(port, _head(secret, 100))
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"the request body did not come in time: no part of it for 1 s" in answer
    # 9 bytes and no more: a second after they were read, the body came too slowly
    answer = _answer(port, _head(secret, 100) + b'{"name": ')
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"the request body came too slowly: 9 bytes in " in answer
    assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200


def _dripped(port: int, sent: bytes, every_s: float) -> bytes:
    """What the service sends back to a client that sends `sent`, then a byte every `every_s` seconds
    until the service answers, until it hangs up (within the guard)."""
    deadline = time.monotonic() + GUARD_S
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD_S) as client:
        client.sendall(sent)
        while not select.select([client], [], [], every_s)[0] and time.monotonic() < deadline:
            try:
                client.sendall(b" ")
            except OSError:  # the service hung up: its answer is in
                break
        received = b""
        while chunk := client.recv(65536):
            received += chunk
        return received


def test_a_body_dripped_slowly_is_answered_408_once_its_grace_is_over(
    quick_to_hang_up: tuple[int, str],
) -> None:
    """A byte every 0.1 s comes within the read timeout each time, but 10 bytes a second is below the
    minimum rate: the body of 1,000 bytes, which would take 100 s, is refused after its grace."""
    port, secret = quick_to_hang_up
    answer = _dripped(port, _head(secret, 1000), every_s=0.1)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:300]
    assert b"connection: close" in answer.lower()
    assert b"the request body came too slowly: " in answer
    assert b"below 1,000 bytes a second" in answer
    assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200


def test_a_body_past_the_limit_is_answered_413_and_the_answer_reaches_a_client_still_sending(
    quick_to_hang_up: tuple[int, str],
) -> None:
    """The service answers before it reads such a body, and must then close the connection (it was
    held open for as long as the client liked) without resetting it: a reset drops the answer the
    client has not read yet, and a client still sending its body has not."""
    port, secret = quick_to_hang_up
    body_bytes = 3 * 1024 * 1024  # past the 2 MiB of a JSON body
    answers = []
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD_S) as client:
            client.sendall(_head(secret, body_bytes))
            sending = threading.Thread(target=_send_quietly, args=(client, b" " * body_bytes), daemon=True)
            sending.start()
            received = b""
            while chunk := client.recv(65536):  # to the end: a reset raises here
                received += chunk
            answers.append(received)
    assert all(a.startswith(b"HTTP/1.1 413 ") for a in answers), [a[:100] for a in answers]
    assert all(b"request too large" in a for a in answers), answers[0]


def _send_quietly(client: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the service closed the connection before it was all sent
        client.sendall(data)


def test_a_body_sent_at_once_is_answered_as_ever(quick_to_hang_up: tuple[int, str]) -> None:
    port, secret = quick_to_hang_up
    created = httpx.post(f"http://127.0.0.1:{port}/v1/teams", json=tiny_team(), headers=bearer(secret))
    assert created.status_code == 201, created.text

"""Load and overhead of the web service (`wfm serve`, SQLite in a temporary folder).

1. Start-up: seconds from launching `wfm serve` until `/ready` answers 200 (the database file
   already exists: `wfm token create` made it and ran the migrations).
2. Load: two roster solves of a 12-agent team run (`--solve-s` each, two job workers, one CP-SAT
   thread each on this 2-core machine) while `--readers` readers (50) each read a roster, a job list
   or a job every `--read-interval-s` (1 s, as a page open on a lead's screen refreshes) for
   `--load-s` seconds: p50/p99 latency of the reads and the number of errors (non-200 answers or
   failed requests). Target: p99 under 100 ms, no error. With `--clients N`, N clients also read
   back to back (each sends its next read when the last is answered): the service's throughput
   while it solves, where latency is the queue the clients themselves make.
3. Job overhead: a roster job of the tests' tiny team (two agents, `--tiny-limit-s`) from POST
   to the client seeing `succeeded`, against `scheduler.roster.solve.solve` called here on the very
   problem the job solved (its stored parameters), same time limit, threads and seed. Target: under
   100 ms. Median of `--repeats`. The client follows the job by long-poll (GET /jobs/{id}?seen=…&wait_s=…,
   answered when the job changes), or with `--poll-s S` polls GET /jobs/{id} every S seconds (each
   poll costs the server a request, as it would any client; the old service had only that). The overhead is split, from the
   job's own timestamps (same machine, same clock), into: the POST's answer; queued (stored
   until its worker marks it running); in the worker besides the solve (load, build, check,
   report, store); and seen (stored until the client's GET shows it). Each job and each direct
   solve comes after `--idle-s` (1 s) with nothing running, as a job does on a quiet service:
   the service's spare worker process warms up when no job runs, and a direct solve
   sharing the two cores with that warm-up would flatter the overhead. `--idle-s 0` gives
   back-to-back jobs.

Run: `.venv/bin/python benchmarks/api_load.py` (about a minute); `--parts overhead` for the third
part alone; `--src DIR` runs the service from another checkout (e.g. `git worktree add /tmp/before
main`, for a before/after on the same machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

WEEK = date(2026, 11, 2)  # a Monday; no DST change in Europe/London that week
OVERHEAD_TARGET_S = 0.100
READ_P99_TARGET_S = 0.100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def team(name: str, agents: int, interval: int) -> dict[str, Any]:
    """One email queue, London agents, 8-hour shifts starting 07:00-10:00 (hourly) or more."""
    return {
        "name": name,
        "tz": "Europe/London",
        "interval_minutes": interval,
        "shrinkage": 0.1,
        "queues": [{"name": "email", "channel": "email", "response_hours": 8}],
        "shift_rules": {
            "lengths_hours": [8] if agents <= 2 else [6, 8],
            "start_step_minutes": interval,
            "earliest_start": "07:00",
            "latest_start": "10:00" if agents <= 2 else "13:00",
            "breaks": [],
        },
        "labour_rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "min_days_off_per_week": 2},
        "agents": [
            {
                "id": f"a{i + 1}",
                "name": f"Agent {i + 1}",
                "tz": "Europe/London",
                "skills": ["email"],
                "min_hours_per_week": 16,
                "max_hours_per_week": 40,
            }
            for i in range(agents)
        ],
    }


def requirements(days: int, hours: range, need: Any) -> str:
    """The requirements contract: `need(day, hour)` agents on email, London time."""
    rows = []
    for d in range(days):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for hour in hours:
            n = int(need(d, hour))
            ds = (day + pd.Timedelta(hours=hour)).tz_convert("UTC").isoformat()
            rows.append({"queue": "email", "ds": ds, "volume": 5 * n, "aht_s": 300, "required": n,
                         "scheduled_needed": n})  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False)


def make_team(http: httpx.Client, body: dict[str, Any], csv: str) -> tuple[str, int]:
    response = http.post("/v1/teams", json=body)
    response.raise_for_status()
    team_id = str(response.json()["id"])
    files = {"file": ("requirements.csv", csv, "text/csv")}
    response = http.post(f"/v1/teams/{team_id}/requirements/upload", files=files)
    response.raise_for_status()
    return team_id, int(response.json()["id"])


def start_job(http: httpx.Client, team_id: str, requirements_id: int, time_limit_s: float) -> str:
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": time_limit_s}
    response = http.post(f"/v1/teams/{team_id}/roster-jobs", json=body)
    response.raise_for_status()
    return str(response.json()["id"])


def wait_job(http: httpx.Client, job_id: str, poll_s: float, timeout_s: float = 120.0) -> dict[str, Any]:
    """Poll a job every `poll_s` until it ends (or `timeout_s` passes); its last state. With `poll_s` 0,
    long-poll instead: the service answers when the job changes."""
    deadline = time.monotonic() + timeout_s
    job: dict[str, Any] = http.get(f"/v1/jobs/{job_id}").json()
    while job["state"] not in ("succeeded", "failed", "cancelled") and time.monotonic() < deadline:
        if poll_s > 0:
            time.sleep(poll_s)
            job = http.get(f"/v1/jobs/{job_id}").json()
        else:
            job = http.get(f"/v1/jobs/{job_id}?seen={job['revision']}&wait_s=30").json()
    return job


async def load(
    base: str, headers: dict[str, str], paths: list[str], clients: int, seconds: float, interval_s: float
) -> tuple[list[float], int]:
    """Latencies and errors of `clients` readers for `seconds`: each reads every `interval_s` (0: back to
    back), starting spread over the first interval."""
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors = 0
    limits = httpx.Limits(max_connections=clients + 10)

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        i = n
        start = time.monotonic() + interval_s * n / clients
        end = time.monotonic() + seconds
        while (now := time.monotonic()) < end:
            next_at = start + (i - n) * interval_s
            if next_at > now:
                await asyncio.sleep(next_at - now)
            started = time.perf_counter()
            try:
                response = await http.get(paths[i % len(paths)])
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)
            by_path.setdefault(paths[i % len(paths)], []).append(latencies[-1])
            i += 1

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30.0, limits=limits) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    if os.environ.get("WFM_BENCH_PATHS"):
        for path, values in by_path.items():
            values.sort()
            print(f"    {path}: p50 {values[len(values) // 2] * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms")
    return latencies, errors


def direct_solve_s(database_url: str, job_id: str, solver_threads: int) -> tuple[float, float]:
    """Wall time (and objective) of `solve` on the problem a job solved, as its worker builds it."""
    from sqlalchemy import text

    from api.service.db import make_engine, session_factory, transaction
    from api.service.params import RosterJobParams
    from api.service.rostering import build_problem
    from api.service.storage import dataset_frame, dataset_row
    from scheduler.roster.solve import SolveSettings, solve

    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:  # plain SQL: the job table of any version
            team_id, stored = session.execute(
                text("SELECT team_id, params FROM jobs WHERE id = :id"), {"id": job_id}
            ).one()
            params = RosterJobParams.model_validate_json(stored)
            frame = dataset_frame(dataset_row(session, team_id, "requirements", params.requirements_id))
    finally:
        engine.dispose()
    started = time.perf_counter()
    problem = build_problem(params, frame)
    settings = SolveSettings(time_limit_s=params.time_limit_s, workers=solver_threads, seed=params.seed)
    result = solve(problem, settings)
    return time.perf_counter() - started, float(result.objective)


@dataclass(frozen=True)
class JobTiming:
    """One roster job as its client saw it, split by the job's own timestamps (seconds)."""

    total_s: float  # POST sent .. `succeeded` seen
    answer_s: float  # POST sent .. its answer (the route validates the request and stores the job)
    queued_s: float  # stored (created_at) .. its worker marked it running (started_at)
    worker_s: float  # running .. result stored (finished_at), less the solver's own time
    solver_s: float  # the solver's own time, as the job reports it
    seen_s: float  # result stored .. the client's GET showed `succeeded`


def instant_s(text: str) -> float:
    """An ISO-8601 instant of the API as POSIX seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def timed_job(
    http: httpx.Client, team_id: str, requirements_id: int, time_limit_s: float, poll_s: float
) -> tuple[dict[str, Any], JobTiming]:
    """Run one roster job, polling every `poll_s`; the job and where its time went."""
    sent = time.time()
    job_id = start_job(http, team_id, requirements_id, time_limit_s)
    answered = time.time()
    job = wait_job(http, job_id, poll_s)
    seen = time.time()
    assert job["state"] == "succeeded", job
    created, started, finished = (instant_s(job[k]) for k in ("created_at", "started_at", "finished_at"))
    solver_s = float(job["elapsed_s"] or 0.0)
    timing = JobTiming(
        total_s=seen - sent,
        answer_s=answered - sent,
        queued_s=started - created,
        worker_s=finished - started - solver_s,
        solver_s=solver_s,
        seen_s=seen - finished,
    )
    return job, timing


def ms_runs(values: list[float]) -> str:
    """'median ms (runs: a, b, c)'."""
    return f"{statistics.median(values) * 1000:.0f} ms (runs: {', '.join(f'{x * 1000:.0f}' for x in values)})"


def verdict(ok: bool) -> str:
    return "target met" if ok else "target NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--readers", type=int, default=50, help="readers each reading every --read-interval-s"
    )
    parser.add_argument("--read-interval-s", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=0, help="also this many clients reading back to back")
    parser.add_argument("--load-s", type=float, default=10.0)
    parser.add_argument(
        "--solve-s", type=float, default=120.0, help="the solves' limit (they are cancelled after)"
    )
    parser.add_argument("--solves", type=int, default=2, help="solves running while the readers read")
    parser.add_argument("--tiny-limit-s", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--poll-s", type=float, default=0.0, help="how often the overhead part polls a job (0: long-poll)"
    )
    parser.add_argument(
        "--idle-s",
        type=float,
        default=1.0,
        help="the overhead part's pause before each job and each direct solve",
    )
    parser.add_argument("--parts", nargs="+", choices=["load", "overhead"], default=["load", "overhead"])
    parser.add_argument("--src", type=Path, default=None, help="run the service from this checkout instead")
    args = parser.parse_args()

    solver_threads = 1
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'wfm.db'}"
        env = {**os.environ, "DATABASE_URL": database_url, "WFM_JOB_WORKERS": "2",
               "WFM_SOLVER_THREADS": str(solver_threads)}  # fmt: skip
        if args.src is not None:  # the other checkout's packages come first
            env["PYTHONPATH"] = str(args.src.resolve())
        wfm = [sys.executable, "-c", "from api.cli import main; main()"]
        token = subprocess.run(
            [*wfm, "token", "create", "--role", "admin", "--label", "benchmark"],
            env=env, check=True, capture_output=True, text=True, cwd=args.src,
        ).stdout.strip()  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        launched = time.perf_counter()
        server = subprocess.Popen(
            [*wfm, "serve", "--port", str(port)],
            env=env,
            cwd=args.src,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            startup_s = float("nan")
            while server.poll() is None and time.perf_counter() - launched < 60:
                try:
                    if httpx.get(f"{base}/ready", timeout=1.0).status_code == 200:
                        startup_s = time.perf_counter() - launched
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
            print(f"start-up of `wfm serve` until /ready answers 200: {startup_s:.2f} s")
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30.0) as http:
                run_benchmarks(http, base, headers, args, database_url, solver_threads)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run_benchmarks(
    http: httpx.Client,
    base: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    database_url: str,
    solver_threads: int,
) -> None:
    tiny_id, tiny_req = make_team(
        http, team("Tiny Desk", 2, 60), requirements(5, range(9, 17), lambda _d, _h: 1)
    )
    big_id, big_req = make_team(
        http,
        team("Busy Desk", 12, 30),
        requirements(7, range(7, 21), lambda d, h: 2 + (d * 7 + h * 3) % 4 if d < 5 else 1 + h % 2),
    )
    # a stored roster to read while the solves run
    first = wait_job(http, start_job(http, tiny_id, tiny_req, args.tiny_limit_s), 0.05)
    assert first["state"] == "succeeded", first
    if "load" in args.parts:
        load_part(http, base, headers, args, tiny_id, big_id, big_req, int(first["version"]))
    if "overhead" in args.parts:
        overhead_part(http, args, database_url, solver_threads, tiny_id, tiny_req)


def load_part(
    http: httpx.Client,
    base: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    tiny_id: str,
    big_id: str,
    big_req: int,
    version: int,
) -> None:
    """Two solves running, many readers: latency and errors of the reads."""
    solves = [start_job(http, big_id, big_req, args.solve_s) for _ in range(args.solves)]
    paths = [f"/v1/teams/{tiny_id}/rosters", f"/v1/teams/{tiny_id}/rosters/{version}",
             f"/v1/teams/{big_id}/roster-jobs", *(f"/v1/jobs/{j}" for j in solves)]  # fmt: skip
    while any(http.get(f"/v1/jobs/{j}").json()["state"] == "queued" for j in solves):
        time.sleep(0.05)  # both solves running before the readers start
    runs = [("readers", args.readers, args.read_interval_s)]
    if args.clients:
        runs.append(("back-to-back clients", args.clients, 0.0))
    for name, clients, interval_s in runs:
        running = [http.get(f"/v1/jobs/{j}").json()["state"] for j in solves]
        latencies, errors = asyncio.run(load(base, headers, paths, clients, args.load_s, interval_s))
        lat_ms = sorted(x * 1000 for x in latencies)
        p50 = statistics.median(lat_ms)
        p99 = lat_ms[min(len(lat_ms) - 1, int(0.99 * len(lat_ms)))]
        every = f"each every {interval_s:g} s" if interval_s else "back to back"
        print(f"\nload: {clients} {name} ({every}) for {args.load_s:g} s while {len(solves)} solves ran "
              f"(states at start: {', '.join(running)})")  # fmt: skip
        print(f"  requests {len(lat_ms)} ({len(lat_ms) / args.load_s:.0f}/s), p50 {p50:.1f} ms, "
              f"p99 {p99:.1f} ms, max {lat_ms[-1]:.1f} ms, errors {errors}")  # fmt: skip
        if interval_s:
            ok = p99 < READ_P99_TARGET_S * 1000 and errors == 0
            print(f"  target p99 < {READ_P99_TARGET_S * 1000:.0f} ms and no error: {verdict(ok)}")
    states = [http.get(f"/v1/jobs/{j}").json()["state"] for j in solves]
    print(f"  solves at the end: {', '.join(states)} (now cancelled)")
    for j in solves:
        http.post(f"/v1/jobs/{j}/cancel")


def overhead_part(
    http: httpx.Client,
    args: argparse.Namespace,
    database_url: str,
    solver_threads: int,
    tiny_id: str,
    tiny_req: int,
) -> None:
    """A tiny roster job, POST to `succeeded` seen, against calling the solver directly."""
    timings: list[JobTiming] = []
    direct_s: list[float] = []
    for _ in range(args.repeats):
        time.sleep(args.idle_s)
        job, timing = timed_job(http, tiny_id, tiny_req, args.tiny_limit_s, args.poll_s)
        timings.append(timing)
        time.sleep(args.idle_s)
        direct_s.append(direct_solve_s(database_url, job["id"], solver_threads)[0])
    job_med = statistics.median(t.total_s for t in timings)
    overhead = job_med - statistics.median(direct_s)
    followed = f"polled every {args.poll_s * 1000:g} ms" if args.poll_s else "followed by long-poll"
    print(f"\njob overhead (tiny team, time limit {args.tiny_limit_s:g} s, {followed}, "
          f"{args.idle_s:g} s idle before each, median of {args.repeats}):")  # fmt: skip
    print(f"  baseline, direct scheduler.roster.solve.solve (build + solve): {ms_runs(direct_s)}")
    print(f"  roster job, POST to `succeeded` seen by the client: {ms_runs([t.total_s for t in timings])}")
    print(f"    POST answered:                       {ms_runs([t.answer_s for t in timings])}")
    print(f"    queued until its worker runs it:     {ms_runs([t.queued_s for t in timings])}")
    print(f"    solver (as the job reports it):      {ms_runs([t.solver_s for t in timings])}")
    print(f"    worker besides the solver:           {ms_runs([t.worker_s for t in timings])}")
    print(f"    stored until the client sees it:     {ms_runs([t.seen_s for t in timings])}")
    print(f"  overhead: {overhead * 1000:.0f} ms (target < {OVERHEAD_TARGET_S * 1000:.0f} ms: "
          f"{verdict(overhead < OVERHEAD_TARGET_S)})")  # fmt: skip


if __name__ == "__main__":
    main()

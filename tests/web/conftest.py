"""The web page in a real browser: `wfm serve`'s app on a real port (uvicorn, SQLite file), Debian's
headless Chromium driven by Playwright. `make` installs Chromium; where it is missing these tests
are skipped with the reason.

Screenshots go to `test-artifacts/web/` (kept by CI as artefacts, ignored by git). The accessibility
audit injects axe-core from `node_modules/` (`make` installs it with `npm ci`).
"""

from __future__ import annotations

import functools
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.service import Settings, create_app
from api.service.auth import create_token
from api.service.db import make_engine, session_factory, transaction

WEEK = date(2026, 11, 2)  # a Monday; no DST change that week in London or New York
TEAM_ID = "web-desk"
MAX_TIME_LIMIT_S = 900  # the site's most seconds a solve may ask for (the service's default is 600)
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# the solver work units (`Settings.deterministic_time_limit_s`) of the sites' solves: each stops after
# that much work, on any machine, whatever time limit the page asks for (the limit then only guards
# against a runaway solve), so the tests wait for no solve's clock
WORK_UNITS = 0.2
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no outside network
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def email_agent(agent_id: str, name: str, tz: str, min_hours_per_week: int = 16) -> dict[str, Any]:
    """An email agent of a test team, as the API takes it: up to 40 hours a week."""
    return {
        "id": agent_id,
        "name": name,
        "tz": tz,
        "skills": ["email"],
        "min_hours_per_week": min_hours_per_week,
        "max_hours_per_week": 40,
    }


def web_team() -> dict[str, Any]:
    """Three agents in three zones, a lunch inside each 8-hour shift, a 30-minute grid."""
    return {
        "name": "Web Desk",
        "tz": "Europe/London",
        "interval_minutes": 30,
        "shrinkage": 0.1,
        "queues": [{"name": "email", "channel": "email", "response_hours": 4}],
        "shift_rules": {
            "lengths_hours": [8],
            "start_step_minutes": 60,
            "earliest_start": "07:00",
            "latest_start": "12:00",
            "breaks": [
                {
                    "kind": "lunch",
                    "duration_minutes": 30,
                    "window_start_minutes": 180,
                    "window_end_minutes": 300,
                }
            ],
        },
        "labour_rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "min_days_off_per_week": 2},
        "agents": [
            email_agent("a1", "Ann Example", "Europe/London"),
            email_agent("a2", "Bo Example", "America/New_York"),
            email_agent("a3", "Chi Example", "Europe/Berlin"),
        ],
    }


def requirements_csv() -> str:
    """Two agents on email 09:00-18:00 London time on weekdays, one on Saturday."""
    rows = []
    for d in range(6):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for half_hour in range(18, 36):
            ds = (day + pd.Timedelta(minutes=30 * half_hour)).tz_convert("UTC").isoformat()
            need = 2 if d < 5 else 1
            rows.append(
                {
                    "queue": "email",
                    "ds": ds,
                    "volume": 8,
                    "aht_s": 300,
                    "required": need,
                    "scheduled_needed": need,
                }
            )
    return pd.DataFrame(rows).to_csv(index=False)


AVAILABILITY_CSV = "agent_id,date,weekday,start,end,kind,note\na3,2026-11-04,,00:00,24:00,time_off,dentist\n"


@dataclass
class Site:
    """The running service: its address, tokens by role, and an API client (admin)."""

    url: str
    tokens: dict[str, str]
    api: httpx.Client

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def wait_for_job(self, job_id: str, role: str = "lead", timeout_s: float = 120.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            job: dict[str, Any] = self.api.get(f"/v1/jobs/{job_id}", headers=self.headers(role)).json()
            if job["state"] not in ("queued", "running") or time.monotonic() > deadline:
                return job
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tokens(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    out = {}
    with transaction(session_factory(engine)) as session:
        for role in ("admin", "lead", "hr", "planner"):
            _, out[role] = create_token(session, role, [] if role == "admin" else [TEAM_ID])
    engine.dispose()
    return out


def _seed(site: Site) -> None:
    """The team, its availability, requirements and a first roster (version 1)."""
    admin, lead = site.headers("admin"), site.headers("lead")
    assert site.api.post("/v1/teams", json={**web_team(), "id": TEAM_ID}, headers=admin).status_code == 201
    files = {"file": ("availability.csv", AVAILABILITY_CSV, "text/csv")}
    assert (
        site.api.post(f"/v1/teams/{TEAM_ID}/availability/imports", files=files, headers=lead).status_code
        == 200
    )
    files = {"file": ("requirements.csv", requirements_csv(), "text/csv")}
    response = site.api.post(f"/v1/teams/{TEAM_ID}/requirements/upload", files=files, headers=lead)
    assert response.status_code == 201, response.text
    body = {"week": WEEK.isoformat(), "requirements_id": response.json()["id"], "time_limit_s": 5}
    job = site.api.post(f"/v1/teams/{TEAM_ID}/roster-jobs", json=body, headers=lead).json()
    done = site.wait_for_job(job["id"])
    assert done["state"] == "succeeded", done  # the job's error, if it failed


@contextmanager
def serving(database_url: str, work_units: float | None = WORK_UNITS) -> Iterator[Site]:
    """The app served by uvicorn on a free port, on that database, with a token of each role; its solves
    stop after `work_units` of solver work (None: at their time limit, as a lead's do)."""
    # limits other than the defaults (600 s, 30 s): the page shows the service's, not its own
    settings = Settings(
        database_url=database_url,
        job_workers=1,
        solver_threads=1,
        default_time_limit_s=5.0,
        max_time_limit_s=MAX_TIME_LIMIT_S,
        deterministic_time_limit_s=work_units,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30.0) as client:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)
        yield Site(url, _tokens(database_url), client)
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app served by uvicorn on a free port, with a seeded team and one roster."""
    with serving(f"sqlite:///{tmp_path_factory.mktemp('web') / 'wfm.db'}") as running:
        _seed(running)
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; `make setup` installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


# A busy 2-core machine may take seconds to answer the page (a scenario comparison, a chart): actions
# and expectations wait up to this long. A guard against a hung page, not a speed assertion.
PAGE_WAIT_MS = 30_000
expect.set_options(timeout=PAGE_WAIT_MS)


@contextmanager
def open_page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page in a fresh browser context of that size; a JavaScript error on it, or a file of the page
    it cannot load (not an API call: those may be refused on purpose), fails the test."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)  # type: ignore[arg-type]
    context.set_default_timeout(PAGE_WAIT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on(  # what the page's Content-Security-Policy refused
        "console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    opened.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type not in ("fetch", "xhr")
            else None
        ),
    )
    try:
        yield opened
    finally:
        context.close()
    assert errors == [], f"JavaScript errors or files not loaded on the page: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, {"width": 1366, "height": 900}) as opened:
        yield opened


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def accessibility_violations(
    page: Page, impacts: tuple[str, ...] = ("minor", "moderate", "serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations of those impacts on the page as it is now (rule, impact, help, where)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (`make setup` runs `npm ci`)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        # evaluated by the browser's devtools protocol, which the page's Content-Security-Policy
        # (scripts from the service alone) does not govern, as it does a script tag added to the page
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
    found: list[dict[str, Any]] = page.evaluate(
        """async (impacts) => (await axe.run(document, { resultTypes: ["violations"] })).violations
            .filter((v) => impacts.includes(v.impact))
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                           where: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }))""",
        list(impacts),
    )
    return found


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (rule, help, where)."""
    return accessibility_violations(page, ("serious", "critical"))


def lead_api(site: Site, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request to the team's routes with the lead's token."""
    return site.api.request(method, f"/v1/teams/{TEAM_ID}{path}", headers=site.headers("lead"), **kwargs)


def newest_version(site: Site) -> dict[str, Any]:
    """The team's newest roster version (the one the page shows first)."""
    versions: list[dict[str, Any]] = lead_api(site, "GET", "/rosters").json()
    return versions[0]


def shift_rows(site: Site, number: int) -> list[dict[str, Any]]:
    """The shift rows (one per shift) of a version."""
    detail = lead_api(site, "GET", f"/rosters/{number}").json()
    return [r for r in detail["rows"] if r["activity"] == "shift"]


def restore_availability(site: Site) -> None:
    """Put the team's availability back as seeded (tests that import or clear rows end with it)."""
    files = {"file": ("availability.csv", AVAILABILITY_CSV, "text/csv")}
    response = lead_api(site, "POST", "/availability/imports?mode=replace", files=files)
    assert response.status_code == 200, response.text


def clear_pins(site: Site, number: int) -> None:
    assert lead_api(site, "PUT", f"/rosters/{number}/pins", json={"pins": []}).status_code == 200


def sign_in(page: Page, site: Site, role: str) -> None:
    """Open the page and sign in with the role's token; wait until the workspace shows its teams (an
    upload sent before then would name no team)."""
    page.goto(site.url + "/")
    page.get_by_label("Access token").fill(site.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    page.locator('#workspace[aria-busy="false"]').wait_for(state="visible")


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


BIG_TEAM_ID = "big-desk"
BIG_QUEUES = ("creator-support-email", "social-direct-messages")


def big_team() -> dict[str, Any]:
    """Fourteen agents on two queues with long names, as a lead's real team is: the page must fit it."""
    team = web_team()
    team["name"] = "Big Desk"
    team["queues"] = [
        {"name": BIG_QUEUES[0], "channel": "email", "response_hours": 4},
        {"name": BIG_QUEUES[1], "channel": "social", "response_hours": 2},
    ]
    team["agents"] = [
        {
            **team["agents"][i % 3],
            "id": f"g{i:02d}",
            "name": f"Agent {i:02d} Longsurname-Example",
            "skills": [BIG_QUEUES[i % 2], *([BIG_QUEUES[(i + 1) % 2]] if i % 3 == 0 else [])],
        }
        for i in range(14)
    ]
    return team


def big_requirements() -> str:
    rows = []
    for d in range(7):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for half_hour in range(16, 40):
            ds = (day + pd.Timedelta(minutes=30 * half_hour)).tz_convert("UTC").isoformat()
            for q, need in zip(BIG_QUEUES, (3, 2), strict=True):
                rows.append(
                    {
                        "queue": q,
                        "ds": ds,
                        "volume": 6 * need,
                        "aht_s": 300,
                        "required": need,
                        "scheduled_needed": need,
                    }
                )
    return pd.DataFrame(rows).to_csv(index=False)


@pytest.fixture(scope="session")
def big_site(site: Site) -> Site:
    """The service with a second team of fourteen agents and one roster of it."""
    add_rostered_team(site, {**big_team(), "id": BIG_TEAM_ID}, big_requirements(), time_limit_s=10)
    return site


def add_rostered_team(site: Site, team: dict[str, Any], requirements: Any, time_limit_s: float) -> None:
    """Create `team` (its mapping, with its id) on the service, upload its requirements CSV and
    roster the week (the admin's calls; a failing step fails the test with its answer)."""
    admin = site.headers("admin")
    created = site.api.post("/v1/teams", json=team, headers=admin)
    assert created.status_code == 201, created.text
    files = {"file": ("requirements.csv", requirements, "text/csv")}
    uploaded = site.api.post(f"/v1/teams/{team['id']}/requirements/upload", files=files, headers=admin)
    assert uploaded.status_code == 201, uploaded.text
    body = {"week": WEEK.isoformat(), "requirements_id": uploaded.json()["id"], "time_limit_s": time_limit_s}
    job = site.api.post(f"/v1/teams/{team['id']}/roster-jobs", json=body, headers=admin).json()
    done = site.wait_for_job(job["id"], role="admin")
    assert done["state"] == "succeeded", done  # the job's error, if it failed


def sign_in_to_big_team(page: Page, site: Site) -> None:
    """Sign in as admin and pick the fourteen-agent team; wait until its roster is drawn."""
    sign_in(page, site, "admin")
    page.locator("#team").select_option(BIG_TEAM_ID)
    page.locator('#roster-grid tr[data-agent="g13"]').wait_for()

"""A lead's first use from the page alone: a team from the file `wfm team init` writes, a week's
requirements (from a file, or forecast from the team's contact history), then a solve; the service's
refusals said in words; each role offered only what it may do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from playwright.sync_api import Browser, FilePayload, Page, expect
from typer.testing import CliRunner

from api.cli import app as cli
from tests.web.conftest import (
    LAPTOP,
    PHONE,
    WEEK,
    Site,
    accessibility_violations,
    open_page,
    screenshot,
    serving,
    sign_in,
    web_team,
)

NEW_TEAM_ID = "world-desk"  # the slug of the team file's name
# after the seeded team's id: a token that sees every team still starts on the team it started on
HISTORY_TEAM_ID = "yonder-desk"
VIEWPORTS = {"laptop": LAPTOP, "phone": PHONE}


def _team_file(folder: Path) -> bytes:
    """The team file `wfm team init` writes from a sheet of three agents (YAML with comments)."""
    sheet = folder / "agents.csv"
    sheet.write_text(
        "name,tz,skills,hours\n"
        "Ann Example,Europe/London,email,40\nBo Example,Europe/London,email,40\nChi Example,Europe/Berlin,email,40\n"
    )
    out = folder / "team.yaml"
    args = ["team", "init", "--agents", str(sheet), "--name", "World Desk", "--tz", "Europe/London"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _requirements(interval_minutes: int) -> str:
    """One agent on email 09:00-17:00 London time, Monday to Friday of WEEK, on the team's grid."""
    rows = []
    for d in range(5):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for step in range(9 * 60 // interval_minutes, 17 * 60 // interval_minutes):
            ds = (day + pd.Timedelta(minutes=interval_minutes * step)).tz_convert("UTC").isoformat()
            rows.append(
                {"queue": "email", "ds": ds, "volume": 4, "aht_s": 300, "required": 1, "scheduled_needed": 1}
            )
    return pd.DataFrame(rows).to_csv(index=False)


def _history() -> str:
    """Three weeks of email contacts before WEEK, on weekdays 09:00-18:00 London time (the history contract)."""
    rows = []
    for d in range(-21, 0):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for half_hour in range(48):
            ds = (day + pd.Timedelta(minutes=30 * half_hour)).tz_convert("UTC").isoformat()
            busy = day.weekday() < 5 and 18 <= half_hour < 36
            rows.append({"ds": ds, "queue": "email", "y": 6 if busy else 0})
    return pd.DataFrame(rows).to_csv(index=False)


def _upload(page: Page, selector: str, name: str, content: bytes | str, mime: str) -> None:
    data = content.encode() if isinstance(content, str) else content
    page.locator(selector).set_input_files(files=[FilePayload(name=name, mimeType=mime, buffer=data)])


def _no_violations(page: Page) -> None:
    assert accessibility_violations(page) == []


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A service with no team yet: the first use."""
    with serving(f"sqlite:///{tmp_path_factory.mktemp('first-use') / 'wfm.db'}") as running:
        yield running


def test_on_a_new_service_an_admin_creates_a_team_from_its_file_gives_it_requirements_and_solves(
    page: Page, empty_site: Site, tmp_path: Path
) -> None:
    site = empty_site
    sign_in(page, site, "admin")
    expect(page.locator("#grid-wrap")).to_have_text("No team yet: create one from its team file (Set up).")
    expect(page.get_by_role("tab", name="Set up")).to_be_focused()  # the view shown for a first team
    expect(page.locator("#requirements-for")).to_have_text("Create a team (or pick one) first.")
    expect(page.get_by_role("button", name="Upload requirements")).to_be_disabled()
    _no_violations(page)
    _upload(page, "#team-file", "team.yaml", _team_file(tmp_path), "application/yaml")
    page.get_by_role("button", name="Create team").click()
    expect(page.locator("#team-report")).to_contain_text("Team World Desk (world-desk) created with 3 agents")
    expect(page.locator("#team")).to_have_value(NEW_TEAM_ID)  # picked above
    expect(page.locator("#requirements-for")).to_contain_text("For World Desk (Europe/London)")
    admin = site.headers("admin")
    interval = site.api.get(f"/v1/teams/{NEW_TEAM_ID}", headers=admin).json()["interval_minutes"]
    _upload(page, "#requirements-file", "requirements.csv", _requirements(interval), "text/csv")
    page.get_by_role("button", name="Upload requirements").click()
    report = page.locator("#requirements-report")
    expect(report).to_contain_text(f"picked for a solve of the week of {WEEK.isoformat()}")
    stored = site.api.get(f"/v1/teams/{NEW_TEAM_ID}/requirements", headers=admin).json()
    assert len(stored) == 1
    _no_violations(page)
    screenshot(page, "first-use-team-and-requirements")
    page.get_by_role("button", name="Go to Solve").click()
    expect(page.get_by_role("tab", name="Solve")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#solve-requirements")).to_have_value(str(stored[0]["id"]))
    expect(page.get_by_label("Week starting")).to_have_value(WEEK.isoformat())
    page.get_by_label("Time limit (s)").fill("3")
    page.get_by_role("button", name="Start solve").click()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    expect(page.locator("#version")).to_have_value("1")
    expect(page.locator("#team")).to_have_value(NEW_TEAM_ID)
    expect(page.locator("#roster-grid")).to_contain_text("Ann Example")
    screenshot(page, "first-use-solved")


@pytest.fixture
def history_team(site: Site) -> str:
    """A team with three weeks of contact history stored (as a lead's helpdesk export would give)."""
    admin = site.headers("admin")
    created = site.api.post(
        "/v1/teams", json={**web_team(), "name": "Yonder Desk", "id": HISTORY_TEAM_ID}, headers=admin
    )
    assert created.status_code == 201, created.text
    files = {"file": ("history.csv", _history(), "text/csv")}
    stored = site.api.post(f"/v1/teams/{HISTORY_TEAM_ID}/history", files=files, headers=admin)
    assert stored.status_code == 201, stored.text
    return HISTORY_TEAM_ID


def test_a_weeks_requirements_are_forecast_from_the_teams_contact_history(
    page: Page, site: Site, history_team: str
) -> None:
    sign_in(page, site, "admin")
    page.locator("#team").select_option(history_team)
    page.get_by_role("tab", name="Set up").click()
    expect(page.locator("#forecast-history option")).to_have_count(1)
    expect(page.locator("#forecast-none")).to_be_hidden()
    page.get_by_label("Week to forecast (its first day)").fill(WEEK.isoformat())
    page.get_by_role("button", name="Forecast requirements").click()
    expect(page.locator("#requirements-report")).to_contain_text(f"of the week of {WEEK.isoformat()}")
    stored = site.api.get(f"/v1/teams/{history_team}/requirements", headers=site.headers("admin")).json()
    assert len(stored) == 1
    expect(page.locator("#solve-requirements")).to_have_value(str(stored[0]["id"]))
    expect(page.locator("#solve-week")).to_have_value(WEEK.isoformat())
    # the week's demand, as a planner reads it before solving: contacts and agent-hours by day
    rows = site.api.get(
        f"/v1/teams/{history_team}/requirements/{stored[0]['id']}", headers=site.headers("admin")
    ).json()["rows"]
    week_rows = [r for r in rows if not r["lead_in"]]
    contacts = sum(r["volume"] for r in week_rows)
    step_h = (
        datetime.fromisoformat(week_rows[1]["ds"]) - datetime.fromisoformat(week_rows[0]["ds"])
    ).seconds / 3600
    hours = sum(r["scheduled_needed_fractional"] for r in week_rows) * step_h
    demand = page.locator("#stored-demand #demand-table")
    expect(demand.locator("thead th")).to_have_count(9)  # the queue, seven days, the week
    expect(demand.locator("tbody tr").first.locator("th")).to_have_text("email")
    expect(demand.locator("tbody tr").last.locator("td").last).to_have_text(
        f"{contacts:,.0f} · {hours:,.1f} h"
    )
    screenshot(page, "forecast-demand")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_text("The week's demand of these requirements").click()
    expect(page.locator("#demand-table-box #demand-table tbody tr")).to_have_count(2)
    _no_violations(page)
    page.get_by_role("tab", name="Set up").click()

    # the history was the wrong export: deleted, with the forecast made from it; the requirements stay
    admin = site.headers("admin")
    history = site.api.get(f"/v1/teams/{history_team}/history", headers=admin).json()[0]["id"]
    forecast = site.api.get(f"/v1/teams/{history_team}/forecasts", headers=admin).json()[0]["id"]
    page.get_by_role("tab", name="Set up").click()
    page.get_by_role("button", name="Delete this history…").click()
    dialog = page.get_by_role("dialog", name="Delete a contact history")
    expect(dialog).to_contain_text(f"Delete contact history #{history} history.csv")
    _no_violations(page)
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator("#status")).to_have_text(
        f"Contact history #{history} deleted, with the forecast made from it (#{forecast})."
    )
    expect(page.locator("#forecast-none")).to_be_visible()
    expect(page.get_by_role("button", name="Delete this history…")).to_be_disabled()
    assert site.api.get(f"/v1/teams/{history_team}/history", headers=admin).json() == []
    assert len(site.api.get(f"/v1/teams/{history_team}/requirements", headers=admin).json()) == 1


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_bad_team_file_is_refused_in_words_naming_the_key_and_value(
    browser: Browser, site: Site, size: str
) -> None:
    team = {**web_team(), "name": "Typo Desk", "tz": "Europe/Londn"}
    team["agents"][1]["skils"] = team["agents"][1].pop("skills")
    with open_page(browser, VIEWPORTS[size]) as page:
        sign_in(page, site, "admin")
        page.get_by_role("tab", name="Set up").click()
        _upload(page, "#team-file", "typo.yaml", yaml.safe_dump(team), "application/yaml")
        page.get_by_role("button", name="Create team").click()
        expect(page.locator("#team-report thead th")).to_have_text(["field", "value", "reason"])
        alert = page.locator("#team-report [role=alert]")
        expect(alert).to_have_text("typo.yaml was refused; no team was created.")
        rows = page.locator("#team-report tbody tr")
        expect(rows.filter(has_text="Europe/Londn")).to_contain_text(
            "unknown time zone; did you mean 'Europe/London'?"
        )
        expect(rows.filter(has_text="skils")).to_contain_text("agents.1.skils (Bo Example)")
        expect(rows.filter(has_text="skils")).to_contain_text("unknown key 'skils'; did you mean 'skills'?")
        _no_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
        screenshot(page, f"first-use-bad-team-file-{size}")
    teams = site.api.get("/v1/teams", headers=site.headers("admin")).json()
    assert "typo-desk" not in [t["id"] for t in teams]


def test_a_bad_requirements_file_is_refused_naming_its_row_and_column(page: Page, site: Site) -> None:
    lines = _requirements(30).splitlines()
    cells = lines[3].split(",")
    cells[4] = "-1"  # `required` of the third interval
    lines[3] = ",".join(cells)
    sign_in(page, site, "lead")
    before = site.api.get("/v1/teams/web-desk/requirements", headers=site.headers("lead")).json()
    page.get_by_role("tab", name="Set up").click()
    _upload(page, "#requirements-file", "needs.csv", "\n".join(lines), "text/csv")
    page.get_by_role("button", name="Upload requirements").click()
    expect(page.locator("#requirements-report [role=alert]")).to_have_text(
        "needs.csv was refused; nothing was stored."
    )
    expect(page.locator("#requirements-report thead th")).to_have_text(["row", "column", "value", "reason"])
    expect(page.locator("#requirements-report tbody tr")).to_have_count(1)
    cells_shown = page.locator("#requirements-report tbody tr td")
    expect(cells_shown).to_have_text(
        ["4", "required", "-1", "must be a finite number >= 0 and at most 100,000"]
    )
    _no_violations(page)
    assert site.api.get("/v1/teams/web-desk/requirements", headers=site.headers("lead")).json() == before


def test_a_lead_gives_requirements_but_only_an_admin_creates_a_team(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Set up").click()
    expect(page.get_by_role("button", name="Create team")).to_be_hidden()
    expect(page.locator("#panel-setup")).to_contain_text("A new team is created by an admin")
    expect(page.get_by_role("button", name="Upload requirements")).to_be_enabled()
    # a forecast is offered as the stored histories allow (another test of the same site may store one)
    histories = site.api.get("/v1/teams/web-desk/history", headers=site.headers("lead")).json()
    if histories:
        expect(page.get_by_role("button", name="Forecast requirements")).to_be_enabled()
    else:
        expect(page.locator("#forecast-none")).to_be_visible()
        expect(page.get_by_role("button", name="Forecast requirements")).to_be_disabled()
    _no_violations(page)


def test_hr_is_offered_no_set_up(page: Page, site: Site) -> None:
    sign_in(page, site, "hr")
    expect(page.get_by_role("tab", name="Roster")).to_be_visible()
    expect(page.get_by_role("tab", name="Set up")).to_be_hidden()


def test_a_token_that_sees_no_team_is_told_who_creates_one(page: Page, site: Site) -> None:
    made = site.api.post(
        "/v1/tokens", json={"role": "lead", "teams": ["not-yet-desk"]}, headers=site.headers("admin")
    )
    assert made.status_code == 201, made.text
    page.goto(site.url + "/")
    page.get_by_label("Access token").fill(made.json()["token"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#grid-wrap")).to_have_text(
        "No team visible to this token: an admin creates teams and gives tokens access to them."
    )
    page.get_by_role("tab", name="Set up").click()
    expect(page.locator("#requirements-for")).to_have_text("Create a team (or pick one) first.")
    expect(page.get_by_role("button", name="Upload requirements")).to_be_disabled()
    _no_violations(page)

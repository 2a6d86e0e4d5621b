"""Queues whose names share a beginning are told apart in the grid, and the day view's legend names them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.web.conftest import WEEK, Site, requirements_csv, screenshot, sign_in, web_team

TWIN_TEAM_ID = "twin-desk"
QUEUES = ("creator-chat", "creator-email")


def _twin_team() -> dict[str, Any]:
    """Three agents on two queues named alike, as a Creator Support team's are."""
    team = web_team()
    team["name"] = "Twin Desk"
    team["queues"] = [
        {"name": QUEUES[0], "channel": "email", "response_hours": 4},
        {"name": QUEUES[1], "channel": "email", "response_hours": 4},
    ]
    for i, agent in enumerate(team["agents"]):
        agent["skills"] = [QUEUES[i % 2]]
    return team


def _requirements() -> str:
    one = requirements_csv()
    lines = one.splitlines()
    return "\n".join([lines[0], *(f"{q}{line.removeprefix('email')}" for q in QUEUES for line in lines[1:])])


def test_queues_named_alike_are_told_apart_and_named_in_the_day_legend(page: Page, site: Site) -> None:
    admin = site.headers("admin")
    assert (
        site.api.post("/v1/teams", json={**_twin_team(), "id": TWIN_TEAM_ID}, headers=admin).status_code
        == 201
    )
    files = {"file": ("requirements.csv", _requirements(), "text/csv")}
    uploaded = site.api.post(f"/v1/teams/{TWIN_TEAM_ID}/requirements/upload", files=files, headers=admin)
    assert uploaded.status_code == 201, uploaded.text
    body = {"week": WEEK.isoformat(), "requirements_id": uploaded.json()["id"], "time_limit_s": 2}
    job = site.api.post(f"/v1/teams/{TWIN_TEAM_ID}/roster-jobs", json=body, headers=admin).json()
    assert site.wait_for_job(job["id"], role="admin")["state"] == "succeeded"
    sign_in(page, site, "admin")
    page.locator("#team").select_option(TWIN_TEAM_ID)
    page.locator('#roster-grid tr[data-agent="a2"]').wait_for()
    # each queue written by the part that differs, its full name in the title
    for queue, short in zip(QUEUES, ("chat", "email"), strict=True):
        written = page.locator(f'#roster-grid .queue[title="{queue}"]')
        expect(written.first).to_have_text(short)
    screenshot(page, "queues-told-apart")
    page.get_by_role("tab", name="Day").click()
    page.locator("#day-table").wait_for()
    legend = page.locator("#day-legend")
    expect(legend.locator("li.queue-key")).to_have_text([f"{QUEUES[0]} (solid)", f"{QUEUES[1]} (striped)"])
    expect(legend).not_to_contain_text("first queue")

"""The roster view speaks a lead's words (issues 22.4, 23.5, 23.6): service per queue and day, each
stretch where it suffers with who could cover it, and after a sick call, the absent agent marked and a
re-roster that lists the cover options; the solve panel shows the first roster's shortfall and service
level as soon as it is found (25.5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from playwright.sync_api import Page, expect

from tests.web.conftest import WEEK, Site, screenshot, serious_accessibility_violations, sign_in, web_team

TEAM = "sick-desk"


def _chat_team() -> dict[str, Any]:
    """Two agents on chat (London and New York), each at most five days a week."""
    team = web_team()
    team["name"] = "Sick Desk"
    team["queues"] = [{"name": "chat", "channel": "chat"}]
    team["agents"] = [{**a, "skills": ["chat"]} for a in team["agents"][:2]]
    return team


def _requirements() -> str:
    """Two agents on chat every afternoon of the week (12:00-17:00 London): more than two agents give."""
    rows = []
    for d in range(7):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for half_hour in range(24, 34):
            ds = (day + pd.Timedelta(minutes=30 * half_hour)).tz_convert("UTC").isoformat()
            rows.append({"queue": "chat", "ds": ds, "volume": 5, "aht_s": 300, "required": 2, "scheduled_needed": 2})  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False)


def _api(site: Site, method: str, path: str, **kwargs: Any) -> Any:
    response = site.api.request(method, f"/v1/teams/{TEAM}{path}", headers=site.headers("admin"), **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def test_the_roster_view_lists_where_service_suffers_and_who_could_cover_after_a_sick_call(
    page: Page, site: Site
) -> None:
    created = site.api.post("/v1/teams", json={**_chat_team(), "id": TEAM}, headers=site.headers("admin"))
    assert created.status_code == 201, created.text
    _api(site, "POST", "/requirements/upload", files={"file": ("r.csv", _requirements(), "text/csv")})
    sign_in(page, site, "admin")
    page.locator("#team").select_option(TEAM)
    expect(page.locator("#grid-wrap")).to_contain_text("No roster yet")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Week starting").fill(WEEK.isoformat())
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("button", name="Start solve").click()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    # the first roster's figures in a lead's terms, kept on the panel
    expect(page.locator("#job-first")).to_contain_text("agent-hours short")
    expect(page.locator("#job-first")).to_contain_text("expected service level chat")

    page.get_by_role("tab", name="Roster").click()
    v1 = _api(site, "GET", "/rosters")[0]
    report = page.locator("#lead-report")
    expect(report).to_be_visible()
    expect(page.locator('#lead-service li[data-queue="chat"]')).to_contain_text("expected service level")
    # the server's advice (a queue left empty while its contacts come, a trade to change) under it
    advice = v1["report"]["advice"]
    expect(page.locator("#lead-service li.advice")).to_have_count(len(advice))
    for k, line in enumerate(advice):
        expect(page.locator("#lead-service li.advice").nth(k)).to_have_text(line)
    unmet = [u["words"] for u in v1["summary"]["unmet_preferences"]]
    expect(page.locator("#lead-service li.preference")).to_have_count(len(unmet))
    stretches = v1["report"]["short_stretches"]
    assert stretches, "two agents cannot give two every afternoon of the week"
    listed = page.locator("#short-stretches > li.short")
    expect(listed).to_have_count(min(len(stretches), 12))
    expect(listed.first).to_contain_text(stretches[0]["words"])
    offered = [o for s in stretches for o in s["cover"]]
    assert offered, "on each short afternoon the agent off that day could work overtime"
    expect(
        page.locator("#short-stretches").get_by_text(f"Could cover: {offered[0]['words']}")
    ).to_be_visible()
    screenshot(page, "lead-report")
    assert serious_accessibility_violations(page) == []

    # a sick call on a day Ann works: marked on her cell, and a re-roster around it
    day = min(r["local_date"] for r in _api(site, "GET", "/rosters/1")["rows"] if r["agent_id"] == "a1")
    csv = f"agent_id,date,weekday,start,end,kind,note\na1,{day},,00:00,24:00,sick,flu\n"
    _api(site, "POST", "/availability/imports", files={"file": ("sick.csv", csv, "text/csv")})
    page.reload()
    page.locator("#team").select_option(TEAM)
    cell = page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"]')
    expect(cell.locator(".seg-absence")).to_have_count(1)
    expect(cell.locator(".off-label")).to_contain_text("absent")
    expect(cell).to_have_class("conflict")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("tab", name="Roster").click()
    page.get_by_label("keep shifts that have started").uncheck()  # the week is over on this clock
    page.locator("#conflicts").get_by_role("button", name="Re-roster v1 around them").click()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    page.get_by_role("tab", name="Roster").click()
    v2 = _api(site, "GET", "/rosters")[0]
    assert v2["based_on"] == 1
    expect(
        page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"] .shift-button')
    ).to_have_count(0)
    assert any(line.startswith("changes to v1:") for line in v2["report"]["lines"])
    page.locator("#lead-lines summary").click()
    expect(page.locator("#lead-lines-list")).to_contain_text("changes to v1:")
    for stretch in v2["report"]["short_stretches"]:
        assert all(o["agent_id"] != "a1" or o["day"] != day for o in stretch["cover"]), (
            "the sick agent offered"
        )
    screenshot(page, "lead-report-after-sick-call")
    # the day view writes the absence too
    page.get_by_role("tab", name="Day").click()
    page.locator("#day-date").select_option(day)
    expect(page.locator('#day-table tr[data-agent="a1"] td.st-absence').first).to_be_visible()

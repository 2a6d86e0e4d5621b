"""A far agent's shift of the team's week that starts on a local day outside it: the agent-zone view
gives that day a column, named as the workbook names it, as the team-zone view draws the shift on the
team's last day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import (
    LAPTOP,
    PHONE,
    WEEK,
    Site,
    add_rostered_team,
    email_agent,
    open_page,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)

FAR_TEAM_ID = "far-desk"
LAST_DAY = WEEK + timedelta(days=6)  # Sunday 8 Nov in Lisbon
NEXT_MONDAY = WEEK + timedelta(days=7)  # Monday 9 Nov in Manila: outside the team's week
OUTSIDE_WEEK = "(local day, outside the week)"  # the workbook's words (api/exports.py)


def far_team() -> dict[str, Any]:
    """A Lisbon team with an agent in Manila (UTC+8): her 07:00 start is 23:00 in Lisbon the day before."""
    return {
        "name": "Far Desk",
        "tz": "Europe/Lisbon",
        "interval_minutes": 60,
        "shrinkage": 0.1,
        "queues": [{"name": "email", "channel": "email", "response_hours": 1}],
        "shift_rules": {
            "lengths_hours": [8],
            "start_step_minutes": 60,
            "earliest_start": "07:00",
            "latest_start": "09:00",  # Maria may start later on her clock, but not after the week
        },
        "labour_rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "min_days_off_per_week": 2},
        "agents": [
            email_agent("l1", "Luís Lisboa", "Europe/Lisbon", min_hours_per_week=0),
            email_agent("m1", "Maria Manila", "Asia/Manila", min_hours_per_week=0),
        ],
    }


def far_requirements() -> str:
    """One agent 07:00-15:00 Lisbon on weekdays (the Lisbon agent), and 23:00-24:00 on Sunday, which only
    Manila's Monday shift of 07:00 can cover."""
    tz = "Europe/Lisbon"
    hours = [(d, h) for d in range(5) for h in range(7, 15)] + [(6, 23)]
    rows = [
        {
            "queue": "email",
            "ds": (pd.Timestamp(WEEK + timedelta(days=d)).tz_localize(tz) + pd.Timedelta(hours=h))
            .tz_convert("UTC")
            .isoformat(),
            "volume": 4,
            "aht_s": 300,
            "required": 1,
            "scheduled_needed": 1,
        }
        for d, h in hours
    ]
    return pd.DataFrame(rows).to_csv(index=False)


@pytest.fixture(scope="module")
def far_site(site: Site) -> Site:
    """The service with the Lisbon team and one roster of it, Manila's Monday shift in it (made once
    per site: a worker may run this module's tests apart, as work stealing hands them out)."""
    admin = site.headers("admin")
    if site.api.get(f"/v1/teams/{FAR_TEAM_ID}", headers=admin).status_code != 200:
        add_rostered_team(site, {**far_team(), "id": FAR_TEAM_ID}, far_requirements(), time_limit_s=5)
    detail = site.api.get(f"/v1/teams/{FAR_TEAM_ID}/rosters/1", headers=admin).json()
    days = {r["local_date"] for r in detail["rows"] if r["activity"] == "shift" and r["agent_id"] == "m1"}
    assert NEXT_MONDAY.isoformat() in days, detail["rows"]  # the roster this test is about
    return site


def _show_far_team(page: Page, site: Site, zone: str) -> None:
    sign_in(page, site, "admin")
    page.locator("#team").select_option(FAR_TEAM_ID)
    page.locator('#roster-grid tr[data-agent="m1"]').wait_for()
    page.locator(f"input[name=zone][value={zone}]").check()
    expect(page.locator("#roster-grid caption")).to_contain_text(
        "each agent's zone" if zone == "agent" else "Europe/Lisbon"
    )


def test_the_agent_zone_view_draws_a_shift_on_a_local_day_outside_the_week(
    page: Page, far_site: Site
) -> None:
    _show_far_team(page, far_site, "team")
    sunday = page.locator(f'#roster-grid tr[data-agent="m1"] td[data-date="{LAST_DAY}"]')
    expect(sunday.locator(".cell-line [data-shift]")).to_contain_text("23:00–07:00")
    expect(page.locator("#roster-grid thead th")).to_have_count(8)  # agent and the week's seven days

    page.locator("input[name=zone][value=agent]").check()
    heading = page.locator("#roster-grid thead th.outside")
    expect(heading).to_have_count(1)
    expect(heading).to_contain_text("Mon 09 Nov")
    expect(heading).to_contain_text(OUTSIDE_WEEK)
    expect(page.locator("#roster-grid thead th").last).to_contain_text("Mon 09 Nov")  # after the week
    monday = page.locator(f'#roster-grid tr[data-agent="m1"] td[data-date="{NEXT_MONDAY}"]')
    shift = monday.locator(f'.cell-line [data-shift="m1/{NEXT_MONDAY}"]')
    expect(shift).to_contain_text("07:00–15:00")
    expect(shift).to_have_attribute(
        "aria-label", f"07:00–15:00 email: Maria Manila, shift of {NEXT_MONDAY}. Pin or move"
    )
    expect(monday.locator(".day .seg-shift").first).to_be_visible()
    # the Lisbon agent has no shift that day: blank, not a day off
    expect(
        page.locator(f'#roster-grid tr[data-agent="l1"] td[data-date="{NEXT_MONDAY}"] .off-label')
    ).to_have_count(0)
    expect(page.locator(f'#roster-grid tfoot td[data-date="{NEXT_MONDAY}"]')).to_have_text("1 agent · 8.0 h")
    screenshot(page, "far-agent-outside-week-laptop")
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize(("viewport", "name"), [(LAPTOP, "laptop"), (PHONE, "phone")])
def test_the_extra_day_keeps_the_grid_within_the_screen(
    browser: Browser, far_site: Site, viewport: dict[str, int], name: str
) -> None:
    with open_page(browser, viewport) as page:
        _show_far_team(page, far_site, "agent")
        expect(page.locator("#roster-grid thead th.outside")).to_have_count(1)
        screenshot(page, f"far-agent-outside-week-{name}")
        # the page is no wider than the screen: the grid scrolls inside its own box
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        if name == "laptop":  # a laptop shows the whole week and the extra day without scrolling
            box = page.locator("#grid-wrap").bounding_box()
            table = page.locator("#roster-grid").bounding_box()
            assert box is not None
            assert table is not None
            assert table["width"] <= box["width"] + 1


def test_a_shift_on_the_day_outside_the_week_dragged_out_of_the_week_is_refused_in_words(
    page: Page, far_site: Site
) -> None:
    """Maria's Manila Monday, drawn in its own column after the week, dragged an hour later: 08:00 in
    Manila is Monday 00:00 in Lisbon, after the team's week. The move is checked like any other,
    refused in the team's words, and nothing is saved."""
    admin = far_site.headers("admin")
    _show_far_team(page, far_site, "agent")
    cell = page.locator(f'#roster-grid tr[data-agent="m1"] td[data-date="{NEXT_MONDAY}"]')
    bar = cell.locator(f'.seg-of-shift[data-shift="m1/{NEXT_MONDAY}"]').first
    bar.scroll_into_view_if_needed()  # the column after the week may be scrolled out of the grid's box
    box, day = bar.bounding_box(), cell.locator(".day").bounding_box()
    assert box is not None
    assert day is not None
    hour_px = day["width"] / 24
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + hour_px / 2, box["y"] + 2, steps=3)
    page.mouse.move(box["x"] + box["width"] / 2 + hour_px, box["y"] + 2, steps=3)
    page.mouse.up()
    error = page.locator("#shift-error")
    expect(error).to_contain_text("Not saved: nothing changed.")
    expect(error).to_contain_text(
        "the shift would start Mon 09 Nov 00:00 Europe/Lisbon, after the team's week ends "
        "(Sun 08 Nov 24:00 Europe/Lisbon)"
    )
    screenshot(page, "far-agent-outside-week-drag-refused")
    assert far_site.api.get(f"/v1/teams/{FAR_TEAM_ID}/rosters/1", headers=admin).json()["pins"] == []
    page.keyboard.press("Escape")
    expect(cell.locator(".shift-button")).to_contain_text("07:00–15:00")  # drawn where it still is

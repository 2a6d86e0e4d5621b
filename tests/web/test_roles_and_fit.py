"""Issue 25.7 (each role sees only what it may do) and 25.8 (the page fits a laptop, a wide screen and
a phone)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import (
    BIG_QUEUES,
    LAPTOP,
    PHONE,
    WIDE,
    Site,
    open_page,
    screenshot,
    sign_in,
    sign_in_to_big_team,
)


@pytest.mark.parametrize("role", ["hr", "planner"])
def test_read_only_roles_see_no_pin_move_re_roster_or_publish(page: Page, site: Site, role: str) -> None:
    sign_in(page, site, role)
    grid = page.locator("#roster-grid")
    expect(grid.locator(".shift-text").first).to_be_visible()
    expect(grid.locator(".shift-button")).to_have_count(0)
    expect(page.get_by_role("button", name="Re-roster keeping pins")).to_be_hidden()
    expect(page.get_by_role("tab", name="Solve")).to_be_hidden()
    grid.locator(".shift-text").first.click()
    expect(page.locator("#shift-dialog")).to_be_hidden()
    page.get_by_role("tab", name="Compare & publish").click()
    expect(page.locator("#publish")).to_be_hidden()
    expect(page.get_by_role("tab", name="Scenarios")).to_be_visible() if role == "planner" else expect(
        page.get_by_role("tab", name="Scenarios")
    ).to_be_hidden()
    expect(page.get_by_role("tab", name="Availability")).to_be_visible() if role == "hr" else expect(
        page.get_by_role("tab", name="Availability")
    ).to_be_hidden()


def test_a_lead_sees_pin_move_re_roster_and_publish(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    expect(page.locator("#roster-grid .shift-button").first).to_be_visible()
    expect(page.get_by_role("button", name="Re-roster keeping pins")).to_be_visible()
    page.get_by_role("tab", name="Compare & publish").click()
    expect(page.locator("#publish")).to_be_visible()


def test_fourteen_agents_fit_above_the_fold_of_a_laptop(browser: Browser, big_site: Site) -> None:
    with open_page(browser, LAPTOP) as page:
        sign_in_to_big_team(page, big_site)
        rows = page.locator("#roster-grid tbody tr")
        expect(rows).to_have_count(14)
        screenshot(page, "fit-laptop-14-agents")
        for i in range(14):
            box = rows.nth(i).bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= LAPTOP["height"], f"agent row {i + 1} is below the fold"
        # a queue name never wraps: each shift's line is one line high
        for button in page.locator("#roster-grid .shift-button").all()[:30]:
            box = button.bounding_box()
            assert box is not None
            assert box["height"] < 22
        # days off are written, not blank
        for cell in page.locator("#roster-grid tbody td").all():
            text = cell.inner_text().strip()
            assert text, "a day cell is blank"
        assert page.locator("#roster-grid .off-label", has_text="off").count() > 0
        screenshot(page, "fit-laptop-14-agents")


def test_a_wide_screen_is_used(browser: Browser, big_site: Site) -> None:
    with open_page(browser, WIDE) as page:
        sign_in_to_big_team(page, big_site)
        box = page.locator("#roster-grid").bounding_box()
        assert box is not None
        assert box["width"] >= 0.95 * (WIDE["width"] - 40)
        screenshot(page, "fit-1920")
        page.get_by_role("tab", name="Day").click()
        page.locator('#day-table tr[data-agent="g13"]').wait_for()
        day = page.locator("#day-table").bounding_box()
        assert day is not None
        assert day["width"] <= WIDE["width"]  # a 30-minute day fits a wide screen without scrolling
        screenshot(page, "day-view-14-agents")


def test_on_a_phone_the_agent_column_stays_and_nothing_is_wider_than_the_screen(
    browser: Browser, big_site: Site
) -> None:
    with open_page(browser, PHONE) as page:
        sign_in_to_big_team(page, big_site)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        page.locator("#grid-wrap").evaluate("(node) => { node.scrollLeft = 400; }")
        name = page.locator('#roster-grid tr[data-agent="g00"] th.agent')
        box = name.bounding_box()
        assert box is not None
        assert 0 <= box["x"] < 20, "the agent column scrolled away"
        expect(name).to_contain_text("Agent 00")
        screenshot(page, "fit-phone-roster")
        page.get_by_role("tab", name="Scenarios").click()
        expect(page.locator("#panel-scenarios")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "fit-phone-scenarios")
        page.get_by_role("tab", name="Day").click()
        page.locator("#day-table").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert BIG_QUEUES[0] in page.locator("#day-view").inner_text()


def test_a_long_grid_keeps_its_day_headings_and_agent_column_in_view_when_scrolled(
    browser: Browser, big_site: Site
) -> None:
    """The grid scrolls inside its own box (here a short window makes fourteen agents a long grid): the
    day headings stay at its top, the totals at its bottom, the agent column at its left."""
    with open_page(browser, {"width": 900, "height": 480}) as page:
        sign_in_to_big_team(page, big_site)
        wrap = page.locator("#grid-wrap")
        wrap.evaluate("(node) => { node.scrollTop = node.scrollHeight; node.scrollLeft = node.scrollWidth; }")
        box = wrap.bounding_box()
        monday = page.locator("#roster-grid thead th").nth(1).bounding_box()
        last = page.locator('#roster-grid tr[data-agent="g13"] th.agent').bounding_box()
        totals = page.locator("#roster-grid tfoot th").bounding_box()
        assert box is not None
        assert monday is not None
        assert last is not None
        assert totals is not None
        assert page.locator("#roster-grid").evaluate("(t) => t.offsetHeight") > box["height"], (
            "the grid scrolls"
        )
        assert abs(monday["y"] - box["y"]) <= 2, "the day headings scrolled away"
        assert box["y"] <= last["y"] <= box["y"] + box["height"], "the last agent is not in view"
        assert abs(last["x"] - box["x"]) <= 2, "the agent column scrolled away"
        assert totals["y"] + totals["height"] <= box["y"] + box["height"] + 2
        expect(page.locator("#roster-grid thead th").nth(1)).to_contain_text("Mon 02 Nov")
        screenshot(page, "long-grid-scrolled")

"""Issue 25.9 (the sign-in screen loads no chart library; what is sent is compressed) and 25.10 (axe-core
finds no serious or critical violation in any view)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.web.conftest import (
    LAPTOP,
    PHONE,
    Site,
    accessibility_violations,
    open_page,
    sign_in,
    sign_in_to_big_team,
)


def test_the_sign_in_screen_loads_no_chart_library_and_charts_come_compressed(page: Page, site: Site) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site.url + "/")
    expect(page.get_by_label("Access token")).to_be_editable()
    page.wait_for_load_state("load")
    assert not any("plotly" in r.url for r in responses), "plotly.js loaded on the sign-in screen"
    script = next(r for r in responses if r.url.endswith("/static/app.js"))
    assert script.header_value("content-encoding") == "gzip"
    sign_in(page, site, "lead")
    assert not any("plotly" in r.url for r in responses), "plotly.js loaded before a chart is shown"
    with page.expect_response(lambda r: "plotly.min.js" in r.url) as plotly:
        page.get_by_role("tab", name="Coverage").click()
    assert plotly.value.header_value("content-encoding") == "gzip"
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()


def test_the_api_answers_compressed(site: Site) -> None:
    response = site.api.get(
        "/v1/teams/web-desk/rosters/1/grid", headers={**site.headers("lead"), "Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"


VIEWS = ["Roster", "Day", "Coverage", "Solve", "Compare & publish", "Availability", "Scenarios", "Set up"]


def _open_view(page: Page, view: str) -> None:
    page.get_by_role("tab", name=view).click()
    if view == "Coverage":
        page.locator("#coverage-chart .main-svg").first.wait_for()
    if view == "Day":
        page.locator("#day-table").wait_for()
    if view == "Compare & publish":
        page.get_by_role("button", name="Compare").click()
        page.locator("#changes").wait_for()


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_no_accessibility_violation_in_any_view(browser: Browser, big_site: Site, size: str) -> None:
    """Every view of the fourteen-agent team, where the grids scroll, on a 1366×768 laptop and a phone:
    no axe-core violation of any impact (a scrolling region must take the focus; headings in order)."""
    viewport = LAPTOP if size == "laptop" else PHONE
    with open_page(browser, viewport) as page:
        page.goto(big_site.url + "/")
        found = {"sign-in": accessibility_violations(page)}
        sign_in_to_big_team(page, big_site)
        for view in VIEWS:
            _open_view(page, view)
            found[view] = accessibility_violations(page)
        page.get_by_role("tab", name="Roster").click()
        page.locator("#roster-grid .shift-button").first.click()
        found["shift dialog"] = accessibility_violations(page)
        assert {view: v for view, v in found.items() if v} == {}


def test_no_accessibility_violation_for_a_read_only_role(browser: Browser, site: Site) -> None:
    """HR's grid has no buttons in it: the scrolling grid itself must take the focus."""
    with open_page(browser, PHONE) as page:
        sign_in(page, site, "hr")
        page.locator("#roster-grid").wait_for()
        found = {"Roster": accessibility_violations(page)}
        for view in ("Day", "Coverage", "Availability"):
            _open_view(page, view)
            found[view] = accessibility_violations(page)
        assert {view: v for view, v in found.items() if v} == {}

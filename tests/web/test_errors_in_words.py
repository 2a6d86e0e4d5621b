"""Errors a lead meets are said as errors, in words: a refused solve, a refused move; and small courtesies
(focus after sign-in, names rather than ids, a scenario's name shown as written)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import MAX_TIME_LIMIT_S, Site, newest_version, sign_in


def test_a_refused_solve_is_an_alert_and_the_limit_is_the_services(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    expect(page.get_by_role("tab", name="Roster")).to_be_focused()  # not the page's body
    page.get_by_role("tab", name="Solve").click()
    # the service's limits (GET /v1/limits): its maximum and its default (5 s on this site)
    expect(page.get_by_label("Time limit (s)")).to_have_attribute("max", str(MAX_TIME_LIMIT_S))
    expect(page.get_by_label("Time limit (s)")).to_have_attribute("min", "1")
    expect(page.get_by_label("Time limit (s)")).to_have_value("5")
    page.get_by_label("Week starting").fill("2027-01-04")  # no requirements for that week
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("button", name="Start solve").click()
    alert = page.locator("#solve-error")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("The solve was not started")
    expect(alert).not_to_contain_text("time_limit_s")


def test_a_refused_move_names_the_field_in_words(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.locator('#roster-grid tr[data-agent="a1"] .shift-button').first.click()
    page.locator("#shift-start").fill("13:00")  # after the latest start the team allows
    page.get_by_role("button", name="Move and pin").click()
    error = page.locator("#shift-error")
    expect(error).to_contain_text("not an allowed start time")
    expect(error).not_to_contain_text("pins.0")


def test_who_is_affected_is_said_by_name(page: Page, site: Site) -> None:
    if newest_version(site)["number"] < 2:
        return  # one version alone: nothing to compare (other tests add versions)
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Compare & publish").click()
    page.locator("#compare-base").select_option("1")
    page.get_by_role("button", name="Compare").click()
    page.locator("#changes").wait_for()
    affected = page.get_by_role("heading", name="Who is affected (hours)").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(affected).not_to_contain_text("a1:")
    expect(affected).not_to_contain_text("a2:")

"""Watching a solve survives a lost connection: the page says so, tries again, and shows the result."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.web.conftest import Site, newest_version, screenshot, sign_in


def test_a_lost_connection_while_a_solve_runs_is_retried_and_the_roster_shown(page: Page, site: Site) -> None:
    before = newest_version(site)["number"]
    sign_in(page, site, "lead")
    blocked = {"on": True, "aborted": 0}

    def blip(route: Route) -> None:
        # the job's progress answers fail as if the network dropped, until the test lets them through
        if blocked["on"]:
            blocked["aborted"] += 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/v1/jobs/*", blip)
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("button", name="Start solve").click()
    connection = page.locator("#job-connection")
    expect(connection).to_contain_text("Connection lost, retrying")
    expect(page.locator("#job")).to_be_visible()
    screenshot(page, "solve-connection-lost")
    job_id = page.locator("#job-id").inner_text()
    assert site.wait_for_job(job_id)["state"] == "succeeded"  # the job ran on in the service
    assert blocked["aborted"] >= 1
    blocked["on"] = False
    expect(page.locator("#status")).to_contain_text(
        f"Solve finished: roster v{before + 1} is stored and shown"
    )
    expect(page.locator("#job-state")).to_have_text("succeeded")
    expect(connection).to_be_hidden()
    expect(page.locator("#version")).to_have_value(str(before + 1))
    screenshot(page, "solve-connection-recovered")

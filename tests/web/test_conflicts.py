"""Issue 25.3: a conflict between the availability stored now and the shown or published version is
marked, and a re-roster is offered."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import (
    Site,
    lead_api,
    newest_version,
    restore_availability,
    screenshot,
    shift_rows,
    sign_in,
)


def test_time_off_imported_after_the_roster_is_marked_and_a_re_roster_clears_it(
    page: Page, site: Site
) -> None:
    number = newest_version(site)["number"]
    shift = next(r for r in shift_rows(site, number) if r["agent_id"] == "a1")
    day = shift["local_date"]
    csv = f"agent_id,date,weekday,start,end,kind,note\na1,{day},,00:00,24:00,time_off,sick child\n"
    files = {"file": ("late.csv", csv, "text/csv")}
    assert (
        site.api.post(
            "/v1/teams/web-desk/availability/imports", files=files, headers=site.headers("hr")
        ).status_code
        == 200
    )
    try:
        sign_in(page, site, "lead")
        cell = page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"]')
        expect(cell).to_have_class("conflict")
        expect(cell.locator(".conflict-mark")).to_have_count(1)
        banner = page.locator("#conflicts")
        expect(banner).to_contain_text("Conflicts with the availability stored now")
        expect(banner).to_contain_text("Ann Example")
        expect(banner).to_contain_text("time off")
        screenshot(page, "conflict-marked")
        page.get_by_role("tab", name="Solve").click()
        page.get_by_label("Time limit (s)").fill("2")
        page.get_by_role("tab", name="Roster").click()
        page.get_by_label("keep shifts that have started").uncheck()  # the week is over on this clock
        banner.get_by_role("button", name=f"Re-roster v{number} around them").click()
        expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
        page.get_by_role("tab", name="Roster").click()
        shown = page.locator("#version").input_value()
        assert int(shown) > number
        expect(page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"]')).not_to_have_class(
            "conflict"
        )
        expect(
            page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"] .shift-button')
        ).to_have_count(0)
        grid = lead_api(site, "GET", f"/rosters/{shown}/grid").json()
        assert grid["conflicts"] == []
    finally:
        restore_availability(site)


def test_a_read_only_role_sees_the_conflict_but_no_re_roster(page: Page, site: Site) -> None:
    number = newest_version(site)["number"]
    shift = next(r for r in shift_rows(site, number) if r["agent_id"] == "a2")
    csv = f"agent_id,date,weekday,start,end,kind,note\na2,{shift['local_date']},,00:00,24:00,time_off,leave\n"
    files = {"file": ("late.csv", csv, "text/csv")}
    assert lead_api(site, "POST", "/availability/imports", files=files).status_code == 200
    try:
        sign_in(page, site, "hr")
        banner = page.locator("#conflicts")
        expect(banner).to_contain_text("Bo Example")
        expect(banner.get_by_role("button")).to_have_count(0)
        expect(banner).to_contain_text("A lead can re-roster")
    finally:
        restore_availability(site)

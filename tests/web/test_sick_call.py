"""A sick call after a version is published: the conflict is marked, a re-roster answers it, and then the
page compares the published version with the new one (not a version with itself) and offers to publish."""

from __future__ import annotations

from typing import Any

import pytest
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


def test_after_re_rostering_a_sick_call_compare_defaults_to_published_against_the_new_version(
    page: Page, site: Site
) -> None:
    number = newest_version(site)["number"]
    assert lead_api(site, "POST", f"/rosters/{number}/publish").status_code in (
        200,
        409,
    )  # 409: it is already
    shift = next(r for r in shift_rows(site, number) if r["agent_id"] == "a2")
    csv = f"agent_id,date,weekday,start,end,kind,note\na2,{shift['local_date']},,00:00,24:00,sick,called in sick\n"
    files = {"file": ("sick.csv", csv, "text/csv")}
    assert lead_api(site, "POST", "/availability/imports", files=files).status_code == 200
    try:
        sign_in(page, site, "lead")
        page.get_by_role("tab", name="Solve").click()
        page.get_by_label("Time limit (s)").fill("2")
        page.get_by_role("tab", name="Roster").click()
        banner = page.locator("#conflicts")
        expect(banner).to_contain_text("Bo Example")
        page.get_by_label("keep shifts that have started").uncheck()  # the week is over on this clock
        banner.get_by_role("button", name=f"Re-roster v{number} around them").click()
        expect(page.locator("#status")).to_contain_text(
            f"Solve finished: roster v{number + 1} is stored and shown"
        )
        page.get_by_role("tab", name="Roster").click()
        # the published version still conflicts, but the new one answers it: no second re-roster offered
        expect(banner).to_contain_text(f"v{number} (published)")
        expect(banner).to_contain_text(f"v{number + 1} (shown) has none of them")
        expect(banner.get_by_role("button", name=f"Re-roster v{number} around them")).to_have_count(0)
        screenshot(page, "sick-call-re-rostered")
        page.get_by_role("tab", name="Compare & publish").click()
        expect(page.locator("#compare-base")).to_have_value(str(number))
        expect(page.locator("#compare-other")).to_have_value(str(number + 1))
        expect(page.get_by_role("button", name=f"Publish v{number + 1}")).to_be_enabled()
        # what changes is shown on opening the tab, in a lead's figures first
        summary = page.locator("#compare-summary")
        expect(summary).to_contain_text("service level, email (target")
        expect(summary.locator("tbody tr").last).to_contain_text("points (soft rules; lower is better)")
        page.get_by_role("tab", name="Roster").click()
        banner.get_by_role("button", name=f"Compare v{number} with v{number + 1}").click()
        expect(page.locator("#changes")).to_contain_text("Bo Example")
        expect(page.locator("#changes")).not_to_contain_text("Nothing: the same shifts.")
        screenshot(page, "sick-call-compare")
    finally:
        restore_availability(site)


def test_a_re_roster_mid_week_keeps_the_shifts_that_have_started(page: Page, site: Site) -> None:
    number = newest_version(site)["number"]
    now = "2026-11-04T12:00:00Z"  # Wednesday noon in London: Monday, Tuesday and the morning are over
    page.clock.set_fixed_time(now)
    sign_in(page, site, "lead")
    lock = page.get_by_label("keep shifts that have started")
    expect(lock).to_be_checked()  # the week has begun: on unless the lead says otherwise
    expect(page.locator("#reroster-lock-when")).to_have_text("(before Wed 04 Nov 12:00)")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("tab", name="Roster").click()
    with page.expect_request(lambda r: r.url.endswith("/roster-jobs") and r.method == "POST") as sent:
        page.get_by_role("button", name="Re-roster keeping pins").click()
    body = sent.value.post_data_json
    assert body is not None
    assert body["base_version"] == number
    assert body["locked_before"] == "2026-11-04T12:00:00.000Z"
    assert "reoptimize" not in body  # a repair: only the agents whose week a change breaks
    expect(page.locator("#status")).to_contain_text(
        f"Solve finished: roster v{number + 1} is stored and shown"
    )
    started = {
        (r["agent_id"], r["start_utc"], r["end_utc"])
        for r in shift_rows(site, number)
        if r["start_utc"] < now
    }
    kept = {
        (r["agent_id"], r["start_utc"], r["end_utc"])
        for r in shift_rows(site, number + 1)
        if r["start_utc"] < now
    }
    assert started
    assert kept == started


def test_a_re_roster_of_every_agent_is_asked_for_in_the_solve_tab(page: Page, site: Site) -> None:
    """Ticked, the re-roster asks the service to let every agent's shifts change (the request is
    stopped on its way: only what it asks is checked)."""
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("re-rosters change every agent's shifts").check()
    page.get_by_role("tab", name="Roster").click()
    page.route("**/roster-jobs", lambda route: route.abort())
    with page.expect_request(lambda r: r.url.endswith("/roster-jobs") and r.method == "POST") as sent:
        page.get_by_role("button", name="Re-roster keeping pins").click()
    body = sent.value.post_data_json
    assert body is not None
    assert body["reoptimize"] is True


def test_before_the_week_begins_a_re_roster_keeps_nothing_by_default(page: Page, site: Site) -> None:
    page.clock.set_fixed_time("2026-10-30T09:00:00Z")
    sign_in(page, site, "lead")
    expect(page.locator("#reroster-lock-when")).to_have_text("(before Fri 30 Oct 09:00)")
    expect(page.get_by_label("keep shifts that have started")).not_to_be_checked()


def test_after_the_week_ends_a_re_roster_keeps_nothing_by_default(page: Page, site: Site) -> None:
    """A week that is over: every shift has started, so keeping them would change nothing; a
    re-roster of it is a what-if, and the box starts unticked."""
    page.clock.set_fixed_time("2026-12-07T09:00:00Z")
    sign_in(page, site, "lead")
    expect(page.get_by_label("keep shifts that have started")).not_to_be_checked()


@pytest.mark.parametrize(
    ("button", "said", "kind"),
    [("Mark off sick", "Off sick", "absence"), ("Give the day off", "Day off", "unavailable")],
)
def test_a_lead_marks_an_agent_away_from_the_shift_dialog(
    page: Page, site: Site, button: str, said: str, kind: str
) -> None:
    """A sick call at 07:00, or a shift taken away by hand, without writing a file: the shift's dialog
    stores the day (an absence, or unavailable), and the roster then shows the shift it clashes with
    and offers the re-roster."""
    number = newest_version(site)["number"]
    shift = next(r for r in shift_rows(site, number) if r["agent_id"] == "a1")
    try:
        sign_in(page, site, "lead")
        page.locator('#roster-grid tr[data-agent="a1"] .shift-button').first.click()
        dialog = page.locator("#shift-dialog")
        expect(dialog.get_by_label("Off sick from this day to")).to_have_value(shift["local_date"])
        dialog.get_by_role("button", name=button).click()
        expect(page.locator("#status")).to_contain_text(f"{said} {shift['local_date']}: 1 day stored")
        banner = page.locator("#conflicts")
        expect(banner).to_contain_text("Ann Example")
        expect(banner.get_by_role("button", name=f"Re-roster v{number} around them")).to_be_visible()
        stored = lead_api(site, "GET", "/availability").json()
        assert any(
            r["agent_id"] == "a1" and r["kind"] == kind and r["date"] == shift["local_date"] for r in stored
        )
    finally:
        restore_availability(site)


def test_an_agent_sent_home_ill_mid_shift_has_the_shift_ended_there_by_the_re_roster(
    page: Page, site: Site
) -> None:
    """Wednesday 12:00: an agent at work since the morning goes home ill at 13:00. The shift's dialog
    takes the time; the re-roster that keeps the shifts that have started ends that shift at 13:00
    (worked until then) instead of refusing, and covers the rest of the day with shifts after noon."""
    number = newest_version(site)["number"]
    now = "2026-11-04T12:00:00Z"  # London is on GMT: the page's clock and the rows' UTC agree
    shift = next(
        (
            r
            for r in shift_rows(site, number)
            if r["start_utc"] < now and r["end_utc"] > "2026-11-04T13:30:00Z"
        ),
        None,
    )
    if shift is None:
        pytest.skip("no shift of the seeded roster runs from before noon to after 13:30 on Wednesday")
    page.clock.set_fixed_time(now)
    try:
        sign_in(page, site, "lead")
        page.get_by_role("tab", name="Solve").click()
        page.get_by_label("Time limit (s)").fill("2")
        page.get_by_role("tab", name="Roster").click()
        page.locator(
            f'#roster-grid .shift-button[data-shift="{shift["agent_id"]}/{shift["local_date"]}"]'
        ).click()
        dialog = page.locator("#shift-dialog")
        went_home = dialog.get_by_label("Went home ill at")
        expect(page.locator("#shift-sick-zone")).to_have_text("Europe/London time, the agent's own")
        expect(page.locator("#shift-started")).to_be_visible()  # the shift has begun: say what a time means
        went_home.fill("13:00")
        dialog.get_by_role("button", name="Mark off sick").click()
        expect(page.locator("#status")).to_contain_text(
            f"Off sick from 13:00 on {shift['local_date']}: 1 day stored"
        )
        stored = lead_api(site, "GET", "/availability").json()
        assert any(
            r["agent_id"] == shift["agent_id"] and r["kind"] == "absence" and r["start"] == "13:00"
            for r in stored
        )
        expect(page.get_by_label("keep shifts that have started")).to_be_checked()
        page.locator("#conflicts").get_by_role("button", name=f"Re-roster v{number} around them").click()
        expect(page.locator("#status")).to_contain_text(
            f"Solve finished: roster v{number + 1} is stored and shown"
        )
        (cut,) = [
            r
            for r in shift_rows(site, number + 1)
            if (r["agent_id"], r["local_date"]) == (shift["agent_id"], shift["local_date"])
        ]
        assert (cut["start_utc"], cut["end_utc"]) == (shift["start_utc"], "2026-11-04T13:00:00Z")
        page.get_by_role("tab", name="Day").click()
        page.locator("#day-date").select_option(shift["local_date"])
        heading = page.locator(f'#day-table tr[data-agent="{shift["agent_id"]}"] th small')
        expect(heading).to_contain_text("off sick from 13:00")  # not "off", nor a shift to 17:00
    finally:
        restore_availability(site)


THURSDAY = "2026-11-05"


def _ann_thursday_start(site: Site, number: int) -> str:
    """The start of Ann's Thursday shift in the version (HH:MM: she works in London, on GMT that week,
    so her clock reads as UTC); the test is skipped if the seeded roster gives her none."""
    shift = next(
        (r for r in shift_rows(site, number) if (r["agent_id"], r["local_date"]) == ("a1", THURSDAY)), None
    )
    if shift is None:
        pytest.skip("Ann has no shift on Thursday in the seeded roster")
    return str(shift["start_utc"][11:16])


def _signed_in_with_short_solves(page: Page, site: Site) -> None:
    """The lead on the Roster tab, re-rosters run with a 2-s limit."""
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("tab", name="Roster").click()


def _re_roster_ann_thursday(page: Page, site: Site, number: int) -> list[dict[str, Any]]:
    """Re-roster the version around the conflicts; Ann's Thursday shifts in the new version."""
    page.locator("#conflicts").get_by_role("button", name=f"Re-roster v{number} around them").click()
    expect(page.locator("#status")).to_contain_text(
        f"Solve finished: roster v{number + 1} is stored and shown"
    )
    return [r for r in shift_rows(site, number + 1) if (r["agent_id"], r["local_date"]) == ("a1", THURSDAY)]


def _absences(site: Site) -> list[dict[str, Any]]:
    return [r for r in lead_api(site, "GET", "/availability").json() if r["kind"] == "absence"]


def test_in_late_and_away_for_an_hour_are_stored_as_hours_of_that_day_and_re_rostered_around(
    page: Page, site: Site
) -> None:
    """ "Back at" without a time gone: an absence from the day's start until then (in late); with one,
    between the two (an hour away). A time back before the time gone, or with more than one day, is
    refused on the page and nothing is stored. A re-roster starts the late agent's shift at the time
    back or later."""
    number = newest_version(site)["number"]
    start = _ann_thursday_start(site, number)
    back = f"{int(start[:2]) + 2:02d}:{start[3:]}"  # two hours after the shift's start
    page.clock.set_fixed_time("2026-11-02T00:00:00Z")  # the week has not begun: no shift has started
    try:
        _signed_in_with_short_solves(page, site)
        shift_button = page.locator(f'#roster-grid .shift-button[data-shift="a1/{THURSDAY}"]')
        shift_button.click()
        dialog = page.locator("#shift-dialog")
        dialog.get_by_label("Went home ill at").fill("12:00")
        dialog.get_by_label("Back at").fill("11:00")
        dialog.get_by_role("button", name="Mark off sick").click()
        expect(dialog.get_by_role("alert")).to_contain_text('must come after "Went home ill at" (12:00)')
        dialog.get_by_label("Off sick from this day to").fill("2026-11-06")
        dialog.get_by_label("Went home ill at").fill("")
        dialog.get_by_role("button", name="Mark off sick").click()
        expect(dialog.get_by_role("alert")).to_contain_text("a time back is for one day")
        assert _absences(site) == []

        dialog.get_by_label("Off sick from this day to").fill(THURSDAY)
        dialog.get_by_label("Went home ill at").fill("10:00")
        dialog.get_by_label("Back at").fill("11:00")
        dialog.get_by_role("button", name="Mark off sick").click()
        expect(page.locator("#status")).to_contain_text(f"Away 10:00–11:00 on {THURSDAY}: 1 day stored")
        (away,) = _absences(site)
        note = "away 10:00–11:00 (entered on the page)"
        assert (away["agent_id"], away["start"], away["end"], away["note"]) == ("a1", "10:00", "11:00", note)
        page.get_by_role("button", name="Take it back").click()
        expect(page.locator("#status")).to_contain_text("taken back: 1 day removed")

        shift_button.click()
        dialog.get_by_label("Back at").fill(back)
        screenshot(page, "sick-call-in-late")
        dialog.get_by_role("button", name="Mark off sick").click()
        expect(page.locator("#status")).to_contain_text(f"In late at {back} on {THURSDAY}: 1 day stored")
        (late,) = _absences(site)
        assert (late["agent_id"], late["date"], late["start"], late["end"]) == ("a1", THURSDAY, "00:00", back)
        page.get_by_label("keep shifts that have started").uncheck()
        later = _re_roster_ann_thursday(page, site, number)
        assert all(r["start_utc"][11:16] >= back for r in later), later  # at the time back or later, or none
    finally:
        restore_availability(site)


def test_an_agent_in_late_after_the_shift_began_is_re_rostered_from_the_time_back(
    page: Page, site: Site
) -> None:
    """In late, marked half an hour after the shift began (the lead hears at 07:30 that Ann comes in at
    09:00): the shift that has begun is not worked (she never came in), and the re-roster that keeps
    the shifts that have started may give her the rest of the day from the time back, never before."""
    number = newest_version(site)["number"]
    start = _ann_thursday_start(site, number)
    back = f"{int(start[:2]) + 2:02d}:00"
    page.clock.set_fixed_time(f"{THURSDAY}T{start[:2]}:30:00Z")
    try:
        _signed_in_with_short_solves(page, site)
        page.locator(f'#roster-grid .shift-button[data-shift="a1/{THURSDAY}"]').click()
        expect(page.locator("#shift-started")).to_be_visible()
        page.locator("#shift-dialog").get_by_label("Back at").fill(back)
        page.locator("#shift-dialog").get_by_role("button", name="Mark off sick").click()
        expect(page.locator("#status")).to_contain_text(f"In late at {back} on {THURSDAY}: 1 day stored")
        expect(page.get_by_label("keep shifts that have started")).to_be_checked()
        later = _re_roster_ann_thursday(page, site, number)
        assert all(r["start_utc"][11:16] >= back for r in later), later  # from the time back, or none
        page.get_by_role("tab", name="Roster").click()
        screenshot(page, "sick-call-in-late-after-start")
    finally:
        restore_availability(site)

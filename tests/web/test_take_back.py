"""A sick call (or a day off) marked by mistake is taken back from the page: at once from the status line
that says it was stored, or later from the shift's dialog; the stored availability is then as before and
the grid no longer marks the shift. A role that may not import availability is offered neither."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.conftest import (
    PHONE,
    Site,
    lead_api,
    newest_version,
    open_page,
    restore_availability,
    screenshot,
    serious_accessibility_violations,
    shift_rows,
    sign_in,
)


def _stored(site: Site) -> list[tuple[str, ...]]:
    """The team's stored availability rows, as the service lists them."""
    rows: list[dict[str, str]] = lead_api(site, "GET", "/availability").json()
    return sorted(tuple(r.values()) for r in rows)


def _ann_first_shift(site: Site) -> dict[str, Any]:
    """Ann's (a1's, in London) first shift of the version the page shows first."""
    return next(r for r in shift_rows(site, newest_version(site)["number"]) if r["agent_id"] == "a1")


def _cell(page: Page, day: str) -> Locator:
    return page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{day}"]')


def _open_shift(page: Page, day: str) -> Locator:
    """Ann's shift of that day picked; its dialog, once it has looked up what is stored for the day."""
    _cell(page, day).locator(".shift-button").click()
    dialog = page.locator("#shift-dialog")
    expect(dialog.locator('#shift-take-back[aria-busy="false"]')).to_be_attached()
    return dialog


def _mark_sick(page: Page, day: str, to: str) -> None:
    dialog = _open_shift(page, day)
    dialog.get_by_label("Off sick from this day to").fill(to)
    dialog.get_by_role("button", name="Mark off sick").click()
    expect(dialog).to_be_hidden()


def test_a_sick_call_is_taken_back_at_once_from_the_status_line(page: Page, site: Site) -> None:
    day = _ann_first_shift(site)["local_date"]
    to = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    before = _stored(site)
    try:
        sign_in(page, site, "lead")
        _mark_sick(page, day, to)
        status = page.locator("#status")
        expect(status).to_contain_text(f"Off sick {day} to {to}: 2 days stored")
        expect(_cell(page, day).locator(".conflict-mark")).to_have_count(1)
        screenshot(page, "take-back-status-line")
        assert serious_accessibility_violations(page) == []
        status.get_by_role("button", name="Take it back").click()
        expect(status).to_contain_text("Sick call of Ann Example on ")
        expect(status).to_contain_text("taken back: 2 days removed.")
        expect(status.get_by_role("button")).to_have_count(0)  # once taken back, nothing more to take
        assert _stored(site) == before
        expect(_cell(page, day).locator(".conflict-mark")).to_have_count(0)
        expect(_cell(page, day).locator(".off-label")).to_have_count(0)
        expect(page.locator("#conflicts")).not_to_contain_text("Ann Example")
        # taken back, and still on record: HR sees who marked it, who took it back, and what went
        page.get_by_role("tab", name="Availability").click()
        changes = page.locator("#availability-changes tbody tr")
        taken, marked = changes.nth(0), changes.nth(1)
        expect(taken).to_contain_text("took back rows")
        expect(taken).to_contain_text("unlabelled token (lead)")
        expect(marked).to_contain_text("marked on the page or typed in")
        expect(marked.locator("td").nth(3)).to_contain_text("2")
        marked.get_by_text("which").click()
        expect(marked).to_contain_text(f"Ann Example: {day}, off sick, the whole day")
        taken.get_by_text("which").click()
        expect(taken).to_contain_text(
            f"Ann Example: {day}, off sick, the whole day: “sick (entered on the page)”"
        )
        screenshot(page, "availability-changes")
        assert serious_accessibility_violations(page) == []
    finally:
        restore_availability(site)


def test_a_sick_call_removed_meanwhile_is_refused_in_the_services_words(page: Page, site: Site) -> None:
    day = _ann_first_shift(site)["local_date"]
    try:
        sign_in(page, site, "lead")
        _mark_sick(page, day, day)
        status = page.locator("#status")
        expect(status).to_contain_text(f"Off sick {day}: 1 day stored")
        sick = {"agent_id": "a1", "kind": "absence", "date": day}
        gone = lead_api(site, "POST", "/availability/removals", json={"entries": [sick]})  # someone else
        assert gone.status_code == 200, gone.text
        after = _stored(site)
        status.get_by_role("button", name="Take it back").click()
        expect(status).to_contain_text("not taken back: nothing changed.")
        expect(page.get_by_role("alert").filter(has_text="no such row is stored")).to_contain_text(
            f"absence of a1 on {day}, the whole day"
        )
        assert _stored(site) == after
    finally:
        restore_availability(site)


def test_the_status_line_takes_back_the_leads_row_and_keeps_hrs_of_the_same_day(
    page: Page, site: Site
) -> None:
    """HR had already stored Ann's absence that day (with its own note): the lead's sick call adds a
    row of its own, and taking it back at once removes that row only (the removal names it with its
    note); HR's stays."""
    day = _ann_first_shift(site)["local_date"]
    csv = f"agent_id,date,weekday,start,end,kind,note\na1,{day},,00:00,24:00,absence,flu\n"
    files = {"file": ("hr.csv", csv, "text/csv")}
    assert lead_api(site, "POST", "/availability/imports", files=files).status_code == 200
    try:
        before = _stored(site)
        sign_in(page, site, "lead")
        _mark_sick(page, day, day)
        status = page.locator("#status")
        expect(status).to_contain_text(f"Off sick {day}: 1 day stored")
        status.get_by_role("button", name="Take it back").click()
        expect(status).to_contain_text("taken back: 1 day removed")
        assert _stored(site) == before
    finally:
        restore_availability(site)


@pytest.mark.parametrize(
    ("mark", "went_home", "take_back", "listed", "said"),
    [
        (
            "Mark off sick",
            "",
            "Take back the sick call",
            "off sick, the whole day",
            "Sick call of Ann Example",
        ),
        (
            "Mark off sick",
            "13:00",
            "Take back the sick call",
            "off sick, 13:00–24:00",
            "Sick call of Ann Example",
        ),
        (
            "Give the day off",
            "",
            "Take back the day off",
            "unavailable, the whole day",
            "Day off for Ann Example",
        ),
    ],
)
def test_a_sick_call_or_day_off_is_taken_back_later_from_the_shifts_dialog_on_a_phone(
    browser: Browser, site: Site, mark: str, went_home: str, take_back: str, listed: str, said: str
) -> None:
    """The dialog lists what is stored for the shift's day (as stored: a sick call from 13:00 ends at
    the day's end) and takes exactly that back; nothing stored, nothing offered. It fits a phone."""
    day = _ann_first_shift(site)["local_date"]
    before = _stored(site)
    try:
        with open_page(browser, PHONE) as page:
            sign_in(page, site, "lead")
            dialog = _open_shift(page, day)
            expect(dialog.locator("#shift-take-back")).to_be_hidden()  # nothing stored: nothing to take back
            if went_home:
                dialog.get_by_label("Went home ill at").fill(went_home)
            dialog.get_by_role("button", name=mark).click()
            expect(dialog).to_be_hidden()
            expect(_cell(page, day).locator(".conflict-mark")).to_have_count(1)
            dialog = _open_shift(page, day)
            button = dialog.get_by_role("button", name=take_back)
            expect(button).to_be_visible()
            expect(dialog.get_by_role("button", name="Take back")).to_have_count(1)  # only what is stored
            expect(dialog.locator("#shift-take-back")).to_contain_text(f"Stored for this day: {listed}")
            for part in (dialog, button):
                box = part.bounding_box()
                assert box is not None
                assert box["x"] >= 0, "off the phone's screen"
                assert box["x"] + box["width"] <= PHONE["width"], "wider than a phone"
            if not went_home:
                screenshot(page, f"take-back-dialog-phone-{take_back.split()[-1]}")
            assert serious_accessibility_violations(page) == []
            button.click()
            expect(dialog).to_be_hidden()
            expect(page.locator("#status")).to_contain_text(f"{said} on ")
            expect(page.locator("#status")).to_contain_text("taken back: 1 day removed.")
            assert _stored(site) == before
            expect(_cell(page, day).locator(".conflict-mark")).to_have_count(0)
            dialog = _open_shift(page, day)
            expect(dialog.locator("#shift-take-back")).to_be_hidden()
    finally:
        restore_availability(site)


def test_a_role_that_may_not_import_availability_is_offered_no_take_back(page: Page, site: Site) -> None:
    day = _ann_first_shift(site)["local_date"]
    sick = {"agent_id": "a1", "kind": "absence", "date": day}
    assert lead_api(site, "POST", "/availability/entries", json={"entries": [sick]}).status_code == 200
    try:
        sign_in(page, site, "planner")
        expect(_cell(page, day).locator(".off-label")).to_contain_text("absent")
        expect(page.locator("#roster-grid .shift-button")).to_have_count(0)  # no shift's dialog to open
        expect(page.get_by_role("button", name="Take")).to_have_count(0)
        expect(page.locator("#shift-take-back")).to_be_hidden()
    finally:
        restore_availability(site)

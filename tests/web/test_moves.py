"""Issue 25.1: a moved shift is checked when saved, drawn where it now is, kept when other shifts are
pinned, and can be dragged along its day."""

from __future__ import annotations

from typing import Any

import pandas as pd
from playwright.sync_api import Page, expect

from tests.web.conftest import (
    Site,
    clear_pins,
    lead_api,
    newest_version,
    restore_availability,
    screenshot,
    shift_rows,
    sign_in,
)


def _ann_shift(site: Site, number: int) -> dict[str, Any]:
    """Ann's first shift of the version (she works in London, the team's zone)."""
    return next(r for r in shift_rows(site, number) if r["agent_id"] == "a1")


def _stored_pin(site: Site, number: int, agent_id: str, local_date: str) -> dict[str, Any] | None:
    pins = lead_api(site, "GET", f"/rosters/{number}").json()["pins"]
    return next((p for p in pins if p["agent_id"] == agent_id and p["local_date"] == local_date), None)


def _local_hhmm(instant: str) -> str:
    return f"{pd.Timestamp(instant).tz_convert('Europe/London'):%H:%M}"


def test_a_dragged_shift_is_saved_drawn_where_it_is_and_kept_when_another_is_pinned(
    page: Page, site: Site
) -> None:
    number = newest_version(site)["number"]
    shift = _ann_shift(site, number)
    start = pd.Timestamp(shift["start_utc"]).tz_convert("Europe/London")
    later = start + pd.Timedelta(hours=1)  # the team starts shifts on the hour, 07:00-12:00
    if later.hour > 12:
        later = start - pd.Timedelta(hours=1)
    try:
        sign_in(page, site, "lead")
        cell = page.locator(f'#roster-grid tr[data-agent="a1"] td[data-date="{start.date()}"]')
        bar = cell.locator(f'.seg-of-shift[data-shift="a1/{shift["local_date"]}"]').first
        box = bar.bounding_box()
        day = cell.locator(".day").bounding_box()
        assert box is not None
        assert day is not None
        hour_px = day["width"] / 24 * (1 if later > start else -1)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + hour_px / 2, box["y"] + 2, steps=3)
        page.mouse.move(box["x"] + box["width"] / 2 + hour_px, box["y"] + 2, steps=3)
        page.mouse.up()
        expect(page.locator("#status")).to_contain_text("moved and pinned")
        # drawn where it now is, marked as moved, with where it was
        moved = cell.locator(".shift-button")
        expect(moved).to_contain_text(f"{later:%H:%M}–")
        expect(moved.locator(".pin")).to_have_text("moved")
        assert f"moved from {start:%H:%M}" in (moved.get_attribute("aria-label") or "")
        pin = _stored_pin(site, number, "a1", shift["local_date"])
        assert pin is not None
        assert _local_hhmm(pin["start_utc"]) == f"{later:%H:%M}"
        screenshot(page, "roster-moved-shift")

        # after a reload, pinning another shift keeps the move (it used to revert it)
        page.reload()
        page.locator("#roster-grid").wait_for()
        other = next(r for r in shift_rows(site, number) if r["agent_id"] == "a2")
        page.locator(f'#roster-grid .shift-button[data-shift="a2/{other["local_date"]}"]').click()
        page.get_by_role("button", name="Pin", exact=True).click()
        expect(page.locator("#status")).to_contain_text("Pins saved (2)")
        pin = _stored_pin(site, number, "a1", shift["local_date"])
        assert pin is not None
        assert _local_hhmm(pin["start_utc"]) == f"{later:%H:%M}"
        assert _stored_pin(site, number, "a2", other["local_date"]) is not None
    finally:
        clear_pins(site, number)


def test_a_move_into_unavailable_hours_is_refused_in_the_dialog_and_nothing_is_saved(
    page: Page, site: Site
) -> None:
    number = newest_version(site)["number"]
    shift = _ann_shift(site, number)
    start = pd.Timestamp(shift["start_utc"]).tz_convert("Europe/London")
    end = pd.Timestamp(shift["end_utc"]).tz_convert("Europe/London")
    # unavailable right after the shift; moving it two hours later runs into that
    blocked = f"{end + pd.Timedelta(minutes=30):%H:%M}"
    target = f"{start + pd.Timedelta(hours=2):%H:%M}" if start.hour <= 10 else f"{start:%H:%M}"
    if start.hour > 10:  # no later start allowed: block the morning and move earlier instead
        blocked_span = ("07:00", f"{start:%H:%M}")
        target = "07:00"
    else:
        blocked_span = (blocked, "24:00")
    csv = (
        "agent_id,date,weekday,start,end,kind,note\n"
        f"a1,{shift['local_date']},,{blocked_span[0]},{blocked_span[1]},unavailable,school run\n"
    )
    files = {"file": ("extra.csv", csv, "text/csv")}
    assert lead_api(site, "POST", "/availability/imports", files=files).status_code == 200
    try:
        sign_in(page, site, "lead")
        page.locator(f'#roster-grid .shift-button[data-shift="a1/{shift["local_date"]}"]').click()
        page.locator("#shift-start").fill(target)
        page.get_by_role("button", name="Move and pin").click()
        error = page.locator("#shift-error")
        expect(error).to_contain_text("Not saved")
        expect(error).to_contain_text("unavailable")
        expect(error).to_contain_text("Ann Example")
        expect(page.locator("#shift-dialog")).to_be_visible()
        screenshot(page, "move-refused")
        assert _stored_pin(site, number, "a1", shift["local_date"]) is None
    finally:
        restore_availability(site)
        clear_pins(site, number)

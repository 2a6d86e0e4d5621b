"""Files a lead or HR already has, imported from the page: a helpdesk export too big to import inside
its request (a job: its progress, then its report), the export's channels mapped to the team's queues,
and an HR workbook of several sheets read by the sheet picked."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import FilePayload, Page, expect

from tests.web.conftest import (
    TEAM_ID,
    Site,
    accessibility_violations,
    lead_api,
    restore_availability,
    screenshot,
    sign_in,
)

INLINE_IMPORT_BYTES = 256 * 1024  # the service's default: a bigger upload is imported by a job (202)
TICKETS = 3000  # half by email, half through Zendesk's "Web form", which is not a queue of the team


def _zendesk_export() -> bytes:
    """A Zendesk ticket CSV over the inline limit, with two blank lines."""
    lines = ["Id,Subject,Created at,Via,Requester time zone"]
    for i in range(TICKETS):
        via = "Email" if i % 2 else "Web form"
        day, hour, minute = 5 + i % 14, 9 + i % 8, i % 60
        subject = f"Question {i} about an order, a refund and a delivery that has not arrived yet"
        lines.append(f'{i + 1},"{subject}",2026-10-{day:02d}T{hour:02d}:{minute:02d}:00Z,{via},London')
        if i in (10, 20):
            lines.append("")
    data = ("\r\n".join(lines) + "\r\n").encode()
    assert len(data) > INLINE_IMPORT_BYTES
    return data


def _watch(page: Page, selector: str) -> None:
    """Record every text the element shows, and whether it held a progress bar (read by `_seen`)."""
    page.evaluate(
        """(selector) => {
            window.__seen = [];
            const box = document.querySelector(selector);
            new MutationObserver(() => window.__seen.push({ text: box.textContent, bar: !!box.querySelector("progress") }))
              .observe(box, { childList: true, subtree: true, characterData: true });
        }""",
        selector,
    )


def _seen(page: Page) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = page.evaluate("window.__seen")
    return seen


def _history_rows(site: Site, history_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = lead_api(site, "GET", f"/history/{history_id}").json()["rows"]
    return rows


def test_a_big_helpdesk_export_shows_its_job_then_its_report_and_a_mapped_channel_is_kept(
    page: Page, site: Site
) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Availability").click()
    export = _zendesk_export()
    page.locator("#tickets-file").set_input_files(
        files=[FilePayload(name="zendesk-export.csv", mimeType="text/csv", buffer=export)]
    )
    page.locator("#tickets-preset").select_option("zendesk")
    report = page.locator("#tickets-report")
    _watch(page, "#tickets-report")
    page.get_by_role("button", name="Import export").click()
    summary = report.locator(".tickets-summary")
    expect(summary).to_contain_text("rows kept", timeout=120_000)
    # while the job ran the page said so, with a progress bar; never that nothing was stored
    running = [s for s in _seen(page) if "a job imports it" in s["text"]]
    assert running, _seen(page)
    assert all(s["bar"] for s in running)
    expect(report).not_to_contain_text("nothing was stored")
    first = lead_api(site, "GET", "/history").json()[0]
    web_form = TICKETS // 2
    expect(summary).to_contain_text(f"Stored contact history #{first['id']} ")
    expect(summary).to_contain_text(f"{TICKETS - web_form:,} of {TICKETS:,} rows kept, {web_form:,} dropped")
    expect(summary).to_contain_text("2 blank rows skipped")
    expect(report.locator("#tickets-dropped")).to_contain_text(
        "queue 'Web form' is not one of the team's queues"
    )
    expect(report).not_to_contain_text("--map-queue")
    channel = report.locator('#tickets-unmapped tr[data-channel="Web form"]')
    expect(channel).to_contain_text(f"{web_form:,}")
    assert accessibility_violations(page) == []
    screenshot(page, "tickets-big-export-report")

    # the report's mapping: "Web form" counted as email, the export imported again
    channel.get_by_label("queue for the channel Web form").select_option("email")
    _watch(page, "#tickets-report")
    page.get_by_role("button", name="Re-import with this mapping").click()
    expect(summary).to_contain_text(f"{TICKETS:,} of {TICKETS:,} rows kept, 0 dropped", timeout=120_000)
    assert any("a job imports it" in s["text"] for s in _seen(page))
    second = lead_api(site, "GET", "/history").json()[0]
    assert second["id"] > first["id"]
    assert sum(r["y"] for r in _history_rows(site, second["id"])) == TICKETS  # "Email" still counted
    assert sum(r["y"] for r in _history_rows(site, first["id"])) == TICKETS - web_form  # left as it was
    expect(report).to_contain_text("Channels mapped: Web form → email")
    expect(report.locator("#tickets-unmapped")).to_have_count(0)
    # the mapping stays in the form for the team's next export
    mapping = page.locator("#tickets-mapping li")
    expect(mapping).to_have_count(1)
    expect(mapping.get_by_label("channel, as the export writes it")).to_have_value("Web form")
    expect(mapping.get_by_label("counted as the queue")).to_have_value("email")
    assert accessibility_violations(page) == []
    screenshot(page, "tickets-mapped-reimport")


def test_a_channel_mapped_before_the_upload_is_counted(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Availability").click()
    page.get_by_role("button", name="Add a channel").click()
    row = page.locator("#tickets-mapping li").last
    expect(row.get_by_label("channel, as the export writes it")).to_be_focused()
    row.get_by_label("channel, as the export writes it").fill("Phone call (inbound)")
    row.get_by_label("counted as the queue").select_option("email")
    export = (
        "Id,Created at,Via,Requester time zone\n"
        "1,2026-10-05T09:07:13Z,Phone call (inbound),London\n2,2026-10-05T09:12:00Z,Email,London\n"
        "3,2026-10-05T09:13:00Z,Twitter,London\n"
    )
    page.locator("#tickets-file").set_input_files(
        files=[FilePayload(name="calls.csv", mimeType="text/csv", buffer=export.encode())]
    )
    page.get_by_role("button", name="Import export").click()
    report = page.locator("#tickets-report")
    expect(report.locator(".tickets-summary")).to_contain_text("2 of 3 rows kept, 1 dropped")
    expect(report.locator("#tickets-dropped")).to_contain_text(
        "channel 'Twitter' is not mapped to a queue (map_queue)"
    )
    expect(report.locator('#tickets-unmapped tr[data-channel="Twitter"]')).to_be_visible()
    assert accessibility_violations(page) == []


def _hr_workbook() -> bytes:
    """HR's workbook: a sheet of notes first, the time off on the second."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Read me: time off for November"])
    sheet = book.create_sheet("Time off")
    sheet.append(["agent_id", "date", "weekday", "start", "end", "kind", "note"])
    sheet.append(["a2", "2026-11-20", None, "00:00", "24:00", "time_off", "from the workbook"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_hr_picks_the_sheet_of_a_workbook_with_several(page: Page, site: Site) -> None:
    sign_in(page, site, "hr")
    page.get_by_role("tab", name="Availability").click()
    picker = page.get_by_label("Sheet to read")
    expect(picker).to_be_hidden()
    page.locator("#import-file").set_input_files(
        files=[FilePayload(name="hr.xlsx", mimeType="application/octet-stream", buffer=_hr_workbook())]
    )
    page.get_by_role("button", name="Check file").click()
    report = page.locator("#import-report")
    expect(report.get_by_role("alert")).to_contain_text("hr.xlsx was refused; nothing was stored")
    expect(report).to_contain_text(
        "The workbook has the sheets “Notes”, “Time off”: pick the one to read (Sheet to read, above)"
    )
    expect(picker).to_be_visible()
    expect(picker).to_be_focused()
    expect(picker.locator("option")).to_have_text(["Notes", "Time off"])
    assert accessibility_violations(page) == []
    screenshot(page, "availability-pick-a-sheet")
    picker.select_option("Time off")
    report.get_by_role("button", name="read the sheet picked").click()
    expect(report).to_contain_text(
        "hr.xlsx, sheet “Time off” is valid. Nothing is stored until you import it."
    )
    try:
        page.get_by_role("button", name="Import it").click()  # with the same sheet
        expect(report).to_contain_text("Imported hr.xlsx, sheet “Time off”.")
        stored = site.api.get(f"/v1/teams/{TEAM_ID}/availability", headers=site.headers("hr")).json()
        assert any(r["note"] == "from the workbook" for r in stored)
    finally:
        restore_availability(site)
    # another file: its own sheets, if any, come with its own answer
    page.locator("#import-file").set_input_files(
        files=[FilePayload(name="a.csv", mimeType="text/csv", buffer=b"agent_id,date,kind\n")]
    )
    expect(picker).to_be_hidden()


def test_an_export_no_preset_reads_is_imported_with_its_columns_named(page: Page, site: Site) -> None:
    """A helpdesk the page has no preset for: its columns and its day-first local times are named in
    the form's "Columns and times", as `wfm import tickets` takes them."""
    export = (
        "Case,Opened,Medium,Customer zone\n"
        "1,05/10/2026 09:07,Email,Europe/London\n2,05/10/2026 09:12,email,Europe/London\n"
        "3,13/10/2026 17:40,EMAIL,Europe/London\n"
    )
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Availability").click()
    page.locator("#tickets-file").set_input_files(
        files=[FilePayload(name="cases.csv", mimeType="text/csv", buffer=export.encode())]
    )
    page.locator("#tickets-preset").select_option(label="Other: name the columns below")
    page.get_by_role("button", name="Import export").click()
    report = page.locator("#tickets-report")
    expect(report).to_contain_text("created")  # the error names the option to give
    page.get_by_text("Columns and times").click()
    page.get_by_label("Created time column").fill("Opened")
    page.get_by_label("Channel or queue column").fill("Medium")
    page.get_by_label("Ticket id column").fill("Case")
    page.get_by_label("User's time zone column").fill("Customer zone")
    page.get_by_label("Zone of times written without an offset").fill("Europe/London")
    page.get_by_label("Format of the times when not ISO").fill("%d/%m/%Y %H:%M")
    screenshot(page, "tickets-columns-named")
    page.get_by_role("button", name="Import export").click()
    expect(report.locator(".tickets-summary")).to_contain_text("3 of 3 rows kept, 0 dropped")
    expect(report.locator(".tickets-summary")).to_contain_text("2026-10-05 to 2026-10-13")
    assert accessibility_violations(page) == []

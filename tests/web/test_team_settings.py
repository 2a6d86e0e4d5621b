"""Set up's Team settings: a lead reads the team's main rules, changes them and saves them; a bad
value is refused in words and changes nothing; a form read before someone else changed the team is
refused (409) with a way to reload it; a role that may not edit teams is not offered the form. The
days time off counts, a live queue's fewest agents, the start-time spread and blocks of days off are
set there too, and the form fits a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.web.conftest import (
    LAPTOP,
    PHONE,
    TEAM_ID,
    Site,
    lead_api,
    open_page,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)

SAVED = "Team settings saved: the next roster uses them"
STALE = "Someone changed this team since you opened it: reload the settings and try again"
NOT_SAVED = "The settings were not saved: nothing changed."
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CHAT = "creator-live-chat"  # a live queue the seeded team (email only) is given for a test


def _team(site: Site) -> dict[str, Any]:
    response = lead_api(site, "GET", "")
    assert response.status_code == 200, response.text
    team: dict[str, Any] = response.json()
    return team


def _rules(team: dict[str, Any]) -> tuple[Any, ...]:
    """What the form may change, and when the team last changed."""
    return team["shift_rules"], team["labour_rules"], team["absence_paid"], team["updated_at"]


@pytest.fixture
def seeded(site: Site) -> Iterator[dict[str, Any]]:
    """The team as seeded, put back after the test (the other tests share the site), as
    `restore_availability` puts its availability back."""
    team = _team(site)
    yield team
    back = {key: value for key, value in team.items() if key != "updated_at"}
    response = lead_api(site, "PUT", "", json=back)
    assert response.status_code == 200, response.text


def _open_settings(page: Page, site: Site, role: str = "lead") -> None:
    sign_in(page, site, role)
    page.get_by_role("tab", name="Set up").click()


def test_a_lead_sees_the_teams_rules_changes_them_and_the_service_stores_them(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    _open_settings(page, site)
    form = page.locator("#team-settings")
    expect(form.get_by_role("heading", name="Team settings")).to_be_visible()
    shifts, labour = seeded["shift_rules"], seeded["labour_rules"]
    # the seeded team's own rules (web_team: 8-hour shifts starting 07:00-12:00 on the hour)
    expect(form.get_by_label("Shift lengths (hours)")).to_have_value("8")
    expect(form.get_by_label("Earliest start")).to_have_value("07:00")
    expect(form.get_by_label("Latest start")).to_have_value("12:00")
    expect(form.get_by_label("Start step (minutes)")).to_have_value("60")
    expect(form.get_by_label("Shortest stretch on one queue (minutes)")).to_have_value(
        str(shifts["min_queue_stretch_minutes"])
    )
    expect(form.get_by_label("Most queue changes in a shift")).to_have_value(str(shifts["max_queue_changes"]))
    expect(form.get_by_label("Minimum rest between shifts (hours)")).to_have_value("11")
    expect(form.get_by_label("Days off a week")).to_have_value("2")
    expect(form.get_by_label("Most working days in a row")).to_have_value("6")
    sick_paid = form.get_by_label("A sick day counts as paid hours")
    expect(sick_paid).to_be_checked(checked=seeded["absence_paid"])
    expect(form).to_contain_text("An agent's own rules, where given, still override these field by field")
    expect(form).to_contain_text("runs across midnight")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "team-settings")

    # a comma between digits is a decimal comma, as a spreadsheet in many languages writes it
    form.get_by_label("Shift lengths (hours)").fill("7,5; 8")
    with page.expect_request(lambda r: r.method == "PUT") as sent:
        form.get_by_role("button", name="Save settings").click()
    body = sent.value.post_data_json
    assert body is not None
    assert body["shift_rules"]["lengths_hours"] == [7.5, 8]
    expect(page.locator("#status")).to_contain_text(SAVED)
    expect(form.get_by_label("Shift lengths (hours)")).to_have_value("7.5, 8")  # read back as stored
    form.get_by_label("Shift lengths (hours)").fill("8, 6")
    form.get_by_label("Shortest stretch on one queue (minutes)").fill("90")
    sick_paid.set_checked(not seeded["absence_paid"])
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    expect(form.get_by_label("Shift lengths (hours)")).to_have_value("8, 6")  # filled again from the answer

    stored = _team(site)
    assert stored["shift_rules"] == {**shifts, "lengths_hours": [8.0, 6.0], "min_queue_stretch_minutes": 90}
    assert stored["labour_rules"] == labour
    assert stored["absence_paid"] is not seeded["absence_paid"]
    assert stored["agents"] == seeded["agents"]  # the agents (and their own rules) are put back as they were


def test_a_bad_value_is_refused_in_words_and_changes_nothing(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    _open_settings(page, site)
    form = page.locator("#team-settings")
    lengths = form.get_by_label("Shift lengths (hours)")
    expect(lengths).to_have_value("8")
    report = page.locator("#team-settings-report")

    form.get_by_label("Shortest stretch on one queue (minutes)").fill("75")  # a good save first
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    seeded = _team(site)  # what a refused save must leave as it is
    lengths.fill("30")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).not_to_contain_text(SAVED)  # the earlier save's words are gone
    expect(report.get_by_role("alert")).to_have_text("The settings were not saved: nothing changed.")
    expect(report.locator("table.issues")).to_contain_text("shift lengths (hours)")
    expect(report.locator("table.issues")).to_contain_text("must be at most 16")
    expect(lengths).to_have_value("30")  # kept as typed, to correct
    assert _rules(_team(site)) == _rules(seeded)

    lengths.fill("8")
    changes = form.get_by_label("Most queue changes in a shift")
    changes.fill("-1")
    changes.press("Enter")  # the keyboard saves too
    expect(report.locator("table.issues")).to_contain_text("most queue changes in a shift")
    expect(report.locator("table.issues")).to_contain_text("must be at least 0")
    assert _rules(_team(site)) == _rules(seeded)
    expect(page.locator("#status")).not_to_contain_text(SAVED)


def test_a_form_read_before_someone_else_changed_the_team_is_refused_and_reloads(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    _open_settings(page, site)
    form = page.locator("#team-settings")
    consecutive = form.get_by_label("Most working days in a row")
    expect(consecutive).to_have_value("6")
    # someone else changes the team after the page read it
    other = {**seeded, "labour_rules": {**seeded["labour_rules"], "max_consecutive_days": 5}}
    assert lead_api(site, "PUT", "", json=other).status_code == 200

    stretch = form.get_by_label("Shortest stretch on one queue (minutes)")
    stretch.fill("45")
    form.get_by_role("button", name="Save settings").click()
    report = page.locator("#team-settings-report")
    expect(report.get_by_role("alert")).to_contain_text(STALE)
    stored = _team(site)
    assert stored["shift_rules"] == seeded["shift_rules"]  # the stale form changed nothing
    assert stored["labour_rules"]["max_consecutive_days"] == 5  # nor undid the other change

    report.get_by_role("button", name="Reload").click()
    expect(consecutive).to_have_value("5")
    expect(stretch).to_have_value(str(seeded["shift_rules"]["min_queue_stretch_minutes"]))
    expect(form.get_by_label("Shift lengths (hours)")).to_be_focused()
    expect(report.get_by_role("alert")).to_have_count(0)
    stretch.fill("45")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    stored = _team(site)
    assert stored["shift_rules"]["min_queue_stretch_minutes"] == 45
    assert stored["labour_rules"]["max_consecutive_days"] == 5


@pytest.mark.parametrize(("role", "offered"), [("planner", False), ("admin", True)])
def test_only_roles_that_may_edit_teams_are_offered_the_settings(
    page: Page, site: Site, role: str, offered: bool
) -> None:
    _open_settings(page, site, role)
    page.locator("#team").select_option(TEAM_ID)  # an admin sees every team the session's tests made
    expect(page.get_by_role("heading", name="Requirements for a week")).to_be_visible()  # Set up is shown
    settings = page.locator("#team-settings")
    if offered:
        expect(settings.get_by_label("Shift lengths (hours)")).to_have_value("8")
    else:
        expect(settings).to_be_hidden()
        expect(page.get_by_role("button", name="Save settings")).to_have_count(0)


def test_settings_that_a_contract_cannot_meet_are_saved_with_a_warning_under_them(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    """Six days off a week leave one 8-h shift, less than the agents' 16-h minimum: saved as the lead
    gave it (a contract may change next), and said under the settings before a solve fails."""
    _open_settings(page, site)
    form = page.locator("#team-settings")
    warnings = page.locator("#team-settings-warnings")
    expect(warnings).to_contain_text("Bo Example (a2, America/New_York)")  # the stored team's own, on opening
    expect(warnings).not_to_contain_text("Ann Example")
    days_off = form.get_by_label("Days off a week")
    days_off.fill("6")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(f"{SAVED}. 4 warnings stand under the settings")
    expect(warnings.locator("li")).to_have_count(4)
    expect(warnings).to_contain_text("Ann Example (a1)")
    expect(warnings).to_contain_text("16")
    screenshot(page, "team-settings-warnings")
    assert _team(site)["labour_rules"]["min_days_off_per_week"] == 6
    days_off.fill("2")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(f"{SAVED}. A warning stands under the settings")
    expect(warnings.locator("li")).to_have_count(1)


def _put(site: Site, team: dict[str, Any]) -> dict[str, Any]:
    """Store `team` (as GET gave it, changed) with the lead's token; the team as stored."""
    response = lead_api(site, "PUT", "", json={k: v for k, v in team.items() if k != "updated_at"})
    assert response.status_code == 200, response.text
    stored: dict[str, Any] = response.json()
    return stored


def _with_chat(site: Site, seeded: dict[str, Any]) -> dict[str, Any]:
    """The seeded team with a live chat queue besides its email queue, as stored."""
    return _put(site, {**seeded, "queues": [*seeded["queues"], {"name": CHAT, "channel": "chat"}]})


def _puts(page: Page) -> list[Request]:
    """The PUT requests the page sends from now on."""
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.method == "PUT" else None)
    return sent


def _body(sent: list[Request]) -> dict[str, Any]:
    """The body of the one PUT sent."""
    assert len(sent) == 1, [r.url for r in sent]
    body: dict[str, Any] | None = sent[0].post_data_json
    assert body is not None
    return body


def test_a_lead_sets_leave_days_a_queue_minimum_a_start_spread_and_day_off_blocks(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    before = _with_chat(site, seeded)
    _open_settings(page, site)
    form = page.locator("#team-settings")
    # the team's own values: time off counts every day, no minimum on the chat queue, no spread limit
    for day in DAYS:
        expect(form.get_by_label(day, exact=True)).to_be_checked()
    chat = form.get_by_label(CHAT, exact=True)
    expect(chat).to_have_value("0")
    expect(form.get_by_label("email", exact=True)).to_have_count(0)  # an async queue has no minimum
    expect(page.locator("#ts-min-agents-none")).to_be_hidden()
    spread = form.get_by_label("Start times within")
    expect(spread).to_have_value("")
    block = form.get_by_label("Days off come in blocks of at least")
    expect(block).to_have_value("1")
    expect(form.get_by_role("group", name="Days that time off counts (HR's working days)")).to_be_visible()

    form.get_by_label("Sat", exact=True).uncheck()
    form.get_by_label("Sun", exact=True).uncheck()
    chat.fill("2")
    spread.fill("2")
    block.fill("2")
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    screenshot(page, "team-settings-leave-queues-spread")
    sent = _puts(page)
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    body = _body(sent)
    # only what the form holds, in the service's shape: minutes, the service's weekday names
    assert body["leave_weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert body["queues"] == [before["queues"][0], {**before["queues"][1], "min_agents": 2}]
    assert body["shift_rules"]["max_start_spread_minutes"] == 120
    assert body["labour_rules"]["min_consecutive_days_off"] == 2

    stored = _team(site)
    assert stored == {
        **before,
        "leave_weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "queues": [before["queues"][0], {**before["queues"][1], "min_agents": 2}],
        "shift_rules": {**before["shift_rules"], "max_start_spread_minutes": 120},
        "labour_rules": {**before["labour_rules"], "min_consecutive_days_off": 2},
        "updated_at": stored["updated_at"],
        "warnings": stored["warnings"],
    }

    page.reload()
    page.locator('#workspace[aria-busy="false"]').wait_for(state="visible")
    page.get_by_role("tab", name="Set up").click()
    expect(chat).to_have_value("2")
    expect(spread).to_have_value("2")
    expect(block).to_have_value("2")
    for day in DAYS:
        expect(form.get_by_label(day, exact=True)).to_be_checked(checked=day not in ("Sat", "Sun"))


def test_a_lead_sets_when_a_live_queue_takes_contacts(page: Page, site: Site, seeded: dict[str, Any]) -> None:
    """Chat open 08:00 to midnight on weekdays only: open_hours and open_days as the team file writes
    them; emptied again, round the clock every day (the fields left out)."""
    before = _with_chat(site, seeded)
    _open_settings(page, site)
    form = page.locator("#team-settings")
    opens, closes = form.get_by_label(f"{CHAT} opens"), form.get_by_label(f"{CHAT} closes")
    expect(opens).to_have_value("")
    for day in DAYS:
        expect(form.get_by_label(f"{CHAT} open on {day}")).to_be_checked()
    opens.fill("08:00")
    closes.fill("00:00")
    form.get_by_label(f"{CHAT} open on Sat").uncheck()
    form.get_by_label(f"{CHAT} open on Sun").uncheck()
    screenshot(page, "team-settings-open-hours")
    assert serious_accessibility_violations(page) == []
    sent = _puts(page)
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    weekdays = ["mon", "tue", "wed", "thu", "fri"]
    assert _body(sent)["queues"][1] == {
        **before["queues"][1],
        "open_hours": "08:00-24:00",
        "open_days": weekdays,
    }
    assert _team(site)["queues"][1] == {
        **before["queues"][1],
        "open_hours": "08:00-24:00",
        "open_days": weekdays,
    }

    page.reload()
    page.locator('#workspace[aria-busy="false"]').wait_for(state="visible")
    page.get_by_role("tab", name="Set up").click()
    expect(closes).to_have_value("00:00")
    expect(form.get_by_label(f"{CHAT} open on Sun")).not_to_be_checked()
    opens.fill("")
    closes.fill("")
    form.get_by_label(f"{CHAT} open on Sat").check()
    form.get_by_label(f"{CHAT} open on Sun").check()
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    assert _team(site)["queues"][1] == before["queues"][1]


def test_unticking_every_leave_day_is_refused_in_words_and_saves_nothing(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    _open_settings(page, site)
    form = page.locator("#team-settings")
    report = page.locator("#team-settings-report")
    expect(form.get_by_label("Mon", exact=True)).to_be_checked()
    # the seeded team's only queue is email: no minimum to set, and the form says why
    expect(page.locator("#ts-min-agents-none")).to_contain_text("This team has no live queue (voice or chat)")
    expect(page.locator("#ts-min-agents-help")).to_be_hidden()
    sent = _puts(page)
    for day in DAYS:
        form.get_by_label(day, exact=True).uncheck()
    form.get_by_role("button", name="Save settings").click()
    expect(report.get_by_role("alert")).to_have_text(NOT_SAVED)
    expect(report).to_contain_text("Tick at least one day that time off counts (HR's working days)")
    expect(form.get_by_label("Mon", exact=True)).to_be_focused()
    assert sent == []  # said before sending: the alert stands, and no PUT left the page
    assert _team(site) == seeded
    expect(page.locator("#status")).not_to_contain_text(SAVED)

    form.get_by_label("Sun", exact=True).check()
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    expect(report.get_by_role("alert")).to_have_count(0)
    assert _team(site)["leave_weekdays"] == ["sun"]


def test_a_blank_start_spread_is_no_limit_and_an_untouched_one_keeps_its_minutes(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    _put(site, {**seeded, "shift_rules": {**seeded["shift_rules"], "max_start_spread_minutes": 100}})
    _open_settings(page, site)
    form = page.locator("#team-settings")
    spread = form.get_by_label("Start times within")
    expect(spread).to_have_value("1.67")  # 100 minutes, in hours
    form.get_by_label("Shortest stretch on one queue (minutes)").fill("45")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    assert _team(site)["shift_rules"]["max_start_spread_minutes"] == 100  # not 1.67 × 60 rounded

    spread.fill("")
    sent = _puts(page)
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("#status")).to_contain_text(SAVED)
    assert _body(sent)["shift_rules"]["max_start_spread_minutes"] is None
    assert _team(site)["shift_rules"]["max_start_spread_minutes"] is None
    expect(spread).to_have_value("")


def test_a_refused_queue_minimum_or_day_off_block_is_said_in_the_services_words(
    page: Page, site: Site, seeded: dict[str, Any]
) -> None:
    before = _with_chat(site, seeded)
    _open_settings(page, site)
    form = page.locator("#team-settings")
    report = page.locator("#team-settings-report")
    chat = form.get_by_label(CHAT, exact=True)
    chat.fill("-1")
    form.get_by_role("button", name="Save settings").click()
    expect(report.get_by_role("alert")).to_have_text(NOT_SAVED)
    expect(report.locator("table.issues")).to_contain_text(f"fewest agents on {CHAT}")  # the queue named
    expect(report.locator("table.issues")).to_contain_text("must be at least 0")
    assert _team(site) == before

    chat.fill("1")
    form.get_by_label("Days off come in blocks of at least").fill("0")
    form.get_by_role("button", name="Save settings").click()
    expect(report.get_by_role("alert")).to_have_text(NOT_SAVED)
    expect(report.locator("table.issues")).to_contain_text("days off in a block (at least)")  # the field
    expect(report.locator("table.issues")).to_contain_text("must be at least 1")
    assert _team(site) == before


def test_the_settings_fit_a_phone(browser: Browser, site: Site, seeded: dict[str, Any]) -> None:
    _with_chat(site, seeded)
    with open_page(browser, PHONE) as page:
        _open_settings(page, site)
        form = page.locator("#team-settings")
        expect(form.get_by_label(CHAT, exact=True)).to_have_value("0")
        expect(form.get_by_label("Sun", exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        form.locator("#ts-leave").scroll_into_view_if_needed()
        screenshot(page, "team-settings-phone")

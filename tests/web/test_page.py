"""The lead's, HR's and planner's page in headless Chromium (see conftest.py)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.web.conftest import (
    TEAM_ID,
    WEEK,
    Site,
    accessibility_violations,
    clear_pins,
    newest_version,
    screenshot,
    serving,
    sign_in,
    web_team,
)

TZ = {"a1": "Europe/London", "a2": "America/New_York", "a3": "Europe/Berlin"}


def _shift_rows(site: Site, number: int) -> list[dict[str, Any]]:
    detail = site.api.get(f"/v1/teams/{TEAM_ID}/rosters/{number}", headers=site.headers("lead")).json()
    return [r for r in detail["rows"] if r["activity"] == "shift"]


def _expect_shifts_in_zone(page: Page, rows: list[dict[str, Any]], zone_of: dict[str, str]) -> None:
    """Each shift's button sits in its agent's row, in the cell of the local day it starts on, with its
    local times (computed here with zoneinfo, independently of the page)."""
    for r in rows:
        tz = ZoneInfo(zone_of[r["agent_id"]])
        start = pd.Timestamp(r["start_utc"]).tz_convert(tz)
        end = pd.Timestamp(r["end_utc"]).tz_convert(tz)
        cell = page.locator(f'#roster-grid tr[data-agent="{r["agent_id"]}"] td[data-date="{start.date()}"]')
        expect(cell.locator(".shift-button").first).to_contain_text(f"{start:%H:%M}–{end:%H:%M}")


def test_a_lead_sees_the_roster_in_the_teams_zone_and_in_each_agents_own(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    expect(page.locator("#whoami")).to_contain_text("lead")
    expect(page.locator("#roster-grid")).to_be_visible()
    rows = _shift_rows(site, newest_version(site)["number"])
    assert rows, "the seeded roster has shifts"
    _expect_shifts_in_zone(page, rows, dict.fromkeys(TZ, "Europe/London"))
    # Chi's time off on Wednesday is shaded and written out
    wednesday = page.locator('#roster-grid tr[data-agent="a3"] td[data-date="2026-11-04"]')
    expect(wednesday.locator(".seg-time_off")).to_have_count(1)
    expect(wednesday.locator(".off-label")).to_contain_text("time off")
    # lunches are drawn inside shifts
    assert page.locator("#roster-grid .seg-lunch").count() == len(rows)
    screenshot(page, "roster-team-zone")
    page.get_by_label("each agent's own zone").check()
    expect(page.locator("#status")).to_contain_text("each agent's own zone")
    _expect_shifts_in_zone(page, rows, TZ)
    expect(page.locator('#roster-grid tr[data-agent="a2"] th small')).to_contain_text("New York")
    screenshot(page, "roster-agent-zone")


def test_in_the_teams_zone_each_agent_is_labelled_with_their_own_zone(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    expect(page.get_by_label("the team's zone")).to_be_checked()
    label = page.locator('#roster-grid tr[data-agent="a2"] th small')
    # by the zone's city, the whole label in the column (the full zone in its title)
    expect(label).to_have_text(re.compile(r"^New York · \d+\.\d h$"))
    expect(label).to_have_attribute("title", re.compile(r"^home zone America/New_York; "))
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", label.element_handle())
    expect(page.locator('#roster-grid tr[data-agent="a3"] th small')).to_contain_text("Berlin")
    expect(page.locator("#roster-grid thead th.agent")).to_contain_text("home zone · hours")
    expect(page.locator("#roster-grid caption")).to_contain_text("Europe/London")  # the times' zone
    assert accessibility_violations(page) == []


def test_coverage_by_hour_against_the_need_with_figures_per_day(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    # the week grid counts who works each day
    expect(page.locator("#roster-grid tfoot td")).to_have_count(7)
    # "1 agent · 8.0 h" or "3 agents · 24.0 h": whichever roster the solve found
    expect(page.locator("#roster-grid tfoot td").first).to_have_text(re.compile(r"^\d+ agents? · \d+\.\d h$"))
    page.get_by_role("tab", name="Coverage").click()
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    expect(page.locator("#service-table tbody tr")).to_have_count(7)
    expect(page.locator("#service-table thead")).to_contain_text("below need (agent-h)")
    # short only where service suffers: the stretches of the version's report, per day, in its words
    number = newest_version(site)["number"]  # the version the page shows
    chart = site.api.get(
        f"/v1/teams/{TEAM_ID}/rosters/{number}/coverage/chart", headers=site.headers("lead")
    ).json()
    stretches = chart["queues"][0]["short_stretches"]
    listed = page.locator("#coverage-short > li")
    if stretches:
        expect(listed).to_have_count(len({s["local_date"] for s in stretches}))
        expect(listed.first).to_contain_text("service suffers")
        listed.first.locator("summary").click()
        expect(listed.first).to_contain_text(stretches[0]["text"])
    else:
        expect(listed).to_have_text(["Nowhere: email meets its target every hour of the week."])
    legend = page.locator("#coverage-chart .legendtext")
    expect(legend).to_have_count(4)
    expect(page.locator("#coverage-chart")).to_contain_text("need (the target)")
    # one bar per hour of the week, not one per interval
    assert len(chart["queues"][0]["hourly"]["x_hours"]) == len(chart["queues"][0]["x_hours"]) // 2
    # the chart stays above the headings under it
    chart_box = page.locator("#coverage-chart").bounding_box()
    heading = page.get_by_role("heading", name="Per day").bounding_box()
    svg = page.locator("#coverage-chart .main-svg").first.bounding_box()
    assert chart_box is not None
    assert heading is not None
    assert svg is not None
    assert svg["y"] + svg["height"] <= heading["y"]
    screenshot(page, "coverage")


def test_the_day_view_shows_agents_by_interval_and_the_net_staffing_under_them(
    page: Page, site: Site
) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Day").click()
    table = page.locator("#day-table")
    expect(table).to_be_visible()
    intervals = 48  # a 30-minute grid, no DST change that week
    expect(table.locator("tbody:not(.strip) tr")).to_have_count(3)
    expect(table.locator('tbody:not(.strip) tr[data-agent="a1"] td')).to_have_count(intervals)
    for row in ("need", "on_queue", "net"):
        expect(table.locator(f'tr[data-queue="email"][data-row="{row}"] td')).to_have_count(intervals)
    # the strip lies on the same columns as the agents' rows
    agent_cell = table.locator('tr[data-agent="a1"] td').nth(20).bounding_box()
    need_cell = table.locator('tr[data-row="need"] td').nth(20).bounding_box()
    assert agent_cell is not None
    assert need_cell is not None
    assert abs(agent_cell["x"] - need_cell["x"]) < 1
    # red on the strip and in words only where service suffers (the version's report); a shortfall
    # elsewhere is a grey minus
    number = newest_version(site)["number"]  # the version the page shows
    chart = site.api.get(
        f"/v1/teams/{TEAM_ID}/rosters/{number}/coverage/chart", headers=site.headers("lead")
    ).json()
    stretches = chart["queues"][0]["short_stretches"]
    assert all(s["text"] for s in stretches)
    for d in chart["queues"][0]["daily"]:
        page.locator("#day-date").select_option(d["date"])
        expect(page.locator("#day-table caption")).to_contain_text(d["date"][-2:])
        (email,) = site.api.get(
            f"/v1/teams/{TEAM_ID}/rosters/{number}/day/{d['date']}", headers=site.headers("lead")
        ).json()["queues"]
        expect(table.locator('tr[data-row="net"] td.short-cell')).to_have_count(sum(email["suffers"]))
        words = "; ".join(email["short_stretches"]) or "service meets its target all day"
        expect(page.locator("#day-short > li")).to_have_text([f"email: {words}"])
    screenshot(page, "day-view")


def test_tabs_are_reachable_from_the_keyboard(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Roster").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Day")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-day")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#panel-roster")).to_be_visible()


def test_a_solve_runs_to_the_end_and_its_roster_is_shown(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    before = len(site.api.get(f"/v1/teams/{TEAM_ID}/rosters", headers=site.headers("lead")).json())
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("3")
    page.get_by_role("button", name="Start solve").click()
    expect(page.locator("#job")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    expect(page.locator("#job-state")).to_have_text("succeeded")
    assert page.locator("#job-objective").inner_text() != "–"
    expect(page.locator("#version")).to_have_value(str(before + 1))
    screenshot(page, "solve-finished")


def test_move_a_shift_re_roster_compare_and_publish(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    base = newest_version(site)["number"]
    first = page.locator('#roster-grid tr[data-agent="a1"] .shift-button').first
    first.click()
    expect(page.locator("#shift-dialog")).to_be_visible()
    label = first.inner_text()
    new_start = "12:00" if "12:00–" not in label else "09:00"
    page.locator("#shift-start").fill(new_start)
    page.get_by_role("button", name="Move and pin").click()
    expect(page.locator("#status")).to_contain_text("moved and pinned")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Time limit (s)").fill("3")
    page.get_by_role("tab", name="Roster").click()
    page.get_by_label("keep shifts that have started").uncheck()  # the week is over on this clock
    page.get_by_role("button", name="Re-roster keeping pins").click()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    number = page.locator("#version").input_value()
    page.get_by_role("tab", name="Roster").click()
    moved = page.locator('#roster-grid tr[data-agent="a1"] .shift-button', has_text=f"{new_start}–")
    expect(moved.first).to_be_visible()
    page.get_by_role("tab", name="Compare & publish").click()
    page.locator("#compare-other").select_option(number)
    page.locator("#compare-base").select_option("1")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#changes li").first).to_contain_text("Ann Example")
    # the button publishes the compared version, whatever the top picker shows
    page.locator("#version").select_option("1")
    page.get_by_role("tab", name="Compare & publish").click()
    publish = page.get_by_role("button", name=f"Publish v{number}")
    expect(publish).to_be_enabled()
    publish.click()
    dialog = page.locator("#publish-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Publish v{number} for the week of {WEEK}")
    screenshot(page, "publish-confirm")
    dialog.get_by_role("button", name=f"Publish v{number}").click()
    expect(page.locator("#publish-state")).to_contain_text(f"v{number} is published")
    expect(publish).to_be_disabled()
    listed = site.api.get(f"/v1/teams/{TEAM_ID}/rosters", headers=site.headers("lead")).json()
    assert [v["number"] for v in listed if v["published"]] == [int(number)]
    # publishing another version says what it replaces
    page.locator("#compare-other").select_option("1")
    page.get_by_role("button", name="Publish v1").click()
    expect(dialog).to_contain_text(f"It replaces v{number}")
    dialog.get_by_role("button", name="Cancel").click()
    listed = site.api.get(f"/v1/teams/{TEAM_ID}/rosters", headers=site.headers("lead")).json()
    assert [v["number"] for v in listed if v["published"]] == [int(number)]
    clear_pins(site, base)
    clear_pins(site, int(number))


def test_hr_sees_the_row_report_of_a_bad_file_and_nothing_is_stored(page: Page, site: Site) -> None:
    before = site.api.get(f"/v1/teams/{TEAM_ID}/availability", headers=site.headers("hr")).json()
    sign_in(page, site, "hr")
    expect(page.get_by_role("tab", name="Solve")).to_be_hidden()
    page.get_by_role("tab", name="Availability").click()
    bad = (
        "agent_id,date,weekday,start,end,kind,note\n"
        "a1,2026-11-05,,09:00,17:00,time_off,ok\n"
        "zz,2026-11-05,,09:00,17:00,time_off,who?\n"
        "a2,2026-11-06,,18:00,09:00,unavailable,backwards\n"
    )
    page.locator("#import-file").set_input_files(
        files=[FilePayload(name="bad.csv", mimeType="text/csv", buffer=bad.encode())]
    )
    page.get_by_role("button", name="Check file").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("nothing was stored")
    expect(report.locator("tbody tr")).to_have_count(2)
    expect(report).to_contain_text("zz")
    expect(page.get_by_role("button", name="Import it")).to_be_disabled()
    screenshot(page, "availability-bad-file")
    after = site.api.get(f"/v1/teams/{TEAM_ID}/availability", headers=site.headers("hr")).json()
    assert after == before


def test_hr_checks_then_imports_a_good_file(page: Page, site: Site) -> None:
    sign_in(page, site, "hr")
    page.get_by_role("tab", name="Availability").click()
    good = "agent_id,date,weekday,start,end,kind,note\na2,,sat,00:00,24:00,unavailable,no saturdays\n"
    page.locator("#import-file").set_input_files(
        files=[FilePayload(name="good.csv", mimeType="text/csv", buffer=good.encode())]
    )
    page.get_by_role("button", name="Check file").click()
    expect(page.locator("#import-report")).to_contain_text("Nothing is stored until you import it")
    page.get_by_role("button", name="Import it").click()
    expect(page.locator("#import-report")).to_contain_text("Imported good.csv")
    stored = site.api.get(f"/v1/teams/{TEAM_ID}/availability", headers=site.headers("hr")).json()
    assert any(r["note"] == "no saturdays" for r in stored)


def test_a_planner_compares_scenarios(page: Page, site: Site) -> None:
    sign_in(page, site, "planner")
    expect(page.get_by_role("tab", name="Solve")).to_be_hidden()
    page.get_by_role("tab", name="Scenarios").click()
    page.get_by_role("button", name="Add a scenario").click()
    added = page.locator("#scenario-rows tbody tr").last
    added.get_by_label("scenario name").fill("a third away")
    added.get_by_label("shrinkage in per cent").fill("33")
    added.get_by_label("handle time multiplier").fill("1.1")
    page.get_by_role("button", name="Add a scenario").click()
    hires = page.locator("#scenario-rows tbody tr").last
    hires.get_by_label("scenario name").fill("two in Berlin, Bo leaves")
    hires.get_by_label("number of hires").fill("2")
    hires.get_by_label("zone the hires work in").select_option("Europe/Berlin")
    hires.get_by_label("weekly hours of each hire").fill("40")
    hires.get_by_label("agents who leave").select_option("a2")
    page.get_by_role("button", name="Compare scenarios").click()
    table = page.locator("#scenario-table")
    # the base plan first, then five scenarios; measuring them takes seconds, more on a busy machine
    expect(table.locator("tbody tr")).to_have_count(6, timeout=120_000)
    hired = table.locator("tbody tr").last
    expect(hired).to_contain_text("two in Berlin, Bo leaves")
    expect(page.locator("#scenario-result")).to_contain_text("the 2 agents added have no shifts")
    expect(table.locator("tbody tr").first).to_contain_text("base")
    expect(table).to_contain_text("volume +10 %")
    # the lowest queue of each row is named with its level: all queues together can hide it
    lowest = table.locator("tbody tr").last.locator("td").nth(2)
    expect(lowest).to_have_text(re.compile(r"^(chat|email) \d+(\.\d)? %$"))
    level = [
        float(re.sub(r"[^0-9.]", "", table.locator("tbody tr").nth(k).locator("td").nth(1).inner_text()))
        for k in (0, 4)
    ]
    expect(hired.locator("td").nth(7)).to_have_text("4")  # three agents, one leaves, two join

    assert level[1] < level[0]  # a third of the time away, and longer contacts: worse than the base
    expect(table.locator("td.how").first).to_contain_text("measured on roster v")
    expect(page.locator("#scenario-chart .main-svg").first).to_be_visible()
    # each scenario is named in the legend, not written over the points
    expect(page.locator("#scenario-chart .legendtext")).to_have_count(6)
    expect(page.locator("#scenario-chart .textpoint")).to_have_count(0)
    screenshot(page, "scenarios")


def test_a_move_outside_the_shift_rules_is_refused_in_words(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.locator('#roster-grid tr[data-agent="a1"] .shift-button').first.click()
    number = page.locator("#version").input_value()
    page.locator("#shift-start").fill("13:00")  # the latest start the team's rules allow is 12:00
    page.get_by_role("button", name="Move and pin").click()
    expect(page.locator("#shift-error")).to_contain_text("13:00 is not an allowed start time")
    expect(page.locator("#shift-error")).to_contain_text("Ann Example")
    screenshot(page, "move-explained")
    pins = site.api.get(f"/v1/teams/{TEAM_ID}/rosters/{number}", headers=site.headers("lead")).json()["pins"]
    assert pins == []


def test_downloads_carry_the_roster(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    expect(page.locator("#roster-grid")).to_be_visible()
    number = page.locator("#version").input_value()
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="CSV").click()
    path = csv_download.value.path()
    assert csv_download.value.suggested_filename == f"{TEAM_ID}-v{number}.csv"
    frame = pd.read_csv(path)
    assert set(frame["agent_id"]) <= set(TZ)
    assert len(frame[frame["activity"] == "shift"]) == len(_shift_rows(site, int(number)))
    page.get_by_label("Calendar of").select_option("a2")
    with page.expect_download() as ics_download:
        page.get_by_role("button", name="iCalendar").click()
    assert ics_download.value.suggested_filename == f"{TEAM_ID}-v{number}-a2.ics"
    assert "BEGIN:VCALENDAR" in ics_download.value.path().read_text(encoding="utf-8")
    page.get_by_label("Calendar of").select_option(label="every agent (zip)")
    with page.expect_download() as zip_download:
        page.get_by_role("button", name="iCalendar").click()
    assert zip_download.value.suggested_filename == f"{TEAM_ID}-v{number}-calendars.zip"
    assert sorted(zipfile.ZipFile(zip_download.value.path()).namelist()) == sorted(f"{a}.ics" for a in TZ)


def _busy_team() -> dict[str, Any]:
    """Eight agents on a 15-minute grid with two shift lengths: no solver proves it optimal in seconds."""
    team = web_team()
    team["name"] = "Busy Desk"
    team["interval_minutes"] = 15
    team["shift_rules"] = {
        **team["shift_rules"],
        "lengths_hours": [8, 9],
        "start_step_minutes": 15,
        "earliest_start": "06:00",
        "latest_start": "14:00",
    }
    team["agents"] = [{**team["agents"][i % 3], "id": f"b{i}", "name": f"Busy {i}"} for i in range(8)]
    return team


def _busy_requirements() -> str:
    rows = []
    for d in range(7):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for quarter in range(28, 88):  # 07:00-22:00
            need = 1 + (quarter * 7 + d * 3) % 5
            ds = (day + pd.Timedelta(minutes=15 * quarter)).tz_convert("UTC").isoformat()
            rows.append(
                {
                    "queue": "email",
                    "ds": ds,
                    "volume": 4 * need,
                    "aht_s": 300,
                    "required": need,
                    "scheduled_needed": need,
                }
            )
    return pd.DataFrame(rows).to_csv(index=False)


@pytest.fixture
def clock_site(tmp_path: Path) -> Iterator[Site]:
    """A service whose solves run until their time limit, as a lead's do (the shared site's stop after
    a fixed amount of work): a solve that runs long enough to be watched and cancelled."""
    with serving(f"sqlite:///{tmp_path / 'wfm.db'}", work_units=None) as running:
        yield running


def test_a_running_solve_shows_progress_and_can_be_cancelled(page: Page, clock_site: Site) -> None:
    site = clock_site
    admin = site.headers("admin")
    created = site.api.post("/v1/teams", json={**_busy_team(), "id": "busy-desk"}, headers=admin)
    assert created.status_code == 201, created.text
    files = {"file": ("requirements.csv", _busy_requirements(), "text/csv")}
    assert (
        site.api.post("/v1/teams/busy-desk/requirements/upload", files=files, headers=admin).status_code
        == 201
    )
    sign_in(page, site, "admin")
    page.locator("#team").select_option("busy-desk")
    expect(page.locator("#grid-wrap")).to_contain_text("No roster yet")
    page.get_by_role("tab", name="Solve").click()
    page.get_by_label("Week starting").fill(WEEK.isoformat())
    page.get_by_label("Time limit (s)").fill("600")
    page.get_by_role("button", name="Start solve").click()
    expect(page.locator("#job-state")).to_have_text("running", timeout=60_000)
    expect(page.locator("#job-first")).to_contain_text("found after", timeout=120_000)  # the first roster
    expect(page.locator("#job-objective")).not_to_have_text("–")
    expect(page.locator("#job-elapsed")).not_to_have_text("–")
    expect(page.locator("#job-gap")).to_be_hidden()  # no bound is proven this early: no "gap" row
    screenshot(page, "solve-running")
    running_s = float(page.locator("#job-elapsed").inner_text().removesuffix(" s"))
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#job-state")).to_have_text("cancelled", timeout=60_000)
    expect(page.locator("#status")).to_contain_text("Solve cancelled")
    # the last state stays on the screen; the time shown never runs backwards
    expect(page.locator("#job-elapsed")).not_to_have_text("–")
    assert float(page.locator("#job-elapsed").inner_text().removesuffix(" s")) >= running_s
    expect(page.locator("#job-roster")).to_contain_text("cancelled: nothing was stored")
    expect(page.locator("#job-objective")).not_to_have_text("–")
    expect(page.locator("#job-first")).to_contain_text("found after")
    assert site.api.get("/v1/teams/busy-desk/rosters", headers=admin).json() == []


def test_a_lead_imports_a_helpdesk_export_as_history(page: Page, site: Site) -> None:
    sign_in(page, site, "lead")
    page.get_by_role("tab", name="Availability").click()
    export = (
        "Id,Created at,Via,Requester time zone\n"
        "1,2026-10-05T09:07:13Z,Email,London\n2,2026-10-05T09:12:00Z,Email,London\n2,2026-10-05T09:12:00Z,Email,London\n"
    )
    page.locator("#tickets-file").set_input_files(
        files=[FilePayload(name="zendesk.csv", mimeType="text/csv", buffer=export.encode())]
    )
    page.locator("#tickets-preset").select_option("zendesk")
    page.get_by_role("button", name="Import export").click()
    report = page.locator("#tickets-report")
    expect(report).to_contain_text("2 of 3 rows kept")
    expect(report.locator(".tickets-summary")).to_contain_text("2 of 3 rows kept, 1 dropped")
    expect(report.locator("#tickets-dropped tbody tr")).to_have_count(1)
    expect(report.locator("#tickets-dropped tbody tr")).to_contain_text("duplicate ticket id")
    screenshot(page, "tickets-import")

"""What a review of the page found, mended: another team's roster never stays on screen, nothing acts
on a roster that is not there, the Solve form follows its own input and says when a solve is done,
counts and cover offers are said as they are, the day view's figures and a conflicted day's shift are
readable on a laptop, and on a phone the coverage chart's legend and the roster's cells do not overlap
or clip. Two teams of their own (one rostered, one not) and a lead's token for both."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Dialog, FloatRect, Page, Route, expect

from tests.web.conftest import (
    PHONE,
    WEEK,
    Site,
    add_rostered_team,
    open_page,
    requirements_csv,
    screenshot,
    web_team,
)

TEAM = "mend-desk"  # rostered (v1), Ann absent on the day of her first shift: a conflict
EMPTY = "mend-empty"  # no roster; requirements for the two weeks after WEEK
EXPORTS = ("CSV", "XLSX", "Lead's report", "iCalendar", "Re-roster keeping pins")


def _requirements_weeks_later(weeks: int) -> str:
    frame = pd.read_csv(StringIO(requirements_csv()))
    frame["ds"] = (pd.to_datetime(frame["ds"], utc=True) + pd.Timedelta(days=7 * weeks)).map(
        lambda t: t.isoformat()
    )
    return frame.to_csv(index=False)


@pytest.fixture(scope="module")
def lead_token(site: Site) -> str:
    """The two teams, and a lead's token that sees both (the page picks the rostered one first). A
    worker may run this module's tests apart (work stealing), so the teams are made once per site."""
    admin = site.headers("admin")
    if site.api.get(f"/v1/teams/{TEAM}", headers=admin).status_code == 200:
        return _lead_token(site)
    add_rostered_team(site, {**web_team(), "name": "Mend Desk", "id": TEAM}, requirements_csv(), 5)
    created = site.api.post(
        "/v1/teams", json={**web_team(), "name": "Mend Empty", "id": EMPTY}, headers=admin
    )
    assert created.status_code == 201, created.text
    for weeks in (1, 2):  # the newer (two weeks on) is listed, and picked, first
        files = {"file": ("requirements.csv", _requirements_weeks_later(weeks), "text/csv")}
        stored = site.api.post(f"/v1/teams/{EMPTY}/requirements/upload", files=files, headers=admin)
        assert stored.status_code == 201, stored.text
    rows = site.api.get(f"/v1/teams/{TEAM}/rosters/1", headers=admin).json()["rows"]
    day = min(r["local_date"] for r in rows if r["activity"] == "shift" and r["agent_id"] == "a1")
    entry = {"agent_id": "a1", "kind": "absence", "date": day, "to": day, "note": "sick"}
    added = site.api.post(f"/v1/teams/{TEAM}/availability/entries", json={"entries": [entry]}, headers=admin)
    assert added.status_code < 300, added.text
    return _lead_token(site)


def _lead_token(site: Site) -> str:
    made = site.api.post(
        "/v1/tokens", json={"role": "lead", "teams": [TEAM, EMPTY]}, headers=site.headers("admin")
    )
    assert made.status_code == 201, made.text
    token: str = made.json()["token"]
    return token


def _cut(page: Page, parts: str) -> list[str]:
    """The parts of the grid's shifts (".time", ".queue") not shown whole: cut by their shift's box or
    their day's cell, or ending in an ellipsis."""
    found: list[str] = page.locator("#roster-grid").evaluate(
        """(grid, parts) => [...grid.querySelectorAll('.shift-button, .shift-text')]
            .flatMap((shift) => [...shift.querySelectorAll(parts)].filter((e) => {
                const [box, own, day] = [e, shift, e.closest('td')].map((n) => n.getBoundingClientRect());
                return box.width < 1 || box.right > own.right + 1 || box.right > day.right + 1
                    || e.scrollWidth > e.clientWidth + 1;
            }).map((e) => `${shift.dataset.shift}: ${e.textContent}`))""",
        parts,
    )
    return found


def _sign_in(page: Page, site: Site, token: str) -> None:
    page.goto(site.url + "/")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.locator('#workspace[aria-busy="false"]').wait_for(state="visible")
    page.locator('#roster-grid tr[data-agent="a1"]').wait_for()


def _show_version_one(page: Page) -> None:
    """Show v1 (its conflicted day) and wait until its grid is drawn: picking the version shown already
    would draw the grid again, under the test's feet."""
    if page.locator("#version").input_value() != "1":
        page.locator("#version").select_option("1")
    expect(page.locator("#roster-grid td.conflict")).not_to_have_count(0)


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def test_a_team_without_a_roster_shows_nothing_of_the_team_before_and_offers_no_export(
    page: Page, site: Site, lead_token: str
) -> None:
    _sign_in(page, site, lead_token)
    _tab(page, "Day")
    expect(page.locator("#day-table")).to_be_visible()
    _tab(page, "Coverage")
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    expect(page.locator("#service-table tbody tr")).to_have_count(7)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.locator("#team").select_option(EMPTY)
    # the coverage of the team before goes: its chart, its table, its queues
    expect(page.locator("#coverage-short")).to_contain_text("No roster yet for this team")
    expect(page.locator("#coverage-chart .main-svg")).to_have_count(0)
    expect(page.locator("#service-table tr")).to_have_count(0)
    expect(page.locator("#coverage-queue option")).to_have_count(0)
    _tab(page, "Day")
    expect(page.locator("#day-table")).to_have_count(0)
    expect(page.locator("#day-view")).to_contain_text("No roster yet for this team")
    _tab(page, "Roster")
    expect(page.locator("#grid-wrap")).to_contain_text("No roster yet for this team")
    for name in EXPORTS:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_disabled()
    # the Solve tab's week is that of the requirements picked, on load and on each change
    _tab(page, "Solve")
    picked = page.locator("#solve-requirements")
    expect(picked.locator("option")).to_have_count(2)
    later, sooner = (WEEK + timedelta(days=14)), (WEEK + timedelta(days=7))
    expect(page.get_by_label("Week starting")).to_have_value(later.isoformat())
    # the days the requirements plan, as a lead reads them (Monday to Saturday on the team's clock)
    stored = r", stored \d{4}-\d\d-\d\d$"
    expect(picked.locator("option").first).to_have_text(
        re.compile(r"^#\d+: Mon 16 – Sat 21 Nov 2026" + stored)
    )
    expect(picked.locator("option").nth(1)).to_have_text(
        re.compile(r"^#\d+: Mon 9 – Sat 14 Nov 2026" + stored)
    )
    picked.select_option(index=1)
    expect(page.get_by_label("Week starting")).to_have_value(sooner.isoformat())
    _tab(page, "Compare & publish")
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    assert not [u for u in asked if "/null" in u or "/undefined" in u], asked
    # back on a team with a roster, its exports are offered again
    page.locator("#team").select_option(TEAM)
    _tab(page, "Roster")
    for name in EXPORTS:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_enabled()
    screenshot(page, "mend-roster-back")


def test_the_solve_form_follows_its_input_and_a_finished_solve_says_so(
    page: Page, site: Site, lead_token: str
) -> None:
    _sign_in(page, site, lead_token)
    _show_version_one(page)  # the version with the conflict
    # a re-roster says the time limit it runs with (the Solve tab's), kept current
    expect(page.locator(".reroster-conflicts").first).to_be_visible()
    limit = page.locator(".reroster-limit").first
    expect(limit).to_have_text("uses the time limit set in Solve: 5 s")
    expect(page.get_by_role("button", name="Re-roster keeping pins")).to_have_attribute(
        "title", "uses the time limit set in Solve: 5 s"
    )
    _tab(page, "Solve")
    expect(page.get_by_label("Week starting")).to_have_value(WEEK.isoformat())  # the requirements' week
    expect(page.locator("#solve-requirements option").first).to_contain_text("Mon 2 – Sat 7 Nov 2026")
    page.get_by_label("Time limit (s)").fill("3")
    _tab(page, "Roster")
    expect(limit).to_have_text("uses the time limit set in Solve: 3 s")
    expect(page.get_by_role("button", name="Re-roster keeping pins")).to_have_attribute(
        "title", "uses the time limit set in Solve: 3 s"
    )
    # a wrong week is said in a sentence: no table of empty fields and values under a bare heading
    _tab(page, "Solve")
    page.get_by_label("Week starting").fill("2026-11-04")
    page.get_by_role("button", name="Start solve").click()
    error = page.locator("#solve-error")
    expect(error).to_contain_text("The solve was not started.")
    expect(error).to_contain_text("2026-11-04 is a Wednesday")
    # the field and the value it was given, with the reason: no empty columns
    expect(error.locator("table thead th")).to_have_text(["field", "value", "reason"])
    expect(error.locator("table tbody td").first).to_have_text("week")
    screenshot(page, "mend-solve-wrong-week")
    # corrected, the old error goes at once
    page.get_by_label("Week starting").fill(WEEK.isoformat())
    expect(error).to_be_empty()
    before = len(site.api.get(f"/v1/teams/{TEAM}/rosters", headers=site.headers("admin")).json())
    page.get_by_role("button", name="Start solve").click()
    expect(page.locator("#status")).to_contain_text("Solve finished", timeout=120_000)
    # the panel no longer speaks of the "best roster so far", and offers the way to the roster
    expect(page.locator("#job-title")).to_have_text("The solve: finished")
    expect(page.locator("#job-roster-term")).to_have_text("Roster stored")
    show = page.get_by_role("button", name=f"See roster v{before + 1} in the Roster tab")
    expect(show).to_be_visible()
    screenshot(page, "mend-solve-finished")
    show.click()
    expect(page.get_by_role("tab", name="Roster")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#version")).to_have_value(str(before + 1))


def _fulfil(route: Route, change: Any) -> None:
    """The service's own answer to the page's request, changed by `change` (its JSON in place)."""
    response = route.fetch()
    body = response.json()
    change(body)
    # its status and the changed body alone (its headers say how the service compressed it)
    route.fulfill(status=response.status, body=json.dumps(body), content_type="application/json")


def _stretch(words: str, cover: list[dict[str, Any]]) -> dict[str, Any]:
    when = "Mon 02 Nov 09:00–10:00"
    return {"queue": "email", "start_utc": f"{WEEK}T09:00:00Z", "end_utc": f"{WEEK}T10:00:00Z", "when": when, "words": words, "cover": cover}  # fmt: skip


def _with_stretches(versions: list[dict[str, Any]]) -> None:
    offer = {"agent_id": "a2", "kind": "work a day off", "words": "Bo Example, giving up a day off"}
    for v in versions:
        if v.get("report"):
            v["report"]["short_stretches"] = [_stretch("none offered", []), _stretch("one offered", [offer])]


def _with_short_days(chart: dict[str, Any]) -> None:
    def short(day: str, hours: float) -> dict[str, Any]:
        return {"local_date": day, "hours": hours, "shortfall_hours": hours / 2, "text": f"{day} short"}

    chart["queues"][0]["short_stretches"] = [
        short("2026-11-02", 1),
        short("2026-11-03", 1.5),
        short("2026-11-03", 1.5),
    ]


def _with_hours(comparison: dict[str, Any]) -> None:
    comparison["hours_by_agent"] = {"a1": {"base": 40, "other": 24}}


def test_counts_cover_offers_and_hours_are_said_as_they_are(page: Page, site: Site, lead_token: str) -> None:
    # the service's answers with figures of our choosing: the page's own words for them are tested
    page.route(f"**/v1/teams/{TEAM}/rosters", lambda route: _fulfil(route, _with_stretches))
    page.route(f"**/v1/teams/{TEAM}/rosters/*/coverage/chart", lambda route: _fulfil(route, _with_short_days))
    page.route(f"**/v1/teams/{TEAM}/rosters/*/compare/*", lambda route: _fulfil(route, _with_hours))
    _sign_in(page, site, lead_token)
    stretches = page.locator("#short-stretches > li")
    expect(stretches).to_have_count(2)
    # "nobody" only where nobody is offered, and why; an offer that gives up a rule says so itself
    expect(stretches.first.locator(".cover-none")).to_have_text(
        "No one off that day who works email can cover it, not even on a day off or in overtime: each shift"
        " that would cover it clashes with their availability or a rule that cannot be waived, such as the"
        " rest between shifts."
    )
    expect(stretches.nth(1).locator(".cover-none")).to_have_count(0)
    expect(stretches.nth(1)).to_contain_text("Could cover: Bo Example, giving up a day off")
    _tab(page, "Coverage")
    days = page.locator("#coverage-short summary")
    expect(days).to_have_text(
        [
            "Mon 02 Nov: service suffers 1 hour in 1 stretch (0.5 agent-hours below the need)",
            "Tue 03 Nov: service suffers 3 hours in 2 stretches (1.5 agent-hours below the need)",
        ]
    )
    _tab(page, "Compare & publish")
    page.locator("#compare-base").select_option("1")
    page.locator("#compare-other").select_option("1")
    page.get_by_role("button", name="Compare", exact=True).click()
    affected = page.get_by_role("heading", name="Who is affected (hours)").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(affected).to_have_text("Ann Example: 40.0 h → 24.0 h")  # one decimal, as everywhere on the page
    page.unroute_all(behavior="wait")  # an answer still on its way is let through before the page closes


def _with_busy_day(day: dict[str, Any]) -> None:
    """The day on a 15-minute grid (each interval split in two) with figures to a tenth: 96 columns."""

    def twice(values: list[Any]) -> list[Any]:
        return [v for value in values for v in (value, value)]

    day["intervals"] = twice(day["intervals"])
    for agent in day["agents"]:
        agent["states"] = twice(agent["states"])
    for q in day["queues"]:
        n = 2 * len(q["need"])
        q["need"], q["on_queue"] = [0.6] * n, [1.7] * n
        q["short"] = [0.3 if i % 2 else 0.1 for i in range(n)]
        q["suffers"] = [False] * n


_TEXT_BOXES = """(cells) => cells.map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const box = range.getBoundingClientRect();
    return [box.left, box.right];
})"""


def test_the_day_views_figures_and_a_conflicted_shift_are_readable_on_a_laptop(
    page: Page, site: Site, lead_token: str
) -> None:
    page.route(f"**/v1/teams/{TEAM}/rosters/*/day/*", lambda route: _fulfil(route, _with_busy_day))
    _sign_in(page, site, lead_token)
    _show_version_one(page)
    # the conflicted day: the shift's whole time shows, what it clashes with on a line of its own
    cell = page.locator("#roster-grid td.conflict").first
    expect(cell).to_contain_text("absent")
    expect(cell.locator(".shift-button .time")).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    assert _cut(page, ".time") == []  # that shift's, and every other's
    _tab(page, "Day")
    table = page.locator("#day-table")
    expect(table.locator('tr[data-row="need"] td').first).to_have_text("0.6")
    # side by side, two figures stay apart ("0.6 0.6", never "0.60.6")
    for row in ("need", "on_queue", "net"):
        cells = table.locator(f'tr[data-queue="email"][data-row="{row}"] td').element_handles()[:40]
        boxes = page.evaluate(_TEXT_BOXES, cells)
        gaps = [b[0] - a[1] for a, b in pairwise(boxes)]
        assert min(gaps) >= 3, f"figures of the {row} row run together: {gaps}"
    # the caption stays at the left of the visible part, wrapped to it, however far the day scrolls
    wrap = page.locator("#day-view .grid-wrap")
    caption = table.locator("caption .caption-text")
    for scrolled in (0, 600):
        wrap.evaluate("(node, x) => { node.scrollLeft = x; }", scrolled)
        seen, text = wrap.bounding_box(), caption.bounding_box()
        assert seen is not None
        assert text is not None
        assert seen["x"] <= text["x"] <= seen["x"] + 2
        assert text["x"] + text["width"] <= seen["x"] + seen["width"]
    screenshot(page, "mend-day-figures")
    page.unroute_all(behavior="wait")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with open_page(browser, PHONE) as opened:
        yield opened


def _overlap(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_on_a_phone_the_chart_legend_and_the_roster_cells_neither_overlap_nor_clip(
    phone: Page, site: Site, lead_token: str
) -> None:
    page = phone
    _sign_in(page, site, lead_token)
    _show_version_one(page)
    # every shift's time and queue is written whole: a narrow cell's lines wrap
    assert _cut(page, ".time, .queue") == []
    screenshot(page, "mend-phone-roster")
    _tab(page, "Coverage")
    chart = page.locator("#coverage-chart")
    expect(chart.locator(".legend")).to_be_visible()
    legend = chart.locator(".legend").bounding_box()
    title = chart.locator(".g-xtitle").bounding_box()
    assert legend is not None
    assert title is not None
    assert not _overlap(legend, title), "the legend covers the axis title"
    ticks = [box for tick in chart.locator(".xtick text").all() if (box := tick.bounding_box())]
    assert ticks, "the days are labelled"
    assert not [box for box in ticks if _overlap(legend, box)], "the legend covers a day's label"
    svg = chart.locator(".main-svg").first.bounding_box()
    assert svg is not None
    assert legend["y"] + legend["height"] <= svg["y"] + svg["height"] + 1  # inside the chart
    screenshot(page, "mend-phone-coverage")


def test_unsaved_team_settings_are_asked_about_before_another_team_drops_them(
    page: Page, site: Site, lead_token: str
) -> None:
    """A lead halfway through the Team settings picks another team: the page asks first; kept, the team
    and the typing stay; let go, the other team's settings are shown."""
    _sign_in(page, site, lead_token)
    page.locator("#team").select_option(TEAM)
    _tab(page, "Set up")
    lengths = page.get_by_label("Shift lengths (hours)")
    expect(lengths).to_have_value("8")
    lengths.fill("7")
    asked: list[str] = []

    def keep(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", keep)
    page.locator("#team").select_option(EMPTY)
    expect(page.locator("#team")).to_have_value(TEAM)
    expect(lengths).to_have_value("7")
    assert asked == ["Your changes to Mend Desk's team settings are not saved. Leave them unsaved?"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#team").select_option(EMPTY)
    expect(page.locator("#team-settings-for")).to_contain_text("For Mend Empty")
    expect(lengths).to_have_value("8")  # the other team's own, the typing gone
    page.locator("#team").select_option(TEAM)  # nothing typed since: no question
    expect(page.locator("#team-settings-for")).to_contain_text("For Mend Desk")
    assert len(asked) == 1


def test_a_day_picked_while_the_tabs_first_day_loads_is_the_one_shown(
    page: Page, site: Site, lead_token: str
) -> None:
    """Under load, the Day tab's first answer (its first day) came after the day the lead picked
    meanwhile, and was drawn over it: the agent's row showed Monday's shift on Wednesday."""
    _sign_in(page, site, lead_token)
    page.locator("#team").select_option(TEAM)
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # answered below, after the day picked

    page.route("**/day/**", hold_the_first)
    with page.expect_request("**/day/**"):
        _tab(page, "Day")
    picked = page.locator("#day-date option").last
    heading, value = picked.inner_text(), picked.get_attribute("value")
    assert value is not None
    page.locator("#day-date").select_option(value)
    caption = page.locator("#day-table caption")
    expect(caption).to_contain_text(heading)
    with page.expect_response("**/day/**"):
        held[0].continue_()
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # the late answer's turn to be drawn
    expect(caption).to_contain_text(heading)

"""The Coverage chart shows where agents are below the need: red bars hatched (so not by colour alone),
with the same swatch in the legend."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.web.conftest import BIG_TEAM_ID, Site, screenshot, sign_in_to_big_team

# The fill each bar path and the legend swatch of a trace is painted with: its own colour, or the
# background of the pattern it points to (plotly draws a hatched bar as a <pattern> with a <rect>).
FILLS = """(name) => {
  const chart = document.getElementById("coverage-chart");
  const index = chart.data.findIndex((t) => t.name === name);
  const paint = (node) => {
    const fill = node.style.fill;
    const id = fill.match(/url\\("?#([^")]+)"?\\)/)?.[1];
    if (!id) return { fill, hatched: false };
    const pattern = document.getElementById(id);
    return { fill: pattern.querySelector("rect")?.getAttribute("fill") ?? "none",
             hatched: pattern.querySelector("path") !== null };
  };
  const bars = [...chart.querySelectorAll(".barlayer .trace")[index].querySelectorAll("path")]
    .filter((p) => p.getBoundingClientRect().height > 1);
  const swatch = [...chart.querySelectorAll(".legend .traces")]
    .find((t) => t.querySelector(".legendtext").textContent === name).querySelector(".legendpoints path");
  return { bars: bars.map(paint), legend: paint(swatch) };
}"""


def _rgb(fill: str) -> tuple[int, ...]:
    return tuple(int(x) for x in fill.removeprefix("rgb(").removesuffix(")").split(","))


def _is_red(paint: dict[str, Any]) -> bool:
    r, g, b = _rgb(paint["fill"])[:3]
    return r >= 180 and g <= 110 and b <= 110


def test_the_hours_below_the_need_are_red_and_hatched_with_a_legend_swatch(
    page: Page, big_site: Site
) -> None:
    sign_in_to_big_team(page, big_site)
    page.get_by_role("tab", name="Coverage").click()
    expect(page.locator("#coverage-chart .main-svg").first).to_be_visible()
    name = "below the need (red, hatched)"
    expect(page.locator("#coverage-chart .legendtext", has_text=name)).to_have_count(1)
    chart = big_site.api.get(
        f"/v1/teams/{BIG_TEAM_ID}/rosters/1/coverage/chart", headers=big_site.headers("admin")
    ).json()
    short_hours = [x for x in chart["queues"][0]["hourly"]["short"] if x > 0.05]
    assert short_hours, "the seeded roster of the big team is short somewhere (the test needs it)"
    fills = page.evaluate(FILLS, name)
    # one visible bar per hour below the need, each painted red (not white on nothing) and hatched
    assert len(fills["bars"]) == len(short_hours)
    assert all(_is_red(f) and f["hatched"] for f in fills["bars"]), fills["bars"][:3]
    assert _is_red(fills["legend"]), fills["legend"]
    assert fills["legend"]["hatched"]
    screenshot(page, "coverage-chart-shortfall")

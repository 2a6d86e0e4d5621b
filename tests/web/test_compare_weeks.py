"""Compare & publish never offers two versions of different weeks (the service refuses to compare them):
the "with" picker has the other weeks' versions disabled, saying why, and follows the first picker to
its week. A team of its own: v1 and v3 of one week, v2 of the next."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pandas as pd
import pytest
from playwright.sync_api import Page, Response, expect

from tests.web.conftest import WEEK, Site, add_rostered_team, requirements_csv, screenshot, sign_in, web_team

TEAM = "compare-weeks"
NEXT_WEEK = WEEK + timedelta(days=7)


def _requirements_a_week_later() -> str:
    frame = pd.read_csv(StringIO(requirements_csv()))
    frame["ds"] = (pd.to_datetime(frame["ds"], utc=True) + pd.Timedelta(days=7)).map(lambda t: t.isoformat())
    return frame.to_csv(index=False)


def _roster(site: Site, week: str, requirements: str) -> None:
    admin = site.headers("admin")
    files = {"file": ("requirements.csv", requirements, "text/csv")}
    uploaded = site.api.post(f"/v1/teams/{TEAM}/requirements/upload", files=files, headers=admin)
    assert uploaded.status_code == 201, uploaded.text
    body = {"week": week, "requirements_id": uploaded.json()["id"], "time_limit_s": 5}
    job = site.api.post(f"/v1/teams/{TEAM}/roster-jobs", json=body, headers=admin).json()
    done = site.wait_for_job(job["id"], role="admin")
    assert done["state"] == "succeeded", done


@pytest.fixture(scope="module")
def two_weeks(site: Site) -> Site:
    """The team with v1 (WEEK), v2 (the week after) and v3 (WEEK again), made once per site."""
    if site.api.get(f"/v1/teams/{TEAM}", headers=site.headers("admin")).status_code == 200:
        return site
    add_rostered_team(site, {**web_team(), "name": "Compare Weeks", "id": TEAM}, requirements_csv(), 5)
    _roster(site, NEXT_WEEK.isoformat(), _requirements_a_week_later())
    _roster(site, WEEK.isoformat(), requirements_csv())
    return site


def test_the_with_picker_offers_only_versions_of_the_first_pickers_week(page: Page, two_weeks: Site) -> None:
    refused: list[str] = []

    def watch(response: Response) -> None:
        if "/compare/" in response.url and response.status >= 400:
            refused.append(f"{response.status} {response.url}")

    page.on("response", watch)
    sign_in(page, two_weeks, "admin")
    page.locator("#team").select_option(TEAM)
    expect(page.locator("#version")).to_have_value("3")
    page.get_by_role("tab", name="Compare & publish").click()
    base, other = page.locator("#compare-base"), page.locator("#compare-other")
    # the default: the newest (v3) against the one before it of its week (v1), not v2 of the next week
    expect(base).to_have_value("1")
    expect(other).to_have_value("3")
    expect(page.locator("#compare-summary")).to_contain_text("hours rostered")  # compared on opening
    v2 = other.locator('option[value="2"]')
    expect(v2).to_be_disabled()
    expect(v2).to_have_text(f"v2 · week of {NEXT_WEEK} · not comparable: another week than v1's")
    expect(other.locator('option[value="3"]')).to_be_enabled()
    screenshot(page, "compare-weeks")

    # the first picker on the next week: the "with" picker follows it, and only v2 may be picked
    base.select_option("2")
    expect(other).to_have_value("2")
    expect(other.locator("option:disabled")).to_have_count(2)
    expect(other.locator('option[value="1"]')).to_contain_text("another week than v2's")
    expect(page.get_by_role("button", name="Publish v2")).to_be_enabled()

    # back on the first week: a version of it other than the first picker's
    base.select_option("3")
    expect(other).to_have_value("1")
    expect(other.locator('option[value="2"]')).to_be_disabled()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("#compare-summary thead")).to_contain_text("v3")
    assert refused == []

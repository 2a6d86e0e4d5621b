"""Calendar events' UIDs: of the team's id in the service (a rename keeps them, two teams of one name do
not share them), of a slug of the name for a team file (which has no id), one per kind of leave on a
day, and a re-roster's cancelled event under the published event's UID."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from api.exports import agent_ics_bytes
from api.schemas import team_from_mapping
from api.service import Settings, create_app
from api.service.auth import create_token
from api.service.db import make_engine, session_factory, transaction
from scheduler.domain import AvailabilityEntry, Roster, Shift
from tests.api.service.conftest import WEEK, bearer, requirements_csv, tiny_team, wait_for_job
from tests.scheduler.roster.factories import QUICK

TEAM_ID = "desk-42"  # not the slug of the team's name, "tiny-desk"


def _uids(ics: bytes) -> dict[str, str]:
    """Each event's UID → its summary ("Cancelled shift" for a cancelled one)."""
    return {str(e["uid"]): str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")}


def _monday_shift() -> Roster:
    shift = Shift(
        "a1", WEEK, datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 2, 17, tzinfo=UTC), "email"
    )
    return Roster("Tiny Desk", WEEK, (shift,))


def test_a_team_files_uids_are_of_its_name_and_a_service_teams_of_its_id() -> None:
    team = team_from_mapping(tiny_team())
    roster = _monday_shift()
    assert list(_uids(agent_ics_bytes(roster, team, "a1"))) == ["tiny-desk-a1-2026-11-02@wfm-optimizer"]
    by_id = _uids(agent_ics_bytes(roster, team, "a1", team_id=TEAM_ID))
    assert list(by_id) == [f"{TEAM_ID}-a1-2026-11-02@wfm-optimizer"]
    renamed = replace(team, name="Tiny Desk Renamed")
    assert _uids(agent_ics_bytes(roster, renamed, "a1", team_id=TEAM_ID)) == by_id
    # another team of the same name: other events
    assert not _uids(agent_ics_bytes(roster, team, "a1", team_id="desk-43")).keys() & by_id.keys()


def test_time_off_and_a_sick_day_on_one_day_are_two_events() -> None:
    team = team_from_mapping(tiny_team())
    friday = date(2026, 11, 6)
    away = (
        AvailabilityEntry("a1", "time_off", on_date=friday, note="vacation"),
        AvailabilityEntry("a1", "absence", on_date=friday, note="sick"),
    )
    events = _uids(agent_ics_bytes(_monday_shift(), team, "a1", availability=away, team_id=TEAM_ID))
    assert events == {
        f"{TEAM_ID}-a1-2026-11-02@wfm-optimizer": "Shift: email",
        f"{TEAM_ID}-a1-off-2026-11-06-0@wfm-optimizer": "Time off: vacation",
        f"{TEAM_ID}-a1-sick-2026-11-06-0@wfm-optimizer": "Sick",
    }


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'wfm.db'}",
        job_workers=1,
        solver_threads=1,
        default_time_limit_s=2.0,
        deterministic_time_limit_s=QUICK.deterministic_time_limit_s,  # work units: the same roster on a busy machine
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def admin(client: TestClient, tmp_path: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'wfm.db'}")
    with transaction(session_factory(engine)) as session:
        _, secret = create_token(session, "admin", [])
    engine.dispose()
    return bearer(secret)


def _roster_job(client: TestClient, admin: dict[str, str], body: dict[str, Any]) -> None:
    started = client.post(f"/v1/teams/{TEAM_ID}/roster-jobs", json={"time_limit_s": 2, **body}, headers=admin)
    assert started.status_code == 202, started.text
    done = wait_for_job(client, started.json()["id"], admin)
    assert done["state"] == "succeeded", done


def _calendar(client: TestClient, admin: dict[str, str], number: int, agent_id: str = "a1") -> bytes:
    response = client.get(f"/v1/teams/{TEAM_ID}/rosters/{number}/calendars/{agent_id}.ics", headers=admin)
    assert response.status_code == 200, response.text
    content: bytes = response.content
    return content


def test_a_renamed_teams_events_keep_their_uids_and_a_re_roster_cancels_the_published_ones(
    client: TestClient, admin: dict[str, str]
) -> None:
    created = client.post("/v1/teams", json={**tiny_team(), "id": TEAM_ID}, headers=admin)
    assert created.status_code == 201, created.text
    files = {"file": ("requirements.csv", requirements_csv(), "text/csv")}
    uploaded = client.post(f"/v1/teams/{TEAM_ID}/requirements/upload", files=files, headers=admin)
    assert uploaded.status_code == 201, uploaded.text
    _roster_job(client, admin, {"week": WEEK.isoformat(), "requirements_id": uploaded.json()["id"]})
    assert client.post(f"/v1/teams/{TEAM_ID}/rosters/1/publish", headers=admin).status_code == 200
    published = _uids(_calendar(client, admin, 1))
    assert published
    assert all(uid.startswith(f"{TEAM_ID}-a1-") for uid in published)

    team = client.get(f"/v1/teams/{TEAM_ID}", headers=admin).json()
    renamed = client.put(f"/v1/teams/{TEAM_ID}", json={**team, "name": "Tiny Desk Renamed"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert _uids(_calendar(client, admin, 1)) == published

    # a sick call and time off on a day Ann works, then the week re-rostered from the published version
    rows = client.get(f"/v1/teams/{TEAM_ID}/rosters/1", headers=admin).json()["rows"]
    day = min(r["local_date"] for r in rows if r["activity"] == "shift" and r["agent_id"] == "a1")
    entries = [
        {"agent_id": "a1", "kind": "absence", "date": day, "note": "flu"},
        {"agent_id": "a1", "kind": "time_off", "date": day, "note": "dentist"},
    ]
    added = client.post(f"/v1/teams/{TEAM_ID}/availability/entries", json={"entries": entries}, headers=admin)
    assert added.status_code == 200, added.text
    _roster_job(client, admin, {"base_version": 1})
    rerostered = _uids(_calendar(client, admin, 2))
    shift_uid = f"{TEAM_ID}-a1-{day}@wfm-optimizer"
    assert published[shift_uid] == "Shift: email"
    assert rerostered[shift_uid] == "Cancelled shift"
    assert (
        rerostered[f"{TEAM_ID}-a1-sick-{day}-0@wfm-optimizer"] == "Sick"
    )  # not HR's note: it may be medical
    assert rerostered[f"{TEAM_ID}-a1-off-{day}-0@wfm-optimizer"] == "Time off: dentist"
    zipped = client.get(f"/v1/teams/{TEAM_ID}/rosters/2/calendars.zip", headers=admin)
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert _uids(archive.read("a1.ics")) == rerostered

"""HR imports: the whole file is checked first; all of it is stored or none; re-importing is harmless."""

from __future__ import annotations

import io

import pandas as pd
from fastapi.testclient import TestClient

from tests.api.service.conftest import Tokens, availability_csv, stored_availability

GOOD = [
    {"agent_id": "a1", "date": "2026-11-03", "kind": "time_off", "note": "dentist"},
    {"agent_id": "a1", "weekday": "fri", "start": "17:00", "end": "24:00", "kind": "unavailable"},
    {"agent_id": "a2", "weekday": "mon", "start": "09:00", "end": "13:00", "kind": "preferred"},
]


def _import(
    client: TestClient,
    team_id: str,
    headers: dict[str, str],
    name: str,
    content: bytes | str,
    query: str = "",
) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post(
        f"/v1/teams/{team_id}/availability/imports{query}", files={"file": (name, content)}, headers=headers
    )
    return response.status_code, response.json()


def test_a_good_csv_is_stored_and_reimporting_it_changes_nothing(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    status, report = _import(client, team_id, lead, "availability.csv", availability_csv(GOOD))
    assert status == 200
    assert (report["rows"], report["added"], report["unchanged"]) == (3, 3, 0)
    assert len(stored_availability(client, team_id, lead)) == 3
    status, again = _import(client, team_id, lead, "availability.csv", availability_csv(GOOD))
    assert status == 200
    assert (again["added"], again["unchanged"], again["removed"]) == (0, 3, 0)
    assert len(stored_availability(client, team_id, lead)) == 3


def test_an_xlsx_file_is_read_too(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    frame = pd.read_csv(io.StringIO(availability_csv(GOOD)), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    status, report = _import(client, team_id, lead, "hr.xlsx", buffer.getvalue())
    assert status == 200, report
    assert report["added"] == 3
    assert {r["kind"] for r in stored_availability(client, team_id, lead)} == {
        "time_off",
        "unavailable",
        "preferred",
    }


def test_a_bad_file_stores_nothing_and_reports_every_bad_row(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    rows = [
        *GOOD,
        {"agent_id": "ghost", "weekday": "tue", "kind": "unavailable"},
        {"agent_id": "a2", "date": "2026-13-01", "kind": "time_off"},
        {"agent_id": "a2", "weekday": "wed", "start": "18:00", "end": "09:00", "kind": "avoid"},
    ]
    status, body = _import(client, team_id, lead, "hr.csv", availability_csv(rows))
    assert status == 422
    found = {(i["row"], i["column"]) for i in body["issues"]}
    assert found == {(5, "agent_id"), (6, "date"), (7, "end")}
    ghost = next(i for i in body["issues"] if i["row"] == 5)
    assert ghost == {
        "file": "hr.csv",
        "row": 5,
        "column": "agent_id",
        "value": "ghost",
        "reason": "no agent of the team has this id or name",
    }
    assert stored_availability(client, team_id, lead) == []


def test_a_dry_run_reports_but_stores_nothing(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    status, report = _import(client, team_id, lead, "hr.csv", availability_csv(GOOD), "?dry_run=true")
    assert status == 200
    assert report["dry_run"] is True
    assert report["added"] == 3
    assert report["import_id"] is None
    assert stored_availability(client, team_id, lead) == []
    bad = availability_csv([{"agent_id": "a1", "weekday": "someday", "kind": "time_off"}])
    status, body = _import(client, team_id, lead, "hr.csv", bad, "?dry_run=true")
    assert status == 422
    assert body["issues"][0]["column"] == "weekday"


def test_replace_mode_makes_the_file_the_whole_availability(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    _import(client, team_id, lead, "hr.csv", availability_csv(GOOD))
    status, report = _import(client, team_id, lead, "hr.csv", availability_csv(GOOD[:1]), "?mode=replace")
    assert status == 200
    assert (report["added"], report["unchanged"], report["removed"]) == (0, 1, 2)
    assert len(stored_availability(client, team_id, lead)) == 1


def test_unreadable_and_wrong_type_files_are_422(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    status, body = _import(client, team_id, lead, "hr.txt", "agent_id\n")
    assert status == 422
    assert "unknown file type" in body["detail"]
    status, body = _import(client, team_id, lead, "hr.xlsx", b"not a workbook")
    assert status == 422
    assert body["issues"][0]["file"] == "hr.xlsx"
    status, body = _import(client, team_id, lead, "hr.csv", "agent_id,kind\na1,time_off\n")
    assert status == 422
    assert body["issues"][0]["row"] == 1


def test_removing_an_agent_removes_their_availability(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    _import(client, team_id, lead, "hr.csv", availability_csv(GOOD))
    client.delete(f"/v1/teams/{team_id}/agents/a2", headers=lead)
    assert {r["agent_id"] for r in stored_availability(client, team_id, lead)} == {"a1"}


def test_a_sick_call_typed_in_is_stored_per_day_once_and_checked_like_a_file(
    client: TestClient, lead: dict[str, str], team_id: str, tokens: Tokens
) -> None:
    url = f"/v1/teams/{team_id}/availability/entries"
    body = {
        "entries": [
            {"agent_id": "a1", "kind": "absence", "date": "2026-11-04", "to": "2026-11-05", "note": "flu"}
        ]
    }
    first = client.post(url, json=body, headers=lead)
    assert first.status_code == 200, first.text
    assert (first.json()["added"], first.json()["file"]) == (2, "typed in")
    again = client.post(url, json=body, headers=lead)
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 2)
    stored = [r for r in stored_availability(client, team_id, lead) if r["kind"] == "absence"]
    assert sorted(r["date"] for r in stored) == ["2026-11-04", "2026-11-05"]
    bad = {
        "entries": [
            {"agent_id": "zz", "kind": "absence", "date": "2026-11-04"},
            {"agent_id": "a1", "kind": "absence", "date": "2026-11-04", "to": "2026-11-01"},
            {"agent_id": "a1", "kind": "unavailable", "date": "2026-11-04", "start": "12:00", "end": "09:00"},
        ]
    }
    before = len(stored_availability(client, team_id, lead))
    refused = client.post(url, json=bad, headers=lead)
    assert refused.status_code == 422
    columns = [i["column"] for i in refused.json()["issues"]]
    assert columns == ["entries.0.agent_id", "entries.1.to", "entries.2.end"]
    assert len(stored_availability(client, team_id, lead)) == before  # nothing stored
    planner = tokens.make("planner", team_id)
    assert client.post(url, json=body, headers=planner).status_code == 403

"""Stored availability rows can be taken back (`POST …/availability/removals`): a sick call marked by
mistake, time off withdrawn. Rows are named as they are typed in, HR's note only where it tells two
rows apart; all or none; a dry run changes nothing; a role that may not import may not remove. An
end of 24:00, as the rows are listed, is taken."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.imports import typed_entries, typed_removals
from api.service.schemas import AvailabilityEntries
from api.service.storage import MAX_ROWS_LOGGED
from common.errors import InvalidInput
from scheduler.sample import sample_team
from tests.api.service.conftest import Tokens, availability_csv, stored_availability

SICK = {"agent_id": "a1", "kind": "absence", "date": "2026-11-04"}
AWAY = {"agent_id": "a1", "kind": "unavailable", "date": "2026-11-05", "start": "13:00", "end": "17:00"}


def _post(
    client: TestClient,
    team_id: str,
    headers: dict[str, str],
    route: str,
    rows: list[dict[str, str]],
    query: str = "",
) -> Any:
    return client.post(
        f"/v1/teams/{team_id}/availability/{route}{query}", json={"entries": rows}, headers=headers
    )


def _stored(client: TestClient, team_id: str, headers: dict[str, str]) -> list[tuple[str, str, str]]:
    return sorted((r["kind"], r["date"], r["note"]) for r in stored_availability(client, team_id, headers))


def test_a_sick_call_marked_by_mistake_is_removed_without_its_note(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    files = {"file": ("hr.csv", availability_csv([{**SICK, "note": "flu"}, AWAY]), "text/csv")}
    assert (
        client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead).status_code == 200
    )
    checked = _post(client, team_id, lead, "removals", [SICK], "?dry_run=true")
    assert checked.status_code == 200, checked.text
    assert (checked.json()["mode"], checked.json()["removed"], checked.json()["dry_run"]) == (
        "remove",
        1,
        True,
    )
    assert len(_stored(client, team_id, lead)) == 2
    removed = _post(client, team_id, lead, "removals", [SICK])
    assert removed.status_code == 200, removed.text
    assert (removed.json()["removed"], removed.json()["import_id"] is not None) == (1, True)
    assert _stored(client, team_id, lead) == [("unavailable", "2026-11-05", "")]


def test_a_row_that_is_not_stored_is_named_and_nothing_is_removed(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    assert _post(client, team_id, lead, "entries", [SICK, AWAY]).status_code == 200
    other_hours = {**AWAY, "end": "18:00"}
    refused = _post(client, team_id, lead, "removals", [SICK, other_hours])
    assert refused.status_code == 422, refused.text
    (issue,) = refused.json()["issues"]
    assert issue["reason"] == "no such row is stored: unavailable of a1 on 2026-11-05, 13:00–18:00"
    assert issue["column"] == "entries.1"  # its place in the request
    assert len(_stored(client, team_id, lead)) == 2
    ranged = _post(client, team_id, lead, "removals", [{**SICK, "to": "2026-11-05"}])  # the 5th is not sick
    assert ranged.status_code == 422
    assert "absence of a1 on 2026-11-05, the whole day" in ranged.text
    assert len(_stored(client, team_id, lead)) == 2


def test_a_role_that_may_not_import_may_not_remove(client: TestClient, tokens: Tokens, team_id: str) -> None:
    planner = tokens.make("planner", team_id)
    refused = _post(client, team_id, planner, "removals", [SICK])
    assert refused.status_code == 403, refused.text


def test_a_note_given_removes_only_that_row_and_a_listed_end_of_24_00_is_taken(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    hr = {**SICK, "start": "13:00", "note": "flu (HR)"}
    page = {**SICK, "start": "13:00", "end": "24:00", "note": "went home ill (page)"}
    assert _post(client, team_id, lead, "entries", [hr, page]).status_code == 200
    assert len(_stored(client, team_id, lead)) == 2
    removed = _post(client, team_id, lead, "removals", [page])
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed"] == 1
    assert _stored(client, team_id, lead) == [("absence", "2026-11-04", "flu (HR)")]
    gone = _post(client, team_id, lead, "removals", [page])
    assert gone.status_code == 422
    (issue,) = gone.json()["issues"]
    assert issue["reason"].endswith('absence of a1 on 2026-11-04, 13:00–24:00 ("went home ill (page)")')


def test_a_removal_of_many_rows_not_stored_names_the_first_and_counts_the_rest(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    year = [{**SICK, "date": "2026-01-01", "to": "2026-12-31"}]
    refused = _post(client, team_id, lead, "removals", year, "?dry_run=true")
    assert refused.status_code == 422
    issues = refused.json()["issues"]
    assert len(issues) == 21
    assert issues[-1]["reason"] == "and 345 more rows not stored"
    assert {i["column"] for i in issues[:-1]} == {"entries.0"}


def test_more_days_than_a_team_keeps_are_refused_at_the_entry_that_passes_the_cap(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    years = [{**SICK, "date": "2026-01-01", "to": "2026-12-31"}] * 140  # 365 days each
    for route in ("entries", "removals"):
        refused = _post(client, team_id, lead, route, years, "?dry_run=true")
        assert refused.status_code == 422
        (issue,) = refused.json()["issues"]
        assert issue["column"] == "entries.136.to"
        assert "more than 50,000 days up to this one" in issue["reason"]


def test_a_row_of_a_time_the_clocks_jump_past_is_refused_to_store_but_may_be_named_to_remove() -> None:
    """Rows stored before such times were refused can still be taken back, named as they are listed."""
    team = sample_team()
    first, *others = team.agents
    team = replace(team, agents=(replace(first, tz="Europe/Berlin"), *others))
    body = AvailabilityEntries.model_validate(
        {"entries": [{"agent_id": first.id, "kind": "unavailable", "date": "2027-03-28", "start": "02:30"}]}
    )
    with pytest.raises(InvalidInput, match="02:30 does not exist on 2027-03-28 in Europe/Berlin"):
        typed_entries(body, team)
    ((place, row),) = typed_removals(body, team)
    assert (place, row.start_minute, row.end_minute) == ("entries.0", 150, 1440)


def test_a_weekday_row_is_typed_in_and_taken_back_named_as_it_is_listed(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """HR's "every Tuesday afternoon" is taken back without importing the whole file again."""
    tuesdays = {"agent_id": "a1", "kind": "unavailable", "weekday": "Tuesday", "start": "13:00"}
    assert _post(client, team_id, lead, "entries", [tuesdays, SICK]).status_code == 200
    (listed,) = [r for r in stored_availability(client, team_id, lead) if r["weekday"]]
    assert (listed["weekday"], listed["date"], listed["start"], listed["end"]) == (
        "tue",
        "",
        "13:00",
        "24:00",
    )
    wrong_day = _post(client, team_id, lead, "removals", [{**tuesdays, "weekday": "wed"}])
    assert wrong_day.status_code == 422
    assert wrong_day.json()["issues"][0]["reason"] == (
        "no such row is stored: unavailable of a1 on every Wednesday, 13:00–24:00"
    )
    as_listed = {k: listed[k] for k in ("agent_id", "kind", "weekday", "start", "end")}
    removed = _post(client, team_id, lead, "removals", [as_listed])
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed"] == 1
    assert [r["kind"] for r in stored_availability(client, team_id, lead)] == ["absence"]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"agent_id": "a1", "kind": "unavailable"}, "give a date (and `to` for a run of days) or a weekday"),
        ({**SICK, "weekday": "tue"}, "give a date (and `to` for a run of days) or a weekday"),
        (
            {"agent_id": "a1", "kind": "unavailable", "weekday": "tue", "to": "2026-11-10"},
            "`to` ends a run of dates",
        ),
        ({"agent_id": "a1", "kind": "unavailable", "weekday": "someday"}, "weekday"),
    ],
    ids=["neither", "both", "weekday-with-to", "not-a-weekday"],
)
def test_an_entry_gives_a_date_or_a_weekday(
    client: TestClient, lead: dict[str, str], team_id: str, entry: dict[str, str], reason: str
) -> None:
    for route in ("entries", "removals"):
        refused = _post(client, team_id, lead, route, [entry])
        assert refused.status_code == 422, refused.text
        assert reason in refused.text
    assert stored_availability(client, team_id, lead) == []


def test_every_change_is_on_record_with_who_made_it_and_the_rows_it_removed(
    client: TestClient, lead: dict[str, str], tokens: Tokens, team_id: str
) -> None:
    """A sick call taken back is gone from the availability, not from the record: the changes list it
    with the token that took it back, newest first, for HR and leads alike."""
    files = {"file": ("hr.csv", availability_csv([AWAY]), "text/csv")}
    assert (
        client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead).status_code == 200
    )
    sick = {**SICK, "note": "flu (entered on the page)"}
    assert _post(client, team_id, lead, "entries", [sick]).status_code == 200
    assert _post(client, team_id, lead, "removals", [sick]).status_code == 200
    assert (
        _post(client, team_id, lead, "removals", [AWAY], "?dry_run=true").status_code == 200
    )  # not a change
    hr = tokens.make("hr", team_id)
    answer = client.get(f"/v1/teams/{team_id}/availability/changes", headers=hr)
    assert answer.status_code == 200, answer.text
    changes = answer.json()
    assert [(c["file"], c["mode"], c["added"], c["removed"]) for c in changes] == [
        ("typed in", "remove", 0, 1),
        ("typed in", "merge", 1, 0),
        ("hr.csv", "merge", 1, 0),
    ]
    assert changes[0]["by"]["role"] == "lead"
    assert changes[1]["added_rows"] == changes[0]["removed_rows"]  # the sick call marked, then taken back
    assert changes[0]["removed_rows"] == [
        {
            "agent_id": "a1",
            "date": "2026-11-04",
            "weekday": "",
            "start": "00:00",
            "end": "24:00",
            "kind": "absence",
            "note": "flu (entered on the page)",
        }
    ]
    replaced = client.post(
        f"/v1/teams/{team_id}/availability/imports?mode=replace",
        files={"file": ("new.csv", availability_csv([{**AWAY, "date": "2026-11-06"}]), "text/csv")},
        headers=lead,
    )
    assert replaced.status_code == 200, replaced.text
    (last,) = client.get(f"/v1/teams/{team_id}/availability/changes?limit=1", headers=hr).json()
    assert (last["file"], last["mode"], last["added"], last["removed"]) == ("new.csv", "replace", 1, 1)
    assert [(r["date"], r["start"], r["end"]) for r in last["removed_rows"]] == [
        ("2026-11-05", "13:00", "17:00")
    ]
    other = tokens.make("lead", "other-team")
    assert client.get(f"/v1/teams/{team_id}/availability/changes", headers=other).status_code == 404


def test_a_change_that_removes_many_rows_keeps_the_first_of_them_and_counts_all(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    year = [{**SICK, "date": "2026-01-01", "to": "2026-09-07"}]  # 250 days
    assert _post(client, team_id, lead, "entries", year).status_code == 200
    files = {"file": ("new.csv", availability_csv([AWAY]), "text/csv")}
    replaced = client.post(
        f"/v1/teams/{team_id}/availability/imports?mode=replace", files=files, headers=lead
    )
    assert replaced.json()["removed"] == 250
    (last,) = client.get(f"/v1/teams/{team_id}/availability/changes?limit=1", headers=lead).json()
    assert (last["removed"], len(last["removed_rows"])) == (250, MAX_ROWS_LOGGED)
    assert last["removed_rows"][0]["date"] == "2026-01-01"
    refused = client.get(f"/v1/teams/{team_id}/availability/changes?limit=101", headers=lead)
    assert refused.status_code == 422

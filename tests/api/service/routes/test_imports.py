"""Uploads of the files a team already has: a helpdesk export as history, HR workbooks by sheet, and
XLSX bombs refused before any work."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from openpyxl import Workbook

ZENDESK = (
    "Id,Subject,Created at,Via,Requester time zone\n"
    '1,"Refund, please",2026-10-05T09:07:13Z,Web form,Eastern Time (US & Canada)\n'
    "2,Login,2026-10-05T09:12:00Z,Email,London\n"
    "2,Login,2026-10-05T09:12:00Z,Email,London\n"
    "3,Spam,2026-10-05T09:20:00Z,Voice,\n"
)


def _post(
    client: TestClient, url: str, headers: dict[str, str], name: str, content: bytes | str
) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post(url, files={"file": (name, content)}, headers=headers)
    return response.status_code, response.json()


def _histories(client: TestClient, team_id: str, headers: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    rows: list[dict] = client.get(f"/v1/teams/{team_id}/history", headers=headers).json()  # type: ignore[type-arg]
    return rows


def test_a_helpdesk_export_becomes_a_stored_history(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    query = "?preset=zendesk&map_queue=web%20form%3Demail&map_queue=email%3Demail"
    status, body = _post(client, f"/v1/teams/{team_id}/history/tickets{query}", lead, "zendesk.csv", ZENDESK)
    assert status == 201, body
    report = body["meta"]["report"]
    assert (report["rows_read"], report["kept"]) == (4, 2)
    assert sum(report["dropped"].values()) == 2
    rows = client.get(f"/v1/teams/{team_id}/history/{body['id']}", headers=lead).json()["rows"]
    assert sum(r["y"] for r in rows) == 2
    assert {r["region"] for r in rows} == {"America/New_York", "Europe/London"}


def test_a_channel_mapped_to_a_queue_the_team_lacks_is_refused(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    query = "?preset=zendesk&map_queue=email%3D%3Dcmd"
    status, body = _post(client, f"/v1/teams/{team_id}/history/tickets{query}", lead, "zendesk.csv", ZENDESK)
    assert status == 422
    assert "is not a queue of team" in body["detail"]
    assert _histories(client, team_id, lead) == []


def test_tickets_of_a_queue_the_team_lacks_are_dropped_and_counted(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """Without map_queue a channel is its queue's name, in any case: one the team does not have is not
    stored."""
    text = (
        "id,created,channel\n1,2026-10-05T09:00:00Z,email\n2,2026-10-05T09:05:00Z,=HYPERLINK(x)\n"
        "3,2026-10-05T09:06:00Z,Email\n"
    )
    query = "?created=created&queue=channel&ticket_id=id"
    status, body = _post(client, f"/v1/teams/{team_id}/history/tickets{query}", lead, "t.csv", text)
    assert status == 201, body
    report = body["meta"]["report"]
    assert report["kept"] == 2
    assert any("is not one of the team's queues" in reason for reason in report["dropped"])
    rows = client.get(f"/v1/teams/{team_id}/history/{body['id']}", headers=lead).json()["rows"]
    assert {r["queue"] for r in rows} == {"email"}


def test_the_report_names_each_unmapped_channel_and_counts_blank_rows(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """What a page needs to offer a mapping: each channel dropped for want of a queue, with its tickets;
    the reasons name the API's option (map_queue), not the command line's (--map-queue)."""
    export = ZENDESK.replace("3,Spam", "\n4,Call,2026-10-05T09:30:00Z,Phone call (inbound),\n3,Spam")
    url = f"/v1/teams/{team_id}/history/tickets?preset=zendesk"
    status, body = _post(client, url, lead, "zendesk.csv", export)
    assert status == 201, body
    report = body["meta"]["report"]
    assert report["blank_rows"] == 1
    assert report["unmapped_channels"] == {"Web form": 1, "Phone call (inbound)": 1, "Voice": 1}
    assert report["kept"] == 1  # the second Email is a duplicate id
    # a mapping of some channels: the others are not mapped, said in the API's words
    status, body = _post(client, url + "&map_queue=web%20form%3Demail", lead, "zendesk.csv", export)
    assert status == 201, body
    report = body["meta"]["report"]
    assert report["unmapped_channels"] == {"Email": 2, "Phone call (inbound)": 1, "Voice": 1}
    assert "channel 'Email' is not mapped to a queue (map_queue)" in report["dropped"]
    assert not any("--" in reason for reason in report["dropped"])


def test_a_bad_export_stores_nothing(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    text = "Id,Created at,Via\n1,2026-10-05 09:00:00,Email\n"
    status, body = _post(client, f"/v1/teams/{team_id}/history/tickets?preset=zendesk", lead, "z.csv", text)
    assert status == 422
    # the API's own spelling of the option, not the command line's (--assume-tz)
    assert "assume_tz=ZONE" in body["issues"][0]["reason"]
    assert "--" not in body["issues"][0]["reason"]
    assert body["issues"][0]["file"] == "z.csv"
    assert _histories(client, team_id, lead) == []


def _bomb(unpacked_mib: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(unpacked_mib):
                part.write(b"0" * (1024 * 1024))
    return buffer.getvalue()


def test_an_xlsx_bomb_gets_a_clear_4xx_and_no_work(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    bomb = _bomb(300)
    assert len(bomb) < 1024 * 1024
    for url in (
        f"/v1/teams/{team_id}/availability/imports?dry_run=true",
        f"/v1/teams/{team_id}/history/tickets?preset=zendesk",
    ):
        status, body = _post(client, url, lead, "hr.xlsx", bomb)
        assert status == 422
        assert "unpacks to 300.0 MB" in body["issues"][0]["reason"]
        assert body["issues"][0]["file"] == "hr.xlsx"


def test_hr_workbook_sheet_is_chosen_in_the_api_and_named_in_errors(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    book = Workbook()
    book.active.title = "Read me"
    sheet = book.create_sheet("Time off")
    sheet.append(["Agent", "Date", "Kind"])
    sheet.append(["a1", "2026-11-03..2026-11-04", "Vacation"])
    sheet.append(["ghost", "2026-11-03", "Vacation"])
    buffer = io.BytesIO()
    book.save(buffer)
    url = f"/v1/teams/{team_id}/availability/imports"
    status, body = _post(client, url, lead, "hr.xlsx", buffer.getvalue())
    assert status == 422
    assert "name the one to read" in body["issues"][0]["reason"]
    assert body["issues"][0]["sheets"] == ["Read me", "Time off"]  # for a page to offer them
    status, body = _post(client, url + "?sheet=Timeoff", lead, "hr.xlsx", buffer.getvalue())
    assert status == 422
    assert "no sheet 'Timeoff'" in body["issues"][0]["reason"]
    assert body["issues"][0]["sheets"] == ["Read me", "Time off"]
    status, body = _post(client, url + "?sheet=Time%20off", lead, "hr.xlsx", buffer.getvalue())
    assert status == 422
    assert body["issues"][0]["file"] == "hr.xlsx, sheet 'Time off'"
    assert body["issues"][0]["row"] == 3

"""`wfm import tickets`: each helpdesk's export in its documented columns, and every kind of bad export."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.formats import read_history
from api.importers.tickets import TicketOptions, import_tickets
from common.errors import InvalidInput


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# Each export as the vendor's documents name its columns (see api/importers/presets.py), with a
# column the importer must ignore, a subject with a comma and a line break, and one duplicate ticket.
EXPORTS: dict[str, tuple[list[str], list[list[str]], dict[str, str]]] = {
    "zendesk": (
        ["Id", "Requester", "Subject", "Created at", "Via", "Requester time zone"],
        [
            [
                "11",
                "Ann",
                "Refund, please\nnow",
                "2026-03-02T09:07:13Z",
                "Web form",
                "Eastern Time (US & Canada)",
            ],
            ["12", "Bob", "Login", "2026-03-02T09:12:00Z", "Email", "London"],
            ["12", "Bob", "Login", "2026-03-02T09:12:00Z", "Email", "London"],
            ["13", "Cy", "Chat", "2026-03-02T09:20:00-05:00", "Chat", ""],
        ],
        {"web form": "email", "email": "email", "chat": "chat"},
    ),
    "freshdesk": (
        ["Ticket ID", "Subject", "Source", "Created time", "Time zone"],
        [
            ["501", "Refund, please\nnow", "1", "2026-03-02 02:07:13", "Eastern Time (US & Canada)"],
            ["502", "Login", "1", "2026-03-02 02:12:00", "London"],
            ["502", "Login", "1", "2026-03-02 02:12:00", "London"],
            ["503", "Chat", "7", "2026-03-02 07:20:00", ""],
        ],
        {"email": "email", "chat": "chat"},
    ),
    "intercom": (
        ["Conversation ID", "Conversation started at", "Channel", "Location country", "Subject"],
        [
            ["9001", "2026-03-02 09:07:13", "Email", "United States", "Refund, please\nnow"],
            ["9002", "2026-03-02 09:12:00", "Email", "United Kingdom", "Login"],
            ["9002", "2026-03-02 09:12:00", "Email", "United Kingdom", "Login"],
            ["9003", "2026-03-02 14:20:00", "Messenger", "", "Chat"],
        ],
        {"email": "email", "messenger": "chat"},
    ),
    "salesforce": (
        ["Case Number", "Subject", "Date/Time Opened", "Case Origin", "Billing Country"],
        [
            ["00001001", "Refund, please\nnow", "2026-03-02T09:07:13.000Z", "Email", "United States"],
            ["00001002", "Login", "2026-03-02T09:12:00.000Z", "Web", "GB"],
            ["00001002", "Login", "2026-03-02T09:12:00.000Z", "Web", "GB"],
            ["00001003", "Chat", "2026-03-02T14:20:00.000Z", "Chat", ""],
        ],
        {"email": "email", "web": "email", "chat": "chat"},
    ),
    "hubspot": (
        ["Ticket ID", "Ticket name", "Create date", "Source", "Time zone"],
        [
            ["71", "Refund, please\nnow", "2026-03-02 09:07:13Z", "EMAIL", "america_slash_new_york"],
            ["72", "Login", "2026-03-02 09:12:00Z", "FORM", "europe_slash_london"],
            ["72", "Login", "2026-03-02 09:12:00Z", "FORM", "europe_slash_london"],
            ["73", "Chat", "2026-03-02 14:20:00Z", "CHAT", ""],
        ],
        {"email": "email", "form": "email", "chat": "chat"},
    ),
}


@pytest.mark.parametrize("preset", sorted(EXPORTS))
def test_each_preset_reads_its_helpdesks_export(tmp_path: Path, preset: str) -> None:
    header, rows, queues = EXPORTS[preset]
    path = write_csv(tmp_path / f"{preset}.csv", header, rows)
    options = TicketOptions(
        team_tz="America/Phoenix",
        preset=preset,
        map_queue=queues,
        assume_tz="America/Phoenix" if preset == "freshdesk" else None,
    )
    frame, report = import_tickets(path, options)
    assert report.rows_read == 4
    assert report.kept == 3
    assert int(frame["y"].sum()) == report.kept  # counts conserved
    assert sum(c for c, _ in report.dropped.values()) == 1
    assert list(frame.columns) == ["ds", "queue", "region", "y", "aht_s"]
    email = frame[frame["queue"] == "email"]
    assert email["ds"].tolist() == [pd.Timestamp("2026-03-02T09:00Z")] * 2
    assert set(email["region"]) == {"America/New_York", "Europe/London"}
    chat = frame[frame["queue"] == "chat"]
    assert chat["ds"].tolist() == [pd.Timestamp("2026-03-02T14:15Z")]
    assert chat["region"].tolist() == ["America/Phoenix"]  # no zone, no country: the team's


def test_the_history_written_is_read_back_strictly(tmp_path: Path) -> None:
    header, rows, _ = EXPORTS["zendesk"]
    export = write_csv(tmp_path / "zendesk.csv", header, rows)
    out = tmp_path / "history.csv"
    result = CliRunner().invoke(
        app,
        [
            "import",
            "tickets",
            str(export),
            "--preset",
            "zendesk",
            "--out",
            str(out),
            "--tz",
            "America/Phoenix",
            "--map-queue",
            "web form=email",
            "--map-queue",
            "email=email",
            "--map-queue",
            "*=chat",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4 rows read, 3 tickets kept, 1 dropped" in result.output
    history = read_history(out, default_region="America/Phoenix")  # on the grid, no duplicates
    assert history["y"].sum() == 3


def test_flags_alone_read_any_export_with_handle_time_and_an_xlsx_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Calls"
    book.active.append(["Call", "Started", "Line", "Talk (min)"])
    book.active.append(["c1", "2026-03-02T09:01:00Z", "Support", 4])
    book.active.append(["c2", "2026-03-02T09:05:00Z", "Support", 6])
    book.active.append(["c3", "2026-03-02T09:06:00Z", "Support", None])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    options = TicketOptions(
        team_tz="UTC",
        created="started",
        queue="Line",
        ticket_id="Call",
        handle_minutes="Talk (min)",
        map_queue={"support": "voice"},
        sheet="Calls",
    )
    frame, report = import_tickets(path, options)
    assert frame["y"].tolist() == [3]
    assert frame["aht_s"].tolist() == [300.0]  # (4 + 6) / 2 minutes, of the calls with a handle time
    assert report.columns["handle time"] == "Talk (min)"


def _fails(path: Path, **options: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        import_tickets(path, TicketOptions(team_tz="UTC", **options))  # type: ignore[arg-type]
    return caught.value


def test_missing_columns_are_named_with_the_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "When"], [["1", "2026-03-02T09:00:00Z"]])
    error = _fails(path, preset="zendesk")
    reasons = " ".join(i.reason for i in error.issues)
    assert "no created-time column" in reasons
    assert "'Id', 'When'" in reasons
    error = _fails(path, created="Created", queue="When")
    assert "column 'Created' (--created) is not in the header" in str(error)


def test_naive_and_zoned_times_mixed_give_one_error_not_one_per_row(tmp_path: Path) -> None:
    rows = [[str(i), "2026-03-02 09:00:00" if i % 2 else "2026-03-02T09:00:00Z", "Email"] for i in range(50)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    error = _fails(path, preset="zendesk")
    (issue,) = error.issues
    assert "25 times have no UTC offset (first: row 3)" in issue.reason
    assert "mixes two kinds of time" in issue.reason
    assert "--assume-tz" in issue.reason
    frame, _ = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", assume_tz="Europe/London"))
    assert frame["y"].sum() == 50


def test_duplicate_ticket_ids_are_dropped_across_blocks_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.importers.tickets as tickets

    monkeypatch.setattr(tickets, "CSV_BLOCK_ROWS", 3)
    rows = [[str(i % 4), "2026-03-02T09:00:00Z", "Email"] for i in range(10)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    frame, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk"))
    assert report.kept == 4
    assert frame["y"].sum() == 4
    ((reason, (count, first)),) = report.dropped.items()
    assert "duplicate ticket id" in reason
    assert (count, first) == (6, 6)


def test_unknown_zone_names_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    rows = [
        ["1", "2026-03-02T09:00:00Z", "Email", "Europe/Londn"],
        ["2", "2026-03-02T09:00:00Z", "Email", "Mars"],
    ]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via", "Requester time zone"], rows)
    error = _fails(path, preset="zendesk")
    assert [(i.row, i.value) for i in error.issues] == [(2, "Europe/Londn"), (3, "Mars")]
    assert "did you mean 'Europe/London'" in error.issues[0].reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "the export is empty"), ("Id,Created at,Via\n", "the export has no rows")],
)
def test_empty_exports_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
    assert reason in str(_fails(path, preset="zendesk"))


def test_unparseable_times_name_their_rows_and_suggest_a_format(tmp_path: Path) -> None:
    rows = [["1", "3/2/2026 9:05 AM", "Email"], ["2", "3/2/2026 9:20 AM", "Email"]]
    path = write_csv(tmp_path / "e.csv", ["Case Number", "Date/Time Opened", "Case Origin"], rows)
    error = _fails(path, preset="salesforce")
    assert [i.row for i in error.issues] == [2, 3]
    assert "--time-format" in error.issues[0].reason
    frame, _ = import_tickets(
        path,
        TicketOptions(
            team_tz="UTC", preset="salesforce", time_format="%m/%d/%Y %I:%M %p", assume_tz="America/Chicago"
        ),
    )
    assert frame["ds"].tolist() == [pd.Timestamp("2026-03-02T15:00Z"), pd.Timestamp("2026-03-02T15:15Z")]


def test_a_country_with_several_zones_warns(tmp_path: Path) -> None:
    header, rows, queues = EXPORTS["salesforce"]
    path = write_csv(tmp_path / "sf.csv", header, rows)
    _, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="salesforce", map_queue=queues))
    assert any("United States (America/New_York)" in w and "several time zones" in w for w in report.warnings)


def test_an_unknown_preset_lists_the_known_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["a"], [["b"]])
    assert "zendesk, freshdesk, intercom, salesforce, hubspot" in str(_fails(path, preset="kayako"))


def test_headers_with_stray_spaces_and_a_bom_are_matched(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes("\ufeffId , Created at ,Via\n1,2026-03-02T09:00:00Z,Email\n".encode())
    frame, _ = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk"))
    assert frame["y"].tolist() == [1]

"""`wfm import tickets`: each helpdesk's export in its documented columns, and every kind of bad export."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.formats import read_history
from api.importers.tickets import TicketOptions, TicketReport, import_tickets
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


@pytest.mark.parametrize(("spelling", "option"), [("cli", "--assume-tz"), ("api", "assume_tz")])
def test_a_misspelt_assume_tz_names_the_option_as_the_caller_spells_it(
    tmp_path: Path, spelling: Literal["cli", "api"], option: str
) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "2026-03-02 09:00", "Email"]])
    options = TicketOptions(team_tz="UTC", preset="zendesk", assume_tz="America/NewYork", spelling=spelling)
    with pytest.raises(InvalidInput) as caught:
        import_tickets(path, options)
    assert (
        str(caught.value)
        == f"{option} 'America/NewYork' is not a time zone; did you mean 'America/New_York'?"
    )


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
    # both readings fit when no day is past the 12th: both are offered, the day-first one first
    assert (
        "'%d/%m/%Y %I:%M %p' if the day comes first, '%m/%d/%Y %I:%M %p' if the month does"
        in error.issues[0].reason
    )


def test_day_first_times_are_told_their_format_and_a_whole_column_of_them_is_one_line(tmp_path: Path) -> None:
    """A Sydney lead's export: 3,000 times like 20/07/2026 00:09. One line, with the format that reads
    them (not the US one: no month is 20)."""
    rows = [[str(k), f"{20 + k % 9:02d}/07/2026 {k % 24:02d}:09", "Voice"] for k in range(1, 3001)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    error = _fails(path, preset="zendesk")
    assert "which reads them: '%d/%m/%Y %H:%M'" in error.issues[0].reason
    lines = str(error).splitlines()
    assert "rows 2–201 (200 rows), column 'Created at': not an ISO-8601 time" in lines[0]
    assert lines[-1].endswith("the first 200 problems are listed; the rows after row 3001 were not read")


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


# --- times far off, offsets in every ISO-8601 form, time formats, DST --------------------------


@pytest.mark.parametrize(
    ("created", "extra"),
    [
        ("9999-12-31T23:59:59Z", {}),
        ("1677-01-01T00:00:00Z", {}),
        ("2300-01-01T00:00:00+05", {}),
        ("9999999999999", {}),  # Unix milliseconds in 2286
        ("9999-12-31 23:59:59", {"assume_tz": "America/New_York"}),
        ("9999-12-31 23:59:59", {}),  # no zone named: still the range error, not the offset one
        ("31/12/2300 10:00", {"time_format": "%d/%m/%Y %H:%M", "assume_tz": "UTC"}),
        ("31/12/2300 10:00 +0100", {"time_format": "%d/%m/%Y %H:%M %z"}),
        ("01/01/1600 10:00 +0100", {"time_format": "%d/%m/%Y %H:%M %z"}),
    ],
)
def test_times_outside_the_years_a_history_holds_are_errors(
    tmp_path: Path, created: str, extra: dict[str, str]
) -> None:
    good = "02/03/2026 09:00" + (" +0100" if "%z" in extra.get("time_format", "") else "")
    rows = [
        ["1", good if "time_format" in extra else "2026-03-02T09:00:00Z", "Email"],
        ["2", created, "Email"],
    ]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    error = _fails(path, preset="zendesk", **extra)
    (issue,) = error.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (str(path), 3, "Created at", created)
    assert "outside the years 1678-2261" in issue.reason


def test_a_far_time_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "9999-12-31T23:59:59Z", "Email"]]
    )
    out = tmp_path / "history.csv"
    args = ["import", "tickets", str(path), "--preset", "zendesk", "--tz", "UTC", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--map-queue", "*=email"])
    assert result.exit_code != 0
    assert "row 2" in result.output
    assert "9999-12-31T23:59:59Z" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("created", "utc"),
    [
        ("2026-03-02T09:15:00+05", "2026-03-02T04:15Z"),
        ("2026-03-02T09:15:00-03", "2026-03-02T12:15Z"),
        ("2026-03-02T09:15:00+0530", "2026-03-02T03:45Z"),
        ("2026-03-02T09:15:00+05:30", "2026-03-02T03:45Z"),
        ("2026-03-02T09:15:00.250-05", "2026-03-02T14:15Z"),
        ("2026-03-02 09:15:00 -0500", "2026-03-02T14:15Z"),
        ("20260302T091500+05", "2026-03-02T04:15Z"),
        ("2026-03-02T09:15:00Z", "2026-03-02T09:15Z"),
        ("2026-03-02T09:15:00 UTC", "2026-03-02T09:15Z"),
        ("2026-03-02", "2026-03-02T00:00Z"),  # a date alone is local midnight, not an offset of -02
    ],
)
@pytest.mark.parametrize("assume_tz", [None, "UTC"])
def test_every_iso_offset_form_is_read(tmp_path: Path, created: str, utc: str, assume_tz: str | None) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", created, "Email"]])
    options = TicketOptions(team_tz="UTC", preset="zendesk", assume_tz=assume_tz)
    if assume_tz is None and created == "2026-03-02":
        assert "1 times have no UTC offset" in str(_fails(path, preset="zendesk"))
        return
    frame, _ = import_tickets(path, options)
    assert frame["ds"].tolist() == [pd.Timestamp(utc)]


OFFSET_FORMS = [
    ["1", "2026-03-02T09:15:00+05", "Email"],
    ["2", "2026-03-02T09:15:00-03", "Email"],
    ["3", "2026-03-02T09:15:00+05:30", "Email"],
    ["4", "2026-03-02 09:15:00", "Email"],
]


@pytest.mark.parametrize("old_pattern", [False, True])
def test_mixed_offset_forms_and_naive_times_never_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_pattern: bool
) -> None:
    import api.importers.tickets as tickets

    if old_pattern:  # the pattern that missed '+05': the net under it still reads every time right
        monkeypatch.setattr(tickets, "_OFFSET_RE", r"(?:[zZ]|[+-]\d{2}:?\d{2}|\s(?:UTC|GMT))$")
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], OFFSET_FORMS)
    (issue,) = _fails(path, preset="zendesk").issues
    assert "1 times have no UTC offset (first: row 5), while 3 have one" in issue.reason
    frame, _ = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", assume_tz="Asia/Tokyo"))
    assert sorted(frame["ds"].tolist()) == [
        pd.Timestamp(t)
        for t in ("2026-03-02T00:15Z", "2026-03-02T03:45Z", "2026-03-02T04:15Z", "2026-03-02T12:15Z")
    ]
    only_offsets = write_csv(tmp_path / "o.csv", ["Id", "Created at", "Via"], OFFSET_FORMS[:1])
    for assume_tz in (None, "Asia/Tokyo"):
        frame, _ = import_tickets(
            only_offsets, TicketOptions(team_tz="UTC", preset="zendesk", assume_tz=assume_tz)
        )
        assert frame["ds"].tolist() == [pd.Timestamp("2026-03-02T04:15Z")]


@pytest.mark.parametrize(
    ("time_format", "why"), [("%", "stray %"), ("%Q%z", "bad directive"), ("%Y" * 32, "twice")]
)
def test_a_bad_time_format_is_named_with_the_reason(tmp_path: Path, time_format: str, why: str) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "2026-03-02", "Email"]])
    (issue,) = _fails(path, preset="zendesk", time_format=time_format).issues
    assert issue.value == time_format
    assert f"the time format {time_format!r} cannot be read" in issue.reason
    assert why in issue.reason


def test_a_time_format_with_offsets_reads_several_offsets(tmp_path: Path) -> None:
    rows = [["1", "02/03/2026 09:15 +0500", "Email"], ["2", "02/03/2026 09:15 -0300", "Email"]]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    options = TicketOptions(team_tz="UTC", preset="zendesk", time_format="%d/%m/%Y %H:%M %z")
    frame, _ = import_tickets(path, options)
    assert frame["ds"].tolist() == [pd.Timestamp("2026-03-02T04:15Z"), pd.Timestamp("2026-03-02T12:15Z")]


def test_times_in_an_hour_dst_repeats_or_skips_are_read_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.importers.tickets as tickets

    monkeypatch.setattr(tickets, "CSV_BLOCK_ROWS", 2)  # the counts add up across blocks
    rows = [
        ["1", "2026-10-31 12:00:00", "1"],
        ["2", "2026-11-01 01:30:00", "1"],  # the clocks go back at 02:00: 01:30 happens twice
        ["3", "2026-03-08 02:30:00", "1"],  # the clocks go forward at 02:00: no 02:30
        ["4", "2026-11-01 01:45:00", "1"],
        ["5", "2026-11-01 00:59:00", "1"],
    ]
    path = write_csv(tmp_path / "fd.csv", ["Ticket ID", "Created time", "Source"], rows)
    options = TicketOptions(
        team_tz="UTC", preset="freshdesk", assume_tz="America/New_York", map_queue={"*": "email"}
    )
    frame, report = import_tickets(path, options)
    assert report.repeated_hour == tickets.ClockChange(
        2, 3, "2026-11-01 01:30:00", "2026-11-01T01:30:00-04:00"
    )
    assert report.skipped_hour == tickets.ClockChange(
        1, 4, "2026-03-08 02:30:00", "2026-03-08T03:00:00-04:00"
    )
    assert frame["ds"].tolist() == [
        pd.Timestamp(t)
        for t in (
            "2026-03-08T07:00Z",
            "2026-10-31T16:00Z",
            "2026-11-01T04:45Z",
            "2026-11-01T05:30Z",
            "2026-11-01T05:45Z",
        )
    ]
    repeated, skipped = report.warnings
    assert "2 times fall in the hour America/New_York repeats" in repeated
    assert "row 3" in repeated
    assert "1 times fall in the hour America/New_York skips" in skipped
    assert "row 4" in skipped
    _, plain = import_tickets(
        write_csv(tmp_path / "p.csv", ["Ticket ID", "Created time", "Source"], rows[:1]), options
    )
    assert (plain.repeated_hour, plain.skipped_hour, plain.warnings) == (None, None, [])


# --- rows as a spreadsheet numbers them, headers, delimiters, encodings --------------------------


def test_blank_csv_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.importers.tickets as tickets

    monkeypatch.setattr(tickets, "CSV_BLOCK_ROWS", 2)
    path = tmp_path / "e.csv"
    path.write_text(
        'Id,Created at,Via,Subject\n1,2026-03-02T09:15:00Z,Email,"two\nlines"\n\n,,,\n2,not-a-time,Email,x\n',
        encoding="utf-8",
    )
    (issue,) = _fails(path, preset="zendesk").issues
    assert (issue.row, issue.value) == (5, "not-a-time")
    path.write_text(path.read_text(encoding="utf-8").replace("not-a-time", "2026-03-02T09:20:00Z"), "utf-8")
    _, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"*": "q"}))
    assert (report.rows_read, report.kept, report.blank_rows) == (2, 2, [2, 3])
    assert "skipped 2 blank rows (first at row 3)" in "\n".join(report.lines())


def test_empty_xlsx_rows_are_skipped_like_blank_csv_lines(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Id", "Created at", "Via"])
    book.active.append([1, "2026-03-02T09:15:00Z", "Email"])
    book.active.append([None, None, None])
    book.active.append([2, "not-a-time", "Email"])
    book.active.append([None, None, None])  # formatting Excel kept at the end
    path = tmp_path / "e.xlsx"
    book.save(path)
    (issue,) = _fails(path, preset="zendesk").issues
    assert (issue.row, issue.value) == (4, "not-a-time")


@pytest.mark.parametrize("second", ["created at", "Created at", " Created  at "])
def test_a_column_the_header_has_twice_is_refused_naming_both(tmp_path: Path, second: str) -> None:
    rows = [["1", "2026-03-02T09:15:00Z", "Email", "x", "garbage"]]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via", "subject", second], rows)
    (issue,) = _fails(path, preset="zendesk").issues
    assert issue.row == 1
    assert f"columns B 'Created at' and E {second!r} are the same header (created)" in issue.reason


def test_a_column_the_import_does_not_read_may_appear_twice(tmp_path: Path) -> None:
    rows = [["1", "2026-03-02T09:15:00Z", "Email", "x", "y"]]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via", "Subject", "subject"], rows)
    frame, _ = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"*": "q"}))
    assert frame["y"].tolist() == [1]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_exports_are_read(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "e.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(["Id", "Created at", "Via", "Subject"])
        writer.writerow(["1", "2026-03-02T09:15:00Z", "Email", "a, b; c\nd"])
        writer.writerow(["2", "2026-03-02T09:20:00Z", "Email", "x"])
    frame, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"*": "q"}))
    assert frame["y"].tolist() == [2]
    assert report.delimiter == delimiter
    assert f"(fields separated by {delimiter!r})" in report.lines()[1]


def test_a_comma_header_with_a_semicolon_in_a_name_stays_comma_separated(tmp_path: Path) -> None:
    rows = [["1", "2026-03-02T09:15:00Z", "Email", "x"]]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via", "Notes; internal"], rows)
    _, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"*": "q"}))
    assert report.delimiter == ","


def test_a_utf16_export_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("Id,Created at,Via\n1,2026-03-02T09:15:00Z,Email\n", encoding="utf-16")
    (issue,) = _fails(path, preset="zendesk").issues
    assert "UTF-16" in issue.reason
    assert "reads UTF-8" in issue.reason
    assert "FF FE" in issue.reason


@pytest.mark.parametrize(("where", "row", "column"), [("header", 1, None), ("body", 8, "Subject")])
def test_a_windows_1252_export_names_the_first_bad_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, row: int, column: str | None
) -> None:
    import api.importers.tickets as tickets

    monkeypatch.setattr(tickets, "CSV_BLOCK_ROWS", 2)
    header = ["Id", "Created at", "Via", "Résumé" if where == "header" else "Subject"]
    rows = [[str(i), "2026-03-02T09:15:00Z", "Email", "ok\nstill ok"] for i in range(5)]
    rows.append(["9", "2026-03-02T09:15:00Z", "Email", "café" if where == "body" else "x"])
    path = tmp_path / "e.csv"
    with path.open("w", encoding="cp1252", newline="") as out:
        csv.writer(out).writerows([header, [], *rows])  # a blank line: rows as a spreadsheet shows them
    (issue,) = _fails(path, preset="zendesk").issues
    assert (issue.row, issue.column) == (row, column)
    assert "byte 0xE9 is not UTF-8" in issue.reason
    assert "Windows-1252" in issue.reason
    assert issue.value == ("Résumé" if where == "header" else "café")


def test_the_regions_counted_are_those_of_the_tickets_kept(tmp_path: Path) -> None:
    """Ten rows, six of them repeats of four ids: the report's region counts add up to the four kept."""
    rows = [[str(i % 4), "2026-03-02T09:00:00Z", "Email"] for i in range(10)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    _, report = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk"))
    assert (report.rows_read, report.kept) == (10, 4)
    assert sum(report.region_sources.values()) == 4


def _calls(tmp_path: Path, talk: list[str], delimiter: str = ",") -> Path:
    path = tmp_path / "calls.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(["Call", "Started", "Talk"])
        for i, value in enumerate(talk):
            writer.writerow([f"c{i}", f"2026-03-02T09:0{i}:00Z", value])
    return path


def _call_options(**fields: object) -> TicketOptions:
    base: dict[str, object] = {
        "team_tz": "UTC",
        "created": "Started",
        "ticket_id": "Call",
        "handle_seconds": "Talk",
        "map_queue": {"*": "voice"},
    }
    return TicketOptions(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize("talk", ["1e308", "100000", "inf"])
def test_a_handle_time_above_a_day_is_refused_with_its_row(tmp_path: Path, talk: str) -> None:
    """The history contract holds handle times up to a day: a ticket's above it is an error here, in
    the export's own row, not a blank or infinite mean handle time in the history written."""
    path = _calls(tmp_path, ["300", talk])
    with pytest.raises(InvalidInput) as caught:
        import_tickets(path, _call_options())
    (issue,) = caught.value.issues
    assert (issue.row, issue.column, issue.value) == (3, "Talk", talk)
    assert "above a day (86,400 s)" in issue.reason or "not a handle time" in issue.reason


def test_minutes_that_overflow_a_day_are_refused_too(tmp_path: Path) -> None:
    path = _calls(tmp_path, ["5", "1e307"])
    with pytest.raises(InvalidInput, match="above a day"):
        import_tickets(path, _call_options(handle_seconds=None, handle_minutes="Talk"))


def test_a_handle_time_of_zero_is_a_contact_without_a_handle_time(tmp_path: Path) -> None:
    """A missed call (0 s) arrived, but has no handle time to average: the interval's mean is that of
    the calls answered, and the report says how many were left out."""
    frame, report = import_tickets(_calls(tmp_path, ["0", "300", "0", "500"]), _call_options())
    assert frame["y"].tolist() == [4]
    assert frame["aht_s"].tolist() == [400.0]
    assert report.untimed == 2
    assert any("2 tickets with a handle time of 0" in line for line in report.lines())
    only_missed, _ = import_tickets(_calls(tmp_path, ["0", "0"]), _call_options())
    assert only_missed["aht_s"].isna().all()  # no handle time known, not 0 s


def test_a_decimal_comma_is_read_where_fields_are_separated_by_semicolons(tmp_path: Path) -> None:
    frame, _ = import_tickets(_calls(tmp_path, ["12,5", "7,5"], delimiter=";"), _call_options())
    assert frame["aht_s"].tolist() == [10.0]
    with pytest.raises(InvalidInput, match="a decimal comma only where fields are separated by ';'"):
        import_tickets(_calls(tmp_path, ["12,5", "7,5"]), _call_options())


def test_an_export_that_keeps_no_ticket_is_refused_with_why(tmp_path: Path) -> None:
    rows = [[str(i), "2026-03-02T09:00:00Z", "Email"] for i in range(5)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    error = _fails(path, preset="zendesk", map_queue={"phone": "voice"}, team_queues=("voice",))
    (issue,) = error.issues
    assert issue.reason.startswith("no ticket kept of 5 rows: 5 channel 'Email' is not mapped")


def test_a_sheet_named_for_a_csv_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "2026-03-02T09:00:00Z", "Email"]]
    )
    assert "a CSV file has no sheets; leave out --sheet" in str(_fails(path, preset="zendesk", sheet="x"))


def test_a_workbook_named_csv_is_named_as_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Id", "Created at", "Via"])
    path = tmp_path / "tickets.csv"
    book.save(path)
    (issue,) = _fails(path, preset="zendesk").issues
    assert "the file is a workbook (XLSX" in issue.reason
    assert "UTF-16" not in issue.reason


def test_thousands_of_unknown_zone_names_give_bounded_issues_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong column as the zone: a hint is looked for only for the issues shown (each hint is a
    search of every zone name), the rest are one issue."""
    import api.importers.tickets as tickets
    from api.formats import MAX_ISSUES
    from api.importers.zones import near_zone_name

    looked_up: list[str] = []

    def near(name: str) -> str | None:
        looked_up.append(name)
        return near_zone_name(name)

    monkeypatch.setattr(tickets, "near_zone_name", near)
    rows = [[str(i), "2026-03-02T09:00:00Z", "Email", f"Zone/Nowhere{i}"] for i in range(3_000)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via", "Requester time zone"], rows)
    error = _fails(path, preset="zendesk")
    assert len(error.issues) <= MAX_ISSUES
    assert len(looked_up) < MAX_ISSUES
    assert any("more unknown time-zone names" in i.reason for i in error.issues)


def test_the_report_lists_the_channels_most_dropped_not_every_one(tmp_path: Path) -> None:
    import api.importers.tickets as tickets

    rows = [[str(i), "2026-03-02T09:00:00Z", "chan-0" if i < 100 else f"chan-{i}"] for i in range(2_000)]
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], rows)
    options = TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"chan-0": "email"})
    _, report = import_tickets(path, options)
    lines = report.lines()
    assert len(lines) < tickets.MAX_LISTED + 20
    assert any("more for 1,850 other reasons" in line for line in lines)
    assert len(report.most_unmapped()) == tickets.MAX_LISTED
    assert len(report.most_dropped()) == tickets.MAX_LISTED + 1


def test_a_huge_bad_cell_is_not_echoed_whole(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "x" * 1_000_000, "Email"]])
    error = _fails(path, preset="zendesk")
    assert len(str(error)) < 5_000
    assert error.issues[0].value is not None
    assert len(error.issues[0].value) <= 200


def test_an_excel_serial_date_is_named_as_one(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["Id", "Created at", "Via"], [["1", "46088.97643518518", "Email"]])
    (issue,) = _fails(path, preset="zendesk").issues
    assert "as Excel stores a date and time when the cell has no date format" in issue.reason
    assert "--time-format" not in issue.reason


def test_a_formula_in_a_column_the_import_does_not_read_is_let_be(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Id", "Created at", "Via", "Subject"])
    book.active.append(["1", "2026-03-02T09:00:00Z", "Email", "=1+1"])  # no saved value: never calculated
    path = tmp_path / "tickets.xlsx"
    book.save(path)
    frame, _ = import_tickets(path, TicketOptions(team_tz="UTC", preset="zendesk", map_queue={"*": "email"}))
    assert frame["y"].tolist() == [1]
    book.active["B2"] = "=NOW()"
    book.save(path)
    assert "holds a formula with no saved value" in str(
        _fails(path, preset="zendesk", map_queue={"*": "email"})
    )


def test_a_stray_nul_byte_is_named_at_its_row_not_taken_for_utf16(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"Id,Created at,Via\n1,2026-07-20T00:09:00Z,Voice\n2,2026-07-20T01:0\x009:00Z,Voice\n")
    (issue,) = _fails(path, preset="zendesk").issues
    assert (issue.row, issue.column) == (3, "Created at")
    assert "UTF-16" not in issue.reason
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes("Id,Created at,Via\n".encode("utf-16-le"))
    assert "UTF-16" in str(_fails(utf16, preset="zendesk"))


def test_the_report_names_every_region_and_gives_the_span_on_the_teams_clock() -> None:
    """Nine regions are nine forecast series: none is hidden behind "1 more"; the span reads as the lead's
    wall clock, not UTC."""
    regions = {f"Region/{k}": 100 - k for k in range(9)}
    report = TicketReport(
        "e.csv",
        {"created": "Created at"},
        kept=sum(regions.values()),
        regions=regions,
        first_ds="2026-03-02T09:10:00Z",
        last_ds="2026-07-31T23:30:00Z",
        team_tz="Europe/London",
    )
    lines = report.lines()
    assert "history from Mon 02 Mar 2026 09:10 to Sat 01 Aug 2026 00:30 (Europe/London)" in lines
    (by_region,) = [line for line in lines if line.startswith("tickets per region")]
    assert by_region.startswith("tickets per region (9): Region/0 100, ")
    assert by_region.endswith("Region/8 92")

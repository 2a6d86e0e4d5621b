"""What the XLSX reader says of workbooks people and attackers send: XML with entities, formulas in
columns nobody reads, hidden sheets, and 24:00 typed in Excel."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.formats import read_availability
from api.xlsx import cell_text, read_sheet_frame, read_sheet_rows
from common.errors import InvalidInput
from scheduler.sample import sample_team
from tests.api.test_xlsx import workbook

TICKETS: list[list[Any]] = [
    ["Id", "Created at", "Via"],
    [1, "2026-03-02T09:10:00Z", "Mail"],
    [2, "2026-03-02T09:11:00Z", "Mail"],
]
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)
OUTSIDE_FILE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def with_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """`path` with one of its XML parts changed as `change` says."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def declaring(prolog: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    """A part's XML with `prolog` (a DTD) in place of its XML declaration, and `entity` in its first text."""

    def change(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return prolog + body.replace(b"<t>Mail</t>", b"<t>" + entity + b"</t>", 1)

    return change


def import_tickets_cli(path: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            *("import", "tickets", str(path), "--preset", "zendesk", "--tz", "America/Phoenix"),
            *("--map-queue", "*=email", "--out", str(out)),
        ],
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("part", "prolog", "entity"),
    [
        ("xl/worksheets/sheet1.xml", LAUGHS, b"&lol1;"),
        ("xl/workbook.xml", LAUGHS, b""),
        ("xl/worksheets/sheet1.xml", OUTSIDE_FILE, b"&xxe;"),
    ],
    ids=["laughs-in-sheet", "laughs-in-workbook", "outside-file"],
)
def test_a_workbook_declaring_entities_is_refused_in_words_naming_the_part(
    tmp_path: Path, part: str, prolog: bytes, entity: bytes
) -> None:
    path = workbook(tmp_path / "tickets.xlsx", {"Tickets": TICKETS})
    with_part(path, part, declaring(prolog, entity))
    out = tmp_path / "history.csv"
    code, output = import_tickets_cli(path, out)
    assert code == 2
    assert (
        f"{path}: the workbook's XML is not plain spreadsheet XML: its part {part!r} declares a DTD or "
        "entities, which Excel and LibreOffice never write"
    ) in " ".join(output.split())
    assert "Please see the exception" not in output
    assert not out.exists()


def test_a_sheet_whose_xml_is_broken_is_refused_in_words(tmp_path: Path) -> None:
    path = workbook(tmp_path / "tickets.xlsx", {"Tickets": TICKETS})
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</sheetData>", b""))
    _, rows = read_sheet_rows(path)
    with pytest.raises(InvalidInput, match=r"the workbook's XML is broken \(mismatched tag") as caught:
        list(rows)
    assert caught.value.issues[0].file == f"{path}, sheet 'Tickets'"


def formula_sheet(path: Path) -> Path:
    """Tickets with a formula and no saved value (as a script writes it) in the Subject column only."""
    rows: list[list[Any]] = [["Created at", "Subject", "Via"]] + [
        [f"2026-03-02T09:1{i}:00Z", "=1+1", "Mail"] for i in range(3)
    ]
    return workbook(path, {"Tickets": rows})


def test_a_formula_in_a_column_not_read_is_left_alone(tmp_path: Path) -> None:
    path = formula_sheet(tmp_path / "tickets.xlsx")
    _, rows = read_sheet_rows(path, columns=["created_at", " VIA "])  # any case and spelling
    assert [row[2] for row in rows] == ["Via", "Mail", "Mail", "Mail"]
    _, frame = read_sheet_frame(path, columns=["Created at"])
    assert frame["Subject"].tolist() == ["", "", ""]


def test_a_formula_in_a_column_read_is_still_refused(tmp_path: Path) -> None:
    path = formula_sheet(tmp_path / "tickets.xlsx")
    _, rows = read_sheet_rows(path, columns=["Created at", "Subject"])
    with pytest.raises(InvalidInput) as caught:
        list(rows)
    assert [(i.row, i.column) for i in caught.value.issues] == [
        (2, "Subject"),
        (3, "Subject"),
        (4, "Subject"),
    ]
    assert "cell B2 holds a formula with no saved value" in caught.value.issues[0].reason
    with pytest.raises(InvalidInput, match="cell B2 holds a formula"):
        read_sheet_frame(path)  # no columns named: every column is checked


def test_a_formula_in_the_header_is_refused_whatever_the_columns(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "t.xlsx", {"Tickets": [["Created at", '=CONCAT("Vi","a")'], ["2026-03-02", "x"]]}
    )
    with pytest.raises(InvalidInput, match="cell B1 holds a formula") as caught:
        read_sheet_frame(path, columns=["Created at"])
    assert caught.value.issues[0].row == 1


def test_hidden_sheets_are_not_counted_when_choosing_the_only_sheet(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "tickets.xlsx",
        {"Tickets": TICKETS, "Hidden meta": [["x"]], "Lookup": [["y"]]},
        hidden={"Hidden meta": "hidden", "Lookup": "veryHidden"},
    )
    name, frame = read_sheet_frame(path)
    assert name == "Tickets"
    assert frame["Via"].tolist() == ["Mail", "Mail"]
    name, frame = read_sheet_frame(path, "hidden meta")  # still read when named
    assert name == "Hidden meta"


def test_several_visible_sheets_are_named_with_the_hidden_ones_apart(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "tickets.xlsx",
        {"Tickets": TICKETS, "Summary": [["x"]], "Hidden meta": [["y"]]},
        hidden={"Hidden meta": "hidden"},
    )
    with pytest.raises(InvalidInput) as caught:
        read_sheet_frame(path)
    issue = caught.value.issues[0]
    assert issue.reason.startswith(
        "the workbook has 2 sheets ('Tickets', 'Summary') and 1 hidden ('Hidden meta'); name the one to read"
    )
    assert issue.sheets == ("Tickets", "Summary")


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(days=1), "24:00"),
        (timedelta(hours=7, minutes=30), "07:30"),
        (timedelta(hours=25, minutes=5), "25:05"),
        (timedelta(hours=8, seconds=30), "08:00:30"),
        (timedelta(minutes=-90), "-01:30"),
    ],
)
def test_a_duration_cell_reads_as_hours_and_minutes(duration: timedelta, text: str) -> None:
    assert cell_text(duration) == text


def test_24_00_typed_in_excel_ends_a_day_of_leave(tmp_path: Path) -> None:
    team = sample_team()
    rows: list[list[Any]] = [
        ["agent_id", "date", "kind", "start", "end"],
        [team.agents[0].id, date(2026, 11, 2), "time_off", time(9, 0), timedelta(days=1)],
    ]
    path = workbook(tmp_path / "leave.xlsx", {"Leave": rows})  # 24:00 as Excel saves it: 1 day, [h]:mm
    _, frame = read_sheet_frame(path)
    assert frame["end"].tolist() == ["24:00"]
    [entry] = read_availability(path, team)
    assert (entry.start_minute, entry.end_minute) == (9 * 60, 24 * 60)


@pytest.mark.parametrize(("serial", "shown"), [(1e308, "1e+308"), (3e6, "3000000")])
def test_a_date_cell_holding_a_number_beyond_any_date_is_named_with_its_number(
    tmp_path: Path, serial: float, shown: str
) -> None:
    """openpyxl reads such a cell as the error '#VALUE!', which the cell does not hold: the issue gives
    the number (as a lead sees it in the formula bar)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agent_id", "date", "kind"])
    sheet.append(["a01", serial, "time_off"])
    sheet["B2"].number_format = "yyyy-mm-dd"
    path = tmp_path / "time_off.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as caught:
        read_availability(path, sample_team())
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (2, "date")
    assert issue.value == shown
    assert "not a date" in issue.reason

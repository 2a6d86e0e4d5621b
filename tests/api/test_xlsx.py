"""The safe XLSX reader: a zip bomb is refused before anything is inflated; big sheets stop at the caps."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from api.formats import read_availability
from api.xlsx import XlsxLimits, check_archive, read_sheet_frame, read_sheet_rows
from common.errors import InvalidInput
from scheduler.sample import sample_team


def workbook(path: Path, sheets: dict[str, list[list[Any]]], hidden: dict[str, str] | None = None) -> Path:
    """A workbook of `sheets`, each of `hidden` given that state ('hidden' or 'veryHidden')."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (hidden or {}).get(name, "visible")
    book.save(path)
    return path


def zip_bomb(path: Path, unpacked_mib: int) -> Path:
    """A small file that claims to be a workbook and unpacks to `unpacked_mib` MiB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            block = b"0" * (1024 * 1024)
            for _ in range(unpacked_mib):
                part.write(block)
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 200)
    assert bomb.stat().st_size < 1024 * 1024  # a small upload...
    tracemalloc.start()
    with pytest.raises(InvalidInput, match=r"unpacks to 200\.0 MB"):
        read_sheet_frame(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # ...that cost next to nothing: only the directory was read


def test_a_high_ratio_part_is_refused_even_under_the_size_cap(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 20)
    with pytest.raises(InvalidInput, match="zip bomb"):
        check_archive(bomb)


def test_the_readers_refuse_a_bomb_with_the_file_named(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "hr.xlsx", 20)
    with pytest.raises(InvalidInput) as caught:
        read_availability(bomb, sample_team())
    assert caught.value.issues[0].file == str(bomb)


def test_not_a_zip_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("agent_id,date\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not an XLSX workbook"):
        read_sheet_frame(path)


def test_rows_and_cells_are_capped_while_streaming(tmp_path: Path) -> None:
    path = workbook(tmp_path / "big.xlsx", {"Data": [["a", "b"]] + [[i, i] for i in range(50)]})
    _, rows = read_sheet_rows(path, limits=XlsxLimits(max_rows=20))
    with pytest.raises(InvalidInput, match="more than 20 rows") as caught:
        list(rows)
    assert caught.value.issues[0].file == f"{path}, sheet 'Data'"
    _, rows = read_sheet_rows(path, limits=XlsxLimits(max_cells=30))
    with pytest.raises(InvalidInput, match="30 cells"):
        list(rows)


def test_a_workbook_with_several_sheets_needs_one_named(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "hr.xlsx", {"Notes": [["read me"]], "Time off": [["agent", "date"], ["a01", "x"]]}
    )
    with pytest.raises(InvalidInput, match=r"2 sheets .*'Notes', 'Time off'"):
        read_sheet_frame(path)
    with pytest.raises(InvalidInput, match="no sheet 'Leave'"):
        read_sheet_frame(path, "Leave")
    name, frame = read_sheet_frame(path, "time off")  # any case
    assert name == "Time off"
    assert frame.to_dict("records") == [{"agent": "a01", "date": "x"}]


def formula_workbook(path: Path, rows: list[list[Any]], saved: dict[str, str] | None = None) -> Path:
    """A workbook as a script writes it (openpyxl stores a formula with no value), each cell of
    `saved` then given the value a spreadsheet would have saved with its formula."""
    workbook(path, {"Sheet": rows})
    if saved:
        with zipfile.ZipFile(path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
        for cell, value in saved.items():
            xml = re.sub(
                rf'<c r="{cell}"[^>]*>(<f>.*?</f>).*?</c>',
                rf'<c r="{cell}" t="str">\1<v>{value}</v></c>',
                xml,
            )
        parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_a_formula_with_no_saved_value_is_named_not_read_as_a_blank(tmp_path: Path) -> None:
    from api.importers.agents import read_agent_sheet

    path = formula_workbook(
        tmp_path / "agents.xlsx",
        [
            ["Name", "Time zone", "Skills"],
            ['=HYPERLINK("http://evil.example/x","Payslip")', "Lisbon", "chat"],
            ["Ana Sousa", "Lisbon", '=CONCAT("ch","at")'],
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        read_agent_sheet(path, team_tz="Europe/Lisbon", queues=None)
    issues = caught.value.issues
    assert [(i.file, i.row, i.column) for i in issues] == [
        (f"{path}, sheet 'Sheet'", 2, "Name"),
        (f"{path}, sheet 'Sheet'", 3, "Skills"),
    ]
    assert issues[0].value == '=HYPERLINK("http://evil.example/x","Payslip")'
    assert "cell A2 holds a formula with no saved value" in issues[0].reason
    assert "save it" in issues[0].reason
    assert "every agent needs a name" not in str(caught.value)


def test_a_formula_with_its_saved_value_is_read_as_that_value(tmp_path: Path) -> None:
    path = formula_workbook(
        tmp_path / "agents.xlsx",
        [["Name", "Hours"], ['=CONCAT("Ana"," Sousa")', 40]],
        saved={"A2": "Ana Sousa"},
    )
    _, frame = read_sheet_frame(path)
    assert frame.to_dict("records") == [{"Name": "Ana Sousa", "Hours": "40"}]


def test_every_xlsx_importer_names_a_formula_cell(tmp_path: Path) -> None:
    from datetime import date

    from api.formats import read_requirements, read_shift_cover
    from api.importers.tickets import TicketOptions, import_tickets

    team = sample_team()
    readers: dict[str, tuple[list[list[Any]], Any]] = {
        "availability": (
            [["agent_id", "date", "kind"], [team.agents[0].id, "=TODAY()", "time_off"]],
            lambda p: read_availability(p, team),
        ),
        "requirements": (
            [
                ["queue", "ds", "volume", "aht_s", "required", "scheduled_needed"],
                ["email", "=NOW()", 1, 1, 1, 1],
            ],
            read_requirements,
        ),
        "cover": (
            [["date", "shift_type", "required"], ["2026-11-02", "early", "=1+1"]],
            lambda p: read_shift_cover(p, team, (date(2026, 11, 2),)),
        ),
        "tickets": (
            [["created", "channel"], ["=NOW()", "email"]],
            lambda p: import_tickets(p, TicketOptions(team_tz="UTC", created="created", queue="channel")),
        ),
    }
    for name, (rows, read) in readers.items():
        path = formula_workbook(tmp_path / f"{name}.xlsx", rows)
        with pytest.raises(InvalidInput, match=r"cell [A-Z]2 holds a formula with no saved value") as caught:
            read(path)
        assert caught.value.issues[0].row == 2, name


def test_a_workbook_of_values_is_not_read_twice(tmp_path: Path) -> None:
    from api.xlsx import has_formulas

    book = Workbook()
    book.active.append(["filter", "formula"])
    book.active.append(["<f>", "<f />"])  # a text that looks like a tag is escaped in the XML
    book.active.auto_filter.ref = "A1:B2"
    book.active.auto_filter.add_filter_column(0, ["<f>"])  # <filterColumn><filters><filter .../>
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    assert not has_formulas(plain)
    assert has_formulas(formula_workbook(tmp_path / "f.xlsx", [["a"], ["=1+1"]]))

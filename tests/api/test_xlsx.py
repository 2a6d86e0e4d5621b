"""The safe XLSX reader: a zip bomb is refused before anything is inflated; big sheets stop at the caps."""

from __future__ import annotations

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


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
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

"""api/cells.py: a text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from api.cells import is_formula_like, safe_cell, safe_frame, safe_workbook

ATTACKS = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "＝1+1",  # full-width equals sign
    "-",
]
PLAIN = ["Ann Example", "email", "2026-11-02T09:00:00Z", "a-1", "", "'=already quoted", "1+1"]
NUMBERS_AS_TEXT = ["-2.5", "+1", "-1e3", "-.5", "42"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_like_text_gets_a_leading_quote(text: str) -> None:
    assert is_formula_like(text)
    assert safe_cell(text) == "'" + text.replace("\r", "\n")  # a line break is written as a line feed


@pytest.mark.parametrize("text", PLAIN + NUMBERS_AS_TEXT)
def test_plain_text_and_numbers_written_as_text_stay_as_they_are(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [-2.5, -1, 0, None])
def test_numbers_are_never_touched(value: float | None) -> None:
    assert safe_cell(value) == value


def test_a_frame_keeps_its_numbers_and_quotes_its_formulas() -> None:
    frame = pd.DataFrame({"name": ["=1+1", "Bo"], "delta": [-1.5, 2.0], "=col": ["x", "y"]})
    out = safe_frame(frame)
    assert list(out["name"]) == ["'=1+1", "Bo"]
    assert list(out["delta"]) == [-1.5, 2.0]
    assert list(out.columns) == ["name", "delta", "'=col"]
    read_back = pd.read_csv(io.StringIO(out.to_csv(index=False)))
    assert read_back["delta"].dtype == float
    assert list(frame["name"]) == ["=1+1", "Bo"]  # the caller's frame is left as it was


def test_no_cell_of_a_safe_workbook_is_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*ATTACKS, -3, "-3", "Ann"])
    assert sheet["A1"].data_type == "f"  # what openpyxl would have written
    buffer = io.BytesIO()
    safe_workbook(book).save(buffer)
    cells = next(load_workbook(buffer).active.iter_rows(values_only=False))
    assert all(c.data_type != "f" for c in cells)
    attacks = cells[: len(ATTACKS)]
    # text as written, shown without a quote and never calculated (XML reads a CR back as LF)
    assert [c.value for c in attacks] == [a.replace("\r", "\n") for a in ATTACKS]
    assert all(c.data_type == "s" and c.quotePrefix for c in attacks)
    assert [c.value for c in cells[len(ATTACKS) :]] == [-3, "-3", "Ann"]


def test_a_carriage_return_cannot_start_a_row_or_a_formula_in_a_csv() -> None:
    frame = safe_frame(pd.DataFrame({"note": ["Trip\r=cmd|' /C calc'!A0", "ok"], "n": [1, 2]}))
    text = frame.to_csv(index=False)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 3  # the header and two rows: the note stays in its cell
    assert not any(cell.startswith("=") for row in rows for cell in row)
    back = pd.read_csv(io.StringIO(text))
    assert back["note"].tolist() == ["Trip\n=cmd|' /C calc'!A0", "ok"]

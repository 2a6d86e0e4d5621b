"""Spreadsheet cells that cannot run: formula injection neutralised in every CSV and XLSX export.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets) reads a cell that starts with `=`, `+`,
`-` or `@` (or a tab, carriage return, line feed or NUL before one) as a formula, so an agent
named `=HYPERLINK("http://evil.example","click")` would become a live link in a lead's roster.
Following OWASP's CSV-injection guidance, such a text cell is written with a leading single quote,
which the spreadsheet shows as text; a text that is just a number (`-2.5`) stays as it is, and
numbers are never touched. Separators, quotes and line feeds inside a cell are the CSV writer's
business (pandas quotes per RFC 4180), but it writes a lone carriage return unquoted, and a
spreadsheet reads one as the end of the row: whatever follows it would start a row, and a cell, of
its own. Every line break in a text cell is therefore written as a line feed.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from openpyxl import Workbook

# the characters that make a spreadsheet read a cell as a formula, with their full-width forms
# (an East Asian keyboard's =, +, - and @, which some spreadsheets also take as formulas)
FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula (a plain number is not one)."""
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped[0] in FORMULA_STARTS and _NUMBER.match(stripped) is None


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a spreadsheet cell: a text's line breaks as line feeds (a lone
    carriage return would end the CSV row), and a formula-like text with a leading single quote."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if is_formula_like(text) else text


def unquoted(column: pd.Series) -> pd.Series:
    """A CSV column read back as it was before `safe_cell`: a formula-like text's leading single
    quote taken off (a file this tool wrote, or one saved back from a spreadsheet, reads as written)."""
    quoted = column.str.startswith("'", na=False)
    if not quoted.any():
        return column
    rest = column[quoted].str[1:]
    strip = rest.map(is_formula_like).astype(bool)
    out = column.copy()
    out.loc[rest.index[strip.to_numpy()]] = rest[strip]
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are safe (numeric and instant columns are left as they are)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def safe_workbook(book: Workbook) -> Workbook:
    """Make every text cell of every sheet safe, in place (the last step before a workbook is saved).

    openpyxl would store a text starting with `=` as a formula; after this pass no cell holds one.
    A formula-like text is stored as text with the quote-prefix style, which is what a spreadsheet
    does when someone types `'=1+1`: the cell shows `=1+1`, is never calculated, and stays text
    when edited (a leading quote written into the text would show).
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    cell.data_type = "s"  # text, whatever it starts with
                    cell.quotePrefix = True
    return book

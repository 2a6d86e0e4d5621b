"""CSV as the edge writes and reads it: one writer for every CSV export, one separator sniffer.

Written: UTF-8 with a byte-order mark, comma-separated, a header row, instants in ISO-8601 (UTC
as `Z`), every text cell made safe for spreadsheets (`api.cells`). The mark is what makes Excel on
Windows read a double-clicked file as UTF-8 ("Andrés Muñoz", not "AndrÃ©s MuÃ±oz"); without it
Excel takes the file for the computer's ANSI code page. Programs are not troubled by it: pandas'
`read_csv` drops it by itself, and Python's `csv` module reads it away with
`open(path, encoding="utf-8-sig")`, which also reads a file without one.

The separator stays a comma whatever the locale. A spreadsheet in a language that writes decimals
with a comma (Portuguese, Spanish, German) splits a double-clicked file at semicolons, and would
also need `0,85` for its numbers: that is a second file format, which every program reading these
files would have to guess. The workbook (`--xlsx`, `roster.xlsx` in the service) is the file for
such a spreadsheet, and its import dialogs (Excel's Data > From Text/CSV, LibreOffice, Google
Sheets) detect the comma. What is read back is more forgiving: a file a spreadsheet saved with
semicolons or tabs (`delimiter_of`) is read, since leads edit a roster and give it back.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import IO

import pandas as pd

from api.cells import safe_frame
from common.errors import InputIssue

CSV_ENCODING = "utf-8-sig"  # writes the byte-order mark; reads a file with or without one
# a local wall time as every spreadsheet reads a date and time, in any locale (no offset, no seconds)
SPREADSHEET_TIME_FORMAT = "%Y-%m-%d %H:%M"
CSV_DELIMITERS = (",", ";", "\t")  # Excel writes ';' where the decimal separator is a comma
NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as errors='surrogateescape' reads it


def iso_instants(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with each instant column as ISO-8601 text (UTC written `Z`)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda ts: ts.isoformat().replace("+00:00", "Z"))
    return out


def csv_bytes(frame: pd.DataFrame, *, float_format: str | None = None) -> bytes:
    """`frame` as a CSV file: UTF-8 with a byte-order mark, instants in ISO-8601, text cells safe."""
    text = safe_frame(iso_instants(frame)).to_csv(index=False, float_format=float_format)
    return text.encode(CSV_ENCODING)


def delimiter_of(first_line: str) -> str:
    """The separator that splits a header into the most fields (a tie keeps the comma)."""
    counts = [len(next(csv.reader([first_line], delimiter=d), [])) for d in CSV_DELIMITERS]
    return CSV_DELIMITERS[counts.index(max(counts))]


def file_delimiter(path: Path) -> str:
    """The separator of a CSV file, from its first line (a byte-order mark aside)."""
    with path.open(encoding=CSV_ENCODING, errors="replace", newline="") as text:
        return delimiter_of(text.readline())


def surrogate_text(path: Path) -> IO[str]:
    """The file as UTF-8 text, a byte that is not UTF-8 kept as a lone surrogate to be found later."""
    return path.open(encoding=CSV_ENCODING, errors="surrogateescape", newline="")


def not_utf8_issue(path: Path, file: str, delimiter: str) -> InputIssue:
    """Where the first byte that is not UTF-8 is: row (as a spreadsheet numbers them), column, byte."""
    with surrogate_text(path) as text:
        header: list[str] = []
        for row, fields in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            header = header or fields
            for i, value in enumerate(fields):
                bad = NOT_UTF8.search(value)
                if bad is None:
                    continue
                raw = value.encode("utf-8", errors="surrogateescape")
                try:
                    shown, guess = raw.decode("cp1252"), " and looks like Windows-1252 (Excel's plain 'CSV')"
                except UnicodeDecodeError:
                    shown, guess = raw.decode("utf-8", errors="replace"), ""
                return InputIssue(
                    f"byte 0x{ord(bad.group()) - 0xDC00:02X} is not UTF-8, the encoding this reads: "
                    f"the file is in another encoding{guess}; save it as 'CSV UTF-8'",
                    file,
                    row,
                    header[i] if i < len(header) and row > 1 else None,
                    shown,
                )
    return InputIssue("the file is not UTF-8 text; save it as 'CSV UTF-8'", file)

"""The one safe way the edge reads an XLSX workbook: checked before parsing, parsed in a bounded way.

An XLSX file is a zip archive of XML parts. The upload limit counts compressed bytes, so a small
file can unpack to gigabytes (a zip bomb). Before openpyxl sees the file, `check_archive` reads the
archive's directory only and refuses too many parts, too many unpacked bytes in all, or a part
that unpacks more than `max_ratio` times its packed size. Python's `zipfile` never inflates a part
past the size its directory declares (and a part whose contents do not match fails its CRC check),
so those declared sizes bound the work. Then the sheet is streamed row by row (openpyxl's
`read_only` mode) and reading stops, with an error, past `max_rows` rows or `max_cells` cells.
openpyxl parses the XML with defusedxml when it is installed (a dependency of this project), which
refuses entity-expansion tricks inside the parts.

Every XLSX reader in `api/` goes through `read_sheet_rows` or `read_sheet_frame`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from common.errors import InputIssue, InvalidInput

MIB = 1024 * 1024


@dataclass(frozen=True)
class XlsxLimits:
    """How much of a workbook the edge is willing to unpack and parse."""

    max_parts: int = 10_000
    max_unpacked_bytes: int = 100 * MIB
    max_ratio: float = 100.0  # unpacked / packed size of one part...
    ratio_floor_bytes: int = 1 * MIB  # ...judged on parts that unpack to more than this
    max_rows: int = 1_048_576  # Excel's own limit
    max_cells: int = 2_000_000


DEFAULT_LIMITS = XlsxLimits()


def _refuse(file: str, reason: str, sheets: tuple[str, ...] = ()) -> InvalidInput:
    return InvalidInput([InputIssue(reason, file, sheets=sheets)])


def _size(n_bytes: int) -> str:
    return f"{n_bytes / MIB:,.1f} MB"


def check_archive(path: Path, limits: XlsxLimits = DEFAULT_LIMITS, *, file: str | None = None) -> None:
    """Refuse a workbook whose archive would unpack to too much, before anything is inflated.

    Raises:
        InvalidInput: not a zip archive (so not an XLSX file), or over one of `limits`.
    """
    shown = file or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(
            shown, "not an XLSX workbook (it is not a zip archive); save it again as .xlsx"
        ) from exc
    if len(parts) > limits.max_parts:
        raise _refuse(shown, f"the workbook holds {len(parts):,} parts, more than {limits.max_parts:,}")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise _refuse(
            shown,
            f"the workbook unpacks to {_size(unpacked)}, more than the {_size(limits.max_unpacked_bytes)} "
            "allowed; split it, or save the sheet as CSV",
        )
    for part in parts:
        if part.file_size > limits.ratio_floor_bytes:
            ratio = part.file_size / max(part.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _refuse(
                    shown,
                    f"part {part.filename!r} unpacks {ratio:,.0f} times its packed size (at most "
                    f"{limits.max_ratio:g} allowed): this looks like a zip bomb, not a spreadsheet",
                )


def cell_text(value: Any) -> str:
    """A cell as the text a user typed: dates as YYYY-MM-DD, times as HH:MM, 40.0 as 40."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sheet_label(file: str, sheet: str) -> str:
    """How an issue names a sheet of a workbook: `hr.xlsx, sheet 'Time off'`."""
    return f"{file}, sheet {sheet!r}"


def _open_sheet(path: Path, sheet: str | None, file: str) -> tuple[Any, Any, str]:
    from openpyxl import load_workbook  # imported here: only XLSX readers need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure is a bad workbook, reported as such
        raise _refuse(file, f"cannot read the workbook: {exc}") from exc
    names = list(book.sheetnames)
    if sheet is None:
        if len(names) != 1:
            book.close()
            raise _refuse(
                file,
                f"the workbook has {len(names)} sheets ({', '.join(repr(n) for n in names)}); "
                "name the one to read (--sheet NAME in `wfm import` and `wfm team init`, ?sheet= in the "
                "API) or keep only that sheet in the file",
                tuple(names),
            )
        sheet = names[0]
    match = next((n for n in names if n == sheet), None) or next(
        (n for n in names if n.strip().casefold() == sheet.strip().casefold()), None
    )
    if match is None:
        book.close()
        raise _refuse(
            file,
            f"the workbook has no sheet {sheet!r}; its sheets are {', '.join(repr(n) for n in names)}",
            tuple(names),
        )
    ws = book[match]
    ws.reset_dimensions()  # read the cells that are there, not the size the sheet claims
    return book, ws, match


def read_sheet_rows(
    path: Path,
    sheet: str | None = None,
    limits: XlsxLimits = DEFAULT_LIMITS,
    *,
    file: str | None = None,
) -> tuple[str, Iterator[tuple[str, ...]]]:
    """The chosen sheet's name and its rows as text, streamed (the archive is checked first).

    `sheet` None reads the only sheet (a workbook with several must name one). Rows that are
    empty at the end are kept; the caller decides what an empty row means.

    Raises:
        InvalidInput: the archive is over `limits`, the sheet is missing or ambiguous, or the
            sheet has more rows or cells than `limits` allow (raised while iterating).
    """
    shown = file or str(path)
    check_archive(path, limits, file=shown)
    book, ws, name = _open_sheet(path, sheet, shown)
    label = sheet_label(shown, name)

    def rows() -> Iterator[tuple[str, ...]]:
        n_rows = n_cells = 0
        try:
            for values in ws.iter_rows(values_only=True):
                n_rows += 1
                n_cells += len(values)
                if n_rows > limits.max_rows or n_cells > limits.max_cells:
                    raise _refuse(
                        label,
                        f"the sheet has more than {limits.max_rows:,} rows or {limits.max_cells:,} cells; "
                        "split it, or save it as CSV",
                    )
                yield tuple(cell_text(v) for v in values)
        except InvalidInput:
            raise
        except Exception as exc:  # a malformed part deep in the sheet
            raise _refuse(label, f"cannot read the sheet: {exc}") from exc
        finally:
            book.close()

    return name, rows()


def read_sheet_frame(
    path: Path, sheet: str | None = None, limits: XlsxLimits = DEFAULT_LIMITS, *, file: str | None = None
) -> tuple[str, pd.DataFrame]:
    """The chosen sheet's name and its table as strings (first row the header; blank cells '')."""
    name, rows = read_sheet_rows(path, sheet, limits, file=file)
    header = next(rows, None)
    if header is None:
        return name, pd.DataFrame()
    width = len(header)
    while width > 0 and header[width - 1] == "":
        width -= 1
    body = [row[:width] + ("",) * (width - len(row)) for row in rows]
    while body and not any(body[-1]):
        body.pop()  # trailing empty rows: formatting Excel kept, not data
    columns = [c if c else f"column {i + 1}" for i, c in enumerate(header[:width])]
    return name, pd.DataFrame(body, columns=columns, dtype=str)

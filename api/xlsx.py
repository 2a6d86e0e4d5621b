"""The one safe way the edge reads an XLSX workbook: checked before parsing, parsed in a bounded way.

An XLSX file is a zip archive of XML parts. The upload limit counts compressed bytes, so a small
file can unpack to gigabytes (a zip bomb). Before openpyxl sees the file, `check_archive` reads the
archive's directory only and refuses too many parts, too many unpacked bytes in all, or a part
that unpacks more than `max_ratio` times its packed size. Python's `zipfile` never inflates a part
past the size its directory declares (and a part whose contents do not match fails its CRC check),
so those declared sizes bound the work. Then the sheet is streamed row by row (openpyxl's
`read_only` mode) and reading stops, with an error, past `max_rows` rows or `max_cells` cells.
openpyxl parses the XML with defusedxml when it is installed (a dependency of this project), which
refuses entity-expansion tricks inside the parts; such a workbook is refused in words that say so, naming
the part that declares them (`unreadable_reason`).

A cell is read as the value the spreadsheet saved with it. A formula cell with no saved value (a
workbook written by a program rather than saved by Excel or LibreOffice, or a formula whose result
is empty) would read as a blank, and the reader would then complain of a missing name or date; so
such a cell is refused for what it is, naming its sheet, row and column (`formula_issue`); a caller that
names the columns it reads has only those checked (and the header row).

A workbook read without a sheet name reads its only sheet, hidden sheets aside (its user does not see
them in Excel); a hidden sheet is still read when named.

Every XLSX reader in `api/` goes through `read_sheet_rows` or `read_sheet_frame`.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

import pandas as pd

from common.errors import InputIssue, InvalidInput

MIB = 1024 * 1024
# a formula element of a worksheet part (`<f>`, `<f t="shared" .../>`, or with a namespace prefix);
# other elements whose names start with f (`<filter>`, `<formula1>`) do not match
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_SCAN_CHUNK_BYTES = 1 * MIB
MAX_FORMULA_ISSUES = 200
# a document type declaration or an entity declaration: a DTD comes before the root element, so it
# is in the opening bytes of a part
_DTD_TAG = re.compile(rb"<!(?:DOCTYPE|ENTITY)\b")
_PROLOG_BYTES = 64 * 1024


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
    """A cell as the text a user typed: dates as YYYY-MM-DD, times and durations as HH:MM, 40.0 as 40."""
    if value is None:
        return ""
    if isinstance(value, timedelta):
        return duration_text(value)
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


def duration_text(value: timedelta) -> str:
    """A duration cell (Excel's `[h]:mm`, as 24:00 typed is saved) as HH:MM: one day is 24:00, hours past
    24 are kept for the reader to judge, seconds are shown when there are any."""
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of the (checked) archive holds a formula: a scan of its XML bytes, so that
    a workbook of plain values is parsed once, not twice."""
    with zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            if not (part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")):
                continue
            with archive.open(part) as stream:
                tail = b""
                while chunk := stream.read(_SCAN_CHUNK_BYTES):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-64:]  # a tag cut in two by the chunk boundary
    return False


def _formula_text(value: Any) -> str | None:
    """The text of a formula as openpyxl reads it without values ('=SUM(A1:A3)'), or None for a value."""
    text = getattr(value, "text", value)  # an array or data-table formula carries its text
    if isinstance(text, str) and text.startswith("="):
        return text
    return None


def _part_with_dtd(path: Path) -> str | None:
    """The first XML part of the (checked) archive that declares a DTD or entities, or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.infolist():
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as stream:
                        if _DTD_TAG.search(stream.read(_PROLOG_BYTES)):
                            return part.filename
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # a damaged part: the reason is then the parser's
    return None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the exceptions it was raised from, outermost first."""
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def unreadable_reason(path: Path, exc: BaseException, what: str = "workbook") -> str:
    """Why openpyxl could not parse a workbook (or the `what` of it it was reading), in words: its own
    message points at a traceback."""
    # defusedxml refuses entities (it has no stubs, so its exceptions are known by their module)
    defused = any(type(c).__module__.startswith("defusedxml") for c in _causes(exc))
    # ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors
    broken = next((c for c in _causes(exc) if isinstance(c, SyntaxError | ExpatError)), None)
    part = _part_with_dtd(path) if defused or broken is not None else None
    if defused or part is not None:
        where = f"its part {part!r}" if part else "one of its parts"
        return (
            f"the workbook's XML is not plain spreadsheet XML: {where} declares a DTD or entities, which "
            "Excel and LibreOffice never write (entities can expand to gigabytes or pull in files from the "
            "server), so it is not read; open the data in Excel or LibreOffice and save it as a new .xlsx, "
            "or save the sheet as CSV"
        )
    if broken is not None:
        return (
            f"the workbook's XML is broken ({broken}): the file is damaged or was written by a program "
            "that does not write XLSX correctly; open it in Excel or LibreOffice and save it again, or "
            "save the sheet as CSV"
        )
    return f"cannot read the {what}: {exc}"


def formula_issue(label: str, row: int, column: int, header: str, formula: str) -> InputIssue:
    """What is wrong with a formula cell that has no saved value, and what to do about it."""
    from openpyxl.utils import get_column_letter

    cell = f"{get_column_letter(column)}{row}"
    return InputIssue(
        f"cell {cell} holds a formula with no saved value, so it reads as blank; open the file in Excel "
        "or LibreOffice and save it (that stores each formula's value), or replace the formula by its "
        "value, or by its text with a ' in front to keep it as text",
        label,
        row,
        header or get_column_letter(column),
        formula,
    )


def sheet_label(file: str, sheet: str) -> str:
    """How an issue names a sheet of a workbook: `hr.xlsx, sheet 'Time off'`."""
    return f"{file}, sheet {sheet!r}"


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _sheets_in_words(names: list[str], hidden: list[str]) -> str:
    """The sheets Excel shows, then the hidden ones apart: "2 sheets ('A', 'B') and 1 hidden ('Meta')"."""
    shown = [n for n in names if n not in hidden]
    text = f"{len(shown)} sheet{'' if len(shown) == 1 else 's'} ({_quoted(shown)})"
    return text + (f" and {len(hidden)} hidden ({_quoted(hidden)})" if hidden else "")


def _hidden_sheets(book: Any, names: list[str]) -> list[str]:
    """The sheets Excel does not show ('hidden' or 'veryHidden'); none when it would show none."""
    hidden = [n for n in names if book[n].sheet_state != "visible"]
    return hidden if len(hidden) < len(names) else []


def _only_sheet(book: Any, file: str) -> str:
    """The sheet to read when none is named: the only sheet, or the only one not hidden.

    Raises:
        InvalidInput: several sheets show in Excel (the message names the hidden ones apart).
    """
    names: list[str] = list(book.sheetnames)
    hidden = _hidden_sheets(book, names)
    visible = [n for n in names if n not in hidden]
    if len(visible) == 1:
        return visible[0]
    raise _refuse(
        file,
        f"the workbook has {_sheets_in_words(names, hidden)}; name the one to read (--sheet NAME in "
        "`wfm import` and `wfm team init`, ?sheet= in the API) or keep only that sheet in the file",
        tuple(visible),
    )


def _open_sheet(path: Path, sheet: str | None, file: str, *, data_only: bool = True) -> tuple[Any, Any, str]:
    from openpyxl import load_workbook  # imported here: only XLSX readers need it

    try:
        book = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # any parser failure is a bad workbook, reported as such
        raise _refuse(file, unreadable_reason(path, exc)) from exc
    names = list(book.sheetnames)
    if sheet is None:
        try:
            sheet = _only_sheet(book, file)
        except InvalidInput:
            book.close()
            raise
    match = next((n for n in names if n == sheet), None) or next(
        (n for n in names if n.strip().casefold() == sheet.strip().casefold()), None
    )
    if match is None:
        hidden = _hidden_sheets(book, names)
        book.close()
        raise _refuse(
            file,
            f"the workbook has no sheet {sheet!r}; it has {_sheets_in_words(names, hidden)}",
            tuple(names),
        )
    ws = book[match]
    ws.reset_dimensions()  # read the cells that are there, not the size the sheet claims
    return book, ws, match


def _column_key(header: str) -> str:
    """A header as `columns` are matched to it: any case, and spaces, '_' and '-' alike, so that each
    importer's own spelling ('Created at', 'agent_id', 'Date from') finds its column."""
    return " ".join(re.split(r"[\s_-]+", header.strip())).casefold()


def _checked_columns(header: tuple[str, ...], columns: Collection[str] | None) -> set[int] | None:
    """The 1-based positions of the header's cells named in `columns` (`_column_key`), or None for
    every column."""
    if columns is None:
        return None
    wanted = {_column_key(c) for c in columns}
    return {i for i, name in enumerate(header, start=1) if name and _column_key(name) in wanted}


def read_sheet_rows(
    path: Path,
    sheet: str | None = None,
    limits: XlsxLimits = DEFAULT_LIMITS,
    *,
    file: str | None = None,
    columns: Collection[str] | None = None,
) -> tuple[str, Iterator[tuple[str, ...]]]:
    """The chosen sheet's name and its rows as text, streamed (the archive is checked first).

    `sheet` None reads the only sheet, or the only one not hidden (a workbook with several must name
    one). Rows that are empty at the end are kept; the caller decides what an empty row means.
    `columns` names the headers of the columns the caller reads (any case; spaces, '_' and '-' alike):
    a formula with no saved value elsewhere is left alone, since it is never read. None checks every
    column; the header row is always checked, since a header read as blank hides the column it names.

    Raises:
        InvalidInput: the archive is over `limits`, the workbook cannot be parsed (the reason in
            words), the sheet is missing or ambiguous, the sheet has more rows or cells than `limits`
            allow, or formula cells without a saved value (`formula_issue`; all of them, once the
            sheet is read). Raised while iterating.
    """
    shown = file or str(path)
    check_archive(path, limits, file=shown)
    book, ws, name = _open_sheet(path, sheet, shown)
    label = sheet_label(shown, name)
    # the same sheet read a second time, formulas as their text: only for a workbook that has any
    formulas = _open_sheet(path, name, shown, data_only=False) if has_formulas(path) else None

    def rows() -> Iterator[tuple[str, ...]]:
        n_rows = n_cells = 0
        header: tuple[str, ...] = ()
        checked: set[int] | None = None
        issues: list[InputIssue] = []
        texts = iter(()) if formulas is None else formulas[1].iter_rows(values_only=True)
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
                shown_row = tuple(cell_text(v) for v in values)
                if n_rows == 1:
                    header = shown_row
                    checked = _checked_columns(header, columns)
                written = next(texts, ())  # the same row as written: a formula where there is one
                for col, (value, text) in enumerate(zip(values, written, strict=False), start=1):
                    formula = _formula_text(text) if value is None else None
                    read = n_rows == 1 or checked is None or col in checked
                    if formula is not None and read and len(issues) < MAX_FORMULA_ISSUES:
                        named = header[col - 1] if n_rows > 1 and col <= len(header) else ""
                        issues.append(formula_issue(label, n_rows, col, named, formula))
                yield shown_row
        except InvalidInput:
            raise
        except Exception as exc:  # a malformed part deep in the sheet
            raise _refuse(label, unreadable_reason(path, exc, "sheet")) from exc
        finally:
            book.close()
            if formulas is not None:
                formulas[0].close()
        if issues:
            raise InvalidInput(issues)

    return name, rows()


# openpyxl's warning for a date-formatted cell whose number is beyond any date (it reads the cell as
# the error '#VALUE!', which the cell does not hold)
_DATE_SERIAL_WARNING = re.compile(
    r"Cell ([A-Z]+)(\d+) is marked as a date but the serial value (\S+) is outside"
)


def _show_date_serials(body: list[tuple[str, ...]], heard: list[warnings.WarningMessage]) -> None:
    """Put back in `body` (the rows after the header) the number of each date cell openpyxl read as
    '#VALUE!' because it is beyond any date, so that an issue names the value the cell holds."""
    from openpyxl.utils import column_index_from_string

    for message in heard:
        found = _DATE_SERIAL_WARNING.search(str(message.message))
        if found is None:
            continue
        row, col = int(found[2]) - 2, column_index_from_string(found[1]) - 1
        if 0 <= row < len(body) and col < len(body[row]) and body[row][col] == "#VALUE!":
            body[row] = (*body[row][:col], found[3], *body[row][col + 1 :])


def read_sheet_frame(
    path: Path,
    sheet: str | None = None,
    limits: XlsxLimits = DEFAULT_LIMITS,
    *,
    file: str | None = None,
    columns: Collection[str] | None = None,
) -> tuple[str, pd.DataFrame]:
    """The chosen sheet's name and its table as strings (first row the header; blank cells ''); only
    `columns` checked for formulas without a saved value, when given (`read_sheet_rows`)."""
    name, rows = read_sheet_rows(path, sheet, limits, file=file, columns=columns)
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        header = next(rows, None)
        if header is None:
            return name, pd.DataFrame()
        width = len(header)
        while width > 0 and header[width - 1] == "":
            width -= 1
        body = [row[:width] + ("",) * (width - len(row)) for row in rows]
    _show_date_serials(body, heard)
    while body and not any(body[-1]):
        body.pop()  # trailing empty rows: formatting Excel kept, not data
    columns = [c if c else f"column {i + 1}" for i, c in enumerate(header[:width])]
    return name, pd.DataFrame(body, columns=columns, dtype=str)

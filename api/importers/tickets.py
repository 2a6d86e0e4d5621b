"""A helpdesk export (one row per ticket, conversation or call) turned into the contact-history contract.

The export is read in blocks (a CSV streamed by pyarrow, a sheet streamed by the safe XLSX reader),
each block handled with whole-column operations, and only the counts per queue, region and grid
interval are kept between blocks, so memory stays bounded whatever the file's length (the ticket
ids seen so far, 8 bytes each, are the one thing that grows with it). Nothing is written unless the
whole file is good: malformed times, handle times and zone names are errors listing their rows;
tickets the team does not count (a duplicate id, a channel not mapped to a queue) are dropped and
reported with their reasons, and the counts are conserved: the sum of `y` is the tickets kept.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from api.csv_text import CSV_ENCODING, NOT_UTF8, delimiter_of, not_utf8_issue, surrogate_text
from api.formats import FIRST_DATA_ROW, MAX_ISSUES
from api.history import floor_to_grid
from api.importers.presets import PRESETS, Preset, header_key
from api.importers.zones import near_zone_name, zone_of_country, zone_of_name, zone_option
from api.schemas import MAX_SECONDS
from api.xlsx import read_sheet_rows, sheet_label
from common.defaults import INTERVAL_MINUTES
from common.errors import InputIssue, InvalidInput, cut_short
from common.timegrid import check_interval_minutes, zone
from forecasting.core import HISTORY_COLUMNS

CSV_BLOCK_ROWS = 100_000
SHEET_BLOCK_ROWS = 50_000
MAX_PARTS = 4  # partial sums kept before they are added up again
# a UTC offset after a time of day, in every ISO-8601 form (Z, +05, +0530, +05:30), or ' UTC'/' GMT';
# the time of day must precede it, or the day of a date alone ('2026-03-02') would read as '-02'
_OFFSET_RE = r"(?:[Tt\s]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?\s?(?:[zZ]|[+-]\d{2}(?::?\d{2})?)|\s(?:UTC|GMT))$"
_EPOCH_RE = r"^\d{9,13}$"
_PLAIN_ID_RE = r"^(?:0|[1-9]\d{0,17})$"
_HASHED = np.uint64(1 << 63)  # ids that are not plain numbers are hashed into the top half
# the instants a history holds (nanoseconds since 1970 in 64 bits), a day inside pandas' own bounds
EARLIEST = pd.Timestamp("1678-01-01T00:00:00Z")
LATEST = pd.Timestamp("2261-12-31T23:59:59Z")
_FAR_REASON = (
    f"outside the years {EARLIEST.year}-{LATEST.year} a history can hold; a time this far off is a "
    "placeholder or a typo: correct or delete the row"
)


@dataclass(frozen=True)
class TicketOptions:
    """How to read an export: a preset and/or explicit columns, queue names, zones, the grid."""

    team_tz: str
    preset: str | None = None
    created: str | None = None
    queue: str | None = None
    ticket_id: str | None = None
    region: str | None = None  # a time-zone column
    country: str | None = None
    handle_seconds: str | None = None
    handle_minutes: str | None = None
    map_queue: Mapping[str, str] = field(default_factory=dict)  # value (any case) or '*' → queue
    assume_tz: str | None = None
    time_format: str | None = None  # strftime format of the created times, when they are not ISO-8601
    interval_minutes: int = INTERVAL_MINUTES
    sheet: str | None = None
    # the team's queues, when the import knows its team (the service): a ticket of another queue is
    # dropped and counted, not stored as a history the team cannot forecast
    team_queues: tuple[str, ...] | None = None
    # how messages name an option: as `wfm import tickets` spells it (--map-queue) or the API (map_queue)
    spelling: Literal["cli", "api"] = "cli"

    def option(self, name: str, value: str | None = None) -> str:
        """An option as the caller spells it, with a placeholder value if given: `--assume-tz ZONE` on
        the command line, `assume_tz=ZONE` in the API."""
        if self.spelling == "api":
            key = name.replace("-", "_")
            return key if value is None else f"{key}={value}"
        return f"--{name}" if value is None else f"--{name} {value}"


@dataclass(frozen=True)
class Columns:
    """The export's columns the import reads, by role."""

    created: str
    queue: str | None
    ticket_id: str | None
    region: str | None
    country: str | None
    handle: str | None
    handle_unit_s: float

    def used(self) -> dict[str, str]:
        roles = {
            "created": self.created,
            "queue": self.queue,
            "ticket id": self.ticket_id,
            "time zone": self.region,
            "country": self.country,
            "handle time": self.handle,
        }
        return {role: column for role, column in roles.items() if column}


@dataclass(frozen=True)
class ClockChange:
    """Times without an offset that fall in an hour a DST change repeats or skips, and how they were read."""

    count: int
    first_row: int
    first_value: str
    read_as: str  # the first one's reading, ISO-8601 with its offset


MAX_LISTED = 50  # a report lists at most this many drop reasons, channels, countries
MAX_NAME_CHARS = 80  # a channel, queue or country value is quoted at most this long


@dataclass
class TicketReport:
    """What an import kept and dropped, and why."""

    file: str
    columns: dict[str, str]
    delimiter: str = ","
    rows_read: int = 0
    blank_rows: list[int] = field(default_factory=lambda: [0, 0])  # [count, first row]: skipped, not tickets
    kept: int = 0
    dropped: dict[str, list[int]] = field(default_factory=dict)  # reason → [count, first row]
    # channel values dropped for want of a team queue → tickets: what a mapping of channels would keep
    unmapped: dict[str, int] = field(default_factory=dict)
    region_sources: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    queues: dict[str, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    first_ds: str = ""
    last_ds: str = ""
    repeated_hour: ClockChange | None = None  # in the hour the clocks go back: read as the first
    skipped_hour: ClockChange | None = None  # in the hour the clocks go forward: moved past the gap
    untimed: int = 0  # tickets with a handle time of 0: counted, left out of the mean handle time
    team_tz: str = "UTC"  # the zone the lines give the history's span in (the team's)

    def most_dropped(self) -> dict[str, int]:
        """The `MAX_LISTED` reasons that dropped most tickets, with how many; the others as one line."""
        ranked = sorted(self.dropped.items(), key=lambda kv: -kv[1][0])
        out = {reason: count for reason, (count, _) in ranked[:MAX_LISTED]}
        if len(ranked) > MAX_LISTED:
            out[f"{len(ranked) - MAX_LISTED:,} other reasons"] = sum(c for _, (c, _) in ranked[MAX_LISTED:])
        return out

    def most_unmapped(self) -> dict[str, int]:
        """The `MAX_LISTED` unmapped channels with most tickets (a mapping would keep them)."""
        ranked = sorted(self.unmapped.items(), key=lambda kv: -kv[1])[:MAX_LISTED]
        return {cut_short(channel, MAX_NAME_CHARS): count for channel, count in ranked}

    def drop(self, reason: str, count: int, first_row: int) -> None:
        seen = self.dropped.setdefault(reason, [0, first_row])
        seen[0] += count
        seen[1] = min(seen[1], first_row)

    def _local(self, iso: str) -> str:
        """An instant of the report (ISO-8601) on the team's clock, as a lead reads it: 'Mon 02 Mar 2026 09:10'."""
        return datetime.fromisoformat(iso).astimezone(zone(self.team_tz)).strftime("%a %d %b %Y %H:%M")

    def lines(self) -> list[str]:
        """The report as a lead reads it."""
        n_dropped = sum(c for c, _ in self.dropped.values())
        out = [
            f"{self.file}: {self.rows_read:,} rows read, {self.kept:,} tickets kept, {n_dropped:,} dropped",
            "columns: "
            + ", ".join(f"{role} = {col!r}" for role, col in self.columns.items())
            + (f" (fields separated by {self.delimiter!r})" if self.delimiter != "," else ""),
        ]
        if self.blank_rows[0]:
            out.append(f"  skipped {self.blank_rows[0]:,} blank rows (first at row {self.blank_rows[1]})")
        ranked = sorted(self.dropped.items(), key=lambda kv: -kv[1][0])
        for reason, (count, first) in ranked[:MAX_LISTED]:
            out.append(f"  dropped {count:,}: {reason} (first at row {first})")
        if len(ranked) > MAX_LISTED:
            rest = sum(count for _, (count, _) in ranked[MAX_LISTED:])
            out.append(f"  dropped {rest:,} more for {len(ranked) - MAX_LISTED:,} other reasons")
        if self.untimed:
            out.append(
                f"  {self.untimed:,} tickets with a handle time of 0 are counted as contacts and left out of "
                "the mean handle time"
            )
        if self.kept:
            out.append(
                f"history from {self._local(self.first_ds)} to {self._local(self.last_ds)} ({self.team_tz})"
            )
            out.append(
                "tickets per queue: " + ", ".join(f"{q} {n:,}" for q, n in sorted(self.queues.items()))
            )
            top = sorted(self.regions.items(), key=lambda kv: -kv[1])
            shown = ", ".join(f"{r} {n:,}" for r, n in top[:MAX_LISTED])
            if len(top) > MAX_LISTED:
                rest = sum(n for _, n in top[MAX_LISTED:])
                shown += f", and {len(top) - MAX_LISTED:,} more regions with {rest:,} tickets"
            out.append(f"tickets per region ({len(top):,}): {shown}")
            sources = ", ".join(f"{n:,} from {s}" for s, n in self.region_sources.most_common())
            out.append(f"regions: {sources}")
        out += [f"warning: {w}" for w in self.warnings]
        return out


def _find(header: list[str], wanted: str) -> str | None:
    keys = {header_key(h): h for h in header}
    return keys.get(header_key(wanted))


def resolve_columns(header: list[str], options: TicketOptions, file: str) -> Columns:
    """Which of the export's columns play which role (flags first, then the preset's names).

    Raises:
        InvalidInput: an unknown preset, a named column the header lacks, or no created-time or
            queue column.
    """
    preset: Preset | None = None
    if options.preset is not None:
        preset = PRESETS.get(options.preset.lower())
        if preset is None:
            raise InvalidInput(
                [InputIssue(f"unknown preset {options.preset!r}; use one of {', '.join(PRESETS)}", file)]
            )
    shown_header = ", ".join(repr(h) for h in header[:40])
    issues: list[InputIssue] = []

    def pick(name: str, given: str | None, candidates: tuple[str, ...]) -> str | None:
        if given is not None:
            found = _find(header, given)
            if found is None:
                issues.append(
                    InputIssue(
                        f"column {given!r} ({options.option(name)}) is not in the header; it has {shown_header}",
                        file,
                        1,
                    )
                )
            return found
        return next((f for f in (_find(header, c) for c in candidates) if f is not None), None)

    created = pick("created", options.created, preset.created if preset else ())
    queue = pick("queue", options.queue, preset.queue if preset else ())
    ticket_id = pick("ticket-id", options.ticket_id, preset.ticket_id if preset else ())
    region = pick("region", options.region, preset.region if preset else ())
    country = pick("country", options.country, preset.country if preset else ())
    seconds = pick("handle-seconds", options.handle_seconds, preset.handle_seconds if preset else ())
    minutes = pick("handle-minutes", options.handle_minutes, ())
    if seconds and minutes:
        issues.append(
            InputIssue(
                f"give {options.option('handle-seconds')} or {options.option('handle-minutes')}, not both",
                file,
            )
        )
    if created is None and options.created is None:
        issues.append(
            InputIssue(
                f"no created-time column: give {options.option('created', 'COLUMN')} (or a "
                f"{options.option('preset')}); the header has {shown_header}",
                file,
                1,
            )
        )
    if queue is None and options.queue is None and "*" not in options.map_queue:
        issues.append(
            InputIssue(
                f"no channel or queue column: give {options.option('queue', 'COLUMN')}, or "
                f"{options.option('map-queue', repr('*=QUEUE'))} to count every ticket on one queue; the "
                f"header has {shown_header}",
                file,
                1,
            )
        )
    if not issues:
        picked = {"created": created, "queue": queue, "ticket id": ticket_id, "time zone": region}
        picked |= {"country": country, "handle time": minutes or seconds}
        issues += _ambiguous_columns(header, picked, file)
    if issues:
        raise InvalidInput(issues)
    assert created is not None
    return Columns(created, queue, ticket_id, region, country, minutes or seconds, 60.0 if minutes else 1.0)


def _ambiguous_columns(header: list[str], picked: dict[str, str | None], file: str) -> list[InputIssue]:
    """An issue for each column the import reads that the header has twice (headers match in any case)."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(header_key(name), []).append(i)
    issues = []
    for role, column in picked.items():
        same = positions.get(header_key(column), []) if column else []
        if len(same) > 1:
            named = [f"{_column_letter(i)} {header[i]!r}" for i in same]
            both = ", ".join(named[:-1]) + " and " + named[-1]
            issues.append(
                InputIssue(
                    f"columns {both} are the same header ({role}), so which one to read is a guess; "
                    "rename or delete all but one",
                    file,
                    1,
                    column,
                )
            )
    return issues


def _column_letter(index: int) -> str:
    """A 0-based column position as a spreadsheet names it: A, B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _csv_header(path: Path, file: str) -> tuple[list[str], str]:
    """The CSV's header row and the character that separates its fields (',', or ';' or a tab).

    The header is read by the csv module (no need to parse a block to learn the names), as
    written: pandas selects the columns by these names.

    Raises:
        InvalidInput: the file is UTF-16 or not UTF-8 (where the first bad byte is), or unreadable.
    """
    try:
        with path.open("rb") as raw:
            start = raw.read(4096)
        if start.startswith(b"PK\x03\x04"):
            raise InvalidInput(
                [
                    InputIssue(
                        "the file is a workbook (XLSX or another zip archive) named .csv: name it .xlsx, or "
                        "save it from the spreadsheet as 'CSV UTF-8'",
                        file,
                    )
                ]
            )
        # UTF-16 without its mark has a NUL beside every letter of plain text; a stray NUL is not that
        if start.startswith((b"\xff\xfe", b"\xfe\xff")) or (start and start.count(b"\x00") * 4 >= len(start)):
            raise InvalidInput(
                [
                    InputIssue(
                        "the export is UTF-16 text (Excel's 'Unicode Text'; its first bytes are "
                        f"{start[:2].hex(' ').upper()}); the importer reads UTF-8: save it as 'CSV UTF-8'",
                        file,
                        1,
                    )
                ]
            )
        with surrogate_text(path) as text:
            delimiter = delimiter_of(text.readline())
        with surrogate_text(path) as text:
            header = list(next(csv.reader(text, delimiter=delimiter), []))
    except (OSError, csv.Error) as exc:
        raise InvalidInput([InputIssue(f"cannot read the CSV: {exc}", file)]) from exc
    if any(NOT_UTF8.search(name) for name in header):
        raise InvalidInput([not_utf8_issue(path, file, delimiter)])
    return header, delimiter


def _csv_blocks(path: Path, columns: list[str], file: str, delimiter: str = ",") -> Iterator[pd.DataFrame]:
    """The CSV's `columns`, block by block, as stripped strings (only these columns are kept).

    pandas' C parser reads a block when asked for it (pyarrow's streaming reader reads the file
    ahead in the background, so its memory grows with a file it reads faster than we count).
    Blank lines are kept as rows of empty text, so that row numbers stay the ones a spreadsheet shows.
    """
    try:
        with pd.read_csv(
            path,
            sep=delimiter,
            usecols=columns,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding=CSV_ENCODING,
            chunksize=CSV_BLOCK_ROWS,
            engine="c",
        ) as reader:
            for chunk in reader:
                yield pd.DataFrame(
                    {
                        c: pc.utf8_trim_whitespace(pa.array(chunk[c], type=pa.string())).to_pandas()
                        for c in columns
                    }
                )
    except UnicodeDecodeError as exc:
        raise InvalidInput([not_utf8_issue(path, file, delimiter)]) from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InvalidInput([InputIssue(f"cannot read the CSV: {exc}", file)]) from exc


def _sheet_blocks(
    header: list[str], rows: Iterator[tuple[str, ...]], columns: list[str]
) -> Iterator[pd.DataFrame]:
    """The sheet's `columns`, block by block (cells are text already, stripped)."""
    where = [header.index(c) for c in columns]
    block: list[tuple[str, ...]] = []

    def frame(rows_: list[tuple[str, ...]]) -> pd.DataFrame:
        return pd.DataFrame(
            [tuple(r[i] if i < len(r) else "" for i in where) for r in rows_], columns=columns, dtype=str
        )

    for row in rows:
        block.append(row)
        if len(block) >= SHEET_BLOCK_ROWS:
            yield frame(block)
            block = []
    if block:
        yield frame(block)


def _zoned_format(time_format: str) -> bool:
    """Whether a strftime format reads an offset or a zone (then each time is read to UTC)."""
    return re.search(r"(?<!%)(?:%%)*%[zZ]", time_format) is not None


def check_time_format(time_format: str, file: str) -> None:
    """Raises InvalidInput when pandas cannot read times in `time_format` (before any row is read)."""
    try:
        pd.to_datetime(pd.Series(["2026-03-02 09:15:00"]), format=time_format, errors="coerce")
    except (ValueError, TypeError, re.error) as exc:
        why = str(exc)
        if "redefinition of group name" in why:
            why = f"a code is given twice ({why})"
        raise InvalidInput(
            [
                InputIssue(
                    f"the time format {time_format!r} cannot be read: {why}; write it with strftime codes, "
                    "each once, such as '%m/%d/%Y %I:%M %p'",
                    file,
                    value=time_format,
                )
            ]
        ) from exc


def _outside(times: pd.Series) -> npt.NDArray[np.bool_]:
    """Which times lie outside EARLIEST..LATEST (a missing time does not)."""
    tz = getattr(times.dt, "tz", None)
    earliest, latest = (
        (EARLIEST, LATEST) if tz is not None else (EARLIEST.tz_localize(None), LATEST.tz_localize(None))
    )
    return np.asarray(((times < earliest) | (times > latest)).to_numpy(), dtype=bool)


# the formats a helpdesk or a spreadsheet writes times in, day first and month first: offered when
# every time that is not ISO-8601 reads in one (or both, when no day is past the 12th)
USUAL_TIME_FORMATS = tuple(
    f"{day} {clock}"
    for day in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y")
    for clock in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p")
)
FORMAT_SAMPLE = 500  # values tried against each usual format


def _format_advice(bad: pd.Series) -> str:
    """The usual formats every bad value (a sample) reads in, in words: one, the day-first and the
    month-first when both read (no day past the 12th), or an example when none does."""
    sample = bad.iloc[:FORMAT_SAMPLE]
    fits = [
        f
        for f in USUAL_TIME_FORMATS
        if len(sample) and pd.to_datetime(sample, format=f, errors="coerce").notna().all()
    ]
    if len(fits) == 1:
        return f"which reads them: {fits[0]!r}"
    if len(fits) >= 2:
        return f"{fits[0]!r} if the day comes first, {fits[1]!r} if the month does"
    return "e.g. '%m/%d/%Y %I:%M %p'"


def _wall_clock(text: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """ISO-8601 times without an offset as wall-clock times, and which rows turn out to have one.

    `_OFFSET_RE` should have seen every offset; this is the net under it: pandas refuses to mix
    times with and without an offset in one call, and an offset read as naive would be wrong.
    """
    try:
        local = pd.to_datetime(text, format="ISO8601", errors="coerce")
        if not isinstance(local.dtype, pd.DatetimeTZDtype):
            return local, np.zeros(len(text), dtype=bool)
    except (ValueError, TypeError):
        pass
    with_offset = [v for v in text.dropna().unique() if _has_offset(str(v))]
    has_offset = text.isin(with_offset).to_numpy()
    return pd.to_datetime(text.where(~has_offset), format="ISO8601", errors="coerce"), has_offset


def _has_offset(value: str) -> bool:
    try:
        return pd.Timestamp(value).tzinfo is not None
    except (ValueError, TypeError, OverflowError):
        return False


_SERIAL_DATE = (
    r"\s*[2-7]\d{4}(\.\d+)?\s*"  # an Excel day number of 1954..2173, as a cell without a date format shows it
)
_DECIMAL_COMMA = r"^\s*(-?\d+),(\d+)\s*$"
_NOT_A_HANDLE_TIME = (
    "not a handle time: a number of 0 or more (a decimal comma only where fields are separated by ';')"
)


class _Import:
    """The state of one import between blocks: partial sums, ids seen, what was dropped and why."""

    def __init__(self, columns: Columns, options: TicketOptions, preset: Preset | None, file: str) -> None:
        self.columns = columns
        self.options = options
        self.file = file
        self.report = TicketReport(file, columns.used(), team_tz=options.team_tz)
        self.issues: list[InputIssue] = []
        self.naive_tz = options.assume_tz or (preset.naive_tz if preset else None)
        # times without an offset, when no zone is named for them: how many, and the first
        self.naive_count = 0
        self.naive_first: tuple[int, str] = (0, "")
        self.zoned = 0
        self.rows: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)  # the block's rows, as numbered
        self.seen_ids: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self.parts: list[pd.DataFrame] = []
        self.channel_words = dict(preset.channel_words) if preset else {}
        self.queue_map = {k.strip().casefold(): v for k, v in options.map_queue.items()}
        self.zone_cache: dict[str, str | None] = {}
        self.unknown_zones: dict[str, list[int]] = {}
        self.country_cache: dict[str, tuple[str | None, int]] = {}
        self.several_zones: Counter[str] = Counter()
        self.unknown_countries: Counter[str] = Counter()

    def issue(
        self, reason: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(InputIssue(reason, self.file, row, column, value))

    def rows_issue(self, mask: npt.NDArray[np.bool_], text: pd.Series, column: str, reason: str) -> None:
        for pos in np.flatnonzero(mask)[: MAX_ISSUES - len(self.issues)]:
            self.issue(reason, self.row(pos), column, str(text.iloc[pos]))

    def row(self, pos: int | np.integer) -> int:
        """The row number of the block's `pos`-th ticket, as a spreadsheet shows it."""
        return int(self.rows[pos])

    # --- one block -------------------------------------------------------------------------------

    def add_block(self, block: pd.DataFrame, first_row: int) -> None:
        """Counts a block whose first line is row `first_row`; blank rows are skipped, not tickets."""
        self.rows = np.arange(first_row, first_row + len(block), dtype=np.int64)
        blank = np.logical_and.reduce([(block[c] == "").to_numpy() for c in block.columns])
        if blank.any():
            seen = self.report.blank_rows
            seen[1] = seen[1] or int(self.rows[blank][0])
            seen[0] += int(blank.sum())
            block = block[~blank].reset_index(drop=True)
            self.rows = self.rows[~blank]
        n = len(block)
        self.report.rows_read += n
        created = self._instants(block[self.columns.created])
        keep = np.ones(n, dtype=bool)
        queue = self._queues(block, keep)
        keep &= self._first_sightings(block, keep)
        region = self._regions(block, keep)
        handle_s = self._handle_seconds(block)
        if self.issues or self.naive_count:
            return  # the file is bad: no need to count what will not be written
        # every time is within EARLIEST..LATEST (or an issue), so nanoseconds cannot overflow
        ds_ns = created.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        rows = pd.DataFrame(
            {
                "ds": floor_to_grid(ds_ns[keep], self.options.interval_minutes, self.options.team_tz),
                "queue": queue[keep],
                "region": region[keep],
                "y": np.ones(int(keep.sum())),
                "timed": np.isfinite(handle_s[keep]).astype(float),
                "work_s": np.nan_to_num(handle_s[keep]),
            }
        )
        self.report.kept += len(rows)
        self.parts.append(rows.groupby(["ds", "queue", "region"], as_index=False, sort=False).sum())
        if len(self.parts) > MAX_PARTS:
            self.parts = [self._sums()]

    def _instants(self, text: pd.Series) -> pd.Series:
        """Created times as UTC; naive ones read in the named zone, or counted for the one error."""
        column = self.columns.created
        n = len(text)
        empty = (text == "").to_numpy()
        self.rows_issue(empty, text, column, "empty; every ticket needs its created time")
        far = np.zeros(n, dtype=bool)
        local: pd.Series | None = None  # wall-clock times of the rows without an offset
        if self.options.time_format is not None:
            fmt = self.options.time_format
            if _zoned_format(fmt):
                utc = pd.to_datetime(text.where(~empty), format=fmt, utc=True, errors="coerce")
                zoned = ~empty
            else:
                utc = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
                local = pd.to_datetime(text.where(~empty), format=fmt, errors="coerce")
                zoned = np.zeros(n, dtype=bool)
        else:
            arrow = pa.array(text, type=pa.string())
            zoned = np.asarray(
                pc.match_substring_regex(arrow, _OFFSET_RE).to_numpy(zero_copy_only=False), dtype=bool
            )
            epoch = np.asarray(
                pc.match_substring_regex(arrow, _EPOCH_RE).to_numpy(zero_copy_only=False), dtype=bool
            )
            zoned_text = text.where(zoned)
            if pc.any(pc.match_substring_regex(arrow, r"\s(?:UTC|GMT)$")).as_py():
                zoned_text = zoned_text.str.replace(r"\s(?:UTC|GMT)$", "+00:00", regex=True)
            utc = pd.to_datetime(zoned_text, utc=True, format="ISO8601", errors="coerce")
            if epoch.any():
                numbers = pd.to_numeric(text.where(epoch), errors="coerce")
                in_ms = numbers > 1e11  # 13 digits: milliseconds
                seconds = numbers.where(~in_ms, numbers / 1000.0)
                far |= ((seconds < EARLIEST.timestamp()) | (seconds > LATEST.timestamp())).to_numpy()
                seconds = seconds.where(~far)
                utc = utc.where(~epoch, pd.to_datetime(seconds, unit="s", utc=True, errors="coerce"))
            zoned |= epoch
            naive = ~zoned & ~empty
            if naive.any():
                local, has_offset = _wall_clock(text.where(naive))
                if has_offset.any():  # an offset the pattern missed: read those as zoned after all
                    offset_text = text.where(has_offset)
                    utc = utc.where(
                        ~has_offset, pd.to_datetime(offset_text, utc=True, format="mixed", errors="coerce")
                    )
                    zoned |= has_offset
        naive = ~zoned & ~empty
        far |= ~empty & _outside(utc)
        ok_local = np.zeros(n, dtype=bool)
        if local is not None:
            far |= naive & _outside(local)
            ok_local = naive & ~far & local.notna().to_numpy()
        self.zoned += int(zoned.sum())
        if ok_local.any():
            if self.naive_tz is None:
                if self.naive_count == 0:
                    first = int(np.flatnonzero(ok_local)[0])
                    self.naive_first = (self.row(first), str(text.iloc[first]))
                self.naive_count += int(ok_local.sum())
            else:
                assert local is not None
                utc = utc.where(~ok_local, self._localize(local.where(ok_local), ok_local, text))
                far |= ok_local & _outside(utc)  # a zone's offset can carry a time past the edge
        self.rows_issue(far, text, column, _FAR_REASON)
        bad = ~empty & ~far & utc.isna().to_numpy()
        if self.naive_tz is None:
            bad &= ~ok_local
        hint = (
            f"not a time in the format {self.options.time_format!r}"
            if self.options.time_format
            else "not an ISO-8601 time (like 2026-03-02T09:15:00Z); give its format with "
            f"{self.options.option('time-format')}, {_format_advice(text[bad])}"
        )
        serial = bad & text.str.fullmatch(_SERIAL_DATE).to_numpy(dtype=bool)
        self.rows_issue(
            serial,
            text,
            column,
            "a number, as Excel stores a date and time when the cell has no date format: format the column "
            "as a date and time in the spreadsheet (or export from the helpdesk again) and save it again",
        )
        self.rows_issue(bad & ~serial, text, column, hint)
        return utc

    def _localize(self, local: pd.Series, ok: npt.NDArray[np.bool_], text: pd.Series) -> pd.Series:
        """Wall-clock times in the named zone, as UTC; those a DST change makes odd are counted.

        A time in the hour the clocks repeat is read as the first of the two (daylight time), a time
        in the hour they skip as the first time after the gap; the report says how many and which.
        """
        assert self.naive_tz is not None
        tz = zone(self.naive_tz).key
        strict = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        odd = ok & strict.isna().to_numpy()
        if not odd.any():
            return pd.Series(strict.dt.tz_convert("UTC"))
        at = np.flatnonzero(odd)
        daylight = np.ones(at.size, dtype=bool)
        read = local.iloc[at].dt.tz_localize(tz, ambiguous=daylight, nonexistent="shift_forward")
        skipped = local.iloc[at].dt.tz_localize(tz, ambiguous=daylight, nonexistent="NaT").isna().to_numpy()
        for kind, which in (("skipped", skipped), ("repeated", ~skipped)):
            if which.any():
                first = int(np.flatnonzero(which)[0])
                self._clock_change(
                    kind, int(which.sum()), self.row(at[first]), str(text.iloc[at[first]]), read.iloc[first]
                )
        return pd.Series(strict.where(~odd, read).dt.tz_convert("UTC"))

    def _clock_change(self, kind: str, count: int, row: int, value: str, read_as: pd.Timestamp) -> None:
        before = self.report.skipped_hour if kind == "skipped" else self.report.repeated_hour
        change = (
            ClockChange(count, row, value, read_as.isoformat())
            if before is None
            else replace(before, count=before.count + count)
        )
        if kind == "skipped":
            self.report.skipped_hour = change
        else:
            self.report.repeated_hour = change

    def _queues(self, block: pd.DataFrame, keep: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        """Each ticket's queue; tickets without one the team counts are dropped with the reason."""
        n = len(block)
        if self.columns.queue is None:
            return np.full(n, self.queue_map["*"], dtype=object)
        codes, values = pd.factorize(block[self.columns.queue])
        queues: list[str | None] = []
        reasons: list[str | None] = []
        words: list[str] = []
        for value in values:
            word = self.channel_words.get(str(value), str(value))
            queue = self.queue_map.get(word.casefold(), self.queue_map.get("*")) if self.queue_map else word
            known = self.options.team_queues
            if queue and known is not None:  # the team's queue of that name, in any case
                named = next((q for q in known if q.casefold() == queue.casefold()), None)
                reason = (
                    None
                    if named
                    else f"queue {cut_short(repr(queue), MAX_NAME_CHARS)} is not one of the team's queues ({', '.join(known)}; map it with "
                    f"{self.options.option('map-queue')})"
                )
                queue = named
            elif queue:
                reason = None
            elif word:
                reason = f"channel {cut_short(repr(word), MAX_NAME_CHARS)} is not mapped to a queue ({self.options.option('map-queue')})"
            else:
                reason = "no channel or queue value"
            queues.append(queue or None)
            reasons.append(reason)
            words.append(word)
        for code, reason in enumerate(reasons):
            rows = codes == code
            if reason is not None and rows.any():
                count = int(rows.sum())
                self.report.drop(reason, count, self.row(np.flatnonzero(rows)[0]))
                if words[code]:  # a channel a mapping would keep
                    self.report.unmapped[words[code]] = self.report.unmapped.get(words[code], 0) + count
                keep &= ~rows
        return np.asarray(queues, dtype=object)[codes]

    def _first_sightings(self, block: pd.DataFrame, keep: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """False for a ticket id seen before (in this block or an earlier one)."""
        n = len(block)
        out = np.ones(n, dtype=bool)
        if self.columns.ticket_id is None:
            return out
        text = block[self.columns.ticket_id]
        given = (text != "").to_numpy() & keep
        if not given.any():
            return out
        arrow = pa.array(text[given], type=pa.string())
        plain = np.asarray(
            pc.match_substring_regex(arrow, _PLAIN_ID_RE).to_numpy(zero_copy_only=False), dtype=bool
        )
        keys = np.empty(int(given.sum()), dtype=np.uint64)
        if plain.any():
            keys[plain] = pc.cast(pc.filter(arrow, pa.array(plain)), pa.uint64()).to_numpy()
        if (~plain).any():
            hashed = pd.util.hash_array(text[given][~plain].to_numpy(dtype=object))
            keys[~plain] = hashed | _HASHED
        again = pd.Index(keys).duplicated(keep="first") | self._seen(keys)
        self.seen_ids = np.sort(np.concatenate([self.seen_ids, keys[~again]]))
        positions = np.flatnonzero(given)[again]
        if positions.size:
            out[positions] = False
            self.report.drop(
                "duplicate ticket id (the export lists the ticket more than once)",
                int(positions.size),
                self.row(positions[0]),
            )
        return out

    def _seen(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
        """Which keys an earlier block had (binary search in the sorted ids seen so far)."""
        if self.seen_ids.size == 0:
            return np.zeros(keys.size, dtype=bool)
        at = np.minimum(np.searchsorted(self.seen_ids, keys), self.seen_ids.size - 1)
        return np.asarray(self.seen_ids[at] == keys)

    def _regions(self, block: pd.DataFrame, keep: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        """Each ticket's region: its time-zone column, else its country's zone, else the team's
        (the report counts where the regions of the tickets kept came from)."""
        n = len(block)
        region = np.full(n, "", dtype=object)
        if self.columns.region is not None:
            text = block[self.columns.region]
            codes, values = pd.factorize(text)
            zones = [self._zone(str(v), codes == i) for i, v in enumerate(values)]
            region = np.asarray([*zones, ""], dtype=object)[codes]
            self.report.region_sources["the time-zone column"] += int(((region != "") & keep).sum())
        if self.columns.country is not None:
            todo = region == ""
            codes, values = pd.factorize(block[self.columns.country].where(todo, ""))
            zones = [self._country_zone(str(v), int((codes == i).sum())) for i, v in enumerate(values)]
            from_country = np.asarray([*zones, ""], dtype=object)[codes]
            region = np.where(todo, from_country, region)
            self.report.region_sources["the country column"] += int(
                (todo & (from_country != "") & keep).sum()
            )
        fallback = region == ""
        self.report.region_sources["the team's zone"] += int((fallback & keep).sum())
        region[fallback] = zone(self.options.team_tz).key
        return region

    def _zone(self, name: str, rows: npt.NDArray[np.bool_]) -> str:
        if name not in self.zone_cache:
            self.zone_cache[name] = zone_of_name(name) if name else None
        tz = self.zone_cache[name]
        if tz is None and name:
            seen = self.unknown_zones.setdefault(name, [0, self.row(np.flatnonzero(rows)[0])])
            seen[0] += int(rows.sum())
        return tz or ""

    def _country_zone(self, name: str, count: int) -> str:
        if not name:
            return ""
        if name not in self.country_cache:
            found = zone_of_country(name)
            self.country_cache[name] = (None, 0) if found is None else (found.tz, found.n_zones)
        tz, n_zones = self.country_cache[name]
        if tz is None:
            self.unknown_countries[name] += count
        elif n_zones > 1:
            self.several_zones[f"{name} ({tz})"] += count
        return tz or ""

    def _handle_seconds(self, block: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Each ticket's handle time in seconds: NaN where blank or 0 (a missed call, a ticket closed
        untouched: a contact, but no handle time to average). A number that is not one, negative or
        above a day is an issue."""
        n = len(block)
        if self.columns.handle is None:
            return np.full(n, np.nan)
        text = block[self.columns.handle]
        if self.report.delimiter != ",":  # European Excel: 12,5 is twelve and a half
            text = text.str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True)
        values = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(dtype=float)
        bad = (text != "").to_numpy() & ~(np.isfinite(values) & (values >= 0))
        self.rows_issue(bad, block[self.columns.handle], self.columns.handle, _NOT_A_HANDLE_TIME)
        with np.errstate(over="ignore", invalid="ignore"):
            seconds = values * self.columns.handle_unit_s
        too_long = ~bad & (seconds > MAX_SECONDS)
        self.rows_issue(
            too_long,
            block[self.columns.handle],
            self.columns.handle,
            f"a handle time above a day ({MAX_SECONDS:,.0f} s): check the column and its unit "
            f"({self.options.option('handle-seconds')} or {self.options.option('handle-minutes')})",
        )
        zero = seconds == 0
        self.report.untimed += int(zero.sum())
        return np.where(zero, np.nan, seconds)

    # --- the end ---------------------------------------------------------------------------------

    def _sums(self) -> pd.DataFrame:
        return (
            pd.concat(self.parts, ignore_index=True)
            .groupby(["ds", "queue", "region"], as_index=False, sort=True)
            .sum()
        )

    def finish(self) -> pd.DataFrame:
        """The history frame; raises the file's errors, if any, instead."""
        self._zone_errors()
        if self.naive_count:
            mixed = (
                f", while {self.zoned:,} have one: the export mixes two kinds of time" if self.zoned else ""
            )
            self.issues.insert(
                0,
                InputIssue(
                    f"{self.naive_count:,} times have no UTC offset (first: row {self.naive_first[0]}){mixed}; "
                    f"name the zone they are written in with {self.options.option('assume-tz', 'ZONE')} "
                    "(usually the helpdesk account's zone)",
                    self.file,
                    column=self.columns.created,
                    value=self.naive_first[1],
                ),
            )
        if self.report.rows_read == 0:
            self.issues.append(InputIssue("the export has no rows", self.file))
        elif self.report.kept == 0 and not self.issues:
            reasons = "; ".join(f"{count:,} {reason}" for reason, count in self.report.most_dropped().items())
            self.issues.append(
                InputIssue(f"no ticket kept of {self.report.rows_read:,} rows: {reasons}", self.file)
            )
        if self.issues:
            raise InvalidInput(self.issues)
        tz = self.naive_tz
        if (change := self.report.repeated_hour) is not None:
            self.report.warnings.append(
                f"{change.count:,} times fall in the hour {tz} repeats when its clocks go back (first: row "
                f"{change.first_row}, {change.first_value!r}): read as the first of the two, daylight time "
                f"({change.read_as}); if the helpdesk meant the second, those tickets are counted an hour early"
            )
        if (change := self.report.skipped_hour) is not None:
            self.report.warnings.append(
                f"{change.count:,} times fall in the hour {tz} skips when its clocks go forward, a time no "
                f"clock there showed (first: row {change.first_row}, {change.first_value!r}): read as the "
                f"first time after the gap ({change.read_as}); check the zone given to "
                f"{self.options.option('assume-tz')}"
            )
        for name, count in self.unknown_countries.most_common(MAX_LISTED):
            self.report.warnings.append(
                f"{count:,} tickets from {cut_short(repr(name), MAX_NAME_CHARS)}, not a country: counted in "
                "the team's zone"
            )
        if len(self.unknown_countries) > MAX_LISTED:
            rest = self.unknown_countries.most_common()[MAX_LISTED:]
            self.report.warnings.append(
                f"{sum(c for _, c in rest):,} tickets from {len(rest):,} other values that are not countries: "
                "counted in the team's zone"
            )
        for name, count in self.several_zones.most_common(MAX_LISTED):
            self.report.warnings.append(
                f"{count:,} tickets from {name}: the country has several time zones and its principal one "
                f"was used; a time-zone column ({self.options.option('region')}) places them exactly"
            )
        return self._history()

    def _zone_errors(self) -> None:
        """An issue per unknown zone name, first seen first, as many as are shown (a hint costs a
        search of every zone name: not one per distinct value of a wrong column)."""
        names = sorted(self.unknown_zones.items(), key=lambda kv: kv[1][1])
        room = max(MAX_ISSUES - len(self.issues), 0)
        if len(names) > room:
            rest = names[room:]
            self.issue(
                f"{len(rest):,} more unknown time-zone names ({sum(c for _, (c, _) in rest):,} tickets); is "
                f"{self.options.option('region')} the time-zone column?",
                column=self.columns.region,
            )
            names = names[: max(room - 1, 0)]
        for name, (count, first) in names:
            near = near_zone_name(name)
            hint = f"; did you mean {near!r}?" if near else "; use an IANA name such as 'America/New_York'"
            self.issue(
                f"unknown time-zone name ({count:,} tickets, first at row {first}){hint}",
                first,
                self.columns.region,
                name,
            )

    def _history(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=list(HISTORY_COLUMNS))
        sums = self._sums()
        with np.errstate(divide="ignore", invalid="ignore"):
            aht = np.where(sums["timed"] > 0, sums["work_s"] / sums["timed"], np.nan)
        frame = pd.DataFrame(
            {
                "ds": pd.to_datetime(sums["ds"].to_numpy(), unit="ns", utc=True),
                "queue": sums["queue"].astype(str).to_numpy(),
                "region": sums["region"].astype(str).to_numpy(),
                "y": sums["y"].to_numpy(dtype=np.int64),
                "aht_s": aht,
            }
        ).sort_values(["queue", "region", "ds"], kind="stable", ignore_index=True)
        self.report.queues = {str(k): int(v) for k, v in frame.groupby("queue")["y"].sum().items()}
        self.report.regions = {str(k): int(v) for k, v in frame.groupby("region")["y"].sum().items()}
        self.report.first_ds = frame["ds"].min().isoformat().replace("+00:00", "Z")
        self.report.last_ds = frame["ds"].max().isoformat().replace("+00:00", "Z")
        return frame


def _columns_read(options: TicketOptions) -> list[str]:
    """The headers an import may read (given, or its preset's): a formula elsewhere is not its business."""
    given = (
        options.created,
        options.queue,
        options.ticket_id,
        options.region,
        options.country,
        options.handle_seconds,
        options.handle_minutes,
    )
    preset = PRESETS.get(options.preset.lower()) if options.preset else None
    named = (
        [*preset.created, *preset.queue, *preset.ticket_id, *preset.region, *preset.country] if preset else []
    )
    return [c for c in given if c] + named + (list(preset.handle_seconds) if preset else [])


def import_tickets(
    path: Path, options: TicketOptions, *, file: str | None = None
) -> tuple[pd.DataFrame, TicketReport]:
    """The history contract (`ds` on the team's grid, `queue`, `region`, `y`, `aht_s`) of an export.

    Args:
        path: a CSV (UTF-8) or XLSX export, one row per ticket, conversation or call.
        options: the preset, columns, queue map and zones (see `TicketOptions`).
        file: the name issues give the file (default: `path`).

    Raises:
        InvalidInput: the whole list of what is wrong; nothing is returned from a bad export.
    """
    shown = file or str(path)
    check_interval_minutes(options.interval_minutes)
    zone_option(options.option("tz"), options.team_tz)
    if options.assume_tz is not None:
        zone_option(options.option("assume-tz"), options.assume_tz)
    if options.time_format is not None:
        check_time_format(options.time_format, shown)
    if not path.is_file():
        raise InvalidInput([InputIssue("file not found", shown)])
    suffix = path.suffix.lower()
    rows: Iterator[tuple[str, ...]] = iter(())
    delimiter = ","
    if suffix == ".csv":
        if options.sheet is not None:
            raise InvalidInput(
                [InputIssue(f"a CSV file has no sheets; leave out {options.option('sheet')}", shown)]
            )
        header, delimiter = _csv_header(path, shown)
    elif suffix == ".xlsx":
        sheet, rows = read_sheet_rows(path, options.sheet, file=shown, columns=_columns_read(options))
        shown = sheet_label(shown, sheet)
        header = list(next(rows, ()))
    else:
        raise InvalidInput([InputIssue("unknown file type; use .csv or .xlsx", shown)])
    if not any(header):
        raise InvalidInput([InputIssue("the export is empty", shown)])
    columns = resolve_columns(header, options, shown)
    needed = list(dict.fromkeys(columns.used().values()))
    blocks = (
        _csv_blocks(path, needed, shown, delimiter)
        if suffix == ".csv"
        else _sheet_blocks(header, rows, needed)
    )
    preset = PRESETS.get(options.preset.lower()) if options.preset else None
    state = _Import(columns, options, preset, shown)
    state.report.delimiter = delimiter
    first_row = FIRST_DATA_ROW
    for block in blocks:
        state.add_block(block, first_row)
        first_row += len(block)
        if len(state.issues) >= MAX_ISSUES:  # said, not counted: the rows after were not read
            state.issues.append(
                InputIssue(
                    f"the first {MAX_ISSUES} problems are listed; the rows after row {first_row - 1} were not read",
                    state.file,
                )
            )
            break
    frame = state.finish()
    return frame, state.report

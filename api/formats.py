"""Readers and writers of the file formats in DESIGN.md (the edge: files in, checked frames out).

Every reader checks the whole file first and raises one `InvalidInput` that lists each bad
row (file, row, column, value, reason); nothing is returned from a bad file. Rows are
numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from api.cells import unquoted
from api.csv_text import CSV_ENCODING, SPREADSHEET_TIME_FORMAT, csv_bytes, file_delimiter, not_utf8_issue
from api.history import HISTORY_GRID_MINUTES, add_up_per_interval, iso_text, off_grid
from api.schemas import MAX_SECONDS
from api.team_file import load_mapping, team_from_file_mapping
from api.text import control_character, folded_name
from api.xlsx import read_sheet_frame, sheet_label
from common.errors import InputIssue, InvalidInput
from common.timegrid import FIRST_YEAR, LAST_YEAR, MINUTES_PER_DAY, minute_to_clock, skipped_wall_minute, zone
from forecasting.calendar import HolidayChange
from scheduler import (
    AVAILABILITY_KINDS,
    REQUIREMENT_COLUMNS,
    WEEKDAYS,
    Activity,
    Agent,
    AvailabilityEntry,
    QueueSpan,
    Roster,
    Shift,
    ShiftCover,
    ShiftRequest,
    Team,
    entry_span_utc,
)
from scheduler.domain import merge_overlapping

FIRST_DATA_ROW = 2
MAX_ISSUES = 200
# the largest numbers a file may give (far beyond any contact centre; the staffing maths overflows
# long before 1e308): contacts in one interval, and agents needed in one
MAX_CONTACTS_PER_INTERVAL = 1_000_000.0
MAX_AGENTS_NEEDED = 100_000.0
# the most days of availability one file may give (the service keeps at most as many per team)
MAX_AVAILABILITY_ENTRIES = 50_000
_OFFSET_RE = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")

ROSTER_COLUMNS: tuple[str, ...] = (
    "agent_id",
    "agent_name",
    "local_date",
    "activity",
    "queue",
    "start",
    "end",
    "start_utc",
    "end_utc",
)
# what a roster CSV adds for spreadsheets: `start` and `end` as the agent's wall clock,
# 'YYYY-MM-DD HH:MM', which a spreadsheet reads as a date and time (an ISO text with an offset it
# keeps as text); readers of the contract need not have them
ROSTER_LOCAL_COLUMNS: dict[str, str] = {"local_start": "start", "local_end": "end"}
ROSTER_CSV_COLUMNS: tuple[str, ...] = ROSTER_COLUMNS + tuple(ROSTER_LOCAL_COLUMNS)
# the columns a requirements file must have; the fractional ones are optional
REQUIREMENTS_COLUMNS: tuple[str, ...] = REQUIREMENT_COLUMNS[:6]


class _Issues:
    """Collects the issues of one file; raises them all at once."""

    def __init__(self, file: str, headers: dict[str, str] | None = None) -> None:
        self.file = file
        self.items: list[InputIssue] = []
        self.headers = headers or {}  # a column's name in the contract → its header in the file

    def add(self, reason: str, row: int | None = None, column: str | None = None, value: Any = None) -> None:
        shown = None if value is None else str(value)
        where = None if column is None else self.headers.get(column, column)
        self.items.append(InputIssue(reason, self.file, row, where, shown))

    def add_rows(self, mask: np.ndarray, frame: pd.DataFrame, column: str, reason: str) -> None:
        """One issue per row where `mask` holds."""
        for pos in np.flatnonzero(mask)[:MAX_ISSUES]:
            self.add(reason, int(pos) + FIRST_DATA_ROW, column, frame[column].iloc[pos])

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items[:MAX_ISSUES])


def read_table(
    path: Path, sheet: str | None = None, columns: Collection[str] | None = None
) -> tuple[str, pd.DataFrame]:
    """A CSV, XLSX or Parquet file as a frame of strings (blank cells as ''), and the name its issues
    give the file (an XLSX file's names the sheet read, `sheet` or its only one). `columns`: the
    headers the caller reads (any case); an XLSX formula without a saved value elsewhere is let be."""
    if not path.is_file():
        raise InvalidInput([InputIssue("file not found", str(path))])
    suffix = path.suffix.lower()
    label = str(path)
    try:
        if suffix == ".csv":
            options: dict[str, Any] = {
                "dtype": str,
                "keep_default_na": False,
                "skipinitialspace": True,
                "encoding": CSV_ENCODING,  # a byte-order mark (Excel's "CSV UTF-8", our exports) is not text
                "sep": file_delimiter(path),  # a spreadsheet in a decimal-comma locale saves with ';'
            }
            # the header as written: pandas renames a repeated one (`agent_id.1`)
            header = [str(c) for c in pd.read_csv(path, header=None, nrows=1, **options).iloc[0].tolist()]
            frame = pd.read_csv(path, **options)
        elif suffix == ".xlsx":
            name, frame = read_sheet_frame(path, sheet, columns=columns)
            label = sheet_label(str(path), name)
            header = [str(c) for c in frame.columns]
        elif suffix == ".parquet":
            raw = pd.read_parquet(path)
            frame = raw.astype(str).where(raw.notna(), "")  # missing values as blank cells
            header = [str(c) for c in frame.columns]
        else:
            raise InvalidInput([InputIssue("unknown file type; use .csv, .xlsx or .parquet", str(path))])
    except InvalidInput:
        raise
    except UnicodeDecodeError as exc:  # Excel's plain "CSV" is the computer's code page, not UTF-8
        raise InvalidInput([not_utf8_issue(path, label, file_delimiter(path))]) from exc
    except ImportError as exc:  # e.g. Parquet without its engine
        raise InvalidInput([InputIssue(f"cannot read this file type here: {exc}", str(path))]) from exc
    except csv.Error as exc:  # the csv module's limit on one cell (131,072 characters)
        reason = (
            f"cannot read the file: its first line, or a cell, is longer than {csv.field_size_limit():,} "
            "characters (a quote that never closes, or not a table at all: is it the right file?)"
            if "field larger than field limit" in str(exc)
            else f"cannot read the file: {exc}"
        )
        raise InvalidInput([InputIssue(reason, str(path), 1)]) from exc
    except Exception as exc:  # any parser failure is a bad file, reported as such
        raise InvalidInput([InputIssue(f"cannot read the file: {exc}", str(path))]) from exc
    _refuse_repeated_headers(header, label)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    return label, frame.apply(unquoted) if suffix == ".csv" else frame


def _refuse_repeated_headers(header: list[str], label: str) -> None:
    """Refuse a header given twice, in any case or spacing ('agent_id' and 'AGENT_ID'): which of the
    columns to read would be a guess.

    Raises:
        InvalidInput: naming the columns (by letter and header) of each header given twice.
    """
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        if name.strip():
            positions.setdefault(_header_key(name), []).append(i)
    issues = []
    for same in (p for p in positions.values() if len(p) > 1):
        named = [f"{get_column_letter(i + 1)} {header[i]!r}" for i in same]
        issues.append(
            InputIssue(
                f"columns {', '.join(named[:-1])} and {named[-1]} are the same header, so which one to read "
                "is a guess; rename or delete all but one",
                label,
                1,
                header[same[0]],
            )
        )
    if issues:
        raise InvalidInput(issues)


def _require_columns(frame: pd.DataFrame, required: Iterable[str], issues: _Issues) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        issues.add(
            f"missing column(s) {', '.join(missing)}; the header has {', '.join(frame.columns)}", row=1
        )
        issues.raise_if_any()


def _parse_instants(
    frame: pd.DataFrame, column: str, issues: _Issues, *, assume_tz: str | None = None
) -> pd.Series:
    """ISO-8601 instants as UTC; a naive one is an error unless `assume_tz` names its zone, and so is
    one outside the years the service plans (`FIRST_YEAR`..`LAST_YEAR`, as weeks and availability):
    a row of year 1 or 9999 would be left out of every week, or stop a roster of its own week."""
    text = frame[column]
    naive = ~text.str.contains(_OFFSET_RE, regex=True) & (text != "")
    parsed = pd.to_datetime(text.where(~naive), format="ISO8601", utc=True, errors="coerce")
    if assume_tz is not None and naive.any():
        local = pd.to_datetime(text.where(naive), format="ISO8601", errors="coerce")
        localized = local.dt.tz_localize(zone(assume_tz).key, ambiguous="NaT", nonexistent="NaT")
        parsed = parsed.where(~naive, localized.dt.tz_convert("UTC"))
        bad_local = naive & parsed.isna() & local.notna()
        issues.add_rows(
            bad_local.to_numpy(),
            frame,
            column,
            f"this local time does not exist or is ambiguous in {assume_tz}",
        )
        naive = naive & local.isna()
    elif naive.any():
        ok_naive = naive & pd.to_datetime(text.where(naive), format="ISO8601", errors="coerce").notna()
        issues.add_rows(
            ok_naive.to_numpy(),
            frame,
            column,
            "timestamp has no UTC offset; write it like 2026-03-02T09:00:00-07:00 or ...Z",
        )
        naive = naive & ~ok_naive
    unparsed = (parsed.isna() & ~naive & (text != "")) | naive
    issues.add_rows(unparsed.to_numpy(), frame, column, "not an ISO-8601 timestamp")
    far = parsed.notna() & ~parsed.dt.year.between(FIRST_YEAR, LAST_YEAR)
    issues.add_rows(
        far.to_numpy(dtype=bool),
        frame,
        column,
        f"a timestamp must lie in the years {FIRST_YEAR}..{LAST_YEAR} (UTC)",
    )
    issues.add_rows((text == "").to_numpy(), frame, column, "empty timestamp")
    return parsed


def _parse_numbers(
    frame: pd.DataFrame,
    column: str,
    issues: _Issues,
    *,
    minimum: float,
    maximum: float,
    strict: bool = False,
    blank_ok: bool = False,
) -> pd.Series:
    """Numbers `>= minimum` (or `> minimum` if `strict`) and `<= maximum`; blank is NaN where `blank_ok`."""
    text = frame[column]
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    blank = (text == "").to_numpy()
    bad_text = values.isna().to_numpy() & ~blank
    issues.add_rows(bad_text, frame, column, "not a number")
    if not blank_ok:
        issues.add_rows(blank, frame, column, "empty; a number is needed")
    finite = values.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        out_of_range = ((finite <= minimum) if strict else (finite < minimum)) | (finite > maximum)
    relation = ">" if strict else ">="
    issues.add_rows(
        out_of_range | np.isinf(finite),
        frame,
        column,
        f"must be a finite number {relation} {minimum:g} and at most {maximum:,.0f}",
    )
    return values.astype(float)


def _check_zones(frame: pd.DataFrame, column: str, issues: _Issues) -> None:
    for name in frame[column].unique():
        try:
            zone(str(name))
        except InvalidInput:
            issues.add_rows(
                (frame[column] == name).to_numpy(), frame, column, "unknown time zone; use an IANA name"
            )


def _check_nonempty(frame: pd.DataFrame, column: str, issues: _Issues) -> None:
    issues.add_rows((frame[column] == "").to_numpy(), frame, column, "empty; a value is needed")


def _check_unique(frame: pd.DataFrame, keys: list[str], issues: _Issues, what: str) -> None:
    """One issue per row that repeats the `keys` of an earlier row (instants shown as ISO text)."""
    frame = frame.assign(
        **{k: iso_text(frame[k]) for k in keys if isinstance(frame[k].dtype, pd.DatetimeTZDtype)}
    )
    dup = frame.duplicated(subset=keys, keep="first").to_numpy()
    first_of: dict[tuple[Any, ...], int] = {}
    for pos, key in enumerate(frame[keys].itertuples(index=False, name=None)):
        if key in first_of and dup[pos]:
            issues.add(
                f"duplicate {what}: same {', '.join(keys)} as row {first_of[key] + FIRST_DATA_ROW}",
                pos + FIRST_DATA_ROW,
                keys[-1],
                frame[keys[-1]].iloc[pos],
            )
        first_of.setdefault(key, pos)
        if len(issues.items) >= MAX_ISSUES:
            return


def read_history(
    path: Path,
    *,
    default_region: str,
    assume_tz: str | None = None,
    aggregate: bool = False,
    interval_minutes: int = HISTORY_GRID_MINUTES,
) -> pd.DataFrame:
    """The contact-history contract: `ds` (UTC), `queue`, `y`, `region`, `aht_s` (NaN where absent).

    Args:
        path: a CSV or Parquet file with columns ds, queue, y and optionally region, aht_s.
        default_region: the zone of rows without a region (the team's zone; its grid too).
        assume_tz: the zone of naive timestamps; without it a naive timestamp is an error.
        aggregate: add the rows up per `interval_minutes` interval of the team's grid (a file with
            a row per contact, or on a finer grid); without it every `ds` must start a
            15-minute interval of that grid and each queue, region and `ds` may appear once.
        interval_minutes: the interval length `aggregate` adds up to.
    """
    label, frame = read_table(path)
    issues = _Issues(label)
    _require_columns(frame, ("ds", "queue", "y"), issues)
    if "region" not in frame.columns:
        frame["region"] = ""
    if "aht_s" not in frame.columns:
        frame["aht_s"] = ""
    frame["region"] = frame["region"].where(frame["region"] != "", zone(default_region).key)
    ds = _parse_instants(frame, "ds", issues, assume_tz=assume_tz)
    _check_nonempty(frame, "queue", issues)
    y = _parse_numbers(frame, "y", issues, minimum=0.0, maximum=MAX_CONTACTS_PER_INTERVAL)
    aht = _parse_numbers(frame, "aht_s", issues, minimum=0.0, maximum=MAX_SECONDS, strict=True, blank_ok=True)
    _check_zones(frame, "region", issues)
    if len(frame) == 0:
        issues.add("the file has no data rows")
    if not aggregate and not issues.items:
        shown = iso_text(ds)
        issues.add_rows(
            off_grid(ds.to_numpy(dtype="datetime64[ns]").astype(np.int64), default_region),
            frame.assign(ds=shown),
            "ds",
            f"not the start of a {HISTORY_GRID_MINUTES}-minute interval of the team's grid "
            f"(:00, :15, :30, :45); a file with a row per ticket, chat or call: import it with "
            f"`wfm import tickets`, or add its rows up per interval with --aggregate",
        )
    issues.raise_if_any()
    out = pd.DataFrame({"ds": ds, "queue": frame["queue"], "y": y, "region": frame["region"], "aht_s": aht})
    if aggregate:
        summed = add_up_per_interval(out, interval_minutes, default_region)
        return summed[["ds", "queue", "y", "region", "aht_s"]]
    _check_unique(out, ["queue", "region", "ds"], issues, "interval")
    issues.raise_if_any()
    return out.sort_values(["queue", "region", "ds"], kind="stable").reset_index(drop=True)


def read_forecast(path: Path) -> pd.DataFrame:
    """The forecast contract: queue, region, ds (UTC), mean, quantile columns, aht_s."""
    label, frame = read_table(path)
    issues = _Issues(label)
    _require_columns(frame, ("queue", "region", "ds", "mean"), issues)
    if "aht_s" not in frame.columns:
        frame["aht_s"] = ""
    out = pd.DataFrame({"queue": frame["queue"], "region": frame["region"]})
    out["ds"] = _parse_instants(frame, "ds", issues)
    _check_nonempty(frame, "queue", issues)
    _check_zones(frame, "region", issues)
    for column in frame.columns:
        if column == "mean" or re.fullmatch(r"q\d{1,2}", column):
            out[column] = _parse_numbers(
                frame, column, issues, minimum=0.0, maximum=MAX_CONTACTS_PER_INTERVAL
            )
    out["aht_s"] = _parse_numbers(
        frame, "aht_s", issues, minimum=0.0, maximum=MAX_SECONDS, strict=True, blank_ok=True
    )
    issues.raise_if_any()
    _check_unique(out, ["queue", "region", "ds"], issues, "interval")
    issues.raise_if_any()
    return out


def read_requirements(path: Path) -> pd.DataFrame:
    """The requirements contract: queue, ds (UTC), volume, aht_s, required, scheduled_needed."""
    label, frame = read_table(path)
    issues = _Issues(label)
    _require_columns(frame, REQUIREMENTS_COLUMNS, issues)
    out = pd.DataFrame({"queue": frame["queue"]})
    out["ds"] = _parse_instants(frame, "ds", issues)
    _check_nonempty(frame, "queue", issues)
    out["volume"] = _parse_numbers(frame, "volume", issues, minimum=0.0, maximum=MAX_CONTACTS_PER_INTERVAL)
    out["aht_s"] = _parse_numbers(frame, "aht_s", issues, minimum=0.0, maximum=MAX_SECONDS, blank_ok=True)
    for column in ("required", "scheduled_needed"):
        out[column] = _parse_numbers(frame, column, issues, minimum=0.0, maximum=MAX_AGENTS_NEEDED)
    for column in ("required_fractional", "scheduled_needed_fractional"):
        if column in frame.columns:
            out[column] = _parse_numbers(frame, column, issues, minimum=0.0, maximum=MAX_AGENTS_NEEDED)
    if "lead_in" in frame.columns:  # rows that carry contacts into the week (`wfm requirements --history`)
        text = frame["lead_in"].astype(str).str.strip().str.lower()
        issues.add_rows(
            ~text.isin(["true", "false", "1", "0", ""]).to_numpy(), frame, "lead_in", "must be true or false"
        )
        out["lead_in"] = text.isin(["true", "1"]).to_numpy()
    issues.raise_if_any()
    _check_unique(out, ["queue", "ds"], issues, "interval")
    issues.raise_if_any()
    return out


def _parse_minute(text: str, *, allow_end_of_day: bool) -> int | None:
    """Minutes since midnight of 'HH:MM'; '24:00' only where `allow_end_of_day`; None if malformed."""
    match = _TIME_RE.match(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if minutes >= 60 or total > MINUTES_PER_DAY or (total == MINUTES_PER_DAY and not allow_end_of_day):
        return None
    return total


def _parse_weekday(text: str) -> int | None:
    key = text.strip().lower()[:3]
    return WEEKDAYS.index(key) if key in WEEKDAYS and len(text.strip()) >= 3 else None


def parse_weekdays(text: str) -> list[int] | None:
    """Weekdays of a cell as HR writes them: 'Sat, Sun', 'mon/wed', 'Mon-Fri' (None if malformed)."""
    days: list[int] = []
    for part in re.split(r"\s*(?:[,;/&+]|\band\b)\s*", text.strip().lower()):
        if not part:
            continue
        ends = re.split(r"\s*(?:-|–|\.\.|\bto\b)\s*", part)
        if len(ends) == 1:
            day = _parse_weekday(ends[0])
            if day is None:
                return None
            days.append(day)
        elif len(ends) == 2:
            first, last = _parse_weekday(ends[0]), _parse_weekday(ends[1])
            if first is None or last is None:
                return None
            days += [(first + k) % 7 for k in range((last - first) % 7 + 1)]
        else:
            return None
    return sorted(set(days)) or None


MAX_RANGE_DAYS = 366
AVAILABILITY_KIND_WORDS: dict[str, str] = {
    **{k: k for k in AVAILABILITY_KINDS},
    # what HR workbooks call time off
    "vacation": "time_off",
    "holiday": "time_off",
    "leave": "time_off",
    "annual_leave": "time_off",
    "pto": "time_off",
    "sick": "absence",
    "sick_leave": "absence",
    "off": "time_off",
}
AGENT_COLUMNS = ("agent_id", "employee_id", "agent", "agent_name", "name", "employee")
# other headers HR writes for the availability contract's columns
AVAILABILITY_COLUMN_ALIASES: dict[str, str] = {
    "type": "kind",
    "time_off_type": "kind",
    "leave_type": "kind",
    "absence_type": "kind",
    "notes": "note",
    "comment": "note",
    "comments": "note",
    "approval_status": "status",
    "request_status": "status",
}
# an HR export lists every request with its status: only approved ones (or rows without a status)
# are planned around; the others are skipped and counted
APPROVED_STATUSES = frozenset({"", "approved", "accepted", "confirmed", "taken", "booked", "granted"})
NOT_APPROVED_STATUSES = frozenset(
    {
        "denied",
        "declined",
        "rejected",
        "cancelled",
        "canceled",
        "withdrawn",
        "pending",
        "requested",
        "submitted",
        "awaiting_approval",
        "draft",
    }
)
# a half-day flag (BambooHR's, Personio's "half day start" / "half day end")
HALF_DAY_COLUMNS = ("half_day", "halfday", "half_day_start", "half_day_end")
_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"", "no", "n", "false", "0"})


# every header the availability reader reads (as `_header_key` writes them)
AVAILABILITY_HEADERS: tuple[str, ...] = (
    *AGENT_COLUMNS,
    *AVAILABILITY_COLUMN_ALIASES,
    *HALF_DAY_COLUMNS,
    "first_name", "last_name",
    "kind", "date", "date_from", "date_to", "weekday", "start", "end", "note", "status",
)  # fmt: skip


@dataclass(frozen=True)
class AvailabilityRead:
    """An availability file's entries, and the rows it skipped because HR had not approved them."""

    entries: tuple[AvailabilityEntry, ...]
    not_approved: dict[str, int]  # status, as written (lower case) → rows skipped

    def notes(self) -> list[str]:
        """What was skipped, in words."""
        if not self.not_approved:
            return []
        counts = ", ".join(f"{status} {n:,}" for status, n in sorted(self.not_approved.items()))
        total = sum(self.not_approved.values())
        return [f"skipped {total:,} rows whose status is not approved ({counts})"]


def _header_key(column: str) -> str:
    """A header as HR may write it ('Date from', 'Agent ID') in the contract's spelling."""
    return re.sub(r"[\s\-]+", "_", column.strip().lower())


def _kind_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def parse_day_range(text: str) -> tuple[list[date] | None, str | None]:
    """The days of 'YYYY-MM-DD' or 'YYYY-MM-DD..YYYY-MM-DD', or the reason the text is not that."""
    first_text, sep, last_text = text.partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if sep else first
    except ValueError:
        return None, "not a date; write it as YYYY-MM-DD, or a range as 2026-12-09..2026-12-11"
    return days_between(first, last)


def days_between(first: date, last: date) -> tuple[list[date] | None, str | None]:
    if not all(FIRST_YEAR <= d.year <= LAST_YEAR for d in (first, last)):
        return None, f"a date must lie in the years {FIRST_YEAR}..{LAST_YEAR}"
    if last < first:
        return None, "the range ends before it starts"
    if (last - first).days >= MAX_RANGE_DAYS:
        return None, f"a range may span at most {MAX_RANGE_DAYS} days"
    return [date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)], None


class AgentFinder:
    """Finds a team's agent by id or by name as HR writes it (any case, extra spaces, with or
    without accents, `folded_name`: "renee walker" is Renée Walker and "mehmet yilmaz" Mehmet Yılmaz
    when no other agent reads so), with a "did you mean" for near misses."""

    def __init__(self, team: Team) -> None:
        self.by_key: dict[str, list[str]] = {}
        self.by_plain: dict[str, list[str]] = {}
        self.shown: dict[str, str] = {}
        for agent in team.agents:
            for text in (agent.id, agent.name):
                key = self._key(text)
                for table, k in ((self.by_key, key), (self.by_plain, folded_name(key))):
                    if agent.id not in table.setdefault(k, []):
                        table[k].append(agent.id)
                self.shown.setdefault(key, text)
        self.exact = {a.id for a in team.agents}
        self.zones = {a.id: a.tz for a in team.agents}

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(text.split()).casefold()

    def find(self, text: str) -> tuple[str | None, str | None]:
        """The agent id `text` names, or the reason none does."""
        if text in self.exact:
            return text, None
        key = self._key(text)
        ids = self.by_key.get(key) or self.by_plain.get(folded_name(key), [])
        if len(ids) == 1:
            return ids[0], None
        if len(ids) > 1:
            return None, f"several agents are called this ({', '.join(ids)}); use the agent's id"
        near = difflib.get_close_matches(self._key(text), list(self.by_key), n=1, cutoff=0.75)
        hint = f"; did you mean {self.shown[near[0]]!r}?" if near else ""
        return None, f"no agent of the team has this id or name{hint}"


def read_availability(path: Path, team: Team, sheet: str | None = None) -> tuple[AvailabilityEntry, ...]:
    """The entries of `read_availability_file`."""
    return read_availability_file(path, team, sheet).entries


def read_availability_file(path: Path, team: Team, sheet: str | None = None) -> AvailabilityRead:
    """Availability and time off (HR import, CSV or XLSX), checked against `team`; all rows or none.

    Columns (any case; spaces for underscores): the agent (`agent_id`, or `agent` / `name`: an id
    or a name, any case), the day (`date`: a day or a range 2026-12-09..2026-12-11; or
    `date_from` and `date_to`; or `weekday`: one or several, 'Sat, Sun', 'Mon-Fri'), `start`,
    `end` (agent's local HH:MM; blank means the whole day; end may be 24:00), `kind` (or `type`;
    vacation, holiday, leave, pto: time off; sick: absence), optional `note` (or `notes`,
    `comment`, `comments`), optional `status` (HR's approval: rows denied, cancelled or pending are
    skipped and counted) and `half_day` (a half day needs its start and end). A row with a range or
    several weekdays gives one entry per day. `sheet` names the XLSX sheet to read.
    """
    label, frame = read_table(path, sheet, AVAILABILITY_HEADERS)
    original = [str(c) for c in frame.columns]
    frame.columns = [_header_key(c) for c in original]
    headers = dict(zip(frame.columns, original, strict=True))  # issues name the file's own headers
    renames = {
        c: AVAILABILITY_COLUMN_ALIASES[c]
        for c in frame.columns
        if c in AVAILABILITY_COLUMN_ALIASES and AVAILABILITY_COLUMN_ALIASES[c] not in frame.columns
    }
    frame = frame.rename(columns=renames)
    headers |= {target: headers[source] for source, target in renames.items()}
    issues = _Issues(label, headers)
    frame = _hr_spellings(frame)
    # BambooHR's Start and End; a Days column of weekdays
    for contract, given in (
        ("date_from", "start"),
        ("date_to", "end"),
        ("weekday", "days"),
        ("weekday", "weekdays"),
    ):
        if contract in frame.columns and contract not in headers and given in headers:
            headers[contract] = headers[given]
    agent_column = next((c for c in AGENT_COLUMNS if c in frame.columns), None)
    if agent_column is None:
        issues.add(
            f"missing column: give the agent as one of {', '.join(AGENT_COLUMNS)} (or first_name and last_name)",
            row=1,
        )
    if "kind" not in frame.columns:
        kinds = ", ".join(["kind", *(c for c, to in AVAILABILITY_COLUMN_ALIASES.items() if to == "kind")])
        issues.add(
            f"missing column: give each row's kind in a column called one of {kinds} (any case; vacation, "
            f"holiday, leave, pto: time off; sick: absence); the header has {', '.join(original)}",
            row=1,
        )
    has_range = "date_from" in frame.columns or "date_to" in frame.columns
    if "date" not in frame.columns and "weekday" not in frame.columns and not has_range:
        issues.add("missing column: give 'date', 'date_from' and 'date_to', or 'weekday'", row=1)
    issues.raise_if_any()
    assert agent_column is not None
    for column in ("date", "date_from", "date_to", "weekday", "note", "start", "end", "status"):
        if column not in frame.columns:
            frame[column] = ""
    finder = AgentFinder(team)
    entries: list[AvailabilityEntry] = []
    not_approved: Counter[str] = Counter()
    for pos, row in enumerate(frame.to_dict("records")):
        cells = {str(k): str(v) for k, v in row.items()}
        cells["agent_id"] = cells[agent_column]
        status = _approval(cells, pos + FIRST_DATA_ROW, issues)
        if status is not None:
            not_approved[status] += 1
            continue
        entries += _availability_row(cells, pos + FIRST_DATA_ROW, finder, agent_column, issues)
        if len(entries) > MAX_AVAILABILITY_ENTRIES:
            issues.add(
                f"the file gives more than {MAX_AVAILABILITY_ENTRIES:,} days of availability up to this row "
                "(a range of dates or a list of weekdays gives one per day): split it into several files",
                pos + FIRST_DATA_ROW,
            )
            break
        if len(issues.items) >= MAX_ISSUES:
            break
    if len(frame) == 0:
        issues.add("the file has no data rows")
    issues.raise_if_any()
    return AvailabilityRead(tuple(entries), dict(not_approved))


def _hr_spellings(frame: pd.DataFrame) -> pd.DataFrame:
    """HR exports in the contract's words: a name in `first_name` and `last_name` (Personio) as one
    `name`; `start` and `end` that hold dates, with no other day column (BambooHR: "Start", "End"),
    as `date_from` and `date_to`; a `days` column of weekdays as `weekday` (`_days_as_weekdays`)."""
    if "first_name" in frame.columns and "last_name" in frame.columns and "name" not in frame.columns:
        frame = frame.assign(name=(frame["first_name"] + " " + frame["last_name"]).str.strip())
    frame = _days_as_weekdays(frame)
    day_columns = {"date", "date_from", "date_to", "weekday"} & set(frame.columns)
    if not day_columns and {"start", "end"} <= set(frame.columns) and len(frame) > 0:
        filled = frame["start"][frame["start"] != ""]
        if len(filled) > 0 and all(parse_day_range(text)[0] is not None for text in filled):
            frame = frame.rename(columns={"start": "date_from", "end": "date_to"})
    return frame


def _days_as_weekdays(frame: pd.DataFrame) -> pd.DataFrame:
    """A `days` (or `weekdays`) column of weekdays ("Sat, Sun", "Mon-Fri") as `weekday`, where the file
    has none; a column with counts (an HR export's days taken: "3", "0.5") is left unread. A column of
    weekdays with a cell that is not one is read, so that the cell is named."""
    given = next((c for c in ("days", "weekdays") if c in frame.columns), None)
    if given is None or "weekday" in frame.columns:
        return frame
    filled = [text for text in frame[given] if text != ""]
    counts = pd.to_numeric(pd.Series(filled, dtype=str), errors="coerce").notna()
    if counts.any() or not any(parse_weekdays(text) is not None for text in filled):
        return frame
    return frame.rename(columns={given: "weekday"})


def _approval(row: dict[str, str], row_number: int, issues: _Issues) -> str | None:
    """A row's status when HR has not approved it (the row is skipped); None when it is to be read
    (approved, no status, or a status the reader does not know, which is an issue)."""
    status = _kind_key(row["status"])
    if status in NOT_APPROVED_STATUSES:
        return status
    if status not in APPROVED_STATUSES:
        issues.add(
            "a status the reader does not know: approved rows are read; denied, cancelled and pending ones "
            "are skipped",
            row_number,
            "status",
            row["status"],
        )
    return None


def _half_day_problem(row: dict[str, str]) -> tuple[str, str] | None:
    """A half day without its hours: (column, reason); None when the row is a whole day or has them."""
    for column in HALF_DAY_COLUMNS:
        flag = _kind_key(row.get(column, ""))
        if flag in _NO:
            continue
        if flag not in _YES:
            return column, "not yes or no"
        if row["start"] == "" or row["end"] == "":
            return column, (
                "a half day: give its start and end (the agent's local HH:MM), so the roster knows which "
                "half is off"
            )
    return None


def _row_days(row: dict[str, str], bad: Callable[[str, str], None]) -> tuple[list[date], list[int]] | None:
    """The dates or weekdays a row covers, or None (after reporting why) when it names none."""
    given = [c for c in ("date", "weekday") if row[c]] + (
        ["date_from"] if row["date_from"] or row["date_to"] else []
    )
    if len(given) != 1:
        bad("date", "give exactly one of date or weekday, or a range in date_from and date_to")
        return None
    if given[0] == "date":
        days, why = parse_day_range(row["date"])
        if days is None:
            bad("date", why or "not a date")
            return None
        return days, []
    if given[0] == "date_from":
        first, why_first = parse_day_range(row["date_from"] or row["date_to"])
        last, why_last = parse_day_range(row["date_to"] or row["date_from"])
        if first is None or last is None:
            bad("date_from" if first is None else "date_to", why_first or why_last or "not a date")
            return None
        days, why = days_between(first[0], last[-1])
        if days is None:
            bad("date_to", why or "not a range")
            return None
        return days, []
    weekdays = parse_weekdays(row["weekday"])
    if weekdays is None:
        bad("weekday", "not a weekday; write mon, tue, ... or several: 'Sat, Sun', 'Mon-Fri'")
        return None
    return [], weekdays


def skipped_time_reason(days: Sequence[date], minute_of_day: int, tz: str) -> str | None:
    """Why local time `minute_of_day` cannot be used on one of `days` in `tz` (the clocks jump past
    it), with the time to give instead; None where it exists on them all, or is the very minute the
    clocks jump at ("from 02:00 to 03:00": 02:00 is read as the jump)."""
    if minute_of_day % MINUTES_PER_DAY == 0:  # the day's edges: where the day begins or ends, jump or not
        return None
    for day in days:
        later = skipped_wall_minute(day, minute_of_day, zone(tz))
        if later is None or skipped_wall_minute(day, minute_of_day - 1, zone(tz)) is None:
            continue
        if later >= MINUTES_PER_DAY:  # the clocks jump to the next day
            return (
                f"{minute_to_clock(minute_of_day)} does not exist on {day} in {tz} (the clocks jump past it "
                f"to 00:00 on {day + timedelta(days=1)}): give an earlier time, or 24:00 for an end"
            )
        return (
            f"{minute_to_clock(minute_of_day)} does not exist on {day} in {tz} (the clocks jump past it "
            f"to {minute_to_clock(later)}): give {minute_to_clock(later)} or another time"
        )
    return None


def empty_span_reason(days: Sequence[date], start_minute: int, end_minute: int, tz: str) -> str | None:
    """Why the local span from `start_minute` to `end_minute` is no time at all on one of `days` in
    `tz` (it starts as the clocks jump and ends where they land); None where it is some time."""
    for day in days:
        later = skipped_wall_minute(day, start_minute, zone(tz))
        if later is not None and end_minute <= later:
            return (
                f"{minute_to_clock(start_minute)}–{minute_to_clock(end_minute)} is no time on {day} in {tz}: "
                f"the clocks jump from {minute_to_clock(start_minute)} to {minute_to_clock(later)}"
            )
    return None


def _availability_row(
    row: dict[str, str], row_number: int, finder: AgentFinder, agent_column: str, issues: _Issues
) -> list[AvailabilityEntry]:
    before = len(issues.items)

    def bad(column: str, reason: str) -> None:
        issues.add(reason, row_number, column, row.get(column, ""))

    agent_id, why = finder.find(row["agent_id"])
    if agent_id is None:
        bad(agent_column, why or "unknown agent")
    kind = AVAILABILITY_KIND_WORDS.get(_kind_key(row["kind"]))
    if kind is None:
        bad("kind", f"kind must be one of {', '.join(AVAILABILITY_KINDS)}")
    covered = _row_days(row, bad)
    start = 0 if row["start"] == "" else _parse_minute(row["start"], allow_end_of_day=False)
    end = MINUTES_PER_DAY if row["end"] == "" else _parse_minute(row["end"], allow_end_of_day=True)
    if start is None:
        bad("start", "not a time of day; write HH:MM")
    if end is None:
        bad("end", "not a time of day; write HH:MM (24:00 for the end of the day)")
    if start is not None and end is not None and end <= start:
        bad("end", "end must come after start (split a span that crosses midnight into two rows)")
    note_problem = control_character(row.get("note", ""))
    if note_problem is not None:
        bad("note", note_problem)
    half_day = _half_day_problem(row)
    if half_day is not None:
        bad(*half_day)
    if len(issues.items) > before or start is None or end is None or covered is None or agent_id is None:
        return []
    dates, weekdays = covered
    tz = finder.zones[agent_id]
    for column, minute in (("start", start), ("end", end)):
        skipped = skipped_time_reason(dates, minute, tz)
        if skipped is not None:
            bad(column, skipped)
    empty = None if len(issues.items) > before else empty_span_reason(dates, start, end, tz)
    if empty is not None:
        bad("end", empty)
    if len(issues.items) > before:
        return []
    days: list[tuple[date | None, int | None]] = [(d, None) for d in dates] + [(None, w) for w in weekdays]
    return [
        AvailabilityEntry(
            agent_id=agent_id,
            kind=kind,  # type: ignore[arg-type]  # a value of AVAILABILITY_KIND_WORDS
            start_minute=start,
            end_minute=end,
            on_date=on_date,
            weekday=weekday,
            note=row.get("note", ""),
        )
        for on_date, weekday in days
    ]


def read_holiday_changes(path: Path) -> tuple[HolidayChange, ...]:
    """Days to add to or remove from the regions' public holidays (CSV or XLSX), all rows or none.

    Columns: date (YYYY-MM-DD), optional action (add, the default, or remove), name, and region
    (an IANA zone; blank: every region).
    """
    label, frame = read_table(path)
    issues = _Issues(label)
    frame.columns = [_header_key(c) for c in frame.columns]
    _require_columns(frame, ("date",), issues)
    for column in ("action", "name", "region"):
        if column not in frame.columns:
            frame[column] = ""
    out: list[HolidayChange] = []
    for pos, row in enumerate(frame.to_dict("records")):
        number = pos + FIRST_DATA_ROW
        try:
            day = date.fromisoformat(str(row["date"]))
        except ValueError:
            issues.add("not a date; write it as YYYY-MM-DD", number, "date", row["date"])
            continue
        action = str(row["action"]).lower() or "add"
        if action not in ("add", "remove"):
            issues.add("action must be add or remove", number, "action", row["action"])
            continue
        region = str(row["region"]) or None
        if region is not None:
            try:
                region = zone(region).key
            except InvalidInput:
                issues.add("unknown time zone; use an IANA name", number, "region", region)
                continue
        out.append(HolidayChange(day, action, str(row["name"]), region))  # type: ignore[arg-type]  # checked
    issues.raise_if_any()
    return tuple(out)


def read_team(path: Path) -> Team:
    """A team from YAML or JSON (schema: `api.schemas.TeamIn`; unquoted times of day accepted)."""
    try:
        return team_from_file_mapping(load_mapping(path))
    except InvalidInput as exc:
        raise exc.located(str(path)) from exc


def write_frame_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write `frame` as a CSV file (`csv_file_bytes`), atomically (no half-written file)."""
    write_bytes(path, csv_file_bytes(frame))


def csv_file_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as a CSV file (`api.csv_text`: UTF-8 with a byte-order mark, instants in ISO-8601 with
    offset, text cells safe for spreadsheets, numbers to six significant digits)."""
    return csv_bytes(frame, float_format="%.6g")


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file atomically (all of it or, on failure, nothing)."""
    _write_atomically(path, lambda tmp: tmp.write_bytes(data))


def roster_rows(roster: Roster, team: Team) -> pd.DataFrame:
    """The roster contract: one row per shift, break and lunch, times in the agent's offset and UTC."""
    rows: list[dict[str, str]] = []
    for shift in sorted(roster.shifts, key=lambda s: (s.agent_id, s.start_utc)):
        agent = team.agent(shift.agent_id)
        spans = [("shift", shift.queue, shift.start_utc, shift.end_utc)]
        spans += [("work", w.queue, w.start_utc, w.end_utc) for w in shift.work]
        spans += [(b.kind, "", b.start_utc, b.end_utc) for b in shift.breaks]
        rows += [_contract_row(agent, shift.local_date, *span) for span in spans]
    return pd.DataFrame(rows, columns=list(ROSTER_COLUMNS))


def _contract_row(
    agent: Agent, local_date: date, activity: str, queue: str, start: datetime, end: datetime
) -> dict[str, str]:
    """One row of the roster contract: times in the agent's offset and in UTC (`Z`)."""
    tz = zone(agent.tz)
    return {
        "agent_id": agent.id,
        "agent_name": agent.name,
        "local_date": local_date.isoformat(),
        "activity": activity,
        "queue": queue,
        "start": start.astimezone(tz).isoformat(),
        "end": end.astimezone(tz).isoformat(),
        "start_utc": start.isoformat().replace("+00:00", "Z"),
        "end_utc": end.isoformat().replace("+00:00", "Z"),
    }


# days away a roster CSV names after its shifts (dated rows of these availability kinds), so that a
# reader of the CSV alone (payroll, HR) tells a sick day from a day off; roster readers skip them
LEAVE_ACTIVITIES = ("time_off", "absence")


def leave_rows(roster: Roster, team: Team, availability: Iterable[AvailabilityEntry]) -> pd.DataFrame:
    """The roster contract's rows of each agent's dated time off and sick days (`LEAVE_ACTIVITIES`) on
    the roster's seven days, in the agent's local days: one row per day and span of leave (rows that
    overlap are one span, `merge_overlapping`)."""
    week = roster.days
    rows: list[dict[str, str]] = []
    known = {a.id for a in team.agents}
    for e in merge_overlapping(availability):
        if e.kind not in LEAVE_ACTIVITIES or e.on_date not in week or e.agent_id not in known:
            continue
        agent = team.agent(e.agent_id)
        rows.append(_contract_row(agent, e.on_date, e.kind, "", *entry_span_utc(e, e.on_date, agent.tz)))
    return pd.DataFrame(rows, columns=list(ROSTER_COLUMNS))


def roster_contract_rows(
    roster: Roster, team: Team, availability: Iterable[AvailabilityEntry] = ()
) -> pd.DataFrame:
    """The roster contract's rows (`ROSTER_COLUMNS`), as the CSV and the API give them: the shifts'
    rows (`roster_rows`), then the dated days away of `availability` (`leave_rows`)."""
    frame = roster_rows(roster, team)
    leave = leave_rows(roster, team, availability)
    return frame if leave.empty else pd.concat([frame, leave], ignore_index=True)


def roster_csv_frame(
    roster: Roster, team: Team, availability: Iterable[AvailabilityEntry] = ()
) -> pd.DataFrame:
    """The roster contract's rows with the columns a spreadsheet reads as times (`ROSTER_CSV_COLUMNS`):
    `local_start` and `local_end` are `start` and `end` without their offset and seconds. With
    `availability`, each agent's dated time off and sick days follow the shifts (`leave_rows`)."""
    frame = roster_contract_rows(roster, team, availability)
    for local, iso in ROSTER_LOCAL_COLUMNS.items():
        frame[local] = frame[iso].str.slice(0, 16).str.replace("T", " ", regex=False)
    return frame[list(ROSTER_CSV_COLUMNS)]


def coverage_csv_frame(coverage: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Coverage per queue and interval with `local_ds` beside `ds`: the interval's start on the team's
    wall clock (`tz`), 'YYYY-MM-DD HH:MM', as a spreadsheet reads a date and time."""
    out = coverage.copy()
    local = (
        pd.to_datetime(out["ds"], utc=True).dt.tz_convert(zone(tz).key).dt.strftime(SPREADSHEET_TIME_FORMAT)
    )
    out.insert(list(out.columns).index("ds") + 1, "local_ds", local)
    return out


def write_roster_csv(
    roster: Roster, team: Team, path: Path, availability: Iterable[AvailabilityEntry] = ()
) -> None:
    """Write the roster CSV: the contract's columns, then `local_start` and `local_end`; the shifts' rows,
    then the dated time off and sick days of `availability` (`leave_rows`)."""
    write_bytes(path, csv_bytes(roster_csv_frame(roster, team, availability)))


def availability_rows(entries: Iterable[AvailabilityEntry]) -> list[dict[str, str]]:
    """Availability entries as rows of the HR import format."""
    return [
        {
            "agent_id": e.agent_id,
            "date": "" if e.on_date is None else e.on_date.isoformat(),
            "weekday": "" if e.weekday is None else WEEKDAYS[e.weekday],
            "start": minute_to_clock(e.start_minute),
            "end": minute_to_clock(e.end_minute),
            "kind": e.kind,
            "note": e.note,
        }
        for e in entries
    ]


def _shift_type_of(team: Team, shift: Shift) -> str:
    """The named shift type a roster file's shift is, from its local start and length ("" for a team
    without types, or an agent not in the team)."""
    agent = next((a for a in team.agents if a.id == shift.agent_id), None)
    if agent is None:
        return ""
    local = shift.start_utc.astimezone(zone(agent.tz))
    minutes = round(shift.length.total_seconds() / 60)
    return team.shift_rules_of(agent).type_of(local.hour * 60 + local.minute, minutes)


def read_roster(path: Path, team: Team) -> Roster:
    """A roster from the roster contract CSV (e.g. last week's, for rules across the week boundary)."""
    label, frame = read_table(path)
    issues = _Issues(label)
    _require_columns(frame, ROSTER_COLUMNS, issues)
    start = _parse_instants(frame, "start_utc", issues)
    end = _parse_instants(frame, "end_utc", issues)
    known = {a.id for a in team.agents}
    issues.add_rows(
        ~frame["agent_id"].isin(known).to_numpy(), frame, "agent_id", "agent id is not in the team"
    )
    issues.add_rows(
        ~frame["activity"].isin(["shift", "work", "break", "lunch", *LEAVE_ACTIVITIES]).to_numpy(),
        frame,
        "activity",
        "use shift, work, break or lunch (time_off and absence rows are read past)",
    )
    issues.add_rows((end <= start).to_numpy(), frame, "end_utc", "end must come after start")
    days: list[date | None] = []
    for pos, text in enumerate(frame["local_date"]):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            issues.add("not a date; write it as YYYY-MM-DD", pos + FIRST_DATA_ROW, "local_date", text)
            days.append(None)
    issues.raise_if_any()
    shifts: dict[tuple[str, date], Shift] = {}
    breaks: dict[tuple[str, date], list[Activity]] = {}
    work: dict[tuple[str, date], list[QueueSpan]] = {}
    absent: set[tuple[str, date]] = set()
    for pos in range(len(frame)):
        key = (str(frame["agent_id"].iloc[pos]), days[pos])
        s_utc, e_utc = start.iloc[pos].to_pydatetime(), end.iloc[pos].to_pydatetime()
        assert key[1] is not None
        if frame["activity"].iloc[pos] == "shift":
            if (key[0], key[1]) in shifts:
                issues.add(
                    "a second shift for this agent and day", pos + FIRST_DATA_ROW, "local_date", key[1]
                )
            shifts[(key[0], key[1])] = Shift(key[0], key[1], s_utc, e_utc, str(frame["queue"].iloc[pos]))
        elif frame["activity"].iloc[pos] == "absence":
            absent.add((key[0], key[1]))  # a sick day of the roster in force: a day they would have worked
        elif frame["activity"].iloc[pos] in LEAVE_ACTIVITIES:
            continue  # time off, written for the reader: the availability says it
        elif frame["activity"].iloc[pos] == "work":
            work.setdefault((key[0], key[1]), []).append(
                QueueSpan(str(frame["queue"].iloc[pos]), s_utc, e_utc)
            )
        else:
            breaks.setdefault((key[0], key[1]), []).append(
                Activity(frame["activity"].iloc[pos], s_utc, e_utc)
            )
    for key in [*breaks, *work]:
        if key not in shifts:
            issues.add(f"a break or work row of {key[0]} on {key[1]} has no shift row")
    issues.raise_if_any()
    out = tuple(
        Shift(
            s.agent_id,
            s.local_date,
            s.start_utc,
            s.end_utc,
            s.queue,
            tuple(breaks.get(k, [])),
            tuple(sorted(work.get(k, []), key=lambda w: w.start_utc)),
            _shift_type_of(team, s),
        )
        for k, s in shifts.items()
    )
    first = min((s.local_date for s in out), default=date.min)
    return Roster(team.name, first, out, frozenset(absent))


DEFAULT_COVER_UNDER_WEIGHT = 100  # points per agent missing from a shift type's cover (the benchmark's)
DEFAULT_COVER_OVER_WEIGHT = 1  # points per agent above it
WISHES = {"work": True, "off": False}


def _day_in(text: str, days: tuple[date, ...]) -> tuple[date | None, str | None]:
    """A horizon day from YYYY-MM-DD text, or the reason it is not one."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, "not a date; write it as YYYY-MM-DD"
    if day not in days:
        return None, f"not a day of the roster's horizon ({days[0]} .. {days[-1]})"
    return day, None


def _count(text: str, default: int | None = None) -> tuple[int | None, str | None]:
    """A whole number >= 0 from text (blank: `default` when there is one), or the reason it is not one."""
    if text == "" and default is not None:
        return default, None
    if not text.isdigit():
        return None, "not a whole number of 0 or more"
    return int(text), None


def read_shift_cover(
    path: Path, team: Team, days: tuple[date, ...], sheet: str | None = None
) -> tuple[ShiftCover, ...]:
    """Cover by day and shift type (CSV or XLSX), checked against `team` and the horizon's `days`.

    Columns: date, shift_type, required, and optional under_weight and over_weight (points per
    agent missing or extra; blank: 100 and 1).
    """
    label, frame = read_table(path, sheet)
    issues = _Issues(label)
    _require_columns(frame, ("date", "shift_type", "required"), issues)
    types = {t.name for a in team.agents for t in team.shift_rules_of(a).types}
    out: list[ShiftCover] = []
    seen: set[tuple[date, str]] = set()
    for pos, row in enumerate(frame.to_dict("records")):
        if len(issues.items) >= MAX_ISSUES:
            break
        number = pos + FIRST_DATA_ROW
        day, why = _day_in(str(row["date"]), days)
        if why:
            issues.add(why, number, "date", row["date"])
        if row["shift_type"] not in types:
            issues.add("not a shift type of the team", number, "shift_type", row["shift_type"])
        counts = []
        for column, default in (
            ("required", None),
            ("under_weight", DEFAULT_COVER_UNDER_WEIGHT),
            ("over_weight", DEFAULT_COVER_OVER_WEIGHT),
        ):
            value, why = _count(str(row.get(column, "")), default)
            if why:
                issues.add(why, number, column, row.get(column, ""))
            counts.append(value)
        if day is not None and (day, row["shift_type"]) in seen:
            issues.add("a second row for this day and shift type", number, "shift_type", row["shift_type"])
        required, under, over = counts
        if day is None or required is None or under is None or over is None or row["shift_type"] not in types:
            continue
        seen.add((day, row["shift_type"]))
        out.append(ShiftCover(day, row["shift_type"], required, under, over))
    issues.raise_if_any()
    return tuple(out)


def read_shift_requests(
    path: Path, team: Team, days: tuple[date, ...], sheet: str | None = None
) -> tuple[ShiftRequest, ...]:
    """Agents' weighted wishes to work, or not to work, a shift type on a day (CSV or XLSX).

    Columns: agent_id, date, shift_type, wish (`work` or `off`), weight (points when not granted).
    """
    label, frame = read_table(path, sheet)
    issues = _Issues(label)
    _require_columns(frame, ("agent_id", "date", "shift_type", "wish", "weight"), issues)
    agents = {a.id: a for a in team.agents}
    out: list[ShiftRequest] = []
    for pos, row in enumerate(frame.to_dict("records")):
        number = pos + FIRST_DATA_ROW
        agent = agents.get(row["agent_id"])
        if agent is None:
            issues.add("agent id is not in the team", number, "agent_id", row["agent_id"])
        elif row["shift_type"] not in {t.name for t in team.shift_rules_of(agent).types}:
            issues.add("not one of the agent's shift types", number, "shift_type", row["shift_type"])
        day, why = _day_in(str(row["date"]), days)
        if why:
            issues.add(why, number, "date", row["date"])
        if row["wish"] not in WISHES:
            issues.add("wish must be work or off", number, "wish", row["wish"])
        weight, why = _count(str(row["weight"]))
        if why:
            issues.add(why, number, "weight", row["weight"])
        if len(issues.items) >= MAX_ISSUES:
            break
        if not issues.items and day is not None and weight is not None:
            out.append(ShiftRequest(row["agent_id"], day, row["shift_type"], WISHES[row["wish"]], weight))
    issues.raise_if_any()
    return tuple(out)

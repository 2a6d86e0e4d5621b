"""Domain values to JSON-ready mappings and back (shifts, availability rows, frames)."""

from __future__ import annotations

import gzip
import io
import math
from dataclasses import MISSING, fields
from datetime import date, datetime
from typing import Any

import pandas as pd

from scheduler import Activity, AvailabilityEntry, QueueDay, QueueSpan, Roster, Shift


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def shift_to_dict(shift: Shift) -> dict[str, Any]:
    """A shift as a JSON mapping (UTC instants; its shift type's name when it has one), with all of it:
    breaks and queue stretches (`work`), so that every export of a stored roster has what the solve gave."""
    named = {"shift_type": shift.shift_type} if shift.shift_type else {}
    return {
        **named,
        "agent_id": shift.agent_id,
        "local_date": shift.local_date.isoformat(),
        "start_utc": _iso(shift.start_utc),
        "end_utc": _iso(shift.end_utc),
        "queue": shift.queue,
        "breaks": [
            {"kind": b.kind, "start_utc": _iso(b.start_utc), "end_utc": _iso(b.end_utc)} for b in shift.breaks
        ],
        "work": [
            {"queue": w.queue, "start_utc": _iso(w.start_utc), "end_utc": _iso(w.end_utc)} for w in shift.work
        ],
    }


def shift_from_dict(data: dict[str, Any]) -> Shift:
    """The inverse of `shift_to_dict`. A shift stored before its queue stretches were kept has no
    `work`: it reads as all of the shift on its `queue`, as `Shift.work` empty means."""
    return Shift(
        agent_id=data["agent_id"],
        local_date=date.fromisoformat(data["local_date"]),
        start_utc=_instant(data["start_utc"]),
        end_utc=_instant(data["end_utc"]),
        queue=data["queue"],
        breaks=tuple(
            Activity(b["kind"], _instant(b["start_utc"]), _instant(b["end_utc"])) for b in data["breaks"]
        ),
        work=tuple(
            QueueSpan(w["queue"], _instant(w["start_utc"]), _instant(w["end_utc"]))
            for w in data.get("work", ())
        ),
        shift_type=data.get("shift_type", ""),
    )


def roster_from_dicts(team: str, first_day: date, shifts: list[Any]) -> Roster:
    """A roster from stored shift mappings."""
    return Roster(team, first_day, tuple(shift_from_dict(s) for s in shifts))


def entry_to_dict(entry: AvailabilityEntry) -> dict[str, Any]:
    """An availability entry as a JSON mapping."""
    return {
        "agent_id": entry.agent_id,
        "kind": entry.kind,
        "start_minute": entry.start_minute,
        "end_minute": entry.end_minute,
        "on_date": None if entry.on_date is None else entry.on_date.isoformat(),
        "weekday": entry.weekday,
        "note": entry.note,
    }


def entry_from_dict(data: dict[str, Any]) -> AvailabilityEntry:
    """The inverse of `entry_to_dict`."""
    return AvailabilityEntry(
        agent_id=data["agent_id"],
        kind=data["kind"],
        start_minute=data["start_minute"],
        end_minute=data["end_minute"],
        on_date=None if data["on_date"] is None else date.fromisoformat(data["on_date"]),
        weekday=data["weekday"],
        note=data["note"],
    )


def entry_key(entry: AvailabilityEntry) -> str:
    """What makes two availability rows the same row (so re-importing a file adds nothing)."""
    day = "" if entry.on_date is None else entry.on_date.isoformat()
    weekday = "" if entry.weekday is None else str(entry.weekday)
    return "|".join(
        (entry.agent_id, entry.kind, day, weekday, str(entry.start_minute), str(entry.end_minute), entry.note)
    )


def frame_to_blob(frame: pd.DataFrame) -> tuple[bytes, list[str]]:
    """A frame as gzip CSV, and the names of its UTC instant columns."""
    instants = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    out = frame.copy()
    for column in instants:
        out[column] = out[column].map(lambda ts: ts.isoformat())
    return gzip.compress(out.to_csv(index=False).encode("utf-8"), mtime=0), instants


def frame_from_blob(blob: bytes, instants: list[str]) -> pd.DataFrame:
    """The inverse of `frame_to_blob`."""
    frame = pd.read_csv(io.BytesIO(gzip.decompress(blob)), keep_default_na=True)
    for column in instants:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in frame.columns:
        if frame[column].dtype == object and column not in instants:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records: instants in ISO-8601 UTC, NaN as null."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda ts: ts.isoformat().replace("+00:00", "Z"))
    cleaned = out.astype(object).where(out.notna(), None)
    records = [{str(k): v for k, v in r.items()} for r in cleaned.to_dict("records")]
    return records


COVERAGE_COLUMNS = (
    "queue",
    "ds",
    "need",
    "on_queue",
    "blended",
    "shortfall",
    "over",
    "volume",
    "service_level",
    "overdue",
)


def coverage_from_records(records: list[Any]) -> pd.DataFrame:
    """The coverage frame stored with a roster version (`scheduler.roster.report.coverage_frame`);
    versions stored before the need was fractional read their whole-agent columns as the need."""
    frame = pd.DataFrame.from_records(records)
    if "need" not in frame.columns and "required" in frame.columns:
        frame = frame.rename(columns={"required": "need", "scheduled": "on_queue", "short": "shortfall"})
    for column in COVERAGE_COLUMNS:
        if column not in frame.columns:
            frame[column] = 0.0 if column in ("blended", "shortfall", "over") else float("nan")
    frame = frame.loc[:, list(COVERAGE_COLUMNS)]
    frame["ds"] = pd.to_datetime(frame["ds"], utc=True, format="ISO8601")
    return frame


def json_ready(value: Any) -> Any:
    """A value made of dicts, lists, tuples, dates, instants and numbers as plain JSON values
    (dates and instants in ISO-8601, NaN and infinities as null)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, pd.Timestamp | datetime):
        return _iso(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def availability_entries(rows: list[Any]) -> tuple[AvailabilityEntry, ...]:
    """Availability entries from stored mappings."""
    return tuple(entry_from_dict(r) for r in rows)


# the fields a stored day must have (one with a default came later: a version stored before has none)
_QUEUE_DAY_FIELDS = frozenset(f.name for f in fields(QueueDay) if f.default is MISSING)


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)  # json_ready wrote NaN as null


def queue_days_from_summary(summary: dict[str, Any]) -> list[QueueDay] | None:
    """The days of a version's stored summary (`RosterSummary.days` through `json_ready`), or None
    for a version stored before the summary had them."""
    records = summary.get("days")
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and r.keys() >= _QUEUE_DAY_FIELDS for r in records
    ):
        return None
    return [
        QueueDay(
            queue=str(r["queue"]),
            day=date.fromisoformat(r["day"]),
            need_hours=_number(r["need_hours"]),
            on_queue_hours=_number(r["on_queue_hours"]),
            shortfall_hours=_number(r["shortfall_hours"]),
            volume=_number(r["volume"]),
            service_level=None if r["service_level"] is None else float(r["service_level"]),
            target=_number(r["target"]),
            blended_hours=_number(r.get("blended_hours", 0.0)),
        )
        for r in records
    ]

"""api/service/codec.py: what a roster version stores reads back as the same domain values."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from api.service.codec import json_ready, queue_days_from_summary, shift_from_dict, shift_to_dict
from scheduler import Activity, QueueDay, QueueSpan, Shift

DAY = date(2026, 11, 2)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 2, hour, minute, tzinfo=UTC)


SWITCHING = Shift(
    "a1",
    DAY,
    _at(9),
    _at(17),
    "chat",
    breaks=(Activity("break", _at(11), _at(11, 15)),),
    work=(QueueSpan("chat", _at(9), _at(13)), QueueSpan("phone", _at(13), _at(17))),
    shift_type="day",
)


def test_a_shift_reads_back_with_its_breaks_and_queue_stretches() -> None:
    assert shift_from_dict(shift_to_dict(SWITCHING)) == SWITCHING


def test_a_shift_stored_before_stretches_were_kept_is_all_on_its_queue() -> None:
    stored = {k: v for k, v in shift_to_dict(SWITCHING).items() if k != "work"}
    shift = shift_from_dict(stored)
    assert shift.work == ()
    assert shift.queue_spans() == (QueueSpan("chat", _at(9), _at(17)),)


def test_queue_days_read_back_from_a_stored_summary() -> None:
    days = [
        QueueDay("chat", DAY, 8.0, 7.5, 0.5, 120.0, 0.78, 0.8),
        QueueDay("email", DAY, 0.0, 0.0, 0.0, 0.0, None, 0.9),  # no contacts: no service level
    ]
    assert queue_days_from_summary(json_ready({"days": [asdict(d) for d in days]})) == days


def test_a_summary_stored_without_days_has_none() -> None:
    assert queue_days_from_summary({"shifts": 3}) is None
    assert queue_days_from_summary({"days": [{"queue": "chat"}]}) is None

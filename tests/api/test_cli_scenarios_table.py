"""The scenarios table names the queue with the lowest service level beside the all-queue SL."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from api.cli_scenarios import comparison_table, largest_drop, lowest_queue, table_width


def _row(name: str, chat: float | None, phone: float | None) -> dict[str, Any]:
    return {
        "scenario": name,
        "service_level": 0.82,
        "by_queue": {"chat": {"service_level": chat}, "phone": {"service_level": phone}},
    }


def _text(rows: list[dict[str, Any]]) -> str:
    table = comparison_table(rows)
    console = Console(width=table_width(table), record=True)
    console.print(table)
    return console.export_text()


def test_the_lowest_queue_is_named_with_its_level_and_its_change_against_the_base() -> None:
    rows = [_row("base", 0.9, 0.32), _row("one more on phone", 0.88, 0.42)]
    assert lowest_queue(rows[0]) == ("phone", 0.32)
    text = _text(rows)
    assert "lowest queue" in text
    assert "phone 32.0 %" in text
    assert "phone 42.0 %" in text
    assert "+10.0 pp" in text


def test_a_row_without_a_measured_roster_shows_a_dash() -> None:
    assert lowest_queue({"scenario": "staffing only", "by_queue": {"chat": {"volume": 10.0}}}) is None
    assert lowest_queue({"scenario": "no queues"}) is None


def test_the_queue_that_fell_most_is_named_where_the_lowest_one_hides_it() -> None:
    """Volume +10 %: chat stays the lowest (25 % to 21 %), email falls from 98 % to 31 %."""
    base = {
        "scenario": "base",
        "by_queue": {"chat": {"service_level": 0.25}, "email": {"service_level": 0.98}},
    }
    more = {
        "scenario": "volume +10 %",
        "by_queue": {"chat": {"service_level": 0.21}, "email": {"service_level": 0.31}},
    }
    drop = largest_drop(more, base)
    assert drop is not None
    assert drop[0] == "email"
    assert drop[1] == pytest.approx(-0.67)
    assert largest_drop(base, base) is None
    text = _text([base, more])
    assert "largest drop" in text
    assert "email 31.0 % (-67.0 pp)" in text


def test_a_scenario_with_a_note_is_marked_in_the_table() -> None:
    """Agents added at the staffing depth have no shifts: +0.0 would read as "hiring does nothing"."""
    base = _row("base", 0.9, 0.32)
    hires = {**_row("two hires", 0.9, 0.32), "notes": ["agents added have no shifts in the base roster"]}
    text = _text([base, hires])
    assert "two hires (see note)" in text
    assert "base (see note)" not in text

"""The scenarios tables: the service each gives (naming the queue with the lowest service level beside
the all-queue level), then its hours, agents and cost, in a lead's words and a terminal's width."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from api.cli_scenarios import hours_table, largest_drop, lowest_queue, note_lines, service_table, table_width


def _row(name: str, chat: float | None, phone: float | None) -> dict[str, Any]:
    return {
        "scenario": name,
        "service_level": 0.82,
        "by_queue": {"chat": {"service_level": chat}, "phone": {"service_level": phone}},
    }


def _text(rows: list[dict[str, Any]], make: Any = service_table) -> str:
    table = make(rows)
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


def test_the_tables_speak_a_leads_words_and_fit_a_wide_terminal_with_long_scenario_names() -> None:
    """The scenario name wraps (only it): two tables of about 120 columns, where one of 16 short-form
    headers ("SL*", "need HC") was 230 wide."""
    long_name = "Q1 volume +20 % and 4 full-timers (voice+chat, Lisbon)"
    base = {**_row("base", 0.9, 0.32), "required_headcount": 15.3, "cost": 9000.0, "paid_hours": 500.0}
    more = {**base, "scenario": long_name, "delta_cost": 2880.0, "notes": ["hires have no shifts"]}
    service = _text([base, more])
    hours = _text([base, more], hours_table)
    for text in (service, hours):
        assert max(len(line) for line in text.splitlines()) <= 125
        assert "SL*" not in text
        assert "HC" not in text
        assert "full-timers (voice+chat," in text  # the name, wrapped but whole
    assert "service" in service
    assert "level" in service
    assert "mean" in service
    assert "agents" in hours
    assert "needed" in hours
    assert "9,000" in hours
    assert "+2,880" in hours


def test_a_note_every_row_has_is_said_once_and_the_others_with_their_scenario() -> None:
    blank = "no roster of this week to measure service, cost and paid hours on"
    rows = [
        {"scenario": "base", "notes": [blank]},
        {"scenario": "+2 agents", "notes": [blank, "some agents have no hourly rate: no cost"]},
    ]
    assert note_lines(rows) == [f"every row: {blank}", "+2 agents: some agents have no hourly rate: no cost"]
    assert note_lines(rows[:1]) == [f"base: {blank}"]

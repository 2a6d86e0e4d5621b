"""Who could cover a short stretch: every rule an option gives up is named, and its kind ranks it."""

from __future__ import annotations

import dataclasses

import numpy as np

from scheduler.domain import LabourRules, Roster
from scheduler.roster.cover import OVERTIME, SWAP, cover_options
from scheduler.roster.report import measure, short_stretches
from tests.scheduler.roster.test_absence import WEEK, desk, shift


def saturday_short(labour: LabourRules, weekdays: int) -> tuple[str, str]:
    """Full 0 alone on Monday to the weekday `weekdays` (from Monday) with nobody on a needed Saturday:
    the words of the option that gives Full 0 the Saturday."""
    p = desk()
    p = dataclasses.replace(
        p, team=dataclasses.replace(p.team, agents=p.team.agents[:1], labour_rules=labour)
    )
    need = np.zeros(WEEK.grid.n_intervals)
    need[5 * 24 + 9 : 5 * 24 + 17] = 1
    p = dataclasses.replace(p, required={"chat": need})
    roster = Roster("Desk", WEEK.first_day, tuple(shift("f0", d) for d in WEEK.days[5 - weekdays : 5]))
    options = cover_options(p, roster, short_stretches(p, measure(p, roster)))
    assert [o.agent_id for o in options] == ["f0"]
    return options[0].kind, options[0].words


def test_an_option_that_breaks_days_off_days_in_a_row_and_hours_names_all_three() -> None:
    """Monday to Friday worked, 40 h: the Saturday is a sixth day (5 allowed), a sixth in a row
    (at most 5) and 48 h (at most 40), not just "overtime"."""
    kind, words = saturday_short(LabourRules(11.0, 5, 2), 5)
    assert kind == OVERTIME
    assert "a day off (works 6 days; at most 5 allowed)" in words
    assert "the most days in a row (day 6 in a row; at most 5 allowed)" in words
    assert "the contract's hours (48 h, above the maximum of 40 h)" in words
    assert "an 8 h shift beyond the contract" in words


def test_a_day_more_in_a_row_is_named_as_such_not_as_a_swap() -> None:
    """Tuesday to Friday worked (32 h, 4 days of 5): the Saturday keeps the days off and the hours but
    is a fifth day in a row where at most 4 are allowed."""
    kind, words = saturday_short(LabourRules(11.0, 4, 2), 4)
    assert kind == SWAP  # ranked with the day-off rules; the words say which
    assert "giving up the most days in a row (day 5 in a row; at most 4 allowed)" in words
    assert "a day off (" not in words
    assert "swap" not in words

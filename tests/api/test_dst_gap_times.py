"""Times of availability that the clocks jump past (a DST gap) are refused in words, with the time to
give instead, in an imported file and in rows typed in alike; a weekday row (every week) and the
day's edges are read as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from api.formats import empty_span_reason, read_availability, skipped_time_reason
from api.service.imports import typed_entries
from api.service.schemas import AvailabilityEntries
from common.errors import InvalidInput
from common.timegrid import skipped_wall_minute, zone
from scheduler import Team
from scheduler.sample import sample_team

HEADER = "agent_id,date,weekday,start,end,kind,note\n"
# Lord Howe Island's clocks go from 02:00 to 02:30 on 2026-10-04; Berlin's from 02:00 to 03:00 on 2026-03-29
LORD_HOWE = "Australia/Lord_Howe"


def _team() -> Team:
    team = sample_team()
    first, *others = team.agents
    return replace(team, agents=(replace(first, tz=LORD_HOWE), *others))


def test_the_first_minute_after_a_jump_is_found_and_times_that_exist_have_none() -> None:
    assert skipped_wall_minute(date(2026, 10, 4), 2 * 60 + 10, zone(LORD_HOWE)) == 2 * 60 + 30
    assert skipped_wall_minute(date(2026, 3, 29), 2 * 60, zone("Europe/Berlin")) == 3 * 60
    assert skipped_wall_minute(date(2026, 3, 29), 3 * 60, zone("Europe/Berlin")) is None
    assert skipped_wall_minute(date(2026, 10, 25), 2 * 60 + 30, zone("Europe/Berlin")) is None  # twice
    assert skipped_wall_minute(date(2026, 10, 4), 0, zone(LORD_HOWE)) is None  # the day's edges
    assert skipped_wall_minute(date(2026, 10, 4), 24 * 60, zone(LORD_HOWE)) is None


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("2026-10-04,,02:10,03:00,absence,", "start", "02:10 does not exist on 2026-10-04"),
        ("2026-10-04,,01:45,02:15,time_off,", "end", "02:15 does not exist on 2026-10-04"),
        ("2026-10-03..2026-10-05,,02:10,03:00,unavailable,", "start", "02:10 does not exist on 2026-10-04"),
        ("2026-10-04,,02:00,02:30,absence,", "end", "02:00–02:30 is no time on 2026-10-04"),
    ],
)
def test_an_imported_time_in_the_gap_is_refused_naming_the_time_to_give(
    tmp_path: Path, line: str, column: str, reason: str
) -> None:
    path = tmp_path / "av.csv"
    path.write_text(HEADER + "a01," + line + "\n")
    with pytest.raises(InvalidInput) as caught:
        read_availability(path, _team())
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (2, column)
    assert reason in issue.reason
    assert "02:30" in issue.reason
    assert LORD_HOWE in issue.reason


def test_times_outside_the_gap_a_weekday_row_and_another_agent_are_read(tmp_path: Path) -> None:
    path = tmp_path / "av.csv"
    rows = [
        "a01,2026-10-04,,01:00,02:00,absence,",  # ends as the clocks jump
        "a01,2026-10-04,,02:00,04:00,absence,",  # starts as they jump: from 02:30 on the new clock
        "a01,,sun,02:00,02:30,unavailable,",  # every Sunday: most have the time
        "a01,2026-10-04,,,,time_off,",  # the whole day
        "a02,2026-10-04,,02:00,02:30,absence,",  # a zone without the jump
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    assert len(read_availability(path, _team())) == len(rows)


def test_a_typed_in_time_in_the_gap_is_refused_naming_the_field() -> None:
    body = AvailabilityEntries.model_validate(
        {
            "entries": [
                {
                    "agent_id": "a02",
                    "kind": "absence",
                    "date": "2026-10-04",
                    "start": "02:00",
                    "end": "02:30",
                },
                {
                    "agent_id": "a01",
                    "kind": "absence",
                    "date": "2026-10-03",
                    "to": "2026-10-05",
                    "start": "02:15",
                },
            ]
        }
    )
    with pytest.raises(InvalidInput) as caught:
        typed_entries(body, _team())
    (issue,) = caught.value.issues
    assert (issue.column, issue.value) == ("entries.1.start", "02:15")
    assert "02:15 does not exist on 2026-10-04 in Australia/Lord_Howe" in issue.reason


def test_at_a_midnight_jump_the_day_begins_at_the_jump_and_an_hour_before_it_is_no_time() -> None:
    """Santiago's clocks go from 00:00 to 01:00 on 2026-09-06: 00:00 is where that day begins (not
    refused), 00:00–01:00 covers nothing, and 00:30 does not exist."""
    santiago, day = "America/Santiago", [date(2026, 9, 6)]
    assert skipped_wall_minute(day[0], 0, zone(santiago)) == 60
    assert skipped_time_reason(day, 0, santiago) is None
    assert empty_span_reason(day, 0, 60, santiago) == (
        "00:00–01:00 is no time on 2026-09-06 in America/Santiago: the clocks jump from 00:00 to 01:00"
    )
    assert empty_span_reason(day, 0, 24 * 60, santiago) is None
    assert "give 01:00" in (skipped_time_reason(day, 30, santiago) or "")


def test_a_time_the_clocks_jump_past_to_the_next_day_is_told_an_earlier_time() -> None:
    """Nuuk's clocks went from 23:00 to 00:00 on 2026-03-28 (as its zone data has it): a start of 23:30
    cannot be 24:00."""
    reason = skipped_time_reason([date(2026, 3, 28)], 23 * 60 + 30, "America/Nuuk")
    assert reason is not None
    assert "to 00:00 on 2026-03-29): give an earlier time, or 24:00 for an end" in reason

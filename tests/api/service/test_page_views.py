"""The page's views of a version as shown: moves, conflicts with the availability stored now, the day
view and the figures read from whatever the coverage report gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from api.service.codec import shift_to_dict
from api.service.db import RosterVersionRow
from api.service.roster_checks import conflicts, move_conflicts, roster_as_shown
from api.service.storage import availability_snapshot, version_roster
from api.service.views import coverage_view, day_view, hourly, need_of, on_queue_of, roster_grid, short_of
from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, QueueSpec, Roster, Shift, ShiftRules, Team

MONDAY = date(2026, 11, 2)


def _team() -> Team:
    return Team(
        name="Desk",
        tz="Europe/London",
        interval_minutes=60,
        queues=(QueueSpec("email", "email", response_hours=8.0, service_level=0.8),),
        shift_rules=ShiftRules(
            lengths_hours=(8,),
            start_step_minutes=60,
            earliest_start_minute=7 * 60,
            latest_start_minute=12 * 60,
        ),
        agents=(
            Agent("a1", "Ann", "Europe/London", skills=("email",)),
            Agent("a2", "Bo", "Europe/London", skills=("email",)),
        ),
    )


def _shift(agent: str, day: date, hour: int) -> Shift:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Shift(agent, day, start, start + timedelta(hours=8), "email")


def _roster() -> Roster:
    return Roster("Desk", MONDAY, (_shift("a1", MONDAY, 9), _shift("a2", MONDAY, 10)))


def test_a_moved_pin_replaces_its_shift_and_is_marked_with_where_it_was() -> None:
    moved = _shift("a1", MONDAY, 11)
    shown = roster_as_shown(_roster(), (moved,))
    assert moved in shown.shifts
    assert len(shown.shifts) == 2
    cell = roster_grid(_team(), _roster(), (), "team", (moved,))["agents"][0]["cells"][0]["shifts"][0]
    assert cell["label"] == "11:00–19:00"
    assert cell["moved"] is True
    assert cell["moved_from"] == "09:00–17:00"
    assert cell["start_local"] == "11:00"


def test_time_off_stored_after_the_roster_is_a_conflict_of_that_agent_day() -> None:
    off = AvailabilityEntry("a2", "time_off", 0, 24 * 60, on_date=MONDAY, note="sick")
    found = conflicts(_team(), _roster(), (off,))
    assert [(c.agent_id, c.local_date) for c in found] == [("a2", MONDAY)]
    assert "Bo, Mon 02 Nov" in found[0].text
    assert "time off" in found[0].text
    grid = roster_grid(_team(), _roster(), (off,), "team", (), found)
    assert grid["agents"][1]["cells"][0]["shifts"][0]["conflicts"] == [found[0].text]
    assert grid["conflicts"][0]["agent_id"] == "a2"


def test_a_move_is_judged_by_what_it_breaks_not_by_the_weeks_older_conflicts() -> None:
    entries = (
        AvailabilityEntry("a1", "unavailable", 17 * 60, 24 * 60, on_date=MONDAY, note="school run"),
        AvailabilityEntry("a1", "time_off", 0, 24 * 60, on_date=MONDAY + timedelta(days=1)),
    )
    roster = Roster("Desk", MONDAY, (*_roster().shifts, _shift("a1", MONDAY + timedelta(days=1), 9)))
    assert move_conflicts(_team(), roster, _shift("a1", MONDAY, 8), entries) == []
    (broken,) = move_conflicts(_team(), roster, _shift("a1", MONDAY, 10), entries)
    assert "unavailable" in broken.text


def _record(hour: int, **values: float) -> dict[str, object]:
    ds = datetime(2026, 11, 2, hour, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    return {"queue": "email", "ds": ds, **values}


def test_figures_read_the_fractional_need_where_the_report_gives_it() -> None:
    integer = _record(9, required=2, scheduled=1, short=1)
    fractional = _record(9, need=1.3, on_queue=1, required=2, scheduled=1)
    assert (need_of(integer), on_queue_of(integer), short_of(integer)) == (2, 1, 1)
    assert need_of(fractional) == 1.3
    assert short_of(fractional) == pytest.approx(0.3)
    assert short_of(_record(9, need=1.3, on_queue=1, shortfall=0.0)) == 0.0


def _stretch(start: int, end: int, words: str) -> dict[str, object]:
    """A stretch where service suffers as a version stores it (`ShortStretch`, JSON-ready)."""
    return {
        "queue": "email",
        "start_utc": f"2026-11-02T{start:02d}:00:00Z",
        "end_utc": f"2026-11-02T{end:02d}:00:00Z",
        "when": "",
        "words": words,
    }


def test_coverage_per_hour_and_shortfall_hours_per_day() -> None:
    records = [_record(h, need=1.5, on_queue=1, volume=10.0, service_level=0.6) for h in range(9, 12)]
    words = "Mon 02 Nov 10:00–12:00: 1 on email (1.5 needed); up to 4 contacts past 8 h"
    view = coverage_view(_team(), MONDAY, records, [_stretch(10, 12, words)])
    (queue,) = view["queues"]
    monday = queue["daily"][0]
    assert monday["shortfall_hours"] == pytest.approx(1.5)
    assert monday["need_hours"] == pytest.approx(4.5)
    assert monday["below_target"] is True
    assert queue["shortfall_hours"] == pytest.approx(1.5)
    (stretch,) = queue["short_stretches"]
    assert stretch["text"] == words
    assert (stretch["local_date"], stretch["hours"], stretch["shortfall_hours"]) == ("2026-11-02", 2, 1.0)
    # below the need at 09:00 too, but only the report's stretches are short; none stored: not measured
    assert coverage_view(_team(), MONDAY, records, [])["queues"][0]["short_stretches"] == []
    assert coverage_view(_team(), MONDAY, records, None)["queues"][0]["short_stretches"] is None
    week = PlanningWeek(MONDAY, "Europe/London", 15)
    quarter = [
        {
            "queue": "email",
            "ds": (week.start_utc + timedelta(minutes=15 * k)).isoformat(),
            "need": k % 2,
            "on_queue": 1,
        }
        for k in range(8)
    ]
    per_hour = hourly(quarter, week)
    assert per_hour["x_hours"] == [0, 1]
    assert per_hour["need"] == [0.5, 0.5]


def test_the_day_view_has_a_column_per_interval_for_agents_and_the_strip() -> None:
    records = [_record(h, required=1, scheduled=1 if h >= 10 else 0) for h in range(8, 18)]
    words = "Mon 02 Nov 08:00–10:00: nobody on email (1.0 needed); up to 3 contacts past 8 h"
    view = day_view(_team(), _roster(), (), records, [_stretch(8, 10, words)], MONDAY)
    assert len(view["intervals"]) == 24
    ann, bo = view["agents"]
    assert ann["states"][9] == "queue:email"
    assert ann["states"][8] == ""
    assert bo["states"][9] == ""
    (strip,) = view["queues"]
    assert len(strip["need"]) == len(strip["on_queue"]) == len(strip["short"]) == 24
    assert strip["short"][8] == 1
    assert strip["need"][0] is None  # no requirement stored for that interval
    assert [h for h, bad in enumerate(strip["suffers"]) if bad] == [8, 9]
    assert strip["short_stretches"] == [words]
    (unmeasured,) = day_view(_team(), _roster(), (), records, None, MONDAY)["queues"]
    assert unmeasured["short_stretches"] is None
    assert not any(unmeasured["suffers"])


def test_the_day_view_of_a_dst_day_has_its_25_hours_and_refuses_other_weeks() -> None:
    sunday = date(2026, 10, 25)  # London falls back
    roster = Roster("Desk", date(2026, 10, 19), ())
    assert len(day_view(_team(), roster, (), [], [], sunday)["intervals"]) == 25
    with pytest.raises(InvalidInput, match="not a day of the week"):
        day_view(_team(), roster, (), [], [], MONDAY)


def test_the_day_view_says_why_an_agent_without_a_shift_is_away() -> None:
    tuesday = MONDAY + timedelta(days=1)
    entries = (
        AvailabilityEntry("a1", "absence", 0, 24 * 60, on_date=MONDAY, note="flu"),
        AvailabilityEntry("a2", "absence", 13 * 60, 24 * 60, on_date=MONDAY),
        AvailabilityEntry("a2", "time_off", 0, 24 * 60, on_date=tuesday),
    )
    cut = Shift(
        "a2", MONDAY, datetime(2026, 11, 2, 10, tzinfo=UTC), datetime(2026, 11, 2, 13, tzinfo=UTC), "email"
    )
    roster = Roster("Desk", MONDAY, (cut,))
    bo, ann = day_view(_team(), roster, entries, [], [], MONDAY)["agents"]
    assert (ann["shifts"], ann["away"]) == ([], ["off sick"])
    assert ann["states"][9] == "absence"
    assert (bo["shifts"], bo["away"]) == (["10:00–13:00 email"], ["off sick from 13:00"])
    _, off = day_view(_team(), roster, entries, [], [], tuesday)["agents"]
    assert off["away"] == ["time off"]
    # the hours outside an agent's usual times are not a reason to name
    assert day_view(_team(), Roster("Desk", MONDAY, ()), (), [], [], MONDAY)["agents"][0]["away"] == []


def _full_timer_team() -> Team:
    """Ann works exactly 40 h in 8-h shifts, five days a week; a sick day is paid."""
    base = _team()
    ann = Agent("a1", "Ann", "Europe/London", skills=("email",), min_hours_per_week=40, max_hours_per_week=40)
    return replace(base, agents=(ann,))


def test_a_sick_day_the_roster_was_made_around_is_no_conflict_and_one_on_a_day_off_costs_no_hours() -> None:
    """The version made knowing Ann is sick on Tuesday gives her 32 h: her Tuesday counts as a day she
    would have worked (the version's own sick days), not as a day off short of her 40 h. A sick call
    stored later on one of her days off costs no hours: her 40 h stay within her contract."""
    tuesday = MONDAY + timedelta(days=1)
    sick = AvailabilityEntry("a1", "absence", 0, 24 * 60, on_date=tuesday, note="flu")
    worked = tuple(_shift("a1", MONDAY + timedelta(days=d), 9) for d in (0, 2, 3, 4))
    made_around = Roster("Desk", MONDAY, worked, absent=frozenset({("a1", tuesday)}))
    assert conflicts(_full_timer_team(), made_around, (sick,)) == []
    unaware = Roster("Desk", MONDAY, worked)  # as the page checked a version before: a day off short
    assert [c.rule for c in conflicts(_full_timer_team(), unaware, (sick,))] == ["weekly hours"]
    week = tuple(_shift("a1", MONDAY + timedelta(days=d), 9) for d in range(5))
    saturday = AvailabilityEntry("a1", "absence", 0, 24 * 60, on_date=MONDAY + timedelta(days=5))
    assert conflicts(_full_timer_team(), Roster("Desk", MONDAY, week), (saturday,)) == []


def test_a_stored_version_keeps_the_sick_days_its_availability_had_when_it_was_made() -> None:
    tuesday = MONDAY + timedelta(days=1)
    sick = AvailabilityEntry("a1", "absence", 0, 24 * 60, on_date=tuesday)
    later = AvailabilityEntry("a1", "absence", 0, 24 * 60, on_date=MONDAY + timedelta(days=9))  # next week
    row = RosterVersionRow(
        first_day=MONDAY,
        shifts=[shift_to_dict(_shift("a1", MONDAY, 9))],
        availability_snapshot=availability_snapshot((sick, later)),
    )
    roster = version_roster(row, "Desk")
    assert roster.absent == frozenset({("a1", tuesday)})
    assert roster_as_shown(roster, ()).absent == roster.absent


def test_the_day_view_names_the_days_of_shifts_over_midnight() -> None:
    """Saturday night's shift runs into Sunday and Sunday night's starts there: Sunday's row names both
    with their days, not as the same "18:30–02:30" twice."""
    saturday, sunday = MONDAY + timedelta(days=5), MONDAY + timedelta(days=6)
    night = [
        Shift("a1", d, start, start + timedelta(hours=8), "email")
        for d in (saturday, sunday)
        for start in (datetime(d.year, d.month, d.day, 18, 30, tzinfo=UTC),)
    ]
    view = day_view(_team(), Roster("Desk", MONDAY, tuple(night)), (), [], None, sunday)
    (ann,) = [a for a in view["agents"] if a["id"] == "a1"]
    assert ann["shifts"] == ["Sat 18:30–Sun 02:30 email", "Sun 18:30–Mon 02:30 email"]

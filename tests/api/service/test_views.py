"""What the web page draws: day cells in a chosen zone (DST days included) and coverage for a chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.service.views import blocked_spans, clip_to_day, coverage_view, roster_grid, shift_spans
from scheduler.domain import Activity, Agent, AvailabilityEntry, QueueSpan, QueueSpec, Roster, Shift, Team

LONDON = ZoneInfo("Europe/London")


def _team(tz: str = "Europe/London") -> Team:
    return Team(
        name="Desk",
        tz=tz,
        interval_minutes=60,
        queues=(QueueSpec("email", "email", response_hours=8.0),),
        agents=(
            Agent("a1", "Ann", "Europe/London", skills=("email",)),
            Agent("a2", "Bo", "America/New_York", skills=("email",)),
        ),
    )


def _utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_a_day_of_25_hours_is_split_by_elapsed_time() -> None:
    # 25 Oct 2026: London falls back, the day lasts 25 h; noon local is 13 h after midnight
    start, end = clip_to_day(_utc(2026, 10, 25, 12), _utc(2026, 10, 25, 13), date(2026, 10, 25), LONDON) or (
        0,
        0,
    )
    assert start == pytest.approx(13 / 25)
    assert end == pytest.approx(14 / 25)


def test_a_day_of_23_hours_ends_at_one() -> None:
    # 29 Mar 2026: London springs forward, the day lasts 23 h
    clipped = clip_to_day(_utc(2026, 3, 29, 20), _utc(2026, 3, 30, 3), date(2026, 3, 29), LONDON)
    assert clipped is not None
    assert clipped[1] == 1.0
    assert clipped[0] == pytest.approx(20 / 23)  # 20:00 UTC (21:00 BST) is 20 elapsed hours in


def test_a_span_outside_the_day_is_not_drawn() -> None:
    assert clip_to_day(_utc(2026, 11, 3, 9), _utc(2026, 11, 3, 17), date(2026, 11, 2), LONDON) is None


def test_breaks_split_the_shift() -> None:
    shift = Shift(
        "a1",
        date(2026, 11, 2),
        _utc(2026, 11, 2, 9),
        _utc(2026, 11, 2, 17),
        "email",
        breaks=(Activity("lunch", _utc(2026, 11, 2, 12), _utc(2026, 11, 2, 13)),),
    )
    kinds = [(s.kind, s.start_utc.hour, s.end_utc.hour) for s in shift_spans(shift)]
    assert kinds == [("shift", 9, 12), ("lunch", 12, 13), ("shift", 13, 17)]


def test_grid_puts_a_shift_in_each_zone_and_splits_it_at_midnight() -> None:
    team = _team()
    # Bo works 20:00-04:00 London time = 15:00-23:00 New York time, on his local Monday
    shift = Shift("a2", date(2026, 11, 2), _utc(2026, 11, 2, 20), _utc(2026, 11, 3, 4), "email")
    roster = Roster("Desk", date(2026, 11, 2), (shift,))
    in_team = roster_grid(team, roster, (), "team")
    bo = in_team["agents"][1]
    monday, tuesday = bo["cells"][0], bo["cells"][1]
    assert [s["label"] for s in monday["shifts"]] == ["20:00–04:00"]
    assert tuesday["shifts"] == []  # listed on the day it starts; the part after midnight is drawn
    assert (monday["runs_on_until"], tuesday["runs_on_until"]) == (None, "04:00")  # "until 04:00, then off"
    assert monday["segments"][0]["start"] == pytest.approx(20 / 24, abs=1e-5)
    assert monday["segments"][0]["end"] == pytest.approx(1.0)
    assert tuesday["segments"][0]["end"] == pytest.approx(4 / 24, abs=1e-5)
    in_own = roster_grid(team, roster, (), "agent")["agents"][1]
    assert in_own["display_tz"] == "America/New_York"
    assert [s["label"] for s in in_own["cells"][0]["shifts"]] == ["15:00–23:00"]
    assert in_own["cells"][1]["shifts"] == []


def test_a_local_day_outside_the_week_gets_a_column_in_the_agent_zone_view() -> None:
    """Bo's shift at 03:00 London on the week's first Monday starts on Sunday in New York: in his own
    zone that Sunday is a column outside the week, blank for Ann; in the team's zone it is Monday's."""
    team = _team()
    shift = Shift("a2", date(2026, 11, 1), _utc(2026, 11, 2, 3), _utc(2026, 11, 2, 11), "email")
    roster = Roster("Desk", date(2026, 11, 2), (shift,))
    in_team = roster_grid(team, roster, (), "team")
    assert [c["date"] for c in in_team["columns"]] == in_team["days"]
    assert [s["label"] for s in in_team["agents"][1]["cells"][0]["shifts"]] == ["03:00–11:00"]
    own = roster_grid(team, roster, (), "agent")
    assert own["days"] == in_team["days"]  # the team's week, as the day view takes it
    assert own["columns"][0] == {"date": "2026-11-01", "in_week": False}
    assert all(c["in_week"] for c in own["columns"][1:])
    assert len(own["columns"]) == 8
    ann, bo = own["agents"][0]["cells"][0], own["agents"][1]["cells"][0]
    assert [s["label"] for s in bo["shifts"]] == ["22:00–06:00"]
    assert not bo["in_week"]
    assert ann == {
        "date": "2026-11-01",
        "in_week": False,
        "segments": [],
        "shifts": [],
        "runs_on_until": None,
    }
    assert own["day_totals"][0] == {"date": "2026-11-01", "headcount": 1, "hours": 8.0}
    assert own["day_totals"][1]["headcount"] == 0


def test_a_day_of_time_off_in_another_zone_is_labelled_with_its_days() -> None:
    team = _team()
    entries = (AvailabilityEntry("a2", "time_off", on_date=date(2026, 11, 4)),)  # New York's Wednesday
    grid = roster_grid(team, Roster("Desk", date(2026, 11, 2), ()), entries, "team")
    wednesday = grid["agents"][1]["cells"][2]["segments"]
    assert [(s["kind"], s["label"]) for s in wednesday] == [("time_off", "Wed 05:00–Thu 05:00")]
    own = roster_grid(team, Roster("Desk", date(2026, 11, 2), ()), entries, "agent")
    assert own["agents"][1]["cells"][2]["segments"][0]["label"] == "00:00–24:00"


def test_time_off_and_hours_outside_available_windows_are_shaded() -> None:
    agent = _team().agents[0]
    entries = (
        AvailabilityEntry("a1", "time_off", on_date=date(2026, 11, 4), note="dentist"),
        AvailabilityEntry("a1", "available", 8 * 60, 18 * 60, weekday=4),
    )
    spans = blocked_spans(agent, entries, [date(2026, 11, 2) + timedelta(days=i) for i in range(7)])
    kinds = sorted((s.kind, s.start_utc.isoformat(), s.end_utc.isoformat()) for s in spans)
    assert ("time_off", "2026-11-04T00:00:00+00:00", "2026-11-05T00:00:00+00:00") in kinds
    # Friday: unavailable before 08:00 and after 18:00
    assert ("unavailable", "2026-11-06T00:00:00+00:00", "2026-11-06T08:00:00+00:00") in kinds
    assert ("unavailable", "2026-11-06T18:00:00+00:00", "2026-11-07T00:00:00+00:00") in kinds


def test_pinned_shifts_are_flagged() -> None:
    shift = Shift("a1", date(2026, 11, 2), _utc(2026, 11, 2, 9), _utc(2026, 11, 2, 17), "email")
    grid = roster_grid(_team(), Roster("Desk", date(2026, 11, 2), (shift,)), (), "team", (shift,))
    cell = grid["agents"][0]["cells"][0]["shifts"][0]
    assert cell["pinned"] is True
    assert cell["moved"] is False


def test_a_shift_that_moves_between_queues_lists_its_stretches_on_the_display_clock() -> None:
    work = (
        QueueSpan("email", _utc(2026, 11, 2, 14), _utc(2026, 11, 2, 18)),
        QueueSpan("chat", _utc(2026, 11, 2, 18), _utc(2026, 11, 2, 22)),
    )
    shift = Shift(
        "a2", date(2026, 11, 2), _utc(2026, 11, 2, 14), _utc(2026, 11, 2, 22), "email", work=work[::-1]
    )
    roster = Roster("Desk", date(2026, 11, 2), (shift,))
    in_team = roster_grid(_team(), roster, (), "team")["agents"][1]["cells"][0]["shifts"][0]
    assert in_team["stretches"] == [
        {"queue": "email", "label": "14:00–18:00"},
        {"queue": "chat", "label": "18:00–22:00"},
    ]
    in_own = roster_grid(_team(), roster, (), "agent")["agents"][1]["cells"][0]["shifts"][0]
    assert [w["label"] for w in in_own["stretches"]] == ["09:00–13:00", "13:00–17:00"]  # New York
    plain = replace(shift, work=())
    assert (
        roster_grid(_team(), replace(roster, shifts=(plain,)), (), "team")["agents"][1]["cells"][0]["shifts"][
            0
        ]["stretches"]
        == []
    )


def _records(first: datetime, hours: int, short_at: set[int]) -> list[dict[str, object]]:
    return [
        {
            "queue": "email",
            "ds": (first + timedelta(hours=h)).isoformat().replace("+00:00", "Z"),
            "required": 2,
            "scheduled": 1 if h in short_at else 2,
            "short": 1 if h in short_at else 0,
            "over": 0,
            "volume": 10.0,
            "service_level": 0.5 if h in short_at else 0.9,
        }
        for h in range(hours)
    ]


def test_coverage_chart_of_a_dst_week_has_no_repeated_hour() -> None:
    # the week of 19 Oct 2026 in London has 169 hours (falls back on Sunday 25 Oct)
    first = datetime(2026, 10, 19, tzinfo=LONDON).astimezone(UTC)
    stored = {  # as the version's report found it: 09:00-12:00 UTC
        "queue": "email",
        "start_utc": "2026-10-19T09:00:00Z",
        "end_utc": "2026-10-19T12:00:00Z",
        "words": "Mon 19 Oct 10:00–13:00: 1 on email (2.0 needed); up to 5 contacts past 8 h",
    }
    view = coverage_view(_team(), date(2026, 10, 19), _records(first, 169, {10, 11, 12}), [stored])
    (q,) = view["queues"]
    assert q["x_hours"] == [float(h) for h in range(169)]
    assert [t["x_hours"] for t in view["ticks"]] == [0, 24, 48, 72, 96, 120, 144, 169]
    (stretch,) = q["short_stretches"]
    assert stretch["text"].startswith("Mon 19 Oct 10:00–13:00")  # BST, UTC+1
    assert (stretch["local_date"], stretch["hours"], stretch["shortfall_hours"]) == ("2026-10-19", 3, 3)
    monday = q["daily_service_level"][0]
    assert monday["service_level"] == pytest.approx((21 * 0.9 + 3 * 0.5) / 24)
    assert q["daily_service_level"][6]["volume"] == pytest.approx(250.0)  # 25 hours on Sunday


def test_coverage_without_volume_has_no_daily_service_level() -> None:
    first = datetime(2026, 11, 2, tzinfo=LONDON).astimezone(UTC)
    records = _records(first, 168, set())
    for r in records:
        r["volume"] = None
        r["service_level"] = None
    (q,) = coverage_view(_team(), date(2026, 11, 2), records, [])["queues"]
    assert {d["service_level"] for d in q["daily_service_level"]} == {None}
    assert q["short_stretches"] == []


def test_the_days_figures_count_blended_time_and_every_contact_as_the_report_does() -> None:
    """A lead's review: email served between chats showed "on queue 0.0 agent-h, below the need" beside
    "email meets its target", and a Sunday of 111.5 emails showed 1 contact (only the intervals with a
    service level were counted)."""
    first = datetime(2026, 11, 2, tzinfo=LONDON).astimezone(UTC)
    records = [
        {
            "queue": "email",
            "ds": (first + timedelta(hours=h)).isoformat().replace("+00:00", "Z"),
            "need": 0.5,
            "on_queue": 0,
            "blended": 0.5,
            "shortfall": 0.0,
            "volume": 4.0,
            "service_level": 1.0 if h % 24 == 9 else None,  # one interval of each day is scored
        }
        for h in range(168)
    ]
    (q,) = coverage_view(_team(), date(2026, 11, 2), records, [])["queues"]
    monday = q["daily"][0]
    assert monday["on_queue_hours"] == pytest.approx(12.0)  # half an agent all day, between chats
    assert monday["volume"] == pytest.approx(96.0)  # every contact of the day
    assert monday["service_level"] == pytest.approx(1.0)
    assert q["hourly"]["on_queue"][0] == pytest.approx(0.5)

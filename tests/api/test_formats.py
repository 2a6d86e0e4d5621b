"""File readers: good files load, every kind of bad input is rejected whole with its place named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from api.formats import (
    MAX_AVAILABILITY_ENTRIES,
    availability_rows,
    read_availability,
    read_availability_file,
    read_history,
    read_requirements,
    read_roster,
    read_team,
    write_frame_csv,
    write_roster_csv,
)
from common.errors import InvalidInput
from common.timegrid import UTC
from scheduler.domain import Activity, AvailabilityEntry, QueueSpan, Roster, Shift, Team
from scheduler.roster.problem import Problem
from scheduler.sample import sample_team

GOOD_HISTORY = "ds,queue,y,region,aht_s\n2026-03-02T09:00:00Z,chat,4,Europe/London,300\n2026-03-02T09:15:00+00:00,chat,0,,\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_history_loads_in_utc(tmp_path: Path) -> None:
    frame = read_history(write(tmp_path, "h.csv", GOOD_HISTORY), default_region="America/Phoenix")
    assert list(frame.columns) == ["ds", "queue", "y", "region", "aht_s"]
    assert str(frame["ds"].dt.tz) == "UTC"
    assert set(frame["region"]) == {"Europe/London", "America/Phoenix"}
    assert frame["aht_s"].isna().sum() == 1


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        ("ds,queue\n2026-03-02T09:00:00Z,chat\n", 1, None, "missing column"),
        ("ds,queue,y\n2026-03-02 09:00,chat,3\n", 2, "ds", "no UTC offset"),
        ("ds,queue,y\nyesterday,chat,3\n", 2, "ds", "not an ISO-8601"),
        ("ds,queue,y\n2026-03-02T09:00:00Z,chat,-1\n", 2, "y", ">= 0"),
        ("ds,queue,y\n2026-03-02T09:00:00Z,chat,many\n", 2, "y", "not a number"),
        ("ds,queue,y,region\n2026-03-02T09:00:00Z,chat,1,Mars/Base\n", 2, "region", "unknown time zone"),
        ("ds,queue,y\n2026-03-02T09:00:00Z,,1\n", 2, "queue", "empty"),
        ("ds,queue,y\n2026-03-02T09:00:00Z,chat,1\n2026-03-02T10:00:00+01:00,chat,2\n", 3, "ds", "duplicate"),
        ("ds,queue,y,aht_s\n2026-03-02T09:00:00Z,chat,1,0\n", 2, "aht_s", "> 0"),
    ],
)
def test_bad_history_names_row_column_and_reason(
    tmp_path: Path, text: str, row: int, column: str | None, reason: str
) -> None:
    path = write(tmp_path, "history.csv", text)
    with pytest.raises(InvalidInput) as caught:
        read_history(path, default_region="UTC")
    issue = caught.value.issues[0]
    assert issue.file == str(path)
    assert issue.row == row
    assert issue.column == column
    assert reason in issue.reason
    assert "history.csv" in str(caught.value)


def test_naive_history_loads_when_its_zone_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", "ds,queue,y\n2026-07-01 09:00,chat,3\n")
    frame = read_history(path, default_region="UTC", assume_tz="America/New_York")
    assert frame["ds"].iloc[0] == pd.Timestamp("2026-07-01T13:00:00Z")


def test_every_bad_row_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = "ds,queue,y\n2026-03-02T09:00:00Z,chat,-1\n2026-03-02T09:15:00Z,chat,x\nbad,chat,1\n"
    with pytest.raises(InvalidInput) as caught:
        read_history(write(tmp_path, "h.csv", text), default_region="UTC")
    assert sorted(i.row or 0 for i in caught.value.issues) == [2, 3, 4]


def test_unknown_file_type_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown file type"):
        read_history(write(tmp_path, "h.txt", GOOD_HISTORY), default_region="UTC")
    with pytest.raises(InvalidInput, match="file not found"):
        read_history(tmp_path / "nope.csv", default_region="UTC")


AV_HEADER = "agent_id,date,weekday,start,end,kind,note\n"


def test_good_availability_loads(tmp_path: Path) -> None:
    team = sample_team()
    text = AV_HEADER + "a01,2026-11-03,,,,time_off,dentist\na02,,Tuesday,17:00,24:00,unavailable,\n"
    entries = read_availability(write(tmp_path, "av.csv", text), team)
    assert entries[0].kind == "time_off"
    assert entries[0].end_minute == 1440
    assert entries[1].weekday == 1
    assert entries[1].start_minute == 17 * 60


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("zz9,2026-11-03,,,,time_off,", "agent_id", "no agent of the team has this id or name"),
        ("a01,2026-11-03,,,,meeting,", "kind", "kind must be one of"),
        ("a01,2026-11-03,,18:00,09:00,unavailable,", "end", "after start"),
        ("a01,2026-13-03,,,,time_off,", "date", "not a date"),
        ("a01,,Funday,,,time_off,", "weekday", "not a weekday"),
        ("a01,2026-11-03,mon,,,time_off,", "date", "exactly one of date or weekday"),
        ("a01,2026-11-03,,9am,,available,", "start", "not a time of day"),
        ("a01,2026-11-03,,,,time_off,\"Trip\r=cmd|' /C calc'!A0\"", "note", "control or invisible character"),
    ],
)
def test_bad_availability_is_rejected_whole(tmp_path: Path, line: str, column: str, reason: str) -> None:
    text = AV_HEADER + "a02,,mon,,,unavailable,\n" + line + "\n"
    with pytest.raises(InvalidInput) as caught:
        read_availability(write(tmp_path, "av.csv", text), sample_team())
    issue = caught.value.issues[0]
    assert (issue.row, issue.column) == (3, column)
    assert reason in issue.reason


def test_availability_from_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "av.xlsx"
    pd.DataFrame(
        [{"agent_id": "a01", "weekday": "fri", "start": "09:00", "end": "12:00", "kind": "avoid"}]
    ).to_excel(path, index=False)
    (entry,) = read_availability(path, sample_team())
    assert (entry.weekday, entry.kind) == (4, "avoid")


def test_team_file_errors_name_the_field(tmp_path: Path) -> None:
    text = "name: T\ntz: America/Phoenix\nqueues:\n  - {name: chat, channel: fax}\nagents:\n  - {id: a, name: A, tz: UTC, skills: [chat]}\n"
    with pytest.raises(InvalidInput) as caught:
        read_team(write(tmp_path, "team.yaml", text))
    assert caught.value.issues[0].column == "queues.0.channel"
    assert "team.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("snippet", "reason"),
    [
        ("tz: Moon/Base", "unknown time zone"),
        ("tz: UTC\ninterval_minutes: 20", "not allowed"),
    ],
)
def test_team_file_value_errors(tmp_path: Path, snippet: str, reason: str) -> None:
    text = f"name: T\n{snippet}\nqueues:\n  - {{name: chat, channel: chat}}\nagents:\n  - {{id: a, name: A, tz: UTC, skills: [chat]}}\n"
    with pytest.raises(InvalidInput, match=reason):
        read_team(write(tmp_path, "team.yaml", text))


def test_team_skill_for_unknown_queue(tmp_path: Path) -> None:
    text = "name: T\ntz: UTC\nqueues:\n  - {name: chat, channel: chat}\nagents:\n  - {id: a, name: A, tz: UTC, skills: [voice]}\n"
    with pytest.raises(InvalidInput, match="unknown queues: voice"):
        read_team(write(tmp_path, "team.yaml", text))


AGENT_RULES_TEAM = """name: T
tz: UTC
queues:
  - {name: chat, channel: chat}
labour_rules: {min_rest_hours: 11, max_consecutive_days: 6, min_days_off_per_week: 2}
agents:
  - {id: a, name: A, tz: UTC, skills: [chat], min_shifts_per_week: 3, max_shifts_per_week: 4,
     labour_rules: {max_consecutive_days: 3, min_consecutive_days_off: 2}}
  - {id: b, name: B, tz: UTC, skills: [chat]}
"""


def test_agents_own_labour_rules_and_shift_counts_change_only_what_they_name(tmp_path: Path) -> None:
    from api.schemas import team_from_mapping, team_to_mapping

    team = read_team(write(tmp_path, "team.yaml", AGENT_RULES_TEAM))
    a, b = team.agents
    own = team.labour_rules_of(a)
    assert (own.max_consecutive_days, own.min_consecutive_days_off, own.min_rest_hours) == (3, 2, 11.0)
    assert team.labour_rules_of(b) == team.labour_rules
    assert (a.min_shifts_per_week, a.max_shifts_per_week, b.max_shifts_per_week) == (3, 4, None)
    assert team_from_mapping(team_to_mapping(team)) == team


OVERRIDE_TEAM = """
name: Part-timers
tz: Europe/London
queues:
  - {name: chat, channel: chat}
shift_rules:
  lengths_hours: [8]
  earliest_start: "07:00"
  latest_start: "11:00"
  breaks: [{kind: lunch, duration_minutes: 30, window_start_minutes: 180, window_end_minutes: 300}]
agents:
  - {id: p, name: Pat, tz: Europe/London, skills: [chat], shift_rules: {lengths_hours: [6]}}
  - {id: q, name: Quinn, tz: Europe/London, skills: [chat], shift_rules: {latest_start: "08:00", breaks: []}}
  - {id: r, name: Rae, tz: Europe/London, skills: [chat]}
"""


def test_an_agents_own_shift_rules_change_only_the_fields_they_give(tmp_path: Path) -> None:
    """A part-timer given only shorter shifts keeps the team's earliest start and lunch."""
    from api.schemas import team_from_mapping, team_to_mapping

    team = read_team(write(tmp_path, "team.yaml", OVERRIDE_TEAM))
    pat, quinn, rae = team.agents
    mine = team.shift_rules_of(pat)
    assert mine.lengths_hours == (6.0,)
    assert (mine.earliest_start_minute, mine.latest_start_minute) == (7 * 60, 11 * 60)
    assert mine.breaks == team.shift_rules.breaks
    theirs = team.shift_rules_of(quinn)
    assert (theirs.lengths_hours, theirs.earliest_start_minute, theirs.latest_start_minute) == (
        (8.0,),
        420,
        480,
    )
    assert theirs.breaks == ()  # an empty list given is a change: no breaks
    assert team.shift_rules_of(rae) == team.shift_rules
    mapping = team_to_mapping(team)
    assert mapping["agents"][0]["shift_rules"] == {"lengths_hours": [6.0]}  # only what differs is written
    assert team_from_mapping(mapping) == team


def test_an_agents_shift_rules_that_do_not_fit_name_the_agent(tmp_path: Path) -> None:
    # the team's lunch window ends 5.5 h in: it does not fit the agent's 4-h shifts
    bad = OVERRIDE_TEAM.replace("shift_rules: {lengths_hours: [6]}", "shift_rules: {lengths_hours: [4]}")
    with pytest.raises(InvalidInput, match="agent 'p': a lunch window"):
        read_team(write(tmp_path, "team.yaml", bad))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "min_consecutive_days_off: 2",
            "min_consecutive_days_off: 0",
            r"agents\.0\.labour_rules\.min_consecutive_days_off \(A\)': must be at least 1",
        ),
        ("max_shifts_per_week: 4", "max_shifts_per_week: 9", "agent 'a': shifts a week need"),
        ("max_shifts_per_week: 4", "max_shifts_per_week: 2", "agent 'a': shifts a week need"),
    ],
)
def test_bad_agent_rules_name_the_agent(tmp_path: Path, old: str, new: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        read_team(write(tmp_path, "team.yaml", AGENT_RULES_TEAM.replace(old, new)))


def test_a_file_that_gives_too_many_days_of_availability_is_refused_at_the_row_that_passes_the_cap(
    tmp_path: Path,
) -> None:
    rows_of_a_year = MAX_AVAILABILITY_ENTRIES // 365 + 1
    text = AV_HEADER + "".join(
        f"a01,2025-01-01..2025-12-31,,,,time_off,{k}\n" for k in range(rows_of_a_year + 5)
    )
    with pytest.raises(InvalidInput, match="more than 50,000 days of availability") as caught:
        read_availability(write(tmp_path, "av.csv", text), sample_team())
    assert caught.value.issues[-1].row == rows_of_a_year + 1  # the header is row 1


@pytest.mark.parametrize(
    ("column", "value"),
    [("volume", "1e308"), ("required", "1e308"), ("aht_s", "86401"), ("scheduled_needed", "inf")],
)
def test_requirements_beyond_any_contact_centre_are_refused(tmp_path: Path, column: str, value: str) -> None:
    row = {
        "queue": "chat",
        "ds": "2026-03-02T00:00:00Z",
        "volume": "3",
        "aht_s": "300",
        "required": "1",
        "scheduled_needed": "1",
    }
    row[column] = value
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    with pytest.raises(InvalidInput) as caught:
        read_requirements(write(tmp_path, "req.csv", text))
    issue = caught.value.issues[0]
    assert (issue.row, issue.column) == (2, column)
    assert "at most" in issue.reason


def test_a_history_count_beyond_any_contact_centre_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="at most 1,000,000"):
        read_history(
            write(tmp_path, "h.csv", "ds,queue,y\n2026-03-02T09:00:00Z,chat,1e308\n"), default_region="UTC"
        )


def test_requirements_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="missing column"):
        read_requirements(write(tmp_path, "req.csv", "queue,ds,volume\nchat,2026-03-02T00:00:00Z,1\n"))


def test_empty_roster_round_trips(tmp_path: Path) -> None:
    team = sample_team()
    path = tmp_path / "roster.csv"
    write_roster_csv(Roster(team.name, pd.Timestamp("2026-11-02").date(), ()), team, path)
    assert read_roster(path, team).shifts == ()


def test_roster_with_breaks_and_queue_changes_round_trips(tmp_path: Path) -> None:
    team = sample_team()
    agent = next(a for a in team.agents if len(a.skills) == 2)
    start = datetime(2026, 11, 2, 15, tzinfo=UTC)
    hours = [start + timedelta(hours=h) for h in range(9)]
    shift = Shift(
        agent.id,
        date(2026, 11, 2),
        hours[0],
        hours[8],
        "creator-email",
        (Activity("lunch", hours[4], hours[4] + timedelta(minutes=30)),),
        (QueueSpan("creator-email", hours[0], hours[5]), QueueSpan("creator-chat", hours[5], hours[8])),
    )
    path = tmp_path / "roster.csv"
    write_roster_csv(Roster(team.name, date(2026, 11, 2), (shift,)), team, path)
    assert "work" in path.read_text(encoding="utf-8")
    assert read_roster(path, team).shifts == (shift,)


def test_a_roster_csv_names_sick_days_and_time_off_and_reads_back_as_the_shifts(tmp_path: Path) -> None:
    """Payroll reading the CSV alone tells a sick day from a day off: dated absences and time off of the
    week follow the shifts as rows of their own (in the agent's local day), and a reader skips them."""
    team = sample_team()
    agent, other = team.agents[0], team.agents[1]
    week = date(2026, 11, 2)
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    shift = Shift(agent.id, week, start, start + timedelta(hours=8), agent.skills[0])
    leave = (
        AvailabilityEntry(agent.id, "absence", on_date=date(2026, 11, 4), note="flu"),
        AvailabilityEntry(other.id, "time_off", start_minute=13 * 60, on_date=date(2026, 11, 6)),
        AvailabilityEntry(other.id, "time_off", on_date=date(2026, 11, 20)),  # another week
        AvailabilityEntry(other.id, "unavailable", weekday=2),  # a standing rule, not a day away
    )
    path = tmp_path / "roster.csv"
    write_roster_csv(Roster(team.name, week, (shift,)), team, path, leave)
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    away = frame[frame["activity"].isin(["absence", "time_off"])]
    assert list(zip(away["agent_id"], away["local_date"], away["activity"], strict=True)) == [
        (agent.id, "2026-11-04", "absence"),
        (other.id, "2026-11-06", "time_off"),
    ]
    afternoon = away.iloc[1]
    assert afternoon["local_start"].endswith("13:00")
    assert afternoon["local_end"].startswith("2026-11-07 00:00")
    back = read_roster(path, team)
    assert back.shifts == (shift,)
    assert back.absent == {(agent.id, date(2026, 11, 4))}  # a sick day of the roster in force


def test_team_weights_round_trip_and_bad_ones_are_named(tmp_path: Path) -> None:
    from api.schemas import team_from_mapping, team_to_mapping

    text = AGENT_RULES_TEAM.replace(
        "agents:", "weights: {objective: headcount, isolated_day_off: 0}\nagents:"
    )
    team = read_team(write(tmp_path, "team.yaml", text))
    assert (team.weights.objective, team.weights.isolated_day_off) == ("headcount", 0)
    assert team.weights.under_per_agent_interval == 100  # left out: the default
    assert team_to_mapping(team)["weights"] == {"objective": "headcount", "isolated_day_off": 0}
    assert team_from_mapping(team_to_mapping(team)) == team
    for bad, column in [
        ("isolated_dayoff: 1", "weights.isolated_dayoff"),
        ("avoid_per_hour: -5", "weights.avoid_per_hour"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            read_team(
                write(
                    tmp_path, "bad.yaml", AGENT_RULES_TEAM.replace("agents:", f"weights: {{{bad}}}\nagents:")
                )
            )
        assert caught.value.issues[0].column == column


def _chat_asked_round_the_clock(team: Team) -> tuple[pd.DatetimeIndex, Problem]:
    """The interval starts of a UTC week, and the roster problem of requirements that ask for chat in
    every one of them."""
    from common.timegrid import PlanningWeek
    from scheduler.roster.problem import problem_from_requirements

    week = PlanningWeek(date(2026, 11, 2), "UTC", 60)
    starts = week.grid.starts()
    frame = pd.DataFrame(
        {"queue": "chat", "ds": starts, "volume": 5.0, "aht_s": 300.0, "required": 1, "scheduled_needed": 1}
    )
    return starts, problem_from_requirements(team, week, frame)


def test_a_live_queues_open_hours_are_read_kept_and_close_it_in_the_roster_problem(tmp_path: Path) -> None:
    """`open_hours` on chat: read, written back as given, and the roster problem of requirements that
    ask for chat around the clock needs and expects nobody outside 07:00-23:00 on the team's clock."""
    from api.schemas import team_from_mapping, team_to_mapping

    text = AGENT_RULES_TEAM.replace(
        "{name: chat, channel: chat}", "{name: chat, channel: chat, open_hours: '07:00-23:00'}"
    )
    team = read_team(write(tmp_path, "team.yaml", text))
    assert team.queue("chat").open_minutes == (7 * 60, 23 * 60)
    assert team_to_mapping(team)["queues"][0]["open_hours"] == "07:00-23:00"
    assert team_from_mapping(team_to_mapping(team)) == team
    starts, p = _chat_asked_round_the_clock(team)
    open_now = (starts.hour >= 7) & (starts.hour < 23)
    assert (p.required["chat"] > 0).tolist() == list(open_now)
    assert (p.volume["chat"] > 0).tolist() == list(open_now)
    for bad in ("'23:00-07:00'", "'7 to 23'", "'07:00-25:00'"):
        with pytest.raises(InvalidInput) as caught:
            read_team(write(tmp_path, "bad.yaml", text.replace("'07:00-23:00'", bad)))
        assert caught.value.issues[0].column == "queues.0.open_hours"
    email = text.replace("{name: chat, channel: chat,", "{name: chat, channel: email,")
    with pytest.raises(InvalidInput, match="open_hours is for live queues"):
        read_team(write(tmp_path, "email.yaml", email))


def test_a_live_queues_open_days_are_read_kept_and_close_it_in_the_roster_problem(tmp_path: Path) -> None:
    """`open_days` on chat (weekdays as people write them): read, written back, and the roster problem
    needs and expects nobody on chat at the weekend on the team's clock."""
    from api.schemas import team_from_mapping, team_to_mapping

    text = AGENT_RULES_TEAM.replace(
        "{name: chat, channel: chat}",
        "{name: chat, channel: chat, open_days: [Mon, Tue, Wednesday, thu, FRI]}",
    )
    team = read_team(write(tmp_path, "team.yaml", text))
    assert team.queue("chat").open_days == ("mon", "tue", "wed", "thu", "fri")
    assert team_to_mapping(team)["queues"][0]["open_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert team_from_mapping(team_to_mapping(team)) == team
    starts, p = _chat_asked_round_the_clock(team)
    weekday = starts.day_of_week < 5
    assert (p.required["chat"] > 0).tolist() == list(weekday)
    for bad in ("[]", "[Someday]"):
        with pytest.raises(InvalidInput) as caught:
            read_team(write(tmp_path, "bad.yaml", text.replace("[Mon, Tue, Wednesday, thu, FRI]", bad)))
        assert caught.value.issues[0].column is not None
        assert caught.value.issues[0].column.startswith("queues.0.open_days")
    email = text.replace("{name: chat, channel: chat,", "{name: chat, channel: email,")
    with pytest.raises(InvalidInput, match="open_days is for live queues"):
        read_team(write(tmp_path, "email.yaml", email))


SHIFT_TYPES_TEAM = """name: T
tz: Europe/London
queues:
  - {name: chat, channel: chat}
shift_rules:
  types:
    - {name: early, start: "06:00", length_hours: 8}
    - {name: late, start: "14:00", length_hours: 8, not_followed_by: [early]}
labour_rules: {min_rest_hours: 11, min_consecutive_days_worked: 2, max_weekends_worked: 1}
agents:
  - {id: a, name: A, tz: Europe/London, skills: [chat], max_shifts_by_type: {late: 2}}
  - {id: b, name: B, tz: Europe/London, skills: [chat], labour_rules: {max_weekends_worked: 0}}
"""


def test_shift_types_and_their_rules_read_and_round_trip(tmp_path: Path) -> None:
    from api.schemas import team_from_mapping, team_to_mapping

    team = read_team(write(tmp_path, "team.yaml", SHIFT_TYPES_TEAM))
    early, late = team.shift_rules.types
    assert (early.name, early.start_minute, early.length_minutes, early.not_followed_by) == (
        "early",
        360,
        480,
        (),
    )
    assert late.not_followed_by == ("early",)
    assert (team.labour_rules.min_consecutive_days_worked, team.labour_rules.max_weekends_worked) == (2, 1)
    a, b = team.agents
    assert a.max_shifts_by_type == (("late", 2),)
    assert team.labour_rules_of(b).max_weekends_worked == 0
    assert team_from_mapping(team_to_mapping(team)) == team


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "max_shifts_by_type: {late: 2}",
            "max_shifts_by_type: {night: 2}",
            "agent 'a' has maximums for shift",
        ),
        ("not_followed_by: [early]", "not_followed_by: [night]", "unknown types: night"),
        ('start: "06:00"', 'start: "6 am"', "not a time of day"),
    ],
)
def test_bad_shift_types_are_named(tmp_path: Path, old: str, new: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        read_team(write(tmp_path, "team.yaml", SHIFT_TYPES_TEAM.replace(old, new)))


def test_a_roster_file_of_shift_types_reads_back_their_names(tmp_path: Path) -> None:
    team = read_team(write(tmp_path, "team.yaml", SHIFT_TYPES_TEAM))
    start = datetime(2026, 3, 30, 13, tzinfo=UTC)  # 14:00 BST
    shift = Shift("a", date(2026, 3, 30), start, start + timedelta(hours=8), "chat", shift_type="late")
    path = tmp_path / "roster.csv"
    write_roster_csv(Roster(team.name, date(2026, 3, 30), (shift,)), team, path)
    assert read_roster(path, team).shifts == (shift,)


def test_a_history_off_the_grid_is_refused_with_iso_times(tmp_path: Path) -> None:
    text = "ds,queue,y\n2026-03-02T09:00:00Z,chat,1\n2026-03-02T09:07:13Z,chat,1\n"
    with pytest.raises(InvalidInput) as caught:
        read_history(write(tmp_path, "tickets.csv", text), default_region="UTC")
    (issue,) = caught.value.issues
    assert (issue.row, issue.column, issue.value) == (3, "ds", "2026-03-02T09:07:13Z")
    assert "15-minute interval" in issue.reason
    assert "--aggregate" in issue.reason


def test_aggregate_adds_rows_up_per_interval(tmp_path: Path) -> None:
    text = (
        "ds,queue,y,aht_s\n2026-03-02T09:07:13Z,chat,1,100\n2026-03-02T09:14:59Z,chat,3,300\n"
        "2026-03-02T09:15:00Z,chat,1,\n"
    )
    frame = read_history(write(tmp_path, "t.csv", text), default_region="UTC", aggregate=True)
    assert frame["ds"].tolist() == [pd.Timestamp("2026-03-02T09:00Z"), pd.Timestamp("2026-03-02T09:15Z")]
    assert frame["y"].tolist() == [4.0, 1.0]
    assert frame["aht_s"].iloc[0] == pytest.approx(250.0)  # weighted by contacts
    assert pd.isna(frame["aht_s"].iloc[1])


def test_aggregate_to_an_hour_follows_the_team_grid_in_india(tmp_path: Path) -> None:
    text = "ds,queue,y\n2026-03-02T09:20:00Z,chat,1\n2026-03-02T09:40:00Z,chat,1\n"
    frame = read_history(
        write(tmp_path, "t.csv", text), default_region="Asia/Kolkata", aggregate=True, interval_minutes=60
    )
    # Kolkata's hours start at half past the UTC hour
    assert frame["ds"].tolist() == [pd.Timestamp("2026-03-02T08:30Z"), pd.Timestamp("2026-03-02T09:30Z")]


def test_a_duplicate_interval_shows_its_time_as_iso_text(tmp_path: Path) -> None:
    text = "ds,queue,y\n2026-03-02T09:00:00Z,chat,1\n2026-03-02T10:00:00+01:00,chat,2\n"
    with pytest.raises(InvalidInput) as caught:
        read_history(write(tmp_path, "h.csv", text), default_region="UTC")
    assert caught.value.issues[0].value == "2026-03-02T09:00:00Z"
    assert "1790" not in str(caught.value)


def test_hr_availability_takes_names_ranges_and_several_weekdays(tmp_path: Path) -> None:
    team = sample_team()
    first, second = team.agents[0], team.agents[1]
    text = (
        "Agent,Date,Date from,Date to,Weekday,Start,End,Kind,Note\n"
        f"{first.name.upper()},2026-12-09..2026-12-11,,,,,,Vacation,ski trip\n"
        f"  {second.name.lower()} ,,2026-12-24,2026-12-25,,,,time off,\n"
        f'{first.id},,,,"Sat, Sun",09:00,13:00,unavailable,\n'
        f"{second.id},,,,Mon-Wed,,,preferred,\n"
    )
    entries = read_availability(write(tmp_path, "hr.csv", text), team)
    mine = [e for e in entries if e.agent_id == first.id]
    assert [e.on_date for e in mine if e.on_date] == [
        date(2026, 12, 9),
        date(2026, 12, 10),
        date(2026, 12, 11),
    ]
    assert {e.kind for e in mine if e.on_date} == {"time_off"}
    assert sorted(e.weekday for e in mine if e.weekday is not None) == [5, 6]
    theirs = [e for e in entries if e.agent_id == second.id]
    assert [e.on_date for e in theirs if e.on_date] == [date(2026, 12, 24), date(2026, 12, 25)]
    assert sorted(e.weekday for e in theirs if e.weekday is not None) == [0, 1, 2]


def test_a_days_column_of_weekdays_is_read_as_the_weekday_and_one_of_counts_is_not(tmp_path: Path) -> None:
    team = sample_team()
    text = 'Agent,Days,Start,End,Kind\na01,"Sat, Sun",09:00,13:00,unavailable\na02,Mon-Fri,,,preferred\n'
    entries = read_availability(write(tmp_path, "days.csv", text), team)
    assert sorted((e.agent_id, e.weekday) for e in entries) == [("a01", 5), ("a01", 6)] + [
        ("a02", d) for d in range(5)
    ]
    counted = "Agent,Date from,Date to,Days,Kind\na01,2026-12-09,2026-12-11,3,Vacation\n"  # days taken
    (first, *_rest) = read_availability(write(tmp_path, "counted.csv", counted), team)
    assert first.on_date == date(2026, 12, 9)
    with pytest.raises(InvalidInput) as caught:  # a bad weekday among good ones is named at its header
        read_availability(write(tmp_path, "bad.csv", text.replace("Mon-Fri", "Funday")), team)
    assert (caught.value.issues[0].row, caught.value.issues[0].column) == (3, "Days")


def test_hr_availability_reads_type_and_notes_headers_and_names_without_accents(tmp_path: Path) -> None:
    team = replace(
        sample_team(),
        agents=(
            replace(sample_team().agents[0], name="Renée Walker"),
            replace(sample_team().agents[1], name="Zoë Thompson"),
            *sample_team().agents[2:],
        ),
    )
    first, second = team.agents[0], team.agents[1]
    text = (
        "Agent,Date,Type,Comments\nrenee walker,2026-12-09,Vacation,ski trip\nZOE THOMPSON,2026-12-10,Sick,\n"
    )
    entries = read_availability(write(tmp_path, "hr.csv", text), team)
    assert [(e.agent_id, e.kind, e.note) for e in entries] == [
        (first.id, "time_off", "ski trip"),
        (second.id, "absence", ""),
    ]


@pytest.mark.parametrize("header", ["Notes", "Note", "Comment"])
def test_hr_availability_keeps_the_note_under_any_usual_header(tmp_path: Path, header: str) -> None:
    text = f"agent_id,date,kind,{header}\na01,2026-12-09,time_off,dentist\n"
    (entry,) = read_availability(write(tmp_path, "hr.csv", text), sample_team())
    assert entry.note == "dentist"


@pytest.mark.parametrize(
    ("written", "agent"),
    [("renée walker", 0), ("RENEE  walker", 1), ("zoe lee", None), ("Zoë Lee", 2)],
)
def test_a_name_is_read_without_accents_only_when_no_agent_is_written_so(
    tmp_path: Path, written: str, agent: int | None
) -> None:
    base = sample_team()
    names = ("Renée Walker", "Renee Walker", "Zoë Lee", "Zoé Lee")
    team = replace(
        base,
        agents=(*(replace(a, name=n) for a, n in zip(base.agents, names, strict=False)), *base.agents[4:]),
    )
    path = write(tmp_path, "hr.csv", f"agent,date,kind\n{written},2026-12-09,time_off\n")
    if agent is None:
        with pytest.raises(InvalidInput, match="several agents are called this"):
            read_availability(path, team)
    else:
        assert [e.agent_id for e in read_availability(path, team)] == [team.agents[agent].id]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Mehmet Yılmaz", "Mehmet Yilmaz"),
        ("Søren Ødegård", "soren odegard"),
        ("Paweł Łukasik", "Pawel Lukasik"),
    ],
)
def test_hr_availability_reads_names_written_without_letters_unicode_does_not_decompose(
    tmp_path: Path, name: str, written: str
) -> None:
    base = sample_team()
    team = replace(base, agents=(replace(base.agents[0], name=name), *base.agents[1:]))
    path = write(tmp_path, "hr.csv", f"agent,date,kind\n{written},2026-12-09,time_off\n")
    assert [e.agent_id for e in read_availability(path, team)] == [team.agents[0].id]


def test_hr_availability_suggests_a_near_name_and_rejects_the_whole_file(tmp_path: Path) -> None:
    team = sample_team()
    name = team.agents[0].name
    typo = name[:-1] + ("x" if name[-1] != "x" else "y")
    text = f"agent,date,kind\n{team.agents[1].id},2026-12-09,time_off\n{typo},2026-12-09,time_off\n"
    with pytest.raises(InvalidInput) as caught:
        read_availability(write(tmp_path, "hr.csv", text), team)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (3, "agent")
    assert f"did you mean {name!r}" in issue.reason


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2026-12-11..2026-12-09", "ends before it starts"),
        ("2026-01-01..2027-06-01", "at most 366 days"),
        ("09/12/2026", "YYYY-MM-DD"),
        ("9999-12-31", "in the years 1900..2200"),
        ("0001-01-01..0001-01-02", "in the years 1900..2200"),
    ],
)
def test_bad_date_ranges_are_named(tmp_path: Path, cell: str, reason: str) -> None:
    text = f"agent_id,date,kind\na01,{cell},time_off\n"
    with pytest.raises(InvalidInput, match=reason):
        read_availability(write(tmp_path, "hr.csv", text), sample_team())


def test_hr_workbook_sheet_is_chosen_by_name_and_named_in_errors(tmp_path: Path) -> None:
    from openpyxl import Workbook

    team = sample_team()
    book = Workbook()
    book.active.title = "Read me"
    book.active.append(["HR availability, December"])
    sheet = book.create_sheet("Time off")
    sheet.append(["Agent", "Date", "Kind"])
    sheet.append([team.agents[0].name, datetime(2026, 12, 9), "Vacation"])
    sheet.append(["Nobody Here", datetime(2026, 12, 9), "Vacation"])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput, match="name the one to read"):
        read_availability(path, team)
    with pytest.raises(InvalidInput) as caught:
        read_availability(path, team, sheet="Time off")
    (issue,) = caught.value.issues
    assert (issue.file, issue.row) == (f"{path}, sheet 'Time off'", 3)
    sheet.delete_rows(3)
    book.save(path)
    (entry,) = read_availability(path, team, sheet="Time off")
    assert (entry.agent_id, entry.on_date, entry.kind) == (team.agents[0].id, date(2026, 12, 9), "time_off")


def test_a_parquet_history_reads_on_a_fresh_install(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "ds": pd.to_datetime(["2026-03-02T09:00:00Z", "2026-03-02T09:15:00Z"], utc=True),
            "queue": ["chat", "chat"],
            "y": [3, 4],
            "region": ["Europe/London", None],
            "aht_s": [300.0, None],
        }
    )
    path = tmp_path / "history.parquet"
    frame.to_parquet(path)  # pyarrow, a dependency of the project
    read = read_history(path, default_region="America/Phoenix")
    assert sorted(read["y"]) == [3.0, 4.0]
    assert set(read["region"]) == {"Europe/London", "America/Phoenix"}


def test_a_team_file_nested_too_deeply_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="nested too deeply"):
        read_team(write(tmp_path, "team.json", "[" * 100_000 + "]" * 100_000))


def test_a_file_with_a_line_too_long_to_read_says_so(tmp_path: Path) -> None:
    wide = ",".join(f"c{i}" for i in range(30_000))
    text = f"agent_id,date,kind,{wide}\na01,2026-11-03,time_off\n"
    with pytest.raises(InvalidInput, match="its first line, or a cell, is longer than 131,072 characters"):
        read_availability(write(tmp_path, "hr.csv", text), sample_team())


def test_hr_rows_not_approved_are_skipped_and_counted(tmp_path: Path) -> None:
    """An HR export lists every request: only approved ones (and rows without a status) are read."""
    team = sample_team()
    a = team.agents[0].id
    text = (
        "Employee,Time Off Type,Date,Status\n"
        f"{a},Vacation,2026-12-07,Approved\n"
        f"{a},Vacation,2026-12-08,Denied\n"
        f"{a},Vacation,2026-12-09,Cancelled\n"
        f"{a},Vacation,2026-12-10,Pending\n"
        f"{a},Sick,2026-12-11,\n"
    )
    read = read_availability_file(write(tmp_path, "hr.csv", text), team)
    assert [(e.on_date, e.kind) for e in read.entries] == [
        (date(2026, 12, 7), "time_off"),
        (date(2026, 12, 11), "absence"),
    ]
    assert read.not_approved == {"denied": 1, "cancelled": 1, "pending": 1}
    assert read.notes() == ["skipped 3 rows whose status is not approved (cancelled 1, denied 1, pending 1)"]
    odd = write(tmp_path, "odd.csv", f"agent_id,date,kind,status\n{a},2026-12-07,time_off,maybe\n")
    with pytest.raises(InvalidInput, match="a status the reader does not know"):
        read_availability(odd, team)


def test_a_half_day_needs_its_hours(tmp_path: Path) -> None:
    team = sample_team()
    a = team.agents[0].id
    whole = write(tmp_path, "half.csv", f"agent_id,date,kind,half_day\n{a},2026-12-07,time_off,yes\n")
    with pytest.raises(InvalidInput) as caught:
        read_availability(whole, team)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (2, "half_day")
    assert "give its start and end" in issue.reason
    timed = write(
        tmp_path,
        "timed.csv",
        f"agent_id,date,start,end,kind,half_day\n{a},2026-12-07,13:00,17:00,time_off,yes\n",
    )
    (entry,) = read_availability(timed, team)
    assert (entry.start_minute, entry.end_minute) == (13 * 60, 17 * 60)


def test_the_availability_this_tool_writes_reads_back_the_same(tmp_path: Path) -> None:
    """Notes a spreadsheet could take for formulas are written with a leading quote; read back, the
    quote comes off, so importing the file again finds the same rows (it added them twice)."""
    team = sample_team()
    a = team.agents[0].id
    entries = (
        AvailabilityEntry(a, "time_off", on_date=date(2026, 12, 7), note="+weekend"),
        AvailabilityEntry(a, "avoid", 0, 9 * 60, weekday=2, note='=HYPERLINK("http://x","y")'),
        AvailabilityEntry(a, "time_off", on_date=date(2026, 12, 8), note="'quoted by hand"),
    )
    path = tmp_path / "availability.csv"
    write_frame_csv(pd.DataFrame(availability_rows(entries)), path)
    assert "'+weekend" in path.read_text(encoding="utf-8-sig")
    assert read_availability(path, team) == entries


def test_an_hr_workbook_with_a_formula_in_a_column_not_read_is_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    team = sample_team()
    book = Workbook()
    book.active.append(["Employee", "Date", "Type", "Days left"])
    book.active.append([team.agents[0].id, "2026-12-07", "Vacation", "=20-1"])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    (entry,) = read_availability(path, team)
    assert entry.on_date == date(2026, 12, 7)


def test_bamboohr_and_personio_exports_are_read_in_their_own_words(tmp_path: Path) -> None:
    """BambooHR: Employee, Time Off Type, Start and End as dates, Amount, Status. Personio: Employee
    ID or a first and a last name."""
    team = sample_team()
    agent = team.agents[0]
    first, last = agent.name.split(" ", 1)
    bamboo = write(
        tmp_path,
        "bamboo.csv",
        "Employee,Time Off Type,Start,End,Amount,Status\n"
        f"{agent.name},Vacation,2026-12-07,2026-12-08,2 days,Approved\n"
        f"{agent.name},Vacation,2026-12-10,2026-12-10,1 day,Denied\n",
    )
    read = read_availability_file(bamboo, team)
    assert [e.on_date for e in read.entries] == [date(2026, 12, 7), date(2026, 12, 8)]
    assert read.not_approved == {"denied": 1}
    personio = write(
        tmp_path, "personio.csv", f"First name,Last name,Date,Type\n{first},{last},2026-12-09,Sick\n"
    )
    (entry,) = read_availability(personio, team)
    assert (entry.agent_id, entry.kind) == (agent.id, "absence")
    by_id = write(tmp_path, "ids.csv", f"Employee ID,Date,Type\n{agent.id},2026-12-09,PTO\n")
    (entry,) = read_availability(by_id, team)
    assert entry.agent_id == agent.id


def test_a_csv_saved_in_the_computers_code_page_is_refused_where_its_first_odd_byte_is(
    tmp_path: Path,
) -> None:
    """Excel's plain "CSV" on Windows is Windows-1252, not UTF-8: the row, the column and the value as
    the lead wrote it, and the way to save it, rather than the codec's words."""
    from api.formats import read_table

    path = tmp_path / "availability.csv"
    path.write_bytes("agent_id,kind,date,note\na1,time_off,2026-11-03,Renée away\n".encode("cp1252"))
    with pytest.raises(InvalidInput) as caught:
        read_table(path)
    issue = caught.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "note", "Renée away")
    assert "looks like Windows-1252" in issue.reason
    assert issue.reason.endswith("save it as 'CSV UTF-8'")


def test_hr_availability_reads_a_leave_type_column_and_names_the_sheets_own_headers(tmp_path: Path) -> None:
    """Xero and Employment Hero write "Leave type"; an error names "Date to" as the sheet has it, not
    date_to; with no kind column at all, the names it would take are listed."""
    team = sample_team()
    agent = team.agents[0]
    good = f"Employee,Date from,Date to,Leave type\n{agent.name},2026-12-09,2026-12-10,Annual Leave\n"
    entries = read_availability(write(tmp_path, "hr.csv", good), team)
    assert [(e.agent_id, e.kind) for e in entries] == [(agent.id, "time_off")] * 2
    bad = f"Employee,Date from,Date to,Leave type\n{agent.name},2026-12-09,10/12/2026,Annual Leave\n"
    with pytest.raises(InvalidInput) as caught:
        read_availability(write(tmp_path, "hr.csv", bad), team)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column, issue.value) == (2, "Date to", "10/12/2026")
    no_kind = f"Employee,Date from,Date to\n{agent.name},2026-12-09,2026-12-10\n"
    with pytest.raises(InvalidInput) as caught:
        read_availability(write(tmp_path, "hr.csv", no_kind), team)
    assert "one of kind, type, time_off_type, leave_type, absence_type" in str(caught.value)
    assert "the header has Employee, Date from, Date to" in str(caught.value)

"""`wfm team init` and team files as people write them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.formats import read_team
from api.importers.agents import AgentRow, hours_fit, slug_id
from api.schemas import team_from_mapping, team_to_mapping
from api.team_checks import far_start_window
from common.defaults import ROSTER_SHRINKAGE
from common.errors import InvalidInput
from scheduler.sample import sample_team


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def init(agents: Path, out: Path, *more: str, name: str = "T", tz: str = "UTC") -> tuple[int, str]:
    """`wfm team init` of the sheet `agents` into `out`, with `more` options."""
    return run("team", "init", "--agents", str(agents), "--name", name, "--tz", tz, *more, "--out", str(out))


def test_team_init_from_a_workbook_of_agents(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Agents"
    book.active.append(["Name", "Zone", "Skills", "Contract hours"])
    book.active.append(["Maya López", "America/Phoenix", "email, chat", 40])
    book.active.append(["Sam O'Neil", None, "email", 32])
    book.active.append(["Inês Costa", "Dublin", "chat", 40])  # a Rails name, as helpdesks write it
    book.active.append(["Maya Lopez", "Eastern Standard Time", "email", 40])  # a Windows name, and a clash
    path = tmp_path / "agents.xlsx"
    book.save(path)
    out = tmp_path / "team.yaml"
    code, output = init(path, out, name="Creator Support", tz="America/Phoenix")
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    assert "# ...within 60 seconds: the usual chat target" in text
    team = read_team(out)
    assert [a.id for a in team.agents] == ["maya-lopez", "sam-o-neil", "ines-costa", "maya-lopez-2"]
    assert [a.tz for a in team.agents] == [
        "America/Phoenix",
        "America/Phoenix",
        "Europe/Dublin",
        "America/New_York",
    ]
    assert [q.name for q in team.queues] == ["email", "chat"]
    assert team.agents[1].max_hours_per_week == 32
    # shrinkage counts only what the roster does not place (README): breaks and lunches are in it
    assert team.shrinkage == ROSTER_SHRINKAGE == sample_team().shrinkage
    assert "(breaks and lunches are in the roster, not here)" in text


def test_team_init_names_the_agent_and_suggests_zones_and_skills(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("name,tz,skills\nMaya,Europe/Londn,emial\nSam,Mars/Base,chat\n", encoding="utf-8")
    code, output = init(path, tmp_path / "t.yaml", "--queues", "email,chat")
    assert code == 2
    assert "Maya: unknown time zone; did you mean 'Europe/London'?" in output
    assert "Maya: skill 'emial' is not one of the team's queues; did you mean 'email'?" in output
    assert "Sam: unknown time zone" in output
    assert not (tmp_path / "t.yaml").exists()


def test_team_init_suggests_the_zone_meant_by_a_misspelt_tz(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("name\nMaya\n", encoding="utf-8")
    out = tmp_path / "t.yaml"
    args = ("--agents", str(path), "--name", "T", "--queues", "email", "--out", str(out))
    code, output = run("team", "init", *args, "--tz", "Asia/Calcuta")
    assert code == 2
    assert "--tz 'Asia/Calcuta' is not a time zone; did you mean 'Asia/Kolkata'?" in output
    assert not out.exists()


def test_a_team_files_misspelt_zone_suggests_the_current_name_not_a_legacy_link(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(_team_text().replace("tz: America/Phoenix", "tz: Asia/Calcuta", 1), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_team(path)
    (issue,) = [i for i in caught.value.issues if i.column == "tz"]
    assert issue.reason == "unknown time zone; did you mean 'Asia/Kolkata'?"
    assert issue.value == "Asia/Calcuta"


def test_team_init_needs_a_channel_it_cannot_guess(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("name\nMaya\n", encoding="utf-8")
    code, output = init(path, tmp_path / "t.yaml", "--queues", "vip")
    assert code == 2
    assert "'vip:email'" in output


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Inês Costa", "ines-costa"),
        ("Mehmet Yılmaz", "mehmet-yilmaz"),
        ("Sam O'Neil", "sam-o-neil"),
        ("李雷", ""),
        ("a/b; c", "a-b-c"),
    ],
)
def test_ids_made_from_names_are_safe(name: str, slug: str) -> None:
    assert slug_id(name) == slug


def _team_text() -> str:
    return yaml.safe_dump(team_to_mapping(sample_team()), sort_keys=False)


def test_unquoted_times_of_day_are_read_as_times(tmp_path: Path) -> None:
    text = _team_text().replace("latest_start: '14:00'", "latest_start: 15:00")
    text = text.replace("earliest_start: 05:00", "earliest_start: 9:30").replace(
        "earliest_start: '05:00'", "earliest_start: 9:30"
    )
    assert "latest_start: 15:00" in text
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    rules = read_team(path).shift_rules
    assert rules.latest_start_minute == 15 * 60


def test_a_number_where_a_time_belongs_is_explained(tmp_path: Path) -> None:
    data = team_to_mapping(sample_team())
    data["shift_rules"]["latest_start"] = 900
    path = tmp_path / "team.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"YAML 1\.1 reads an unquoted 15:00 as 900"):
        read_team(path)


def test_misspelt_keys_and_zones_get_a_did_you_mean_naming_the_agent(tmp_path: Path) -> None:
    team = sample_team()
    data = team_to_mapping(team)
    data["labour_rules"]["min_rest_hour"] = data["labour_rules"].pop("min_rest_hours")
    data["agents"][2]["tz"] = "America/Phenix"
    data["agents"][3]["skils"] = data["agents"][3].pop("skills")
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_team(path)
    text = str(caught.value)
    assert f"agents.2.tz ({team.agents[2].name})" in text
    assert "did you mean 'America/Phoenix'" in text
    assert "unknown key 'min_rest_hour'; did you mean 'min_rest_hours'?" in text
    assert f"agents.3.skils ({team.agents[3].name})" in text
    assert "did you mean 'skills'" in text


def _agent(low: float, high: float) -> AgentRow:
    return AgentRow("a", "Aoife", "Europe/Dublin", ("email",), low, high)


@pytest.mark.parametrize(
    ("low", "high", "written", "extra"),
    [
        (39, 39, 32, "give them shift_rules of their own, {lengths_hours: [8, 7]} (4 × 8 h + 7 h = 39 h;"),
        (20, 20, 16, "give them shift_rules of their own, {lengths_hours: [8, 6]} (8 h + 2 × 6 h = 20 h;"),
        (
            37.5,
            37.5,
            32,
            "give them shift_rules of their own, {lengths_hours: [8, 7.5]} (5 × 7.5 h = 37.5 h;",
        ),
        (45, 45, 40, "give them shift_rules of their own, {lengths_hours: [9, 8]} (5 × 9 h = 45 h;"),
    ],
)
def test_contract_hours_that_8_hour_shifts_cannot_make_get_a_min_that_fits_and_a_way_out(
    low: float, high: float, written: float, extra: str
) -> None:
    fit = hours_fit(_agent(low, high))
    assert fit is not None
    assert fit.min_hours == written
    assert extra in fit.advice
    # the way out works: with the extra length the contract fits as it stands
    own = tuple(float(h) for h in extra.split("[")[1].split("]")[0].split(", "))
    assert hours_fit(_agent(low, high), lengths_hours=own) is None


@pytest.mark.parametrize(("low", "high"), [(40, 40), (32, 32), (30, 40), (0, 20)])
def test_contract_hours_that_fit_are_left_alone(low: float, high: float) -> None:
    assert hours_fit(_agent(low, high)) is None


def test_team_init_warns_and_writes_min_hours_a_week_can_hold(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("name,hours\nSiobhán,39\nAoife,20\nMaya,40\n", encoding="utf-8")
    out = tmp_path / "t.yaml"
    code, output = init(path, out, "--queues", "email", tz="Europe/Dublin")
    assert code == 0, output
    assert "warning: Siobhán (siobhan): 39 h a week cannot be made of 8-h shifts" in output
    assert "warning: Aoife (aoife): 20 h a week" in output
    assert "Maya" not in output.split("wrote")[0]
    team = read_team(out)
    assert [(a.min_hours_per_week, a.max_hours_per_week) for a in team.agents] == [
        (32, 39),
        (16, 20),
        (40, 40),
    ]
    assert "min_hours_per_week: 32  # 39 h a week cannot be made" in out.read_text(encoding="utf-8")


def test_a_team_file_may_name_a_legacy_iana_zone(tmp_path: Path) -> None:
    text = _team_text()
    mapping = yaml.safe_load(text)
    mapping["agents"][0]["tz"] = "Asia/Calcutta"  # a link IANA keeps: still a valid zone
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    assert read_team(path).agents[0].tz == "Asia/Calcutta"


def test_team_init_keeps_a_phone_line_open_and_says_how_to_let_it_go(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Name", "Skills"])
    book.active.append(["Maya López", "phone, chat"])
    path = tmp_path / "agents.xlsx"
    book.save(path)
    out = tmp_path / "team.yaml"
    code, output = init(path, out, "--queues", "phone:voice,chat")
    assert code == 0, output
    queues = {q.name: q for q in read_team(out).queues}
    assert queues["phone"].min_agents == 1
    assert queues["chat"].min_agents == 0
    assert "min_agents: 1  # someone on the line whenever calls are forecast" in out.read_text(
        encoding="utf-8"
    )
    team = read_team(out)
    assert (team.time_off_paid, team.absence_paid) == (True, True)  # leave is paid, as it mostly is
    text = out.read_text(encoding="utf-8")
    assert "time_off_paid: true  # time off (vacation, PTO) counts as paid hours" in text
    assert "absence_paid: true  # an absence (a sick call) counts as paid hours" in text


def test_team_init_writes_the_start_window_asked_for(tmp_path: Path) -> None:
    """A round-the-clock team asks for shifts starting at any hour; a reversed window is refused."""
    sheet = tmp_path / "agents.csv"
    sheet.write_text("name,tz,skills,hours\nAnn,UTC,chat,40\n", encoding="utf-8")
    out = tmp_path / "team.yaml"
    code, output = init(sheet, out, "--starts", "00:00-23:30")
    assert code == 0, output
    rules = read_team(out).shift_rules
    assert (rules.earliest_start_minute, rules.latest_start_minute) == (0, 23 * 60 + 30)
    out.unlink()
    code, output = init(sheet, out, "--starts", "14:00-06:00")
    assert code == 2
    assert "--starts '14:00-06:00': the earliest start must not come after the latest" in output
    assert not out.exists()


TEAM_TO_CHECK = """
name: Desk
tz: UTC
queues:
  - {name: chat, channel: chat}
shift_rules:
  lengths_hours: [6, 8]
  start_step_minutes: 60
  earliest_start: '06:00'
  latest_start: '14:00'
  breaks:
    - {kind: break, duration_minutes: 15, window_start_minutes: 120, window_end_minutes: 120}
    - {kind: lunch, duration_minutes: 30, window_start_minutes: 135, window_end_minutes: 150}
agents:
  - {id: ann, name: Ann, tz: UTC, skills: [chat], min_hours_per_week: 40, max_hours_per_week: 40}
  - {id: bo, name: Bo, tz: UTC, skills: [chat], min_hours_per_week: 20, max_hours_per_week: 20,
     shift_rules: {lengths_hours: [8]}}
"""


def test_team_check_reads_the_file_and_says_what_its_rules_cannot_do(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_TO_CHECK, encoding="utf-8")
    result = CliRunner().invoke(app, ["team", "check", "--team", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: Desk, 2 agents; queues chat (chat)" in result.output
    assert (
        "warning: Bo (bo): 20 h a week cannot be made of 8-h shifts on at most 5 days (16 h or 24 h can); "
        "give them shift_rules of their own, {lengths_hours: [8, 6]} (8 h + 2 × 6 h = 20 h; the others keep "
        "the team's)"
    ) in " ".join(result.output.split())
    # a break at 120-135 min and a lunch at 135-150 min: 15 minutes apart at most, on every length
    assert (
        "the team's 6-h shifts: the break and lunch windows leave no room for 30 min of work" in result.output
    )
    assert "the team's 8-h shifts" in result.output
    assert "Ann (ann)" not in result.output


def test_team_check_refuses_a_bad_file_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_TO_CHECK.replace("tz: UTC\nqueues", "tz: Mars/Base\nqueues"), encoding="utf-8")
    result = CliRunner().invoke(app, ["team", "check", "--team", str(path)])
    assert result.exit_code == 2
    assert "Mars/Base" in result.output


def test_team_check_says_where_the_teams_start_window_lands_for_a_far_agent() -> None:
    """Toronto agents starting 07:00-15:00 on their own clock start 12:00-20:00 in Dublin (in November):
    said, with the setting a lead who meant Dublin's hours changes; a near agent, or one with a window
    of their own, is not named."""
    agents: list[dict[str, object]] = [
        {"id": "marie", "name": "Marie", "tz": "America/Toronto"},
        {"id": "liam", "name": "Liam", "tz": "America/Toronto", "shift_rules": {"earliest_start": "02:00", "latest_start": "06:00"}},
        {"id": "aoife", "name": "Aoife", "tz": "Europe/London"},
    ]  # fmt: skip
    team = team_from_mapping(
        {
            "name": "Dublin Desk",
            "tz": "Europe/Dublin",
            "queues": [{"name": "chat", "channel": "chat"}],
            "shift_rules": {"lengths_hours": [8], "earliest_start": "07:00", "latest_start": "15:00"},
            "agents": [
                {**a, "skills": ["chat"], "min_hours_per_week": 0, "max_hours_per_week": 40} for a in agents
            ],
        }
    )
    day = date(2026, 11, 10)
    lines = [far_start_window(team, a, day) for a in team.agents]
    assert lines == [
        "Marie (marie, America/Toronto) starts in the team's window 07:00–15:00 on their own clock, which is "
        "12:00–20:00 in Europe/Dublin (on the clocks of Tue 10 Nov 2026); if the team's hours are meant, give "
        "them shift_rules of their own (earliest_start, latest_start)",
        None,
        None,
    ]
    # round the clock (the README's 00:00-23:30 on 30 minutes) starts at every step on any clock: nothing to say
    around = replace(
        team,
        shift_rules=replace(
            team.shift_rules, earliest_start_minute=0, latest_start_minute=23 * 60 + 30, start_step_minutes=30
        ),
    )
    assert [far_start_window(around, a, day) for a in around.agents] == [None, None, None]


def test_team_check_reads_back_a_start_window_across_midnight(tmp_path: Path) -> None:
    """A night crew's 22:00–02:00 is read as meant, and said back in words; an agent whose own latest
    start falls before the team's earliest (a slip, perhaps) is named too; an agent with a window of
    their own that does not cross midnight is not."""
    path = tmp_path / "team.yaml"
    path.write_text(
        TEAM_TO_CHECK.replace("earliest_start: '06:00'", "earliest_start: '22:00'")
        .replace("latest_start: '14:00'", "latest_start: '02:00'")
        .replace(
            "shift_rules: {lengths_hours: [8]}}",
            "shift_rules: {lengths_hours: [8], earliest_start: '09:00', latest_start: '08:00'}}",
        )
        + "  - {id: cy, name: Cy, tz: UTC, skills: [chat], min_hours_per_week: 0, max_hours_per_week: 40,\n"
        "     shift_rules: {earliest_start: '06:00', latest_start: '09:00'}}\n",
        encoding="utf-8",
    )
    team = read_team(path)
    assert team.shift_rules.start_minutes() == (0, 60, 120, 22 * 60, 23 * 60)  # on its 60-min step
    result = CliRunner().invoke(app, ["team", "check", "--team", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "warning: the team's start window 22:00–02:00 runs across midnight: shifts start from 22:00 to "
        "midnight and from 00:00 to 02:00, each on the local day it starts; if a latest start after 22:00 "
        "was meant, give that"
    ) in result.output
    assert "Bo's (bo) start window 09:00–08:00 runs across midnight" in result.output
    assert "Cy's" not in result.output
    stepped = path.read_text(encoding="utf-8").replace("start_step_minutes: 60", "start_step_minutes: 90")
    path.write_text(stepped, encoding="utf-8")
    result = CliRunner().invoke(app, ["team", "check", "--team", str(path)])
    assert (
        "the team's start window 22:00–02:00 runs across midnight: shifts start at 22:00, 23:30, 01:00 (its "
        "90-min step from 22:00 does not reach 02:00)"
    ) in result.output


def test_wfm_roster_warns_of_an_agents_own_window_across_midnight_unless_the_team_works_nights(
    tmp_path: Path,
) -> None:
    from api.team_checks import agent_night_windows

    path = tmp_path / "team.yaml"
    slip = "shift_rules: {lengths_hours: [8], earliest_start: '09:00', latest_start: '08:00'}}"
    path.write_text(TEAM_TO_CHECK.replace("shift_rules: {lengths_hours: [8]}}", slip), encoding="utf-8")
    (line,) = agent_night_windows(read_team(path))
    assert line.startswith("Bo's (bo) start window 09:00–08:00 runs across midnight")
    nights = path.read_text(encoding="utf-8").replace("latest_start: '14:00'", "latest_start: '05:00'")
    path.write_text(nights, encoding="utf-8")
    assert agent_night_windows(read_team(path)) == []  # a team of nights: no agent's window is a slip


def test_team_check_says_a_start_window_beside_shift_types_is_not_used() -> None:
    from api.team_checks import unused_start_windows

    team = team_from_mapping(
        {
            "name": "Typed",
            "tz": "UTC",
            "queues": [{"name": "chat", "channel": "chat"}],
            "shift_rules": {
                "earliest_start": "22:00",
                "latest_start": "02:00",
                "types": [{"name": "early", "start": "06:00", "length_hours": 8}],
            },
            "agents": [
                {
                    "id": "a",
                    "name": "A",
                    "tz": "UTC",
                    "skills": ["chat"],
                    "min_hours_per_week": 0,
                    "max_hours_per_week": 40,
                }
            ],
        }
    )
    assert unused_start_windows(team) == [
        "the team's shift types set the start times, so its start window 22:00–02:00 is not used"
    ]

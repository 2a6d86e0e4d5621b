"""Calendar file names: every agent's file can be made on Windows, and no two agents share one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from icalendar import Calendar

from api.exports import calendar_file_names, calendar_files
from scheduler import Roster
from scheduler.sample import sample_team

DEVICES = ["CON", "prn", "Aux", "nul", "COM1", "com9", "LPT1", "lpt9"]


@pytest.mark.parametrize("device", DEVICES)
def test_a_windows_device_name_gets_an_underscore(device: str) -> None:
    assert calendar_file_names([device]) == {device: f"{device}_.ics"}


@pytest.mark.parametrize(
    ("agent_id", "name"),
    [("CON.backup", "CON_.backup.ics"), ("nul.x.y", "nul_.x.y.ics"), ("con/x", "con_x.ics")],
)
def test_a_device_name_with_an_extension_is_made_safe_before_the_dot(agent_id: str, name: str) -> None:
    assert calendar_file_names([agent_id]) == {agent_id: name}


@pytest.mark.parametrize("agent_id", ["CONSOLE", "COM10", "LPT0", "com", "a.CON", "ana"])
def test_names_that_only_look_like_devices_are_kept(agent_id: str) -> None:
    assert calendar_file_names([agent_id]) == {agent_id: f"{agent_id}.ics"}


def test_every_agent_keeps_a_file_of_their_own() -> None:
    ids = ["CON", "CON_", "con_", "Ana", "ana", "ana_2", "a b", "a_b"]
    names = calendar_file_names(ids)
    assert list(names) == ids
    assert len({n.casefold() for n in names.values()}) == len(ids)  # unique on Windows and macOS too
    # an id that needs no change keeps its own name; a changed one gives way
    assert (names["CON_"], names["con_"], names["CON"]) == ("CON_.ics", "con__2.ics", "CON__3.ics")
    assert (names["Ana"], names["ana"], names["ana_2"]) == ("Ana.ics", "ana_2.ics", "ana_2_2.ics")
    assert (names["a_b"], names["a b"]) == ("a_b.ics", "a_b_2.ics")


def test_calendar_files_of_a_team_with_an_agent_called_con() -> None:
    team = sample_team()
    first, second, *rest = team.agents
    team = replace(team, agents=(replace(first, id="CON"), replace(second, id="con_"), *rest))
    files = calendar_files(Roster(team.name, date(2026, 11, 2), ()), team)
    assert len(files) == len(team.agents)
    assert "CON.ics" not in files
    assert files.keys() >= {"CON__2.ics", "con_.ics"}
    for data in files.values():
        Calendar.from_ical(data)

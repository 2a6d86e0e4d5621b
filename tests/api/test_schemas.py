"""The team file's schemas take their defaults from the domain: a field left out is the domain's default."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from api.schemas import MAX_SHOWN_CHARS, Label, team_from_mapping, team_to_mapping
from common.errors import InvalidInput
from scheduler.domain import Agent, QueueSpec, Team


def minimal() -> dict[str, Any]:
    return {
        "name": "Desk",
        "tz": "Europe/London",
        "queues": [{"name": "chat", "channel": "chat"}],
        "agents": [{"id": "a1", "name": "Ana", "tz": "Europe/London", "skills": ["chat"]}],
    }


def test_a_minimal_team_file_is_the_domain_team_with_its_defaults() -> None:
    expected = Team(
        "Desk",
        "Europe/London",
        (QueueSpec("chat", "chat"),),
        (Agent("a1", "Ana", "Europe/London", ("chat",)),),
    )
    assert team_from_mapping(minimal()) == expected


def test_a_team_with_the_defaults_writes_and_reads_back_the_same() -> None:
    team = team_from_mapping(minimal())
    written = team_to_mapping(team)
    assert "week_start" not in written
    assert "absence_paid" not in written
    assert "min_shifts_per_week" not in written["agents"][0]
    assert team_from_mapping(written) == team


@pytest.mark.parametrize(
    "name",
    [
        "Ann\r\nX-Evil: 1",
        "Line1\rBEGIN:VEVENT",
        "Bell\x07",
        "Tab\tbed",
        "Nul\x00",
        "\u202e=1+1",
        "   ",
        "\u200b",  # a zero-width space alone
        "Ann\u200b Example",  # looks like "Ann Example"
        "\u200f=1+1",  # a right-to-left mark
        "\u3164",  # a Hangul filler: a letter that shows nothing
        "\ufe0f",  # a variation selector alone
    ],
)
def test_a_name_that_is_not_one_line_of_text_is_refused(name: str) -> None:
    data = minimal()
    data["agents"][0]["name"] = name
    with pytest.raises(InvalidInput) as caught:
        team_from_mapping(data)
    assert caught.value.issues[0].column == "agents.0.name"


@pytest.mark.parametrize(
    "name", ["José Ñúñez", "王芳", "Zoë 👩\u200d💻", "=HYPERLINK(1)", "O'Brien-Smith", "می\u200cخواهم"]
)
def test_names_in_any_script_are_kept_as_written(name: str) -> None:
    data = minimal()
    data["agents"][0]["name"] = name
    assert team_from_mapping(data).agents[0].name == name


def test_agent_ids_differing_only_in_case_are_refused() -> None:
    data = minimal()
    data["agents"].append({"id": "A1", "name": "Ari", "tz": "Europe/London", "skills": ["chat"]})
    with pytest.raises(InvalidInput, match="whatever their case; repeated: A1, a1"):
        team_from_mapping(data)


def test_a_huge_bad_value_is_shown_cut_short() -> None:
    data = minimal()
    level: list[Any] = ["x"] * 10
    for _ in range(8):  # what YAML aliases make of a few lines: 10**8 leaves if written out
        level = [level] * 10
    data["unknown_key"] = level
    with pytest.raises(InvalidInput) as caught:
        team_from_mapping(data)
    shown = caught.value.issues[0].value
    assert shown is not None
    assert len(shown) <= MAX_SHOWN_CHARS


def test_an_agent_may_lift_the_teams_weekend_limit_with_null_and_keeps_the_rest() -> None:
    data = minimal()
    data["labour_rules"] = {"max_weekends_worked": 2, "min_rest_hours": 12}
    data["agents"][0]["labour_rules"] = {"max_weekends_worked": None, "min_rest_hours": None}
    team = team_from_mapping(data)
    own = team.labour_rules_of(team.agents[0])
    assert own.max_weekends_worked is None  # no limit for this agent
    assert own.min_rest_hours == 12  # null on a rule that always has a value: the team's
    assert team_from_mapping(team_to_mapping(team)) == team


@pytest.mark.parametrize(
    ("label", "ok"), [("", True), ("night shift leads", True), ("x\x00y", False), ("a\nb", False)]
)
def test_a_label_is_one_line_of_text_or_nothing(label: str, ok: bool) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(Label)
    if ok:
        assert adapter.validate_python(label) == label
    else:
        with pytest.raises(ValidationError, match="control or invisible character"):
            adapter.validate_python(label)


@pytest.mark.parametrize(
    ("written", "read"), [("Sun", "sun"), ("SUNDAY", "sun"), (" wed ", "wed"), ("mon", "mon")]
)
def test_a_week_start_is_read_as_people_write_it(written: str, read: str) -> None:
    from api.schemas import team_from_mapping, team_to_mapping
    from scheduler.sample import sample_team

    mapping = {**team_to_mapping(sample_team()), "week_start": written}
    assert team_from_mapping(mapping).week_start == read
    with pytest.raises(InvalidInput, match="week_start"):
        team_from_mapping({**mapping, "week_start": "sundae"})


def test_leave_weekdays_read_as_hr_writes_them_and_go_back_to_the_file_only_when_set() -> None:
    base: dict[str, Any] = {
        "name": "Desk",
        "tz": "Europe/London",
        "queues": [{"name": "chat", "channel": "chat"}],
        "agents": [{"id": "a1", "name": "Ann", "tz": "Europe/London", "skills": ["chat"]}],
    }
    team = team_from_mapping({**base, "leave_weekdays": ["Mon", "tuesday", "WED", "Thu", "Fri"]})
    assert team.leave_weekdays == ("mon", "tue", "wed", "thu", "fri")
    assert team_to_mapping(team)["leave_weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert "leave_weekdays" not in team_to_mapping(team_from_mapping(base))
    with pytest.raises(InvalidInput, match="leave_weekdays"):
        team_from_mapping({**base, "leave_weekdays": ["Funday"]})

"""The team file's schemas take their defaults from the domain: a field left out is the domain's default."""

from __future__ import annotations

from typing import Any

from api.schemas import team_from_mapping, team_to_mapping
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

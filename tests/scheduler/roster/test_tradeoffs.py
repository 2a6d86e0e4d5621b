"""The summary says which weights made a short team favour an async queue over a live one."""

from __future__ import annotations

import pytest

from scheduler.domain import CHANNELS, Agent, QueueSpec, Team, Weights
from scheduler.roster.tradeoffs import CONTACT_WORDS, tradeoff_lines


def _team(*skills: tuple[str, ...], weights: Weights | None = None) -> Team:
    queues = (
        QueueSpec("chat", "chat", service_level=0.8),
        QueueSpec("email", "email", service_level=0.9, response_hours=24),
    )
    agents = tuple(Agent(f"a{k}", f"A{k}", "UTC", s) for k, s in enumerate(skills))
    return Team("T", "UTC", queues, agents, weights=weights or Weights())


def test_a_live_queue_below_target_beside_an_async_one_above_names_the_weights() -> None:
    (line,) = tradeoff_lines(_team(("chat", "email"), ("chat",)), {"chat": 0.31, "email": 1.0})
    assert line.startswith("chat is below its target (31% against 80%) while email is above its own")
    assert "1 agent can work both" in line
    assert "an email on email waits past its deadline at 100 points" in line
    assert "late_contact_hour" in line


@pytest.mark.parametrize(
    ("skills", "levels", "weights"),
    [
        ((("chat",), ("email",)), {"chat": 0.31, "email": 1.0}, None),  # nobody works both
        ((("chat", "email"),), {"chat": 0.78, "email": 1.0}, None),  # chat within the margin
        ((("chat", "email"),), {"chat": 0.31, "email": 0.92}, None),  # email only at its target
        ((("chat", "email"),), {"chat": 0.31, "email": 1.0}, Weights(objective="headcount")),
    ],
)
def test_no_line_when_there_is_no_such_tradeoff(
    skills: tuple[tuple[str, ...], ...], levels: dict[str, float], weights: Weights | None
) -> None:
    assert tradeoff_lines(_team(*skills, weights=weights), levels) == []


def test_every_channel_has_words() -> None:
    assert set(CONTACT_WORDS) == set(CHANNELS)


def test_a_queue_without_a_service_level_is_left_out() -> None:
    assert tradeoff_lines(_team(("chat", "email")), {"email": 1.0}) == []

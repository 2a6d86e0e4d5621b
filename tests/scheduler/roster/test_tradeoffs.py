"""The summary says which weights made a short team favour an async queue over a live one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduler.domain import CHANNELS, Agent, QueueSpan, QueueSpec, Roster, Shift, Team, Weights
from scheduler.roster.tradeoffs import CONTACT_WORDS, CONTACTS_WORDS, tradeoff_lines, unattended_lines

DAY = date(2026, 11, 2)


def _on(agent_id: str, *stretches: tuple[str, int, int]) -> Shift:
    """A shift of `agent_id` on DAY made of (queue, first hour, last hour) stretches, UTC."""
    spans = tuple(
        QueueSpan(q, datetime(2026, 11, 2, a, tzinfo=UTC), datetime(2026, 11, 2, b, tzinfo=UTC))
        for q, a, b in stretches
    )
    return Shift(agent_id, DAY, spans[0].start_utc, spans[-1].end_utc, spans[0].queue, work=spans)


# the agent who can work both spends two hours on email
ON_EMAIL = Roster("T", DAY, (_on("a0", ("chat", 8, 12), ("email", 12, 14), ("chat", 14, 16)),))


def _team(*skills: tuple[str, ...], weights: Weights | None = None) -> Team:
    queues = (
        QueueSpec("chat", "chat", service_level=0.8),
        QueueSpec("email", "email", service_level=0.9, response_hours=24),
    )
    agents = tuple(Agent(f"a{k}", f"A{k}", "UTC", s) for k, s in enumerate(skills))
    return Team("T", "UTC", queues, agents, weights=weights or Weights())


def test_a_live_queue_below_target_beside_an_async_one_above_names_the_weights() -> None:
    (line,) = tradeoff_lines(_team(("chat", "email"), ("chat",)), {"chat": 0.31, "email": 1.0}, ON_EMAIL)
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
    assert tradeoff_lines(_team(*skills, weights=weights), levels, ON_EMAIL) == []


def test_no_advice_to_lower_the_async_weight_when_the_agents_who_could_work_both_stay_off_it() -> None:
    """Email above its target carried by email-only agents is not what keeps chat short: lowering its
    weight would change nothing, so the summary does not say to."""
    team = _team(("chat", "email"), ("email",))
    only_chat = Roster("T", DAY, (_on("a0", ("chat", 8, 16)), _on("a1", ("email", 8, 16))))
    assert tradeoff_lines(team, {"chat": 0.31, "email": 1.0}, only_chat) == []


def test_a_live_queue_left_empty_while_contacts_come_is_named_with_the_setting_that_keeps_it_open() -> None:
    team = _team(("chat",))
    (line,) = unattended_lines(team, {"chat": (17.5, 0.49)})
    assert "(under 1% of them)" in unattended_lines(team, {"chat": (2.5, 0.001)})[0]
    assert line.startswith("nobody on chat for 17.5 h of the week while its chats come (49% of them)")
    assert "set min_agents: 1 on it" in line


def test_every_channel_has_words() -> None:
    assert set(CONTACT_WORDS) == set(CHANNELS)
    assert set(CONTACTS_WORDS) == set(CHANNELS)


def test_a_queue_without_a_service_level_is_left_out() -> None:
    assert tradeoff_lines(_team(("chat", "email")), {"email": 1.0}, ON_EMAIL) == []

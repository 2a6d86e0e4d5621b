"""Shrinkage, per-queue dispatch and the inverse (agents -> service) of `scheduler.staffing.queues`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from scheduler.domain import Channel, QueueSpec
from scheduler.staffing.queues import (
    live_required,
    queue_requirement,
    scheduled_needed,
    scheduled_needed_fractional,
    service_metrics,
    traffic_erlangs,
    weekday_shrinkage,
)


@pytest.mark.parametrize(
    ("required", "shrinkage", "expected"), [(14, 0.3, 20), (15, 0.3, 22), (0, 0.3, 0), (7, 0.0, 7)]
)
def test_scheduled_needed_rounds_up_after_shrinkage(required: int, shrinkage: float, expected: int) -> None:
    assert int(scheduled_needed(required, shrinkage)) == expected


def test_scheduled_fractional_divides_by_productive_share() -> None:
    assert float(scheduled_needed_fractional(7.0, 0.3)) == pytest.approx(10.0)


def test_shrinkage_of_one_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="shrinkage"):
        scheduled_needed(5, 1.0)


def test_weekday_shrinkage_uses_the_team_local_day() -> None:
    # 23:30 UTC on Sunday is already Monday in Berlin.
    starts = pd.DatetimeIndex(["2025-03-02T23:30:00Z", "2025-03-02T12:00:00Z"])
    shrink = weekday_shrinkage(starts, "Europe/Berlin", {"mon": 0.4}, default=0.3)
    assert shrink.tolist() == [0.4, 0.3]


def test_weekday_shrinkage_rejects_unknown_days() -> None:
    with pytest.raises(InvalidInput, match="weekday"):
        weekday_shrinkage(pd.DatetimeIndex(["2025-03-02T23:30:00Z"]), "UTC", {"monday": 0.4}, default=0.3)


def test_voice_queue_with_patience_uses_erlang_a() -> None:
    voice = QueueSpec("v", "voice", service_level=0.8, target_answer_s=20, patience_s=300, aht_s=180)
    req = queue_requirement(voice, [100.0], 180.0, interval_s=1800, shrinkage=0.3)
    assert req.required.tolist() == [13]  # Erlang C needs 14
    assert req.scheduled_needed.tolist() == [19]


def test_chat_queue_uses_its_concurrency() -> None:
    chat = QueueSpec("c", "chat", concurrency=3, target_answer_s=60, aht_s=600)
    single = QueueSpec("s", "chat", concurrency=1, target_answer_s=60, aht_s=600)
    three = queue_requirement(chat, [60.0], 600.0, interval_s=900, shrinkage=0.0)
    one = queue_requirement(single, [60.0], 600.0, interval_s=900, shrinkage=0.0)
    assert int(three.required[0]) == -(-int(one.required[0]) // 3)


def test_shrinkage_may_vary_per_interval() -> None:
    voice = QueueSpec("v", "voice", aht_s=180)
    req = queue_requirement(voice, [100.0, 100.0], 180.0, interval_s=1800, shrinkage=[0.0, 0.5])
    assert (
        req.scheduled_needed[1] == 2 * req.scheduled_needed[0]
        or req.scheduled_needed[1] >= req.required[1] * 2
    )


def test_service_metrics_inverts_the_requirement() -> None:
    voice = QueueSpec("v", "voice", service_level=0.8, target_answer_s=20, max_occupancy=0.85, aht_s=180)
    volume = np.array([0.0, 40.0, 100.0, 160.0])
    req = queue_requirement(voice, volume, 180.0, interval_s=1800, shrinkage=0.0)
    report = service_metrics(req.required, volume, 180.0, voice, interval_s=1800)
    assert (report.service_level >= 0.8).all()
    np.testing.assert_allclose(report.service_level, req.service_level)
    assert "all offered" in report.service_level_definition


def test_weekly_summary_is_volume_weighted() -> None:
    voice = QueueSpec("v", "voice", target_answer_s=20, aht_s=180)
    volume = np.array([100.0, 300.0])
    report = service_metrics([14, 40], volume, 180.0, voice, interval_s=1800)
    expected = float(np.dot(report.service_level, volume) / volume.sum())
    assert float(report.week.service_level) == pytest.approx(expected)
    assert float(report.week.volume) == 400.0
    busy = traffic_erlangs(volume, 180.0, 1800)
    assert float(report.week.occupancy) == pytest.approx(busy.sum() / 54)


def test_service_metrics_applies_shrinkage_to_rostered_agents() -> None:
    voice = QueueSpec("v", "voice", target_answer_s=20, aht_s=180)
    report = service_metrics([20], [100.0], 180.0, voice, interval_s=1800, shrinkage=0.3)
    assert report.productive_agents.tolist() == [14]
    assert float(report.service_level[0]) == pytest.approx(0.88835, abs=5e-6)


@pytest.mark.parametrize(("channel", "slots"), [("voice", 1), ("chat", 2)])
def test_an_agent_away_a_tenth_of_the_time_overloads_a_tenth_of_the_contacts(
    channel: Channel, slots: int
) -> None:
    """One agent at 10 % shrinkage: the tenth of the contacts that come while nobody is there meet an
    overloaded queue; the others wait as with the whole agent (chat: their two slots together, not
    one slot part of the time), by the textbook Erlang C formula."""
    queue = QueueSpec("q", channel, target_answer_s=60, aht_s=600, concurrency=slots)
    volume = [1.2]  # 0.4 Erlangs in 30 min
    away = service_metrics([1], volume, 600.0, queue, interval_s=1800, shrinkage=0.1)
    there = service_metrics([1], volume, 600.0, queue, interval_s=1800)
    traffic = 0.4
    waits = _erlang_c_wait(slots, traffic)
    assert float(there.asa_s[0]) == pytest.approx(waits * 600 / (slots - traffic))
    assert float(away.asa_s[0]) == pytest.approx(float(there.asa_s[0]))
    assert float(away.overloaded[0]) == pytest.approx(0.1)
    assert float(away.week.overloaded_share) == pytest.approx(0.1)
    assert float(away.wait_probability[0]) == pytest.approx(0.9 * waits + 0.1)
    assert float(there.overloaded[0]) == 0.0


def _erlang_c_wait(servers: int, traffic: float) -> float:
    """The chance to wait, by the textbook Erlang C formula."""
    top = traffic**servers / math.factorial(servers) * servers / (servers - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(servers)) + top)


def test_service_metrics_for_two_fewer_agents_is_worse() -> None:
    voice = QueueSpec("v", "voice", target_answer_s=20, aht_s=180, patience_s=120)
    volume = np.full(8, 120.0)
    need = live_required(traffic_erlangs(volume, 180.0, 1800), 180.0, target_answer_s=20, service_level=0.8)
    full = service_metrics(need.agents, volume, 180.0, voice, interval_s=1800)
    short = service_metrics(need.agents - 2, volume, 180.0, voice, interval_s=1800)
    assert float(short.week.service_level) < float(full.week.service_level)
    assert float(short.week.abandon_probability) > float(full.week.abandon_probability)


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="channel"):
        QueueSpec("x", "fax")  # type: ignore[arg-type]

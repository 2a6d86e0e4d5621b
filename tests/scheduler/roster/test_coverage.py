"""Coverage: what the agents on each queue give (live service, blended time, the async backlog)
and what the roster objective counts for it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from common.errors import InvalidInput
from scheduler.domain import Agent, LabourRules, QueueSpec, ShiftRules, Team, Weights
from scheduler.roster.coverage import (
    BacklogSavings,
    Demand,
    blend_shares,
    blended_seconds,
    coverage_penalties,
    demand_of,
    gains,
    live_points,
    on_queue_intervals,
    outcome,
)
from scheduler.roster.problem import Problem, open_intervals
from scheduler.roster.report import service
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import EMAIL, QUICK, WEEK, blended_problem


def voice_problem(objective: str) -> Problem:
    n = WEEK.grid.n_intervals
    hour = (np.arange(n) % 48) / 2
    volume = np.where((hour >= 8) & (hour < 20), 30.0, 0.0)  # 30 calls an half-hour, 08-20 UTC
    voice = QueueSpec("voice", "voice", service_level=0.8, target_answer_s=20, aht_s=300)
    agents = tuple(Agent(f"a{i}", f"Agent {i}", "Europe/London", ("voice",), 0, 40) for i in range(8))
    team = Team(
        "T",
        "Europe/London",
        (voice,),
        agents,
        30,
        0.0,
        ShiftRules((8.0,), 60, 6 * 60, 12 * 60),
        LabourRules(),
    )
    return Problem(
        team,
        WEEK,
        {"voice": np.where(volume > 0, 6.0, 0.0)},
        weights=Weights(objective=objective),
        volume={"voice": volume},
        aht_s={"voice": np.full(n, 300.0)},
    )


def random_on(demand: Demand, seed: int) -> np.ndarray:
    """Random agents of each group on each of its queues."""
    rng = np.random.default_rng(seed)
    on = rng.integers(0, 3, (demand.n_intervals, len(demand.groups), len(demand.queues)))
    for g in range(len(demand.groups)):
        for q in range(len(demand.queues)):
            if not demand.skilled(g, q):
                on[:, g, q] = 0
    return on


@pytest.mark.parametrize("objective", ["headcount", "service_level"])
def test_live_points_fall_with_agents_and_each_saves_no_more_than_the_one_before(objective: str) -> None:
    d = demand_of(voice_problem(objective))
    busy = int(np.flatnonzero(d.queues[0].need)[0])
    points = np.array([live_points(d.queues[0], np.array([c], dtype=float), d, busy)[0][0] for c in range(9)])
    steps = np.diff(points - d.weights.over_per_agent_interval * np.maximum(np.arange(9) - 6, 0))
    assert np.all(steps <= 1e-9), "more agents never cost more"
    assert np.all(np.diff(steps) >= -1e-6), "each agent saves no more than the one before"
    assert steps[0] < 0, "the first agent is worth something even where the queue cannot keep up"


def test_a_seventh_agent_still_answers_calls_sooner() -> None:
    d = demand_of(voice_problem("service_level"))
    busy = int(np.flatnonzero(d.queues[0].need)[0])
    six, seven = (live_points(d.queues[0], np.array([c], dtype=float), d, busy)[1][0] for c in (6, 7))
    assert seven < six


def test_a_fractional_need_costs_what_its_fraction_short_costs() -> None:
    """1.3 needed and 1 on the queue costs what 0.3 of an agent short costs."""
    p = voice_problem("headcount")
    p = dataclasses.replace(p, required={"voice": np.full(WEEK.grid.n_intervals, 1.3)})
    d = demand_of(p)
    points, _ = live_points(d.queues[0], np.array([1.0]), d, 0)
    assert points[0] == pytest.approx(0.3 * p.weights.under_per_agent_interval)


@pytest.mark.parametrize("seed", range(6))
def test_a_blended_agent_never_gives_more_than_one_agents_time(seed: int) -> None:
    """Per interval and live queue: the live load the present agents carry plus the time they give
    async queues is never more than their time at the async occupancy cap."""
    p = blended_problem(seed)
    d = demand_of(p)
    on = random_on(d, seed)
    given = blended_seconds(d, on)[:, 1]  # email
    chat = d.queues[0]
    present = on[:, :, 0].sum(axis=1) * chat.keep
    blended_agents = on[:, [g for g in range(len(d.groups)) if d.skilled(g, 1)], 0].sum(axis=1) * chat.keep
    assert np.all(given >= 0)
    assert np.all(given <= blended_agents * EMAIL.max_occupancy * d.interval_s + 1e-6)
    busy = np.minimum(chat.load, present) * d.interval_s
    assert np.all(
        busy + given
        <= present * EMAIL.max_occupancy * d.interval_s
        + np.maximum(busy - present * EMAIL.max_occupancy * d.interval_s, 0)
        + 1e-6
    )


def test_a_blended_chat_agent_works_email_between_chats() -> None:
    """One agent skilled for quiet chat and email, on chat: email gets most of their time."""
    p = blended_problem(0)
    d = demand_of(p)
    on = np.zeros((d.n_intervals, len(d.groups), 2), dtype=np.int64)
    both = next(g for g, group in enumerate(d.groups) if group == frozenset({"chat", "email"}))
    on[:, both, 0] = 1
    given = blended_seconds(d, on)[:, 1]
    quiet = d.queues[0].load < 0.2
    assert np.all(given[quiet] > 0.6 * d.interval_s * 0.9)


@pytest.mark.parametrize("seed", range(6))
def test_the_backlog_conserves_contacts(seed: int) -> None:
    """Work arrived (carried in included) = work done + work still waiting, at every interval's end."""
    d = demand_of(blended_problem(seed))
    result = outcome(d, random_on(d, seed))
    email = d.queues[1]
    backlog = result.queues[1].backlog
    assert backlog is not None
    assert email.volume is not None
    arrived = (email.carried_in * email.aht_s).sum() + np.cumsum(email.volume * email.aht_s)
    waiting = arrived - backlog.done_work_s
    assert np.all(waiting >= -1e-6)
    assert np.all(np.diff(backlog.done_work_s) >= -1e-6)
    np.testing.assert_allclose(backlog.done_work_s + waiting, arrived)


@pytest.mark.parametrize("seed", range(4))
def test_live_gains_are_exact_and_async_gains_never_promise_less_than_they_give(seed: int) -> None:
    p = blended_problem(seed)
    d = demand_of(p)
    on = random_on(d, seed)
    now = outcome(d, on)
    for g in range(len(d.groups)):
        found = gains(d, on, now, g)
        for t in np.random.default_rng(seed).integers(0, d.n_intervals, 5):
            for q in range(2):
                if not d.skilled(g, q):
                    assert found[t, q] == -np.inf
                    continue
                more = on.copy()
                more[t, g, q] += 1
                saved = now.points - outcome(d, more).points
                if q == 0 and not any(d.skilled(g, r) for r in (1,)):
                    assert found[t, q] == pytest.approx(saved)
                else:
                    assert saved <= found[t, q] + 1e-6


def _email_group(d: Demand) -> int:
    return next(g for g in range(len(d.groups)) if d.groups[g] == frozenset({"email"}))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("email_divisor", [2, 1])
def test_backlog_savings_are_exactly_what_the_agents_time_saves(seed: int, email_divisor: int) -> None:
    """A stretch of time on email is worth what the roster's points fall by with it, however long,
    with half or all of the agents on email; the backlog runs dry between stretches, where the
    pricing stops."""
    d = demand_of(blended_problem(seed))
    on = random_on(d, seed)
    on[:, :, 1] //= email_divisor  # half or all of them on email
    now = outcome(d, on)
    backlog = now.queues[1].backlog
    assert backlog is not None
    assert (backlog.next_dry < d.n_intervals - 1).any()  # it runs dry before the week ends
    g = _email_group(d)
    backlogs = BacklogSavings(d, now, blend_shares(d, on, g))
    assert backlogs.queues() == [1]
    rng = np.random.default_rng(seed)
    present = np.zeros((5, d.n_intervals))
    for row, hours in enumerate((1, 2, 4, 8, 12)):
        first = int(rng.integers(0, d.n_intervals - hours * 4))
        present[row, first : first + hours * 4] = 1.0
    found = backlogs.saving(1, present)
    for row in range(present.shape[0]):
        more = on.copy()
        more[present[row] > 0, g, 1] += 1
        assert found[row] == pytest.approx(now.points - outcome(d, more).points, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_blended_time_saves_what_blend_shares_say_it_gives(seed: int) -> None:
    """An agent of the chat-and-email group on chat gives email `blend_shares` of an agent's time:
    priced through the backlog, one interval of that is worth what the roster's points fall by."""
    d = demand_of(blended_problem(seed))
    on = random_on(d, seed)
    on[:, :, 1] //= 2
    now = outcome(d, on)
    g = next(g for g in range(len(d.groups)) if d.groups[g] == frozenset({"chat", "email"}))
    backlogs = BacklogSavings(d, now, blend_shares(d, on, g))
    for t in np.random.default_rng(seed).integers(0, d.n_intervals, 4):
        more = on.copy()
        more[t, g, 0] += 1
        live_saved = now.queues[0].points[t] - outcome(d, more).queues[0].points[t]
        present = np.zeros((1, d.n_intervals))
        present[0, t] = backlogs.blend[t, 0, 1]
        email_saved = backlogs.saving(1, present)[0]
        assert email_saved + live_saved == pytest.approx(now.points - outcome(d, more).points, abs=1e-6)


def test_a_long_stretch_on_a_small_backlog_is_worth_less_than_its_intervals_summed() -> None:
    """Each interval's gain prices that interval alone; summed over a shift they count the same overdue
    work again and again, which the backlog saving does not."""
    d = demand_of(blended_problem(0))
    g = _email_group(d)
    on = np.zeros((d.n_intervals, len(d.groups), len(d.queues)), dtype=np.int64)
    on[:, g, 1] = 3
    on[28:40, g, 1] = 0  # three hours with nobody on email: a backlog that an hour's work clears
    now = outcome(d, on)
    backlogs = BacklogSavings(d, now, blend_shares(d, on, g))
    present = np.zeros((1, d.n_intervals))
    present[0, 40:72] = 1.0  # eight hours
    summed = gains(d, on, now, g)[present[0] > 0, 1].sum()
    np.testing.assert_allclose(backlogs.unit(1), gains(d, on, now, g)[:, 1])
    assert 0 < backlogs.saving(1, present)[0] < 0.95 * summed


def test_service_level_roster_is_valid_and_reports_its_level() -> None:
    p = voice_problem("service_level")
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    level = service(p, result.roster)["voice"].week.service_level
    assert 0.0 < float(level) <= 1.0
    assert any("contacts not answered" in name for name in result.penalties)


def test_unknown_objective_is_refused() -> None:
    with pytest.raises(InvalidInput, match="objective"):
        dataclasses.replace(Weights(), objective="happiness")


def test_weights_must_not_be_negative() -> None:
    with pytest.raises(InvalidInput, match="isolated_day_off"):
        Weights(isolated_day_off=-1)
    with pytest.raises(InvalidInput, match="objective"):
        Weights(objective="fastest")


def test_a_contact_costs_more_where_nobody_is_on_its_queue() -> None:
    """With nobody on the queue every contact is missed and costs `missed_contact` and
    `nobody_on_queue_contact`; with anyone on it, each missed contact costs `missed_contact`."""
    d = demand_of(voice_problem("service_level"))
    busy = int(np.flatnonzero(d.queues[0].need)[0])
    w = d.weights
    nobody, missed = live_points(d.queues[0], np.array([0.0]), d, busy)
    assert d.queues[0].volume is not None
    volume = d.queues[0].volume[busy]
    assert missed[0] == pytest.approx(volume)
    assert nobody[0] == pytest.approx(volume * (w.missed_contact + w.nobody_on_queue_contact))
    one, missed = live_points(d.queues[0], np.array([1.0]), d, busy)
    assert one[0] == pytest.approx(w.missed_contact * missed[0])


def test_a_queue_too_small_ever_to_catch_up_still_values_each_agent() -> None:
    """Three agents for calls that take eight: each is worth the contacts an agent answers on
    average on the way to catching up, not nothing because three never catch up."""
    p = short_voice_team(Weights(nobody_on_queue_contact=0))
    d = demand_of(p)
    busy = int(np.flatnonzero(d.queues[0].need)[0])
    points = [live_points(d.queues[0], np.array([float(c)]), d, busy)[0][0] for c in range(4)]
    assert points[0] - points[1] > 0.2 * points[0] / 8


def short_voice_team(weights: Weights) -> Problem:
    """Three voice agents, five days each, for calls every day (half as many at the weekend): far
    too few for the week."""
    p = voice_problem("service_level")
    days = np.arange(WEEK.grid.n_intervals) // 48
    volume = np.where(days >= 5, 0.5, 1.0) * p.volume["voice"]
    team = dataclasses.replace(
        p.team,
        agents=p.team.agents[:3],
        labour_rules=LabourRules(min_days_off_per_week=2, max_consecutive_days=5),
    )
    return dataclasses.replace(p, team=team, volume={"voice": volume}, weights=weights)


def test_a_short_team_spreads_its_service_over_the_week_instead_of_leaving_the_weekend_empty() -> None:
    """Missed contacts alone count a weekend's call as a weekday's, so a team short every day
    does its five days where calls are most; the cost of a contact with nobody on its queue keeps
    someone on it every day."""
    p = short_voice_team(Weights())
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    assert {s.local_date for s in result.roster.shifts} == set(WEEK.days)


def chat_and_phone(min_agents: int) -> Problem:
    """Five agents for a busy chat and a phone line with a call every hour or so, both open 06-22 UTC."""
    n = WEEK.grid.n_intervals
    hour = (np.arange(n) % 48) / 2
    open_hours = (hour >= 6) & (hour < 22)
    chat = QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, aht_s=600, concurrency=2)
    phone = QueueSpec("phone", "voice", target_answer_s=20, aht_s=300, min_agents=min_agents)
    agents = tuple(Agent(f"a{i}", f"Agent {i}", "Europe/London", ("chat", "phone"), 0, 40) for i in range(5))
    rules = ShiftRules((8.0,), 60, 6 * 60, 14 * 60)
    team = Team("T", "Europe/London", (chat, phone), agents, 30, 0.0, rules, LabourRules())
    return Problem(
        team,
        WEEK,
        {"chat": np.where(open_hours, 3.0, 0.0), "phone": np.where(open_hours, 1.0, 0.0)},
        volume={"chat": np.where(open_hours, 12.0, 0.0), "phone": np.where(open_hours, 0.4, 0.0)},
        aht_s={"chat": np.full(n, 600.0), "phone": np.full(n, 300.0)},
    )


def test_each_agent_hour_below_a_queues_minimum_costs_while_its_contacts_come() -> None:
    d = demand_of(chat_and_phone(min_agents=1))
    phone = d.queues[1]
    assert phone.volume is not None
    calls, quiet = int(np.flatnonzero(phone.volume)[0]), int(np.flatnonzero(phone.volume == 0)[0])
    w = d.weights
    nobody, missed = live_points(phone, np.array([0.0]), d, calls)
    extra = w.below_min_agents_hour * 0.5  # half-hour intervals
    assert nobody[0] == pytest.approx(extra + missed[0] * (w.missed_contact + w.nobody_on_queue_contact))
    without = demand_of(chat_and_phone(min_agents=0))
    assert nobody[0] - live_points(without.queues[1], np.array([0.0]), without, calls)[0][0] == pytest.approx(
        extra
    )
    assert live_points(phone, np.array([0.0]), d, quiet)[0][0] == 0.0
    one, missed = live_points(phone, np.array([1.0]), d, calls)
    assert one[0] == pytest.approx(w.missed_contact * missed[0])


@pytest.mark.parametrize("min_agents", [0, 1])
def test_a_quiet_phone_line_with_a_minimum_of_one_is_kept_open_whenever_two_agents_are_on(
    min_agents: int,
) -> None:
    """Chat has thirty times phone's contacts, so without a minimum every agent goes to chat and the
    phone rings with nobody on it all week; with `min_agents: 1`, one of any two agents on takes it."""
    p = chat_and_phone(min_agents)
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    n = WEEK.grid.n_intervals
    on_phone, on_shift = np.zeros(n), np.zeros(n)
    for shift in result.roster.shifts:
        for queue, rows in on_queue_intervals(shift, WEEK.grid).items():
            on_shift[rows] += 1
            on_phone[rows] += queue == "phone"
    calls = p.volume["phone"] > 0
    phone_empty_with_two_on = calls & (on_phone == 0) & (on_shift >= 2)
    if min_agents:
        assert not phone_empty_with_two_on.any()
    else:
        assert phone_empty_with_two_on.sum() > 20  # the trade the minimum is for


def test_a_minimum_of_agents_is_for_live_queues() -> None:
    with pytest.raises(InvalidInput, match="min_agents is for live queues"):
        QueueSpec("email", "email", min_agents=1)
    with pytest.raises(InvalidInput, match="min_agents must not be negative"):
        QueueSpec("phone", "voice", min_agents=-1)


def phone_open_ten_to_four() -> Problem:
    """Three agents of 8-h shifts from 09:00 (the team's clock, Europe/London) for a phone line open
    10:00-16:00 and an email queue with nothing to answer: two of each shift's hours are outside the
    line's hours, and only email is left for them."""
    n = WEEK.grid.n_intervals
    phone = QueueSpec("phone", "voice", target_answer_s=20, aht_s=300, open_minutes=(10 * 60, 16 * 60))
    agents = tuple(Agent(f"a{i}", f"Agent {i}", "Europe/London", ("phone", "email"), 0, 40) for i in range(3))
    rules = ShiftRules((8.0,), 60, 9 * 60, 9 * 60)
    team = Team("T", "Europe/London", (phone, EMAIL), agents, 30, 0.0, rules, LabourRules())
    open_ = open_intervals(team, WEEK, "phone")
    return Problem(
        team,
        WEEK,
        {"phone": np.where(open_, 3.0, 0.0), "email": np.zeros(n)},
        volume={"phone": np.where(open_, 30.0, 0.0), "email": np.zeros(n)},
        aht_s={"phone": np.full(n, 300.0), "email": np.full(n, 300.0)},
    )


def test_each_agent_on_a_live_queue_while_it_is_closed_costs_the_closed_queue_weight() -> None:
    d = demand_of(phone_open_ten_to_four())
    phone, w = d.queues[0], d.weights
    closed, opened = int(np.flatnonzero(phone.closed)[0]), int(np.flatnonzero(~phone.closed)[0])
    two, none = (live_points(phone, np.array([k]), d, closed)[0][0] for k in (2.0, 0.0))
    assert two - none == pytest.approx(2 * w.closed_queue_per_agent_interval + 2 * w.over_per_agent_interval)
    free = dataclasses.replace(d, weights=Weights(closed_queue_per_agent_interval=0))
    assert (
        live_points(phone, np.array([2.0]), free, opened)[0][0]
        == live_points(phone, np.array([2.0]), d, opened)[0][0]
    )  # open, the weight costs nothing
    on = np.zeros((d.n_intervals, len(d.groups), len(d.queues)))
    on[closed, 0, 0] = 1
    penalties = coverage_penalties(outcome(d, on), d)
    assert penalties["agents on a queue while it is closed (points)"] == w.closed_queue_per_agent_interval
    assert penalties["overstaffed agent-intervals (points)"] == w.over_per_agent_interval


def test_an_agent_works_another_queue_while_a_live_queue_is_closed_rather_than_sit_on_it() -> None:
    """A change of queue costs 5 points and an agent on a line with nothing to answer 2 an interval,
    so before the closed queue's weight the agents took the phone an hour before it opened and an
    hour after it closed (a 30-minute grid); now those hours go to email."""
    p = phone_open_ten_to_four()
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    assert len(result.roster.shifts) == 15  # every agent works five 8-h shifts
    closed = ~open_intervals(p.team, WEEK, "phone")
    on_closed = sum(
        int(closed[on_queue_intervals(s, WEEK.grid).get("phone", np.zeros(0, dtype=np.int64))].sum())
        for s in result.roster.shifts
    )
    assert on_closed == 0

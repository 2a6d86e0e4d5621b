"""The summary says which weights made a short team favour an async queue over a live one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.domain import (
    CHANNELS,
    Agent,
    BreakRule,
    QueueSpan,
    QueueSpec,
    Roster,
    Shift,
    ShiftRules,
    Team,
    Weights,
)
from scheduler.roster.coverage import missed_points
from scheduler.roster.problem import Problem
from scheduler.roster.report import FRAGILE_VOLUME, Unattended, fragile_queues, summarize
from scheduler.roster.solve import solve
from scheduler.roster.tradeoffs import (
    CONTACT_WORDS,
    CONTACTS_WORDS,
    fragile_lines,
    too_small_lines,
    tradeoff_lines,
    unattended_lines,
)
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

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
    (line,) = unattended_lines(team, {"chat": Unattended(17.5, 0.49)})
    assert "(under 1% of them)" in unattended_lines(team, {"chat": Unattended(2.5, 0.001)})[0]
    assert line.startswith("nobody on chat for 17.5 h of the week while its chats come (49% of them)")
    assert "set min_agents: 1 on it" in line


def test_every_channel_has_words() -> None:
    assert set(CONTACT_WORDS) == set(CHANNELS)
    assert set(CONTACTS_WORDS) == set(CHANNELS)


def test_a_queue_without_a_service_level_is_left_out() -> None:
    assert tradeoff_lines(_team(("chat", "email")), {"email": 1.0}, ON_EMAIL) == []


def test_a_queue_below_its_minimum_says_where_the_agents_who_could_take_it_were() -> None:
    base = _team(("chat",))
    voice = QueueSpec("voice", "voice", min_agents=1)
    team = replace(base, queues=(*base.queues, voice), agents=(Agent("a0", "A0", "UTC", ("chat", "voice")),))
    u = Unattended(80.0, 0.36, {"chat": 25.0, "email": 8.0}, 30.5)
    (line,) = unattended_lines(team, {"voice": u})
    assert line.startswith("nobody on voice for 80.0 h of the week while its calls come (36% of them)")
    assert "in 30.5 h an agent who could take it was on another queue (chat 25.0 h, email 8.0 h)" in line
    assert "raise the team's weight below_min_agents_hour" in line
    assert "in 49.5 h nobody skilled for voice was at work" in line
    alone = unattended_lines(team, {"voice": Unattended(10.0, 0.05)})[0]
    assert "another queue" not in alone
    assert "in 10.0 h nobody skilled for voice was at work" in alone


def test_a_team_whose_contracts_cannot_give_the_need_is_told_so() -> None:
    team = _team(("chat",), ("chat",), ("chat",))  # three agents of 40 h
    (line,) = too_small_lines(593.0, 390.0, team)
    assert line.startswith("the team is too small for these targets: its contracts allow at most 390 h")
    assert "against 593 agent-hours the targets need on the queues (66%)" in line
    assert "at least 6 more agents of 40 h" in line  # 203 h more, 40 h an agent
    assert too_small_lines(593.0, 600.0, team) == []
    assert too_small_lines(0.0, 0.0, team) == []


def test_breaks_count_against_what_a_contract_gives_the_queues() -> None:
    """8-h shifts with an hour's lunch: an agent of 40 h gives the queues 35 h."""
    lunch = BreakRule("lunch", 60, 3 * 60, 5 * 60, min_shift_hours=6)
    team = replace(_team(("chat",), ("chat",)), shift_rules=ShiftRules((8.0,), breaks=(lunch,)))
    (line,) = too_small_lines(570.0, 600.0, team)  # 600 h paid, 525 h on the queues
    assert (
        "its contracts allow at most 600 h this week, 525 h on the queues after breaks, against 570" in line
    )
    assert "at least 2 more agents of 40 h (35.0 h on the queues each)" in line  # 45 h short
    assert too_small_lines(520.0, 600.0, team) == []


def test_the_summary_counts_where_the_agents_who_could_take_a_queue_were() -> None:
    """Calls come 09-19 on Monday (UTC). Ann, skilled for voice and chat, is on chat 09-17; nobody
    skilled for voice works 17-19. Voice is empty 10 h: 8 h with Ann on chat, 2 h with nobody skilled."""
    monday = date(2026, 11, 2)
    chat = QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, aht_s=300)
    voice = QueueSpec("voice", "voice", service_level=0.8, target_answer_s=30, aht_s=300, min_agents=1)
    team = Team(
        "Desk",
        "UTC",
        (chat, voice),
        (Agent("ann", "Ann", "UTC", ("chat", "voice"), 0, 56), Agent("bo", "Bo", "UTC", ("chat",), 0, 56)),
        interval_minutes=60,
        shrinkage=0.0,
        shift_rules=ShiftRules((8.0,), 60, 6 * 60, 14 * 60),
    )
    week = PlanningWeek(monday, "UTC", 60)
    n = week.grid.n_intervals
    hour = np.arange(n)
    calls = np.where((hour >= 9) & (hour < 19), 1.0, 0.0)
    p = Problem(
        team,
        week,
        {"chat": np.zeros(n), "voice": calls},
        volume={"chat": np.where((hour >= 9) & (hour < 17), 4.0, 0.0), "voice": calls},
        aht_s={"chat": np.full(n, 300.0), "voice": np.full(n, 300.0)},
    )
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    roster = Roster("Desk", monday, (Shift("ann", monday, start, start + timedelta(hours=8), "chat"),))
    u = summarize(p, roster).unattended["voice"]
    assert (u.hours, u.skilled_busy_hours, u.skilled_elsewhere_hours) == (10.0, 8.0, {"chat": 8.0})
    assert u.share == pytest.approx(1.0)


def test_the_advice_warns_where_the_async_queue_is_below_its_target_on_some_days() -> None:
    team = _team(("chat", "email"), ("chat",))
    (line,) = tradeoff_lines(
        team, {"chat": 0.31, "email": 0.98}, ON_EMAIL, {"email": [date(2026, 10, 24), date(2026, 10, 25)]}
    )
    assert line.endswith(
        "lower late_contact_hour to give chat more of their time, though email is below its own target on Sat, Sun, "
        "which that would make worse"
    )


def test_a_queue_answered_just_in_time_is_named_with_what_a_busier_week_does() -> None:
    """Email: 3.6 an hour around the clock (86 a day), to answer within 20 hours; Ann on it 09-17
    every day (UTC) answers 12 an hour, 96 a day. Overnight emails wait until morning: 95 % are on
    time, and with 5 % more the backlog grows all week and 79 % are."""
    monday = date(2026, 11, 2)
    email = QueueSpec("email", "email", service_level=0.8, response_hours=20, aht_s=300)
    team = Team(
        "Desk",
        "UTC",
        (email,),
        (Agent("ann", "Ann", "UTC", ("email",), 0, 56),),
        interval_minutes=15,
        shrinkage=0.0,
        shift_rules=ShiftRules((8.0,), 60, 6 * 60, 14 * 60),
    )
    week = PlanningWeek(monday, "UTC", 15)
    n = week.grid.n_intervals
    p = Problem(
        team,
        week,
        {"email": np.full(n, 0.4)},
        volume={"email": np.full(n, 0.9)},
        aht_s={"email": np.full(n, 300.0)},
    )
    days = [monday + timedelta(days=d) for d in range(7)]
    starts = [datetime(d.year, d.month, d.day, 9, tzinfo=UTC) for d in days]
    roster = Roster(
        "Desk",
        monday,
        tuple(Shift("ann", d, s, s + timedelta(hours=8), "email") for d, s in zip(days, starts, strict=True)),
    )
    levels = summarize(p, roster).service_level_by_queue
    ((name, (now, then)),) = fragile_queues(p, roster, levels).items()
    assert name == "email"
    assert now == pytest.approx(0.95, abs=0.01)
    assert then == pytest.approx(0.79, abs=0.01)
    (line,) = fragile_lines(team, {"email": (now, then)}, FRAGILE_VOLUME)
    assert line.startswith(
        "email is planned at the edge of its target: 5% more emails than forecast would take it from 95% to 79%"
    )
    assert "a lower response_hours" in line
    calm = replace(p, volume={"email": np.full(n, 0.5)})  # 48 a day: room for many more
    assert fragile_queues(calm, roster, summarize(calm, roster).service_level_by_queue) == {}


def test_a_live_queue_below_target_beside_a_busier_live_one_names_its_own_weight() -> None:
    base = _team(("chat",))
    voice = QueueSpec("voice", "voice", service_level=0.8)
    team = replace(base, queues=(*base.queues, voice), agents=(Agent("a0", "A0", "UTC", ("chat", "voice")),))
    (line,) = tradeoff_lines(team, {"voice": 0.69, "chat": 0.95}, ON_CHAT_AND_VOICE)
    assert line.startswith(
        "voice is below its target (69% against 80%) while chat is above its own (95% against 80%)"
    )
    assert "each chat on chat not answered in time at 200 points and each call on voice at 200" in line
    # chat is not short: the line says why it still keeps the agent, not "where both are short"
    chat = team.queues[0]
    at_once = f", where an agent takes {chat.concurrency:g} chats at once" if chat.concurrency > 1 else ""
    assert f"goes where an hour saves more of them, which can be chat above its target{at_once}" in line
    assert "give voice a missed_contact of its own above 200 in the team file (e.g. 400)" in line
    assert "weights objective: headcount" in line
    weighted = replace(team, queues=(*base.queues, replace(voice, missed_contact=500)))
    assert (
        "each call on voice at 500"
        in tradeoff_lines(weighted, {"voice": 0.69, "chat": 0.95}, ON_CHAT_AND_VOICE)[0]
    )


ON_CHAT_AND_VOICE = Roster("T", DAY, (_on("a0", ("voice", 8, 10), ("chat", 10, 16)),))


def test_a_queues_own_missed_contact_weight_prices_its_contacts() -> None:
    """The same contacts missed on a queue with its own weight of 600 cost three times the team's 200."""
    demand_team = _team(("chat",))
    chat, email = demand_team.queues
    missed = np.array([0.5, 2.0])
    volume = np.array([4.0, 4.0])
    agents = np.array([1.0, 1.0])
    team_points = missed_points(missed, volume, agents, demand_team.weights, chat.missed_contact)
    own_points = missed_points(missed, volume, agents, demand_team.weights, 600)
    assert own_points == pytest.approx(3 * team_points)
    with pytest.raises(InvalidInput, match="missed_contact is for live queues"):
        replace(email, missed_contact=300)


def test_a_queues_own_weight_moves_the_shared_agent_to_it() -> None:
    """Ann can take chat (8 an hour) or calls (2 an hour), 09-17: at the team's weight the roster
    gives her time to chat, where more is missed without her; at 2000 points a call, to voice."""
    monday = date(2026, 11, 2)
    chat = QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, aht_s=300)
    voice = QueueSpec("voice", "voice", service_level=0.8, target_answer_s=30, aht_s=300)
    week = PlanningWeek(monday, "UTC", 60)
    n = week.grid.n_intervals
    hour = np.arange(n) % 24
    open_hours = (hour >= 9) & (hour < 17)

    def hours_on(voice_spec: QueueSpec) -> dict[str, float]:
        team = Team(
            "Desk",
            "UTC",
            (chat, voice_spec),
            (Agent("ann", "Ann", "UTC", ("chat", "voice"), 0, 40),),
            interval_minutes=60,
            shrinkage=0.0,
            shift_rules=ShiftRules((8.0,), 60, 9 * 60, 9 * 60),
        )
        p = Problem(
            team,
            week,
            {"chat": np.where(open_hours, 1.0, 0.0), "voice": np.where(open_hours, 1.0, 0.0)},
            volume={"chat": np.where(open_hours, 8.0, 0.0), "voice": np.where(open_hours, 2.0, 0.0)},
            aht_s={"chat": np.full(n, 300.0), "voice": np.full(n, 300.0)},
        )
        roster = solve(p, QUICK).roster
        assert check_roster(p, roster.shifts) == []
        out = {"chat": 0.0, "voice": 0.0}
        for s in roster.shifts:
            for span in s.queue_spans():
                out[span.queue] += (span.end_utc - span.start_utc).total_seconds() / 3600
        return out

    team_weight = hours_on(voice)
    own_weight = hours_on(replace(voice, missed_contact=2000))
    assert team_weight["chat"] > team_weight["voice"]
    assert own_weight["voice"] > own_weight["chat"]


def _chat_and_email_monday(chat_per_hour: float) -> tuple[Problem, Roster]:
    """Monday (UTC, hourly): chats 09-17 and 2 emails an hour 00-12, due within 24 h. Ann (chat and
    email) works email 09-17, Bo (chat only) chat 09-17."""
    monday = date(2026, 11, 2)
    queues = (
        QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, aht_s=300),
        QueueSpec("email", "email", service_level=0.9, response_hours=24, aht_s=300),
    )
    agents = (
        Agent("ann", "Ann", "UTC", ("chat", "email"), 0, 56),
        Agent("bo", "Bo", "UTC", ("chat",), 0, 56),
    )
    team = Team("Desk", "UTC", queues, agents, interval_minutes=60, shrinkage=0.0)
    week = PlanningWeek(monday, "UTC", 60)
    n = week.grid.n_intervals
    hour = np.arange(n)
    chats = np.where((hour >= 9) & (hour < 17), chat_per_hour, 0.0)
    p = Problem(
        team,
        week,
        {"chat": np.where(chats > 0, 2.0, 0.0), "email": np.zeros(n)},
        volume={"chat": chats, "email": np.where(hour < 12, 2.0, 0.0)},
        aht_s={"chat": np.full(n, 300.0), "email": np.full(n, 300.0)},
    )
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    shifts = tuple(
        Shift(a, monday, start, start + timedelta(hours=8), q) for a, q in (("ann", "email"), ("bo", "chat"))
    )
    return p, Roster("Desk", monday, shifts)


@pytest.mark.parametrize(("chats_per_hour", "losing"), [(10.0, False), (20.0, True)])
def test_the_trade_between_a_live_queue_below_target_and_one_above_is_measured_as_the_roster_moved(
    chats_per_hour: float, losing: bool
) -> None:
    """Ann's 8 h on email while chats come, on chat instead: the summary measures both queues as the
    report measures the roster with her shift on chat. With 10 chats an hour that brings chat to its
    target and Bo's spare time answers the emails (a trade the roster should have made); with 20, chat
    stays below its target and email falls below its own, which the line says the roster chose."""
    p, roster = _chat_and_email_monday(chats_per_hour)
    summary = summarize(p, roster)
    assert summary.service_level_by_queue["chat"] < 0.75
    assert summary.service_level_by_queue["email"] > 0.95
    (trade,) = summary.trades
    moved = Roster("Desk", roster.first_day, tuple(replace(s, queue="chat") for s in roster.shifts))
    levels = summarize(p, moved).service_level_by_queue
    assert (trade.live, trade.other, trade.hours) == ("chat", "email", 8.0)
    assert (trade.live_level, trade.other_level) == pytest.approx((levels["chat"], levels["email"]))
    (line,) = tradeoff_lines(p.team, summary.service_level_by_queue, roster, trades=summary.trades)
    words = (
        f"the 8 agent-h they spend on email while chat takes chats, on chat instead (this trade alone), would take chat to "
        f"{levels['chat']:.0%} and email to {levels['email']:.0%}"
    )
    assert words in line
    assert (levels["email"] < 0.9 and levels["chat"] < 0.8) == losing
    assert ("the roster keeps email on target (to trade anyway, lower" in line) == losing


def test_no_trade_is_measured_under_the_headcount_objective_or_when_every_queue_meets_its_target() -> None:
    p, roster = _chat_and_email_monday(30.0)
    assert summarize(replace(p, weights=Weights(objective="headcount")), roster).trades == []
    quiet, roster = _chat_and_email_monday(1.0)
    assert summarize(quiet, roster).trades == []

"""Who could cover a short stretch: every rule an option gives up is named, its kind ranks it, and a
move of a day off (the same hours and days, every rule kept) comes before the contract is broken."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np

from scheduler.domain import Activity, LabourRules, QueueSpan, QueueSpec, Roster, Shift
from scheduler.roster.cover import ANOTHER_QUEUE, DAY_OFF_WORKED, MOVE, OVERTIME, cover_options
from scheduler.roster.problem import Problem
from scheduler.roster.report import measure, short_stretches
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.test_absence import WEEK, desk, shift


def saturday_short(labour: LabourRules, weekdays: int) -> tuple[str, str]:
    """Full 0 alone on the last `weekdays` weekdays with nobody on Saturday, each of those days
    needing one agent 09:00-17:00 (so moving a day off to Saturday only moves the gap): the words of
    the option that gives Full 0 the Saturday."""
    p = desk()
    p = dataclasses.replace(
        p, team=dataclasses.replace(p.team, agents=p.team.agents[:1], labour_rules=labour)
    )
    need = np.zeros(WEEK.grid.n_intervals)
    for day in range(5 - weekdays, 6):
        need[day * 24 + 9 : day * 24 + 17] = 1
    p = dataclasses.replace(p, required={"chat": need})
    roster = Roster("Desk", WEEK.first_day, tuple(shift("f0", d) for d in WEEK.days[5 - weekdays : 5]))
    options = cover_options(p, roster, short_stretches(p, measure(p, roster)))
    assert [o.agent_id for o in options] == ["f0"]
    return options[0].kind, options[0].words


def test_an_option_that_breaks_days_off_days_in_a_row_and_hours_names_all_three() -> None:
    """Monday to Friday worked, 40 h: the Saturday is a sixth day (5 allowed), a sixth in a row
    (at most 5) and 48 h (at most 40), not just "overtime"."""
    kind, words = saturday_short(LabourRules(11.0, 5, 2), 5)
    assert kind == OVERTIME
    assert "a day off (works 6 days; at most 5 allowed)" in words
    assert "the most days in a row (day 6 in a row; at most 5 allowed)" in words
    assert "the contract's limit on hours (48 h, above the maximum of 40 h)" in words
    assert "an 8 h shift beyond the contract" in words


def test_a_day_more_in_a_row_is_named_as_such_not_as_a_swap() -> None:
    """Tuesday to Friday worked (32 h, 4 days of 5): the Saturday keeps the days off and the hours but
    is a fifth day in a row where at most 4 are allowed."""
    kind, words = saturday_short(LabourRules(11.0, 4, 2), 4)
    assert kind == DAY_OFF_WORKED  # ranked with the day-off rules; the words say which
    assert "giving up the most days in a row (day 5 in a row; at most 4 allowed)" in words
    assert "a day off (" not in words
    assert "swap" not in words


def weekend_gap() -> tuple[Problem, Roster]:
    """Four full-timers (8-h shifts, five days, at most five in a row) all on Monday to Friday, the
    fourth's shifts pinned by the lead; chat needs two on Monday, four Tuesday to Friday and one on
    Saturday, 09:00-17:00: Saturday has nobody, Monday one agent more than it needs."""
    p = desk()
    p = dataclasses.replace(
        p, team=dataclasses.replace(p.team, agents=p.team.agents[:4], labour_rules=LabourRules(11.0, 5, 2))
    )
    need = np.zeros(WEEK.grid.n_intervals)
    for day, agents in enumerate((2, 4, 4, 4, 4, 1)):
        need[day * 24 + 9 : day * 24 + 17] = agents
    roster = Roster("Desk", WEEK.first_day, tuple(shift(f"f{i}", d) for i in range(4) for d in WEEK.days[:5]))
    pinned = tuple(s for s in roster.shifts if s.agent_id == "f3")
    return dataclasses.replace(p, required={"chat": need}, pinned=pinned), roster


def test_a_weekend_gap_is_offered_as_a_move_of_a_day_off_first_and_the_move_passes_the_checker() -> None:
    """Working Saturday on top of the week breaks the contract (six days, 48 h); working it instead
    of Monday keeps every rule and costs Monday nothing: each agent free to move is offered that move
    first, the one whose week is pinned only overtime."""
    p, roster = weekend_gap()
    saturday, monday = WEEK.days[5], WEEK.days[0]
    stretches = short_stretches(p, measure(p, roster))
    assert [s.queue for s in stretches] == ["chat"]
    assert stretches[0].start_utc.date() == saturday
    options = cover_options(p, roster, stretches, per_stretch=4)
    assert [(o.agent_id, o.kind) for o in options] == [
        ("f0", MOVE),
        ("f1", MOVE),
        ("f2", MOVE),
        ("f3", OVERTIME),
    ]
    for o in options[:3]:
        assert (o.day, o.instead_of, o.gives_up) == (saturday, monday, ())
        assert (
            "instead of Mon 02 Nov 09:00–17:00 (the day off moves to Mon: the same hours and days" in o.words
        )
        assert o.loses == ("Mon 02 Nov chat: 0.0 → 0.0 agent-hours short",)
        assert "and on the day left Mon 02 Nov chat:" in o.words  # the team's own zone: no zone named
        # the independent checker: the whole roster with the move made breaks no hard rule
        moved = tuple(s for s in roster.shifts if (s.agent_id, s.local_date) != (o.agent_id, monday))
        assert check_roster(p, (*moved, Shift(o.agent_id, o.day, o.start_utc, o.end_utc, "chat"))) == []
    assert options[3].instead_of is None
    assert "the contract's limit on hours (48 h, above the maximum of 40 h)" in options[3].words


def test_a_move_leaves_the_day_that_loses_least_and_says_what_it_loses() -> None:
    """Monday needs all four too: leaving any weekday now costs it an agent, as much as Saturday
    gains, so no move is offered; with Wednesday needing three and a half, every move leaves it,
    and its words give the shortfall there as the report counts it."""
    p, roster = weekend_gap()
    need = p.required["chat"].copy()
    need[9:17] = 4
    flat = dataclasses.replace(p, required={"chat": need})
    assert {o.kind for o in cover_options(flat, roster, short_stretches(flat, measure(flat, roster)))} == {
        OVERTIME
    }
    need[2 * 24 + 9 : 2 * 24 + 17] = 3.5
    wednesday = dataclasses.replace(p, required={"chat": need})
    options = cover_options(wednesday, roster, short_stretches(wednesday, measure(wednesday, roster)))
    assert [o.kind for o in options] == [MOVE, MOVE, MOVE]
    assert {o.instead_of for o in options} == {WEEK.days[2]}
    assert options[0].loses == ("Wed 04 Nov chat: 0.0 → 4.0 agent-hours short",)


def test_an_agent_is_offered_for_at_most_two_stretches_unless_nobody_else_could() -> None:
    """Full 0 and Full 1 work Monday and Tuesday only; chat needs one agent 09:00-17:00 every day, so
    Wednesday to Sunday are five short stretches either could cover. Each is offered twice; the
    last three stretches keep the least costly of them rather than read "nobody could"."""
    p = desk()
    p = dataclasses.replace(
        p, team=dataclasses.replace(p.team, agents=p.team.agents[:2], labour_rules=LabourRules(11.0, 7, 0))
    )
    need = np.zeros(WEEK.grid.n_intervals)
    for day in range(7):
        need[day * 24 + 9 : day * 24 + 17] = 1
    p = dataclasses.replace(p, required={"chat": need})
    days = WEEK.days[:2]
    roster = Roster("Desk", WEEK.first_day, tuple(shift(a, d) for a in ("f0", "f1") for d in days))
    stretches = short_stretches(p, measure(p, roster))
    assert len(stretches) == 5
    options = cover_options(p, roster, stretches)
    by_stretch = [[o.agent_id for o in options if o.stretch is s] for s in stretches]
    assert by_stretch[:2] == [["f0", "f1"], ["f0", "f1"]]
    assert all(len(names) == 1 for names in by_stretch[2:])


def chat_and_phone_monday(chat_agents: int) -> tuple[Problem, Roster]:
    """Monday 09:00-17:00: chat needs one agent and the phone one from 12:00 to 14:00; `chat_agents`
    agents are all on chat all day, the first of them skilled for the phone too."""
    p = desk()
    agents = (
        dataclasses.replace(p.team.agents[0], skills=("chat", "phone")),
        *p.team.agents[1:chat_agents],
    )
    team = dataclasses.replace(p.team, agents=agents, queues=(*p.team.queues, QueueSpec("phone", "voice")))
    chat, phone = np.zeros(WEEK.grid.n_intervals), np.zeros(WEEK.grid.n_intervals)
    chat[9:17], phone[12:14] = 1, 1
    roster = Roster("Desk", WEEK.first_day, tuple(shift(a.id, WEEK.days[0]) for a in agents))
    return dataclasses.replace(p, team=team, required={"chat": chat, "phone": phone}), roster


def test_an_agent_at_work_on_another_queue_is_offered_the_short_queue_instead_every_rule_kept() -> None:
    """Two agents on chat, which needs one, and nobody on the phone from 12:00 to 14:00: the one
    skilled for the phone is offered it for those two hours, with what the phone gains and what chat
    loses (nothing); the changed shift passes the checker."""
    p, roster = chat_and_phone_monday(2)
    stretches = short_stretches(p, measure(p, roster))
    assert [(s.queue, s.start_utc.hour, s.end_utc.hour) for s in stretches] == [("phone", 12, 14)]
    (option,) = cover_options(p, roster, stretches)
    assert (option.agent_id, option.kind, option.covered_hours) == ("f0", ANOTHER_QUEUE, 2.0)
    assert (option.start_utc.hour, option.end_utc.hour) == (12, 14)
    assert (
        "12:00–14:00 Europe/London: phone instead of chat, already at work (every rule kept)" in option.words
    )
    assert "Mon 02 Nov phone: 2.0 → 0.0 agent-hours short" in option.words
    assert option.loses == ("Mon 02 Nov chat: 0.0 → 0.0 agent-hours short",)  # chat keeps its one
    assert "at the cost of Mon 02 Nov chat: 0.0 → 0.0 agent-hours short" in option.words
    (mine,) = roster.shifts_of("f0")
    changed = dataclasses.replace(
        mine,
        work=(
            QueueSpan("chat", mine.start_utc, option.start_utc),
            QueueSpan("phone", option.start_utc, option.end_utc),
            QueueSpan("chat", option.end_utc, mine.end_utc),
        ),
    )
    found = check_roster(p, (changed, *roster.shifts_of("f1")))
    assert {v.rule for v in found} == {"weekly hours"}  # a roster of Monday alone: nothing else broken


def test_an_agent_alone_on_a_queue_is_not_offered_another_where_that_only_moves_the_gap() -> None:
    p, roster = chat_and_phone_monday(1)
    assert cover_options(p, roster, short_stretches(p, measure(p, roster))) == []


def test_the_hours_another_queue_covers_leave_the_agents_break_out() -> None:
    """The agent on chat has lunch 12:00-13:00: taking the phone 12:00-14:00 covers one hour of it."""
    p, roster = chat_and_phone_monday(2)
    mine = roster.shifts_of("f0")[0]
    lunch = Activity("lunch", mine.start_utc + timedelta(hours=3), mine.start_utc + timedelta(hours=4))
    roster = Roster(
        roster.team, roster.first_day, (dataclasses.replace(mine, breaks=(lunch,)), *roster.shifts_of("f1"))
    )
    (option,) = cover_options(p, roster, short_stretches(p, measure(p, roster)))
    assert (option.kind, option.covered_hours) == (ANOTHER_QUEUE, 1.0)
    assert option.words.endswith("covers 1 h of the stretch")


def test_another_queue_is_not_offered_for_less_than_a_queue_block_of_the_stretch() -> None:
    """The phone is short 12:00-13:00 only, while the agent who could take it is at lunch: the change
    would cover nothing of it (less than the 60-minute queue block), so it is not offered."""
    p, roster = chat_and_phone_monday(2)
    phone = np.zeros(WEEK.grid.n_intervals)
    phone[12:13] = 1
    p = dataclasses.replace(p, required={**p.required, "phone": phone})
    mine = roster.shifts_of("f0")[0]
    lunch = Activity("lunch", mine.start_utc + timedelta(hours=3), mine.start_utc + timedelta(hours=4))
    roster = Roster(
        roster.team, roster.first_day, (dataclasses.replace(mine, breaks=(lunch,)), *roster.shifts_of("f1"))
    )
    stretches = short_stretches(p, measure(p, roster))
    assert [s.queue for s in stretches] == ["phone"]
    assert all(o.kind != ANOTHER_QUEUE for o in cover_options(p, roster, stretches))

"""Lines of the lead's report built from a summary alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from api.lead_report import (
    absence_lines,
    advice_lines,
    change_lines,
    from_last_week_lines,
    into_next_week_lines,
    preference_lines,
    solver_line,
    without_need_line,
)
from api.service.roster_worker import roster_report
from scheduler import RosterResult
from scheduler.domain import AvailabilityEntry, Roster
from scheduler.roster.report import summarize
from tests.scheduler.roster.factories import VERIFY_WEEK, shift_at, verify_agent, verify_problem


def test_days_with_no_need_are_named_first() -> None:
    p = verify_problem(need={(day, 10): 1.0 for day in range(5)})
    summary = summarize(p, Roster(p.team.name, VERIFY_WEEK, ()))
    assert without_need_line(summary) == [
        "no need on Sat 20 Jun, Sun 21 Jun: the requirements ask for nobody then; give them if the team works "
        "those days"
    ]
    assert VERIFY_WEEK + timedelta(days=5) in summary.days_without_need


def test_a_re_roster_says_who_is_off_sick_and_names_a_zone_that_is_not_the_teams() -> None:
    sick, remote = verify_agent("a", name="Seán"), verify_agent("b", name="Paolo", tz="Asia/Manila")
    day = VERIFY_WEEK + timedelta(days=2)
    entries = (
        AvailabilityEntry("a", "absence", on_date=day),
        AvailabilityEntry("b", "time_off", on_date=day),
    )
    p = verify_problem(sick, remote, availability=entries)
    published = Roster(
        p.team.name, VERIFY_WEEK, (shift_at(p, 2, "08:00"), shift_at(p, 2, "09:00", agent_id="b"))
    )
    p = replace(p, published=published)
    lines = absence_lines(p) + change_lines(p, Roster(p.team.name, VERIFY_WEEK, ()))
    assert lines == [
        f"off sick: Seán (a), {day:%a %d %b}",
        "changes to the published roster: 2",
        f"  Seán, {day:%a %d %b}: 08:00–16:00 chat → off sick",
        f"  Paolo, {day:%a %d %b} (Asia/Manila time): 09:00–17:00 chat → off on leave",
    ]


def test_a_night_worker_sent_home_after_midnight_is_named_with_the_time_and_the_shift_then_off_sick() -> None:
    """Wednesday's 22:00–06:00, sent home at 02:00 on Thursday: 'off sick … Thu from 02:00' (not a whole
    Thursday, which she may still work at night) and the change reads '…, then off sick'."""
    p = verify_problem(verify_agent("a", name="Seán"))
    night = shift_at(p, 2, "22:00")
    thursday = night.local_date + timedelta(days=1)
    ill = (AvailabilityEntry("a", "absence", start_minute=2 * 60, on_date=thursday, note="went home ill"),)
    p = replace(p, availability=ill, published=Roster(p.team.name, VERIFY_WEEK, (night,)))
    cut = replace(night, end_utc=night.start_utc + timedelta(hours=4))
    assert absence_lines(p) + change_lines(p, Roster(p.team.name, VERIFY_WEEK, (cut,))) == [
        f"off sick: Seán (a), {thursday:%a %d %b} from 02:00",
        "changes to the published roster: 1",
        f"  Seán, {night.local_date:%a %d %b}: 22:00–06:00 chat → 22:00–02:00 chat, then off sick",
    ]


def test_preferred_times_not_given_are_listed_under_one_heading_and_none_gives_no_lines() -> None:
    owl = verify_agent("a", name="Marcus Lee")
    wishes = tuple(AvailabilityEntry("a", "preferred", 21 * 60, 24 * 60, weekday=d) for d in range(7))
    p = verify_problem(owl, availability=wishes)
    roster = Roster(p.team.name, VERIFY_WEEK, tuple(shift_at(p, d, "08:00") for d in range(5)))
    assert preference_lines(summarize(p, roster)) == [
        "preferred times given, or times to avoid kept, on fewer than half of the working days that have them:",
        "  Marcus Lee asked for 21:00–24:00; got none of 5 working days"
        " (no shift the rules allow gives half of that time)",
    ]
    assert preference_lines(summarize(replace(p, availability=()), roster)) == []
    # the service's roster version says it in its summary lines, its Markdown and its summary
    stored = roster_report(p, RosterResult(roster, "FEASIBLE", 0.0, 0.0, 0.0, {}))
    words = (
        "Marcus Lee asked for 21:00–24:00; got none of 5 working days"
        " (no shift the rules allow gives half of that time)"
    )
    assert f"  {words}" in stored["report"]["lines"]
    assert f"\n- {words}\n" in stored["report"]["markdown"]
    assert stored["summary"]["unmet_preferences"][0]["words"] == words


def test_the_solver_line_names_each_costliest_rule_with_its_points() -> None:
    penalties = {
        "contacts not answered within target (points)": 87_440.0,
        "start times beyond each agent's first": 330.0,
        "hours in preferred times (points, a reward)": -20.0,
    }
    result = RosterResult(Roster("T", VERIFY_WEEK, ()), "FEASIBLE", 87_750.0, float("-inf"), 4.7, penalties)
    line = solver_line(result)
    assert "no bound known in the time" in line
    assert line.endswith(
        "costliest soft rules: contacts not answered within target: 87,440 points; "
        "start times beyond each agent's first: 330 points"
    )


def test_the_agents_table_shows_paid_leave_beside_the_contract() -> None:
    """A sick day counts as paid hours against a 40-h contract (with no published roster, a seventh of the
    week's most for an agent with no days off): the table says the hours to work are the contract's 40
    less that leave, not a contract of their own."""
    sick = verify_agent("a", name="Pádraig", min_hours_per_week=40, max_hours_per_week=40)
    well = verify_agent("b", name="Róisín", min_hours_per_week=16, max_hours_per_week=24)
    day = VERIFY_WEEK + timedelta(days=2)
    p = verify_problem(sick, well, availability=(AvailabilityEntry("a", "absence", on_date=day),))
    shifts = tuple(shift_at(p, d, "08:00") for d in (0, 1, 3, 4))
    roster = Roster(p.team.name, VERIFY_WEEK, shifts)
    markdown = roster_report(p, RosterResult(roster, "FEASIBLE", 0.0, 0.0, 0.0, {}))["report"]["markdown"]
    assert "| Pádraig (a) | 32 | 34.3–34.3 (40 less 5.7 h away this week) |" in markdown
    assert "| Róisín (b) | 0 | 16–24 |" in markdown


def test_the_start_times_line_gives_each_agents_spread_and_the_teams_rule() -> None:
    from datetime import UTC, date, datetime

    from api.lead_report import start_range_minutes, start_times_line
    from scheduler.domain import Roster, Shift
    from scheduler.sample import sample_team

    team = sample_team()
    phoenix = team.agents[0].id  # UTC-7 all year

    def at(day: int, hour: int) -> Shift:
        start = datetime(2026, 11, 2 + day, hour + 7, tzinfo=UTC)
        return Shift(phoenix, date(2026, 11, 2 + day), start, start.replace(hour=hour + 15), "creator-email")

    roster = Roster(team.name, date(2026, 11, 2), (at(0, 6), at(1, 7), at(2, 8)))
    assert start_range_minutes(roster, team) == {phoenix: (6 * 60, 8 * 60)}
    assert start_times_line(roster, team) == (
        "start times: each agent's within 2 h of each other across the week (the team's rule: at most 2 h)"
    )


def test_the_team_is_called_too_small_only_when_a_queue_misses_its_target() -> None:
    """A lead's review: "the team is too small … 1 more agent" beside every queue above target (the
    hours of an async queue's need spread its work evenly; its backlog may wait for its deadline)."""
    from datetime import date

    from api.lead_report import advice_lines
    from scheduler.domain import Roster
    from scheduler.roster.report import RosterSummary
    from scheduler.sample import sample_team

    team = sample_team()

    def summary(chat_level: float) -> RosterSummary:
        return RosterSummary(
            agents=14,
            agents_rostered=14,
            shifts=60,
            scheduled_hours=500.0,
            required_agent_hours=600.0,  # more than the contracts give the queues
            understaffed_agent_hours=50.0,
            overstaffed_agent_hours=0.0,
            hours_by_agent={},
            contract_by_agent={},
            shifts_by_agent={},
            weekend_days_by_agent={},
            late_shifts_by_agent={},
            night_shifts_by_agent={},
            service_level_by_queue={"creator-email": 1.0, "creator-chat": chat_level},
            target_by_queue={"creator-email": 0.9, "creator-chat": 0.8},
            contract_hours_most=500.0,
        )

    roster = Roster(team.name, date(2026, 11, 2), ())
    assert not any("too small" in line for line in advice_lines(summary(0.91), team, roster))
    assert any("too small" in line for line in advice_lines(summary(0.7), team, roster))


def test_a_day_worked_with_no_contacts_forecast_is_named_with_what_to_change() -> None:
    """A weekday team's reviewer: two email agents worked Saturday (Friday's email is due within 24 h)
    and had Monday off, and nothing said so."""
    from datetime import UTC, date, datetime, timedelta

    from api.lead_report import quiet_day_lines
    from scheduler.domain import Roster, Shift
    from scheduler.roster.report import QueueDay, RosterSummary
    from scheduler.sample import sample_team

    team = sample_team()
    week = [date(2026, 11, 2) + timedelta(days=d) for d in range(7)]
    days = [
        QueueDay("creator-email", d, 8.0, 8.0, 0.0, 0.0 if d.weekday() >= 5 else 100.0, 1.0, 0.9)
        for d in week
    ]
    summary = RosterSummary(
        agents=14, agents_rostered=1, shifts=2, scheduled_hours=16.0, required_agent_hours=40.0,
        understaffed_agent_hours=0.0, overstaffed_agent_hours=0.0, hours_by_agent={}, contract_by_agent={},
        shifts_by_agent={}, weekend_days_by_agent={}, late_shifts_by_agent={}, night_shifts_by_agent={},
        service_level_by_queue={"creator-email": 1.0}, target_by_queue={"creator-email": 0.9}, days=days,
    )  # fmt: skip
    agent = team.agents[0]  # Phoenix, UTC-7

    def at(day: date) -> Shift:
        start = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
        return Shift(agent.id, day, start, start + timedelta(hours=8), "creator-email")

    roster = Roster(team.name, week[0], (at(week[4]), at(week[5])))
    (line,) = quiet_day_lines(summary, team, roster)
    assert line.startswith(f"Sat 07 Nov has no contacts forecast, but 1 shift ({agent.name})")
    assert "make its agents unavailable on it" in line


def _short_on_chat_over_on_email(email_blended_hours: float) -> list[str]:
    """The advice for a Monday with chat 40 agent-h below its need and email 25 above it, of which
    `email_blended_hours` are chat agents' spare time."""
    from scheduler.roster.report import QueueDay, RosterSummary
    from scheduler.sample import sample_team

    team = sample_team()
    day = date(2026, 11, 2)
    summary = RosterSummary(
        agents=14, agents_rostered=14, shifts=60, scheduled_hours=500.0, required_agent_hours=600.0,
        understaffed_agent_hours=50.0, overstaffed_agent_hours=0.0, hours_by_agent={}, contract_by_agent={},
        shifts_by_agent={}, weekend_days_by_agent={}, late_shifts_by_agent={}, night_shifts_by_agent={},
        service_level_by_queue={"creator-email": 1.0, "creator-chat": 0.6},
        target_by_queue={"creator-email": 0.9, "creator-chat": 0.8}, contract_hours_most=500.0,
        days=[
            QueueDay("creator-chat", day, 100.0, 60.0, 40.0, 50.0, 0.6, 0.8),
            QueueDay("creator-email", day, 20.0, 45.0, 0.0, 80.0, 1.0, 0.9, blended_hours=email_blended_hours),
        ],
    )  # fmt: skip
    return [
        line
        for line in advice_lines(summary, team, Roster(team.name, day, ()))
        if "more than it needs" in line
    ]


def test_a_team_too_small_on_one_queue_and_over_on_another_is_told_which_skill_is_missing() -> None:
    (line,) = _short_on_chat_over_on_email(0.0)
    assert "short on creator-chat (40 agent-h below its need) while creator-email has 25 agent-h more" in line
    assert line.endswith("(or skill some of the creator-email agents for it)")


def test_hours_above_an_async_queues_need_that_are_blended_time_are_not_called_its_agents() -> None:
    """Email's surplus is all spare time of chat agents between chats: nobody to re-skill on email."""
    (line,) = _short_on_chat_over_on_email(45.0)
    assert line.endswith(
        "(creator-email's hours above its need are the spare time of agents on other queues between contacts)"
    )


def test_shifts_into_next_week_are_named_with_their_hours_there_and_how_to_count_them() -> None:
    p = verify_problem(verify_agent("a"), verify_agent("b"))
    sunday_night = shift_at(p, 6, "22:00")  # Sun 21 Jun 22:00 to Mon 06:00, London (BST)
    lines = into_next_week_lines(
        p, Roster(p.team.name, VERIFY_WEEK, (sunday_night, shift_at(p, 6, "20:00", agent_id="b")))
    )
    assert lines == [
        "into next week: 2 shifts run past the week's end, 10.0 hours until Mon 06:00: cover for next week's "
        "first hours once this roster is last week's (published, or given with --previous)"
    ]
    assert into_next_week_lines(p, Roster(p.team.name, VERIFY_WEEK, (shift_at(p, 6, "08:00"),))) == []
    stored = roster_report(
        p, RosterResult(Roster(p.team.name, VERIFY_WEEK, (sunday_night,)), "FEASIBLE", 0.0, 0.0, 0.0, {})
    )
    assert any(
        line.startswith("into next week: 1 shift runs past the week's end, 6.0 hours")
        and line.endswith("(once published, next week's roster jobs count it)")  # the service's words
        for line in stored["report"]["lines"]
    )
    assert "Into next week: 1 shift runs past" in stored["report"]["markdown"]


def test_last_weeks_roster_is_named_with_its_shifts_running_on_into_the_week() -> None:
    p = verify_problem(verify_agent("a"))
    last_week = VERIFY_WEEK - timedelta(days=7)
    sunday_night = shift_at(p, -1, "22:00")  # Sun 14 Jun 22:00 to Mon 15 Jun 06:00, London (BST)
    assert from_last_week_lines(p) == []
    p = replace(p, previous=Roster(p.team.name, last_week, (sunday_night, shift_at(p, -2, "08:00"))))
    assert from_last_week_lines(p) == [
        "last week's roster counted: rest and days in a row across the week's start, and 1 of its shifts "
        "running on into the week (6.0 hours until Mon 06:00) as cover"
    ]


def test_hours_above_the_need_say_when_the_contracts_alone_make_them() -> None:
    from api.lead_report import _contracts_above_need

    p = verify_problem(verify_agent("a", min_hours_per_week=32.0), need={(0, 10): 1.0})
    roster = Roster(p.team.name, VERIFY_WEEK, tuple(shift_at(p, d, "08:00") for d in range(4)))
    assert _contracts_above_need(summarize(p, roster)) == (
        " (the contracts' least hours add up to 32 h, more than the 1 agent-hours the need asks)"
    )
    no_floor = verify_problem(verify_agent("a", min_hours_per_week=0.0), need={(0, 10): 1.0})
    assert _contracts_above_need(summarize(no_floor, roster)) == ""


def test_a_day_whose_contacts_are_all_due_after_the_week_says_what_its_dash_means() -> None:
    """A lead read "email Sun –" as no data, or closed: Sunday's email is due after the week ends."""
    from datetime import date, timedelta

    from api.lead_report import unmeasured_day_lines
    from scheduler.roster.report import QueueDay, RosterSummary
    from scheduler.sample import sample_team

    team = sample_team()
    week = [date(2026, 11, 2) + timedelta(days=d) for d in range(7)]
    days = [
        QueueDay("creator-email", d, 8.0, 8.0, 0.0, 100.0, None if d == week[-1] else 0.95, 0.9) for d in week
    ]
    summary = RosterSummary(
        agents=14, agents_rostered=1, shifts=2, scheduled_hours=16.0, required_agent_hours=40.0,
        understaffed_agent_hours=0.0, overstaffed_agent_hours=0.0, hours_by_agent={}, contract_by_agent={},
        shifts_by_agent={}, weekend_days_by_agent={}, late_shifts_by_agent={}, night_shifts_by_agent={},
        service_level_by_queue={"creator-email": 0.95}, target_by_queue={"creator-email": 0.9}, days=days,
    )  # fmt: skip
    email = next(q for q in team.queues if q.name == "creator-email")
    assert unmeasured_day_lines(summary, team) == [
        f"creator-email on Sun shows –: the contacts of that day are due after the week ends (within "
        f"{email.response_hours:g} h), past what this roster measures"
    ]
    quiet = replace(summary, days=[replace(d, volume=0.0) if d.day == week[-1] else d for d in days])
    assert unmeasured_day_lines(quiet, team) == []  # no contacts: nothing to explain

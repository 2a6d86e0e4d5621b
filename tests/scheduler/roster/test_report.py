"""The lead's summary of a roster: days with no need named, contract hours as the rules count them,
service measured the same whichever objective built the roster."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from scheduler.domain import AvailabilityEntry, LabourRules, Roster, ShiftRules
from scheduler.roster.report import coverage_frame, summarize
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import (
    QUICK,
    VERIFY_WEEK,
    blended_problem,
    shift_at,
    verify_agent,
    verify_problem,
)


def test_the_days_with_no_need_are_named() -> None:
    """Need on Monday to Wednesday only (a requirements file that ends early): Thursday to Sunday."""
    p = verify_problem(need={(day, 10): 1.0 for day in range(3)})
    summary = summarize(p, Roster(p.team.name, VERIFY_WEEK, ()))
    assert summary.days_without_need == [VERIFY_WEEK + timedelta(days=d) for d in range(3, 7)]


def test_a_week_with_need_every_day_names_none() -> None:
    p = verify_problem(need={(day, 10): 1.0 for day in range(7)})
    assert summarize(p, Roster(p.team.name, VERIFY_WEEK, ())).days_without_need == []


def test_the_contract_shown_is_the_one_the_checker_holds_a_roster_to() -> None:
    """Sick on Monday (paid): 36-40 h less a working day's share of the most, 8 h, from both ends;
    a roster of 28 h is within the contract for the report and the checker alike."""
    sick = AvailabilityEntry("a", "absence", on_date=VERIFY_WEEK)
    labour = LabourRules(min_rest_hours=8, max_consecutive_days=7, min_days_off_per_week=2)
    p = verify_problem(
        verify_agent(min_hours_per_week=36, max_hours_per_week=40),
        labour=labour,
        rules=ShiftRules((7.0,), 60, 6 * 60, 14 * 60),
        availability=(sick,),
    )
    shifts = tuple(shift_at(p, day, "09:00", 7.0) for day in range(1, 5))
    roster = Roster(p.team.name, VERIFY_WEEK, shifts)
    summary = summarize(p, roster)
    assert summary.contract_by_agent["a"] == p.week_hours(p.team.agents[0], 0) == (28.0, 32.0)
    assert summary.hours_by_agent["a"] == 28.0
    assert check_roster(p, shifts) == []


def test_a_headcount_roster_reports_the_async_service_the_service_level_measure_gives() -> None:
    """The objective says what a roster was built for, not how its service is measured: a roster
    built under `headcount` shows the email service level, the contacts past their deadline and
    the backlog left that measuring it under `service_level` gives."""
    p = blended_problem(objective="headcount")
    roster = solve(p, QUICK).roster
    by_service = dataclasses.replace(p, weights=dataclasses.replace(p.weights, objective="service_level"))
    report, reference = summarize(p, roster), summarize(by_service, roster)
    assert report.service_level_by_queue["email"] == reference.service_level_by_queue["email"]
    assert [d.service_level for d in report.days] == [d.service_level for d in reference.days]
    assert report.backlog_left == reference.backlog_left
    assert "email" in report.backlog_left
    assert report.short == reference.short
    email = coverage_frame(p, roster).query("queue == 'email'")
    assert email["overdue"].notna().all()
    assert (
        email["overdue"].tolist()
        == coverage_frame(by_service, roster).query("queue == 'email'")["overdue"].tolist()
    )
    assert email["overdue"].max() > 0, "the roster leaves email behind somewhere, so the test means something"


def _night_owl(starts: list[str | None], hours: float = 8.0) -> tuple[list[str], int, int]:
    """Marcus (Los Angeles) prefers 21:00-24:00 every day; `starts` are his shifts Monday on (None: a
    day off). The summary's words for him, and the working days it counted and found granted."""
    marcus = verify_agent("m", name="Marcus Lee", tz="America/Los_Angeles")
    wishes = tuple(AvailabilityEntry("m", "preferred", 21 * 60, 24 * 60, weekday=d) for d in range(7))
    p = verify_problem(marcus, availability=wishes)
    shifts = tuple(shift_at(p, day, s, hours, agent_id="m") for day, s in enumerate(starts) if s is not None)
    unmet = summarize(p, Roster(p.team.name, VERIFY_WEEK, shifts)).unmet_preferences
    return [u.words for u in unmet], sum(u.working_days for u in unmet), sum(u.granted_days for u in unmet)


def test_preferred_times_given_on_fewer_than_half_of_the_working_days_are_named() -> None:
    """Five afternoon shifts ending at 22:00 give an hour of his three evening hours a day: none granted;
    his two days off are not counted."""
    words, days, granted = _night_owl(["14:00"] * 5 + [None, None])
    assert words == [
        "Marcus Lee asked for 21:00–24:00 (America/Los_Angeles time); got none of 5 working days"
        " (no shift the rules allow gives half of that time)"  # 8-h shifts start by 14:00
    ]
    assert (days, granted) == (5, 0)


def test_a_day_whose_shift_covers_half_of_the_preferred_time_counts_as_given() -> None:
    """16:00-22:30 covers 1.5 of the 3 preferred hours: given. Two such days of four are half: not named;
    one of three is fewer: named."""
    assert _night_owl(["16:00", "16:00", "14:00", "14:00"], hours=6.5)[0] == []
    words, days, granted = _night_owl(["16:00", "14:00", "14:00"], hours=6.5)
    assert (days, granted) == (3, 1)
    assert "got 1 of 3 working days" in words[0]


def test_times_to_avoid_worked_on_most_days_are_named() -> None:
    """Maria avoids 07:00-09:00 (her commute): five 07:00 starts work in it every day; 08:30 starts
    work half an hour of it, under half: kept."""
    maria = verify_agent("m", name="Maria Santos")
    avoid = tuple(AvailabilityEntry("m", "avoid", 7 * 60, 9 * 60, weekday=d) for d in range(7))
    p = verify_problem(maria, availability=avoid, interval_minutes=30)
    early = tuple(shift_at(p, day, "07:00", agent_id="m") for day in range(5))
    (unmet,) = summarize(p, Roster(p.team.name, VERIFY_WEEK, early)).unmet_preferences
    assert unmet.words == "Maria Santos asked to avoid 07:00–09:00; works in it on 5 of 5 working days"
    assert (unmet.kind, unmet.working_days, unmet.granted_days) == ("avoid", 5, 0)
    later = tuple(shift_at(p, day, "08:30", agent_id="m") for day in range(5))
    assert summarize(p, Roster(p.team.name, VERIFY_WEEK, later)).unmet_preferences == []


def test_no_preferred_times_or_no_working_day_with_them_names_nobody() -> None:
    p = verify_problem()
    roster = Roster(p.team.name, VERIFY_WEEK, (shift_at(p, 0, "08:00"),))
    assert summarize(p, roster).unmet_preferences == []
    wish = AvailabilityEntry("a", "preferred", 8 * 60, 16 * 60, weekday=VERIFY_WEEK.weekday() + 1)
    assert summarize(dataclasses.replace(p, availability=(wish,)), roster).unmet_preferences == []


def test_a_preferred_time_no_shift_the_rules_allow_can_give_says_so() -> None:
    """Shifts start 06:00-14:00 and last 8 h: none reaches 22:00. Marcus's wish cannot be met by any
    roster, and the words say so; a wish the rules could meet does not get the remark."""
    marcus = verify_agent("m", name="Marcus Lee")
    late = tuple(AvailabilityEntry("m", "preferred", 22 * 60, 24 * 60, weekday=d) for d in range(7))
    p = verify_problem(marcus, availability=late)
    shifts = tuple(shift_at(p, day, "08:00", agent_id="m") for day in range(5))
    (unmet,) = summarize(p, Roster(p.team.name, VERIFY_WEEK, shifts)).unmet_preferences
    assert unmet.words.endswith(
        "got none of 5 working days (no shift the rules allow gives half of that time)"
    )
    evening = tuple(AvailabilityEntry("m", "preferred", 18 * 60, 22 * 60, weekday=d) for d in range(7))
    q = verify_problem(marcus, availability=evening)
    (unmet,) = summarize(q, Roster(q.team.name, VERIFY_WEEK, shifts)).unmet_preferences
    assert unmet.words.endswith("got none of 5 working days")

"""A shown roster version against the availability stored now: the conflicts the page marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api.service.roster_checks import conflicts
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, Roster, Shift, ShiftRules, Team

MON = date(2026, 11, 2)  # London on GMT: local times are UTC


def _team() -> Team:
    agent = Agent("a1", "Ann", "Europe/London", ("chat",), 32, 40)
    return Team(
        "Desk", "Europe/London", (QueueSpec("chat", "chat"),), (agent,), 60, 0.0,
        ShiftRules((8.0,), 60, 9 * 60, 9 * 60), LabourRules(11.0, 6, 2),
    )  # fmt: skip


def _shift(day: int, hours: int = 8) -> Shift:
    start = datetime(2026, 11, 2 + day, 9, tzinfo=UTC)
    return Shift("a1", MON + timedelta(days=day), start, start + timedelta(hours=hours), "chat")


def test_a_version_with_a_shift_a_sick_call_ended_shows_no_conflict() -> None:
    """Ann was sent home at 13:00 on Wednesday and the re-roster cut her shift there: 4 h worked and the
    rest of the day paid as sick, 36 h in all against 40 less 4. The page must not call it 36 h above
    32 (a whole sick day off the contract) nor a 4-hour shift a length the rules do not allow."""
    ill = (AvailabilityEntry("a1", "absence", start_minute=13 * 60, on_date=MON + timedelta(days=2)),)
    version = Roster("Desk", MON, (_shift(0), _shift(1), _shift(2, hours=4), _shift(3), _shift(4)))
    assert conflicts(_team(), version, ill) == []


def test_a_sick_day_entered_after_the_roster_is_still_a_conflict() -> None:
    """A whole day's sick call over a shift still in the version shown is marked, as before."""
    sick = (AvailabilityEntry("a1", "absence", on_date=MON + timedelta(days=2)),)
    version = Roster("Desk", MON, tuple(_shift(d) for d in range(5)))
    marked = conflicts(_team(), version, sick)
    assert {c.rule for c in marked} >= {"availability"}
    assert all(c.rule != "locked" for c in marked)

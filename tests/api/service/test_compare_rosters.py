"""What changed between two roster versions, as the page's Compare and publish dialog count it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api.service.rostering import change_dicts, compare_rosters
from scheduler import Roster, Shift
from scheduler.domain import QueueSpan
from scheduler.sample import sample_team

MON = date(2026, 11, 2)


def shift(agent_id: str, day: int, hour: int, queue: str, *work: tuple[str, int, int]) -> Shift:
    """A 8-hour shift on day `day` of the week from `hour`:00 Phoenix time (UTC-7), on `queue`, or on
    the stretches `work` (queue, first hour, last hour)."""
    start = datetime(2026, 11, 2 + day, hour + 7, tzinfo=UTC)
    spans = tuple(
        QueueSpan(q, start + timedelta(hours=a - hour), start + timedelta(hours=b - hour)) for q, a, b in work
    )
    return Shift(agent_id, MON + timedelta(days=day), start, start + timedelta(hours=8), queue, work=spans)


def test_a_shift_on_other_queues_is_a_change_as_much_as_one_moved() -> None:
    """Maya keeps her Friday's hours but works chat all day instead of email, then chat, then email:
    the lead must tell her, so Compare counts it, words it and does not call it unchanged."""
    team = sample_team()
    mixed = shift(
        "a01",
        4,
        8,
        "creator-email",
        ("creator-email", 8, 11),
        ("creator-chat", 11, 13),
        ("creator-email", 13, 16),
    )
    before = Roster(
        team.name, MON, (mixed, shift("a02", 0, 8, "creator-chat"), shift("a03", 1, 8, "creator-email"))
    )
    after = Roster(
        team.name,
        MON,
        (shift("a01", 4, 8, "creator-chat"), shift("a02", 0, 10, "creator-chat"), before.shifts[2]),
    )
    compared = compare_rosters(before, after, team)
    assert compared["unchanged"] == 1
    assert (len(compared["changed"]), len(compared["requeued"])) == (1, 1)
    assert compared["changes"] == [
        "Maya Lopez, Fri 06 Nov, 08:00–16:00: creator-email 08:00–11:00, creator-chat 11:00–13:00, "
        "creator-email 13:00–16:00 → creator-chat 08:00–16:00",
        "Jonah Baker, Mon 02 Nov: 08:00–16:00 creator-chat → 10:00–18:00 creator-chat",
    ]
    kinds = [(c["agent_id"], c["kind"]) for c in change_dicts(before, after, team)]
    assert kinds == [("a01", "requeued"), ("a02", "moved")]
    same = compare_rosters(before, before, team)
    assert (same["changes"], same["unchanged"]) == ([], 3)

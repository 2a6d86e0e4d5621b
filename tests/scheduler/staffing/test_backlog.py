"""The async backlog model: deadlines, closed hours, carry-over, checked against a FIFO simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import InvalidInput
from scheduler.staffing.backlog import (
    async_metrics,
    async_outcome,
    async_required,
    deadline_intervals,
    tail_due_work,
)

INTERVAL_S = 900.0
# Volumes are 0 or at least a hundredth of a contact: the cumulative sums work in agent-seconds, so
# amounts around 1e-40 contacts vanish in rounding (and mean nothing to a planner).
volumes = st.one_of(st.just(0.0), st.floats(0.01, 40.0))


def _fifo_on_time_shares(
    agents: np.ndarray, volume: np.ndarray, aht: float, deadline: int, occupancy: float
) -> list[float | None]:
    """Independent oracle: simulate cohorts oldest first, interval by interval; share of each on time."""
    queue: list[list[float]] = []  # [cohort, contacts left]
    done_by = [0.0] * len(volume)
    shares: list[float | None] = []
    for t, arrivals in enumerate(volume):
        if arrivals > 0:
            queue.append([t, float(arrivals)])
        capacity = agents[t] * occupancy * INTERVAL_S / aht  # contacts this interval
        while queue and capacity > 1e-12:
            cohort, left = queue[0]
            take = min(left, capacity)
            capacity -= take
            queue[0][1] -= take
            if t <= int(cohort) + deadline - 1:
                done_by[int(cohort)] += take
            if queue[0][1] <= 1e-12:
                queue.pop(0)
    for u, arrivals in enumerate(volume):
        due_inside = u + deadline - 1 < len(volume)
        shares.append(done_by[u] / arrivals if arrivals > 0 and due_inside else None)
    return shares


@settings(max_examples=30, deadline=None)
@given(
    st.lists(volumes, min_size=4, max_size=60),
    st.floats(0.25, 6.0),
    st.sampled_from([0.8, 0.9, 1.0]),
    st.floats(0.7, 1.0),
    st.floats(120.0, 900.0),
)
def test_staffed_as_computed_no_work_misses_its_deadline(
    volume_list: list[float], response_hours: float, sl: float, occupancy: float, aht: float
) -> None:
    volume = np.array(volume_list)
    req = async_required(
        volume,
        aht,
        interval_s=INTERVAL_S,
        response_hours=response_hours,
        service_level=sl,
        max_occupancy=occupancy,
    )
    d = deadline_intervals(response_hours, INTERVAL_S)
    for share in _fifo_on_time_shares(req.agents, volume, aht, d, occupancy):
        assert share is None or share >= sl - 1e-6
    # The fluid requirement meets the same targets in the model's own metrics.
    m = async_metrics(
        req.agents, volume, aht, interval_s=INTERVAL_S, response_hours=response_hours, max_occupancy=occupancy
    )
    assert np.all(np.isnan(m.service_level) | (m.service_level >= sl - 1e-6))
    np.testing.assert_allclose(m.backlog_contacts, req.backlog_contacts, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(volumes, st.booleans()), min_size=4, max_size=60), st.floats(1.0, 8.0))
def test_closed_hours_carry_backlog_and_keep_deadlines(
    rows: list[tuple[float, bool]], response_hours: float
) -> None:
    volume = np.array([v for v, _ in rows])
    is_open = np.array([o for _, o in rows])
    req = async_required(
        volume, 300.0, interval_s=INTERVAL_S, response_hours=response_hours, open_intervals=is_open
    )
    assert (req.agents[~is_open] == 0).all()
    assert (req.agents_fractional[~is_open] == 0).all()
    d = deadline_intervals(response_hours, INTERVAL_S)
    shares = _fifo_on_time_shares(req.agents, volume, 300.0, d, 1.0)
    for u, share in enumerate(shares):
        if share is not None:
            # Only contacts that cannot be on time whatever the staffing may be late.
            assert share * volume[u] >= volume[u] - req.late_contacts[u] - 1e-6


def test_email_worked_within_the_deadline_at_the_latest() -> None:
    volume = np.zeros(12)
    volume[0] = 9.0  # 9 emails of 10 minutes, 1 hour to answer
    req = async_required(volume, 600.0, interval_s=INTERVAL_S, response_hours=1.0)
    assert req.deadline_intervals == 4
    assert req.agents_fractional.sum() == pytest.approx(9 * 600 / INTERVAL_S)
    assert req.agents.tolist()[:4] == [0, 0, 0, 6]
    assert req.backlog_contacts[:3].tolist() == [9.0, 9.0, 9.0]
    assert req.backlog_contacts[3] == 0.0


def test_work_due_while_closed_is_done_before_closing() -> None:
    volume = np.array([8.0, 0, 0, 0, 0, 0])
    is_open = np.array([True, True, False, False, False, True])
    req = async_required(volume, 450.0, interval_s=INTERVAL_S, response_hours=1.0, open_intervals=is_open)
    assert req.agents.tolist() == [0, 4, 0, 0, 0, 0]
    assert req.late_contacts.sum() == 0


def test_contacts_arriving_and_due_while_closed_are_reported_late() -> None:
    volume = np.array([0.0, 5.0, 0, 0, 0, 0, 0])
    is_open = np.array([True, False, False, False, False, False, True])
    req = async_required(volume, 300.0, interval_s=INTERVAL_S, response_hours=1.0, open_intervals=is_open)
    assert req.late_contacts[1] == pytest.approx(5.0)
    assert req.agents[6] >= 1


def test_contacts_carried_in_are_staffed_by_their_deadlines() -> None:
    """Three contacts waiting at the start, due by the end of intervals 0 and 2: worked by then."""
    carried = np.array([1.0, 0.0, 2.0, 0.0])
    req = async_required(
        np.zeros(4), 900.0, interval_s=INTERVAL_S, response_hours=1.0, carried_in_contacts=carried
    )
    assert req.agents.tolist() == [1, 0, 2, 0]
    assert req.agents_fractional.sum() == pytest.approx(3.0)


def test_variants_run_side_by_side() -> None:
    volume = np.array([[5.0, 0, 3, 0, 0, 0], [10.0, 0, 6, 0, 0, 0]])
    both = async_required(volume, 300.0, interval_s=INTERVAL_S, response_hours=0.5)
    for row in range(2):
        alone = async_required(volume[row], 300.0, interval_s=INTERVAL_S, response_hours=0.5)
        assert both.agents[row].tolist() == alone.agents.tolist()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"response_hours": 0.0}, "response_hours"),
        ({"service_level": 0.0}, "service_level"),
        ({"service_level": 1.5}, "service_level"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
    ],
)
def test_bad_async_parameters_raise(kwargs: dict[str, float], message: str) -> None:
    args: dict[str, float] = {"response_hours": 4.0, "service_level": 0.9}
    args.update(kwargs)
    with pytest.raises(InvalidInput, match=message):
        async_required([1.0, 2.0], 300.0, interval_s=INTERVAL_S, **args)


def test_negative_volume_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="volume"):
        async_required([1.0, -2.0], 300.0, interval_s=INTERVAL_S, response_hours=4.0)


@pytest.mark.parametrize("service_level", [0.8, 1.0])
@pytest.mark.parametrize("first", [0, 1, 40, 95])
def test_more_capacity_from_an_interval_on_is_what_the_backlog_would_do_with_it(
    service_level: float, first: int
) -> None:
    """Capacity added from interval `first` on, for many rows at once, leaves the overdue work that
    working the week again with that capacity would."""
    rng = np.random.default_rng(3)
    n = 96
    volume, aht = rng.uniform(0, 6, n), rng.uniform(200, 400, n)
    carried = np.zeros(n)
    carried[:4] = 3.0
    capacity = rng.uniform(0, 1.5, n) * 900 * 0.9
    kwargs = {"interval_s": 900.0, "response_hours": 4.0, "service_level": service_level}
    now = async_outcome(capacity, volume, aht, carried_in_contacts=carried, **kwargs)
    more = np.zeros((5, n))
    for row in range(5):
        more[row, first + row : first + row + 8] = rng.uniform(
            0, 900, len(range(first + row, min(n, first + row + 8)))
        )
    found = now.overdue_with_more(more[:, first:], first)
    stop = first + 24  # and over the intervals of a span only
    found_in_span = now.overdue_with_more(more[:, first:stop], first)
    for row in range(5):
        again = async_outcome(capacity + more[row], volume, aht, carried_in_contacts=carried, **kwargs)
        assert found[row] == pytest.approx(again.overdue_work_s[first:].sum(), rel=1e-9, abs=1e-6)
        # every row's capacity is within the span
        assert found_in_span[row] == pytest.approx(again.overdue_work_s[first:stop].sum(), rel=1e-9, abs=1e-6)


def test_what_is_left_when_the_horizon_ends_is_late_after_it_until_done() -> None:
    """A contact in the last interval, due within 4 intervals (1 h on a 15-min grid), left undone:
    due by the end of the third interval after the horizon, so past its deadline in the last two
    of the four counted there; done, nothing is late after the horizon."""
    volume, aht = np.array([0.0, 0.0, 0.0, 1.0]), np.full(4, 600.0)
    kwargs = {"interval_s": INTERVAL_S, "response_hours": 1.0}
    tail = tail_due_work(volume, aht, **kwargs)
    assert tail.tolist() == [0.0, 0.0, 600.0, 600.0]
    left = async_outcome(np.zeros(4), volume, aht, tail_due_work_s=tail, **kwargs)
    assert float(left.tail_overdue_s) == pytest.approx(1200.0)
    assert left.overdue_work_s.sum() == 0.0  # nothing was due inside the horizon
    done = async_outcome(np.array([0.0, 0.0, 0.0, 600.0]), volume, aht, tail_due_work_s=tail, **kwargs)
    assert float(done.tail_overdue_s) == 0.0
    # one more agent-second in the last interval cuts a second in each of those two intervals
    assert left.saving(1.0)[-1] == pytest.approx(2.0)
    # without the tail, as before: nothing after the horizon
    assert float(async_outcome(np.zeros(4), volume, aht, **kwargs).tail_overdue_s) == 0.0


def test_the_tail_holds_every_cohort_and_the_carried_in_work() -> None:
    rng = np.random.default_rng(5)
    n = 96
    volume, aht = rng.uniform(0, 6, n), rng.uniform(200, 400, n)
    carried = np.zeros(n)
    carried[:4] = 3.0
    tail = tail_due_work(volume, aht, interval_s=900.0, response_hours=4.0, carried_in_contacts=carried)
    assert tail.size == deadline_intervals(4.0, 900.0)
    assert tail[-1] == pytest.approx(float((volume * aht).sum() + (carried * aht).sum()))
    assert np.all(np.diff(tail) >= 0)


@pytest.mark.parametrize("first", [0, 40, 80])
def test_more_capacity_to_the_horizons_end_cuts_what_is_late_after_it(first: int) -> None:
    """Capacity added from `first` to the end leaves the overdue work, in the horizon and after it,
    that working the week again with it would; and `saving` of the last interval is what one more
    agent-second there cuts."""
    rng = np.random.default_rng(7)
    n = 96
    volume, aht = rng.uniform(0, 6, n), rng.uniform(200, 400, n)
    capacity = rng.uniform(0, 1.2, n) * 900 * 0.9
    kwargs = {"interval_s": 900.0, "response_hours": 4.0, "service_level": 0.9}
    tail = tail_due_work(volume, aht, **kwargs)
    now = async_outcome(capacity, volume, aht, tail_due_work_s=tail, **kwargs)
    assert float(now.tail_overdue_s) > 0  # the test is about work left at the end
    more = rng.uniform(0, 300, (4, n - first))
    found = now.overdue_with_more(more, first)
    for row in range(4):
        extra = np.zeros(n)
        extra[first:] = more[row]
        again = async_outcome(capacity + extra, volume, aht, tail_due_work_s=tail, **kwargs)
        expected = again.overdue_work_s[first:].sum() + float(again.tail_overdue_s)
        assert found[row] == pytest.approx(expected, rel=1e-9, abs=1e-6)
    last = np.zeros(n)
    last[-1] = 1.0
    again = async_outcome(capacity + last, volume, aht, tail_due_work_s=tail, **kwargs)
    cut = (
        now.overdue_work_s.sum()
        + float(now.tail_overdue_s)
        - again.overdue_work_s.sum()
        - float(again.tail_overdue_s)
    )
    assert now.saving(1.0)[-1] == pytest.approx(cut, rel=1e-6)

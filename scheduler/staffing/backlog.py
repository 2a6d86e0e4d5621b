"""Async queues (email, social): staffing to a response-time target with a backlog, no Erlang.

The model is a FIFO fluid queue measured in work (agent-seconds), vectorised over intervals. Arrays
are `(intervals,)` or `(series, intervals)`: one row per queue or what-if variant, time on the last axis.

- Contacts arriving in interval `u` (the *cohort* `u`) bring `volume[u] * aht_s[u]` agent-seconds of
  work and are due by the end of interval `u + d - 1`, with `d = floor(response_hours * 3600 / interval_s)`
  (at least 1): counted from the start of their arrival interval, which is conservative for contacts that
  arrive later in it. The deadline clock runs in calendar time, closed hours included.
- A share `service_level` of every cohort must be answered by its deadline (`1.0` means all of it). Work
  is done oldest first, so the target reads: by the end of interval `t`, all cohorts before `t - d + 1`
  and `service_level` of cohort `t - d + 1` are done.
- An agent on the queue for one interval works `max_occupancy * interval_s` agent-seconds, and only on
  contacts that have already arrived. Closed intervals (`open_intervals` False) do no work; what falls
  due while closed is worked in the open intervals before. Backlog carries across intervals and closed
  hours. Work that arrives and falls due inside the same closed stretch cannot be on time; it is
  reported as `late_contacts` and worked as soon as the queue opens.
- Requirement ("latest" policy): each interval staffs just enough to clear what falls due before the
  next open interval, so the requirement is the least work that must be done by each instant; a roster
  that covers more simply works ahead. `agents_fractional` is that fluid requirement; `agents` are whole
  agents found by walking forward and rounding up, crediting the surplus of a rounded-up interval to
  the next ones (but never beyond the work that has arrived).
- `carried_in_contacts` are contacts waiting when the horizon starts (they arrived before it), by
  the interval at whose end they fall due: oldest, so worked first. They are carried into the
  week's first intervals by `carried_in` from the arrivals before the week, or given.
- The horizon ends with the work that is not yet due still in the backlog (`backlog_contacts`).
  `async_outcome` can also count what is still waiting then as late after the horizon, until
  each of its cohorts' deadlines and for `deadline` intervals more (`tail_due_work`): a roster
  is not free to leave its last day's contacts for next week.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from common.errors import InvalidInput
from scheduler.staffing.erlang import (
    FloatArray,
    IntArray,
    check_nonnegative,
    check_positive,
    check_share,
)

_ROUNDING_SLACK = 1e-9
"""Relative slack before rounding a requirement up, so that 3.0000000001 agents count as 3."""


@dataclass(frozen=True)
class AsyncRequirement:
    """Agents needed per interval on an async queue and the backlog they leave (shape of the input).

    `backlog_contacts` is what waits at the end of each interval when staffed with `agents`;
    `backlog_contacts_fractional` the same with `agents_fractional`. `late_contacts` counts contacts per
    arrival interval that cannot meet the deadline whatever the staffing (they arrive and fall due while
    the queue is closed). `deadline_intervals` is `d` of the module docstring.
    """

    agents: IntArray
    agents_fractional: FloatArray
    backlog_contacts: FloatArray
    backlog_contacts_fractional: FloatArray
    late_contacts: FloatArray
    deadline_intervals: int


@dataclass(frozen=True)
class AsyncMetrics:
    """What given agents achieve on an async queue, per interval.

    `service_level[u]` is the share of cohort `u` answered by its deadline; NaN where the cohort is empty
    or its deadline lies beyond the horizon. `occupancy` is work done over agent time available (0 where
    no agent). `backlog_contacts` waits at the end of each interval.
    """

    service_level: FloatArray
    backlog_contacts: FloatArray
    occupancy: FloatArray
    deadline_intervals: int
    carried_in_on_time: FloatArray  # share of the carried-in contacts done by their deadline (per series)


@dataclass(frozen=True)
class _Inputs:
    volume: FloatArray
    work_s: FloatArray
    arrived_work_s: FloatArray  # cumulative by each interval's end, the carried-in work first
    arrived_contacts: FloatArray
    carried_due_work_s: FloatArray  # cumulative carried-in work due by each interval's end
    capacity_s: FloatArray
    deadline: int


def deadline_intervals(response_hours: float, interval_s: float) -> int:
    """Whole intervals within which a cohort must be answered (at least 1)."""
    if not response_hours > 0:
        raise InvalidInput(f"response_hours must be more than zero, got {response_hours:g}")
    return max(1, int(np.floor(response_hours * 3600.0 / interval_s + _ROUNDING_SLACK)))


def _inputs(
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    response_hours: float,
    max_occupancy: float,
    carried_in_contacts: npt.ArrayLike,
) -> _Inputs:
    vol = check_nonnegative(volume, "volume")
    if vol.ndim not in (1, 2):
        raise InvalidInput("volume must be one series of intervals or a 2-D array (series x intervals)")
    vol = np.array(vol, dtype=np.float64)
    aht = np.broadcast_to(check_positive(aht_s, "aht_s"), vol.shape)
    interval = float(check_positive(interval_s, "interval_s"))
    cap = float(check_share(max_occupancy, "max_occupancy", allow_one=True))
    carried = np.broadcast_to(check_nonnegative(carried_in_contacts, "carried_in_contacts"), vol.shape)
    work = vol * aht
    carried_work = np.cumsum(carried * aht, axis=-1)
    carried_total = carried_work[..., -1:] if vol.shape[-1] else np.zeros((*vol.shape[:-1], 1))
    return _Inputs(
        volume=vol,
        work_s=work,
        arrived_work_s=carried_total + np.cumsum(work, axis=-1),
        arrived_contacts=carried.sum(axis=-1, keepdims=True) + np.cumsum(vol, axis=-1),
        carried_due_work_s=carried_work,
        capacity_s=np.asarray(cap * interval),
        deadline=deadline_intervals(response_hours, interval),
    )


def work_due(inp: _Inputs, service_level: float) -> FloatArray:
    """Work that must be done by each interval's end: the carried-in work due by then, and
    `service_level` of each cohort whose deadline has come (all of the cohorts before it)."""
    d = inp.deadline
    week = inp.arrived_work_s - inp.arrived_work_s[..., :1] + inp.work_s[..., :1]  # this horizon's arrivals
    return np.asarray(
        inp.carried_due_work_s
        + service_level * _shifted(week, d - 1)
        + (1.0 - service_level) * _shifted(week, d),
        dtype=np.float64,
    )


def _shifted(x: FloatArray, by: int) -> FloatArray:
    """`x[..., t - by]` along the last axis, 0 before the start."""
    out = np.zeros_like(x)
    if by < x.shape[-1]:
        out[..., by:] = x[..., : x.shape[-1] - by]
    return out


def _contacts_done(done_work_s: FloatArray, inp: _Inputs) -> FloatArray:
    """Contacts completed, oldest first, once `done_work_s` agent-seconds of work are done."""
    flat_done = np.atleast_2d(done_work_s)
    flat_work = np.atleast_2d(inp.arrived_work_s)
    flat_count = np.atleast_2d(inp.arrived_contacts)
    out = np.empty_like(flat_done)
    for row in range(flat_done.shape[0]):  # rows are series (queues, variants), not intervals
        xp = np.concatenate(([0.0], flat_work[row]))
        fp = np.concatenate(([0.0], flat_count[row]))
        out[row] = np.interp(flat_done[row], xp, fp)
    return out.reshape(done_work_s.shape)


def _share_on_time(done_work_s: FloatArray, inp: _Inputs) -> FloatArray:
    """Share of each cohort done by its deadline, `done_work_s` being the work done by each interval end.

    NaN for empty cohorts and for cohorts whose deadline lies beyond the horizon.
    """
    d = inp.deadline
    size = inp.volume.shape[-1]
    done_by_deadline = np.full(inp.volume.shape, np.nan)
    if d - 1 < size:
        done_by_deadline[..., : size - d + 1] = done_work_s[..., d - 1 :]
    before = inp.arrived_work_s - inp.work_s  # the work ahead of each cohort, carried-in work first
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip((done_by_deadline - before) / inp.work_s, 0.0, 1.0)
    return np.asarray(np.where(inp.work_s > 0, share, np.nan), dtype=np.float64)


def async_required(
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    response_hours: float,
    service_level: float = 1.0,
    max_occupancy: float = 1.0,
    open_intervals: npt.ArrayLike | None = None,
    carried_in_contacts: npt.ArrayLike = 0.0,
) -> AsyncRequirement:
    """Agents per interval so that `service_level` of every cohort is answered within `response_hours`.

    Args:
        volume: contacts arriving per interval, `(intervals,)` or `(series, intervals)`.
        aht_s: handle time per contact, broadcast against `volume`.
        interval_s: interval length in seconds.
        response_hours: the response-time target.
        service_level: share of each cohort answered within the target, in (0, 1].
        max_occupancy: share of an agent's time spent on contacts, in (0, 1].
        open_intervals: booleans along the last axis; closed intervals get no agents. Default: all open.
        carried_in_contacts: contacts already waiting at the start, by the interval they fall due
            (the shape of `volume`, or broadcast to it).

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    sl = float(check_share(service_level, "service_level", allow_one=True))
    inp = _inputs(volume, aht_s, interval_s, response_hours, max_occupancy, carried_in_contacts)
    shape = inp.volume.shape
    size = shape[-1]
    is_open = (
        np.ones(shape, dtype=bool)
        if open_intervals is None
        else np.broadcast_to(np.asarray(open_intervals, dtype=bool), shape)
    )
    arrived = inp.arrived_work_s
    due = work_due(inp, sl)

    # Work due by the end of t must be done by the last open interval <= t: pull every due amount back
    # to the open interval before its closed stretch (a reverse running max over "next open - 1").
    index = np.broadcast_to(np.arange(size), shape)
    next_open = np.minimum.accumulate(np.where(is_open, index, size)[..., ::-1], axis=-1)[..., ::-1]
    next_open_after = np.concatenate((next_open[..., 1:], np.full((*shape[:-1], 1), size)), axis=-1)
    latest = np.take_along_axis(due, next_open_after - 1, axis=-1)
    last_open = np.maximum.accumulate(np.where(is_open, index, -1), axis=-1)
    workable = np.where(last_open >= 0, np.take_along_axis(arrived, np.maximum(last_open, 0), axis=-1), 0.0)
    must_be_done = np.minimum(latest, workable)
    # Contacts of a cohort beyond what could be done by its deadline even with unlimited agents.
    best_share = _share_on_time(workable, inp)
    late_contacts = np.where(np.isnan(best_share), 0.0, inp.volume * (1.0 - np.nan_to_num(best_share)))

    done_fluid = must_be_done
    fractional = np.diff(done_fluid, axis=-1, prepend=0.0) / inp.capacity_s

    # Whole agents: walk forward, rounding each interval up; the surplus carries over, capped by the work
    # that has arrived. The carry makes this a recursion in time; it is vectorised over series.
    work_done = np.zeros(shape[:-1])
    agents = np.zeros(shape, dtype=np.int64)
    done_whole = np.empty(shape)
    cap_s = float(inp.capacity_s)
    for t in range(size):
        need = np.maximum(must_be_done[..., t] - work_done, 0.0) / cap_s
        count = np.ceil(need * (1.0 - _ROUNDING_SLACK))
        count = np.where(is_open[..., t], np.maximum(count, 0.0), 0.0)
        agents[..., t] = count
        work_done = np.minimum(arrived[..., t], work_done + count * cap_s)
        done_whole[..., t] = work_done

    return AsyncRequirement(
        agents=agents,
        agents_fractional=np.maximum(fractional, 0.0),
        backlog_contacts=np.maximum(inp.arrived_contacts - _contacts_done(done_whole, inp), 0.0),
        backlog_contacts_fractional=np.maximum(inp.arrived_contacts - _contacts_done(done_fluid, inp), 0.0),
        late_contacts=np.maximum(late_contacts, 0.0),
        deadline_intervals=inp.deadline,
    )


def async_metrics(
    agents: npt.ArrayLike,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    response_hours: float,
    max_occupancy: float = 1.0,
    carried_in_contacts: npt.ArrayLike = 0.0,
) -> AsyncMetrics:
    """Service level per cohort, backlog and occupancy that `agents` per interval achieve (FIFO).

    Completed work is `min over s <= t of (arrived(s) + capacity(s+1..t))`, the fluid queue with
    capacity `agents * max_occupancy * interval_s` per interval, computed with running sums and minima.

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    inp = _inputs(volume, aht_s, interval_s, response_hours, max_occupancy, carried_in_contacts)
    shape = inp.volume.shape
    # agent time is what works a backlog, so fractional (expected) agents are meaningful here
    n = np.broadcast_to(check_nonnegative(agents, "agents"), shape).astype(np.float64)
    capacity = np.cumsum(n * inp.capacity_s, axis=-1)
    slack = np.minimum.accumulate(inp.arrived_work_s - capacity, axis=-1)
    done = capacity + np.minimum(slack, 0.0)
    share = _share_on_time(done, inp)
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = np.diff(done, axis=-1, prepend=0.0)
        occupancy = np.where(n > 0, busy / (n * float(interval_s)), 0.0)
    return AsyncMetrics(
        service_level=share,
        backlog_contacts=np.maximum(inp.arrived_contacts - _contacts_done(done, inp), 0.0),
        occupancy=occupancy,
        deadline_intervals=inp.deadline,
        carried_in_on_time=_carried_on_time(done, inp),
    )


def _carried_on_time(done_work_s: FloatArray, inp: _Inputs) -> FloatArray:
    """The share of the carried-in work done by its deadline (oldest first; NaN where none)."""
    due = inp.carried_due_work_s
    due_before = _shifted(due, 1)
    on_time = np.clip(done_work_s - due_before, 0.0, due - due_before).sum(axis=-1)
    total = due[..., -1] if due.shape[-1] else np.zeros(due.shape[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(total > 0, on_time / total, np.nan), dtype=np.float64)


@dataclass(frozen=True)
class AsyncOutcome:
    """How the backlog runs with given capacity: per interval end, the work done so far, the work
    due by then and the work past its deadline (agent-seconds), and the value of capacity."""

    done_work_s: FloatArray  # cumulative
    due_work_s: FloatArray  # cumulative
    overdue_work_s: FloatArray  # due but not done, at each interval's end
    # intervals whose overdue work one more agent-second in this interval would cut: those from it
    # until the backlog next runs dry (an agent-second there can only work what has arrived)
    capacity_value: FloatArray
    next_dry: npt.NDArray[np.int64]  # the first interval from each one where the backlog runs dry
    arrived_work_s: FloatArray  # cumulative, the carried-in work first
    capacity_done_s: FloatArray  # cumulative capacity (what could have been done with work enough)
    # cumulative work due by the end of each interval after the horizon, where nothing more is
    # done: what is left then is past its deadline there (empty: nothing counted after the horizon)
    tail_due_work_s: FloatArray

    @functools.cached_property
    def tail_overdue_s(self) -> FloatArray:
        """The work past its deadline summed over the intervals after the horizon (per series)."""
        return self._tail_overdue(self.done_work_s[..., -1:])

    def _tail_overdue(self, done_end_s: FloatArray) -> FloatArray:
        """`tail_overdue_s` had the horizon ended with `done_end_s` ((..., 1)) done."""
        return np.asarray(np.maximum(self.tail_due_work_s - done_end_s, 0.0).sum(axis=-1), dtype=np.float64)

    def overdue_with_more(self, more_s: FloatArray, first: int) -> FloatArray:
        """The work past its deadline, summed over the intervals `more_s` spans from `first` on (and
        after the horizon when they reach its end), with `more_s[b]` more agent-seconds of capacity
        in each of them, for each row b of `more_s` ((rows, intervals spanned)); the intervals
        before `first` as they are (one series only)."""
        before = self.capacity_done_s[first - 1] if first > 0 else 0.0
        # the capacity that found no work before `first` (zero or less)
        idle = self.done_work_s[first - 1] - before if first > 0 else 0.0
        stop = first + more_s.shape[-1]
        capacity = before + np.cumsum(self._capacity_s[first:stop] + more_s, axis=-1)
        done = _work_done(self.arrived_work_s[first:stop], capacity, idle)
        overdue = np.maximum(self.due_work_s[first:stop] - done, 0.0).sum(axis=-1)
        if stop == self.done_work_s.shape[-1] and done.shape[-1]:
            overdue = overdue + self._tail_overdue(done[..., -1:])
        return np.asarray(overdue, dtype=np.float64)

    @functools.cached_property
    def _capacity_s(self) -> FloatArray:
        """Capacity per interval."""
        return np.diff(self.capacity_done_s, prepend=0.0)

    def saving(self, extra_s: float) -> FloatArray:
        """Per interval, the overdue work-intervals (agent-seconds at each later interval's end) that
        `extra_s` more agent-seconds of capacity in that interval alone would cut: at each later
        interval until the backlog runs dry, as much of its overdue work as the extra could do."""
        cut = np.minimum(extra_s, self.overdue_work_s)
        before = np.concatenate([np.zeros((*cut.shape[:-1], 1)), np.cumsum(cut, axis=-1)], axis=-1)
        index = np.broadcast_to(np.arange(cut.shape[-1]), cut.shape)
        within = np.take_along_axis(before, self.next_dry + 1, axis=-1) - np.take_along_axis(
            before, index, axis=-1
        )
        # capacity in an interval from which the backlog never runs dry also cuts what is past its
        # deadline after the horizon
        wet_end = self.done_work_s[..., -1:] < self.arrived_work_s[..., -1:] - 1e-9
        overdue_after = np.maximum(self.tail_due_work_s - self.done_work_s[..., -1:], 0.0)
        after = np.minimum(extra_s, overdue_after).sum(axis=-1, keepdims=True)
        reaches_end = (self.next_dry == cut.shape[-1] - 1) & wet_end
        return np.asarray(within + np.where(reaches_end, after, 0.0), dtype=np.float64)


def async_outcome(
    capacity_s: npt.ArrayLike,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    response_hours: float,
    service_level: float = 1.0,
    carried_in_contacts: npt.ArrayLike = 0.0,
    tail_due_work_s: npt.ArrayLike | None = None,
) -> AsyncOutcome:
    """The backlog worked oldest first with `capacity_s` agent-seconds of work per interval (agents on
    the queue times their occupancy cap, plus what blended agents give), against the target of
    answering `service_level` of every cohort within `response_hours`; with `tail_due_work_s`
    (`tail_due_work` of the same inputs), what is left when the horizon ends is also past its
    deadline in the intervals after it.

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    sl = float(check_share(service_level, "service_level", allow_one=True))
    inp = _inputs(volume, aht_s, interval_s, response_hours, 1.0, carried_in_contacts)
    capacity = np.cumsum(
        np.broadcast_to(check_nonnegative(capacity_s, "capacity_s"), inp.volume.shape), axis=-1
    )
    done = _work_done(inp.arrived_work_s, capacity)
    due = work_due(inp, sl)
    overdue = np.maximum(due - done, 0.0)
    # the backlog runs dry where all that has arrived is done; capacity before then carries on
    dry = done >= inp.arrived_work_s - 1e-9
    late = (overdue > 1e-9).astype(np.float64)
    size = late.shape[-1]
    index = np.broadcast_to(np.arange(size), late.shape)
    next_dry = np.minimum.accumulate(np.where(dry, index, size - 1)[..., ::-1], axis=-1)[..., ::-1]
    late_before = np.concatenate([np.zeros((*late.shape[:-1], 1)), np.cumsum(late, axis=-1)], axis=-1)
    value = np.take_along_axis(late_before, next_dry + 1, axis=-1) - late_before[..., :-1]
    return AsyncOutcome(
        done,
        due,
        overdue,
        np.asarray(value, dtype=np.float64),
        next_dry.astype(np.int64),
        np.broadcast_to(inp.arrived_work_s, done.shape),
        capacity,
        np.zeros((*done.shape[:-1], 0))
        if tail_due_work_s is None
        else np.asarray(tail_due_work_s, dtype=float),
    )


def tail_due_work(
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    response_hours: float,
    service_level: float = 1.0,
    carried_in_contacts: npt.ArrayLike = 0.0,
) -> FloatArray:
    """Cumulative work due by the end of each interval after the horizon until the last of its
    cohorts is due (`deadline_intervals` of them; nothing more arrives): what `async_outcome`
    counts as past its deadline there when it is still waiting as the horizon ends.

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    sl = float(check_share(service_level, "service_level", allow_one=True))
    vol = check_nonnegative(volume, "volume")
    tail = deadline_intervals(response_hours, float(check_positive(interval_s, "interval_s")))
    shape = np.shape(vol)
    widths = [(0, 0)] * (len(shape) - 1) + [(0, tail)]
    aht = np.broadcast_to(check_positive(aht_s, "aht_s"), shape)
    carried = np.broadcast_to(check_nonnegative(carried_in_contacts, "carried_in_contacts"), shape)
    inp = _inputs(
        np.pad(vol, widths),
        np.pad(aht, widths, mode="edge") if shape[-1] else np.ones((*shape[:-1], tail)),
        interval_s,
        response_hours,
        1.0,
        np.pad(carried, widths),
    )
    return np.asarray(work_due(inp, sl)[..., shape[-1] :], dtype=np.float64)


def _work_done(arrived_work_s: FloatArray, capacity_s: FloatArray, idle_s: float = 0.0) -> FloatArray:
    """Work done by each interval's end (cumulative), oldest first, with `capacity_s` cumulative
    capacity against `arrived_work_s` cumulative arrivals: the capacity less what found no work
    (capacity never works what has not arrived); `idle_s` (zero or less) is what found none before."""
    slack = np.minimum(idle_s, np.minimum.accumulate(arrived_work_s - capacity_s, axis=-1))
    return np.asarray(capacity_s + np.minimum(slack, 0.0), dtype=np.float64)

"""Staffing: from forecast volume to agents needed on a queue, and from agents back to service.

The public entry point of the staffing step. The formulas live in two modules, re-exported here:

- `scheduler.staffing.erlang`: live queues. `erlang_b`, `erlang_c_metrics`, `erlang_a_metrics`, `live_metrics`
  (metrics for given agents) and `erlang_c_required`, `erlang_a_required`, `chat_required`,
  `live_required` (smallest agents meeting SL within T, occupancy cap, optional ASA and abandonment
  targets together), all vectorised over numpy arrays. Erlang A service level: answered within T over
  all offered contacts by default (`basis="answered"`: over answered contacts).
- `scheduler.staffing.backlog`: email and social. `async_required` (agents per interval so a share of every
  cohort is answered within the response time, carrying backlog across intervals and closed hours) and
  `async_metrics` (service level, backlog, occupancy for given agents).

This module adds what ties them to a `QueueSpec`:

- Shrinkage: `scheduled_needed(required, shrinkage) = ceil(required / (1 - shrinkage))` (the rule of
  pyworkforce, the R ErlangC package and CallCentreHelper), and its fractional twin
  `required_fractional / (1 - shrinkage)`. `shrinkage` may be an array (per interval), e.g. from
  `weekday_shrinkage`.
- `queue_requirement`: the requirement of one queue by channel: voice -> Erlang C (Erlang A when the queue
  has `patience_s`), chat -> the slot model with `concurrency`, email/social -> the async backlog model.
- `service_metrics`: the inverse, agents per interval -> service level, ASA, abandonment, occupancy per
  interval and a weekly summary (`ServiceSummary`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import zone
from scheduler.domain import WEEKDAYS, QueueSpec
from scheduler.staffing.backlog import (
    AsyncMetrics,
    AsyncRequirement,
    async_metrics,
    async_required,
    deadline_intervals,
)
from scheduler.staffing.erlang import (
    RECURSION_MAX_AGENTS,
    ROUNDING_SLACK,
    FloatArray,
    IntArray,
    LiveRequirement,
    QueueMetrics,
    ServiceLevelBasis,
    chat_required,
    check_agents,
    check_nonnegative,
    check_positive,
    erlang_a_metrics,
    erlang_a_required,
    erlang_b,
    erlang_c_metrics,
    erlang_c_required,
    live_metrics,
    live_required,
    traffic_erlangs,
    whole_agents,
)

__all__ = [
    "RECURSION_MAX_AGENTS",
    "AsyncMetrics",
    "AsyncRequirement",
    "LiveRequirement",
    "QueueMetrics",
    "QueueRequirement",
    "ServiceLevelBasis",
    "ServiceReport",
    "ServiceSummary",
    "async_metrics",
    "async_required",
    "chat_required",
    "deadline_intervals",
    "erlang_a_metrics",
    "erlang_a_required",
    "erlang_b",
    "erlang_c_metrics",
    "erlang_c_required",
    "live_metrics",
    "live_required",
    "queue_requirement",
    "scheduled_needed",
    "scheduled_needed_fractional",
    "service_metrics",
    "traffic_erlangs",
    "weekday_shrinkage",
]


# --------------------------------------------------------------------------------------------- shrinkage


def _check_shrinkage(shrinkage: npt.ArrayLike) -> FloatArray:
    arr = check_nonnegative(shrinkage, "shrinkage")
    if (arr >= 1).any():
        raise InvalidInput(
            f"shrinkage must be a share in [0, 1), e.g. 0.3 for 30 %, got {arr[arr >= 1].ravel()[0]:g}"
        )
    return arr


def scheduled_needed(required: npt.ArrayLike, shrinkage: npt.ArrayLike) -> IntArray:
    """Whole agents to schedule so that `required` are productive: `ceil(required / (1 - shrinkage))`."""
    req = check_nonnegative(required, "required")
    return whole_agents(req / (1.0 - _check_shrinkage(shrinkage)))


def scheduled_needed_fractional(required_fractional: npt.ArrayLike, shrinkage: npt.ArrayLike) -> FloatArray:
    """Fractional agents to schedule: `required_fractional / (1 - shrinkage)`."""
    req = check_nonnegative(required_fractional, "required_fractional")
    return np.asarray(req / (1.0 - _check_shrinkage(shrinkage)), dtype=np.float64)


def weekday_shrinkage(
    interval_starts_utc: pd.DatetimeIndex,
    tz: str,
    by_weekday: Mapping[str, float],
    default: float,
) -> FloatArray:
    """Shrinkage per interval from a weekday table (`"mon"`..`"sun"`, the team's local days).

    Raises:
        InvalidInput: an unknown weekday name, a naive timestamp or a share outside [0, 1).
    """
    unknown = sorted(set(by_weekday) - set(WEEKDAYS))
    if unknown:
        raise InvalidInput(f"unknown weekday(s) {', '.join(unknown)}: use {', '.join(WEEKDAYS)}")
    if interval_starts_utc.tz is None:
        raise InvalidInput("interval starts have no time zone; give them in UTC")
    table = np.array([by_weekday.get(day, default) for day in WEEKDAYS], dtype=np.float64)
    _check_shrinkage(table)
    local_weekday = np.asarray(interval_starts_utc.tz_convert(zone(tz)).day_of_week, dtype=np.int64)
    return np.asarray(table[local_weekday], dtype=np.float64)


# --------------------------------------------------------------------------------------------- per queue


@dataclass(frozen=True)
class QueueRequirement:
    """Requirement of one queue per interval (arrays shaped like the volume).

    `required` are whole agents productive on the queue, `scheduled_needed` after shrinkage; the
    `_fractional` twins are for a roster objective. `service_level` is what `required` achieves
    (live: per interval; async: per arrival interval, NaN where not yet due). `backlog_contacts` is
    the async backlog at each interval end (0 for live queues).
    """

    required: IntArray
    required_fractional: FloatArray
    scheduled_needed: IntArray
    scheduled_needed_fractional: FloatArray
    service_level: FloatArray
    backlog_contacts: FloatArray


def queue_requirement(
    queue: QueueSpec,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    shrinkage: npt.ArrayLike,
    basis: ServiceLevelBasis = "offered",
) -> QueueRequirement:
    """Agents needed per interval on `queue` for `volume` contacts per interval.

    Live queues (voice, chat) meet `queue.service_level` within `queue.target_answer_s` under the occupancy
    cap (Erlang A when `queue.patience_s` is set; chat with `queue.concurrency` slots per agent). Async
    queues (email, social) answer `queue.service_level` of every interval's contacts within
    `queue.response_hours`, backlog carried over; for them `volume` is one series in time order.

    Raises:
        InvalidInput: negative volume, AHT not positive, shrinkage outside [0, 1).
    """
    vol = check_nonnegative(volume, "volume")
    aht = check_positive(aht_s, "aht_s")
    shrink = _check_shrinkage(shrinkage)
    if queue.is_live:
        live = live_required(
            traffic_erlangs(vol, aht, interval_s),
            aht,
            target_answer_s=queue.target_answer_s,
            service_level=queue.service_level,
            max_occupancy=queue.max_occupancy,
            concurrency=queue.concurrency if queue.channel == "chat" else 1,
            patience_s=queue.patience_s,
            basis=basis,
        )
        required, fractional = live.agents, live.agents_fractional
        service_level, backlog = live.metrics.service_level, np.zeros(vol.shape)
    else:
        done = async_required(
            vol,
            aht,
            interval_s=interval_s,
            response_hours=queue.response_hours,
            service_level=queue.service_level,
            max_occupancy=queue.max_occupancy,
        )
        required, fractional, backlog = done.agents, done.agents_fractional, done.backlog_contacts
        service_level = async_metrics(
            required,
            vol,
            aht,
            interval_s=interval_s,
            response_hours=queue.response_hours,
            max_occupancy=queue.max_occupancy,
        ).service_level
    return QueueRequirement(
        required=required,
        required_fractional=fractional,
        scheduled_needed=scheduled_needed(required, shrink),
        scheduled_needed_fractional=scheduled_needed_fractional(fractional, shrink),
        service_level=service_level,
        backlog_contacts=backlog,
    )


# --------------------------------------------------------------------------------------------- inverse


@dataclass(frozen=True)
class ServiceSummary:
    """Service over the whole horizon (a week), reduced over the last (interval) axis.

    `service_level` and `abandon_probability` are volume-weighted means of the per-interval values
    (async: over cohorts due within the horizon). `asa_s` is the mean wait of the contacts that
    arrive while the queue is not overloaded (NaN for async queues, inf when it always is), and
    `overloaded_share` the share of contacts that arrive while it is (0 for async queues).
    `occupancy` is all work handled over all productive agent time, i.e. weighted by agents. NaN
    where there is no volume.
    """

    volume: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_probability: FloatArray
    occupancy: FloatArray
    overloaded_share: FloatArray


@dataclass(frozen=True)
class ServiceReport:
    """Expected service per interval for given agents, and its weekly summary.

    `productive_agents` are the agents present after shrinkage (expected, so fractional).
    `service_level_definition` says what the service level counts. `backlog_contacts` is 0 for live
    queues. Live queues: `overloaded` is the share of each interval's contacts that arrive while the
    queue is overloaded (the wait grows without bound), `asa_s` the mean wait of the others (inf
    when all of them do), `wait_probability` the chance a contact waits; async queues have NaN for
    `asa_s` and `wait_probability` and 0 `overloaded`, and give the contacts carried in from before
    the week and the share of them answered on time (NaN when none).
    """

    productive_agents: FloatArray
    volume: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_probability: FloatArray
    occupancy: FloatArray
    wait_probability: FloatArray
    overloaded: FloatArray
    backlog_contacts: FloatArray
    week: ServiceSummary
    service_level_definition: str
    carried_in_contacts: FloatArray
    carried_in_on_time: FloatArray


def _weighted(values: FloatArray, weights: FloatArray) -> FloatArray:
    used = ~np.isnan(values) & (weights > 0)
    total = np.where(used, weights, 0.0).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(used, np.where(used, values, 0.0) * weights, 0.0).sum(axis=-1) / total
    return np.asarray(np.where(total > 0, out, np.nan), dtype=np.float64)


@dataclass(frozen=True)
class _LiveAt:
    """A live queue's metrics per interval for fractional productive agents (see `_live_at`)."""

    service_level: FloatArray
    asa_s: FloatArray
    abandon_probability: FloatArray
    occupancy: FloatArray
    wait_probability: FloatArray
    overloaded: FloatArray


def _live_at(
    productive: FloatArray,
    volume: FloatArray,
    aht: FloatArray,
    queue: QueueSpec,
    interval_s: float,
    basis: ServiceLevelBasis,
) -> _LiveAt:
    """Service level, ASA, abandonment, occupancy and the chance to wait on a live queue with
    `productive` agents, which may be fractional (agents after shrinkage: 0.9 of one agent is one
    agent there nine tenths of the time and nobody the rest).

    Service level, abandonment and occupancy are interpolated linearly between the whole agents (chat:
    slots) on either side, as the fractional requirement is (`erlang.live_required`), so the count
    the requirement asks for gives exactly its target. The waits are those of the whole agents on
    either side, by the share of time each count is there (chat too: an agent away takes all their
    slots along): `overloaded` is the share of the interval's contacts that arrive while the queue
    is overloaded (nobody there, or more work than agents: the wait grows without bound), `asa_s`
    the mean wait of the others (inf when all of them do) and `wait_probability` the chance to wait."""
    per_agent = queue.concurrency if queue.channel == "chat" else 1
    traffic = traffic_erlangs(volume, aht, interval_s)[None]

    def on_either_side(units: FloatArray, size: int) -> tuple[QueueMetrics, FloatArray]:
        """The metrics of the whole `units` on either side (each `size` servers) and their time shares."""
        low = np.floor(units + ROUNDING_SLACK).astype(np.int64)
        share = np.clip(units - low, 0.0, 1.0)
        m = live_metrics(
            np.stack([low, low + 1]) * size,
            traffic,
            aht[None],
            queue.target_answer_s,
            patience_s=queue.patience_s,
            basis=basis,
        )
        return m, np.stack([1.0 - share, share])

    by_slot, slot_weights = on_either_side(productive * per_agent, 1)
    by_agent, weights = (by_slot, slot_weights) if per_agent == 1 else on_either_side(productive, per_agent)

    def mixed(values: FloatArray, w: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):
            out = np.where(w[1] > 0, w[0] * values[0] + w[1] * values[1], values[0])
        return np.asarray(out, dtype=np.float64)

    bounded = np.isfinite(by_agent.asa_s)
    waiting = np.where(bounded, weights, 0.0)
    kept_up = waiting.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        asa = (np.where(bounded, by_agent.asa_s, 0.0) * waiting).sum(axis=0) / kept_up
    return _LiveAt(
        service_level=mixed(by_slot.service_level, slot_weights),
        asa_s=np.asarray(np.where(kept_up > 0, asa, np.inf), dtype=np.float64),
        abandon_probability=mixed(by_slot.abandon_probability, slot_weights),
        occupancy=mixed(by_slot.occupancy, slot_weights),
        wait_probability=mixed(by_agent.wait_probability, weights),
        overloaded=np.asarray(1.0 - kept_up, dtype=np.float64),
    )


def service_metrics(
    agents: npt.ArrayLike,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    queue: QueueSpec,
    *,
    interval_s: float,
    shrinkage: npt.ArrayLike = 0.0,
    basis: ServiceLevelBasis = "offered",
    carried_in_contacts: npt.ArrayLike = 0.0,
    blended_agents: npt.ArrayLike = 0.0,
) -> ServiceReport:
    """Service level, ASA, abandonment and occupancy that `agents` on `queue` give, per interval and week.

    Args:
        agents: agents on the queue per interval (e.g. counted from a roster), time on the last axis.
        volume: contacts per interval, the same shape.
        aht_s: handle time per contact (broadcast).
        queue: the queue; its channel picks the model as in `queue_requirement`.
        interval_s: interval length in seconds.
        shrinkage: share of the agents' time lost to things a roster does not show (absence, meetings,
            training; breaks are in the roster): `agents * (1 - shrinkage)` agents are productive, a
            fractional count whose live metrics are interpolated between whole agents; on async
            queues that agent time works the backlog.
        basis: Erlang A service-level basis ("offered" or "answered").
        carried_in_contacts: async: contacts waiting at the start, by the interval they fall due.
        blended_agents: async: agent time (in agents) that agents on a live queue give this queue
            between their live contacts (`scheduler.roster.coverage`).

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    vol = np.atleast_1d(check_nonnegative(volume, "volume"))
    aht = np.broadcast_to(check_positive(aht_s, "aht_s"), vol.shape)
    keep = np.broadcast_to(1.0 - _check_shrinkage(shrinkage), vol.shape)
    raw = np.broadcast_to(check_agents(agents), vol.shape)
    productive = raw * keep
    carried = np.broadcast_to(check_nonnegative(carried_in_contacts, "carried_in_contacts"), vol.shape)
    carried_total = np.asarray(carried.sum(axis=-1), dtype=np.float64)
    carried_on_time = np.full(carried_total.shape, np.nan)
    if queue.is_live:
        live = _live_at(productive, vol, aht, queue, interval_s, basis)
        service_level, asa, abandon, occupancy = (
            live.service_level,
            live.asa_s,
            live.abandon_probability,
            live.occupancy,
        )
        wait, overloaded = live.wait_probability, live.overloaded
        backlog = np.zeros(vol.shape)
        staffed = productive * (queue.concurrency if queue.channel == "chat" else 1)
        over = (
            "all offered contacts" if basis == "offered" or queue.patience_s is None else "answered contacts"
        )
        definition = f"answered within {queue.target_answer_s:g} s over {over}"
    else:
        # async work is agent time: the expected productive share, and what blended agents give
        extra = np.broadcast_to(check_nonnegative(blended_agents, "blended_agents"), vol.shape)
        a = async_metrics(
            productive + extra,
            vol,
            aht,
            interval_s=interval_s,
            response_hours=queue.response_hours,
            max_occupancy=queue.max_occupancy,
            carried_in_contacts=carried,
        )
        service_level, occupancy, backlog = a.service_level, a.occupancy, a.backlog_contacts
        carried_on_time = a.carried_in_on_time
        asa, wait = np.full(vol.shape, np.nan), np.full(vol.shape, np.nan)
        abandon, overloaded = np.zeros(vol.shape), np.zeros(vol.shape)
        staffed = productive + extra
        definition = (
            f"share of each interval's contacts answered within {queue.response_hours:g} h "
            "(oldest first; intervals whose deadline is after the horizon are left out)"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        staffed_total = staffed.sum(axis=-1)
        week_occupancy = np.where(
            staffed_total > 0, (occupancy * staffed).sum(axis=-1) / staffed_total, np.nan
        )
    week = ServiceSummary(
        volume=np.asarray(vol.sum(axis=-1), dtype=np.float64),
        service_level=_weighted(service_level, vol),
        asa_s=_weighted(asa, vol * (1.0 - overloaded))
        if queue.is_live
        else np.asarray(np.full(vol.shape[:-1], np.nan)),
        abandon_probability=_weighted(abandon, vol),
        overloaded_share=_weighted(overloaded, vol),
        occupancy=np.asarray(week_occupancy, dtype=np.float64),
    )
    return ServiceReport(
        productive_agents=productive,
        volume=vol,
        service_level=service_level,
        asa_s=asa,
        abandon_probability=abandon,
        occupancy=occupancy,
        wait_probability=wait,
        overloaded=overloaded,
        backlog_contacts=backlog,
        week=week,
        service_level_definition=definition,
        carried_in_contacts=carried_total,
        carried_in_on_time=carried_on_time,
    )

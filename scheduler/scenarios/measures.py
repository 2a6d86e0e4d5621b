"""Measuring a variant: its need, its roster problem, and the comparison row (service, cost, coverage)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scheduler.domain import QueueSpec, Roster
from scheduler.roster.problem import Problem
from scheduler.roster.report import measure as measure_roster
from scheduler.roster.report import summarize
from scheduler.scenarios.plan import BasePlan
from scheduler.scenarios.variants import Variant
from scheduler.staffing.queues import QueueRequirement, ServiceReport, queue_requirement


@dataclass(frozen=True)
class ScenarioMetrics:
    """One row of the comparison. Service figures are None where no roster was measured.

    `asa_s` is the mean wait of the live queues' contacts that arrive while their queue is not
    overloaded (the wait growing without bound: nobody on it, or more work than agents);
    `overloaded_share` is the share of the live contacts left out of it, which arrive while it is
    (per queue: `overloaded_volume_share`). More agents can raise `asa_s`: contacts that met an
    overloaded queue come back into the mean.
    """

    name: str
    depth: str
    service_level: float | None
    asa_s: float | None
    overloaded_share: float | None
    abandonment: float | None
    occupancy: float | None
    understaffed_agent_hours: float | None
    overstaffed_agent_hours: float | None
    required_agent_hours: float
    paid_hours: float | None
    cost: float | None
    required_headcount: float
    scheduled_headcount: int | None
    headcount: int
    volume: float
    by_queue: dict[str, dict[str, float | None]] = field(default_factory=dict)
    roster_status: str | None = None
    notes: tuple[str, ...] = ()
    shifts: int | None = None
    roster: Roster | None = field(default=None, compare=False, repr=False)


METRICS: tuple[str, ...] = (
    "service_level",
    "asa_s",
    "overloaded_share",
    "abandonment",
    "occupancy",
    "understaffed_agent_hours",
    "overstaffed_agent_hours",
    "required_agent_hours",
    "paid_hours",
    "cost",
    "required_headcount",
    "scheduled_headcount",
    "headcount",
    "volume",
)


def _requirement(
    plan: BasePlan, variant: Variant, queue: str
) -> tuple[np.ndarray, np.ndarray, QueueRequirement]:
    """Volume, AHT and requirement of one queue over its span (cached: sweeps repeat inputs)."""
    s = plan.series[queue]
    spec = variant.team.queue(queue)
    vol_r, aht_r = variant.volume[queue], variant.aht_s[queue]
    volume = vol_r.sum(axis=0)
    work = np.where(s.present, vol_r * np.nan_to_num(aht_r), 0.0).sum(axis=0)
    n_present = s.present.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_aht = np.where(s.present, np.nan_to_num(aht_r), 0.0).sum(axis=0) / n_present
        aht = np.where(volume > 0, work / volume, np.where(n_present > 0, mean_aht, spec.aht_s))
    shrinkage = variant.team.shrinkage_of(spec)
    key = (spec, shrinkage, volume.tobytes(), aht.tobytes())
    cache = plan.requirement_cache
    if key not in cache:
        if len(cache) > 512:
            cache.clear()
        cache[key] = _with_lead_in(plan, spec, s.start, volume, aht, shrinkage)
    return volume, aht, cache[key]


def _with_lead_in(
    plan: BasePlan, spec: QueueSpec, start: int, volume: np.ndarray, aht: np.ndarray, shrinkage: float
) -> QueueRequirement:
    """The queue's requirement over its span; an async queue's works off the contacts carried into the
    week too (`BasePlan.lead_in`), as `compute_requirements` does for the requirements file."""
    interval_s = plan.week.grid.interval_s
    lead = plan.lead_in.get(spec.name)
    if lead is None or spec.is_live:
        return queue_requirement(spec, volume, aht, interval_s=interval_s, shrinkage=shrinkage)
    # the lead-in, then the intervals between it and the queue's first forecast row (no contacts)
    gap = max(0, start - (lead.start + len(lead.volume)))
    full_volume = np.concatenate([lead.volume, np.zeros(gap), volume])
    full_aht = np.concatenate([lead.aht_s, np.full(gap, float(spec.aht_s)), aht])
    req = queue_requirement(spec, full_volume, full_aht, interval_s=interval_s, shrinkage=shrinkage)
    span = slice(len(full_volume) - len(volume), None)
    return QueueRequirement(
        req.required[span],
        req.required_fractional[span],
        req.scheduled_needed[span],
        req.scheduled_needed_fractional[span],
        req.service_level[span],
        req.backlog_contacts[span],
    )


def requirement_arrays(plan: BasePlan, variant: Variant) -> dict[str, np.ndarray]:
    """The scenario's fractional need (agents scheduled, after shrinkage) per queue on the week grid:
    what a roster is asked to cover, as `requirements_to_arrays` reads it from the requirements file."""
    n = plan.week.grid.n_intervals
    out = {q.name: np.zeros(n) for q in variant.team.queues}
    for queue, s in plan.series.items():
        out[queue][s.start : s.stop] = _requirement(plan, variant, queue)[2].scheduled_needed_fractional
    return out


def variant_problem(plan: BasePlan, variant: Variant) -> Problem:
    """The scenario as a roster problem: its team, the week, its need, volume and handle time, the
    contacts carried into the week, and the availability of the agents it keeps."""
    n = plan.week.grid.n_intervals
    volume = {q.name: np.zeros(n) for q in variant.team.queues if q.name in plan.series}
    aht = {name: np.full(n, variant.team.queue(name).aht_s) for name in volume}
    for queue, s in plan.series.items():
        vol, handle, _ = _requirement(plan, variant, queue)
        volume[queue][s.start : s.stop] = vol
        aht[queue][s.start : s.stop] = handle
    kept = {a.id for a in variant.team.agents}
    return Problem(
        variant.team,
        plan.week,
        requirement_arrays(plan, variant),
        tuple(e for e in plan.availability if e.agent_id in kept),
        weights=variant.team.weights,
        volume=volume,
        aht_s=aht,
        carried_in={q: c for q, c in plan.carried_in.items() if q in volume},
    )


def weighted_mean(pairs: Iterable[tuple[float | None, float | None]]) -> float | None:
    """The mean of the values weighted by their weights, over the (value, weight) pairs with a finite
    value and a positive weight; None when no pair has both."""
    used = [
        (float(v), float(w))
        for v, w in pairs
        if v is not None and w is not None and w > 0 and math.isfinite(v)
    ]
    total = sum(w for _, w in used)
    return sum(v * w for v, w in used) / total if total > 0 else None


def _nan_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _not_overloaded(row: dict[str, float | None]) -> float:
    """A live queue's contacts that arrive while it is not overloaded."""
    return (row.get("volume") or 0.0) * (1.0 - (row.get("overloaded_volume_share") or 0.0))


def _queue_row(
    spec: QueueSpec, need_hours: float, volume: np.ndarray, report: ServiceReport | None
) -> dict[str, float | None]:
    """One queue's figures for the week: volume, need, and the service the roster gives."""
    week_volume = float(volume.sum())
    row: dict[str, float | None] = {"volume": week_volume, "required_agent_hours": need_hours}
    if report is None:
        return row
    w = report.week
    asa = _nan_none(float(w.asa_s))
    if spec.is_live:
        # contacts arriving while the queue is overloaded (ASA unbounded) are left out of the mean:
        # say how many
        row["overloaded_volume_share"] = _nan_none(float(w.overloaded_share)) or 0.0
    row.update(
        service_level=_nan_none(float(w.service_level)),
        asa_s=asa,
        # only a queue whose callers give up (its patience known) has abandonment to show
        abandonment=_nan_none(float(w.abandon_probability)) if spec.patience_s is not None else None,
        occupancy=_nan_none(float(w.occupancy)),
    )
    return row


def unplaced_hours(variant: Variant, roster: Roster) -> dict[str, float]:
    """The agents a scenario adds who have no shift in `roster` (the base roster, measured at the
    staffing depth), with the weekly hours their contract pays: its least hours, or its most where
    the least is none. A hire costs that whether or not the roster in force places them."""
    placed = {s.agent_id for s in roster.shifts}
    return {
        a.id: a.min_hours_per_week if a.min_hours_per_week > 0 else a.max_hours_per_week
        for a in variant.added
        if a.id not in placed
    }


def _unplaced_note(unplaced: dict[str, float]) -> tuple[str, ...]:
    """Say that hires without shifts serve nobody in these figures, and how their pay is counted."""
    if not unplaced:
        return ()
    hours = sorted(set(unplaced.values()))
    each = " or ".join(f"{h:g} h" for h in hours)
    agents = f"{len(unplaced)} agents added have" if len(unplaced) > 1 else "agent added has"
    return (
        f"the {agents} no shifts in the roster in force, so the service figures are without them "
        f"(re-roster to place them); paid hours and cost count them at their contract's {each} a week",
    )


# the note of a row measured on no roster (the week has none yet), so its blank figures are explained
NOTHING_MEASURED = (
    "no roster of this week to measure service, cost and paid hours on: only the need is compared "
    "(roster the week first, or compare at depth 'reroster')"
)


def measure(
    plan: BasePlan,
    variant: Variant,
    name: str,
    depth: str,
    roster: Roster | None,
    *,
    roster_status: str | None = None,
) -> ScenarioMetrics:
    """The comparison row of a variant, measured on `roster` (None: requirements only) with the roster
    report's own definitions (`scheduler.roster.report.measure`), so a roster shows the same service
    level here as in its report."""
    problem = variant_problem(plan, variant)
    hours_per_interval = plan.week.grid.interval_minutes / 60
    kept = None if roster is None else variant.keeps(roster)
    measured = None if kept is None else measure_roster(problem, kept)
    by_queue = {}
    for queue in plan.series:
        spec = variant.team.queue(queue)
        need_hours = float(problem.required[queue].sum()) * hours_per_interval
        report = None if measured is None else measured.service.get(queue)
        by_queue[queue] = _queue_row(spec, need_hours, problem.volume[queue], report)
    rows = list(by_queue.values())
    live = [r for q, r in by_queue.items() if variant.team.queue(q).is_live]
    required_hours = sum(float(v.sum()) for v in problem.required.values()) * hours_per_interval
    # agents of the base team's usual contract, each on the queues for its hours less breaks: the
    # same measure whoever a scenario hires
    on_queue_hours = plan.team.usual_contract_hours() * plan.team.shift_rules.on_queue_share()
    common: dict[str, Any] = {
        "name": name,
        "depth": depth,
        "required_agent_hours": required_hours,
        "required_headcount": required_hours / on_queue_hours if on_queue_hours > 0 else math.inf,
        "headcount": len(variant.team.agents),
        "volume": float(sum(r["volume"] or 0.0 for r in rows)),
        "by_queue": by_queue,
        "roster_status": roster_status,
        "notes": variant.notes,
    }
    if kept is None or measured is None:
        if roster_status is None:  # not a re-roster that found none (its notes say why)
            common["notes"] = (*common["notes"], NOTHING_MEASURED)
        return ScenarioMetrics(
            service_level=None,
            asa_s=None,
            overloaded_share=None,
            abandonment=None,
            occupancy=None,
            understaffed_agent_hours=None,
            overstaffed_agent_hours=None,
            paid_hours=None,
            cost=None,
            scheduled_headcount=None,
            **common,
        )
    summary = summarize(problem, kept, measured)
    rostered = {a: h for a, h in summary.hours_by_agent.items() if h > 0}
    unplaced = unplaced_hours(variant, kept) if depth == "staffing" else {}
    hours = {**rostered, **unplaced}
    rates = {a: variant.pay.rate_of(a) for a in hours}
    priced = all(r is not None for r in rates.values()) and any(r is not None for r in rates.values())
    notes = common["notes"] + _unplaced_note(unplaced)
    if not priced and any(r is not None for r in rates.values()):
        notes += ("some agents have no hourly rate: no cost",)
    return ScenarioMetrics(
        service_level=weighted_mean((r.get("service_level"), r.get("volume")) for r in rows),
        asa_s=weighted_mean((r.get("asa_s"), _not_overloaded(r)) for r in live),
        overloaded_share=weighted_mean((r.get("overloaded_volume_share"), r.get("volume")) for r in live),
        abandonment=weighted_mean((r.get("abandonment"), r.get("volume")) for r in live),
        # all work handled over all productive agent time, over the queues
        occupancy=weighted_mean(
            (float(r.week.occupancy), float(r.productive_agents.sum())) for r in measured.service.values()
        ),
        understaffed_agent_hours=summary.understaffed_agent_hours,
        overstaffed_agent_hours=summary.overstaffed_agent_hours,
        paid_hours=sum(hours.values()),
        cost=sum(h * (rates[a] or 0.0) for a, h in hours.items()) if priced else None,
        scheduled_headcount=len(rostered),
        shifts=len(kept.shifts),
        roster=kept,
        **{**common, "notes": notes},
    )

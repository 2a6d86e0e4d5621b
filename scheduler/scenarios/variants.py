"""Applying a scenario: the base plan with its changes, in order."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from common.errors import InvalidInput
from common.timegrid import MINUTES_PER_DAY
from scheduler.domain import WEEKDAYS, Agent, Team
from scheduler.scenarios.changes import (
    CHANGE_KINDS,
    AddAgents,
    AhtChange,
    Change,
    Headcount,
    OccupancyChange,
    RemoveAgents,
    Scenario,
    ShiftRuleChange,
    ShrinkageChange,
    StatisticChange,
    TargetChange,
    VolumeChange,
)
from scheduler.scenarios.plan import BasePlan, Pay


@dataclass(frozen=True, eq=False)
class Variant:
    """The base plan with a scenario's changes applied."""

    team: Team
    statistic: str
    volume: dict[str, np.ndarray]  # queue -> (regions, span) multiplier applied
    aht_s: dict[str, np.ndarray]  # queue -> (regions, span)
    removed: frozenset[str]
    added: tuple[Agent, ...]
    pay: Pay
    notes: tuple[str, ...]


def _check_queue(team: Team, queue: str | None, what: str) -> None:
    if queue is not None and queue not in {q.name for q in team.queues}:
        names = ", ".join(q.name for q in team.queues)
        raise InvalidInput(f"{what}: unknown queue {queue!r}; the team's queues are {names}")


def _share(value: float | None, what: str, *, allow_one: bool) -> None:
    if value is not None and not (0 < value < 1 or (allow_one and value == 1)):
        raise InvalidInput(f"{what} must be a share in (0, 1{']' if allow_one else ')'}, got {value}")


def _queues(team: Team, queue: str | None) -> list[str]:
    return [q.name for q in team.queues if queue is None or q.name == queue]


def _replace_queues(team: Team, queue: str | None, **values: Any) -> Team:
    changed = tuple(
        dataclasses.replace(q, **values) if queue is None or q.name == queue else q for q in team.queues
    )
    return dataclasses.replace(team, queues=changed)


def _clock(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    try:
        hours, minutes = text.strip().split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {text!r} is not a time of day; write HH:MM") from exc
    if not 0 <= value < MINUTES_PER_DAY or int(minutes) >= 60:
        raise InvalidInput(f"{what}: {text!r} is not a time of day; write HH:MM between 00:00 and 23:59")
    return value


def _day_mask(plan: BasePlan, day: str | None, what: str) -> np.ndarray:
    n = plan.week.grid.n_intervals
    if day is None:
        return np.ones(n, dtype=bool)
    key = day.strip().lower()
    if key[:3] in WEEKDAYS and key.isalpha():
        return np.asarray(plan.local_weekday == WEEKDAYS.index(key[:3]))
    try:
        wanted = date.fromisoformat(key)
    except ValueError as exc:
        raise InvalidInput(
            f"{what}: day {day!r} is neither a weekday (mon..sun) nor a date YYYY-MM-DD"
        ) from exc
    if wanted not in plan.week.days:
        raise InvalidInput(
            f"{what}: {wanted} is not in the week {plan.week.first_day} .. {plan.week.days[-1]}"
        )
    return np.asarray(plan.local_date == wanted.isoformat())


def apply(plan: BasePlan, scenario: Scenario) -> Variant:
    """The plan with `scenario`'s changes, in order.

    Raises:
        InvalidInput: a change names an unknown queue, region, day, agent or statistic, or a value is out
            of range; the message names the scenario and the change.
    """
    series = plan.series
    team, statistic, pay = plan.team, plan.statistic, plan.pay
    multipliers = {q: np.ones(s.volume[plan.statistic].shape) for q, s in series.items()}
    aht = {q: s.aht_s.copy() for q, s in series.items()}
    removed: list[str] = []
    added: list[Agent] = []
    notes: list[str] = []
    agent_rates = dict(pay.agent_rates)
    agent_contracts = dict(pay.agent_contracts)
    for number, change in enumerate(scenario.changes, start=1):
        what = f"scenario {scenario.name!r}, change {number} ({_kind_of(change)})"
        if isinstance(change, VolumeChange):
            _check_queue(team, change.queue, what)
            if not math.isfinite(change.multiplier) or change.multiplier < 0:
                raise InvalidInput(f"{what}: the volume multiplier must be >= 0, got {change.multiplier}")
            days = _day_mask(plan, change.day, what)
            regions = {r for s in series.values() for r in s.regions}
            if change.region is not None and change.region not in regions:
                raise InvalidInput(
                    f"{what}: the forecast has no region {change.region!r}; it has {', '.join(sorted(regions))}"
                )
            for q in _queues(team, change.queue):
                if q not in series:
                    continue
                s = series[q]
                rows = [i for i, r in enumerate(s.regions) if change.region in (None, r)]
                multipliers[q][rows] *= np.where(days[s.start : s.stop], change.multiplier, 1.0)
        elif isinstance(change, AhtChange):
            _check_queue(team, change.queue, what)
            if not (
                math.isfinite(change.multiplier) and change.multiplier > 0 and math.isfinite(change.add_s)
            ):
                raise InvalidInput(f"{what}: the handle-time multiplier must be > 0, got {change.multiplier}")
            for q in _queues(team, change.queue):
                spec = team.queue(q)
                new_aht = spec.aht_s * change.multiplier + change.add_s
                if q in aht:
                    aht[q] = aht[q] * change.multiplier + change.add_s
                    new_aht = min(new_aht, float(np.nanmin(aht[q], initial=new_aht)))
                if new_aht <= 0:
                    raise InvalidInput(
                        f"{what}: handle time on {q!r} would be {new_aht:g} s; it must stay > 0"
                    )
                team = _replace_queues(team, q, aht_s=spec.aht_s * change.multiplier + change.add_s)
        elif isinstance(change, TargetChange):
            _check_queue(team, change.queue, what)
            _share(change.service_level, f"{what}: service_level", allow_one=False)
            values = {
                k: v
                for k, v in (
                    ("service_level", change.service_level),
                    ("target_answer_s", change.target_answer_s),
                    ("response_hours", change.response_hours),
                )
                if v is not None
            }
            if not values:
                raise InvalidInput(f"{what}: give service_level, target_answer_s or response_hours")
            team = _rebuilt(_replace_queues, team, what, change.queue, **values)
        elif isinstance(change, ShrinkageChange):
            _check_queue(team, change.queue, what)
            if not 0 <= change.shrinkage < 1:
                raise InvalidInput(f"{what}: shrinkage must be a share in [0, 1), got {change.shrinkage}")
            if change.queue is None:
                team = dataclasses.replace(team, shrinkage=change.shrinkage)
            else:
                team = _replace_queues(team, change.queue, shrinkage=change.shrinkage)
        elif isinstance(change, OccupancyChange):
            _check_queue(team, change.queue, what)
            _share(change.max_occupancy, f"{what}: max_occupancy", allow_one=True)
            team = _replace_queues(team, change.queue, max_occupancy=change.max_occupancy)
        elif isinstance(change, RemoveAgents | Headcount):
            team, gone = _remove(team, change, what)
            removed += gone
            if isinstance(change, Headcount) and change.agents > len(team.agents):
                template = team.agents[-1]
                more = AddAgents(
                    count=change.agents - len(team.agents),
                    skills=template.skills,
                    tz=template.tz,
                    min_hours_per_week=template.min_hours_per_week,
                    max_hours_per_week=template.max_hours_per_week,
                    hourly_rate=pay.rate_of(template.id),
                )
                team, new = _add(team, more, pay, what)
                added += new
                agent_rates.update({a.id: more.hourly_rate for a in new if more.hourly_rate is not None})
        elif isinstance(change, AddAgents):
            team, new = _add(team, change, pay, what)
            added += new
            rate = change.hourly_rate
            if rate is None and change.contract is not None:
                agent_contracts.update({a.id: change.contract for a in new})
            if rate is not None:
                agent_rates.update({a.id: rate for a in new})
        elif isinstance(change, ShiftRuleChange):
            team = _shift_rules(team, change, what)
        elif isinstance(change, StatisticChange):
            if change.statistic not in next(iter(series.values())).volume:
                have = ", ".join(next(iter(series.values())).volume)
                raise InvalidInput(f"{what}: the forecast has no column {change.statistic!r}; it has {have}")
            statistic = change.statistic
        else:  # pragma: no cover - the union is closed
            raise InvalidInput(f"{what}: unknown change")
    if added and plan.roster is not None:
        notes.append("agents added have no shifts in the base roster; re-roster to place them")
    left = frozenset(removed) - {a.id for a in added}
    volume = {q: series[q].volume[statistic] * multipliers[q] for q in series}
    new_pay = dataclasses.replace(pay, agent_rates=agent_rates, agent_contracts=agent_contracts)
    return Variant(team, statistic, volume, aht, left, tuple(added), new_pay, tuple(notes))


def _kind_of(change: Change) -> str:
    return next(k for k, cls in CHANGE_KINDS.items() if isinstance(change, cls))


def _rebuilt(make: Callable[..., Team], team: Team, what: str, *args: Any, **kwargs: Any) -> Team:
    """`make(team, ...)`, with the domain's own check failing in the words of the change."""
    try:
        return make(team, *args, **kwargs)
    except InvalidInput as exc:
        raise InvalidInput(f"{what}: {exc}") from exc


def _remove(team: Team, change: RemoveAgents | Headcount, what: str) -> tuple[Team, list[str]]:
    ids = [a.id for a in team.agents]
    if isinstance(change, Headcount):
        if change.agents < 1:
            raise InvalidInput(f"{what}: a team needs at least one agent, got headcount {change.agents}")
        gone = ids[change.agents :]
    else:
        unknown = [a for a in change.agent_ids if a not in ids]
        if unknown:
            raise InvalidInput(f"{what}: no agent {', '.join(map(repr, unknown))} in team {team.name!r}")
        if change.count < 0:
            raise InvalidInput(f"{what}: count must be >= 0, got {change.count}")
        others = [a for a in ids if a not in change.agent_ids]
        gone = list(change.agent_ids) + (others[len(others) - change.count :] if change.count else [])
    if len(set(gone)) >= len(ids):
        raise InvalidInput(f"{what}: removing {len(set(gone))} of {len(ids)} agents leaves nobody")
    kept = tuple(a for a in team.agents if a.id not in gone)
    return dataclasses.replace(team, agents=kept), gone


def _add(team: Team, change: AddAgents, pay: Pay, what: str) -> tuple[Team, list[Agent]]:
    if change.count < 1:
        raise InvalidInput(f"{what}: count must be at least 1, got {change.count}")
    contract = None
    if change.contract is not None:
        if change.contract not in pay.contracts:
            known = ", ".join(sorted(pay.contracts)) or "none are defined"
            raise InvalidInput(f"{what}: unknown contract {change.contract!r} ({known})")
        contract = pay.contracts[change.contract]
    skills = change.skills or tuple(q.name for q in team.queues)
    for q in skills:
        _check_queue(team, q, what)
    low = change.min_hours_per_week
    high = change.max_hours_per_week
    low = low if low is not None else (contract.min_hours_per_week if contract else 0.0)
    high = high if high is not None else (contract.max_hours_per_week if contract else 40.0)
    taken = {a.id for a in team.agents}
    new: list[Agent] = []
    number = 1
    while len(new) < change.count:
        agent_id = f"new-{number:02d}"
        number += 1
        if agent_id in taken:
            continue
        try:
            agent = Agent(agent_id, f"{change.name} {number - 1}", change.tz or team.tz, skills, low, high)
        except InvalidInput as exc:
            raise InvalidInput(f"{what}: {exc}") from exc
        new.append(agent)
    return dataclasses.replace(team, agents=team.agents + tuple(new)), new


def _shift_rules(team: Team, change: ShiftRuleChange, what: str) -> Team:
    rules = team.shift_rules
    values: dict[str, Any] = {}
    if change.lengths_hours is not None:
        values["lengths_hours"] = tuple(change.lengths_hours)
    if change.start_step_minutes is not None:
        values["start_step_minutes"] = change.start_step_minutes
    earliest, latest = _clock(change.earliest_start, what), _clock(change.latest_start, what)
    if earliest is not None:
        values["earliest_start_minute"] = earliest
    if latest is not None:
        values["latest_start_minute"] = latest
    if not values:
        raise InvalidInput(f"{what}: give lengths_hours, start_step_minutes, earliest_start or latest_start")

    def make(t: Team) -> Team:
        return dataclasses.replace(t, shift_rules=dataclasses.replace(rules, **values))

    return _rebuilt(make, team, what)

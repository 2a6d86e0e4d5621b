"""Applying a scenario: the base plan with its changes, in order.

One function per kind of change, each a step on a `Draft` of the variant; `CHANGE_FUNCTIONS` maps each
change type to its function, as `scheduler.roster.model.RULES` lists the roster's rule functions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from common.errors import InvalidInput
from common.timegrid import clock_to_minute
from scheduler.domain import WEEKDAYS, Agent, Roster, Team
from scheduler.scenarios.changes import (
    CHANGE_KINDS,
    AddAgents,
    AhtChange,
    Headcount,
    MinAgentsChange,
    OccupancyChange,
    RemoveAgents,
    Scenario,
    ShiftRuleChange,
    ShrinkageChange,
    StatisticChange,
    TargetChange,
    VolumeChange,
)
from scheduler.scenarios.plan import BasePlan, Contract, Pay


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

    def keeps(self, roster: Roster) -> Roster:
        """`roster` without the shifts of the agents this variant removes."""
        kept = tuple(s for s in roster.shifts if s.agent_id not in self.removed)
        return dataclasses.replace(roster, shifts=kept)


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
        return clock_to_minute(text)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {exc}") from exc


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


@dataclass
class Draft:
    """A variant being built: the plan as the changes applied so far have left it."""

    plan: BasePlan
    team: Team
    statistic: str
    multipliers: dict[str, np.ndarray]  # queue -> (regions, span) volume multiplier
    aht_s: dict[str, np.ndarray]  # queue -> (regions, span)
    removed: list[str] = field(default_factory=list)
    added: list[Agent] = field(default_factory=list)
    agent_rates: dict[str, float] = field(default_factory=dict)
    agent_contracts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what a change did that its figures do not show

    @classmethod
    def of(cls, plan: BasePlan) -> Draft:
        """The plan as it is, before any change."""
        return cls(
            plan,
            plan.team,
            plan.statistic,
            {q: np.ones(s.volume[plan.statistic].shape) for q, s in plan.series.items()},
            {q: s.aht_s.copy() for q, s in plan.series.items()},
            agent_rates=dict(plan.pay.agent_rates),
            agent_contracts=dict(plan.pay.agent_contracts),
        )

    def variant(self) -> Variant:
        """The finished variant."""
        plan, series = self.plan, self.plan.series
        notes = list(self.notes)
        left = frozenset(self.removed) - {a.id for a in self.added}
        volume = {q: series[q].volume[self.statistic] * self.multipliers[q] for q in series}
        pay = dataclasses.replace(
            plan.pay, agent_rates=self.agent_rates, agent_contracts=self.agent_contracts
        )
        return Variant(
            self.team, self.statistic, volume, self.aht_s, left, tuple(self.added), pay, tuple(notes)
        )


def _rebuilt(make: Callable[..., Team], team: Team, what: str, *args: Any, **kwargs: Any) -> Team:
    """`make(team, ...)`, with the domain's own check failing in the words of the change."""
    try:
        return make(team, *args, **kwargs)
    except InvalidInput as exc:
        raise InvalidInput(f"{what}: {exc}") from exc


def _leave(d: Draft, gone: list[str], what: str) -> None:
    """The agents `gone` leave the team; someone must stay."""
    n = len(d.team.agents)
    if len(set(gone)) >= n:
        raise InvalidInput(f"{what}: removing {len(set(gone))} of {n} agents leaves nobody")
    d.team = dataclasses.replace(d.team, agents=tuple(a for a in d.team.agents if a.id not in gone))
    d.removed += gone


def _join(d: Draft, change: AddAgents, what: str) -> list[Agent]:
    """New agents join the team, with ids `new-01`, `new-02`, ... not taken yet."""
    if change.count < 1:
        raise InvalidInput(f"{what}: count must be at least 1, got {change.count}")
    contracts = d.plan.pay.contracts
    contract = Contract()  # the default contract's hours, unless the change names one
    if change.contract is not None:
        if change.contract not in contracts:
            known = ", ".join(sorted(contracts)) or "none are defined"
            raise InvalidInput(f"{what}: unknown contract {change.contract!r} ({known})")
        contract = contracts[change.contract]
    skills = change.skills or tuple(q.name for q in d.team.queues)
    for q in skills:
        _check_queue(d.team, q, what)
    low = change.min_hours_per_week
    high = change.max_hours_per_week
    low = low if low is not None else contract.min_hours_per_week
    high = high if high is not None else contract.max_hours_per_week
    taken = {a.id for a in d.team.agents}
    new: list[Agent] = []
    number = 1
    while len(new) < change.count:
        agent_id = f"new-{number:02d}"
        number += 1
        if agent_id in taken:
            continue
        try:
            agent = Agent(agent_id, f"{change.name} {number - 1}", change.tz or d.team.tz, skills, low, high)
        except InvalidInput as exc:
            raise InvalidInput(f"{what}: {exc}") from exc
        new.append(agent)
    d.team = dataclasses.replace(d.team, agents=d.team.agents + tuple(new))
    d.added += new
    return new


# A change function applies one kind of change to the draft, or raises InvalidInput in the words of
# `what` (the scenario, the change's number and kind).
ChangeFunction = Callable[[Draft, Any, str], None]


def change_volume(d: Draft, change: VolumeChange, what: str) -> None:
    """Multiply the volume of the queues, regions and days the change names."""
    _check_queue(d.team, change.queue, what)
    if not math.isfinite(change.multiplier) or change.multiplier < 0:
        raise InvalidInput(f"{what}: the volume multiplier must be >= 0, got {change.multiplier}")
    series = d.plan.series
    days = _day_mask(d.plan, change.day, what)
    regions = {r for s in series.values() for r in s.regions}
    if change.region is not None and change.region not in regions:
        raise InvalidInput(
            f"{what}: the forecast has no region {change.region!r}; it has {', '.join(sorted(regions))}"
        )
    for q in _queues(d.team, change.queue):
        if q not in series:
            continue
        s = series[q]
        rows = [i for i, r in enumerate(s.regions) if change.region in (None, r)]
        d.multipliers[q][rows] *= np.where(days[s.start : s.stop], change.multiplier, 1.0)


def change_aht(d: Draft, change: AhtChange, what: str) -> None:
    """Scale and shift the handle time of one queue or all, which must stay positive."""
    _check_queue(d.team, change.queue, what)
    if not (math.isfinite(change.multiplier) and change.multiplier > 0 and math.isfinite(change.add_s)):
        raise InvalidInput(f"{what}: the handle-time multiplier must be > 0, got {change.multiplier}")
    for q in _queues(d.team, change.queue):
        spec = d.team.queue(q)
        new_aht = spec.aht_s * change.multiplier + change.add_s
        if q in d.aht_s:
            d.aht_s[q] = d.aht_s[q] * change.multiplier + change.add_s
            new_aht = min(new_aht, float(np.nanmin(d.aht_s[q], initial=new_aht)))
        if new_aht <= 0:
            raise InvalidInput(f"{what}: handle time on {q!r} would be {new_aht:g} s; it must stay > 0")
        d.team = _replace_queues(d.team, q, aht_s=spec.aht_s * change.multiplier + change.add_s)


def change_target(d: Draft, change: TargetChange, what: str) -> None:
    """A new service level, answer time or response time, on one queue or all."""
    _check_queue(d.team, change.queue, what)
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
    d.team = _rebuilt(_replace_queues, d.team, what, change.queue, **values)


def change_shrinkage(d: Draft, change: ShrinkageChange, what: str) -> None:
    """A new shrinkage share, for the team or one queue."""
    _check_queue(d.team, change.queue, what)
    if not 0 <= change.shrinkage < 1:
        raise InvalidInput(f"{what}: shrinkage must be a share in [0, 1), got {change.shrinkage}")
    if change.queue is None:
        d.team = dataclasses.replace(d.team, shrinkage=change.shrinkage)
    else:
        d.team = _replace_queues(d.team, change.queue, shrinkage=change.shrinkage)


def change_occupancy(d: Draft, change: OccupancyChange, what: str) -> None:
    """A new occupancy cap, on one queue or all."""
    _check_queue(d.team, change.queue, what)
    _share(change.max_occupancy, f"{what}: max_occupancy", allow_one=True)
    d.team = _replace_queues(d.team, change.queue, max_occupancy=change.max_occupancy)


def change_min_agents(d: Draft, change: MinAgentsChange, what: str) -> None:
    """Agents wanted on one live queue, or on every live one, whenever its contacts are forecast."""
    _check_queue(d.team, change.queue, what)
    if change.queue is not None:  # the domain refuses it on an async queue, in the change's words
        d.team = _rebuilt(_replace_queues, d.team, what, change.queue, min_agents=change.min_agents)
        return
    live = [q.name for q in d.team.queues if q.is_live]
    if not live:
        raise InvalidInput(f"{what}: the team has no live queue (voice, chat) to keep open")
    for name in live:
        d.team = _rebuilt(_replace_queues, d.team, what, name, min_agents=change.min_agents)


def remove_agents(d: Draft, change: RemoveAgents, what: str) -> None:
    """Agents leave: those named, then the last `count` others."""
    ids = [a.id for a in d.team.agents]
    unknown = [a for a in change.agent_ids if a not in ids]
    if unknown:
        raise InvalidInput(f"{what}: no agent {', '.join(map(repr, unknown))} in team {d.team.name!r}")
    if change.count < 0:
        raise InvalidInput(f"{what}: count must be >= 0, got {change.count}")
    others = [a for a in ids if a not in change.agent_ids]
    _leave(d, list(change.agent_ids) + (others[len(others) - change.count :] if change.count else []), what)


def set_headcount(d: Draft, change: Headcount, what: str) -> None:
    """The last agents leave, or copies join of the last agent on the team's usual contract (skills,
    zone, hours, rate and their own shift and labour rules); a note says whom they copy."""
    if change.agents < 1:
        raise InvalidInput(f"{what}: a team needs at least one agent, got headcount {change.agents}")
    _leave(d, [a.id for a in d.team.agents[change.agents :]], what)
    if change.agents <= len(d.team.agents):
        return
    usual = d.team.usual_contract_hours()
    template = next((a for a in reversed(d.team.agents) if a.max_hours_per_week == usual), d.team.agents[-1])
    more = AddAgents(
        count=change.agents - len(d.team.agents),
        skills=template.skills,
        tz=template.tz,
        min_hours_per_week=template.min_hours_per_week,
        max_hours_per_week=template.max_hours_per_week,
        hourly_rate=d.plan.pay.rate_of(template.id),
    )
    new = _join(d, more, what)
    copies = {
        a.id: dataclasses.replace(a, shift_rules=template.shift_rules, labour_rules=template.labour_rules)
        for a in new
    }
    d.team = dataclasses.replace(d.team, agents=tuple(copies.get(a.id, a) for a in d.team.agents))
    d.added = [copies.get(a.id, a) for a in d.added]
    d.agent_rates.update({a: more.hourly_rate for a in copies if more.hourly_rate is not None})
    own = " and own rules" if template.shift_rules or template.labour_rules else ""
    d.notes.append(
        f"headcount {change.agents}: {len(new)} cop{'ies' if len(new) > 1 else 'y'} of {template.name} "
        f"({'+'.join(template.skills)}, {template.tz}, {template.min_hours_per_week:g}–"
        f"{template.max_hours_per_week:g} h{own})"
    )


def add_agents(d: Draft, change: AddAgents, what: str) -> None:
    """New agents join, paid at their own rate or their contract's."""
    new = _join(d, change, what)
    if change.hourly_rate is not None:
        d.agent_rates.update({a.id: change.hourly_rate for a in new})
    elif change.contract is not None:
        d.agent_contracts.update({a.id: change.contract for a in new})


def change_shift_rules(d: Draft, change: ShiftRuleChange, what: str) -> None:
    """New shift lengths, start step or earliest/latest start for the team."""
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
        return dataclasses.replace(t, shift_rules=dataclasses.replace(t.shift_rules, **values))

    d.team = _rebuilt(make, d.team, what)


def change_statistic(d: Draft, change: StatisticChange, what: str) -> None:
    """Staff to another forecast column."""
    have = next(iter(d.plan.series.values())).volume
    if change.statistic not in have:
        raise InvalidInput(
            f"{what}: the forecast has no column {change.statistic!r}; it has {', '.join(have)}"
        )
    d.statistic = change.statistic


CHANGE_FUNCTIONS: dict[type[Any], ChangeFunction] = {
    VolumeChange: change_volume,
    AhtChange: change_aht,
    TargetChange: change_target,
    ShrinkageChange: change_shrinkage,
    OccupancyChange: change_occupancy,
    MinAgentsChange: change_min_agents,
    RemoveAgents: remove_agents,
    Headcount: set_headcount,
    AddAgents: add_agents,
    ShiftRuleChange: change_shift_rules,
    StatisticChange: change_statistic,
}
_KIND_OF: dict[type[Any], str] = {cls: kind for kind, cls in CHANGE_KINDS.items()}


def apply(plan: BasePlan, scenario: Scenario) -> Variant:
    """The plan with `scenario`'s changes, in order, each by its function in `CHANGE_FUNCTIONS`.

    Raises:
        InvalidInput: a change names an unknown queue, region, day, agent or statistic, or a value is out
            of range; the message names the scenario and the change.
    """
    draft = Draft.of(plan)
    for number, change in enumerate(scenario.changes, start=1):
        kind = _KIND_OF.get(type(change), type(change).__name__)
        what = f"scenario {scenario.name!r}, change {number} ({kind})"
        function = CHANGE_FUNCTIONS.get(type(change))
        if function is None:
            raise InvalidInput(f"{what}: unknown change")
        function(draft, change, what)
    return draft.variant()

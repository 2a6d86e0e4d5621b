"""What-if scenarios: a base plan plus named changes, compared side by side in service, cost and coverage.

A `Scenario` is a name and a tuple of changes (volume multipliers per queue, region or day; handle
time; service-level or response-time targets; shrinkage; occupancy caps; agents removed, added or a
headcount; shift rules; the forecast statistic to staff to) applied to a `BasePlan` (team, week,
forecast, availability, the current roster, pay). Two depths:

- `staffing`: requirements for the scenario and the service the base roster (less removed agents)
  gives under it, from `scheduler.staffing.queues` on numpy arrays prepared once per plan (milliseconds).
- `reroster`: a new CP-SAT roster for the scenario (`scheduler.roster.solve.solve`), measured the same way.

`compare` evaluates a list of scenarios, base first, through a `Runner` (in-process, a local process
pool, or any object with the same `map`, e.g. a Ray runner at the edge); `sweep` builds the
cartesian grid of a few axes (volume 0.8-1.3 x headcount 12-16).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal, Protocol, TypeVar, get_args

import numpy as np
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import MINUTES_PER_DAY, PlanningWeek
from scheduler.domain import WEEKDAYS, Agent, AvailabilityEntry, QueueSpec, Roster, Team
from scheduler.roster.problem import Problem
from scheduler.roster.report import Measured, summarize
from scheduler.roster.report import measure as measure_roster
from scheduler.roster.solve import SolveSettings, solve
from scheduler.staffing.queues import QueueRequirement, ServiceReport, queue_requirement
from scheduler.staffing.requirements import compute_requirements

Depth = Literal["staffing", "reroster"]
DEPTHS: tuple[str, ...] = get_args(Depth)
BASE_NAME = "base"

# ------------------------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class VolumeChange:
    """Multiply contact volume, on one queue, region (users' zone) or local day (`mon` or YYYY-MM-DD), or all."""

    multiplier: float
    queue: str | None = None
    region: str | None = None
    day: str | None = None


@dataclass(frozen=True)
class AhtChange:
    """Handle time becomes `aht_s * multiplier + add_s` (on one queue, or all)."""

    add_s: float = 0.0
    multiplier: float = 1.0
    queue: str | None = None


@dataclass(frozen=True)
class TargetChange:
    """A new service target: share, answer time (live) or response hours (async), on one queue or all."""

    service_level: float | None = None
    target_answer_s: float | None = None
    response_hours: float | None = None
    queue: str | None = None


@dataclass(frozen=True)
class ShrinkageChange:
    """A new shrinkage share, for the team or one queue."""

    shrinkage: float
    queue: str | None = None


@dataclass(frozen=True)
class OccupancyChange:
    """A new occupancy cap, on one queue or all."""

    max_occupancy: float
    queue: str | None = None


@dataclass(frozen=True)
class RemoveAgents:
    """Agents who leave: by id, and/or the last `count` others in the team's order."""

    agent_ids: tuple[str, ...] = ()
    count: int = 0


@dataclass(frozen=True)
class AddAgents:
    """`count` new agents with these skills, zone and contract (hours and, for cost, an hourly rate).

    `contract` names one of the plan's `Pay.contracts`; hours given here win over the contract's.
    """

    count: int = 1
    skills: tuple[str, ...] = ()
    tz: str | None = None
    contract: str | None = None
    min_hours_per_week: float | None = None
    max_hours_per_week: float | None = None
    hourly_rate: float | None = None
    name: str = "New agent"


@dataclass(frozen=True)
class Headcount:
    """Set the team to `agents` agents: the last ones leave, or copies of the last agent join."""

    agents: int


@dataclass(frozen=True)
class ShiftRuleChange:
    """New team shift rules: allowed lengths (hours), start step and the earliest/latest start ("HH:MM")."""

    lengths_hours: tuple[float, ...] | None = None
    start_step_minutes: int | None = None
    earliest_start: str | None = None
    latest_start: str | None = None


@dataclass(frozen=True)
class StatisticChange:
    """Staff to another forecast column: `mean`, `q50`, `q90`, ..."""

    statistic: str


Change = (
    VolumeChange
    | AhtChange
    | TargetChange
    | ShrinkageChange
    | OccupancyChange
    | RemoveAgents
    | AddAgents
    | Headcount
    | ShiftRuleChange
    | StatisticChange
)
CHANGE_KINDS: dict[str, type[Any]] = {
    "volume": VolumeChange,
    "aht": AhtChange,
    "target": TargetChange,
    "shrinkage": ShrinkageChange,
    "occupancy": OccupancyChange,
    "remove_agents": RemoveAgents,
    "add_agents": AddAgents,
    "headcount": Headcount,
    "shift_rules": ShiftRuleChange,
    "statistic": StatisticChange,
}


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the base plan."""

    name: str
    changes: tuple[Change, ...] = ()


# ------------------------------------------------------------------------------------------- pay, plan


@dataclass(frozen=True)
class Contract:
    """A contract: weekly hours and an hourly rate."""

    min_hours_per_week: float = 0.0
    max_hours_per_week: float = 40.0
    hourly_rate: float | None = None


@dataclass(frozen=True)
class Pay:
    """Hourly rates for the cost column: an agent's own rate, else its contract's, else the default."""

    default_hourly_rate: float | None = None
    agent_rates: Mapping[str, float] = field(default_factory=dict)
    contracts: Mapping[str, Contract] = field(default_factory=dict)
    agent_contracts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rates = [self.default_hourly_rate, *self.agent_rates.values()]
        rates += [c.hourly_rate for c in self.contracts.values()]
        if any(r is not None and (not math.isfinite(r) or r < 0) for r in rates):
            raise InvalidInput("hourly rates must be numbers >= 0")
        unknown = sorted(set(self.agent_contracts.values()) - set(self.contracts))
        if unknown:
            raise InvalidInput(f"agents name contracts that are not defined: {', '.join(unknown)}")

    def rate_of(self, agent_id: str) -> float | None:
        """The hourly rate of an agent, or None when nothing sets it."""
        if agent_id in self.agent_rates:
            return self.agent_rates[agent_id]
        contract = self.agent_contracts.get(agent_id)
        if contract is not None and self.contracts[contract].hourly_rate is not None:
            return self.contracts[contract].hourly_rate
        return self.default_hourly_rate


@dataclass(frozen=True)
class _QueueSeries:
    """One queue's base forecast on the week grid: per region and interval, over `start:stop`."""

    start: int
    stop: int
    regions: tuple[str, ...]
    volume: dict[str, np.ndarray]  # statistic -> (regions, stop - start)
    aht_s: np.ndarray  # (regions, stop - start), NaN where the forecast leaves it to the queue default
    present: np.ndarray  # (regions, stop - start): a forecast row exists


@dataclass(frozen=True, eq=False)
class BasePlan:
    """The plan scenarios change: team, week, forecast (the forecast contract), availability, roster, pay.

    `roster` is the roster in force (the staffing depth measures it under each scenario); without
    one, the re-roster depth solves the base too and the staffing depth reports requirements only.
    """

    team: Team
    week: PlanningWeek
    forecast: pd.DataFrame
    statistic: str = "mean"
    availability: tuple[AvailabilityEntry, ...] = ()
    roster: Roster | None = None
    pay: Pay = field(default_factory=Pay)

    def __post_init__(self) -> None:
        if self.week.tz != self.team.tz or self.week.interval_minutes != self.team.interval_minutes:
            raise InvalidInput("the plan's week must be in the team's zone and on its grid")
        known = {a.id for a in self.team.agents}
        strangers = sorted({s.agent_id for s in self.roster.shifts} - known) if self.roster else []
        if strangers:
            raise InvalidInput(f"the base roster names agents not in the team: {', '.join(strangers)}")
        self._series  # noqa: B018  (validates the forecast now, not in a worker later)

    @cached_property
    def _series(self) -> dict[str, _QueueSeries]:
        return _prepare(self)

    @cached_property
    def local_weekday(self) -> np.ndarray:
        """The team-local weekday (0 = Monday) of each grid interval."""
        starts = self.week.grid.starts().tz_convert(self.week.zone)
        return np.asarray(starts.day_of_week, dtype=np.int64)

    @cached_property
    def local_date(self) -> np.ndarray:
        """The team-local date (as YYYY-MM-DD) of each grid interval."""
        starts = self.week.grid.starts().tz_convert(self.week.zone)
        return np.asarray(starts.strftime("%Y-%m-%d"), dtype=object)

    @cached_property
    def requirement_cache(self) -> dict[tuple[Any, ...], QueueRequirement]:
        """Requirements already computed for a queue and its inputs (sweeps repeat them)."""
        return {}


def _statistic_columns(forecast: pd.DataFrame) -> list[str]:
    return [
        c for c in forecast.columns if c == "mean" or (c.startswith("q") and c[1:].replace(".", "").isdigit())
    ]


def _prepare(plan: BasePlan) -> dict[str, _QueueSeries]:
    """The forecast on the week grid as arrays, checked by the requirements step itself."""
    compute_requirements(plan.forecast, plan.team, statistic=plan.statistic)  # validates, names bad rows
    grid = plan.week.grid
    frame = plan.forecast
    stats = _statistic_columns(frame)
    region = (
        frame["region"].astype(str) if "region" in frame.columns else pd.Series(plan.team.tz, frame.index)
    )
    ds = pd.to_datetime(frame["ds"], utc=True)
    index = ((ds - pd.Timestamp(grid.start_utc)).dt.total_seconds() / grid.interval_s).to_numpy()
    inside = (index >= 0) & (index < grid.n_intervals)
    if not inside.any():
        raise InvalidInput(f"the forecast has no interval in the week of {plan.week.first_day}")
    aht = (
        pd.to_numeric(frame["aht_s"], errors="coerce").to_numpy(dtype=float)
        if "aht_s" in frame.columns
        else np.full(len(frame), np.nan)
    )
    out: dict[str, _QueueSeries] = {}
    for spec in plan.team.queues:
        mask = inside & (frame["queue"].astype(str) == spec.name).to_numpy()
        if not mask.any():
            continue
        positions = np.round(index[mask]).astype(np.int64)
        start, stop = (
            (0, grid.n_intervals) if spec.is_live else (int(positions.min()), int(positions.max()) + 1)
        )
        regions = tuple(sorted(set(region[mask])))
        r_index = {r: i for i, r in enumerate(regions)}
        rows = np.array([r_index[r] for r in region[mask]], dtype=np.int64)
        cols = positions - start
        shape = (len(regions), stop - start)
        volume = {}
        for stat in stats:
            values = np.zeros(shape)
            np.add.at(values, (rows, cols), pd.to_numeric(frame[stat], errors="coerce").to_numpy(float)[mask])
            volume[stat] = values
        aht_s = np.full(shape, np.nan)
        aht_s[rows, cols] = np.where(np.isnan(aht[mask]), spec.aht_s, aht[mask])
        present = np.zeros(shape, dtype=bool)
        present[rows, cols] = True
        out[spec.name] = _QueueSeries(start, stop, regions, volume, aht_s, present)
    return out


# ------------------------------------------------------------------------------------------- applying


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
    series = plan._series
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


# ------------------------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class ScenarioMetrics:
    """One row of the comparison. Service figures are None where no roster was measured.

    `asa_s` averages the intervals that are not overloaded (where ASA is unbounded); `by_queue` gives the
    share of a live queue's volume arriving in overloaded intervals as `overloaded_volume_share`.
    """

    name: str
    depth: str
    service_level: float | None
    asa_s: float | None
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
    s = plan._series[queue]
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
        cache[key] = queue_requirement(
            spec, volume, aht, interval_s=plan.week.grid.interval_s, shrinkage=shrinkage
        )
    return volume, aht, cache[key]


def requirement_arrays(plan: BasePlan, variant: Variant) -> dict[str, np.ndarray]:
    """The scenario's fractional need (agents scheduled, after shrinkage) per queue on the week grid:
    what a roster is asked to cover, as `requirements_to_arrays` reads it from the requirements file."""
    n = plan.week.grid.n_intervals
    out = {q.name: np.zeros(n) for q in variant.team.queues}
    for queue, s in plan._series.items():
        out[queue][s.start : s.stop] = _requirement(plan, variant, queue)[2].scheduled_needed_fractional
    return out


def variant_problem(plan: BasePlan, variant: Variant) -> Problem:
    """The scenario as a roster problem: its team, the week, its need, volume and handle time, and
    the availability of the agents it keeps."""
    n = plan.week.grid.n_intervals
    volume = {q.name: np.zeros(n) for q in variant.team.queues if q.name in plan._series}
    aht = {name: np.full(n, variant.team.queue(name).aht_s) for name in volume}
    for queue, s in plan._series.items():
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
    )


def _nan_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _queue_row(
    spec: QueueSpec, need_hours: float, volume: np.ndarray, report: ServiceReport | None
) -> dict[str, float | None]:
    """One queue's figures for the week: volume, need, and the service the roster gives."""
    week_volume = float(volume.sum())
    row: dict[str, float | None] = {"volume": week_volume, "required_agent_hours": need_hours}
    if report is None:
        return row
    w = report.week
    sl, asa = float(w.service_level), float(w.asa_s)
    if spec.is_live and not math.isfinite(asa):
        # some intervals are overloaded (ASA unbounded): average the others, and say how much
        finite = np.isfinite(report.asa_s) & (volume > 0)
        lost = float(volume[~finite & (volume > 0)].sum())
        asa = float((report.asa_s[finite] * volume[finite]).sum() / max(volume[finite].sum(), 1e-12))
        row["overloaded_volume_share"] = lost / week_volume if week_volume > 0 else 0.0
    row.update(
        service_level=_nan_none(sl),
        asa_s=_nan_none(asa),
        abandonment=_nan_none(float(w.abandon_probability)),
        occupancy=_nan_none(float(w.occupancy)),
    )
    return row


def _mean(rows: Sequence[dict[str, float | None]], key: str, weight: str) -> float | None:
    """The `weight`-weighted mean of `key` over the rows that have both (None when none does)."""
    pairs = [(r.get(key), r.get(weight)) for r in rows]
    used = [
        (float(v), float(w))
        for v, w in pairs
        if v is not None and w is not None and w > 0 and math.isfinite(v)
    ]
    total = sum(w for _, w in used)
    return sum(v * w for v, w in used) / total if total > 0 else None


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
    kept = None
    if roster is not None:
        kept = Roster(
            roster.team,
            roster.first_day,
            tuple(s for s in roster.shifts if s.agent_id not in variant.removed),
        )
    measured = None if kept is None else measure_roster(problem, kept)
    by_queue = {}
    for queue in plan._series:
        spec = variant.team.queue(queue)
        need_hours = float(problem.required[queue].sum()) * hours_per_interval
        report = None if measured is None else measured.service.get(queue)
        by_queue[queue] = _queue_row(spec, need_hours, problem.volume[queue], report)
    rows = list(by_queue.values())
    live = [r for q, r in by_queue.items() if variant.team.queue(q).is_live]
    required_hours = sum(float(v.sum()) for v in problem.required.values()) * hours_per_interval
    mean_hours = float(np.mean([a.max_hours_per_week for a in variant.team.agents]))
    common: dict[str, Any] = {
        "name": name,
        "depth": depth,
        "required_agent_hours": required_hours,
        "required_headcount": required_hours / mean_hours if mean_hours > 0 else math.inf,
        "headcount": len(variant.team.agents),
        "volume": float(sum(r["volume"] or 0.0 for r in rows)),
        "by_queue": by_queue,
        "roster_status": roster_status,
        "notes": variant.notes,
    }
    if kept is None or measured is None:
        return ScenarioMetrics(
            service_level=None,
            asa_s=None,
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
    hours = {a: h for a, h in summary.hours_by_agent.items() if h > 0}
    rates = {a: variant.pay.rate_of(a) for a in hours}
    priced = all(r is not None for r in rates.values()) and any(r is not None for r in rates.values())
    notes = variant.notes
    if not priced and any(r is not None for r in rates.values()):
        notes += ("some agents have no hourly rate: no cost",)
    return ScenarioMetrics(
        service_level=_mean(rows, "service_level", "volume"),
        asa_s=_mean(live, "asa_s", "volume"),
        abandonment=_mean(live, "abandonment", "volume"),
        occupancy=_occupancy(measured),
        understaffed_agent_hours=summary.understaffed_agent_hours,
        overstaffed_agent_hours=summary.overstaffed_agent_hours,
        paid_hours=sum(hours.values()),
        cost=sum(h * (rates[a] or 0.0) for a, h in hours.items()) if priced else None,
        scheduled_headcount=len(hours),
        shifts=len(kept.shifts),
        roster=kept,
        **{**common, "notes": notes},
    )


def _occupancy(measured: Measured) -> float | None:
    """All work handled over all productive agent time, over the queues."""
    busy = total = 0.0
    for report in measured.service.values():
        occ = float(report.week.occupancy)
        productive = float(report.productive_agents.sum())
        if math.isfinite(occ) and productive > 0:
            busy, total = busy + occ * productive, total + productive
    return busy / total if total > 0 else None


def evaluate(
    plan: BasePlan, scenario: Scenario, depth: Depth, settings: SolveSettings | None = None
) -> ScenarioMetrics:
    """One scenario at one depth.

    Raises:
        InvalidInput: a bad change (see `apply`).
        Infeasible: (re-roster) the scenario's team cannot keep the hard rules.
    """
    if depth not in DEPTHS:
        raise InvalidInput(f"depth must be one of {', '.join(DEPTHS)}, got {depth!r}")
    variant = apply(plan, scenario)
    if depth == "staffing":
        return measure(plan, variant, scenario.name, depth, plan.roster)
    problem = variant_problem(plan, variant)
    result = solve(problem, settings or SolveSettings(time_limit_s=5.0, workers=1))
    return measure(plan, variant, scenario.name, depth, result.roster, roster_status=result.status)


# ------------------------------------------------------------------------------------------- running

T = TypeVar("T")
R = TypeVar("R")
Task = tuple[BasePlan, Scenario, Depth, SolveSettings | None]


class Runner(Protocol):
    """Maps a picklable function over items, calling `on_done(index, result)` as each ends."""

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Results in the order of `items`."""
        ...


@dataclass(frozen=True)
class LocalRunner:
    """In this process (`workers` 1), or a local process pool of `workers` processes."""

    workers: int = 1

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Results in the order of `items`."""
        if self.workers <= 1 or len(items) <= 1:
            out = []
            for i, item in enumerate(items):
                out.append(fn(item))
                if on_done is not None:
                    on_done(i, out[-1])
            return out
        results: dict[int, Any] = {}
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        with ProcessPoolExecutor(max_workers=min(self.workers, len(items)), mp_context=context) as pool:
            pending: dict[Future[Any], int] = {pool.submit(fn, item): i for i, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    results[i] = future.result()
                    if on_done is not None:
                        on_done(i, results[i])
        return [results[i] for i in range(len(items))]


def run_task(task: Task) -> ScenarioMetrics:
    """Evaluate one (plan, scenario, depth, settings) task; the unit a runner ships to a worker."""
    plan, scenario, depth, settings = task
    return evaluate(plan, scenario, depth, settings)


@dataclass(frozen=True)
class ScenarioComparison:
    """The comparison table, base first, with deltas against the base."""

    rows: tuple[ScenarioMetrics, ...]

    def frame(self) -> pd.DataFrame:
        """One row per scenario: the metrics, then `delta_<metric>` against the base row."""
        records = [
            {"scenario": r.name, "depth": r.depth, **{m: getattr(r, m) for m in METRICS}} for r in self.rows
        ]
        frame = pd.DataFrame.from_records(records, columns=["scenario", "depth", *METRICS])
        for m in METRICS:
            values = pd.to_numeric(frame[m], errors="coerce").astype(float)
            frame[f"delta_{m}"] = values - values.iloc[0]
        return frame

    def records(self) -> list[dict[str, Any]]:
        """JSON-ready rows (None for missing figures), with deltas, per-queue figures and notes."""
        out = []
        frame = self.frame()
        for row, metrics in zip(frame.to_dict("records"), self.rows, strict=True):
            clean = {
                str(k): (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
            }
            clean.update(
                by_queue=metrics.by_queue,
                roster_status=metrics.roster_status,
                shifts=metrics.shifts,
                notes=list(metrics.notes),
            )
            out.append(clean)
        return out

    def to_csv(self) -> str:
        """The table as CSV (metrics and deltas)."""
        return self.frame().to_csv(index=False)


def compare(
    plan: BasePlan,
    scenarios: Sequence[Scenario],
    depth: Depth,
    *,
    settings: SolveSettings | None = None,
    runner: Runner | None = None,
    on_progress: Callable[[int, int, ScenarioMetrics], None] | None = None,
) -> ScenarioComparison:
    """The base and every scenario at `depth`, base first.

    All scenarios are applied once here first, so a bad one fails before any solve starts. The base row
    measures the plan's roster; at the re-roster depth without one, the base is solved like a scenario.

    Raises:
        InvalidInput: a bad scenario (none is run), repeated names.
    """
    names = [s.name for s in scenarios]
    repeated = sorted({n for n in names if names.count(n) > 1 or n == BASE_NAME})
    if repeated:
        raise InvalidInput(f"scenario names must be unique and not {BASE_NAME!r}: {', '.join(repeated)}")
    for scenario in scenarios:
        apply(plan, scenario)
    base = Scenario(BASE_NAME)
    tasks: list[Task] = []
    if depth == "reroster" and plan.roster is None:
        tasks.append((plan, base, depth, settings))
    tasks += [(plan, s, depth, settings) for s in scenarios]
    total = len(tasks) + (0 if tasks and tasks[0][1] is base else 1)

    done = [0]

    def progress(_i: int, result: ScenarioMetrics) -> None:
        done[0] += 1
        if on_progress is not None:
            on_progress(done[0], total, result)

    rows: list[ScenarioMetrics] = []
    if not (tasks and tasks[0][1] is base):
        first = measure(plan, apply(plan, base), BASE_NAME, "staffing", plan.roster)
        rows.append(first)
        progress(0, first)
    rows += (runner or LocalRunner()).map(run_task, tasks, progress)
    return ScenarioComparison(tuple(rows))


# ------------------------------------------------------------------------------------------- reading


def change_from_mapping(data: Mapping[str, Any], where: str = "change") -> Change:
    """A change from a YAML/JSON mapping: `kind` (volume, aht, target, ...) and that change's fields.

    Raises:
        InvalidInput: an unknown kind or field, or a value of the wrong type.
    """
    if not isinstance(data, Mapping) or "kind" not in data:
        raise InvalidInput(f"{where}: a change needs a 'kind', one of {', '.join(CHANGE_KINDS)}")
    kind = str(data["kind"])
    cls = CHANGE_KINDS.get(kind)
    if cls is None:
        raise InvalidInput(f"{where}: unknown change kind {kind!r}; use one of {', '.join(CHANGE_KINDS)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields) - {"kind"})
    if unknown:
        raise InvalidInput(f"{where}: {kind} has no field {', '.join(unknown)}; it has {', '.join(fields)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind":
            continue
        values[name] = _typed(value, str(fields[name].type), f"{where}.{name}")
    try:
        return cls(**values)  # type: ignore[no-any-return]
    except TypeError as exc:
        raise InvalidInput(f"{where}: {kind} {exc}") from exc


def _typed(value: Any, annotation: str, where: str) -> Any:
    if value is None:
        if "None" in annotation:
            return None
        raise InvalidInput(f"{where}: a value is needed")
    if annotation.startswith("tuple"):
        items = [value] if isinstance(value, str | int | float) else value
        if not isinstance(items, list | tuple):
            raise InvalidInput(f"{where}: give a list")
        inner = "float" if "float" in annotation else "str"
        return tuple(_typed(v, inner, where) for v in items)
    if annotation.startswith("float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{where}: {value!r} is not a number")
        return float(value)
    if annotation.startswith("int"):
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        ):
            raise InvalidInput(f"{where}: {value!r} is not a whole number")
        return int(value)
    if isinstance(value, dict | list):
        raise InvalidInput(f"{where}: {value!r} is not text")
    return str(value)


def scenario_from_mapping(data: Mapping[str, Any], where: str = "scenario") -> Scenario:
    """A scenario from `{name, changes: [...]}`."""
    if not isinstance(data, Mapping) or not str(data.get("name", "")).strip():
        raise InvalidInput(f"{where}: a scenario needs a name")
    unknown = sorted(set(data) - {"name", "changes"})
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s) {', '.join(unknown)}; a scenario has name and changes")
    changes = data.get("changes") or []
    if not isinstance(changes, list):
        raise InvalidInput(f"{where}.changes: give a list of changes")
    name = str(data["name"]).strip()
    return Scenario(
        name, tuple(change_from_mapping(c, f"{where} {name!r}.changes[{i}]") for i, c in enumerate(changes))
    )


SWEEP_AXES: dict[str, Callable[[Any], Change]] = {
    "volume": lambda x: VolumeChange(multiplier=x),
    "aht_add_s": lambda x: AhtChange(add_s=x),
    "aht_multiplier": lambda x: AhtChange(multiplier=x),
    "service_level": lambda x: TargetChange(service_level=x),
    "target_answer_s": lambda x: TargetChange(target_answer_s=x),
    "response_hours": lambda x: TargetChange(response_hours=x),
    "shrinkage": lambda x: ShrinkageChange(shrinkage=x),
    "max_occupancy": lambda x: OccupancyChange(max_occupancy=x),
    "headcount": lambda x: Headcount(agents=x),
    "statistic": lambda x: StatisticChange(statistic=x),
}
_AXIS_TYPES = {"headcount": "int", "statistic": "str"}


def sweep(axes: Mapping[str, Sequence[Any]], limit: int = 10_000) -> list[Scenario]:
    """Every combination of the axes' values, e.g. `{"volume": [0.8, 1.0, 1.2], "headcount": [12, 14]}`.

    Raises:
        InvalidInput: an unknown axis, an empty one, or more than `limit` scenarios.
    """
    if not axes:
        raise InvalidInput(f"a sweep needs at least one axis: {', '.join(SWEEP_AXES)}")
    unknown = sorted(set(axes) - set(SWEEP_AXES))
    if unknown:
        raise InvalidInput(f"unknown sweep axis {', '.join(unknown)}; use {', '.join(SWEEP_AXES)}")
    typed: dict[str, list[Any]] = {}
    for name, values in axes.items():
        if not isinstance(values, list | tuple) or not values:
            raise InvalidInput(f"sweep axis {name!r}: give a non-empty list of values")
        typed[name] = [_typed(v, _AXIS_TYPES.get(name, "float"), f"sweep.{name}") for v in values]
    size = math.prod(len(v) for v in typed.values())
    if size > limit:
        raise InvalidInput(f"the sweep has {size} scenarios; at most {limit} are allowed")
    out = []
    for combo in itertools.product(*typed.values()):
        name = ", ".join(
            f"{axis}={value:g}" if isinstance(value, float) else f"{axis}={value}"
            for axis, value in zip(typed, combo, strict=True)
        )
        out.append(
            Scenario(name, tuple(SWEEP_AXES[axis](value) for axis, value in zip(typed, combo, strict=True)))
        )
    return out


def pay_from_mapping(data: Mapping[str, Any] | None) -> Pay:
    """Pay from `{default_hourly_rate, agents: {id: rate}, contracts: {name: {...}}, agent_contracts: {id: name}}`."""
    if not data:
        return Pay()
    unknown = sorted(set(data) - {"default_hourly_rate", "agents", "contracts", "agent_contracts"})
    if unknown:
        raise InvalidInput(f"pay: unknown field(s) {', '.join(unknown)}")
    contracts = {}
    for name, c in (data.get("contracts") or {}).items():
        extra = sorted(set(c) - {"min_hours_per_week", "max_hours_per_week", "hourly_rate"})
        if extra:
            raise InvalidInput(f"pay.contracts.{name}: unknown field(s) {', '.join(extra)}")
        contracts[str(name)] = Contract(
            **{k: _typed(v, "float | None", f"pay.contracts.{name}.{k}") for k, v in c.items()}
        )
    default = data.get("default_hourly_rate")
    return Pay(
        default_hourly_rate=None if default is None else _typed(default, "float", "pay.default_hourly_rate"),
        agent_rates={
            str(k): _typed(v, "float", f"pay.agents.{k}") for k, v in (data.get("agents") or {}).items()
        },
        contracts=contracts,
        agent_contracts={str(k): str(v) for k, v in (data.get("agent_contracts") or {}).items()},
    )


def forecast_from_requirements(requirements: pd.DataFrame, team: Team) -> pd.DataFrame:
    """A forecast-contract frame (statistic `mean`, one region: the team's zone) from requirements rows,
    for a plan whose base is requirements rather than a forecast."""
    return pd.DataFrame(
        {
            "queue": requirements["queue"].astype(str),
            "region": team.tz,
            "ds": requirements["ds"],
            "mean": pd.to_numeric(requirements["volume"]),
            "aht_s": pd.to_numeric(requirements["aht_s"]),
        }
    )

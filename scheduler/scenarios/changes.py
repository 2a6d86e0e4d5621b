"""The changes a scenario makes to the base plan, one small frozen dataclass per kind, and the scenario."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
class MinAgentsChange:
    """Agents wanted on a live queue whenever its contacts are forecast (`QueueSpec.min_agents`: 1
    keeps a quiet phone line open), on one queue or every live one."""

    min_agents: int
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
    | MinAgentsChange
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
    "min_agents": MinAgentsChange,
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

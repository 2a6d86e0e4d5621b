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

The package by role: `changes` (one dataclass per change kind), `plan` (the base plan, its forecast on
the week grid, pay), `variants` (`apply`: a table of change functions), `measures` (a variant's need,
roster problem and comparison row), `runners` (`evaluate`, `compare`, `LocalRunner`) and `reading`
(scenarios, sweeps and pay from YAML/JSON).
"""

from __future__ import annotations

from scheduler.scenarios.changes import (
    CHANGE_KINDS,
    AddAgents,
    AhtChange,
    Change,
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
from scheduler.scenarios.measures import (
    METRICS,
    NOTHING_MEASURED,
    ScenarioMetrics,
    measure,
    requirement_arrays,
    variant_problem,
)
from scheduler.scenarios.plan import (
    BasePlan,
    Contract,
    LeadIn,
    Pay,
    QueueSeries,
    carried_into_the_week,
    forecast_from_requirements,
    lead_in_from,
)
from scheduler.scenarios.reading import (
    SWEEP_AXES,
    change_from_mapping,
    pay_from_mapping,
    scenario_from_mapping,
    sweep,
)
from scheduler.scenarios.runners import (
    BASE_NAME,
    DEPTHS,
    NO_ROSTER,
    Depth,
    LocalRunner,
    Runner,
    ScenarioComparison,
    Task,
    compare,
    evaluate,
    run_task,
)
from scheduler.scenarios.variants import (
    Variant,
    apply,
)

__all__ = [
    "BASE_NAME",
    "CHANGE_KINDS",
    "DEPTHS",
    "METRICS",
    "NOTHING_MEASURED",
    "NO_ROSTER",
    "SWEEP_AXES",
    "AddAgents",
    "AhtChange",
    "BasePlan",
    "Change",
    "Contract",
    "Depth",
    "Headcount",
    "LeadIn",
    "LocalRunner",
    "MinAgentsChange",
    "OccupancyChange",
    "Pay",
    "QueueSeries",
    "RemoveAgents",
    "Runner",
    "Scenario",
    "ScenarioComparison",
    "ScenarioMetrics",
    "ShiftRuleChange",
    "ShrinkageChange",
    "StatisticChange",
    "TargetChange",
    "Task",
    "Variant",
    "VolumeChange",
    "apply",
    "carried_into_the_week",
    "change_from_mapping",
    "compare",
    "evaluate",
    "forecast_from_requirements",
    "lead_in_from",
    "measure",
    "pay_from_mapping",
    "requirement_arrays",
    "run_task",
    "scenario_from_mapping",
    "sweep",
    "variant_problem",
]

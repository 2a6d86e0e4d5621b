"""The scheduler's public API: staffing, the roster engine, day-level branch and price, scenarios.

Everything the edge (`api/`) and a library user need is importable from here (`from scheduler import
solve, Problem`); the subpackages hold the rest: `staffing` (Erlang C/A, chat, async backlog,
requirements), `roster` (problem, model, search, bounds, solve, checker, report), `daylevel` (branch
and price for problems planned by the day) and `scenarios` (what-if changes and their measures).
Names load on first use, so `import scheduler` stays cheap for a command that needs little of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.daylevel.engine import assignment_of, to_problem
    from scheduler.domain import (
        AVAILABILITY_KINDS,
        WEEKDAYS,
        Activity,
        Agent,
        AvailabilityEntry,
        BreakRule,
        LabourRules,
        QueueSpan,
        QueueSpec,
        Roster,
        Shift,
        ShiftCover,
        ShiftRequest,
        ShiftRules,
        ShiftType,
        Team,
        Weights,
    )
    from scheduler.roster.candidates import agent_calendar, build_candidates, entry_span_utc
    from scheduler.roster.cover import CoverOption, cover_options
    from scheduler.roster.problem import (
        Problem,
        min_hours_after_time_off,
        planning_week,
        problem_from_requirements,
        requirements_to_arrays,
    )
    from scheduler.roster.report import (
        Change,
        QueueDay,
        RosterSummary,
        coverage_frame,
        measure,
        roster_changes,
        summarize,
    )
    from scheduler.roster.solve import Progress, RosterResult, SolveSettings, solve
    from scheduler.roster.tradeoffs import too_small_lines, tradeoff_lines, unattended_lines
    from scheduler.roster.validate import Violation, check_roster
    from scheduler.sample import sample_availability, sample_history, sample_team
    from scheduler.scenarios import (
        DEPTHS,
        BasePlan,
        Depth,
        LocalRunner,
        Pay,
        Runner,
        Scenario,
        ScenarioMetrics,
        apply,
        compare,
        forecast_from_requirements,
        pay_from_mapping,
        scenario_from_mapping,
        sweep,
    )
    from scheduler.staffing import (
        erlang_a_required,
        erlang_c_required,
        live_metrics,
        queue_requirement,
        service_metrics,
        traffic_erlangs,
    )
    from scheduler.staffing.requirements import REQUIREMENT_COLUMNS, compute_requirements, with_lead_in

_HOME: dict[str, str] = {
    "AVAILABILITY_KINDS": "scheduler.domain",
    "Activity": "scheduler.domain",
    "Agent": "scheduler.domain",
    "AvailabilityEntry": "scheduler.domain",
    "BreakRule": "scheduler.domain",
    "LabourRules": "scheduler.domain",
    "QueueSpan": "scheduler.domain",
    "QueueSpec": "scheduler.domain",
    "Roster": "scheduler.domain",
    "Shift": "scheduler.domain",
    "ShiftCover": "scheduler.domain",
    "ShiftRequest": "scheduler.domain",
    "ShiftRules": "scheduler.domain",
    "ShiftType": "scheduler.domain",
    "Team": "scheduler.domain",
    "WEEKDAYS": "scheduler.domain",
    "Weights": "scheduler.domain",
    "erlang_a_required": "scheduler.staffing",
    "erlang_c_required": "scheduler.staffing",
    "live_metrics": "scheduler.staffing",
    "queue_requirement": "scheduler.staffing",
    "service_metrics": "scheduler.staffing",
    "traffic_erlangs": "scheduler.staffing",
    "REQUIREMENT_COLUMNS": "scheduler.staffing.requirements",
    "compute_requirements": "scheduler.staffing.requirements",
    "Problem": "scheduler.roster.problem",
    "min_hours_after_time_off": "scheduler.roster.problem",
    "requirements_to_arrays": "scheduler.roster.problem",
    "problem_from_requirements": "scheduler.roster.problem",
    "planning_week": "scheduler.roster.problem",
    "carried_in_from": "scheduler.roster.problem",
    "with_lead_in": "scheduler.staffing.requirements",
    "agent_calendar": "scheduler.roster.candidates",
    "build_candidates": "scheduler.roster.candidates",
    "entry_span_utc": "scheduler.roster.candidates",
    "Progress": "scheduler.roster.solve",
    "RosterResult": "scheduler.roster.solve",
    "SolveSettings": "scheduler.roster.solve",
    "solve": "scheduler.roster.solve",
    "Violation": "scheduler.roster.validate",
    "check_roster": "scheduler.roster.validate",
    "CoverOption": "scheduler.roster.cover",
    "cover_options": "scheduler.roster.cover",
    "Change": "scheduler.roster.report",
    "coverage_frame": "scheduler.roster.report",
    "QueueDay": "scheduler.roster.report",
    "RosterSummary": "scheduler.roster.report",
    "measure": "scheduler.roster.report",
    "roster_changes": "scheduler.roster.report",
    "summarize": "scheduler.roster.report",
    "tradeoff_lines": "scheduler.roster.tradeoffs",
    "unattended_lines": "scheduler.roster.tradeoffs",
    "too_small_lines": "scheduler.roster.tradeoffs",
    "assignment_of": "scheduler.daylevel.engine",
    "to_problem": "scheduler.daylevel.engine",
    "BasePlan": "scheduler.scenarios",
    "DEPTHS": "scheduler.scenarios",
    "Depth": "scheduler.scenarios",
    "LocalRunner": "scheduler.scenarios",
    "Pay": "scheduler.scenarios",
    "Runner": "scheduler.scenarios",
    "Scenario": "scheduler.scenarios",
    "ScenarioMetrics": "scheduler.scenarios",
    "apply": "scheduler.scenarios",
    "compare": "scheduler.scenarios",
    "forecast_from_requirements": "scheduler.scenarios",
    "pay_from_mapping": "scheduler.scenarios",
    "scenario_from_mapping": "scheduler.scenarios",
    "sweep": "scheduler.scenarios",
    "sample_availability": "scheduler.sample",
    "sample_history": "scheduler.sample",
    "sample_team": "scheduler.sample",
}

__all__ = [
    "AVAILABILITY_KINDS",
    "DEPTHS",
    "REQUIREMENT_COLUMNS",
    "WEEKDAYS",
    "Activity",
    "Agent",
    "AvailabilityEntry",
    "BasePlan",
    "BreakRule",
    "Change",
    "CoverOption",
    "Depth",
    "LabourRules",
    "LocalRunner",
    "Pay",
    "Problem",
    "Progress",
    "QueueDay",
    "QueueSpan",
    "QueueSpec",
    "Roster",
    "RosterResult",
    "RosterSummary",
    "Runner",
    "Scenario",
    "ScenarioMetrics",
    "Shift",
    "ShiftCover",
    "ShiftRequest",
    "ShiftRules",
    "ShiftType",
    "SolveSettings",
    "Team",
    "Violation",
    "Weights",
    "agent_calendar",
    "apply",
    "assignment_of",
    "build_candidates",
    "carried_in_from",
    "check_roster",
    "compare",
    "compute_requirements",
    "cover_options",
    "coverage_frame",
    "entry_span_utc",
    "erlang_a_required",
    "erlang_c_required",
    "forecast_from_requirements",
    "live_metrics",
    "measure",
    "min_hours_after_time_off",
    "pay_from_mapping",
    "planning_week",
    "problem_from_requirements",
    "queue_requirement",
    "requirements_to_arrays",
    "roster_changes",
    "sample_availability",
    "sample_history",
    "sample_team",
    "scenario_from_mapping",
    "service_metrics",
    "solve",
    "summarize",
    "sweep",
    "to_problem",
    "too_small_lines",
    "tradeoff_lines",
    "traffic_erlangs",
    "unattended_lines",
    "with_lead_in",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value

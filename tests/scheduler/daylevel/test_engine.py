"""The roster engine on the Curtois benchmark: its rules and objective are the published ones.

On random instances and random rosters, the engine's checker (`scheduler/roster/validate.py`) finds the
same broken rules, employee by employee, as the evaluator written from the benchmark's
definition (`benchmarks/curtois_eval.py`), and the engine's soft rules score a roster as the
evaluator does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from api.curtois_files import read_instance
from benchmarks.curtois_eval import evaluate
from scheduler.daylevel.engine import engine_model, to_problem
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.problem import shifts_of
from scheduler.roster.objective import SOFT_RULES, model_objective
from scheduler.roster.validate import check_roster
from tests.scheduler.daylevel.factories import small_instances

INSTANCES = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "curtois" / "instances"
Roster = dict[tuple[str, int], str]

# the evaluator's wording of each hard rule, and the engine checker's name for it
RULE_OF_WORDING = (
    ("must not follow", "shift succession"),
    ("times, more than the maximum", "shifts by type"),
    ("minutes, more than the maximum", "hours in horizon"),
    ("minutes, less than the minimum", "hours in horizon"),
    ("days in a row from day", "consecutive days"),
    ("day(s) in a row from day", "working days in runs"),
    ("day(s) off in a row", "days off in blocks"),
    ("weekends, more than", "weekends"),
    ("a day off", "availability"),
)


def _evaluator_rules(instance: Instance, roster: Roster) -> set[tuple[str, str]]:
    out = set()
    for message in evaluate(instance, roster).hard_violations:
        who = message.split(":")[0].removeprefix("employee ")
        rule = next(rule for wording, rule in RULE_OF_WORDING if wording in message)
        if rule == "consecutive days" and "fewer than" in message:
            rule = "working days in runs"
        out.add((who, rule))
    return out


def _engine_rules(instance: Instance, roster: Roster) -> set[tuple[str, str]]:
    problem = to_problem(instance)
    return {(v.agent_id, v.rule) for v in check_roster(problem, shifts_of(problem, roster))}


def _engine_objective(instance: Instance, roster: Roster) -> int | None:
    """The engine's soft rules on the roster (None when it works a fixed day off: no such shift)."""
    engine = engine_model(instance, SOFT_RULES)
    if any((who, day, shift) not in engine.x for (who, day), shift in roster.items()):
        return None
    for (who, day, shift), x in engine.x.items():
        engine.model.add(x == int(roster.get((who, day)) == shift))
    engine.model.minimize(model_objective(engine.penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(engine.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@st.composite
def instances_and_rosters(draw: st.DrawFn) -> tuple[Instance, Roster]:
    instance = draw(small_instances())
    roster: Roster = {}
    for staff in instance.staff:
        for day in range(instance.horizon_days):
            shift = draw(st.sampled_from([None, None, *instance.shift_ids]))
            if shift is not None:
                roster[(staff.id, day)] = shift
    return instance, roster


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_and_rosters())
def test_the_engine_breaks_and_scores_as_the_published_definition(case: tuple[Instance, Roster]) -> None:
    instance, roster = case
    assert _engine_rules(instance, roster) == _evaluator_rules(instance, roster)
    objective = _engine_objective(instance, roster)
    if objective is not None:
        assert objective == evaluate(instance, roster).objective


def _instance1() -> Instance:
    path = INSTANCES / "Instance1.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    return read_instance(path)


def test_the_engine_scores_instance1_everyone_off_7137() -> None:
    assert _engine_objective(_instance1(), {}) == 7137


def test_the_engine_scores_instance1_nurse_a_on_days_2_and_3_6933() -> None:
    assert _engine_objective(_instance1(), {("A", 2): "D", ("A", 3): "D"}) == 6933


def test_the_engines_model_solves_instance1_to_its_best_known_value() -> None:
    engine = engine_model(_instance1())
    engine.model.minimize(model_objective(engine.penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(engine.model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == 607
    roster = engine.assignment(solver)
    assert evaluate(_instance1(), roster).hard_violations == []
    assert _engine_rules(_instance1(), roster) == set()

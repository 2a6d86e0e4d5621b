"""The Curtois benchmark: reader, solution CSV, the independent evaluator, and the roster engine on it.

Each hard constraint has a hand-built roster that breaks it and nothing else: the evaluator must
name it, the engine's checker must find one broken rule, the engine's model with that roster
fixed must be infeasible, and the model without that rule must accept it (so the engine's rule
function, not another one, is what rejects it).
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model
from typer.testing import CliRunner

from api.cli import app
from api.curtois_files import parse_instance, read_instance, read_solution_csv, write_solution_csv
from benchmarks.curtois_eval import evaluate
from common.errors import Infeasible, InvalidInput
from scheduler.daylevel import branch as cb
from scheduler.daylevel import columns as cm
from scheduler.daylevel import search as cs
from scheduler.daylevel.engine import engine_model, to_problem
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.lagrangian import PRICE_SCALE
from scheduler.daylevel.master import MasterLP
from scheduler.daylevel.pricing import Column
from scheduler.daylevel.problem import shifts_of
from scheduler.roster import model, rules
from scheduler.roster.objective import model_objective
from scheduler.roster.validate import check_roster
from scheduler.roster.variables import Rule
from tests.scheduler.daylevel.factories import small_instances

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "curtois"
INSTANCES = DATA / "instances"

Roster = dict[tuple[str, int], str]


def _benchmark(name: str) -> Instance:
    path = INSTANCES / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    return read_instance(path)


# --- the published hand checks ---------------------------------------------------------------


def test_instance1_everyone_off_scores_7137() -> None:
    assert evaluate(_benchmark("Instance1"), {}).objective == 7137


def test_instance1_nurse_a_on_days_2_and_3_scores_6933() -> None:
    # Instance1 has one shift type, D: two more nurses on days 2 and 3 (-200) and A's two on-requests (-4)
    assert evaluate(_benchmark("Instance1"), {("A", 2): "D", ("A", 3): "D"}).objective == 6933


@pytest.mark.parametrize("number", range(1, 25))
def test_every_instance_reads_and_matches_its_published_size(number: int) -> None:
    instance = _benchmark(f"Instance{number}")
    sizes = {1: (14, 8, 1), 8: (28, 30, 4), 12: (28, 60, 10), 24: (364, 150, 32)}
    if number in sizes:
        assert (instance.horizon_days, len(instance.staff), len(instance.shifts)) == sizes[number]
    assert instance.cover
    assert all(0 <= c.day < instance.horizon_days for c in instance.cover)


@pytest.mark.parametrize(
    ("number", "empty"), [(1, 7137), (2, 10882), (7, 31728), (12, 101241), (24, 2278033)]
)
def test_empty_roster_penalty_matches_the_readme_table(number: int, empty: int) -> None:
    assert evaluate(_benchmark(f"Instance{number}"), {}).objective == empty


# --- a small hand-built instance ---------------------------------------------------------------

BASE_STAFF = "A,E=14|L=3,4800,960,4,2,2,1"  # max 10 shifts, min 2, runs 2..4, off runs >= 2, 1 weekend
# E on days 0-3 (touches the start) and 8-9; day 10 is a fixed day off; no weekend worked
BASE_ROSTER: Roster = {("A", d): "E" for d in (0, 1, 2, 3, 8, 9)}


def _small(staff: str = BASE_STAFF, days_off: str = "A,10") -> Instance:
    cover = "\n".join(f"{d},E,1,100,1\n{d},L,0,100,1" for d in range(14))
    text = f"""# a hand-built instance: two weeks, one employee
SECTION_HORIZON
14

SECTION_SHIFTS
E,480,
L,480,E

SECTION_STAFF
{staff}
B,E=14|L=14,6720,0,14,1,1,2

SECTION_DAYS_OFF
{days_off}

SECTION_SHIFT_ON_REQUESTS
A,8,E,2

SECTION_SHIFT_OFF_REQUESTS
A,9,E,3

SECTION_COVER
{cover}
"""
    return parse_instance(text, "small.txt")


def _roster(days: dict[int, str]) -> Roster:
    return {("A", d): s for d, s in days.items()}


# name, staff line, roster (all breaking exactly one hard rule), the rule function, evaluator wording
VIOLATIONS = [
    (
        "succession",
        BASE_STAFF,
        {**_roster({8: "L", 9: "E"}), **_roster({0: "E", 1: "E", 2: "E", 3: "E"})},
        rules.add_forbidden_successions,
        "must not follow",
    ),
    (
        "max per type",
        BASE_STAFF,
        _roster({0: "L", 1: "L", 2: "L", 3: "L", 8: "E", 9: "E"}),
        rules.add_max_shifts_by_type,
        "more than the maximum 3",
    ),
    (
        "max total minutes",
        "A,E=14|L=3,2400,960,4,2,2,1",
        BASE_ROSTER,
        rules.add_hours_in_horizon,
        "more than the maximum 2400",
    ),
    (
        "min total minutes",
        "A,E=14|L=3,4800,3360,4,2,2,1",
        BASE_ROSTER,
        rules.add_hours_in_horizon,
        "less than the minimum 3360",
    ),
    (
        "max consecutive",
        BASE_STAFF,
        _roster({0: "E", 1: "E", 2: "E", 3: "E", 4: "E", 8: "E", 9: "E"}),
        rules.add_max_consecutive_days,
        "5 days in a row",
    ),
    (
        "min consecutive",
        BASE_STAFF,
        {**BASE_ROSTER, ("A", 12): "E"},
        rules.add_min_consecutive_days_worked,
        "only 1 day(s) in a row",
    ),
    (
        "min days off",
        BASE_STAFF,
        _roster({0: "E", 1: "E", 3: "E", 4: "E", 8: "E", 9: "E"}),
        rules.add_min_consecutive_days_off,
        "only 1 day(s) off",
    ),
    (
        "max weekends",
        BASE_STAFF,
        _roster({0: "E", 1: "E", 5: "E", 6: "E", 12: "E", 13: "E"}),
        rules.add_max_weekends_worked,
        "2 weekends",
    ),
    ("days off", BASE_STAFF, {**BASE_ROSTER, ("A", 10): "E"}, None, "a day off"),
]
VIOLATION_IDS = [v[0] for v in VIOLATIONS]


def _fixed_model_status(
    instance: Instance, roster: Roster, rules: tuple[Rule, ...]
) -> cp_model.CpSolverStatus:
    """Solve the engine's model with employee A fixed to `roster` (employee B stays free); a shift
    the model has no variable for (a fixed day off: the availability took it away) is infeasible."""
    engine = engine_model(instance, rules)
    if any(("A", day, shift) not in engine.x for (who, day), shift in roster.items() if who == "A"):
        return cp_model.INFEASIBLE
    m = engine.model
    for (who, day, shift), x in engine.x.items():
        if who == "A":
            m.add(x == int(roster.get((who, day)) == shift))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    return solver.solve(m)


def test_base_roster_breaks_no_hard_rule() -> None:
    instance = _small()
    assert evaluate(instance, BASE_ROSTER).hard_violations == []
    assert _fixed_model_status(instance, BASE_ROSTER, model.RULES) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(("name", "staff", "roster", "rule", "words"), VIOLATIONS, ids=VIOLATION_IDS)
def test_evaluator_names_the_one_broken_rule(
    name: str, staff: str, roster: Roster, rule: Rule | None, words: str
) -> None:
    violations = evaluate(_small(staff), roster).hard_violations
    assert len(violations) == 1, violations
    assert words in violations[0]


@pytest.mark.parametrize(("name", "staff", "roster", "rule", "words"), VIOLATIONS, ids=VIOLATION_IDS)
def test_engine_rule_rejects_the_roster_and_only_that_rule(
    name: str, staff: str, roster: Roster, rule: Rule | None, words: str
) -> None:
    """The engine's rule (fixed days off: the availability) rejects it, and nothing else does."""
    instance = _small(staff)
    assert _fixed_model_status(instance, roster, model.RULES) == cp_model.INFEASIBLE
    if rule is None:
        without_days_off = replace(
            instance, staff=tuple(replace(s, days_off=frozenset()) for s in instance.staff)
        )
        status = _fixed_model_status(without_days_off, roster, model.RULES)
    else:
        status = _fixed_model_status(instance, roster, tuple(r for r in model.RULES if r is not rule))
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(("name", "staff", "roster", "rule", "words"), VIOLATIONS, ids=VIOLATION_IDS)
def test_engine_checker_finds_the_one_broken_rule(
    name: str, staff: str, roster: Roster, rule: Rule | None, words: str
) -> None:
    instance = _small(staff)
    problem = to_problem(instance)
    violations = check_roster(problem, shifts_of(problem, roster))
    assert len({v.rule for v in violations}) == 1, violations
    assert {v.agent_id for v in violations} == {"A"}


def test_two_shifts_on_one_day_break_the_first_hard_rule() -> None:
    instance = _small()
    rows = [("A", d, "E") for d in (0, 1, 2, 3, 8, 9, 13)] + [("A", 13, "L")]
    violations = evaluate(instance, rows).hard_violations
    assert violations == ["employee A: works more than one shift on day 13 (E and L)"]
    engine = engine_model(instance, (rules.add_one_shift_a_day,))
    engine.model.add(engine.x[("A", 13, "E")] == 1)
    engine.model.add(engine.x[("A", 13, "L")] == 1)
    assert cp_model.CpSolver().solve(engine.model) == cp_model.INFEASIBLE


@pytest.mark.parametrize(
    "roster",
    [
        {**BASE_ROSTER, ("A", 13): "E"},  # a single shift on the last day: the run touches the border
        _roster({0: "E", 3: "E", 4: "E", 8: "E", 9: "E"}),  # a single shift on day 0 touches the start
        _roster({1: "E", 2: "E", 3: "E", 8: "E", 9: "E"}),  # one day off at the start is exempt
        _roster({0: "E", 1: "E", 2: "E", 7: "E", 8: "E", 11: "E", 12: "E"}),  # one day off at the end
    ],
    ids=[
        "short run at the end",
        "short run at the start",
        "short rest at the start",
        "short rest at the end",
    ],
)
def test_runs_touching_the_horizon_are_exempt_from_the_minimums(roster: Roster) -> None:
    instance = _small()
    assert evaluate(instance, roster).hard_violations == []
    assert _fixed_model_status(instance, roster, model.RULES) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    problem = to_problem(instance)
    assert check_roster(problem, shifts_of(problem, roster)) == []


def test_breakdown_counts_requests_and_cover() -> None:
    instance = _small()
    roster = {**BASE_ROSTER, ("B", 0): "E", ("B", 1): "L"}
    result = evaluate(instance, roster)
    # A grants the on-request on day 8 but works the off-request day 9 (3); days 4-7, 10-13 lack E
    # (8 x 100); day 0 has two on E (1); day 1 has one on L against 0 required (1)
    assert result.breakdown == {
        "shift-on requests not granted": 0,
        "shift-off requests not granted": 3,
        "under cover": 800,
        "over cover": 2,
    }
    assert result.objective == 805


# --- reader errors and the solution CSV --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("SECTION_HORIZON\n7\nSECTION_BOGUS\n", "line 3: unknown section"),
        ("7\n", "line 1: data before the first SECTION_ header"),
        ("SECTION_HORIZON\n7\n", "missing section(s) SECTION_SHIFTS"),
    ],
)
def test_bad_files_name_the_line_and_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_instance(text, "bad.txt")
    assert "bad.txt" in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("A,8,E,2", "A,8,N,2", "unknown shift type 'N'"),
        ("A,8,E,2", "Z,8,E,2", "unknown employee 'Z'"),
        ("A,8,E,2", "A,14,E,2", "day 14 is outside the horizon"),
        ("L,480,E", "L,480,N", "forbids unknown shift type(s) N"),
        ("A,10", "A,x", "a day index must be a whole number"),
        ("0,E,1,100,1", "0,E,1,100", "expected 5 fields"),
        (
            "SECTION_HORIZON\n14",
            "SECTION_HORIZON\nseven",
            "line 2: the horizon (days) must be a whole number",
        ),
    ],
)
def test_bad_lines_in_a_real_layout_are_named(tmp_path: Path, old: str, new: str, reason: str) -> None:
    good = _small()
    assert good.horizon_days == 14
    path = tmp_path / "broken.txt"
    cover = "\n".join(f"{d},E,1,100,1\n{d},L,0,100,1" for d in range(14))
    text = (
        "SECTION_HORIZON\n14\nSECTION_SHIFTS\nE,480,\nL,480,E\nSECTION_STAFF\n"
        f"{BASE_STAFF}\nSECTION_DAYS_OFF\nA,10\nSECTION_SHIFT_ON_REQUESTS\nA,8,E,2\n"
        f"SECTION_SHIFT_OFF_REQUESTS\nSECTION_COVER\n{cover}\n"
    )
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(InvalidInput) as caught:
        read_instance(path)
    assert str(path) in str(caught.value)
    assert "line " in str(caught.value)
    assert reason in str(caught.value)


def test_solution_csv_round_trips(tmp_path: Path) -> None:
    instance = _small()
    roster = {**BASE_ROSTER, ("B", 4): "L"}
    path = tmp_path / "solution.csv"
    write_solution_csv(roster, path)
    assert path.read_text().splitlines()[:2] == ["employee,day,shift", "A,0,E"]
    assert read_solution_csv(path, instance) == roster


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("employee,day,shift\nA,0,E\nA,0,L\n", "A works day 0 twice"),
        ("employee,day,shift\nA,zero,E\n", "day must be a whole number"),
        ("employee,day,shift\nZ,0,E\n", "unknown employee"),
        ("employee,day,shift\nA,14,E\n", "day outside the horizon"),
        ("who,when,what\nA,0,E\n", "the header must be employee,day,shift"),
    ],
)
def test_bad_solution_csv_names_the_row(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "solution.csv"
    path.write_text(body)
    with pytest.raises(InvalidInput, match=reason):
        read_solution_csv(path, _small())


# --- solving -----------------------------------------------------------------------------------


def test_instance1_solves_to_its_best_known_value() -> None:
    instance = _benchmark("Instance1")
    result = cs.solve_instance(instance, cs.CurtoisSettings(time_limit_s=5.0))
    check = evaluate(instance, result.assignment)
    assert check.hard_violations == []
    assert check.objective == result.objective
    problem = to_problem(instance)
    assert check_roster(problem, shifts_of(problem, result.assignment)) == []
    assert result.bound <= 607 <= result.objective
    if result.status == "OPTIMAL":
        assert result.objective == 607


def test_column_generation_bound_is_below_the_optimum_on_instance2() -> None:
    instance = _benchmark("Instance2")
    pool = cm.ColumnPool(instance)
    outcome = cm.generate_columns(pool, time.monotonic() + 5.0, workers=1)
    assert outcome.lower_bound <= 828  # Instance2's proven optimum
    assert all(c.employee in {s.id for s in instance.staff} for c in pool.columns)


def test_a_dive_ends_in_a_feasible_roster_no_better_than_the_bound() -> None:
    instance = _benchmark("Instance2")
    pool = cm.ColumnPool(instance)
    pricers = {s.id: cm.make_pricer(instance, s.id) for s in instance.staff}
    outcome = cm.generate_columns(pool, time.monotonic() + 30.0, workers=1, pricers=pricers)
    roster = cm.dive(pool, time.monotonic() + 30.0, 1, pricers)
    assert roster is not None
    check = evaluate(instance, roster)
    assert check.hard_violations == []
    assert check.objective >= outcome.lower_bound
    assert pool.fixed == {}  # the dive leaves the pool as it found it, with more columns


def test_a_dive_that_cannot_beat_the_incumbent_is_abandoned() -> None:
    instance = _benchmark("Instance2")
    pool = cm.ColumnPool(instance)
    pricers = {s.id: cm.make_pricer(instance, s.id) for s in instance.staff}
    outcome = cm.generate_columns(pool, time.monotonic() + 30.0, workers=1, pricers=pricers)
    assert outcome.converged
    random_dive = random.Random(1)
    assert cm.dive(pool, time.monotonic() + 30.0, 1, pricers, random_dive, outcome.lower_bound) is None


def test_dive_fixes_whole_columns_or_draws_one_by_its_squared_share() -> None:
    a, b, c = (Column(e, (None,), 0) for e in ("A", "B", "C"))
    assert cm._dive_choice([(a, 0.995), (b, 0.5), (c, 0.999)], None) == [a, c]
    assert cm._dive_choice([(a, 0.3), (b, 0.6)], None) == [b]
    rng = random.Random(7)
    draws = [cm._dive_choice([(a, 0.3), (b, 0.6)], rng)[0] for _ in range(2000)]
    assert 0.74 < draws.count(b) / len(draws) < 0.86  # 0.36 / (0.36 + 0.09) = 0.8


def _lp(*weighted: tuple[Column, float]) -> MasterLP:
    return MasterLP(0.0, {}, {}, list(weighted))


def test_the_tree_branches_on_the_share_nearest_one_half() -> None:
    lp = _lp(
        (Column("A", ("E", None), 0), 0.6),
        (Column("A", ("E", "E"), 0), 0.4),
        (Column("B", (None, "E"), 0), 0.3),
        (Column("B", ("E", "E"), 0), 0.7),
    )
    # A: E on day 0 whole, day 1 off 0.6 / E 0.4; B: day 0 off 0.3 / E 0.7, day 1 E whole
    assert cb.branching_choice(lp) == ("A", 1, None)  # 0.6 and 0.4 tie: the day off comes first
    assert cb.branching_choice(_lp((Column("A", ("E", None), 0), 1.0))) is None


def test_the_two_branches_split_a_days_options_and_keep_the_others() -> None:
    instance = _benchmark("Instance2")  # shifts E and L
    root = cb.Node({}, 100.0)
    has, has_not = cb.children(instance, root, "A", 3, "E", 101.0)
    assert has.allowed == {"A": {3: frozenset({"E"})}}
    assert has_not.allowed == {"A": {3: frozenset({"L", None})}}
    assert has.bound == has_not.bound == 101.0
    deeper, other = cb.children(instance, has_not, "A", 3, None, 102.0)
    assert deeper.allowed == {"A": {3: frozenset({None})}}
    assert other.allowed == {"A": {3: frozenset({"L"})}}
    nested, _ = cb.children(instance, has, "B", 0, "L", 101.0)
    assert nested.allowed == {"A": {3: frozenset({"E"})}, "B": {0: frozenset({"L"})}}


def test_pricer_bound_holds_against_a_finer_pricing_and_is_as_tight_as_its_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instance = _benchmark("Instance3")
    rng = random.Random(3)
    prices = {(c.day, c.shift): rng.uniform(-50.0, 150.0) for c in instance.cover}
    allowance = 0.5 * instance.horizon_days / PRICE_SCALE  # one rounded price a day at most
    for staff in instance.staff[:3]:
        _, _, bound = cm.CpSatPricer(instance, staff.id).price(prices, 10.0)
        with monkeypatch.context() as fine:
            fine.setattr(cm, "PRICE_SCALE", 10**6)
            columns, _, _ = cm.CpSatPricer(instance, staff.id).price(prices, 10.0)
        exact = min(cm.priced_value(col, prices) for col in columns)
        # rounding moves the pricer's optimum by an allowance at most, and the bound subtracts one
        assert exact - 2 * allowance - 1e-6 <= bound <= exact + 1e-9


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_every_solved_roster_is_feasible_and_scored_alike_by_the_evaluator(instance: Instance) -> None:
    try:
        result = cs.solve_instance(instance, cs.CurtoisSettings(time_limit_s=2.0, workers=1))
    except Infeasible:
        return  # some employee has no schedule at all: nothing to check
    if not result.assignment and result.status == "UNKNOWN":
        return  # no roster meets the random hard rules
    check = evaluate(instance, result.assignment)
    assert check.hard_violations == []
    assert check.objective == result.objective
    problem = to_problem(instance)
    assert check_roster(problem, shifts_of(problem, result.assignment)) == []
    assert result.bound <= result.objective


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_an_exhausted_tree_proves_the_compact_models_optimum(instance: Instance) -> None:
    engine = engine_model(instance)
    compact = engine.model
    compact.minimize(model_objective(engine.penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    status = solver.solve(compact)
    pool = cm.ColumnPool(instance)
    pricers = {s.id: cm.make_pricer(instance, s.id) for s in instance.staff}
    if status == cp_model.INFEASIBLE:
        with pytest.raises(Infeasible):
            cm.generate_columns(pool, time.monotonic() + 30.0, 1, pricers=pricers)
        return
    assert status == cp_model.OPTIMAL
    optimum = round(solver.objective_value)
    root = cm.generate_columns(pool, time.monotonic() + 30.0, 1, pricers=pricers)
    best = cm.SharedBest(instance, None, time.monotonic())
    tree = cb.tree_search(pool, pricers, time.monotonic() + 60.0, best, random.Random(0), root.lower_bound)
    assert tree.exhausted
    assert best.roster is not None
    assert evaluate(instance, best.roster).hard_violations == []
    assert best.value == tree.bound == optimum
    assert pool.allowed == {}


def test_cli_solves_instance1_and_writes_the_csv(tmp_path: Path) -> None:
    path = INSTANCES / "Instance1.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    out = tmp_path / "solution.csv"
    run = CliRunner().invoke(app, ["curtois", str(path), "--time-limit", "5", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "objective" in run.output
    assert "feasible" in run.output
    roster = read_solution_csv(out, read_instance(path))
    assert evaluate(read_instance(path), roster).hard_violations == []

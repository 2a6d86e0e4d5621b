"""The CP-SAT roster model: its variables (`variables`), one function per rule (`rules`, hard, and
`objective`, soft), and the objective, the weighted sum of the soft rules' penalties.

`build_model` applies every rule in `RULES`. Breaks are variables per agent, local day and break
rule (where in its window the break starts), linked to the chosen shift, rather than copies of
every shift per break place, which keeps the model small and its bound tight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ortools.sat.python import cp_model

from scheduler.roster.objective import SOFT_RULES, model_objective
from scheduler.roster.problem import Problem
from scheduler.roster.rules import HARD_RULES
from scheduler.roster.variables import Penalty, RosterVars, Rule, make_vars

VarsT = TypeVar("VarsT")
ProblemT = TypeVar("ProblemT")


RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def build_model(
    p: Problem, rules: tuple[Rule, ...] = RULES
) -> tuple[cp_model.CpModel, RosterVars, list[Penalty]]:
    """The model: variables, the given rules, and the objective (minimise weighted penalties)."""
    m = cp_model.CpModel()
    v = make_vars(m, p)
    penalties = apply_rules(m, v, p, rules)
    return m, v, penalties


def apply_rules(
    m: cp_model.CpModel,
    v: VarsT,
    problem: ProblemT,
    rules: Sequence[Callable[[cp_model.CpModel, VarsT, ProblemT], list[Penalty]]],
) -> list[Penalty]:
    """Add every rule to the model and minimise the weighted sum of their penalties (any model
    built in the house style: this roster model, the Curtois benchmark's)."""
    penalties: list[Penalty] = []
    for rule in rules:
        penalties.extend(rule(m, v, problem))
    if penalties:
        m.minimize(model_objective(penalties))
    return penalties


def primary_vars(v: RosterVars) -> list[cp_model.IntVar]:
    """The decisions that fix a roster: which shift each agent works, and where its breaks go."""
    return [*v.works.values(), *v.breaks.values()]

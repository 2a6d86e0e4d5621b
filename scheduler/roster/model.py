"""The CP-SAT roster model: its variables (`variables`), one function per rule (`rules`, hard, and
`objective`, soft), and the objective, the weighted sum of the soft rules' penalties.

`build_model` applies every rule in `RULES`. Breaks are variables per agent, local day and break
rule (where in its window the break starts), linked to the chosen shift, rather than copies of
every shift per break place, which keeps the model small and its bound tight.
"""

from __future__ import annotations

import time
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


class BuildStopped(Exception):
    """Building the model was stopped at its `stop_at` instant."""


def build_model(
    p: Problem, rules: tuple[Rule, ...] = RULES, break_vars: bool = True, stop_at: float | None = None
) -> tuple[cp_model.CpModel, RosterVars, list[Penalty]]:
    """The model: variables, the given rules, and the objective (minimise weighted penalties).
    Without `break_vars` the model has no break variables (its caller places the breaks).

    Raises:
        BuildStopped: `stop_at` (a `time.monotonic()` instant) came before every rule was added.
    """
    m = cp_model.CpModel()
    v = make_vars(m, p, break_vars)
    penalties = apply_rules(m, v, p, rules, stop_at)
    return m, v, penalties


def apply_rules(
    m: cp_model.CpModel,
    v: VarsT,
    problem: ProblemT,
    rules: Sequence[Callable[[cp_model.CpModel, VarsT, ProblemT], list[Penalty]]],
    stop_at: float | None = None,
) -> list[Penalty]:
    """Add every rule to the model and minimise the weighted sum of their penalties (any model
    built in the house style: this roster model, the Curtois benchmark's); stop (BuildStopped)
    when `stop_at` comes first."""
    penalties: list[Penalty] = []
    for rule in rules:
        if stop_at is not None and time.monotonic() > stop_at:
            raise BuildStopped(rule.__name__)
        penalties.extend(rule(m, v, problem))
    if penalties:
        m.minimize(model_objective(penalties))
    return penalties


def primary_vars(v: RosterVars) -> list[cp_model.IntVar]:
    """The decisions that fix a roster: which shift each agent works, and where its breaks go."""
    return [*v.works.values(), *v.breaks.values()]

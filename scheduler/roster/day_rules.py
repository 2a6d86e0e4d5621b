"""Rules on runs of days: the constraints shared by every roster model that plans by the day.

A person's days are a sequence of literals, one per day in order, each true when the day is in the
run being limited (worked, or off). A day the model has no variable for is a constant: `False`
(cannot be in the run) or `True` (must be). The team roster engine (`scheduler/roster/model.py`: days in
a row, blocks of days off) and the staff-rostering benchmark's model (`scheduler/daylevel/columns.py`:
shifts in a row, minimum runs of shifts and of days off) both state their run rules through these
two functions, so a run rule means the same thing, with the same border conventions, in both.

Border conventions:

- Maximum runs: `before` days just before the first day are known to be in the run (last week's
  roster); the days after the last are not counted (the next roster checks them).
- Minimum runs: a run that touches the last day may go on beyond it, so it is exempt. A run that
  touches the first day is exempt when what came before is unknown (`before=None`); when it is
  known, the `before` days in the run just before the first day count towards its length.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

Day = Literal | bool  # a literal (a bool variable or its negation), or a constant


def limit_runs(m: cp_model.CpModel, days: Sequence[Day], limit: int, before: int = 0) -> None:
    """At most `limit` true days in a row, counting `before` true days just before the first.

    One row per window of `limit + 1` days that holds a day of this horizon: at most `limit` of
    them true (a run of last week's longer than the limit is last week's).
    """
    for first in range(-min(before, limit), len(days) - limit):
        window = range(first, first + limit + 1)
        fixed = sum(1 for d in window if d < 0 or days[d] is True)
        free = [days[d] for d in window if d >= 0 and not isinstance(days[d], bool)]
        if fixed + len(free) > limit:
            m.add(sum(free) <= limit - fixed)


def forbid_short_runs(
    m: cp_model.CpModel, days: Sequence[Day], minimum: int, before: int | None = None
) -> None:
    """No run of true days shorter than `minimum` (see the border rules above).

    Each forbidden pattern `false, true x L, false` becomes one clause, which propagates well.
    With `before` known, a run from the first day counts the `before` days too: if they are
    fewer than `minimum`, the run must go on into the first days.
    """
    horizon = len(days)
    for length in range(1, minimum):
        for first in range(1, horizon - length):
            inside = (_negated(days[first + k]) for k in range(length))
            _add_clause(m, [days[first - 1], *inside, days[first + length]])
    if before is None:
        return
    for length in range(max(0, 1 - before), min(minimum - before, horizon)):
        _add_clause(m, [*(_negated(days[k]) for k in range(length)), days[length]])


def _negated(day: Day) -> Day:
    return (not day) if isinstance(day, bool) else ~day


def _add_clause(m: cp_model.CpModel, literals: Sequence[Day]) -> None:
    """At least one of `literals` true; constants settle or drop out.

    Written as a linear row (`sum >= 1`), not a bool_or: CP-SAT's presolve turns it into the same
    clause, and the LP relaxation (`scheduler/roster/bounds/relaxation.py`) can read the model.
    """
    if any(x is True for x in literals):
        return
    m.add(cp_model.LinearExpr.sum([x for x in literals if not isinstance(x, bool)]) >= 1)

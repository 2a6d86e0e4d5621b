"""`wfm curtois`: solve one instance of the Curtois staff-rostering benchmark.

`register(app)` adds the command to a typer app (registered from `api/cli.py`). It reads the
instance (`api/curtois_files.py`) into the engine's problem (`scheduler/daylevel/engine.py`),
solves it with the roster engine (`scheduler.roster.solve.solve`, which takes such day-level
problems to branch and price), checks the roster with the engine's independent checker, prints
the objective, the bound and the time, and writes the roster as `employee,day,shift` CSV.
(`benchmarks/curtois.py` also re-scores every roster with the benchmark's own evaluator.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from common.errors import WfmError


def curtois(
    instance_file: Annotated[Path, typer.Argument(help="a Curtois instance file, e.g. Instance1.txt")],
    time_limit: Annotated[float, typer.Option(help="solver time limit in seconds")] = 60.0,
    out: Annotated[
        Path | None, typer.Option(help="where to write the roster CSV (employee,day,shift)")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="search threads and CP-SAT workers (this machine has 2 cores)")
    ] = 2,
) -> None:
    """Solve a Curtois benchmark instance with the roster engine and check the roster with the
    engine's independent checker."""
    from api.curtois_files import read_instance, write_solution_csv
    from common.errors import Infeasible
    from scheduler import SolveSettings, assignment_of, check_roster, solve, to_problem

    try:
        instance = read_instance(instance_file)
        problem = to_problem(instance)
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    try:
        result = solve(problem, SolveSettings(time_limit_s=time_limit, workers=workers))
    except Infeasible as exc:
        typer.echo(f"{instance.name}: no roster found: {exc}", err=True)
        raise typer.Exit(code=3) from exc
    assignment = assignment_of(result.roster.shifts)
    violations = check_roster(problem, result.roster.shifts)
    gap = (result.objective - result.bound) / max(1.0, result.objective)
    typer.echo(
        f"{instance.name}: objective {result.objective:,.0f} (bound {result.bound:,.0f}, gap {gap:.1%}, "
        f"{result.status.lower()}) in {result.elapsed_s:.1f} s"
    )
    terms = ", ".join(f"{name} {value:,.0f}" for name, value in result.penalties.items() if value)
    verdict = "feasible" if not violations else f"{len(violations)} hard violation(s)"
    typer.echo(f"checker: {verdict}; objective terms: {terms or 'none'}")
    for violation in violations:
        typer.echo(f"hard rule broken: {violation}", err=True)
    if out is not None:
        write_solution_csv(assignment, out)
        typer.echo(f"wrote {len(assignment)} rows to {out}")
    if violations:
        raise typer.Exit(code=3)  # never pass a roster that breaks a hard rule silently


def register(app: typer.Typer) -> None:
    """Add the `curtois` command to `app`."""
    app.command("curtois")(curtois)

"""Our solver on the Curtois staff-rostering benchmark against the best-known values and the literature.

For each chosen instance: read it into the roster engine's problem, solve it with the engine's
day-level search (`scheduler/daylevel/problem.py`: branch and price around the engine's model) within the
time limit, check the roster with the independent evaluator and the engine's checker, and print
our objective, the best-known value, the gap, our lower bound, the time, and the best published
10-minute figure (`literature_time_limited_results.csv`, instances 1-19).

Run: `.venv/bin/python benchmarks/curtois.py --instances 1-7 --time-limit 60 [--workers 2]`.
The data live in `../shared/benchmarks/curtois/` beside the checkout (`--data` to point elsewhere).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

from api.curtois_files import read_instance
from benchmarks.curtois_eval import evaluate
from scheduler.daylevel.engine import assignment_of, to_problem
from scheduler.daylevel.problem import solve_day_level
from scheduler.roster.validate import check_roster

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "curtois"
LITERATURE_COLUMNS = (
    "ip_vns_hybrid_rahimian2017",
    "ejection_chain_curtois_qu2014",
    "gurobi_curtois_qu2014",
    "branch_and_price_curtois_qu2014",
    "orprojects_nrp_hybrid",
)


def parse_instances(text: str) -> list[int]:
    """`1-7,10` -> [1, 2, 3, 4, 5, 6, 7, 10]."""
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def best_known(data: Path) -> dict[str, int]:
    """Best-known objective per instance name."""
    with (data / "best_known.csv").open(newline="") as handle:
        return {row["instance"]: int(row["best_known_upper_bound"]) for row in csv.DictReader(handle)}


def literature_10min(data: Path) -> dict[str, tuple[int, str]]:
    """The best published 10-minute objective per instance, and which method reached it."""
    out: dict[str, tuple[int, str]] = {}
    with (data / "literature_time_limited_results.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["time_limit_min"] != "10":
                continue
            figures = [(int(row[c]), c) for c in LITERATURE_COLUMNS if row[c]]
            if figures:
                out[row["instance"]] = min(figures)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="1-7", help="e.g. 1-7 or 1,3,8-12")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2, help="search threads and CP-SAT workers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA, help="the curtois benchmark folder")
    parser.add_argument("--phases", action="store_true", help="also print what each phase found")
    args = parser.parse_args()

    known = best_known(args.data)
    literature = literature_10min(args.data)
    header = ("instance", "ours", "best known", "gap", "our bound", "time s", "evaluator", "lit. 10 min")
    rows: list[tuple[str, ...]] = []
    print(f"time limit {args.time_limit:g} s per instance, {args.workers} workers, seed {args.seed}")
    for number in parse_instances(args.instances):
        name = f"Instance{number}"
        instance = read_instance(args.data / "instances" / f"{name}.txt")
        problem = to_problem(instance)
        found = solve_day_level(problem, args.time_limit, args.workers, args.seed)
        result = found.search
        check = evaluate(instance, assignment_of(found.shifts))
        engine_check = check_roster(problem, found.shifts)
        best = known.get(name)
        agrees = check.objective == round(result.objective)
        violations = len(check.hard_violations) + len(engine_check)
        verdict = "feasible" if check.feasible and agrees and not engine_check else f"{violations} violations"
        lit = literature.get(name)
        rows.append(
            (
                name,
                f"{result.objective:,.0f}",
                "?" if best is None else f"{best:,}",
                "?" if best is None else f"{(result.objective - best) / best:.1%}",
                f"{result.bound:,.0f}",
                f"{result.elapsed_s:.1f}",
                verdict,
                "-" if lit is None else f"{lit[0]:,}",
            )
        )
        print(" | ".join(rows[-1]), flush=True)
        if args.phases:
            for phase in result.phases:
                print(f"    {phase}", flush=True)
    print_table(header, rows)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """The rows as a Markdown table, after a blank line."""
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()

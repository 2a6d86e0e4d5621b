"""The Curtois pricer: the compiled recursion against CP-SAT on the same employees and prices.

For each chosen instance, a sample of employees is priced at random dual prices by both pricers
(`scheduler.daylevel.pricing.ScheduleDP` and `scheduler.daylevel.columns.CpSatPricer`); the table
gives how many employees the recursion can take, the mean time of a price by each, their ratio,
and how far above the recursion's least price CP-SAT's best schedule was at most (0: never; the
recursion is exact, CP-SAT solves to optimality with prices rounded to thousandths).

Run: `.venv/bin/python benchmarks/curtois_pricing.py --instances 1-12 [--per-instance 12]`.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from api.curtois_files import read_instance
from benchmarks.curtois import DATA, parse_instances, print_table
from scheduler.daylevel.columns import CpSatPricer, priced_value
from scheduler.daylevel.pricing import ScheduleDP, fits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="1-12", help="e.g. 1-12 or 5,7")
    parser.add_argument("--per-instance", type=int, default=12, help="prices per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA, help="the curtois benchmark folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    header = (
        "instance",
        "recursion prices",
        "recursion ms",
        "CP-SAT ms",
        "CP-SAT / recursion",
        "CP-SAT above ours (max)",
    )
    rows = []
    for number in parse_instances(args.instances):
        instance = read_instance(args.data / "instances" / f"Instance{number}.txt")
        fitting = [s for s in instance.staff if fits(instance, s)]
        ScheduleDP(instance, fitting[0].id).price({})  # compiled (or loaded from numba's cache) once
        dp_s = cp_s = diff = 0.0
        for _ in range(args.per_instance):
            staff = rng.choice(fitting)
            prices = {(c.day, c.shift): rng.uniform(-50.0, 150.0) for c in instance.cover}
            dp, cp = ScheduleDP(instance, staff.id), CpSatPricer(instance, staff.id)
            started = time.perf_counter()
            _, best, _ = dp.price(prices)
            dp_s += time.perf_counter() - started
            started = time.perf_counter()
            reference, _, _ = cp.price(prices, 30.0)
            cp_s += time.perf_counter() - started
            diff = max(diff, min(priced_value(c, prices) for c in reference) - best)
        n = args.per_instance
        rows.append(
            (
                f"Instance{number}",
                f"{len(fitting)} of {len(instance.staff)} employees",
                f"{1000 * dp_s / n:.2f}",
                f"{1000 * cp_s / n:.1f}",
                f"{cp_s / dp_s:.1f}",
                f"{diff:.4f}",
            )
        )
        print(" | ".join(rows[-1]), flush=True)
    print_table(header, rows)


if __name__ == "__main__":
    main()

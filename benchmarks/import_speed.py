"""How fast `wfm import tickets` reads a large helpdesk export, and in how much memory.

Writes a Zendesk-style ticket CSV (default one million rows, ten columns as the export has them,
subjects with commas and line breaks, users in Rails-named zones, 1 % duplicated tickets) to a
temporary folder, then runs, each in its own process so that peak memory is that run's alone:

- baseline: `pandas.read_csv(path)` of the whole file (what a hand-written script starts with);
- import: `api.importers.tickets.import_tickets` with the Zendesk preset and a queue map.

Prints wall time, rows per second and peak resident memory (ru_maxrss) of each.

    .venv/bin/python benchmarks/import_speed.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ZONES = (
    "Eastern Time (US & Canada)",
    "Pacific Time (US & Canada)",
    "London",
    "Berlin",
    "Sydney",
    "(GMT+08:00) Singapore",
    "",
)
CHANNELS = ("Web form", "Email", "Chat", "API", "Mobile")


def write_export(path: Path, n_rows: int, seed: int = 0) -> None:
    """A Zendesk-style export of `n_rows` tickets (1 % of them listed twice), written in blocks."""
    rng = np.random.default_rng(seed)
    block = 200_000
    start = pd.Timestamp("2026-01-05T00:00:00Z").value
    span_ns = 16 * 7 * 86_400 * 10**9
    with path.open("w", encoding="utf-8", newline="") as out:
        for first in range(0, n_rows, block):
            n = min(block, n_rows - first)
            ids = np.arange(first, first + n) + 100_000
            dup = rng.random(n) < 0.01
            ids[dup] = np.maximum(ids[dup] - 1, 100_000)
            created = pd.to_datetime(np.sort(rng.integers(start, start + span_ns, n)), unit="ns", utc=True)
            frame = pd.DataFrame(
                {
                    "Id": ids,
                    "Requester": [f"User {i % 9973}" for i in ids],
                    "Requester email": [f"user{i % 9973}@example.com" for i in ids],
                    "Subject": np.where(rng.random(n) < 0.1, "Refund, please\nsecond line", "Cannot log in"),
                    "Status": rng.choice(["open", "solved", "closed"], n),
                    "Via": rng.choice(CHANNELS, n),
                    "Group": "Creator Support",
                    "Created at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "Updated at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "Requester time zone": rng.choice(ZONES, n),
                }
            )
            frame.to_csv(out, index=False, header=first == 0)


def _child(kind: str, path: str) -> None:
    import resource

    started = time.perf_counter()
    if kind == "baseline":
        rows = len(pd.read_csv(path))
    else:
        from api.importers.tickets import TicketOptions, import_tickets

        options = TicketOptions(
            team_tz="America/Phoenix",
            preset="zendesk",
            map_queue={
                "web form": "email",
                "email": "email",
                "api": "email",
                "chat": "chat",
                "mobile": "chat",
            },
        )
        frame, report = import_tickets(Path(path), options)
        rows = report.rows_read
        assert int(frame["y"].sum()) == report.kept
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mib": peak_mib}))


def _run(kind: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="wfm-import-bench-") as folder:
        path = Path(folder) / "zendesk-export.csv"
        write_export(path, args.rows)
        size_mib = path.stat().st_size / 2**20
        print(f"export: {args.rows:,} rows, {size_mib:,.0f} MiB")
        for kind in ("baseline", "import"):
            r = _run(kind, path)
            label = "pandas.read_csv (baseline)" if kind == "baseline" else "wfm import tickets"
            print(
                f"{label:28} {r['seconds']:6.2f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
                f"peak {r['peak_mib']:,.0f} MiB"
            )


if __name__ == "__main__":
    main()

"""`wfm scenarios FILE`: what-if scenarios against a base plan, printed as a comparison table.

FILE (YAML or JSON) names the base and the changes; paths are relative to FILE:

```yaml
base:
  team: team.yaml               # or an inline team mapping
  forecast: forecast.csv        # or requirements: requirements.csv, or history: history.csv
  history: history.csv          # beside forecast: the contacts carried into the week count
  week: 2026-11-02
  statistic: mean               # forecast column the base staffs to
  availability: availability.csv  # optional
  roster: roster.csv            # optional: the roster measured under each scenario
pay: {default_hourly_rate: 28, agents: {a01: 35}, contracts: {part-time: {max_hours_per_week: 24, hourly_rate: 25}}}
depth: staffing                 # or reroster
time_limit_s: 5                 # per re-roster
scenarios:
  - name: volume +20 %
    changes: [{kind: volume, multiplier: 1.2}]
sweep: {volume: [0.8, 1.0, 1.2], headcount: [12, 14, 16]}
```

The comparison's CSV and XLSX come from `api.exports`, as the service's do.
`register(app)` adds the command to a typer app (registered from `api/cli.py`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from common.errors import InvalidInput, WfmError

# (metric, header, format): the service a scenario gives, then its hours, agents and cost
SERVICE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("service_level", "service\nlevel", "pct"),
    ("asa_s", "mean\nwait s", "f1"),
    ("overloaded_share", "over-\nloaded", "pct"),
    ("abandonment", "gave\nup", "pct"),
    ("occupancy", "occu-\npancy", "pct"),
)
HOURS_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("required_agent_hours", "hours\nneeded", "f1"),
    ("understaffed_agent_hours", "hours\nshort", "f1"),
    ("overstaffed_agent_hours", "hours\nover", "f1"),
    ("paid_hours", "paid\nhours", "f1"),
    ("cost", "cost", "f0"),
    ("required_headcount", "agents\nneeded", "f1"),
    ("scheduled_headcount", "agents\nrostered", "int"),
    ("headcount", "agents", "int"),
)
SCENARIO_WIDTH = 32  # a longer scenario name wraps onto more lines


def _fmt(value: Any, kind: str, *, delta: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    sign = "+" if delta else ""
    if kind == "pct":
        return f"{100 * value:{sign}.1f}{' pp' if delta else ' %'}"
    if kind == "int":
        return f"{value:{sign}.0f}"
    return f"{value:{sign},.{kind[1]}f}"


FOOTNOTE: tuple[str, ...] = (
    "Under each scenario: its change against the base.",
    "lowest queue: the queue with the lowest service level; largest drop: the queue whose service level "
    "fell most against the base (a busy queue's level can hide it).",
    "service level: the contacts answered within their queue's target, all queues together (the roster's "
    "report gives each queue and day).",
    "mean wait s: the mean wait of the live queues' contacts that arrive while their queue keeps up; "
    "overloaded: the share that arrive while it cannot (their wait grows without bound), left out of "
    "the mean wait, so more agents can raise it; gave up: callers who hang up, on queues whose patience "
    "is set.",
    "hours needed: the agent-hours the queues need after shrinkage, as the roster's report counts them; "
    "short and over: the hours below and above that need; agents needed: the agents of the team's usual "
    "contract who give the hours needed, their hours less breaks.",
)


# beside a scenario whose figures come with a note (agents added but not placed, no cost, ...): read it
NOTE_MARK = "(see note)"


def lowest_queue(row: dict[str, Any]) -> tuple[str, float] | None:
    """The queue with the lowest service level in a comparison row, and that level (None: no roster
    measured): the service level counts all queues together, where a busy queue can hide a quiet one left short."""
    levels = [
        (queue, float(figures["service_level"]))
        for queue, figures in (row.get("by_queue") or {}).items()
        if figures.get("service_level") is not None
    ]
    return min(levels, key=lambda found: found[1]) if levels else None


def _lowest_cells(row: dict[str, Any], base: dict[str, Any]) -> tuple[str, str]:
    """The lowest queue's cell, and its change against the same queue in the base."""
    lowest = lowest_queue(row)
    if lowest is None:
        return "–", "–"
    queue, level = lowest
    before = ((base.get("by_queue") or {}).get(queue) or {}).get("service_level")
    change = "–" if before is None else _fmt(level - float(before), "pct", delta=True)
    return f"{queue} {_fmt(level, 'pct')}", change


def largest_drop(row: dict[str, Any], base: dict[str, Any]) -> tuple[str, float] | None:
    """The queue whose service level fell most against the base, and by how much (negative); None
    when none fell."""
    before = base.get("by_queue") or {}
    drops = [
        (queue, float(figures["service_level"]) - float(before[queue]["service_level"]))
        for queue, figures in (row.get("by_queue") or {}).items()
        if figures.get("service_level") is not None
        and (before.get(queue) or {}).get("service_level") is not None
    ]
    worst = min(drops, key=lambda found: found[1], default=None)
    return worst if worst is not None and worst[1] < -1e-9 else None


def _drop_cell(row: dict[str, Any], base: dict[str, Any]) -> str:
    drop = largest_drop(row, base)
    if drop is None:
        return "none"
    queue, change = drop
    level = float(row["by_queue"][queue]["service_level"])
    return f"{queue} {_fmt(level, 'pct')} ({_fmt(change, 'pct', delta=True)})"


def _table(title: str, name_header: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column(name_header, max_width=SCENARIO_WIDTH, overflow="fold")
    return table


def _name(row: dict[str, Any]) -> str:
    return f"{row['scenario']} {NOTE_MARK}" if row.get("notes") else str(row["scenario"])


def service_table(rows: list[dict[str, Any]], title: str = "What-if scenarios: service") -> Table:
    """The service each scenario gives: the lowest queue, the largest drop and the week's figures, and
    under each scenario its change against the base (the first row). Only scenario names wrap."""
    table = _table(title, "scenario")
    table.add_column("lowest queue", justify="right", no_wrap=True)
    table.add_column("largest drop", justify="right", no_wrap=True)
    for _, header, _ in SERVICE_COLUMNS:
        table.add_column(header, justify="right", no_wrap=True)
    for i, row in enumerate(rows):
        lowest, change = _lowest_cells(row, rows[0])
        drop = _drop_cell(row, rows[0]) if i > 0 else "–"
        cells = (_fmt(row.get(m), kind) for m, _, kind in SERVICE_COLUMNS)
        table.add_row(_name(row), lowest, drop, *cells, end_section=i == 0)
        if i > 0:
            deltas = (_fmt(row.get(f"delta_{m}"), kind, delta=True) for m, _, kind in SERVICE_COLUMNS)
            table.add_row("", change, "", *deltas, style="dim", end_section=True)
    return table


def hours_table(
    rows: list[dict[str, Any]], title: str = "What-if scenarios: hours, agents and cost"
) -> Table:
    """Each scenario's hours, agents and cost, and under each its change against the base."""
    table = _table(title, "scenario")
    for _, header, _ in HOURS_COLUMNS:
        table.add_column(header, justify="right", no_wrap=True)
    for i, row in enumerate(rows):
        table.add_row(
            _name(row), *(_fmt(row.get(m), kind) for m, _, kind in HOURS_COLUMNS), end_section=i == 0
        )
        if i > 0:
            deltas = (_fmt(row.get(f"delta_{m}"), kind, delta=True) for m, _, kind in HOURS_COLUMNS)
            table.add_row("", *deltas, style="dim", end_section=True)
    return table


def table_width(table: Table) -> int:
    """The width at which `table` shows every cell whole (scenario names wrapped at `SCENARIO_WIDTH`)."""
    return Console(width=10_000).measure(table).maximum


def _print_tables(*tables: Table) -> None:
    """Print on stdout, wider than the terminal (or when piped, than 80 columns) rather than cut a cell."""
    console = Console()
    for table in tables:
        Console(width=max(console.width, table_width(table))).print(table)


def _load(path: Path) -> dict[str, Any]:
    from api.team_file import load_mapping

    data = load_mapping(path)
    if not isinstance(data.get("base"), dict):
        raise InvalidInput(f"{path}: a scenario file needs a 'base' mapping (team, forecast, week)")
    return data


def _plan(data: dict[str, Any], folder: Path) -> Any:
    from api.formats import (
        read_availability,
        read_forecast,
        read_history,
        read_requirements,
        read_roster,
        read_team,
    )
    from api.schemas import team_from_mapping
    from common.timegrid import parse_iso_date
    from scheduler import (
        BasePlan,
        compute_requirements,
        forecast_from_requirements,
        pay_from_mapping,
        planning_week,
        with_lead_in,
    )
    from scheduler.scenarios import carried_into_the_week

    base = data["base"]
    unknown = sorted(
        set(base)
        - {"team", "forecast", "requirements", "history", "week", "statistic", "availability", "roster"}
    )
    if unknown:
        raise InvalidInput(f"base: unknown field(s) {', '.join(unknown)}")
    if "team" not in base or "week" not in base:
        raise InvalidInput("base: give the team and the week")
    team = (
        team_from_mapping(base["team"])
        if isinstance(base["team"], dict)
        else read_team(folder / base["team"])
    )
    week = planning_week(team, parse_iso_date(str(base["week"])))
    sources = [k for k in ("forecast", "requirements", "history") if k in base]
    if sources not in (["forecast"], ["requirements"], ["history"], ["forecast", "history"]):
        raise InvalidInput(
            "base: give one of forecast, requirements or history (or forecast and the history before it)"
        )
    source = folder / base[sources[0]]
    lead_in_frame = None  # requirements with the contacts carried into the week, when known
    if sources[0] == "forecast":
        forecast = read_forecast(source)
    elif sources[0] == "requirements":
        lead_in_frame = read_requirements(source)
        forecast = forecast_from_requirements(lead_in_frame, team)
    if "history" in sources:
        history = read_history(folder / base["history"], default_region=team.tz)
        if sources[0] == "history":
            from forecasting import forecast_week

            forecast = forecast_week(history, week)
        lead_in_frame = compute_requirements(with_lead_in(forecast, history, team), team)
    carried_in, lead_in = carried_into_the_week(lead_in_frame, team, week)
    availability = read_availability(folder / base["availability"], team) if base.get("availability") else ()
    roster = read_roster(folder / base["roster"], team) if base.get("roster") else None
    return BasePlan(
        team,
        week,
        forecast,
        statistic=str(base.get("statistic", "mean")),
        availability=availability,
        roster=roster,
        pay=pay_from_mapping(data.get("pay")),
        carried_in=carried_in,
        lead_in=lead_in,
    )


def scenarios(
    file: Annotated[Path, typer.Argument(help="scenario file (YAML or JSON): base, changes, sweep")],
    depth: Annotated[str | None, typer.Option(help="staffing or reroster (default: the file's)")] = None,
    workers: Annotated[int, typer.Option(help="local processes for the scenarios (1: this one)")] = 1,
    ray_address: Annotated[
        str | None,
        typer.Option(help="run on Ray: 'local', 'auto' or ray://host:10001 (needs the [ray] extra)"),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="seconds per re-roster (default: the file's, or 5)")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the comparison as JSON")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="also write it as CSV")] = None,
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="also write it as XLSX")] = None,
) -> None:
    """Compare what-if scenarios with the base plan: service level, cost and coverage side by side."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api.exports import comparison_csv_bytes, comparison_xlsx_bytes
    from api.sweeps import runner_for, shutdown_ray
    from scheduler import SolveSettings, compare, scenario_from_mapping, sweep

    console = Console(stderr=True)
    try:
        data = _load(file)
        plan = _plan(data, file.parent)
        chosen = depth or str(data.get("depth", "staffing"))
        named = [
            scenario_from_mapping(s, f"scenarios[{i}]") for i, s in enumerate(data.get("scenarios") or [])
        ]
        grid = sweep(data["sweep"]) if data.get("sweep") else []
        limit = time_limit or float(data.get("time_limit_s", 5.0))
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("scenarios", total=None)

            def show(done: int, total: int, last: Any) -> None:
                bar.update(task, completed=done, total=total, description=f"done: {last.name}")

            table = compare(
                plan,
                named + grid,
                chosen,  # type: ignore[arg-type]
                settings=SolveSettings(time_limit_s=limit, workers=1),
                runner=runner_for(workers, ray_address),
                on_progress=show,
            )
        shutdown_ray()
    except WfmError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from exc
    rows = table.records()
    heading = f"{plan.team.name}, week of {plan.week.first_day} ({chosen})"
    _print_tables(
        service_table(rows, f"{heading}: service"), hours_table(rows, f"{heading}: hours, agents and cost")
    )
    for line in FOOTNOTE:
        typer.echo(line)
    if (
        "forecast" in data["base"]
        and "history" not in data["base"]
        and any(not q.is_live for q in plan.team.queues)
    ):
        typer.echo(
            "the base is the forecast alone: async contacts waiting when the week starts are not in the "
            "need; add `history:` beside `forecast:` to count them as `wfm requirements --history` does"
        )
    for line in note_lines(rows):
        typer.echo(f"note: {line}")
    if json_out is not None:
        json_out.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    if csv_out is not None:
        csv_out.write_bytes(comparison_csv_bytes(rows))
    if xlsx_out is not None:
        xlsx_out.write_bytes(comparison_xlsx_bytes(rows))


def note_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The rows' notes, each with its scenario; a note every row has once, for every row ("no roster
    of this week to measure …" on a comparison of them all)."""
    shared = [n for n in rows[0]["notes"] if all(n in r["notes"] for r in rows)] if len(rows) > 1 else []
    own = [f"{r['scenario']}: {n}" for r in rows for n in r["notes"] if n not in shared]
    return [f"every row: {n}" for n in shared] + own


def register(app: typer.Typer) -> None:
    """Add the `scenarios` command to `app`."""
    app.command("scenarios")(scenarios)

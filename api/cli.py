"""The `wfm` command line: the pipeline's steps on files, and the end-to-end demo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar

from api import cli_curtois, cli_forecast, cli_import, cli_scenarios, cli_service, cli_staffing, cli_team
from common.defaults import ROSTER_TIME_LIMIT_S
from common.errors import WfmError
from scheduler import AvailabilityEntry

if TYPE_CHECKING:
    from scheduler import Problem

app = typer.Typer(help="wfm-optimizer: forecast, staff and roster a support team.", no_args_is_help=True)
console = Console(stderr=True)
DEMO_WEEK = date(2026, 11, 2)


def _fail(exc: WfmError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _warn(text: str) -> None:
    console.print(f"[yellow]warning:[/yellow] {escape(text)}", highlight=False, soft_wrap=True)


def _solve_and_write(
    problem: Problem,
    out: Path,
    time_limit_s: float,
    xlsx: Path | None = None,
    report: Path | None = None,
    title: str | None = None,
    ics: Path | None = None,
) -> list[str]:
    """Solve (a progress bar up to the time limit), check with the independent checker, write
    roster.csv and coverage.csv beside it (and the Excel workbook, the Markdown report and a calendar
    per agent when asked; the report titled `title`, by default `report_title`); return the summary a
    lead reads. Every file is made before the first is written, so a failure writes none."""
    from api.exports import calendar_files, roster_csv_bytes, roster_xlsx_bytes
    from api.formats import coverage_csv_frame, csv_file_bytes, write_bytes
    from api.lead_report import lead_report, markdown, report_title, summary_lines
    from scheduler import Progress, SolveSettings, check_roster, solve

    with Bar(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("building the first roster ...", total=time_limit_s)

        def show(p: Progress) -> None:
            bound = f", bound {p.bound:,.0f}" if p.bound > float("-inf") else ""
            bar.update(
                task,
                completed=min(p.elapsed_s, time_limit_s),
                description=f"solving: best {p.objective:,.0f}{bound}",
            )

        result = solve(problem, SolveSettings(time_limit_s=time_limit_s), on_progress=show)
    violations = check_roster(problem, result.roster.shifts)
    if violations:  # never write a roster that breaks a hard rule
        for v in violations:
            console.print(f"[red]hard rule broken:[/red] {v}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=3)
    lead = lead_report(problem, result.roster)
    files = {
        out: roster_csv_bytes(result.roster, problem.team, problem.availability),
        out.with_name("coverage.csv"): csv_file_bytes(coverage_csv_frame(lead.coverage, problem.team.tz)),
    }
    if xlsx is not None:
        files[xlsx] = roster_xlsx_bytes(
            problem.team, result.roster, lead.coverage, lead.summary.days, problem.availability
        )
    if report is not None:
        text = markdown(lead, problem.team, result.roster, result, title or report_title(problem))
        files[report] = text.encode("utf-8")
    if ics is not None:
        calendars = calendar_files(
            result.roster, problem.team, problem.availability, replaces=problem.published
        )
        files.update({ics / name: data for name, data in calendars.items()})
    for path, data in files.items():
        write_bytes(path, data)
    lines = summary_lines(lead, problem.team, result.roster, result)
    return lines + ([f"calendars: {len(problem.team.agents)} files in {ics}/"] if ics is not None else [])


@app.command("roster")
def roster_command(
    team: Annotated[Path, typer.Option(help="team file (YAML or JSON)")],
    week: Annotated[str, typer.Option(help="first local day of the week, YYYY-MM-DD")],
    out: Annotated[Path, typer.Option(help="where to write roster.csv (coverage.csv goes beside it)")],
    requirements: Annotated[
        Path | None, typer.Option(help="requirements CSV (the requirements contract): demand per interval")
    ] = None,
    shift_cover: Annotated[
        Path | None,
        typer.Option(
            help="cover by shift type CSV/XLSX: date, shift_type, required[, under_weight, over_weight]"
        ),
    ] = None,
    shift_requests: Annotated[
        Path | None,
        typer.Option(help="shift requests CSV/XLSX: agent_id, date, shift_type, wish (work/off), weight"),
    ] = None,
    availability: Annotated[Path | None, typer.Option(help="availability CSV/XLSX")] = None,
    previous: Annotated[
        Path | None, typer.Option(help="last week's roster CSV (rest and days in a row)")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="solver time limit in seconds")] = ROSTER_TIME_LIMIT_S,
    xlsx: Annotated[
        Path | None, typer.Option(help="also write an Excel workbook (roster grid, coverage)")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            help="also write the lead's report (Markdown): service by queue and day, shortfall, hours"
        ),
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option(help="also write one iCalendar file per agent into this folder (with time off)"),
    ] = None,
    published: Annotated[
        Path | None, typer.Option(help="re-roster: this week's published roster CSV, kept where possible")
    ] = None,
    absent_may_work_days_off: Annotated[
        bool,
        typer.Option(
            "--absent-may-work-days-off",
            help="re-roster: let an agent absent this week work a published day off (by default their lost "
            "hours are not moved onto their days off)",
        ),
    ] = False,
    lock_before: Annotated[
        str | None, typer.Option(help="re-roster: keep published shifts starting before this ISO instant")
    ] = None,
    reoptimize: Annotated[
        bool,
        typer.Option(
            "--reoptimize",
            help="re-roster: let every agent's published shifts change, each change at its cost (by "
            "default only the agents whose published week breaks a rule now are re-rostered; the others "
            "keep their shifts as published)",
        ),
    ] = False,
    objective: Annotated[
        str | None,
        typer.Option(
            help="headcount (agents missing) or service_level (contacts missed, live queues); "
            "default: the team file's weights.objective"
        ),
    ] = None,
) -> None:
    """Build the week's roster for a team from its requirements per interval and/or its cover by
    shift type (or re-roster a published week)."""
    import numpy as np

    from api.formats import (
        read_availability,
        read_requirements,
        read_roster,
        read_shift_cover,
        read_shift_requests,
        read_team,
    )
    from api.team_checks import agent_night_windows
    from common.timegrid import parse_instant, parse_iso_date
    from scheduler import Problem, planning_week, problem_from_requirements, repair_only

    if requirements is None and shift_cover is None:
        typer.echo("error: give --requirements (demand per interval), --shift-cover, or both", err=True)
        raise typer.Exit(code=2)
    try:
        the_team = read_team(team)
        for line in agent_night_windows(the_team):  # an agent's own window across midnight may be a slip
            _warn(line)
        the_week = planning_week(the_team, parse_iso_date(week))
        frame = None if requirements is None else read_requirements(requirements)
        cover = () if shift_cover is None else read_shift_cover(shift_cover, the_team, the_week.days)
        wishes = (
            () if shift_requests is None else read_shift_requests(shift_requests, the_team, the_week.days)
        )
        entries = () if availability is None else read_availability(availability, the_team)
        last = None if previous is None else read_roster(previous, the_team)
        in_force = None if published is None else read_roster(published, the_team)
        no_demand = {q.name: np.zeros(the_week.grid.n_intervals) for q in the_team.queues}
        demand = (
            Problem(the_team, the_week, no_demand, entries, weights=the_team.weights)
            if frame is None
            else problem_from_requirements(the_team, the_week, frame, entries, source=str(requirements))
        )
        problem = replace(
            demand,
            previous=last,
            published=in_force,
            locked_before_utc=None if lock_before is None else parse_instant(lock_before, "--lock-before"),
            weights=the_team.weights if objective is None else replace(the_team.weights, objective=objective),
            shift_cover=cover,
            shift_requests=wishes,
            absent_may_work_days_off=absent_may_work_days_off,
        )
        if not reoptimize:
            problem = repair_only(problem)
        lines = _solve_and_write(problem, out, time_limit, xlsx, report, ics=ics)
    except WfmError as exc:
        raise _fail(exc) from exc
    typer.echo("\n".join(lines))


@app.command("requirements")
def requirements_command(
    forecast: Annotated[Path, typer.Argument(help="forecast CSV (the forecast contract)")],
    team: Annotated[Path, typer.Option(help="team file (YAML or JSON)")],
    out: Annotated[Path, typer.Option(help="where to write the requirements CSV")],
    statistic: Annotated[str, typer.Option(help="forecast column to staff to: mean, q50, q90, ...")] = "mean",
    history: Annotated[
        Path | None,
        typer.Option(
            help="contact history: the email and social contacts of its last response window before the "
            "forecast are carried into the week (rows before the week in the output)"
        ),
    ] = None,
) -> None:
    """Turn a forecast into agents needed per queue and interval (the fractional need, after shrinkage).

    Warns (and still writes the file) when the forecast does not begin on the team's week start,
    in the words `wfm roster` refuses such a week with, and when `--history` carries nothing in."""
    from api.formats import read_forecast, read_history, read_team, write_frame_csv
    from api.lead_in import carried_in_note, forecast_first_day, week_start_note
    from scheduler import compute_requirements, with_lead_in

    try:
        the_team = read_team(team)
        the_forecast = read_forecast(forecast)
        first_day = forecast_first_day(the_forecast, the_team)
        wrong_day = None if first_day is None else week_start_note(the_team, first_day)
        if wrong_day is not None:
            _warn(f"the forecast begins on a day `wfm roster` will not plan a week from: {wrong_day}")
        if history is not None:
            past = read_history(history, default_region=the_team.tz)
            planned = with_lead_in(the_forecast, past, the_team)
            nothing_carried = carried_in_note(the_forecast, past, the_team, planned)
            if nothing_carried is not None:
                _warn(nothing_carried)
            the_forecast = planned
        frame = compute_requirements(the_forecast, the_team, statistic=statistic)
        write_frame_csv(frame, out)
    except WfmError as exc:
        raise _fail(exc) from exc
    typer.echo(f"wrote {len(frame)} rows to {out}")


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="folder for the sample inputs and the outputs")] = Path(
        "out/demo"
    ),
    week: Annotated[
        str, typer.Option(help="first day of the week to plan, YYYY-MM-DD")
    ] = DEMO_WEEK.isoformat(),
    time_limit: Annotated[float, typer.Option(help="roster solver time limit in seconds")] = 20.0,
) -> None:
    """Run the whole pipeline on the bundled sample team: history → forecast → requirements → roster."""
    from api.formats import write_frame_csv
    from api.schemas import team_to_mapping
    from common.timegrid import parse_iso_date
    from forecasting import forecast_week
    from scheduler import (
        compute_requirements,
        planning_week,
        problem_from_requirements,
        sample_availability,
        sample_history,
        sample_team,
        with_lead_in,
    )

    try:
        first_day = parse_iso_date(week)
        team = sample_team()
        the_week = planning_week(team, first_day)
        out.mkdir(parents=True, exist_ok=True)
        history = sample_history(first_day)
        entries = sample_availability(team, first_day)
        (out / "team.yaml").write_text(
            yaml.safe_dump(team_to_mapping(team), sort_keys=False), encoding="utf-8"
        )
        write_frame_csv(history, out / "history.csv")
        _write_availability(entries, out / "availability.csv")
        console.print(
            f"forecasting {the_week.days[0]} .. {the_week.days[-1]} from {len(history):,} history rows"
        )
        forecast = forecast_week(history, the_week)
        write_frame_csv(forecast, out / "forecast.csv")
        requirements = compute_requirements(with_lead_in(forecast, history, team), team)
        write_frame_csv(requirements, out / "requirements.csv")
        problem = problem_from_requirements(team, the_week, requirements, entries)
        title = f"Creator Support, week of {first_day} ({team.tz})"
        lines = _solve_and_write(
            problem, out / "roster.csv", time_limit, out / "roster.xlsx", out / "report.md", title
        )
    except WfmError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"Creator Support, week of {first_day} ({team.tz}); files in {out}/ (report.md: the lead's report)"
    )
    typer.echo("\n".join(lines))


def _write_availability(entries: tuple[AvailabilityEntry, ...], path: Path) -> None:
    import pandas as pd

    from api.formats import availability_rows, write_frame_csv

    write_frame_csv(pd.DataFrame(availability_rows(entries)), path)


cli_forecast.register(app)
cli_staffing.register(app)
cli_curtois.register(app)
cli_service.register(app)
cli_scenarios.register(app)
cli_import.register(app)
cli_team.register(app)


def main() -> None:
    """Entry point of the `wfm` console script."""
    app()

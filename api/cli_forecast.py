"""`wfm forecast`: forecast a week of contacts from a history file, or report how good that has been."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from common.defaults import BACKTEST_WEEKS, DAYS_PER_WEEK, INTERVAL_MINUTES

if TYPE_CHECKING:
    import pandas as pd

    from forecasting import SpecialDay
    from scheduler import Team

MAX_DAYS = 14


def _parse_event(text: str) -> tuple[str, float, str | None]:
    """'2024-05-02:1.5' → ('2024-05-02', 1.5, None); '2024-05-02:0.6:Europe/London' → (..., 'Europe/London')."""
    day, _, rest = text.partition(":")
    multiplier, _, region = rest.partition(":")
    try:
        return day, float(multiplier), region.strip() or None
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r}: write an event as YYYY-MM-DD:MULTIPLIER, e.g. 2024-05-02:1.5, or for one region "
            "YYYY-MM-DD:MULTIPLIER:REGION, e.g. 2024-05-06:0.6:Europe/London"
        ) from exc


MAP_QUEUE_HINT = (
    "import the export again with --map-queue CHANNEL=QUEUE for each channel that is one of them "
    "(e.g. --map-queue 'Web form=email')"
)


def _team_queues_only(frame: pd.DataFrame, team: Team) -> pd.DataFrame:
    """The history of the team's queues: a queue of the history that is not one of them (a helpdesk's
    channel imported without --map-queue) is left out with a warning naming it and its contacts, and a
    history with none of them is refused. Forecast, such a queue's sparse history fails in words that
    do not say why."""
    from common.errors import InvalidInput

    queues = [q.name for q in team.queues]
    foreign = frame.loc[~frame["queue"].isin(queues)]
    if foreign.empty:
        return frame
    counts = foreign.groupby("queue")["y"].sum().sort_values(ascending=False)
    named = ", ".join(f"{queue!r} ({count:,.0f} contacts)" for queue, count in counts.items())
    where = f"not queues of team {team.name!r} ({', '.join(queues)})"
    if len(foreign) == len(frame):
        raise InvalidInput(
            f"no queue of the history is a queue of the team: {named} are {where}; {MAP_QUEUE_HINT}"
        )
    typer.echo(f"warning: left out of the forecast, {where}: {named}; {MAP_QUEUE_HINT}", err=True)
    return frame.loc[frame["queue"].isin(queues)]


def _special_regions(specials: list[SpecialDay], history_regions: set[str]) -> None:
    """Every region an event names is one of the history's (a zone typed for a holiday that scales
    nothing would be silent)."""
    from common.errors import InvalidInput

    for special in specials:
        if special.region is not None and special.region not in history_regions:
            raise InvalidInput(
                f"--event {special.day}: region {special.region!r} is not one of the history's "
                f"({', '.join(sorted(history_regions))})"
            )


def model_lines(chosen: list[tuple[str, str, str]], width: int = 100) -> list[str]:
    """The model fitted per (queue, region, model), a queue a paragraph, regions grouped by model and
    wrapped at `width`: 'email: AutoETS for Asia/Manila, Europe/London; SeasonalNaive for UTC'."""
    by_queue: dict[str, dict[str, list[str]]] = {}
    for queue, region, model in chosen:
        by_queue.setdefault(queue, {}).setdefault(model, []).append(region)
    lines = []
    for queue, models in by_queue.items():
        text = f"{queue}: " + "; ".join(f"{m} for {', '.join(sorted(r))}" for m, r in sorted(models.items()))
        lines += textwrap.wrap(
            text, width, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
        )
    return lines


def register(app: typer.Typer) -> None:
    """Add the `forecast` command to `app`."""

    @app.command("forecast")
    def forecast(
        history: Annotated[
            Path, typer.Argument(help="contact history (CSV/Parquet): ds, queue, y[, region, aht_s]")
        ],
        start: Annotated[str, typer.Option(help="first local day to forecast, YYYY-MM-DD")],
        out: Annotated[Path | None, typer.Option(help="where to write the forecast CSV")] = None,
        days: Annotated[int, typer.Option(help=f"local days to forecast (1-{MAX_DAYS})")] = DAYS_PER_WEEK,
        interval_minutes: Annotated[int, typer.Option(help="grid interval: 15, 30 or 60")] = INTERVAL_MINUTES,
        tz: Annotated[
            str | None,
            typer.Option(
                help="the team's IANA zone: days start at its midnight; the default region "
                "(default: the --team file's zone, else UTC)"
            ),
        ] = None,
        team: Annotated[
            Path | None,
            typer.Option(
                help="the team file: its zone is the default --tz, and a --start that is not the first day "
                "of its planning week is warned about (as `wfm roster` would refuse it)"
            ),
        ] = None,
        assume_tz: Annotated[
            str | None, typer.Option(help="zone of timestamps that carry no offset (otherwise an error)")
        ] = None,
        closed: Annotated[
            list[str] | None, typer.Option(help="a local day every queue is closed, YYYY-MM-DD (repeatable)")
        ] = None,
        event: Annotated[
            list[str] | None,
            typer.Option(
                help="a local day with unusual volume, YYYY-MM-DD:MULTIPLIER, or in one user region "
                "YYYY-MM-DD:MULTIPLIER:REGION (repeatable)"
            ),
        ] = None,
        backtest: Annotated[
            bool, typer.Option("--backtest", help="print how the method did on the last weeks of history")
        ] = False,
        backtest_weeks: Annotated[int, typer.Option(help="weeks the backtest holds back")] = BACKTEST_WEEKS,
        holidays: Annotated[
            Path | None,
            typer.Option(help="CSV of holidays to add or remove: date[, action add|remove, name, region]"),
        ] = None,
        aggregate: Annotated[
            bool,
            typer.Option("--aggregate", help="add the history's rows up per interval (a row per contact)"),
        ] = False,
    ) -> None:
        """Forecast contacts and handle time per queue, region and interval (each region on its own clock)."""
        # Imported here so that `wfm --help` and other commands start without loading the models.
        from api.formats import read_history, read_holiday_changes, read_team, write_frame_csv
        from api.importers.zones import zone_option
        from api.lead_in import week_start_note
        from common.errors import InvalidInput, WfmError
        from common.timegrid import Grid, PlanningWeek, local_day_start_utc, parse_iso_date, zone
        from forecasting import SpecialDay, forecast_grid, forecast_notes, holidays_in_grid
        from forecasting.backtest import HOLIDAYS_HEADING, holiday_lines
        from forecasting.backtest import backtest as run_backtest

        if out is None and not backtest:
            raise typer.BadParameter("give --out FORECAST.csv, --backtest, or both")
        if not 1 <= days <= MAX_DAYS:
            raise typer.BadParameter(f"--days must be between 1 and {MAX_DAYS}")
        try:
            first_day = parse_iso_date(start)
            for option, value in (("--tz", tz), ("--assume-tz", assume_tz)):
                if value is not None:
                    zone_option(option, value)
            the_team = None if team is None else read_team(team)
            if the_team is not None and tz is not None and zone(tz).key != zone(the_team.tz).key:
                raise InvalidInput(
                    f"--tz {tz} is not the zone of team {the_team.name!r} ({the_team.tz}); leave --tz out"
                )
            tz = tz or (the_team.tz if the_team is not None else "UTC")
            wrong_day = None if the_team is None else week_start_note(the_team, first_day)
            if wrong_day is not None:
                typer.echo(
                    f"warning: `wfm roster` will not plan a week from this forecast's start: {wrong_day}",
                    err=True,
                )
            week = PlanningWeek(first_day, tz, interval_minutes)
            end = local_day_start_utc(first_day + timedelta(days=days), week.zone)
            n_intervals = int((end - week.start_utc).total_seconds() // (60 * interval_minutes))
            grid = Grid(week.start_utc, interval_minutes, n_intervals)
            specials = [SpecialDay(parse_iso_date(d), "closed") for d in closed or []]
            for text in event or []:
                day, multiplier, region = _parse_event(text)
                specials.append(SpecialDay(parse_iso_date(day), "event", multiplier, region=region))
            changes = () if holidays is None else read_holiday_changes(holidays)
            frame = read_history(
                history,
                default_region=tz,
                assume_tz=assume_tz,
                aggregate=aggregate,
                interval_minutes=interval_minutes,
            )
            if the_team is not None:
                frame = _team_queues_only(frame, the_team)
            _special_regions(specials, set(frame["region"].unique()))
            if backtest:
                report = run_backtest(
                    frame,
                    team_tz=tz,
                    interval_minutes=interval_minutes,
                    n_origins=backtest_weeks,
                    specials=specials,
                    holiday_changes=changes,
                    until=first_day,
                )
                typer.echo(report.render(holidays=out is None))
            if out is not None:
                with forecast_notes() as notes:
                    forecast_frame, fitted = forecast_grid(
                        frame, grid, team_tz=tz, specials=specials, holiday_changes=changes
                    )
                for note in notes:
                    typer.echo(f"warning: {note}", err=True)
                write_frame_csv(forecast_frame, out)
                typer.echo(f"wrote {len(forecast_frame)} rows to {out}; the model of each queue and region:")
                typer.echo("\n".join(model_lines([(f.queue, f.region, f.fitted.model.name) for f in fitted])))
                applied = holidays_in_grid(sorted(frame["region"].unique()), grid, holiday_changes=changes)
                learnt: dict[str, dict[str, list[float]]] = {}
                for f in fitted:
                    for name, ratio in f.fitted.holiday_ratios.items():
                        learnt.setdefault(f.region, {}).setdefault(name, []).append(ratio)
                if backtest:  # one heading: the weeks scored, then the week forecast
                    typer.echo("\n".join([HOLIDAYS_HEADING, "  in the weeks scored:"]))
                    typer.echo("\n".join(holiday_lines(report.holidays, heading=False, indent="    ")))
                    typer.echo("  in the week forecast:")
                    typer.echo("\n".join(holiday_lines(applied, heading=False, indent="    ", learnt=learnt)))
                else:
                    typer.echo("\n".join(holiday_lines(applied, learnt=learnt)))
        except WfmError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from exc

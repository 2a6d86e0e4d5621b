"""`wfm import`: the files a support team already has, turned into the contracts the pipeline reads.

`wfm import tickets` turns a helpdesk export into a contact history; `wfm import availability`
turns HR's availability workbook (names, date ranges, 'Sat, Sun', a sheet by name) into the
availability contract with agent ids, one row per day.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import typer

from api.importers.presets import PresetName
from common.defaults import INTERVAL_MINUTES
from common.errors import InputIssue, InvalidInput, WfmError

app = typer.Typer(help="Import the files a support team already has.", no_args_is_help=True)


def _fail(exc: WfmError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=2)


def parse_queue_map(pairs: list[str], yaml_file: Path | None) -> dict[str, str]:
    """VALUE=QUEUE pairs and/or a YAML mapping file of channel values to queues.

    Raises:
        InvalidInput: a pair without '=', or a file that is not a mapping of text to text.
    """
    import yaml

    mapping: dict[str, str] = {}
    if yaml_file is not None:
        try:
            data = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InvalidInput([InputIssue(f"cannot read the queue map: {exc}", str(yaml_file))]) from exc
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise InvalidInput(
                [
                    InputIssue(
                        "the queue map must map channel values to queue names, e.g. 'web: email'",
                        str(yaml_file),
                    )
                ]
            )
        mapping.update({str(k): v for k, v in data.items()})
    for pair in pairs:
        value, sep, queue = pair.partition("=")
        if not sep or not value.strip() or not queue.strip():
            raise InvalidInput(f"--map-queue {pair!r}: write VALUE=QUEUE, e.g. 'Web form=email' or '*=email'")
        mapping[value.strip()] = queue.strip()
    return mapping


@app.command("tickets")
def tickets(
    export: Annotated[
        Path, typer.Argument(help="the helpdesk export, CSV (UTF-8) or XLSX: a row per ticket")
    ],
    out: Annotated[Path, typer.Option(help="where to write the history CSV (ds, queue, region, y, aht_s)")],
    preset: Annotated[
        str | None,
        typer.Option(help=f"{', '.join(get_args(PresetName))}: their standard columns"),
    ] = None,
    created: Annotated[str | None, typer.Option(help="column of the time the ticket came in")] = None,
    queue: Annotated[str | None, typer.Option(help="column of the channel or queue")] = None,
    ticket_id: Annotated[
        str | None, typer.Option(help="column of the ticket id (duplicates are dropped)")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="column of the user's time zone (IANA, Rails or Windows names)")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="column of the user's country (its zone is used)")
    ] = None,
    handle_seconds: Annotated[str | None, typer.Option(help="column of the handle time in seconds")] = None,
    handle_minutes: Annotated[str | None, typer.Option(help="column of the handle time in minutes")] = None,
    map_queue: Annotated[
        list[str] | None,
        typer.Option(
            help="VALUE=QUEUE: count a channel value on a queue (repeatable; '*=QUEUE' for the rest)"
        ),
    ] = None,
    queue_map: Annotated[
        Path | None, typer.Option(help="a YAML file mapping channel values to queues")
    ] = None,
    assume_tz: Annotated[str | None, typer.Option(help="the zone of times written without an offset")] = None,
    time_format: Annotated[
        str | None, typer.Option(help="the created times' format when not ISO-8601, e.g. '%m/%d/%Y %I:%M %p'")
    ] = None,
    tz: Annotated[
        str, typer.Option(help="the team's IANA zone: its grid, and the region of users without one")
    ] = "UTC",
    interval_minutes: Annotated[int, typer.Option(help="grid interval: 15, 30 or 60")] = INTERVAL_MINUTES,
    sheet: Annotated[str | None, typer.Option(help="the XLSX sheet to read")] = None,
) -> None:
    """Count a helpdesk export's tickets per queue, user region and interval: the history `wfm forecast` reads."""
    from api.formats import write_frame_csv
    from api.importers.tickets import TicketOptions, import_tickets

    try:
        options = TicketOptions(
            team_tz=tz,
            preset=preset,
            created=created,
            queue=queue,
            ticket_id=ticket_id,
            region=region,
            country=country,
            handle_seconds=handle_seconds,
            handle_minutes=handle_minutes,
            map_queue=parse_queue_map(map_queue or [], queue_map),
            assume_tz=assume_tz,
            time_format=time_format,
            interval_minutes=interval_minutes,
            sheet=sheet,
        )
        frame, report = import_tickets(export, options)
        write_frame_csv(frame, out)
    except WfmError as exc:
        raise _fail(exc) from exc
    typer.echo("\n".join(report.lines()), err=True)
    typer.echo(f"wrote {len(frame):,} intervals ({int(frame['y'].sum()):,} tickets) to {out}")


@app.command("availability")
def availability(
    workbook: Annotated[Path, typer.Argument(help="HR's availability file, CSV or XLSX")],
    team: Annotated[Path, typer.Option(help="the team file (YAML or JSON): agents by id and name")],
    out: Annotated[Path, typer.Option(help="where to write the availability CSV (agent ids, a row per day)")],
    sheet: Annotated[str | None, typer.Option(help="the XLSX sheet to read")] = None,
) -> None:
    """Check HR's availability (names or ids, date ranges, 'Sat, Sun') and write it with agent ids."""
    import pandas as pd

    from api.formats import availability_rows, read_availability_file, read_team, write_frame_csv

    try:
        read = read_availability_file(workbook, read_team(team), sheet=sheet)
        write_frame_csv(pd.DataFrame(availability_rows(read.entries)), out)
    except WfmError as exc:
        raise _fail(exc) from exc
    typer.echo(f"wrote {len(read.entries):,} availability rows to {out}")
    for note in read.notes():
        typer.echo(f"note: {note}")


def register(root: typer.Typer) -> None:
    """Add the `import` commands to the `wfm` app."""
    root.add_typer(app, name="import")

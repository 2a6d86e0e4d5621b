"""`wfm team init`: a team file from a sheet of agents, without writing YAML by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from common.errors import WfmError

app = typer.Typer(help="Make and check team files.", no_args_is_help=True)


@app.command("init")
def init(
    agents: Annotated[
        Path, typer.Option(help="a sheet of agents, CSV or XLSX: name[, id, tz, skills, hours]")
    ],
    name: Annotated[str, typer.Option(help="the team's name")],
    tz: Annotated[str, typer.Option(help="the team's zone (IANA, e.g. America/Phoenix)")],
    out: Annotated[Path, typer.Option(help="where to write the team file (YAML)")],
    queues: Annotated[
        str | None,
        typer.Option(
            help="the team's queues, e.g. 'email,chat' or 'vip:voice' (default: the sheet's skills)"
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="the XLSX sheet to read")] = None,
    starts: Annotated[
        str,
        typer.Option(
            help="earliest and latest local shift start, e.g. 06:00-14:00 (00:00-23:30 for round-the-clock)"
        ),
    ] = "06:00-14:00",
) -> None:
    """Write a team file: the sheet's agents, the queues' usual targets (commented), rules to adjust."""
    from api.formats import read_team, write_bytes
    from api.importers.agents import hours_fits, parse_queues, parse_starts, read_agent_sheet, team_yaml
    from api.importers.zones import unknown_zone_option, zone_of_name
    from common.errors import InvalidInput

    try:
        team_tz = zone_of_name(tz)
        if team_tz is None:
            raise unknown_zone_option("--tz", tz)
        given = parse_queues(queues) if queues else None
        rows, queue_names = read_agent_sheet(
            agents, team_tz=team_tz, queues=[q for q, _ in given] if given else None, sheet=sheet
        )
        pairs = given or parse_queues(",".join(queue_names))
        text = team_yaml(name, team_tz, pairs, rows, parse_starts(starts))
        write_bytes(out, text.encode("utf-8"))
        try:
            team = read_team(out)  # the file written must be a valid team file
        except InvalidInput:
            out.unlink(missing_ok=True)
            raise
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    for fit in hours_fits(rows):
        typer.echo(f"warning: {fit.agent.name} ({fit.agent.id}): {fit.advice}", err=True)
    typer.echo(
        f"wrote {out}: {len(team.agents)} agents, queues {', '.join(q.name for q in team.queues)}; "
        "check the targets and shift rules in it"
    )


def register(root: typer.Typer) -> None:
    """Add the `team` commands to the `wfm` app."""
    root.add_typer(app, name="team")

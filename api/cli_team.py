"""`wfm team init`: a team file from a sheet of agents, without writing YAML by hand; `wfm team
check`: a team file read as `wfm roster` reads it, with what its rules cannot do."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from common.errors import WfmError

if TYPE_CHECKING:
    from scheduler.domain import Team

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
            help="earliest and latest shift start on each agent's own clock, e.g. 06:00-14:00 (agents in far zones "
            "then follow the sun); 00:00-23:30 lets anyone work nights"
        ),
    ] = "06:00-14:00",
) -> None:
    """Write a team file: the sheet's agents, the queues' usual targets (commented), rules to adjust."""
    from api.formats import write_bytes
    from api.importers.agents import hours_fits, parse_queues, parse_starts, read_agent_sheet, team_yaml
    from api.importers.zones import unknown_zone_option, zone_of_name

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
        team = team_of_text(text, out)  # the file to write must be a valid team file
        write_bytes(out, text.encode("utf-8"))
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    for fit in hours_fits(rows):
        typer.echo(f"warning: {fit.agent.name} ({fit.agent.id}): {fit.advice}", err=True)
    typer.echo(
        f"wrote {out}: {len(team.agents)} agents, queues {', '.join(q.name for q in team.queues)}; "
        "check the targets and shift rules in it"
    )


def team_of_text(text: str, out: Path) -> Team:
    """The team a team file's text holds, read as `wfm roster` reads the file, before it is written (so
    a file already at `out` is left as it was when the text is not a valid team file).

    Raises:
        InvalidInput: what is wrong, naming `out` as not written.
    """
    import yaml

    from api.team_file import TeamLoader, team_from_file_mapping
    from common.errors import InvalidInput

    try:
        return team_from_file_mapping(yaml.load(text, Loader=TeamLoader))  # a SafeLoader
    except InvalidInput as exc:
        raise exc.located(f"{out} (not written)") from exc


@app.command()
def check(team: Annotated[Path, typer.Option(help="the team file (YAML or JSON)")]) -> None:
    """Read a team file as `wfm roster` reads it, and say what its rules cannot do: contracts their
    shifts cannot make, breaks whose windows leave no room for half an hour between them, and far agents
    whose start window (the team's, on their own clock) lands far from the team's hours."""
    from api.formats import read_team
    from api.team_checks import team_warnings

    try:
        the_team = read_team(team)
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    queues = ", ".join(f"{q.name} ({q.channel})" for q in the_team.queues)
    typer.echo(f"{team}: {the_team.name}, {len(the_team.agents)} agents; queues {queues}")
    for line in team_warnings(the_team):
        typer.echo(f"warning: {line}")


def register(root: typer.Typer) -> None:
    """Add the `team` commands to the `wfm` app."""
    root.add_typer(app, name="team")

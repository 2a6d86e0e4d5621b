"""`wfm serve` and `wfm token create`: run the service and hand out access tokens.

`register(app)` adds the commands to a typer app (registered from `api/cli.py`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from common.errors import WfmError

token_app = typer.Typer(help="Access tokens of the service.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="lead, planner, hr or admin")],
    team: Annotated[
        list[str] | None, typer.Option(help="a team id the token may see (repeat; '*' for all)")
    ] = None,
    label: Annotated[str, typer.Option(help="a note to tell tokens apart (no personal data)")] = "",
) -> None:
    """Create a token and print its secret once (only its hash is stored)."""
    from api.service.auth import create_token
    from api.service.db import make_engine, session_factory, transaction, upgrade
    from api.service.settings import Settings

    engine = make_engine(Settings().database_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            row, secret = create_token(session, role, team or [], label)
            token_id = row.id
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    finally:
        engine.dispose()
    typer.echo(secret)
    typer.echo(f"token {token_id} ({role}); the secret above is shown only now", err=True)


def register(app: typer.Typer) -> None:
    """Add `serve` and `token` to `app`."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    ) -> None:
        """Run the web service and its page at / (SQLite file wfm.db by default; DATABASE_URL to choose
        another database)."""
        import logging

        from api.service import Settings
        from api.service.server import serve as run_service

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)  # not a line per /ready
        typer.echo(
            f"the page: http://{host}:{port}/ (sign in with a token from `wfm token create`)", err=True
        )
        run_service(Settings(), host, port)

    app.add_typer(token_app, name="token")

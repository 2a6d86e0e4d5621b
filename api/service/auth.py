"""Access: bearer tokens (stored hashed), roles, and the teams a token may see."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas import TEAM_ID_PATTERN
from api.service.db import TokenRow, utcnow
from api.service.errors import Forbidden, NotFound, Unauthorized
from common.errors import InvalidInput

Role = Literal["lead", "planner", "hr", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
Action = Literal[
    "read", "create_team", "edit_team", "import_availability", "plan", "roster", "publish", "admin"
]
ALL_TEAMS = "*"
TOKEN_PREFIX = "wfm_"

# who may do what; every role may only touch the teams its token names (admin: all teams)
PERMISSIONS: dict[Action, frozenset[str]] = {
    "read": frozenset(ROLES),
    "create_team": frozenset({"admin"}),
    "edit_team": frozenset({"lead", "admin"}),
    "import_availability": frozenset({"hr", "lead", "admin"}),
    "plan": frozenset({"planner", "lead", "admin"}),
    "roster": frozenset({"lead", "admin"}),
    "publish": frozenset({"lead", "admin"}),
    "admin": frozenset({"admin"}),
}
_DOING: dict[Action, str] = {
    "read": "read this team",
    "create_team": "create teams",
    "edit_team": "change teams or agents",
    "import_availability": "import availability",
    "plan": "upload history or make forecasts and requirements",
    "roster": "start roster jobs, cancel them or pin shifts",
    "publish": "publish rosters",
    "admin": "manage tokens",
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's id, role and teams."""

    token_id: int
    role: str
    teams: tuple[str, ...]

    def sees(self, team_id: str) -> bool:
        """Whether the token may see `team_id` at all."""
        return self.role == "admin" or ALL_TEAMS in self.teams or team_id in self.teams

    def require(self, action: Action, team_id: str | None = None) -> None:
        """Raise NotFound for a team the token may not see, Forbidden for an action its role may not do."""
        if team_id is not None and not self.sees(team_id):
            raise NotFound(f"team {team_id!r} not found")
        if self.role not in PERMISSIONS[action]:
            raise Forbidden(f"a {self.role} token may not {_DOING[action]}")


def hash_secret(secret: str) -> str:
    """The stored form of a token: the SHA-256 of its secret (the secret is random, so no salt)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, role: str, teams: Sequence[str], label: str = "") -> tuple[TokenRow, str]:
    """A new token row and its secret (shown once; only the hash is stored). The caller commits."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if role != "admin" and not teams:
        raise InvalidInput(f"a {role} token needs at least one team (or '{ALL_TEAMS}' for all)")
    odd = [t for t in teams if t != ALL_TEAMS and re.fullmatch(TEAM_ID_PATTERN, t) is None]
    if odd:  # a token for an id no team can have would see nothing, silently
        raise InvalidInput(
            f"not a team id: {', '.join(repr(t) for t in odd)}; team ids are lower-case letters, digits and "
            f"'-' (as GET /v1/teams lists them), or '{ALL_TEAMS}' for all"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = TokenRow(
        token_hash=hash_secret(secret), role=role, teams=sorted(set(teams)), label=label, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return row, secret


def require_secret(secret: str | None) -> str:
    """A bearer secret that was given, or Unauthorized."""
    if not secret:
        raise Unauthorized("this route needs a bearer token: send 'Authorization: Bearer <token>'")
    return secret


def principal_for(session: Session, secret: str | None) -> Principal:
    """The principal of a bearer secret, or Unauthorized."""
    secret = require_secret(secret)
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == hash_secret(secret)))
    if row is None or row.revoked_at is not None:
        raise Unauthorized("the token is unknown or revoked; ask an admin for a new one (wfm token create)")
    return Principal(row.id, row.role, tuple(row.teams))

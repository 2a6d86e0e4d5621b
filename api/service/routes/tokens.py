"""Tokens (admin) and the caller's own identity."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.service.auth import create_token
from api.service.db import TokenRow, as_utc, utcnow
from api.service.deps import PrincipalDep, SessionDep
from api.service.errors import NotFound
from api.service.schemas import Me, TokenCreate, TokenCreated, TokenOut

router = APIRouter(tags=["tokens"])


def _out(row: TokenRow) -> TokenOut:
    return TokenOut(
        id=row.id,
        role=row.role,
        teams=list(row.teams),
        label=row.label,
        created_at=as_utc(row.created_at) or utcnow(),
        revoked_at=as_utc(row.revoked_at),
    )


@router.get("/me")
def me(principal: PrincipalDep) -> Me:
    """The calling token's role and teams."""
    return Me(token_id=principal.token_id, role=principal.role, teams=list(principal.teams))


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def post_token(body: TokenCreate, session: SessionDep, principal: PrincipalDep) -> TokenCreated:
    """Create a token; its secret is in this answer only."""
    principal.require("admin")
    row, secret = create_token(session, body.role, body.teams, body.label)
    session.commit()
    return TokenCreated(**_out(row).model_dump(), token=secret)


@router.get("/tokens")
def list_tokens(session: SessionDep, principal: PrincipalDep) -> list[TokenOut]:
    """Every token (never a secret)."""
    principal.require("admin")
    return [_out(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.id))]


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: int, session: SessionDep, principal: PrincipalDep) -> TokenOut:
    """Revoke a token: it stops working at once."""
    principal.require("admin")
    row = session.get(TokenRow, token_id)
    if row is None:
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.commit()
    return _out(row)

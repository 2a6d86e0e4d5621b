"""Tokens (admin) and the caller's own identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlalchemy import select

from api.service.auth import create_token
from api.service.db import TokenRow, utcnow
from api.service.deps import Admin, PrincipalDep, SessionDep
from api.service.errors import NotFound
from api.service.presenters import token_out
from api.service.schemas import MAX_DB_ID, Me, TokenCreate, TokenCreated, TokenOut

router = APIRouter(tags=["tokens"])


@router.get("/me")
def me(principal: PrincipalDep) -> Me:
    """The calling token's role and teams."""
    return Me(token_id=principal.token_id, role=principal.role, teams=list(principal.teams))


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def post_token(body: TokenCreate, session: SessionDep, _admin: Admin) -> TokenCreated:
    """Create a token; its secret is in this answer only."""
    row, secret = create_token(session, body.role, body.teams, body.label)
    session.commit()
    return TokenCreated(**token_out(row).model_dump(), token=secret)


@router.get("/tokens")
def list_tokens(session: SessionDep, _admin: Admin) -> list[TokenOut]:
    """Every token (never a secret)."""
    return [token_out(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.id))]


@router.delete("/tokens/{token_id}")
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=MAX_DB_ID)], session: SessionDep, _admin: Admin
) -> TokenOut:
    """Revoke a token: it stops working at once."""
    row = session.get(TokenRow, token_id)
    if row is None:
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.commit()
    return token_out(row)

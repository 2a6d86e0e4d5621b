"""Teams and their agents."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.schemas import AgentIn, TeamIn
from api.service.auth import Action, Principal
from api.service.db import AgentRow, TeamRow, as_utc, utcnow
from api.service.deps import PrincipalDep, SessionDep
from api.service.errors import NotFound
from api.service.schemas import AgentOut, TeamBrief, TeamCreate, TeamOut
from api.service.storage import (
    agent_mappings,
    create_team,
    delete_agent,
    put_agent,
    replace_team,
    team_mapping,
    team_row,
)
from common.errors import InputIssue, InvalidInput

router = APIRouter(tags=["teams"])


def visible_team(session: Session, principal: Principal, team_id: str, action: Action) -> TeamRow:
    """The team if the token may see it and its role may do `action` (404 / 403 otherwise)."""
    principal.require(action, team_id)
    return team_row(session, team_id)


def _out(session: Session, row: TeamRow) -> TeamOut:
    return TeamOut(
        **team_mapping(session, row),
        id=row.id,
        created_at=as_utc(row.created_at) or utcnow(),
        updated_at=as_utc(row.updated_at) or utcnow(),
    )


@router.get("/teams")
def list_teams(session: SessionDep, principal: PrincipalDep) -> list[TeamBrief]:
    """The teams this token may see."""
    principal.require("read")
    query = select(AgentRow.team_id, func.count()).group_by(AgentRow.team_id)
    counts: dict[str, int] = {team: int(n) for team, n in session.execute(query)}
    return [
        TeamBrief(id=r.id, name=r.name, tz=r.settings["tz"], agents=counts.get(r.id, 0))
        for r in session.scalars(select(TeamRow).order_by(TeamRow.id))
        if principal.sees(r.id)
    ]


@router.post("/teams", status_code=status.HTTP_201_CREATED)
def post_team(body: TeamCreate, session: SessionDep, principal: PrincipalDep) -> TeamOut:
    """Create a team with its queues, rules and agents (admin)."""
    principal.require("create_team")
    row = create_team(session, body.model_dump(exclude={"id"}), body.id)
    session.commit()
    return _out(session, row)


@router.get("/teams/{team_id}")
def get_team(team_id: str, session: SessionDep, principal: PrincipalDep) -> TeamOut:
    """A team with its agents."""
    return _out(session, visible_team(session, principal, team_id, "read"))


@router.put("/teams/{team_id}")
def put_team(team_id: str, body: TeamIn, session: SessionDep, principal: PrincipalDep) -> TeamOut:
    """Replace a team's settings and agents; availability of agents no longer in the team is dropped."""
    row = visible_team(session, principal, team_id, "edit_team")
    replace_team(session, row, body.model_dump())
    session.commit()
    return _out(session, row)


@router.get("/teams/{team_id}/agents")
def list_agents(team_id: str, session: SessionDep, principal: PrincipalDep) -> list[AgentOut]:
    """The team's agents."""
    visible_team(session, principal, team_id, "read")
    return [AgentOut.model_validate(a) for a in agent_mappings(session, team_id)]


@router.post("/teams/{team_id}/agents", status_code=status.HTTP_201_CREATED)
def post_agent(team_id: str, body: AgentIn, session: SessionDep, principal: PrincipalDep) -> AgentOut:
    """Add an agent to the team."""
    row = visible_team(session, principal, team_id, "edit_team")
    put_agent(session, row, body.model_dump(exclude_none=True), create=True)
    session.commit()
    return _agent(session, team_id, body.id)


def _agent(session: Session, team_id: str, agent_id: str) -> AgentOut:
    for a in agent_mappings(session, team_id):
        if a["id"] == agent_id:
            return AgentOut.model_validate(a)
    raise NotFound(f"agent {agent_id!r} not found in team {team_id!r}")


@router.get("/teams/{team_id}/agents/{agent_id}")
def get_agent(team_id: str, agent_id: str, session: SessionDep, principal: PrincipalDep) -> AgentOut:
    """One agent."""
    visible_team(session, principal, team_id, "read")
    return _agent(session, team_id, agent_id)


@router.put("/teams/{team_id}/agents/{agent_id}")
def update_agent(
    team_id: str, agent_id: str, body: AgentIn, session: SessionDep, principal: PrincipalDep
) -> AgentOut:
    """Replace an agent (its id in the body must match the path)."""
    row = visible_team(session, principal, team_id, "edit_team")
    if body.id != agent_id:
        raise InvalidInput(
            [InputIssue("the body's id differs from the path's agent id", column="id", value=body.id)]
        )
    put_agent(session, row, body.model_dump(exclude_none=True), create=False)
    session.commit()
    return _agent(session, team_id, agent_id)


@router.delete("/teams/{team_id}/agents/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_agent(team_id: str, agent_id: str, session: SessionDep, principal: PrincipalDep) -> None:
    """Remove an agent and their availability."""
    row = visible_team(session, principal, team_id, "edit_team")
    delete_agent(session, row, agent_id)
    session.commit()

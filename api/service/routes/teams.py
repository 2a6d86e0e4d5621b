"""Teams and their agents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.formats import read_team
from api.schemas import TEAM_ID_PATTERN, AgentIn, team_to_mapping
from api.service.db import AgentRow, TeamRow, as_utc
from api.service.deps import (
    AgentIdPath,
    EditTeam,
    Reader,
    ReadTeam,
    SessionDep,
    StateDep,
    TeamCreator,
)
from api.service.errors import NotFound
from api.service.presenters import team_out
from api.service.schemas import AgentOut, TeamBrief, TeamCreate, TeamOut, TeamPut
from api.service.storage import agent_mappings, create_team, delete_agent, put_agent, replace_team
from api.service.uploads import ONE_FILE, parse_upload, read_upload, upload_name
from common.errors import InputIssue, InvalidInput

router = APIRouter(tags=["teams"])
TEAM_FILE_TYPES = (".yaml", ".yml", ".json")  # what `wfm team init` writes, and the API's JSON


@router.get("/teams")
def list_teams(session: SessionDep, principal: Reader) -> list[TeamBrief]:
    """The teams this token may see."""
    query = select(AgentRow.team_id, func.count()).group_by(AgentRow.team_id)
    counts: dict[str, int] = {team: int(n) for team, n in session.execute(query)}
    return [
        TeamBrief(id=r.id, name=r.name, tz=r.settings["tz"], agents=counts.get(r.id, 0))
        for r in session.scalars(select(TeamRow).order_by(TeamRow.id))
        if principal.sees(r.id)
    ]


@router.post(
    "/teams", status_code=status.HTTP_201_CREATED, responses={409: {"description": "the id is taken"}}
)
def post_team(body: TeamCreate, session: SessionDep, _admin: TeamCreator) -> TeamOut:
    """Create a team with its queues, rules and agents (admin)."""
    row = create_team(session, body.model_dump(exclude={"id"}), body.id)
    session.commit()
    return team_out(session, row)


@router.post(
    "/teams/upload",
    dependencies=[ONE_FILE],
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "the id is taken"},
        413: {"description": "the file is larger than a team's JSON body may be"},
        422: {"description": "the file has errors: each issue names the file, the key, the value and why"},
    },
)
def upload_team(
    file: Annotated[
        UploadFile,
        File(
            description="a team file, YAML or JSON, as `wfm team init` writes it (the body of POST /teams "
            "without its id)"
        ),
    ],
    session: SessionDep,
    state: StateDep,
    _admin: TeamCreator,
    team_id: Annotated[
        str | None,
        Query(
            alias="id",
            pattern=TEAM_ID_PATTERN,
            max_length=64,
            description="the team's id (default: a slug of its name)",
        ),
    ] = None,
) -> TeamOut:
    """Create a team from its team file (admin): read as `wfm roster --team` reads it (unquoted times of
    day, errors naming the agent and the key or zone meant), then stored as POST /teams stores a body."""
    name = upload_name(file)
    team = parse_upload(read_upload(file, state.settings.max_json_bytes), name, read_team, TEAM_FILE_TYPES)
    row = create_team(session, team_to_mapping(team), team_id)
    session.commit()
    return team_out(session, row)


@router.get("/teams/{team_id}")
def get_team(team: ReadTeam, session: SessionDep) -> TeamOut:
    """A team with its agents."""
    return team_out(session, team)


@router.put("/teams/{team_id}", responses={409: {"description": "the team changed after `updated_at`"}})
def put_team(team: EditTeam, body: TeamPut, session: SessionDep) -> TeamOut:
    """Replace a team's settings and agents; availability of agents no longer in the team is dropped.
    A team as GET gives it may be put back changed (see `TeamPut`)."""
    if body.id is not None and body.id != team.id:
        raise InvalidInput(
            [InputIssue("the body's id differs from the path's team id", column="id", value=body.id)]
        )
    settings = body.model_dump(exclude={"id", "created_at", "updated_at", "warnings"})
    replace_team(session, team, settings, read_at=as_utc(body.updated_at))
    session.commit()
    return team_out(session, team)


@router.get("/teams/{team_id}/agents")
def list_agents(team: ReadTeam, session: SessionDep) -> list[AgentOut]:
    """The team's agents."""
    return [AgentOut.model_validate(a) for a in agent_mappings(session, team.id)]


@router.post(
    "/teams/{team_id}/agents",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "the team has an agent with this id"}},
)
def post_agent(team: EditTeam, body: AgentIn, session: SessionDep) -> AgentOut:
    """Add an agent to the team."""
    put_agent(session, team, body.model_dump(), create=True)
    session.commit()
    return _agent(session, team.id, body.id)


def _agent(session: Session, team_id: str, agent_id: str) -> AgentOut:
    for a in agent_mappings(session, team_id):
        if a["id"] == agent_id:
            return AgentOut.model_validate(a)
    raise NotFound(f"agent {agent_id!r} not found in team {team_id!r}")


@router.get("/teams/{team_id}/agents/{agent_id}")
def get_agent(team: ReadTeam, agent_id: AgentIdPath, session: SessionDep) -> AgentOut:
    """One agent."""
    return _agent(session, team.id, agent_id)


@router.put("/teams/{team_id}/agents/{agent_id}")
def update_agent(team: EditTeam, agent_id: AgentIdPath, body: AgentIn, session: SessionDep) -> AgentOut:
    """Replace an agent (its id in the body must match the path)."""
    if body.id != agent_id:
        raise InvalidInput(
            [InputIssue("the body's id differs from the path's agent id", column="id", value=body.id)]
        )
    put_agent(session, team, body.model_dump(), create=False)
    session.commit()
    return _agent(session, team.id, agent_id)


@router.delete(
    "/teams/{team_id}/agents/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
def remove_agent(team: EditTeam, agent_id: AgentIdPath, session: SessionDep) -> Response:
    """Remove an agent and their availability (no content, and no content type)."""
    delete_agent(session, team, agent_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)

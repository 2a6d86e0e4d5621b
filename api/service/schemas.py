"""Input and output schemas of the service (the team and agent schemas come from api.schemas)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.importers.tickets import TicketOptions
from api.schemas import AgentIn, TeamIn
from common.errors import InvalidInput
from scheduler import Team


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    detail: str = ""


class TokenCreate(_In):
    """A token to create."""

    role: Literal["lead", "planner", "hr", "admin"]
    teams: list[str] = Field(default_factory=list, description="team ids the token may see; '*' for all")
    label: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    """A stored token (never its secret)."""

    id: int
    role: str
    teams: list[str]
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


class TokenCreated(TokenOut):
    """A new token: `token` is shown this once."""

    token: str


class Me(BaseModel):
    """The caller."""

    token_id: int
    role: str
    teams: list[str]


class TeamCreate(TeamIn):
    """A team to create; `id` defaults to a slug of the name."""

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")


class TeamOut(TeamIn):
    """A stored team."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    created_at: datetime
    updated_at: datetime


class TeamBrief(BaseModel):
    """A team in a list."""

    id: str
    name: str
    tz: str
    agents: int


class AgentOut(AgentIn):
    """A stored agent."""


class AvailabilityOut(BaseModel):
    """A stored availability row (times are the agent's local HH:MM)."""

    agent_id: str
    date: str
    weekday: str
    start: str
    end: str
    kind: str
    note: str


class ImportReport(BaseModel):
    """What an availability import changed (or, in a dry run, would change)."""

    file: str
    mode: str
    dry_run: bool
    rows: int
    duplicate_rows: int
    added: int
    unchanged: int
    removed: int
    import_id: int | None


class DatasetOut(BaseModel):
    """A stored history, forecast or requirements frame."""

    id: int
    kind: str
    source_id: int | None
    meta: dict[str, Any]
    created_at: datetime


class DatasetRows(DatasetOut):
    """A stored frame with its rows."""

    rows: list[dict[str, Any]]


class ForecastCreate(_In):
    """Forecast a week from a stored history."""

    history_id: int
    week: date = Field(description="first local day of the week, YYYY-MM-DD")


class RequirementsCreate(_In):
    """Requirements from a stored forecast."""

    forecast_id: int
    statistic: str = Field(default="mean", description="forecast column to staff to: mean, q50, q90, ...")


class RosterJobCreate(_In):
    """A roster solve. With `base_version` (or `locked_before` alone: the week's published version), a
    re-roster: the base's pinned shifts are kept, shifts starting before `locked_before` stay as they
    are, and the rest changes as little as the requirement allows."""

    week: date | None = Field(default=None, description="first local day of the week (default: the base's)")
    requirements_id: int | None = Field(default=None, description="stored requirements (default: the base's)")
    base_version: int | None = Field(default=None, ge=1)
    locked_before: datetime | None = Field(
        default=None,
        description="re-roster: the instant (ISO-8601 with an offset) before which the base roster has "
        "happened and is kept; nothing new may start before it",
    )
    previous_version: int | None = Field(
        default=None, ge=1, description="last week's roster version, for rest and days in a row"
    )
    time_limit_s: float | None = Field(default=None, gt=0)
    seed: int = Field(default=0, ge=0)


class JobOut(BaseModel):
    """A job: its state and, while it runs, the best objective so far, the bound and the elapsed time."""

    id: str
    team_id: str
    kind: str
    state: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    objective: float | None
    bound: float | None
    elapsed_s: float | None
    version: int | None
    scenario_id: int | None = Field(default=None, description="a scenario job: its stored comparison")
    progress: dict[str, Any] | None = Field(default=None, description="a sweep: scenarios done of total")
    error: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class VersionOut(BaseModel):
    """A roster version in a list."""

    number: int
    first_day: date
    job_id: str | None
    based_on: int | None
    status: str
    objective: float | None
    bound: float | None
    elapsed_s: float | None
    published: bool
    published_at: datetime | None
    created_at: datetime
    summary: dict[str, Any]
    penalties: dict[str, float]
    pins: list[dict[str, Any]]
    changes: list[dict[str, Any]] = Field(
        default_factory=list,
        description="a re-roster: each agent-day changed from the base version, with a lead's sentence",
    )


class VersionDetail(VersionOut):
    """A roster version with its rows (the roster contract)."""

    rows: list[dict[str, Any]]


class PinRef(_In):
    """A shift of the version to keep in re-rosters: the agent and the local day; with `start`, the
    shift moved by hand to start then (its breaks move with it)."""

    agent_id: str
    local_date: date
    start: str | None = Field(
        default=None,
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="move the shift: its new start, HH:MM in the agent's zone on local_date",
    )


class PinsIn(_In):
    """The shifts to pin (replaces the version's pins)."""

    pins: list[PinRef]


class Comparison(BaseModel):
    """Two roster versions side by side."""

    base: int
    other: int
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    unchanged: int
    changes: list[str]
    hours_by_agent: dict[str, dict[str, float]]
    summary: dict[str, dict[str, Any]]


class ScenarioCreate(_In):
    """What-if scenarios against a base plan. `staffing` depth without a sweep answers at once; a
    `reroster` depth or a `sweep` is a job (poll GET /jobs/{id}; its result is the stored comparison)."""

    team_id: str
    label: str = Field(default="", max_length=200)
    depth: Literal["staffing", "reroster"] = "staffing"
    forecast_id: int | None = Field(
        default=None, description="stored forecast to change (or requirements_id)"
    )
    requirements_id: int | None = Field(default=None, description="stored requirements (volume and AHT)")
    statistic: str = Field(default="mean", description="forecast column staffed to in the base")
    roster_version: int | None = Field(
        default=None,
        ge=1,
        description="the roster measured under each scenario (default: the week's published one)",
    )
    week: date | None = Field(default=None, description="first local day of the week (default: the roster's)")
    scenarios: list[dict[str, Any]] = Field(
        default_factory=list, description="[{name, changes: [{kind: volume, multiplier: 1.2}, ...]}]"
    )
    sweep: dict[str, list[Any]] | None = Field(
        default=None, description="a grid, e.g. {volume: [0.8, 1.0, 1.2], headcount: [12, 14, 16]}"
    )
    pay: dict[str, Any] | None = Field(
        default=None,
        description="hourly rates: {default_hourly_rate, agents: {id: rate}, contracts: {name: {min_hours_per_week, "
        "max_hours_per_week, hourly_rate}}, agent_contracts: {id: name}}",
    )
    time_limit_s: float | None = Field(default=None, gt=0, description="per re-roster solve")


class ScenarioBrief(BaseModel):
    """A stored comparison in a list."""

    id: int
    team_id: str
    label: str
    depth: str
    job_id: str | None
    scenarios: int
    created_at: datetime


class ScenarioOut(ScenarioBrief):
    """A stored comparison: one row per scenario, base first, with deltas against the base."""

    rows: list[dict[str, Any]]


class TicketExportQuery(BaseModel):
    """How to read a helpdesk export (the options of `wfm import tickets`)."""

    model_config = ConfigDict(extra="forbid")

    preset: Literal["zendesk", "freshdesk", "intercom", "salesforce", "hubspot"] | None = None
    created: str | None = Field(default=None, max_length=200, description="column of the created time")
    queue: str | None = Field(default=None, max_length=200, description="column of the channel or queue")
    ticket_id: str | None = Field(default=None, max_length=200, description="column of the ticket id")
    region: str | None = Field(default=None, max_length=200, description="column of the user's time zone")
    country: str | None = Field(default=None, max_length=200, description="column of the user's country")
    handle_seconds: str | None = Field(default=None, max_length=200)
    handle_minutes: str | None = Field(default=None, max_length=200)
    map_queue: list[str] = Field(
        default_factory=list, max_length=100, description="VALUE=QUEUE pairs; '*=QUEUE' for the rest"
    )
    assume_tz: str | None = Field(default=None, max_length=64, description="zone of times without an offset")
    time_format: str | None = Field(default=None, max_length=64, description="strftime format, when not ISO")
    sheet: str | None = Field(default=None, max_length=200, description="the XLSX sheet to read")

    def to_options(self, team: Team) -> TicketOptions:
        """The importer's options on the team's zone and grid (InvalidInput for a malformed pair)."""
        pairs: dict[str, str] = {}
        for pair in self.map_queue:
            value, sep, queue = pair.partition("=")
            if not sep or not value.strip() or not queue.strip():
                raise InvalidInput(f"map_queue {pair!r}: write VALUE=QUEUE, e.g. 'Web form=email'")
            pairs[value.strip()] = queue.strip()
        return TicketOptions(
            team_tz=team.tz,
            interval_minutes=team.interval_minutes,
            map_queue=pairs,
            **self.model_dump(exclude={"map_queue"}),
        )

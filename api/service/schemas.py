"""Input and output schemas of the service (the team and agent schemas come from api.schemas).

Every number, list and text a request may carry is bounded here (the limits are in the OpenAPI
document), so a request is refused with a 422 before it can cost the service more than it should.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from api.formats import days_between
from api.importers.presets import PresetName
from api.importers.tickets import TicketOptions
from api.schemas import (
    MAX_AGENTS,
    MAX_HOURS_PER_WEEK,
    MAX_NOTE_CHARS,
    MAX_QUEUES,
    MAX_SECONDS,
    MAX_SHIFT_LENGTHS,
    TEAM_ID_PATTERN,
    AgentIn,
    Clock,
    EndClock,
    Id,
    Key,
    Label,
    Name,
    ShiftHours,
    TeamIn,
    WeekdayIn,
    Zone,
)
from api.service.auth import Role
from api.service.job_states import JobState
from common.errors import InvalidInput
from common.timegrid import DAYS_PER_WEEK, MINUTES_PER_DAY
from scheduler import BasePlan, Depth, Team
from scheduler.scenarios import AddAgents, AhtChange, Contract, RemoveAgents

# Ids of stored rows: positive 32-bit integers (PostgreSQL's INTEGER); a bigger number names nothing.
MAX_DB_ID = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
# CP-SAT takes a 32-bit seed
Seed = Annotated[int, Field(ge=0, le=2**31 - 1, description="the solver's random seed (0 to 2^31 - 1)")]
TeamId = Annotated[
    str, Field(pattern=TEAM_ID_PATTERN, max_length=64, description="lower-case letters, digits and '-'")
]
JOB_ID_PATTERN = r"^[0-9a-f]{32}$"
# Solves shorter than this are refused. Above it the limit is the search's: the engine's first roster
# (model build, agent-by-agent seed, check) takes about 2 s on a 15-agent week on 2 cores whatever the
# limit, so a limit below about 3 s is exceeded by that much (a small team's solve ends far sooner).
MIN_TIME_LIMIT_S = 1.0
TimeLimit = Annotated[
    float,
    Field(
        strict=True,  # a number: not `true` (1 s) nor "2"
        ge=MIN_TIME_LIMIT_S,
        description=f"seconds, at least {MIN_TIME_LIMIT_S:g} and at most the service's maximum; the first "
        "roster of a 15-agent week takes about 2 s whatever the limit, so a shorter limit is exceeded",
    ),
]
STATISTIC_PATTERN = r"^(mean|q[0-9]{1,2})$"
Statistic = Annotated[
    str, Field(pattern=STATISTIC_PATTERN, description="mean, or a quantile column: q10, q50, q90, ...")
]
MAX_SCENARIOS = 50  # named scenarios in one request
MAX_CHANGES = 20  # changes in one scenario
MAX_AXIS_VALUES = 50  # values on one sweep axis (the grid is held to WFM_MAX_SWEEP_SCENARIOS)
MAX_MULTIPLIER = 100.0
MAX_PINS = DAYS_PER_WEEK * 2 * MAX_AGENTS
MAX_RATE = 1_000_000.0


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    detail: str = ""


class TokenCreate(_In):
    """A token to create."""

    role: Role
    teams: list[Annotated[str, Field(pattern=r"^(\*|[a-z0-9][a-z0-9-]{0,63})$", max_length=64)]] = Field(
        default_factory=list, max_length=1000, description="team ids the token may see; '*' for all"
    )
    label: Label = ""


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


class SolveLimits(BaseModel):
    """What a request may ask of the solver on this service (the page sets its time-limit input from
    it); a request past a limit is still refused with a 422."""

    min_time_limit_s: float = Field(description="the least `time_limit_s` a solve may ask for")
    default_time_limit_s: float = Field(
        description="a solve's time limit when a request gives none (WFM_DEFAULT_TIME_LIMIT_S)"
    )
    max_time_limit_s: float = Field(
        description="the most `time_limit_s` one solve may ask for (WFM_MAX_TIME_LIMIT_S)"
    )
    max_job_solver_s: float = Field(
        description="the most solver time one job may ask for in all, its solves times their time limit "
        "(WFM_MAX_JOB_SOLVER_S): a what-if comparison that re-rosters each scenario"
    )


class TeamCreate(TeamIn):
    """A team to create; `id` defaults to a slug of the name."""

    id: TeamId | None = None


class TeamPut(TeamIn):
    """A team's new settings and agents. A team as GET gives it may be put back as it is: `id`, when
    given, must be the path's; `created_at` is read-only; `updated_at`, when given, must be the team's
    as stored, so a change made by someone else since it was read is a 409 and not lost."""

    id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    warnings: tuple[str, ...] | None = None  # read-only, as GET gives them: said again from what is put


class TeamOut(TeamIn):
    """A stored team, with what its rules cannot do in words (`warnings`, as `wfm team check` says
    them: contracts its shift lengths cannot make, breaks that may come back to back, start windows
    across midnight or far from the team's hours); a solve may still fail, or surprise, where they say."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    created_at: datetime
    updated_at: datetime
    warnings: tuple[str, ...] = ()


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


class ChangedBy(BaseModel):
    """The token a change was made with."""

    token_id: int
    label: str
    role: str


class AvailabilityChange(BaseModel):
    """One change of a team's availability: an import, rows typed in, or rows taken back."""

    id: int
    at: datetime
    by: ChangedBy | None = Field(description="the token it was made with (None: none, or deleted since)")
    file: str = Field(description='the file imported, or "typed in"')
    mode: str = Field(description="merge, replace, or remove")
    rows: int
    added: int
    unchanged: int
    removed: int
    added_rows: list[AvailabilityOut] = Field(
        description="the rows it added, as the availability is listed (the first 200; none kept for "
        "changes made before this was recorded)"
    )
    removed_rows: list[AvailabilityOut] = Field(description="the rows it removed, likewise")


def _plannable_day(day: date) -> date:
    """A day of the years the service plans, by the rule an imported file's dates keep (`days_between`)."""
    _, why = days_between(day, day)
    if why is not None:
        raise ValueError(f"{why}, got {day.isoformat()}")
    return day


Day = Annotated[date, AfterValidator(_plannable_day)]  # named so: a field below is called `date`


class AvailabilityEntryIn(_In):
    """Availability typed in rather than imported: a sick call, a day off, hours away, for one agent
    on one local day or a run of days (`to`, inclusive), or on every such weekday (`weekday`, as the
    rows are listed), on the agent's clock."""

    agent_id: Id
    kind: Literal["available", "unavailable", "preferred", "avoid", "time_off", "absence"]
    date: Day | None = Field(default=None, description="the first local day, YYYY-MM-DD (or give `weekday`)")
    to: Day | None = Field(default=None, description="the last local day (default: `date`)")
    weekday: WeekdayIn | None = Field(
        default=None,
        description="every such weekday instead of a date: `tue` as rows are listed (Tuesday too)",
    )
    start: Clock | None = Field(
        default=None, description="HH:MM on the agent's clock (default: the day's start)"
    )
    end: EndClock | None = Field(default=None, description="HH:MM, 24:00 for the day's end (default)")
    note: Annotated[str, Field(max_length=MAX_NOTE_CHARS)] = ""

    @model_validator(mode="after")
    def _one_kind_of_day(self) -> AvailabilityEntryIn:
        if (self.date is None) == (self.weekday is None):
            raise ValueError("give a date (and `to` for a run of days) or a weekday, one of the two")
        if self.weekday is not None and self.to is not None:
            raise ValueError("`to` ends a run of dates; a weekday row is every such weekday, give no `to`")
        return self


class AvailabilityEntries(_In):
    """Rows to add to the team's availability (what is stored already is not added twice)."""

    entries: list[AvailabilityEntryIn] = Field(min_length=1, max_length=MAX_AGENTS * DAYS_PER_WEEK)


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
    skipped_not_approved: dict[str, int] = Field(
        default_factory=dict, description="rows skipped because HR had not approved them: status → rows"
    )


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

    history_id: DbId
    week: date = Field(description="first local day of the week, YYYY-MM-DD")


class RequirementsCreate(_In):
    """Requirements from a stored forecast."""

    forecast_id: DbId
    statistic: Statistic = "mean"
    lead_in: bool = Field(
        default=True,
        description="carry the email and social contacts of the history's last response window before the "
        "week into it (rows marked `lead_in`), from the history the forecast was made from",
    )


class RosterJobCreate(_In):
    """A roster solve. With `base_version` (or `locked_before` alone: the week's published version), a
    re-roster: the base's pinned shifts are kept, shifts starting before `locked_before` stay as they
    are, an absent agent keeps the base's days off (unless `absent_may_work_days_off`), and only the
    agents whose base week breaks a rule now (a sick call, a late start) are re-rostered, everyone
    else keeping their week as it is (unless `reoptimize`)."""

    week: date | None = Field(default=None, description="first local day of the week (default: the base's)")
    requirements_id: DbId | None = Field(
        default=None, description="stored requirements (default: the base's)"
    )
    base_version: DbId | None = None
    locked_before: datetime | None = Field(
        default=None,
        description="re-roster: the instant (ISO-8601 with an offset) before which the base roster has "
        "happened and is kept; nothing new may start before it",
    )
    previous_version: DbId | None = Field(
        default=None,
        description="last week's roster version, for rest and days in a row and the shifts running on "
        "into the week; by default the week before's published version, if there is one",
    )
    time_limit_s: TimeLimit | None = None
    seed: Seed = 0
    absent_may_work_days_off: bool = Field(
        default=False,
        description="re-roster after a sick call: let an agent absent this week (availability kind "
        "`absence`, 'sick' in HR files) work a day the base version has them off; by default their lost "
        "hours are not moved onto their days off (as `wfm roster --absent-may-work-days-off`)",
    )
    reoptimize: bool = Field(
        default=False,
        description="re-roster: let every agent's shifts in the base change, each change at its cost "
        "(`change_per_shift`); by default, against the base's own requirements, only the agents whose "
        "base week breaks a rule now are re-rostered and the others keep theirs as they are (as `wfm "
        "roster --reoptimize`); other requirements than the base's re-roster every agent",
    )


class JobOut(BaseModel):
    """A job: its state and, while it runs, the best objective so far, the bound and the elapsed time."""

    id: str
    team_id: str
    kind: str
    state: JobState
    objective: float | None
    bound: float | None
    elapsed_s: float | None
    version: int | None
    scenario_id: int | None = Field(default=None, description="a scenario job: its stored comparison")
    progress: dict[str, Any] | None = Field(
        default=None,
        description="a sweep: scenarios done of total; a roster solve, once its first roster is found: "
        "`first_roster_s`, its `shortfall_hours` (agent-hours short of the need) and expected "
        "`service_level` per queue",
    )
    result: dict[str, Any] | None = Field(
        default=None,
        description="an import job: its report (availability) or the stored frame (history, requirements)",
    )
    error: dict[str, Any] | None
    revision: str = Field(
        description="changes whenever anything above but the running time does: GET /jobs/{id}?seen=…&wait_s=… "
        "answers when it does"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class CoverOptionOut(BaseModel):
    """An agent off that day who could work a shift covering (part of) a short stretch, and what it takes."""

    agent_id: str
    day: date = Field(description="the agent's local day of the shift")
    start_utc: datetime
    end_utc: datetime
    kind: Literal["extra shift", "another queue", "move a day off", "work a day off", "overtime"] = Field(
        description="least costly first: a shift within the contract; an agent at work taking the "
        "stretch's queue instead of another (`start_utc`–`end_utc`: the time changed; `loses`: what the "
        "queues left lose); the shift worked instead of one of the agent's working days (`instead_of`: "
        "the same hours and days, every rule kept); a day off worked beyond the days-off rules; hours "
        "beyond the contract"
    )
    covered_hours: float = Field(description="hours of the stretch the shift covers")
    words: str = Field(
        description="e.g. 'Part Timer (p), Tue 03 Nov 09:00–17:00 Europe/London: an extra 8 h …'"
    )
    gives_up: list[str] = Field(
        default_factory=list,
        description="every rule the shift gives up, with the checker's figures, e.g. 'a day off (works 6 "
        "days; at most 5 allowed)'; `kind` ranks the option by the costliest of them",
    )
    instead_of: date | None = Field(
        default=None,
        description="a move of a day off: the agent's local day whose shift they leave (their new day off)",
    )
    loses: list[str] = Field(
        default_factory=list,
        description="a move of a day off (another queue: the queues left): what the day left loses on "
        "each queue its shift worked, and the other days whose service level changes, e.g. "
        "'Tue 03 Nov chat: expected service level 95% → 91%, 0.5 → 2.0 agent-hours short'",
    )


class ShortStretchOut(BaseModel):
    """A stretch of a queue where service suffers, in the team's time and a lead's words."""

    queue: str
    start_utc: datetime
    end_utc: datetime
    when: str = Field(description="e.g. 'Mon 02 Nov 01:00–05:00', the team's time")
    words: str = Field(description="e.g. 'Mon 02 Nov 01:00–05:00: nobody on social (0.9 needed); …'")
    cover: list[CoverOptionOut] = Field(description="who could cover it, least costly first")


class QueueStretchesOut(BaseModel):
    """How long agents stay on one queue: stretches per shift and the median stretch."""

    mean_per_shift: float
    p95_per_shift: float
    median_minutes: float


class LeadReportOut(BaseModel):
    """The lead's report of a roster version, as `wfm roster` gives it (`GET …/report.md`: its Markdown)."""

    lines: list[str] = Field(
        description="the summary `wfm roster` prints: service level per queue and day, where it suffers "
        "and who could cover it, need and shortfall, contacts carried in, hours, spreads, then the solver"
    )
    advice: list[str] = Field(
        default_factory=list,
        description="what the lead may change, in words (also in `lines`): each live queue left with nobody on "
        "it while its contacts come, with the setting that keeps it open, and each live queue kept short for "
        "an async one; versions stored before it have none",
    )
    short_stretches: list[ShortStretchOut]
    queue_stretches: QueueStretchesOut


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
    report: LeadReportOut | None = Field(
        default=None, description="the lead's report (none for versions stored before the service kept it)"
    )


class VersionDetail(VersionOut):
    """A roster version with its rows (the roster contract)."""

    rows: list[dict[str, Any]]


class PinRef(_In):
    """A shift of the version to keep in re-rosters: the agent and the local day; with `start`, the
    shift moved by hand to start then (its breaks move with it)."""

    agent_id: Id
    local_date: date
    start: str | None = Field(
        default=None,
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="move the shift: its new start, HH:MM in the agent's zone on local_date",
    )


class PinsIn(_In):
    """The shifts to pin (replaces the version's pins)."""

    pins: list[PinRef] = Field(max_length=MAX_PINS)


class Comparison(BaseModel):
    """Two roster versions side by side."""

    base: int
    other: int
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    requeued: list[dict[str, Any]]  # the same hours on other queues or with other breaks
    unchanged: int
    changes: list[str]
    hours_by_agent: dict[str, dict[str, float]]
    summary: dict[str, dict[str, Any]]


class _Change(_In):
    queue: Key | None = Field(default=None, description="one queue (default: all)")


class VolumeChangeIn(_Change):
    """Multiply contact volume, on one queue, region (users' zone) or local day (`mon` or YYYY-MM-DD), or all."""

    kind: Literal["volume"]
    multiplier: float = Field(ge=0, le=MAX_MULTIPLIER)
    region: Zone | None = None
    day: str | None = Field(default=None, max_length=10)


class AhtChangeIn(_Change):
    """Handle time becomes `aht_s * multiplier + add_s`."""

    kind: Literal["aht"]
    add_s: float = Field(default=AhtChange.add_s, ge=-MAX_SECONDS, le=MAX_SECONDS)
    multiplier: float = Field(default=AhtChange.multiplier, ge=0, le=MAX_MULTIPLIER)


class TargetChangeIn(_Change):
    """A new service target: share, answer time (live) or response hours (async)."""

    kind: Literal["target"]
    service_level: float | None = Field(default=None, ge=0, le=1)
    target_answer_s: float | None = Field(default=None, ge=0, le=MAX_SECONDS)
    response_hours: float | None = Field(default=None, ge=0, le=MAX_HOURS_PER_WEEK)


class ShrinkageChangeIn(_Change):
    """A new shrinkage share, for the team or one queue."""

    kind: Literal["shrinkage"]
    shrinkage: float = Field(ge=0, le=1)


class OccupancyChangeIn(_Change):
    """A new occupancy cap."""

    kind: Literal["occupancy"]
    max_occupancy: float = Field(ge=0, le=1)


class MinAgentsChangeIn(_Change):
    """Agents wanted on a live queue whenever its contacts are forecast (default: every live queue)."""

    kind: Literal["min_agents"]
    min_agents: int = Field(ge=0, le=MAX_AGENTS)


class RemoveAgentsIn(_In):
    """Agents who leave: by id, and/or the last `count` others in the team's order."""

    kind: Literal["remove_agents"]
    agent_ids: list[Id] = Field(default_factory=list, max_length=MAX_AGENTS)
    count: int = Field(default=RemoveAgents.count, ge=0, le=MAX_AGENTS)


class AddAgentsIn(_In):
    """`count` new agents with these skills, zone and contract (hours and, for cost, an hourly rate)."""

    kind: Literal["add_agents"]
    count: int = Field(default=AddAgents.count, ge=1, le=MAX_AGENTS, description=f"at most {MAX_AGENTS}")
    skills: list[Key] = Field(default_factory=list, max_length=MAX_QUEUES)
    tz: Zone | None = None
    contract: Key | None = None
    min_hours_per_week: float | None = Field(default=None, ge=0, le=MAX_HOURS_PER_WEEK)
    max_hours_per_week: float | None = Field(default=None, ge=0, le=MAX_HOURS_PER_WEEK)
    hourly_rate: float | None = Field(default=None, ge=0, le=MAX_RATE)
    name: Name = AddAgents.name


class HeadcountIn(_In):
    """Set the team to `agents` agents: the last ones leave, or copies of the last agent join."""

    kind: Literal["headcount"]
    agents: int = Field(ge=0, le=MAX_AGENTS, description=f"at most {MAX_AGENTS}")


class ShiftRulesChangeIn(_In):
    """New team shift rules: allowed lengths (hours), start step and the earliest/latest start."""

    kind: Literal["shift_rules"]
    lengths_hours: list[ShiftHours] | None = Field(default=None, max_length=MAX_SHIFT_LENGTHS)
    start_step_minutes: int | None = Field(default=None, ge=1, le=MINUTES_PER_DAY)
    earliest_start: Clock | None = None
    latest_start: Clock | None = None


class StatisticChangeIn(_In):
    """Staff to another forecast column."""

    kind: Literal["statistic"]
    statistic: Statistic


ChangeIn = Annotated[
    VolumeChangeIn
    | AhtChangeIn
    | TargetChangeIn
    | ShrinkageChangeIn
    | OccupancyChangeIn
    | MinAgentsChangeIn
    | RemoveAgentsIn
    | AddAgentsIn
    | HeadcountIn
    | ShiftRulesChangeIn
    | StatisticChangeIn,
    Field(discriminator="kind"),
]


class ScenarioIn(_In):
    """A named set of changes to the base plan."""

    name: Name
    changes: list[ChangeIn] = Field(default_factory=list, max_length=MAX_CHANGES)

    def mapping(self) -> dict[str, Any]:
        """The scenario as `scheduler.scenario_from_mapping` reads it."""
        return self.model_dump(exclude_none=True)


Multiplier = Annotated[float, Field(ge=0, le=MAX_MULTIPLIER)]
Share = Annotated[float, Field(ge=0, le=1)]
Seconds = Annotated[float, Field(ge=-MAX_SECONDS, le=MAX_SECONDS)]


def _axis() -> Any:
    return Field(default=None, min_length=1, max_length=MAX_AXIS_VALUES)


class SweepIn(_In):
    """A grid of scenarios: every combination of the axes' values (each axis at most 50 values)."""

    volume: list[Multiplier] | None = _axis()
    aht_add_s: list[Seconds] | None = _axis()
    aht_multiplier: list[Multiplier] | None = _axis()
    service_level: list[Share] | None = _axis()
    target_answer_s: list[Annotated[float, Field(ge=0, le=MAX_SECONDS)]] | None = _axis()
    response_hours: list[Annotated[float, Field(ge=0, le=MAX_HOURS_PER_WEEK)]] | None = _axis()
    shrinkage: list[Share] | None = _axis()
    max_occupancy: list[Share] | None = _axis()
    headcount: list[Annotated[int, Field(ge=0, le=MAX_AGENTS)]] | None = _axis()
    statistic: list[Statistic] | None = _axis()

    def axes(self) -> dict[str, list[Any]]:
        """The axes given, as `scheduler.sweep` takes them."""
        return self.model_dump(exclude_none=True)

    def size(self) -> int:
        """How many scenarios the grid has."""
        size = 1
        for values in self.axes().values():
            size *= len(values)
        return size


class ContractIn(_In):
    """A contract: weekly hours and an hourly rate."""

    min_hours_per_week: float = Field(default=Contract.min_hours_per_week, ge=0, le=MAX_HOURS_PER_WEEK)
    max_hours_per_week: float = Field(default=Contract.max_hours_per_week, ge=0, le=MAX_HOURS_PER_WEEK)
    hourly_rate: float | None = Field(default=None, ge=0, le=MAX_RATE)


class PayIn(_In):
    """Hourly rates for the cost column: an agent's own rate, else its contract's, else the default."""

    default_hourly_rate: float | None = Field(default=None, ge=0, le=MAX_RATE)
    agents: dict[Id, Annotated[float, Field(ge=0, le=MAX_RATE)]] = Field(
        default_factory=dict, max_length=MAX_AGENTS
    )
    contracts: dict[Key, ContractIn] = Field(default_factory=dict, max_length=MAX_QUEUES)
    agent_contracts: dict[Id, Key] = Field(default_factory=dict, max_length=MAX_AGENTS)

    def mapping(self) -> dict[str, Any]:
        """Pay as `scheduler.pay_from_mapping` reads it."""
        return self.model_dump(exclude_none=True)


class ScenarioCreate(_In):
    """What-if scenarios against a base plan. `staffing` depth with a few scenarios answers at once; a
    `reroster` depth, a `sweep` or many scenarios is a job (its result is the stored comparison)."""

    team_id: TeamId
    label: Label = ""
    depth: Depth = "staffing"
    forecast_id: DbId | None = Field(
        default=None, description="stored forecast to change (or requirements_id)"
    )
    requirements_id: DbId | None = Field(default=None, description="stored requirements (volume and AHT)")
    statistic: Statistic = Field(
        default=BasePlan.statistic, description="forecast column staffed to in the base"
    )
    roster_version: DbId | None = Field(
        default=None,
        description="the roster measured under each scenario (default: the week's published one)",
    )
    week: date | None = Field(default=None, description="first local day of the week (default: the roster's)")
    scenarios: list[ScenarioIn] = Field(
        default_factory=list,
        max_length=MAX_SCENARIOS,
        description="[{name, changes: [{kind: volume, multiplier: 1.2}, ...]}]",
    )
    sweep: SweepIn | None = Field(
        default=None, description="a grid, e.g. {volume: [0.8, 1.0, 1.2], headcount: [12, 14, 16]}"
    )
    pay: PayIn | None = None
    time_limit_s: TimeLimit | None = Field(default=None, description="per re-roster solve")


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

    preset: PresetName | None = None
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
        """The importer's options on the team's zone and grid (InvalidInput for a malformed pair, or
        one naming a queue the team does not have: the history is the team's)."""
        pairs: dict[str, str] = {}
        queues = [q.name for q in team.queues]
        for pair in self.map_queue:
            value, sep, queue = pair.partition("=")
            if not sep or not value.strip() or not queue.strip():
                raise InvalidInput(f"map_queue {pair!r}: write VALUE=QUEUE, e.g. 'Web form=email'")
            if queue.strip() not in queues:
                raise InvalidInput(
                    f"map_queue {pair!r}: {queue.strip()!r} is not a queue of team {team.name!r} "
                    f"({', '.join(queues)})"
                )
            pairs[value.strip()] = queue.strip()
        return TicketOptions(
            team_tz=team.tz,
            interval_minutes=team.interval_minutes,
            map_queue=pairs,
            team_queues=tuple(queues),
            spelling="api",
            **self.model_dump(exclude={"map_queue"}),
        )

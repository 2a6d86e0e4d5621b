"""Pydantic schemas of the team file (YAML/JSON) and the API; they convert into domain types."""

from __future__ import annotations

import reprlib
from dataclasses import asdict, fields, replace
from typing import Annotated, Any, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from api.text import control_character, shows_something
from api.validation_words import reason_of
from common.errors import InputIssue, InvalidInput, cut_short
from common.timegrid import (
    HOURS_PER_WEEK,
    MAX_DAYS,
    MINUTES_PER_DAY,
    clock_to_minute,
    end_clock_to_minute,
    minute_to_clock,
)
from scheduler.domain import (
    MAX_SHIFT_HOURS,
    Agent,
    BreakKind,
    BreakRule,
    Channel,
    LabourRules,
    Objective,
    QueueSpec,
    ShiftRules,
    ShiftType,
    Team,
    Weekday,
    Weights,
)

# Limits of what a team file (and the API) may hold: one source for the schemas, the service and the
# README. Ids go into file names and headers, so they are plain ASCII; names and keys are free text
# of bounded length that no spreadsheet could take for a formula.
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 1000
MAX_ZONE_CHARS = 64  # the longest IANA zone name is 32 characters
MAX_AGENTS = 200  # a team is 12-15 agents; the solver's models grow with every agent
MAX_QUEUES = 50
MAX_SHIFT_TYPES = 50
MAX_BREAKS = 10
MAX_QUEUE_CHANGES = 48  # a shift's changes of queue (one an interval of a day at most)
MAX_SHIFT_LENGTHS = 48
MAX_HOURS_PER_WEEK = float(HOURS_PER_WEEK)
MAX_WEIGHT = 1_000_000  # objective points; CP-SAT sums them in 64-bit integers
MAX_SECONDS = 86_400.0
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
TEAM_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"  # a stored team's id (a slug of its name by default)
# a queue, skill or shift type name: no control character, and no leading space or formula sign
KEY_PATTERN = r"^[^\s=+\-@\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=ID_PATTERN,
        description=f"letters, digits, '.', '_' and '-' (a letter or digit first), at most {MAX_ID_CHARS}",
    ),
]
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=KEY_PATTERN,
        description=f"at most {MAX_ID_CHARS} characters, no control characters, not starting with a space, "
        "'=', '+', '-' or '@'",
    ),
]


def _one_line(value: str) -> str:
    problem = control_character(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _not_blank(value: str) -> str:
    if not shows_something(value):
        raise ValueError("is blank (nothing a reader sees): give a name")
    return value


# a label or note (may be empty): one line of text (`api.text`)
Label = Annotated[str, Field(max_length=MAX_NAME_CHARS), AfterValidator(_one_line)]
# a team's or agent's name: one line of text that shows something
Name = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_CHARS), AfterValidator(_one_line), AfterValidator(_not_blank)
]
Zone = Annotated[str, Field(min_length=1, max_length=MAX_ZONE_CHARS, description="an IANA time zone")]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS_PER_WEEK)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
BlockDays = Annotated[int, Field(ge=1, le=MAX_DAYS)]  # a run of days: at least one
ShiftHours = Annotated[float, Field(gt=0, le=MAX_SHIFT_HOURS)]
Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_key(value: Any) -> Any:
    """A weekday as people write it ("Sun", "Sunday", "SUN") in the team file's spelling ("sun")."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    return text[:3] if text in _WEEKDAY_NAMES or text in {n[:3] for n in _WEEKDAY_NAMES} else value


# a weekday as the team file writes it ("sun"), read as people write it ("Sun", "Sunday", "SUN")
WeekdayIn = Annotated[Weekday, BeforeValidator(_weekday_key)]


def _clock_text(value: str) -> str:
    clock_to_minute(value)
    return value


def _not_a_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f"{value} is a number, not a time of day: YAML 1.1 reads an unquoted 15:00 as 900 "
            "(minutes and seconds); write the time in quotes, '15:00'"
        )
    return value


# a local time of day, "HH:MM"
Clock = Annotated[str, BeforeValidator(_not_a_number), AfterValidator(_clock_text)]


def _end_clock_text(value: str) -> str:
    end_clock_to_minute(value)
    return value


# the end of a local span, "HH:MM" or "24:00" for the day's end
EndClock = Annotated[str, BeforeValidator(_not_a_number), AfterValidator(_end_clock_text)]


def open_minutes(value: str) -> tuple[int, int]:
    """'07:00-23:00' as minutes of the day, (420, 1380); a queue may close at 24:00 (1440)."""
    parts = [part.strip() for part in value.split("-")]
    if len(parts) != 2:
        raise ValueError(
            f"{value!r}: write the hours a queue takes contacts as HH:MM-HH:MM, e.g. 07:00-23:00"
        )
    closes = MINUTES_PER_DAY if parts[1] == "24:00" else clock_to_minute(parts[1])
    return clock_to_minute(parts[0]), closes


def _open_hours_text(value: str) -> str:
    opens, closes = open_minutes(value)
    if opens >= closes:
        raise ValueError(
            f"{value!r}: the queue must open before it closes, within the day (e.g. 07:00-23:00)"
        )
    return value.replace(" ", "")


# the hours a live queue takes contacts, "HH:MM-HH:MM" on the team's clock
OpenHours = Annotated[str, BeforeValidator(_not_a_number), AfterValidator(_open_hours_text)]


class QueueIn(_Strict):
    """A queue of the team."""

    name: Key
    channel: Channel
    service_level: float = Field(default=QueueSpec.service_level, ge=0, le=1)
    target_answer_s: float = Field(default=QueueSpec.target_answer_s, ge=0, le=MAX_SECONDS)
    response_hours: float = Field(default=QueueSpec.response_hours, ge=0, le=MAX_DAYS * 24)
    concurrency: int = Field(default=QueueSpec.concurrency, ge=1, le=100)
    patience_s: float | None = Field(default=QueueSpec.patience_s, ge=0, le=MAX_SECONDS)
    max_occupancy: float = Field(default=QueueSpec.max_occupancy, ge=0, le=1)
    aht_s: float = Field(default=QueueSpec.aht_s, ge=0, le=MAX_SECONDS)
    shrinkage: float | None = Field(default=QueueSpec.shrinkage, ge=0, le=1)
    min_agents: int = Field(default=QueueSpec.min_agents, ge=0, le=1000)
    missed_contact: Weight | None = Field(default=QueueSpec.missed_contact)
    open_hours: OpenHours | None = Field(
        default=None,
        description="live queues: the hours it takes contacts on the team's clock, 'HH:MM-HH:MM'",
    )
    open_days: list[WeekdayIn] | None = Field(
        default=None,
        min_length=1,
        max_length=7,
        description="live queues: the days it takes contacts on the team's clock, e.g. [Mon, Tue, Wed, Thu, Fri] "
        "(default every day)",
    )

    def to_domain(self) -> QueueSpec:
        fields = self.model_dump(exclude={"open_hours", "open_days"})
        if self.open_hours is not None:
            fields["open_minutes"] = open_minutes(self.open_hours)
        if self.open_days is not None:
            fields["open_days"] = tuple(dict.fromkeys(self.open_days))
        return QueueSpec(**fields)


class BreakIn(_Strict):
    """A break or lunch window, in minutes after the shift starts."""

    kind: BreakKind
    duration_minutes: int = Field(ge=0, le=MINUTES_PER_DAY)
    window_start_minutes: int = Field(ge=0, le=2 * MINUTES_PER_DAY)
    window_end_minutes: int = Field(ge=0, le=2 * MINUTES_PER_DAY)
    min_shift_hours: float = Field(default=BreakRule.min_shift_hours, ge=0, le=48)


class ShiftTypeIn(_Strict):
    """A named shift type: its local start, its length, and the types that may not follow it the next day."""

    name: Key
    start: Clock
    length_hours: ShiftHours
    not_followed_by: list[Key] = Field(default_factory=list, max_length=MAX_SHIFT_TYPES)

    def to_domain(self) -> ShiftType:
        return ShiftType(
            self.name, clock_to_minute(self.start), round(self.length_hours * 60), tuple(self.not_followed_by)
        )


class ShiftRulesIn(_Strict):
    """Allowed shifts, in the agent's local time: lengths and start times, or named shift types."""

    lengths_hours: list[ShiftHours] = Field(
        default_factory=lambda: list(ShiftRules.lengths_hours), min_length=1, max_length=MAX_SHIFT_LENGTHS
    )
    start_step_minutes: int = Field(default=ShiftRules.start_step_minutes, ge=1, le=MINUTES_PER_DAY)
    earliest_start: Clock = minute_to_clock(ShiftRules.earliest_start_minute)
    latest_start: Clock = minute_to_clock(ShiftRules.latest_start_minute)
    breaks: list[BreakIn] = Field(default_factory=list, max_length=MAX_BREAKS)
    types: list[ShiftTypeIn] = Field(default_factory=list, max_length=MAX_SHIFT_TYPES)
    min_queue_stretch_minutes: int = Field(
        default=ShiftRules.min_queue_stretch_minutes, ge=0, le=MINUTES_PER_DAY
    )
    max_queue_changes: int = Field(default=ShiftRules.max_queue_changes, ge=0, le=MAX_QUEUE_CHANGES)
    # regular hours: an agent's local start times in a week at most this far apart (null: any)
    max_start_spread_minutes: int | None = Field(
        default=ShiftRules.max_start_spread_minutes, ge=0, le=MINUTES_PER_DAY
    )

    def to_domain(self) -> ShiftRules:
        return ShiftRules(
            lengths_hours=tuple(self.lengths_hours),
            start_step_minutes=self.start_step_minutes,
            earliest_start_minute=clock_to_minute(self.earliest_start),
            latest_start_minute=clock_to_minute(self.latest_start),
            breaks=tuple(BreakRule(**b.model_dump()) for b in self.breaks),
            types=tuple(t.to_domain() for t in self.types),
            min_queue_stretch_minutes=self.min_queue_stretch_minutes,
            max_queue_changes=self.max_queue_changes,
            max_start_spread_minutes=self.max_start_spread_minutes,
        )


def _for_agent(agent_id: str, what: str, exc: InvalidInput) -> InvalidInput:
    """The issues of an agent's own rules, each naming the agent and the section."""
    return InvalidInput(
        [
            InputIssue(f"agent {agent_id!r}: {i.reason}", column=f"agents.{agent_id}.{what}")
            for i in exc.issues
        ]
    )


class _Override(_Strict):
    """An agent's own rules over the team's: written with only the fields given, so that what is read
    back (a GET put back as it is, a body passed on) means the same. A null can mean something:
    `max_weekends_worked: null` lifts the team's weekend limit, where a field left out is the team's."""

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        written: dict[str, Any] = handler(self)
        return {k: v for k, v in written.items() if k in self.model_fields_set}


class AgentShiftRulesIn(_Override):
    """An agent's own shift rules: each field given replaces the team's for this agent; every field
    left out is the team's (an earliest start alone keeps the team's lengths and breaks)."""

    lengths_hours: list[ShiftHours] | None = Field(default=None, min_length=1, max_length=MAX_SHIFT_LENGTHS)
    start_step_minutes: int | None = Field(default=None, ge=1, le=MINUTES_PER_DAY)
    earliest_start: Clock | None = None
    latest_start: Clock | None = None
    breaks: list[BreakIn] | None = Field(default=None, max_length=MAX_BREAKS)
    types: list[ShiftTypeIn] | None = Field(default=None, max_length=MAX_SHIFT_TYPES)
    min_queue_stretch_minutes: int | None = Field(default=None, ge=0, le=MINUTES_PER_DAY)
    max_queue_changes: int | None = Field(default=None, ge=0, le=MAX_QUEUE_CHANGES)
    # null is the team's; 1440 lifts the team's limit for this agent
    max_start_spread_minutes: int | None = Field(default=None, ge=0, le=MINUTES_PER_DAY)

    def over(self, team_rules: ShiftRules, agent_id: str) -> ShiftRules:
        """The team's shift rules with this agent's changes; InvalidInput naming the agent if they do not fit."""
        changes: dict[str, Any] = {}
        if self.lengths_hours is not None:
            changes["lengths_hours"] = tuple(self.lengths_hours)
        if self.start_step_minutes is not None:
            changes["start_step_minutes"] = self.start_step_minutes
        if self.earliest_start is not None:
            changes["earliest_start_minute"] = clock_to_minute(self.earliest_start)
        if self.latest_start is not None:
            changes["latest_start_minute"] = clock_to_minute(self.latest_start)
        if self.breaks is not None:
            changes["breaks"] = tuple(BreakRule(**b.model_dump()) for b in self.breaks)
        if self.types is not None:
            changes["types"] = tuple(t.to_domain() for t in self.types)
        for name in ("min_queue_stretch_minutes", "max_queue_changes", "max_start_spread_minutes"):
            if (value := getattr(self, name)) is not None:
                changes[name] = value
        try:
            return replace(team_rules, **changes)
        except InvalidInput as exc:
            raise _for_agent(agent_id, "shift_rules", exc) from exc


class LabourRulesIn(_Strict):
    """Hard labour rules."""

    min_rest_hours: Hours = LabourRules.min_rest_hours
    max_consecutive_days: Days = LabourRules.max_consecutive_days
    min_days_off_per_week: Days = LabourRules.min_days_off_per_week
    min_consecutive_days_off: BlockDays = LabourRules.min_consecutive_days_off
    min_consecutive_days_worked: BlockDays = LabourRules.min_consecutive_days_worked
    max_weekends_worked: Days | None = LabourRules.max_weekends_worked


class WeightsIn(_Strict):
    """Weights of the soft rules in objective points (`scheduler.domain.Weights`); each one left out
    keeps its default."""

    objective: Objective = cast("Objective", Weights.objective)
    missed_contact: Weight = Weights.missed_contact
    nobody_on_queue_contact: Weight = Weights.nobody_on_queue_contact
    below_min_agents_hour: Weight = Weights.below_min_agents_hour
    late_contact_hour: Weight = Weights.late_contact_hour
    queue_change: Weight = Weights.queue_change
    under_per_agent_interval: Weight = Weights.under_per_agent_interval
    under_step_per_agent_interval: Weight = Weights.under_step_per_agent_interval
    under_tiers: int = Field(default=Weights.under_tiers, ge=0, le=MAX_AGENTS)  # one term each
    over_per_agent_interval: Weight = Weights.over_per_agent_interval
    closed_queue_per_agent_interval: Weight = Weights.closed_queue_per_agent_interval
    avoid_per_hour: Weight = Weights.avoid_per_hour
    preferred_per_hour: Weight = Weights.preferred_per_hour
    change_per_shift: Weight = Weights.change_per_shift
    queue_or_break_change_per_shift: Weight = Weights.queue_or_break_change_per_shift
    isolated_day_off: Weight = Weights.isolated_day_off
    extra_start_time: Weight = Weights.extra_start_time
    weekend_spread_per_day: Weight = Weights.weekend_spread_per_day
    late_spread_per_shift: Weight = Weights.late_spread_per_shift
    night_spread_per_shift: Weight = Weights.night_spread_per_shift
    late_shift_ends_after_minute: int = Field(
        default=Weights.late_shift_ends_after_minute, ge=0, le=MINUTES_PER_DAY
    )


# labour rules whose "no limit" is None in the domain
_NO_LIMIT_LABOUR_RULES = frozenset(f.name for f in fields(LabourRules) if f.default is None)


class AgentLabourRulesIn(_Override):
    """An agent's own labour rules: each one given replaces the team's for this agent."""

    min_rest_hours: Hours | None = None
    max_consecutive_days: Days | None = None
    min_days_off_per_week: Days | None = None
    min_consecutive_days_off: BlockDays | None = None
    min_consecutive_days_worked: BlockDays | None = None
    max_weekends_worked: Days | None = None

    def over(self, team_rules: LabourRules, agent_id: str) -> LabourRules:
        """The team's rules with this agent's changes; InvalidInput naming the agent if they do not fit.

        A rule left out is the team's; a rule given as null is the team's too, except one whose
        domain value may be None (`max_weekends_worked`: no limit), which null sets for the agent."""
        given = self.model_dump(exclude_unset=True)
        changes = {k: v for k, v in given.items() if v is not None or k in _NO_LIMIT_LABOUR_RULES}
        try:
            return replace(team_rules, **changes)
        except InvalidInput as exc:
            raise _for_agent(agent_id, "labour_rules", exc) from exc


class AgentIn(_Strict):
    """An agent of the team."""

    id: Id
    name: Name
    tz: Zone
    skills: list[Key] = Field(min_length=1, max_length=MAX_QUEUES)
    min_hours_per_week: Hours = Agent.min_hours_per_week
    max_hours_per_week: Hours = Agent.max_hours_per_week
    min_shifts_per_week: Days = Agent.min_shifts_per_week
    max_shifts_per_week: Days | None = Agent.max_shifts_per_week
    # the agent's own rules: only the fields given differ from the team's
    shift_rules: AgentShiftRulesIn | None = None
    labour_rules: AgentLabourRulesIn | None = None
    # the most shifts of each named shift type in the roster's horizon
    max_shifts_by_type: dict[Key, Days] = Field(default_factory=dict, max_length=MAX_SHIFT_TYPES)


class TeamIn(_Strict):
    """A team as the team file and the API give it."""

    name: Name
    tz: Zone
    interval_minutes: int = Field(default=Team.interval_minutes, ge=1, le=MINUTES_PER_DAY)
    shrinkage: float = Field(default=Team.shrinkage, ge=0, le=1)
    # the local weekday the team's weeks start on: a roster's --week must be one
    # the day's first three letters in any case ("Sun", "sunday")
    week_start: WeekdayIn = Team.week_start
    # an absence (a sick call) counts as paid hours against the contract
    absence_paid: bool = Team.absence_paid
    # time off counts as paid hours against the contract (lowers the most hours too)
    time_off_paid: bool = Team.time_off_paid
    # the weekdays a day of time off counts on (HR's working days, e.g. [Mon, Tue, Wed, Thu, Fri])
    leave_weekdays: list[WeekdayIn] = Field(
        default_factory=lambda: list(Team.leave_weekdays), min_length=1, max_length=7
    )
    queues: list[QueueIn] = Field(min_length=1, max_length=MAX_QUEUES)
    shift_rules: ShiftRulesIn = Field(default_factory=ShiftRulesIn)
    labour_rules: LabourRulesIn = Field(default_factory=LabourRulesIn)
    weights: WeightsIn = Field(default_factory=WeightsIn)
    agents: list[AgentIn] = Field(min_length=1, max_length=MAX_AGENTS)

    def to_domain(self) -> Team:
        """The domain team; raises InvalidInput when the values do not fit together."""
        labour_rules = LabourRules(**self.labour_rules.model_dump())
        shift_rules = self.shift_rules.to_domain()
        return Team(
            name=self.name,
            tz=self.tz,
            interval_minutes=self.interval_minutes,
            shrinkage=self.shrinkage,
            week_start=self.week_start,
            absence_paid=self.absence_paid,
            time_off_paid=self.time_off_paid,
            leave_weekdays=tuple(dict.fromkeys(self.leave_weekdays)),
            queues=tuple(q.to_domain() for q in self.queues),
            shift_rules=shift_rules,
            labour_rules=labour_rules,
            weights=Weights(**self.weights.model_dump()),
            agents=tuple(
                Agent(
                    id=a.id,
                    name=a.name,
                    tz=a.tz,
                    skills=tuple(a.skills),
                    min_hours_per_week=a.min_hours_per_week,
                    max_hours_per_week=a.max_hours_per_week,
                    shift_rules=None if a.shift_rules is None else a.shift_rules.over(shift_rules, a.id),
                    labour_rules=None if a.labour_rules is None else a.labour_rules.over(labour_rules, a.id),
                    min_shifts_per_week=a.min_shifts_per_week,
                    max_shifts_per_week=a.max_shifts_per_week,
                    max_shifts_by_type=tuple(sorted(a.max_shifts_by_type.items())),
                )
                for a in self.agents
            ),
        )


# a bad value is shown in an error up to this many characters (YAML aliases can make a small file's
# value huge when written out)
MAX_SHOWN_CHARS = 80
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxdict, _SHOWN.maxlist = 2, 4, 4
_SHOWN.maxstring = _SHOWN.maxother = MAX_SHOWN_CHARS


def shown_value(value: Any) -> str:
    """A bad value as an error shows it: text as it is, anything else as a short repr; cut short."""
    return cut_short(value if isinstance(value, str) else _SHOWN.repr(value), MAX_SHOWN_CHARS)


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def team_from_mapping(data: dict[str, Any]) -> Team:
    """A domain team from a parsed YAML/JSON mapping, or InvalidInput naming each bad field."""
    try:
        return TeamIn.model_validate(data).to_domain()
    except ValidationError as exc:
        raise InvalidInput(
            [
                InputIssue(
                    reason_of(err),
                    column=_field_path(err["loc"]),
                    value=None if err["type"] == "missing" else shown_value(err.get("input")),
                )
                for err in exc.errors()
            ]
        ) from exc


def _changed(value: Any, default: Any) -> dict[str, Any]:
    """The fields of a dataclass that differ from `default`'s."""
    return {k: v for k, v in asdict(value).items() if getattr(default, k) != v}


def _changed_keys(mapping: dict[str, Any], default: dict[str, Any]) -> dict[str, Any]:
    """The entries of `mapping` that differ from `default`'s."""
    return {k: v for k, v in mapping.items() if default.get(k) != v}


def _type_mapping(t: ShiftType) -> dict[str, Any]:
    return {
        "name": t.name,
        "start": minute_to_clock(t.start_minute),
        "length_hours": t.length_minutes / 60,
        **({"not_followed_by": list(t.not_followed_by)} if t.not_followed_by else {}),
    }


def team_to_mapping(team: Team) -> dict[str, Any]:
    """The team-file mapping of a domain team (the inverse of `team_from_mapping`)."""

    def rules(r: ShiftRules) -> dict[str, Any]:
        return {
            "lengths_hours": list(r.lengths_hours),
            "start_step_minutes": r.start_step_minutes,
            "earliest_start": minute_to_clock(r.earliest_start_minute),
            "latest_start": minute_to_clock(r.latest_start_minute),
            "breaks": [
                {
                    "kind": b.kind,
                    "duration_minutes": b.duration_minutes,
                    "window_start_minutes": b.window_start_minutes,
                    "window_end_minutes": b.window_end_minutes,
                    "min_shift_hours": b.min_shift_hours,
                }
                for b in r.breaks
            ],
            **({"types": [_type_mapping(t) for t in r.types]} if r.types else {}),
            "min_queue_stretch_minutes": r.min_queue_stretch_minutes,
            "max_queue_changes": r.max_queue_changes,
            **(
                {}
                if r.max_start_spread_minutes is None
                else {"max_start_spread_minutes": r.max_start_spread_minutes}
            ),
        }

    def all_rules(r: ShiftRules) -> dict[str, Any]:
        return {**rules(r), "types": [_type_mapping(t) for t in r.types]}

    return {
        "name": team.name,
        "tz": team.tz,
        "interval_minutes": team.interval_minutes,
        "shrinkage": team.shrinkage,
        **({} if team.week_start == Team.week_start else {"week_start": team.week_start}),
        **({} if team.absence_paid == Team.absence_paid else {"absence_paid": team.absence_paid}),
        **({} if team.time_off_paid == Team.time_off_paid else {"time_off_paid": team.time_off_paid}),
        **(
            {}
            if team.leave_weekdays == Team.leave_weekdays
            else {"leave_weekdays": list(team.leave_weekdays)}
        ),
        "queues": [
            QueueIn.model_validate(q, from_attributes=True).model_dump(exclude_none=True) for q in team.queues
        ],
        "shift_rules": rules(team.shift_rules),
        "labour_rules": LabourRulesIn.model_validate(team.labour_rules, from_attributes=True).model_dump(),
        **({"weights": changed_weights} if (changed_weights := _changed(team.weights, Weights())) else {}),
        "agents": [
            {
                "id": a.id,
                "name": a.name,
                "tz": a.tz,
                "skills": list(a.skills),
                "min_hours_per_week": a.min_hours_per_week,
                "max_hours_per_week": a.max_hours_per_week,
                **(
                    {}
                    if a.shift_rules is None
                    else {"shift_rules": _changed_keys(all_rules(a.shift_rules), all_rules(team.shift_rules))}
                ),
                **(
                    {}
                    if a.labour_rules is None
                    else {"labour_rules": _changed(a.labour_rules, team.labour_rules)}
                ),
                **{
                    k: getattr(a, k)
                    for k in ("min_shifts_per_week", "max_shifts_per_week")
                    if getattr(a, k) != getattr(Agent, k)
                },
                **({"max_shifts_by_type": dict(a.max_shifts_by_type)} if a.max_shifts_by_type else {}),
            }
            for a in team.agents
        ],
    }

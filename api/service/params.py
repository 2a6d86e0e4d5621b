"""What a job works from: its parameters, a typed schema stored with the job as JSON.

The route that submits a job fills them in (the request, with the team and availability as they
are at submission, so a job is not changed by edits made while it waits), the worker reads them
back with `params_of`. One model per job kind; adding a field is adding it here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.service.schemas import DbId, PayIn, ScenarioIn, Seed, SweepIn, TicketExportQuery
from api.validation_words import reason_of
from common.errors import InputIssue, InvalidInput
from scheduler import BasePlan, Depth

JobKind = Literal["roster", "scenario", "import", "forecast"]
# what a scenario job's base plan is made from
BaseKind = Literal["forecast", "requirements"]
# an import adds to what is stored (merge) or replaces it
ImportMode = Literal["merge", "replace"]
Shifts = list[dict[str, Any]]  # shifts as `api.service.codec.shift_to_dict` writes them


class _Params(BaseModel):
    # stored rows are read back as they were written; fields added later need defaults
    model_config = ConfigDict(frozen=True, extra="ignore")
    KIND: ClassVar[JobKind]


class SnapshotParams(_Params):
    """What every solving job carries: its week, time limit, and the team and availability it was given."""

    first_day: date = Field(description="the week's first local day")
    time_limit_s: float = Field(gt=0, description="per solve")
    team: dict[str, Any] = Field(description="the team file mapping at submission (api.schemas.TeamIn)")
    availability: list[dict[str, Any]] = Field(description="rows as `codec.entry_to_dict` writes them")


class RosterJobParams(SnapshotParams):
    """A roster solve: fresh, or a re-roster of a base version keeping its pins and its past."""

    KIND: ClassVar[JobKind] = "roster"

    requirements_id: DbId
    seed: Seed = 0
    previous_version: DbId | None = None
    previous_shifts: Shifts | None = Field(default=None, description="last week's roster, for rest and runs")
    base_version: DbId | None = None
    base_shifts: Shifts | None = Field(default=None, description="a re-roster: the roster in force")
    locked_before_utc: datetime | None = Field(default=None, description="a re-roster: kept before this")
    pins: Shifts = Field(default_factory=list, description="shifts the roster must keep")
    absent_may_work_days_off: bool = Field(
        default=False, description="a re-roster: an agent absent this week may work a published day off"
    )
    reoptimize: bool = Field(
        default=False, description="a re-roster: every agent's shifts may change, not only the broken weeks'"
    )
    base_absent: list[tuple[str, date]] = Field(
        default_factory=list, description="a re-roster: the agent-days the base version has as sick"
    )


class ScenarioJobParams(SnapshotParams):
    """What-if scenarios against a base plan, measured on a roster or re-rostered."""

    KIND: ClassVar[JobKind] = "scenario"

    team_id: str
    label: str = ""
    depth: Depth = "staffing"
    base_kind: BaseKind
    base_id: DbId
    statistic: str = BasePlan.statistic
    roster_version: DbId | None = None
    scenarios: list[ScenarioIn] = Field(default_factory=list)
    sweep: SweepIn | None = None
    pay: PayIn | None = None
    roster_shifts: Shifts | None = Field(default=None, description="the roster each scenario is measured on")
    ray_address: str | None = None


class ImportJobParams(_Params):
    """A big upload parsed and stored in a worker: its kind, its file's name and the reader's options."""

    KIND: ClassVar[JobKind] = "import"

    what: Literal["availability", "history", "tickets", "requirements"]
    filename: str
    mode: ImportMode = "merge"
    dry_run: bool = False
    assume_tz: str | None = None
    aggregate: bool = False  # a history of a row per contact: add them up per interval
    sheet: str | None = None  # the XLSX sheet to read (default: the first)
    tickets: TicketExportQuery | None = None  # how to read a helpdesk export


class ForecastJobParams(_Params):
    """A forecast of a stored history's team for a week."""

    KIND: ClassVar[JobKind] = "forecast"
    history_id: DbId
    week: date


JobParams = RosterJobParams | ScenarioJobParams | ImportJobParams | ForecastJobParams
PARAMS_OF_KIND: dict[str, type[JobParams]] = {
    model.KIND: model for model in (RosterJobParams, ScenarioJobParams, ImportJobParams, ForecastJobParams)
}


def params_of(kind: str, stored: dict[str, Any]) -> JobParams:
    """A job's parameters read back from their stored mapping.

    Raises:
        InvalidInput: the stored mapping does not fit the job's kind (e.g. a row from an older version).
    """
    model = PARAMS_OF_KIND.get(kind)
    if model is None:
        raise InvalidInput(f"unknown job kind {kind!r}")
    try:
        return model.model_validate(stored)
    except ValidationError as exc:
        raise InvalidInput(
            [InputIssue(reason_of(e), column=".".join(str(p) for p in e["loc"])) for e in exc.errors()]
        ) from exc


def stored(params: JobParams) -> dict[str, Any]:
    """Parameters as the job row stores them (JSON)."""
    return params.model_dump(mode="json")

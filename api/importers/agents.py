"""A team file from a sheet of agents (`wfm team init`): the YAML a lead would otherwise write by hand.

The sheet has a row per agent: a name, and optionally an id, a time zone, skills and contract hours
(headers in any case; see `AGENT_SHEET_COLUMNS`). Queues get the usual targets of their channel,
written with comments that say what each number means, so the lead can change them to the team's.
The file written is read back through the team schema before it is kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from api.formats import FIRST_DATA_ROW, read_table
from api.importers.zones import near_zone_name, zone_of_name
from api.schemas import Name
from api.text import folded_name
from api.validation_words import reason_of
from common.defaults import DAYS_PER_WEEK, ROSTER_SHRINKAGE
from common.errors import InputIssue, InvalidInput
from common.timegrid import clock_to_minute

# the columns of a sheet of agents, each with the headers HR sheets use for it
AGENT_SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "agent", "agent_name", "full_name", "employee"),
    "id": ("id", "agent_id", "employee_id"),
    "tz": ("tz", "zone", "time_zone", "timezone"),
    "skills": ("skills", "queues", "skill"),
    "hours": ("hours", "contract_hours", "weekly_hours", "hours_per_week", "contract"),
    "min_hours": ("min_hours", "min_hours_per_week"),
    "max_hours": ("max_hours", "max_hours_per_week"),
}
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_AGENT_NAME: TypeAdapter[str] = TypeAdapter(Name)  # the team file's rules for a name
DEFAULT_WEEKLY_HOURS = 40.0
# the shift lengths and days off the file written starts from (the lead adjusts them)
TEMPLATE_SHIFT_HOURS: tuple[float, ...] = (8.0,)
TEMPLATE_DAYS_OFF = 2
# the lengths a suggested extra shift may have: long enough for the template's break, and on the
# 15-minute grid, whole hours preferred
EXTRA_SHIFT_MINUTES = (4 * 60, 12 * 60)


@dataclass(frozen=True)
class ChannelTargets:
    """The usual service target and handle time of a channel, and how to say them."""

    channel: str
    lines: tuple[tuple[str, str, str], ...]  # (key, YAML value, comment)


# Industry rules of thumb a lead starts from: 80 % of calls answered in 20 s, 80 % of chats in
# 60 s, email answered within a day, social within an hour.
CHANNEL_TARGETS: dict[str, ChannelTargets] = {
    "voice": ChannelTargets(
        "voice",
        (
            ("service_level", "0.8", "80 % of calls answered..."),
            ("target_answer_s", "20", "...within 20 seconds: the usual voice target"),
            ("aht_s", "360", "average handle time in seconds (the history's aht_s wins where it has one)"),
            ("max_occupancy", "0.85", "agents busy at most 85 % of their time"),
            (
                "min_agents",
                "1",
                "someone on the line whenever calls are forecast, however few (0: busier queues may take them)",
            ),
        ),
    ),
    "chat": ChannelTargets(
        "chat",
        (
            ("service_level", "0.8", "80 % of chats answered..."),
            ("target_answer_s", "60", "...within 60 seconds: the usual chat target"),
            ("concurrency", "2", "chats one agent handles at once"),
            ("aht_s", "600", "average handle time of one chat, in seconds"),
            ("max_occupancy", "0.85", "agents busy at most 85 % of their time"),
        ),
    ),
    "email": ChannelTargets(
        "email",
        (
            ("service_level", "0.9", "90 % of emails answered..."),
            ("response_hours", "24", "...within 24 hours: the usual email target"),
            ("aht_s", "480", "average handle time in seconds"),
        ),
    ),
    "social": ChannelTargets(
        "social",
        (
            ("service_level", "0.9", "90 % of messages answered..."),
            ("response_hours", "1", "...within an hour: the usual target on social media"),
            ("aht_s", "300", "average handle time in seconds"),
        ),
    ),
}
CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    ("email", "email"),
    ("mail", "email"),
    ("chat", "chat"),
    ("messenger", "chat"),
    ("voice", "voice"),
    ("phone", "voice"),
    ("call", "voice"),
    ("social", "social"),
    ("dm", "social"),
    ("twitter", "social"),
)


def channel_of(queue: str) -> str | None:
    """The channel a queue's name says it is on ('creator-email' → 'email'), if it says."""
    words = re.split(r"[^a-z]+", queue.lower())
    return next((channel for word, channel in CHANNEL_WORDS if word in words), None)


def parse_queues(text: str) -> list[tuple[str, str]]:
    """'email,chat' or 'creator-email,vip:voice' as (queue, channel) pairs.

    Raises:
        InvalidInput: a queue whose channel its name does not tell and is not given.
    """
    out: list[tuple[str, str]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, _, given = item.partition(":")
        channel = given.strip().lower() or channel_of(name)
        if channel not in CHANNEL_TARGETS:
            raise InvalidInput(
                f"--queues {item!r}: say its channel, e.g. '{name.strip()}:email' (voice, chat, email or social)"
            )
        out.append((name.strip(), channel))
    if not out:
        raise InvalidInput("--queues: give at least one queue, e.g. 'email,chat'")
    return out


def slug_id(name: str) -> str:
    """An agent id made from a name: letters, digits, '-', '_' and '.' only ('Inês Costa' → 'ines-costa')."""
    ascii_name = folded_name(name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9._-]+", "-", ascii_name).strip("-._")[:64]


@dataclass(frozen=True)
class AgentRow:
    id: str
    name: str
    tz: str
    skills: tuple[str, ...]
    min_hours: float
    max_hours: float


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an agent's name in a team file (the team schema's rules), in plain words, or
    None: checked while the sheet is read, so the sheet's row is named and no file is written."""
    try:
        _AGENT_NAME.validate_python(name)
    except ValidationError as exc:
        return reason_of(exc.errors()[0])
    return None


def _column(frame_columns: list[str], role: str) -> str | None:
    keys = {re.sub(r"[\s\-]+", "_", c.strip().lower()): c for c in frame_columns}
    return next((keys[k] for k in AGENT_SHEET_COLUMNS[role] if k in keys), None)


def read_agent_sheet(
    path: Path, *, team_tz: str, queues: list[str] | None, sheet: str | None = None
) -> tuple[list[AgentRow], list[str]]:
    """The agents of a sheet and the team's queues (given, or every skill the sheet names).

    Raises:
        InvalidInput: every bad row, naming the agent: unsafe or repeated ids, unknown zones and
            skills (with the one probably meant), hours that are not numbers.
    """
    label, frame = read_table(path, sheet, [h for names in AGENT_SHEET_COLUMNS.values() for h in names])
    columns = {role: _column(list(frame.columns), role) for role in AGENT_SHEET_COLUMNS}
    if columns["name"] is None:
        raise InvalidInput(
            [InputIssue(f"no name column; name it one of {', '.join(AGENT_SHEET_COLUMNS['name'])}", label, 1)]
        )
    issues: list[InputIssue] = []
    known_queues = list(queues) if queues else []
    rows: list[AgentRow] = []
    seen: dict[str, int] = {}
    for pos, raw in enumerate(frame.to_dict("records")):
        row_number = pos + FIRST_DATA_ROW
        record = {str(k): str(v) for k, v in raw.items()}

        def cell(role: str, record: dict[str, str] = record) -> str:
            column = columns[role]
            return str(record[column]).strip() if column else ""

        name = cell("name")
        if not name and not any(str(v).strip() for v in record.values()):
            continue  # an empty row
        problem = name_problem(name) if name else None
        # a bad name is shown once, quoted as the value of its own issue, not in every reason of its row
        shown_name = name if problem is None else ""

        def bad(role: str, reason: str, value: str, row: int = row_number, who: str = shown_name) -> None:
            issues.append(InputIssue(f"{who or 'agent'}: {reason}", label, row, columns[role] or role, value))

        if not name:
            bad("name", "every agent needs a name", "")
            continue
        if problem is not None:
            issues.append(InputIssue(problem, label, row_number, columns["name"], name))
        agent_id = cell("id") or slug_id(name) or f"agent-{pos + 1}"
        if cell("id") and not SAFE_ID.match(agent_id):
            bad("id", "an id may hold only letters, digits, '-', '_' and '.' (at most 64)", agent_id)
        if not cell("id") and agent_id in seen:
            agent_id = f"{agent_id}-{sum(1 for k in seen if k.startswith(agent_id)) + 1}"
        elif agent_id in seen:
            bad("id", f"the same id as row {seen[agent_id]}", agent_id)
        seen[agent_id] = row_number
        tz_text = cell("tz") or team_tz
        tz = zone_of_name(tz_text)
        if tz is None:
            near = near_zone_name(tz_text)
            bad("tz", "unknown time zone" + (f"; did you mean {near!r}?" if near else ""), tz_text)
        skills = [s.strip() for s in re.split(r"[,;/]", cell("skills")) if s.strip()]
        if queues:
            checked = []
            for skill in skills:

                def bad_skill(reason: str, value: str = skill) -> None:
                    bad("skills", reason, value)

                checked.append(_known_skill(skill, known_queues, bad_skill))
            skills = checked
        else:
            known_queues += [s for s in skills if s not in known_queues]
        hours = _hours(
            cell("hours"), DEFAULT_WEEKLY_HOURS, lambda reason: bad("hours", reason, cell("hours"))
        )
        low = _hours(cell("min_hours"), hours, lambda reason: bad("min_hours", reason, cell("min_hours")))
        high = _hours(cell("max_hours"), hours, lambda reason: bad("max_hours", reason, cell("max_hours")))
        if low > high:
            bad("min_hours", f"more minimum hours ({low:g}) than maximum ({high:g})", cell("min_hours"))
        rows.append(AgentRow(agent_id, name, tz or team_tz, tuple(s for s in skills if s), low, high))
    if not rows and not issues:
        issues.append(InputIssue("the sheet has no agents", label))
    if not known_queues and not issues:
        issues.append(InputIssue("no queues: give --queues, e.g. 'email,chat', or a skills column", label))
    if issues:
        raise InvalidInput(issues)
    return [r if r.skills else _with_skills(r, known_queues) for r in rows], known_queues


def _with_skills(row: AgentRow, skills: list[str]) -> AgentRow:
    return AgentRow(row.id, row.name, row.tz, tuple(skills), row.min_hours, row.max_hours)


def _known_skill(skill: str, queues: list[str], bad: Callable[[str], None]) -> str:
    match = next((q for q in queues if q.casefold() == skill.casefold()), None)
    if match is None:
        near = difflib.get_close_matches(skill, queues, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else f"; the queues are {', '.join(queues)}"
        bad(f"skill {skill!r} is not one of the team's queues{hint}")
        return ""
    return match


def _hours(text: str, default: float, bad: Callable[[str], None]) -> float:
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 80:
        bad("not a number of weekly hours between 0 and 80")
        return default
    return value


@dataclass(frozen=True)
class HoursFit:
    """An agent's contract hours that no week of the team's shifts can make, and what would."""

    agent: AgentRow
    min_hours: float  # the least weekly hours written instead, the most at or below the sheet's that fit
    advice: str  # why, and how to roster the contract as it stands
    problem: str = ""  # why alone: the hours wanted, the shifts, the hours they can make
    remedy: str = ""  # the shift length that would make the contract, if any


def _week_totals(lengths_minutes: tuple[int, ...], max_shifts: int) -> dict[int, tuple[int, ...]]:
    """Each week total in minutes that at most `max_shifts` shifts make, with a way to make it
    (fewest shifts, longest first)."""
    ways: dict[int, tuple[int, ...]] = {0: ()}
    frontier = dict(ways)
    for _ in range(max_shifts):
        grown: dict[int, tuple[int, ...]] = {}
        for total, shifts in frontier.items():
            for length in lengths_minutes:
                if total + length not in ways and total + length not in grown:
                    grown[total + length] = tuple(sorted((*shifts, length), reverse=True))
        ways.update(grown)
        frontier = grown
    return ways


def _in_range(totals: dict[int, tuple[int, ...]], low_minutes: int, high_minutes: int) -> int | None:
    return next((t for t in sorted(totals) if low_minutes <= t <= high_minutes), None)


def _shifts_in_words(shifts: tuple[int, ...]) -> str:
    counts: dict[int, int] = {}
    for length in shifts:
        counts[length] = counts.get(length, 0) + 1
    return " + ".join(
        f"{n} × {length / 60:g} h" if n > 1 else f"{length / 60:g} h" for length, n in counts.items()
    )


def hours_fit(
    agent: AgentRow,
    lengths_hours: tuple[float, ...] = TEMPLATE_SHIFT_HOURS,
    days_off: int = TEMPLATE_DAYS_OFF,
) -> HoursFit | None:
    """None when some week of shifts of `lengths_hours` on at most 7 - `days_off` days lies within the
    agent's min..max hours; else the least hours that do fit and what would make the contract fit
    (an extra shift length, whole hours first)."""
    working_days = DAYS_PER_WEEK - days_off
    lengths = tuple(sorted({round(h * 60) for h in lengths_hours}, reverse=True))
    low, high = round(agent.min_hours * 60), round(agent.max_hours * 60)
    totals = _week_totals(lengths, working_days)
    if _in_range(totals, low, high) is not None:
        return None
    below = max(t for t in totals if t <= low)
    above = min((t for t in totals if t > high), default=None)
    made = " or ".join(f"{t / 60:g} h" for t in (below, above) if t is not None)
    wanted = f"{agent.min_hours:g} h" if low == high else f"{agent.min_hours:g}–{agent.max_hours:g} h"
    shift_words = "/".join(f"{length / 60:g}" for length in lengths)
    problem = f"{wanted} a week cannot be made of {shift_words}-h shifts on at most {working_days} day{'' if working_days == 1 else 's'} ({made} can)"
    advice = f"{problem}; min_hours_per_week written as {below / 60:g} so a week fits"
    remedy = ""
    extra = _extra_length(lengths, working_days, low, high)
    if extra is not None:
        length, shifts = extra
        own = ", ".join(f"{m / 60:g}" for m in sorted({*lengths, length}, reverse=True))
        remedy = (
            f"give them shift_rules of their own, {{lengths_hours: [{own}]}} "
            f"({_shifts_in_words(shifts)} = {sum(shifts) / 60:g} h; the others keep the team's)"
        )
        advice += f"; for {wanted}, {remedy} and set min_hours_per_week back to {agent.min_hours:g}"
    return HoursFit(agent, below / 60, advice, problem, remedy)


def _extra_length(
    lengths: tuple[int, ...], working_days: int, low: int, high: int
) -> tuple[int, tuple[int, ...]] | None:
    """The shift length that, added to `lengths`, makes a week within low..high minutes: whole hours
    before half and quarter hours, then the nearest to the lengths there are, then the shorter."""
    shortest, longest = EXTRA_SHIFT_MINUTES
    for step in (60, 30, 15):
        options = []
        for length in range(shortest, longest + 1, step):
            if length in lengths:
                continue
            totals = _week_totals((*lengths, length), working_days)
            total = _in_range(totals, low, high)
            if total is not None:
                nearest = min(abs(length - known) for known in lengths)
                options.append((nearest, length, totals[total]))
        if options:
            _, length, shifts = min(options)
            return length, shifts
    return None


def hours_fits(agents: list[AgentRow]) -> list[HoursFit]:
    """The agents whose contract hours the template's shifts cannot make (see `hours_fit`)."""
    return [fit for a in agents if (fit := hours_fit(a)) is not None]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


DAY_STARTS = ("06:00", "14:00")  # the earliest and latest local shift start `team init` writes


def parse_starts(text: str) -> tuple[str, str]:
    """'06:00-14:00' as the earliest and latest local start (InvalidInput naming `--starts` if not)."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    try:
        first, last = (clock_to_minute(p) for p in parts)
    except ValueError:
        raise InvalidInput(
            f"--starts {text!r}: give the earliest and latest local shift start as HH:MM-HH:MM, "
            "e.g. 06:00-14:00, or 00:00-23:30 for round-the-clock shifts"
        ) from None
    if first > last:
        raise InvalidInput(f"--starts {text!r}: the earliest start must not come after the latest")
    return parts[0], parts[1]


def team_yaml(
    name: str,
    tz: str,
    queues: list[tuple[str, str]],
    agents: list[AgentRow],
    starts: tuple[str, str] = DAY_STARTS,
) -> str:
    """The team file's text: the queues' usual targets commented, shift and labour rules to adjust
    (shifts starting between `starts`, on each agent's clock)."""
    lines = [
        "# Team file made by `wfm team init`; change the numbers to your team's (README: 'File formats').",
        f"name: {_quoted(name)}",
        f"tz: {tz}  # the team's zone: its days, its grid, and the region of users without one",
        "interval_minutes: 15  # the planning grid: 15, 30 or 60 minutes",
        f"shrinkage: {ROSTER_SHRINKAGE}  # share of paid time the roster does not place: absence, meetings,"
        " training (breaks and lunches are in the roster, not here)",
        "queues:",
    ]
    for queue, channel in queues:
        lines.append(f"  - name: {_quoted(queue)}")
        lines.append(f"    channel: {channel}")
        lines += [
            f"    {key}: {value}  # {comment}" for key, value, comment in CHANNEL_TARGETS[channel].lines
        ]
    lines += [
        "shift_rules:  # in each agent's own local time",
        f"  lengths_hours: [{', '.join(f'{h:.1f}' for h in TEMPLATE_SHIFT_HOURS)}]",
        "  start_step_minutes: 30",
        f"  earliest_start: '{starts[0]}'",
        f"  latest_start: '{starts[1]}'",
        "  max_start_spread_minutes: 120  # regular hours: each agent's starts in a week at most 2 h apart"
        " (remove for any; costs service where a few agents cover every hour)",
        "  breaks:",
        "    - {kind: break, duration_minutes: 15, window_start_minutes: 90, window_end_minutes: 180}",
        "    - {kind: lunch, duration_minutes: 30, window_start_minutes: 180, window_end_minutes: 330, min_shift_hours: 6}",
        "labour_rules:",
        "  min_rest_hours: 11  # between the end of one shift and the next",
        "  max_consecutive_days: 5",
        f"  min_days_off_per_week: {TEMPLATE_DAYS_OFF}",
        "time_off_paid: true  # time off (vacation, PTO) counts as paid hours, so 2 days of leave leave 3"
        " days' work; false (unpaid leave): the contract's hours may be worked on the other days, a rest day too",
        "absence_paid: true  # an absence (a sick call) counts as paid hours against the contract",
        "agents:",
    ]
    fits = {fit.agent.id: fit for fit in hours_fits(agents)}
    for a in agents:
        fit = fits.get(a.id)
        lines += [
            f"  - id: {_quoted(a.id)}",
            f"    name: {_quoted(a.name)}",
            f"    tz: {a.tz}",
            f"    skills: [{', '.join(_quoted(s) for s in a.skills)}]",
            f"    min_hours_per_week: {fit.min_hours:g}  # {fit.advice}"
            if fit
            else f"    min_hours_per_week: {a.min_hours:g}",
            f"    max_hours_per_week: {a.max_hours:g}",
        ]
    return "\n".join(lines) + "\n"

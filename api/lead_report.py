"""The roster summary a lead reads: service first, where it suffers in words, hours against contract,
the spread of weekends and late shifts; the solver's figures on one detail line at the end.

`lead_report` measures a roster once for all of it; `summary_lines` is what `wfm roster` and `wfm demo`
print; `markdown` is `wfm roster --report FILE.md`. The service stores the same for each roster version,
made by the same calls from the same `LeadReport`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from common.timegrid import MINUTES_PER_DAY, minute_to_clock, zone
from scheduler import (
    FRAGILE_VOLUME,
    CoverOption,
    Problem,
    Roster,
    RosterResult,
    RosterSummary,
    Team,
    cover_options,
    coverage_frame,
    fragile_lines,
    fragile_queues,
    measure,
    repair_line,
    roster_changes,
    summarize,
    too_small_lines,
    tradeoff_lines,
    unattended_lines,
    work_changes,
)
from scheduler.domain import AvailabilityEntry, Shift, merge_overlapping
from scheduler.roster.candidates import local_start_minute, start_band

MAX_STRETCHES_PRINTED = 12
MAX_COVER_PRINTED = 8
CLI_MORE = "--report FILE.md lists them all"  # where a lead reads what the summary leaves out


@dataclass(frozen=True)
class LeadReport:
    """A roster measured for its lead: coverage per queue and interval, the summary, who could cover
    the stretches where service suffers, and who is off sick and what changed from the published roster
    (`absence_lines`, `change_lines`)."""

    coverage: pd.DataFrame
    summary: RosterSummary
    cover: list[CoverOption]
    changes: list[str]
    week_boundary: list[str]


@dataclass(frozen=True)
class ReportWords:
    """The words a report's lines use for what differs between the CLI and the service: the roster a
    re-roster changes, and how next week's roster comes to count this one."""

    base_roster: str = "the published roster"  # the service: the version re-rostered, e.g. "v3"
    next_week_counts_it: str = "published, or given with --previous"
    reoptimize: str = "--reoptimize"  # how a lead re-rosters every agent instead of repairing


CLI_WORDS = ReportWords()


def lead_report(problem: Problem, roster: Roster, words: ReportWords = CLI_WORDS) -> LeadReport:
    """The roster measured once (`scheduler.measure`), then summarised, with the cover options of its
    short stretches (`scheduler.cover_options`), its absences and its changes."""
    measured = measure(problem, roster)
    summary = summarize(problem, roster, measured)
    summary = replace(summary, fragile=fragile_queues(problem, roster, summary.service_level_by_queue))
    return LeadReport(
        coverage_frame(problem, roster, measured),
        summary,
        cover_options(problem, roster, summary.short, measured=measured),
        absence_lines(problem) + change_lines(problem, roster, words),
        from_last_week_lines(problem) + into_next_week_lines(problem, roster, words),
    )


def from_last_week_lines(problem: Problem) -> list[str]:
    """Whether last week's roster was counted, and its shifts that run on into the week (cover there)."""
    if problem.previous is None:
        return []
    start = problem.week.grid.start_utc
    team = {a.id for a in problem.team.agents}
    running = [s for s in problem.previous.shifts if s.end_utc > start and s.agent_id in team]
    words = "last week's roster counted: rest and days in a row across the week's start"
    if running:
        hours, last = _hours_past(running, start, problem.team.tz)
        words += (
            f", and {len(running)} of its shifts running on into the week ({hours} until {last}) as cover"
        )
    return [words]


def _hours_past(shifts: list[Shift], instant: datetime, tz: str) -> tuple[str, str]:
    """The hours `shifts` run past `instant`, and the last of their ends on `tz`'s clock, in words."""
    hours = sum((s.end_utc - max(s.start_utc, instant)).total_seconds() for s in shifts) / 3600.0
    return f"{hours:.1f} hours", f"{max(s.end_utc for s in shifts).astimezone(zone(tz)):%a %H:%M}"


def into_next_week_lines(problem: Problem, roster: Roster, words: ReportWords = CLI_WORDS) -> list[str]:
    """The shifts that run on past the week's end and their hours there: cover for next week's first
    hours, which the roster was made to count (`coverage.planning_demand`) and next week's roster
    counts when given this one as last week's."""
    end = problem.week.grid.end_utc
    running = [s for s in roster.shifts if s.end_utc > end]
    if not running:
        return []
    hours, last = _hours_past(running, end, problem.team.tz)
    count = f"{len(running)} shift{'s' if len(running) != 1 else ''} run{'s' if len(running) == 1 else ''}"
    return [
        f"into next week: {count} past the week's end, {hours} until {last}: cover for "
        f"next week's first hours once this roster is last week's ({words.next_week_counts_it})"
    ]


def report_title(problem: Problem) -> str:
    """The report's title: the team and the first day of its week."""
    return f"{problem.team.name}, week of {problem.week.first_day}"


def absence_lines(problem: Problem) -> list[str]:
    """Who is off sick (an `absence` in the availability) on which days of the week, one line each."""
    out = []
    for agent in problem.team.agents:
        rows = [e for e in problem.entries_of(agent.id) if e.kind == "absence"]
        sick = [_sick_words(d, [e for e in rows if e.applies_to(d)]) for d in problem.week.days]
        if any(sick):
            out.append(f"off sick: {agent.name} ({agent.id}), " + ", ".join(w for w in sick if w))
    return out


def _sick_words(day: date, rows: list[AvailabilityEntry]) -> str:
    """A day's sick call in words: 'Thu 05 Nov' for the whole day, 'Wed 04 Nov from 13:00' for part of
    it (sent home), '' for none."""
    if not rows:
        return ""
    if any(e.start_minute == 0 and e.end_minute >= MINUTES_PER_DAY for e in rows):
        return f"{day:%a %d %b}"
    parts = [
        f"from {minute_to_clock(e.start_minute)}"
        if e.end_minute >= MINUTES_PER_DAY
        else f"{minute_to_clock(e.start_minute)}–{minute_to_clock(e.end_minute)}"
        for e in sorted(merge_overlapping(rows), key=lambda e: e.start_minute)
    ]
    return f"{day:%a %d %b} {', '.join(parts)}"


def change_lines(problem: Problem, roster: Roster, words: ReportWords = CLI_WORDS) -> list[str]:
    """A re-roster: how many agent-days differ from the roster re-rostered, and each in words."""
    if problem.published is None:
        return []
    changes = roster_changes(problem.published, roster)
    out = [
        f"changes to {words.base_roster}: {len(changes)}",
        *(f"  {c.describe(problem.team, problem.availability)}" for c in changes),
    ]
    same_hours = work_changes(problem.published, roster)
    if same_hours:
        out += [
            f"same hours, other queues or breaks: {len(same_hours)}",
            *(f"  {c.describe(problem.team)}" for c in same_hours),
        ]
    if problem.kept_agents:  # a repair: whom it re-rostered
        out.append(repair_line(problem, words.reoptimize))
    return out


def _contracts_above_need(summary: RosterSummary) -> str:
    """Why hours above the need are not the roster's doing, when they are not: the contracts' least
    hours alone add up to more than the need asks (said after the overstaffed figure)."""
    least = sum(low for low, _ in summary.contract_by_agent.values())
    if least <= summary.required_agent_hours:
        return ""
    return (
        f" (the contracts' least hours add up to {least:.0f} h, more than the "
        f"{summary.required_agent_hours:.0f} agent-hours the need asks)"
    )


def _percent(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.0%}"


def _service_by_day(summary: RosterSummary, queue: str) -> str:
    days = [d for d in summary.days if d.queue == queue]
    return "  ".join(f"{d.day:%a} {_percent(d.service_level)}" for d in days)


def unmeasured_day_lines(summary: RosterSummary, team: Team) -> list[str]:
    """What a "–" for a queue's day with contacts means: all of them are due after the week ends (an
    async queue's last day), past what the roster measures, so no share of them can be counted yet."""
    out = []
    for queue in summary.service_level_by_queue:
        days = [d.day for d in summary.days if d.queue == queue and d.service_level is None and d.volume > 0]
        if days:
            spec = next((q for q in team.queues if q.name == queue), None)
            within = "" if spec is None else f" (within {spec.response_hours:g} h)"
            out.append(
                f"{queue} on {', '.join(f'{d:%a}' for d in days)} shows –: the contacts of that day are due after "
                f"the week ends{within}, past what this roster measures"
            )
    return out


def without_need_line(summary: RosterSummary) -> list[str]:
    """The days with no need on any queue, named, so a requirements file that ends early (Monday to
    Wednesday only) is not planned silently as a week whose other days need nobody."""
    if not summary.days_without_need:
        return []
    days = ", ".join(f"{d:%a %d %b}" for d in summary.days_without_need)
    return [
        f"no need on {days}: the requirements ask for nobody then; give them if the team works those days"
    ]


def quiet_day_lines(summary: RosterSummary, team: Team, roster: Roster) -> list[str]:
    """Days the roster works although no contact is forecast on them (a weekday team's Saturday): the
    work is the backlog of the day before, due within its response time; say who, and what to change
    if the team does not work that day."""
    contacts: dict[date, float] = {}
    for d in summary.days:
        contacts[d.day] = contacts.get(d.day, 0.0) + d.volume
    tz = zone(team.tz)
    working: dict[date, list[str]] = {}
    for s in roster.shifts:
        day = s.start_utc.astimezone(tz).date()
        if day in contacts and contacts[day] <= 1e-9:
            working.setdefault(day, []).append(team.agent(s.agent_id).name)
    return [
        f"{day:%a %d %b} has no contacts forecast, but {len(names)} shift{'s' if len(names) != 1 else ''} "
        f"({', '.join(sorted(set(names)))}): they answer the contacts of the days before within their response "
        "time; if the team does not work that day, make its agents unavailable on it (an availability "
        "row with weekday, e.g. 'Sat, Sun') or give the async queues a longer response_hours"
        for day, names in sorted(working.items())
    ]


PREFERENCES_HEADING = (
    "preferred times given, or times to avoid kept, on fewer than half of the working days that have them"
)


def preference_lines(summary: RosterSummary) -> list[str]:
    """The agents whose preferred times the roster mostly did not give, one line each, so a wish
    the roster could not meet is said, not dropped silently."""
    if not summary.unmet_preferences:
        return []
    return [f"{PREFERENCES_HEADING}:", *(f"  {u.words}" for u in summary.unmet_preferences)]


def _contract_line(summary: RosterSummary, team: Team) -> str:
    """How the week's hours stand against the contracts, in one line."""
    under = [
        a for a in team.agents if summary.hours_by_agent[a.id] < summary.contract_by_agent[a.id][0] - 1e-6
    ]
    over = [
        a for a in team.agents if summary.hours_by_agent[a.id] > summary.contract_by_agent[a.id][1] + 1e-6
    ]
    at_least = sum(
        1
        for a in team.agents
        if abs(summary.hours_by_agent[a.id] - summary.contract_by_agent[a.id][0]) < 1e-6
    )
    if under or over:
        names = ", ".join(a.name for a in [*under, *over])
        return f"hours against contract: outside the contract: {names}"
    return (
        f"hours against contract: all {len(team.agents)} agents within their contracts "
        f"({at_least} at their minimum); hours per agent {min(summary.hours_by_agent.values()):g}–"
        f"{max(summary.hours_by_agent.values()):g}"
    )


def stretches_per_shift(roster: Roster) -> tuple[float, float, float]:
    """Queue stretches per shift (mean, 95th percentile) and the median stretch in minutes."""
    if not roster.shifts:
        return 0.0, 0.0, 0.0
    counts = np.array([len(s.queue_spans()) for s in roster.shifts], dtype=float)
    minutes = np.array(
        [(w.end_utc - w.start_utc).total_seconds() / 60 for s in roster.shifts for w in s.queue_spans()]
    )
    return float(counts.mean()), float(np.percentile(counts, 95)), float(np.median(minutes))


def _start_bands(roster: Roster, team: Team) -> dict[str, tuple[int, int]]:
    """Each rostered agent's band of local start times (`start_band`: first minute, length)."""
    starts: dict[str, list[int]] = {}
    for s in roster.shifts:
        starts.setdefault(s.agent_id, []).append(local_start_minute(team.agent(s.agent_id).tz, s.start_utc))
    return {agent: start_band(minutes) for agent, minutes in starts.items()}


def start_range_minutes(roster: Roster, team: Team) -> dict[str, tuple[int, int]]:
    """Each rostered agent's earliest and latest local start time in the roster (minutes of the day),
    read round the clock: a night worker starting 23:30 and 00:30 starts from 23:30 to 00:30."""
    return {
        a: (first, (first + spread) % (24 * 60)) for a, (first, spread) in _start_bands(roster, team).items()
    }


def start_spread_minutes(roster: Roster, team: Team) -> dict[str, int]:
    """How far apart each rostered agent's local start times lie, round the clock, in minutes."""
    return {agent: spread for agent, (_, spread) in _start_bands(roster, team).items()}


def start_times_line(roster: Roster, team: Team) -> str:
    """How far apart each agent's start times lie across the week, and the team's rule if it has one."""
    spreads = start_spread_minutes(roster, team)
    if not spreads:
        return "start times: no shifts"
    rule = team.shift_rules.max_start_spread_minutes
    ruled = "" if rule is None else f" (the team's rule: at most {_hours(rule / 60)} h)"
    low, high = _hours(min(spreads.values()) / 60), _hours(max(spreads.values()) / 60)
    within = high if low == high else f"{low}–{high}"
    return f"start times: each agent's within {within} h of each other across the week{ruled}"


def solver_line(result: RosterResult) -> str:
    """The solver's figures, for the detail line."""
    bound = (
        f"bound {result.bound:,.0f}, gap {result.gap:.1%}"
        if result.gap is not None
        else "no bound known in the time"
    )
    costliest = sorted(((v, k) for k, v in result.penalties.items() if v > 0), reverse=True)[:3]
    costs = "; ".join(f"{name.removesuffix(' (points)')}: {points:,.0f} points" for points, name in costliest)
    return (
        f"solver: objective {result.objective:,.0f} ({bound}, {result.status.lower()}), "
        f"{result.elapsed_s:.1f} s; costliest soft rules: {costs or 'none'}"
    )


def cover_lines(
    options: list[CoverOption], limit: int | None = MAX_COVER_PRINTED, more: str = CLI_MORE
) -> list[str]:
    """Who could cover the stretches where service suffers, stretch by stretch."""
    if not options:
        return []
    out = ["who could cover them (least costly first):"]
    stretch = None
    for option in options[:limit]:
        if option.stretch is not stretch:
            stretch = option.stretch
            out.append(f"  {stretch.when}, {stretch.queue}:")
        out.append(f"    {option.words}")
    if limit is not None and len(options) > limit:
        out.append(f"  ... and {len(options) - limit} more ({more})")
    return out


def _days_below(summary: RosterSummary) -> dict[str, list[date]]:
    """Per queue, the local days its service level is below its target."""
    out: dict[str, list[date]] = {}
    for d in summary.days:
        if d.service_level is not None and d.volume > 0 and d.service_level < d.target - 1e-9:
            out.setdefault(d.queue, []).append(d.day)
    return out


def advice_lines(summary: RosterSummary, team: Team, roster: Roster) -> list[str]:
    """What the lead may change, in words: a team too small for its targets, each live queue left with
    nobody on it while its contacts come (and the setting that keeps it open), and each live queue
    kept short for an async one. The team is called too small only when a queue misses its target
    for the week: the hours the need adds up to spread async work evenly, where a backlog may wait for
    its deadline, so a team under them can still meet every target."""
    missing = any(
        level < summary.target_by_queue[queue] - 1e-9
        for queue, level in summary.service_level_by_queue.items()
    )
    too_small = (
        too_small_lines(summary.required_agent_hours, summary.contract_hours_most, team) if missing else []
    )
    too_small += _skills_missing(summary) if too_small else []
    return (
        too_small
        + quiet_day_lines(summary, team, roster)
        + unattended_lines(team, summary.unattended)
        + tradeoff_lines(team, summary.service_level_by_queue, roster, _days_below(summary), summary.trades)
        + fragile_lines(team, summary.fragile, FRAGILE_VOLUME)
    )


def _skills_missing(summary: RosterSummary) -> list[str]:
    """Which queues the hours are short on, and which have more than they need: a team too small on
    one queue and over on another is short of agents skilled for the first, not of agents."""
    short: dict[str, float] = {}
    over: dict[str, float] = {}
    rostered_over: dict[str, float] = {}  # of `over`, beyond what blended time gives
    for d in summary.days:
        short[d.queue] = short.get(d.queue, 0.0) + d.shortfall_hours
        over[d.queue] = over.get(d.queue, 0.0) + max(d.on_queue_hours - d.need_hours, 0.0)
        rostered = d.on_queue_hours - d.blended_hours
        rostered_over[d.queue] = rostered_over.get(d.queue, 0.0) + max(rostered - d.need_hours, 0.0)
    shortest = max(short, key=lambda q: short[q], default=None)
    fullest = max(over, key=lambda q: over[q], default=None)
    if (
        shortest is None
        or fullest is None
        or fullest == shortest
        or over[fullest] < 1.0
        or short[shortest] < 1.0
    ):
        return []
    skill = (
        f"(or skill some of the {fullest} agents for it)"
        if rostered_over[fullest] >= 1.0
        else f"({fullest}'s hours above its need are the spare time of agents on other queues between contacts)"
    )
    return [
        f"the hours are short on {shortest} ({short[shortest]:.0f} agent-h below its need) while {fullest} has "
        f"{over[fullest]:.0f} agent-h more than it needs: agents skilled for {shortest} are what is missing "
        f"{skill}"
    ]


def summary_lines(
    lead: LeadReport, team: Team, roster: Roster, result: RosterResult, more: str = CLI_MORE
) -> list[str]:
    """The summary for a terminal: service per queue and day, where it suffers and who could cover
    it, need and shortfall, hours and spreads, one line of solver figures, then who is off sick and
    what changed (`more` says where the stretches and cover options left out are listed)."""
    summary = lead.summary
    lines = without_need_line(summary)
    for queue, level in summary.service_level_by_queue.items():
        target = summary.target_by_queue[queue]
        lines.append(
            f"expected service level, {queue}: {level:.1%} (target {target:.0%}); by day: {_service_by_day(summary, queue)}"
        )
    lines += unmeasured_day_lines(summary, team)
    lines += advice_lines(summary, team, roster)
    if summary.short:
        count = f"{len(summary.short)} stretch{'es' if len(summary.short) != 1 else ''}"
        lines.append(f"where service suffers ({count}, {team.tz} time):")
        lines += [f"  {s.words}" for s in summary.short[:MAX_STRETCHES_PRINTED]]
        if len(summary.short) > MAX_STRETCHES_PRINTED:
            lines.append(f"  ... and {len(summary.short) - MAX_STRETCHES_PRINTED} more ({more})")
    else:
        lines.append("where service suffers: nowhere")
    lines += cover_lines(lead.cover, more=more)
    lines += [
        f"required agent-hours: {summary.required_agent_hours:.1f}",
        f"understaffed agent-hours: {summary.understaffed_agent_hours:.1f}",
        f"overstaffed agent-hours: {summary.overstaffed_agent_hours:.1f}{_contracts_above_need(summary)}",
    ]
    for q, (contacts, on_time) in summary.carried_in.items():
        share = "" if on_time is None else f", {on_time:.0%} answered on time"
        lines.append(f"carried in, {q}: {contacts:.0f} contacts waiting at the start{share}")
    lines += [
        f"backlog left, {q}: {n:.0f} contacts at the end of the week" for q, n in summary.backlog_left.items()
    ]
    lines += lead.week_boundary
    mean, p95, median = stretches_per_shift(roster)
    lines += [
        f"agents: {summary.agents} ({summary.agents_rostered} rostered), shifts: {summary.shifts}, "
        f"scheduled hours: {summary.scheduled_hours:.1f}",
        _contract_line(summary, team),
        *preference_lines(summary),
        f"weekend days per agent: {_spread(summary.weekend_days_by_agent)}; late shifts per agent: "
        f"{_spread(summary.late_shifts_by_agent)}; night shifts per agent: {_spread(summary.night_shifts_by_agent)}",
        f"queue stretches per shift: {mean:.1f} on average, {p95:.0f} at most for 95 %; median stretch {median:.0f} min",
        start_times_line(roster, team),
        solver_line(result),
    ]
    return lines + lead.changes


def _hours(value: float) -> str:
    """Hours as a lead reads them: to a tenth, without a trailing '.0' (34.3, 40)."""
    return f"{value:.1f}".removesuffix(".0")


def _spread(values: dict[str, int]) -> str:
    return "-" if not values else f"{min(values.values())}–{max(values.values())}"


# characters that would make a name or a line of text a table cell's end, a link, an HTML tag, code or
# emphasis in Markdown
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|])")


def _md(text: str) -> str:
    """Text as it reads, in Markdown (agent names, notes and queue names are the team's, not ours)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown(lead: LeadReport, team: Team, roster: Roster, result: RosterResult, title: str) -> str:
    """The lead's report as Markdown: who is off sick and what changed from the published roster
    (`absence_lines`, `change_lines`), service by queue and day, every stretch where it suffers, each
    agent's hours against their contract and spread, then the solver's figures."""
    summary, cover = lead.summary, lead.cover
    out = [f"# {_md(title)}", ""]
    out += [*map(_md, without_need_line(summary)), ""] if summary.days_without_need else []
    if lead.changes:
        out += ["## Absences and changes", "", *(f"- {_md(line.strip())}" for line in lead.changes), ""]
    out += ["## Service by queue and day", ""]
    days = sorted({d.day for d in summary.days})
    out.append("| queue | target | " + " | ".join(f"{d:%a %d %b}" for d in days) + " | week |")
    out.append("| --- | --- | " + " | ".join("---" for _ in days) + " | --- |")
    for queue, level in summary.service_level_by_queue.items():
        by_day = {d.day: d for d in summary.days if d.queue == queue}
        cells = [_percent(by_day[d].service_level) if d in by_day else "–" for d in days]
        out.append(
            f"| {_md(queue)} | {summary.target_by_queue[queue]:.0%} | "
            + " | ".join(cells)
            + f" | {level:.1%} |"
        )
    out += [
        "",
        *(
            f"{_md(line)}."
            for line in [*unmeasured_day_lines(summary, team), *advice_lines(summary, team, roster)]
        ),
    ]
    out += ["", "## Need and cover by queue and day (agent-hours)", ""]
    out.append("| queue | day | need | on queue | short |")
    out.append("| --- | --- | --- | --- | --- |")
    out += [
        f"| {_md(d.queue)} | {d.day:%a %d %b} | {d.need_hours:.1f} | {d.on_queue_hours:.1f} | {d.shortfall_hours:.1f} |"
        for d in summary.days
    ]
    out += ["", f"Required agent-hours: {summary.required_agent_hours:.1f}; understaffed: "
            f"{summary.understaffed_agent_hours:.1f}; overstaffed: {summary.overstaffed_agent_hours:.1f}.", ""]  # fmt: skip
    out += (
        [*(f"{_md(line[0].upper() + line[1:])}." for line in lead.week_boundary), ""]
        if lead.week_boundary
        else []
    )
    waiting = [q.name for q in team.queues if not q.is_live]
    if waiting:
        out += [
            f'On {", ".join(waiting)}, "short" compares each interval\'s need with the agents on the queue '
            "then (blended time included). Contacts there wait, so work done earlier or later within the "
            "response time still answers them on time: a day can be short here and on time above.",
            "",
        ]
    out += [f"## Where service suffers ({_md(team.tz)} time)", ""]
    out += [f"- {_md(s.words)}" for s in summary.short] or ["Nowhere."]
    if cover:
        out += ["", "## Who could cover them", ""]
        out += [f"- {_md(f'{o.stretch.when}, {o.stretch.queue}: {o.words}')}" for o in cover]
    out += [
        "",
        "## Agents",
        "",
        "| agent | hours | contract | starts (own clock) | weekend days | late shifts | night shifts |",
    ]
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    starts = start_range_minutes(roster, team)
    for a in team.agents:
        low, high = summary.contract_by_agent[a.id]
        leave = a.max_hours_per_week - high
        contract = f"{_hours(low)}–{_hours(high)}" + (
            f" ({_hours(a.max_hours_per_week)} less {_hours(leave)} h away this week)" if leave > 0.05 else ""
        )
        first, last = starts.get(a.id, (-1, -1))
        start_cell = (
            "–"
            if first < 0
            else minute_to_clock(first) + ("" if last == first else f"–{minute_to_clock(last)}")
        )
        out.append(
            f"| {_md(a.name)} ({_md(a.id)}) | {summary.hours_by_agent[a.id]:g} | {contract} | {start_cell} | "
            f"{summary.weekend_days_by_agent[a.id]} | {summary.late_shifts_by_agent[a.id]} | "
            f"{summary.night_shifts_by_agent[a.id]} |"
        )
    if summary.unmet_preferences:
        out += ["", f"{PREFERENCES_HEADING[0].upper()}{PREFERENCES_HEADING[1:]}:", ""]
        out += [f"- {_md(u.words)}" for u in summary.unmet_preferences]
    mean, p95, median = stretches_per_shift(roster)
    out += [
        "",
        f"Queue stretches per shift: {mean:.1f} on average, {p95:.0f} at most for 95 % of shifts; "
        f"median stretch {median:.0f} minutes.",
        "",
        f"{start_times_line(roster, team).capitalize()}.",
        "",
        "---",
        "",
        solver_line(result),
        "",
    ]
    return "\n".join(out)

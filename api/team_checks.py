"""What a team's rules cannot do, in a lead's words: contracts their shifts cannot make, breaks
that may come back to back, start windows across midnight or beside shift types, far agents whose
start window lands far from the team's hours. Said by `wfm team check`, `wfm roster` and the
service's team (`warnings`), so a lead hears it before a solve fails or surprises."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from common.timegrid import MINUTES_PER_DAY, minute_to_clock, zone
from scheduler.domain import Agent, ShiftRules, Team


def team_warnings(team: Team) -> list[str]:
    """What a team's rules cannot do, in a lead's words: each agent whose contract hours their shift
    lengths cannot make on their working days, and each shift length whose breaks may come back to
    back (their windows leave no room for `MIN_WORK_BETWEEN_BREAKS_MINUTES` between them)."""
    from api.importers.agents import AgentRow, hours_fit
    from scheduler.domain import MIN_WORK_BETWEEN_BREAKS_MINUTES
    from scheduler.roster.candidates import breaks_spaced

    out = []
    for a in team.agents:
        rules = team.shift_rules_of(a)
        lengths = tuple(sorted({length / 60 for _, _, length in rules.shapes()}))
        days_off = team.labour_rules_of(a).min_days_off_per_week
        row = AgentRow(a.id, a.name, a.tz, a.skills, a.min_hours_per_week, a.max_hours_per_week)
        fit = hours_fit(row, lengths, days_off) if lengths and a.max_shifts_per_week is None else None
        if fit is not None:
            out.append(
                f"{a.name} ({a.id}): {fit.problem}; {fit.remedy or 'change the contract, the shift lengths or the days off'}"
            )
    out += [line for a in team.agents if (line := far_start_window(team, a))]
    out += night_start_windows(team)
    out += unused_start_windows(team)
    seen: set[tuple[object, int]] = set()
    for a in team.agents:
        rules = team.shift_rules_of(a)
        for length in sorted({length for _, _, length in rules.shapes()}):
            breaks = rules.breaks_for(length)
            if (breaks, length) in seen or len(breaks) < 2:
                continue
            seen.add((breaks, length))
            if not breaks_spaced(breaks, length, team.interval_minutes):
                kinds = " and ".join(b.kind for b in breaks)
                whose = "the team's" if a.shift_rules is None else f"{a.name}'s"
                out.append(
                    f"{whose} {length / 60:g}-h shifts: the {kinds} windows leave no room for "
                    f"{MIN_WORK_BETWEEN_BREAKS_MINUTES} min of work between them, so they may come back to back"
                )
    return out


def _rules_in_force(team: Team) -> list[tuple[str, ShiftRules]]:
    """The team's shift rules, then each agent's that differ from them, with whose they are in words."""
    out = [("the team's", team.shift_rules)]
    for a in team.agents:
        if a.shift_rules is not None and team.shift_rules_of(a) != team.shift_rules:
            out.append((f"{a.name}'s ({a.id})", team.shift_rules_of(a)))
    return out


def night_start_windows(team: Team) -> list[str]:
    """Each start window that runs across midnight (latest start before earliest), the team's and
    each agent's own, read back in words: a night crew's 22:00–02:00 is meant, but an agent's own
    latest start before the team's earliest may be a slip."""
    out = []
    for whose, rules in _rules_in_force(team):
        if rules.types or not rules.starts_across_midnight:
            continue
        first, last = minute_to_clock(rules.earliest_start_minute), minute_to_clock(rules.latest_start_minute)
        starts = rules.start_minutes()
        in_window_order = sorted(starts, key=lambda m: (m - rules.earliest_start_minute) % MINUTES_PER_DAY)
        when = (
            f"from {first} to midnight and from 00:00 to {last}"
            if rules.latest_start_minute in starts
            else f"at {', '.join(minute_to_clock(m) for m in in_window_order)} (its "
            f"{rules.start_step_minutes}-min step from {first} does not reach {last})"
        )
        out.append(
            f"{whose} start window {first}–{last} runs across midnight: shifts start {when}, each on the local "
            f"day it starts; if a latest start after {first} was meant, give that"
        )
    return out


def unused_start_windows(team: Team) -> list[str]:
    """Start windows given beside named shift types, which set the starts themselves: the window is
    not used, said once for the team and once for each agent with rules of their own."""
    default = ShiftRules()
    return [
        f"{whose} shift types set the start times, so its start window "
        f"{minute_to_clock(r.earliest_start_minute)}–{minute_to_clock(r.latest_start_minute)} is not used"
        for whose, r in _rules_in_force(team)
        if r.types
        and (r.earliest_start_minute, r.latest_start_minute)
        != (default.earliest_start_minute, default.latest_start_minute)
    ]


def agent_night_windows(team: Team) -> list[str]:
    """`night_start_windows` of the agents whose own start window runs across midnight while the
    team's does not: likely a latest start given before the team's earliest (`wfm roster` says so)."""
    if team.shift_rules.starts_across_midnight:
        return []
    return [line for line in night_start_windows(team) if not line.startswith("the team's")]


FAR_ZONE_HOURS = (
    3  # an agent this many hours from the team's zone is told where the team's start window lands
)


def far_start_window(team: Team, agent: Agent, on: date | None = None) -> str | None:
    """For an agent far from the team's zone who starts in the team's start window, read on the agent's
    own clock (as every rule is): where that window lands on the team's clock (on `on`, default today),
    so that a lead who meant the team's hours gives the agent a window of their own."""
    rules, theirs = team.shift_rules_of(agent), team.shift_rules
    if rules.types or (rules.earliest_start_minute, rules.latest_start_minute) != (
        theirs.earliest_start_minute,
        theirs.latest_start_minute,
    ):
        return None
    window_minutes = (rules.latest_start_minute - rules.earliest_start_minute) % MINUTES_PER_DAY
    if window_minutes + rules.start_step_minutes >= MINUTES_PER_DAY:
        return None  # round the clock: a start at every step of the day, on any clock
    day = on or date.today()
    own, home = zone(agent.tz), zone(team.tz)

    def on_team_clock(minute: int) -> datetime:
        return (
            (datetime.combine(day, time()) + timedelta(minutes=minute)).replace(tzinfo=own).astimezone(home)
        )

    noon = datetime.combine(day, time(12)).replace(tzinfo=own)
    apart = abs((noon.utcoffset() or timedelta()) - (noon.astimezone(home).utcoffset() or timedelta()))
    if apart < timedelta(hours=FAR_ZONE_HOURS):
        return None
    first, last = on_team_clock(rules.earliest_start_minute), on_team_clock(rules.latest_start_minute)
    window = f"{minute_to_clock(rules.earliest_start_minute)}–{minute_to_clock(rules.latest_start_minute)}"
    return (
        f"{agent.name} ({agent.id}, {agent.tz}) starts in the team's window {window} on their own clock, "
        f"which is {first:%H:%M}–{last:%H:%M} in {team.tz} (on the clocks of {day:%a %d %b %Y}); if the team's "
        "hours are meant, give them "
        "shift_rules of their own (earliest_start, latest_start)"
    )

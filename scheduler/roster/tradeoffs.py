"""Why one queue is above its service-level target while another is below it, in a lead's words.

When the team cannot meet every target, the roster gives its multi-skilled agents' time to the
queue where the objective says it saves most. With the default service-level objective, a live
contact not answered in time costs `missed_contact` points and each hour an async contact (email,
social) waits past its deadline `late_contact_hour`: an email many hours late costs several missed
chats, so a short team keeps email on time first; and a missed contact costs alike on two live
queues, so a short team keeps the busier one. That is a choice of weights, which the lead may change
in the team file (a queue's own `missed_contact` among them); the summary says so where it shows: a
live queue below its target beside another queue above its own, with agents skilled for both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from scheduler.domain import QueueSpec, Roster, Team
from scheduler.roster.report import MIN_SHARED_HOURS, QueueTrade, Unattended, trade_pairs

# a contact of each channel, as the line names it
CONTACT_WORDS = {"voice": "call", "chat": "chat", "email": "an email", "social": "a message"}
CONTACTS_WORDS = {"voice": "calls", "chat": "chats", "email": "emails", "social": "messages"}


def shared_hours(team: Team, roster: Roster, live: str, other: str) -> float:
    """Hours that agents skilled for both `live` and `other` spent on `other` in the roster."""
    both = {a.id for a in team.agents if live in a.skills and other in a.skills}
    return sum(
        (span.end_utc - span.start_utc).total_seconds() / 3600
        for shift in roster.shifts
        if shift.agent_id in both
        for span in shift.queue_spans()
        if span.queue == other
    )


def tradeoff_lines(
    team: Team,
    service_level: dict[str, float],
    roster: Roster,
    days_below: Mapping[str, Sequence[date]] | None = None,
    trades: Sequence[QueueTrade] = (),
) -> list[str]:
    """One line per live queue below its target while another queue is above its own and agents who
    could work the live one spent time on that one: what moving that time would do (`trades`, the
    report's measure, where given), which weights made the roster choose so, and which one to change
    (none under the "headcount" objective, which prices agents short, not contacts). `days_below`
    names the days each queue is below its target: a queue above its target over the week may still
    be below it on some days, which giving its agents away would make worse."""
    if team.weights.objective != "service_level":
        return []
    out = []
    measured = {(t.live, t.other): t for t in trades}
    for live, queue in trade_pairs(team, service_level):
        other, level, other_level = queue.name, service_level[live.name], service_level[queue.name]
        both = sum(1 for a in team.agents if live.name in a.skills and other in a.skills)
        if both == 0 or shared_hours(team, roster, live.name, other) < MIN_SHARED_HOURS:
            continue
        why = _live_weights(team, live, queue) if queue.is_live else _async_weights(team, live, queue)
        trade = measured.get((live.name, other))
        if trade is not None and _losing(trade, live, queue):
            why = f"{_trade_words(trade, live)}: the roster keeps {other} on target ({_lever(team, live, queue)})"
        elif trade is not None:
            why = f"{_trade_words(trade, live)}; {why}"
        out.append(
            f"{live.name} is below its target ({level:.0%} against {live.service_level:.0%}) while "
            f"{other} is above its own ({other_level:.0%} against {queue.service_level:.0%}), and "
            f"{both} agent{'s' if both != 1 else ''} can work both: {why}"
            + _worse_on(other, (days_below or {}).get(other, ()))
        )
    return out


def _losing(trade: QueueTrade, live: QueueSpec, other: QueueSpec) -> bool:
    """Whether moving the time would leave both queues below their targets."""
    return trade.other_level < other.service_level and trade.live_level < live.service_level


def _lever(team: Team, live: QueueSpec, other: QueueSpec) -> str:
    """The weight to change to make the trade anyway."""
    mine = _missed(team, live)
    if other.is_live:
        return f"to trade anyway, give {live.name} a missed_contact of its own above {mine} in the team file"
    return (
        f"to trade anyway, lower the team's weight late_contact_hour: {team.weights.late_contact_hour} points "
        f"an hour {CONTACT_WORDS[other.channel]} waits past its deadline, against {mine} each "
        f"{CONTACT_WORDS[live.channel]} not answered in time"
    )


def _trade_words(trade: QueueTrade, live: QueueSpec) -> str:
    """What moving the shared time would do, as the report measures it."""
    return (
        f"the {trade.hours:.0f} agent-h they spend on {trade.other} while {live.name} takes "
        f"{CONTACTS_WORDS[live.channel]}, on {live.name} instead (this trade alone), would take {live.name} "
        f"to {trade.live_level:.0%} and {trade.other} to {trade.other_level:.0%}"
    )


def _async_weights(team: Team, live: QueueSpec, other: QueueSpec) -> str:
    """Why the roster keeps agents on an async queue: its weight against the live queue's."""
    w = team.weights
    return (
        f"the roster counts each hour {CONTACT_WORDS[other.channel]} on {other.name} waits past its deadline "
        f"at {w.late_contact_hour} points and each {CONTACT_WORDS[live.channel]} on {live.name} not "
        f"answered in time at {_missed(team, live)} (the team's weights late_contact_hour and "
        f"missed_contact); lower late_contact_hour to give {live.name} more of their time"
    )


def _live_weights(team: Team, live: QueueSpec, other: QueueSpec) -> str:
    """Why the roster keeps agents on another live queue: a contact missed costs alike on both, so the
    queue with more contacts keeps them; the per-queue weight or the objective that changes it."""
    mine = _missed(team, live)
    return (
        f"the roster counts each {CONTACT_WORDS[other.channel]} on {other.name} not answered in time at "
        f"{_missed(team, other)} points and each {CONTACT_WORDS[live.channel]} on {live.name} at {mine}, so "
        f"an agent who can work both goes where an hour saves more of them, which can be {other.name} above its "
        f"target{_at_once(other)} (a target is not a limit in that count); give {live.name} a missed_contact "
        f"of its own above {mine} in the team file (e.g. {2 * mine}) to give it more of their time, or set "
        "weights objective: headcount to staff each queue to its own need"
    )


def _at_once(queue: QueueSpec) -> str:
    """', where an agent takes 2 at once' for a queue whose agents serve several contacts together."""
    if queue.concurrency <= 1:
        return ""
    return f", where an agent takes {queue.concurrency:g} {CONTACTS_WORDS[queue.channel]} at once"


def _missed(team: Team, queue: QueueSpec) -> int:
    """Points for a contact of a live queue not answered in time: its own weight, else the team's."""
    return team.weights.missed_contact if queue.missed_contact is None else queue.missed_contact


def _worse_on(queue: str, days: Sequence[date]) -> str:
    """The days an async queue above its target over the week is below it, as a warning."""
    if not days:
        return ""
    names = ", ".join(f"{d:%a}" for d in days)
    return f", though {queue} is below its own target on {names}, which that would make worse"


def unattended_lines(team: Team, unattended: Mapping[str, Unattended]) -> list[str]:
    """One line per live queue whose contacts come while nobody is on it (`RosterSummary.unattended`):
    how long and how many; where the lead has set no minimum, the setting that keeps it open; where
    they have, how much of that time agents who could take it were on which other queue (the weight
    that chose so) and how much nobody skilled for it was at work."""
    queues = {q.name: q for q in team.queues}
    out = []
    for name, u in unattended.items():
        queue = queues[name]
        line = (
            f"nobody on {name} for {u.hours:.1f} h of the week while its {CONTACTS_WORDS[queue.channel]} "
            f"come ({'under 1%' if u.share < 0.005 else f'{u.share:.0%}'} of them)"
        )
        if queue.min_agents == 0:
            line += (
                f"; to keep {name} open whenever they come, set min_agents: 1 on it in the team file "
                "(its time then comes from the other queues)"
            )
            out.append(line)
            continue
        line += f", below its min_agents of {queue.min_agents}"
        parts = []
        if u.skilled_busy_hours > 0:
            where = ", ".join(f"{other} {hours:.1f} h" for other, hours in u.skilled_elsewhere_hours.items())
            parts.append(
                f"in {u.skilled_busy_hours:.1f} h an agent who could take it was on another queue ({where}), "
                f"where the roster counted more saved than the {team.weights.below_min_agents_hour} points "
                f"an hour below min_agents costs (raise the team's weight below_min_agents_hour to keep "
                f"{name} open then, at those queues' cost)"
            )
        nobody = u.hours - u.skilled_busy_hours
        if nobody > 0:
            parts.append(
                f"in {nobody:.1f} h nobody skilled for {name} was at work (more agents skilled for it, "
                "or shifts at those hours, would cover them)"
            )
        out.append(line + ": " + "; ".join(parts))
    return out


def too_small_lines(required_hours: float, contract_hours: float, team: Team) -> list[str]:
    """A line when the agents' contracts, less the breaks their shifts have, cannot give the hours the
    targets need on the queues, however the week is rostered: the gap, and the fewest more agents of
    the team's usual contract that would close it (each giving its hours less breaks)."""
    share = team.shift_rules.on_queue_share()
    on_queues = contract_hours * share
    if required_hours <= 0 or on_queues >= required_hours:
        return []
    usual = team.usual_contract_hours()
    more = math.ceil((required_hours - on_queues) / max(usual * share, 1.0))
    after_breaks = f", {on_queues:.0f} h on the queues after breaks," if share < 1 else ""
    each = f" ({usual * share:.1f} h on the queues each)" if share < 1 else ""
    return [
        f"the team is too small for these targets: its contracts allow at most {contract_hours:.0f} h this "
        f"week{after_breaks} against {required_hours:.0f} agent-hours the targets need on the queues "
        f"({on_queues / required_hours:.0%}); meeting them takes at least {more} more "
        f"agent{'s' if more != 1 else ''} of {usual:.0f} h{each}, or lower targets"
    ]


def fragile_lines(team: Team, fragile: Mapping[str, tuple[float, float]], more: float) -> list[str]:
    """One line per queue planned at the edge of its target (`RosterSummary.fragile`): what a busier
    week than forecast (`more` times the contacts) would do to it, and the setting that buys a margin:
    the roster plans for the time it is given, so a shorter one than promised leaves room."""
    queues = {q.name: q for q in team.queues}
    out = []
    for name, (now, then) in fragile.items():
        queue = queues[name]
        margin = (
            f"plan it for less than its {queue.response_hours:g} h: a lower response_hours, against which "
            "its service is then counted"
            if not queue.is_live
            else f"plan it for less than its {queue.target_answer_s:g} s: a lower target_answer_s, against "
            "which its service is then counted"
        )
        out.append(
            f"{name} is planned at the edge of its target: {more - 1:.0%} more "
            f"{CONTACTS_WORDS[queue.channel]} than forecast would take it from {now:.0%} to {then:.0%} "
            f"(for a margin, {margin})"
        )
    return out

"""Why one queue is above its service-level target while another is below it, in a lead's words.

When the team cannot meet every target, the roster gives its multi-skilled agents' time to the
queue where the objective says it saves most. With the default service-level objective, a live
contact not answered in time costs `missed_contact` points and each hour an async contact (email,
social) waits past its deadline `late_contact_hour`: an email many hours late costs several missed
chats, so a short team keeps email on time first. That is a choice of weights, which the lead may
change in the team file; the summary says so where it shows: a live queue below its target beside
an async queue above its own, with agents skilled for both.
"""

from __future__ import annotations

from scheduler.domain import Team

# a queue counts as below (above) its target when its week's service level is this far under (over) it
TARGET_MARGIN = 0.05
# a contact of each channel, as the line names it
CONTACT_WORDS = {"voice": "call", "chat": "chat", "email": "an email", "social": "a message"}


def tradeoff_lines(team: Team, service_level: dict[str, float]) -> list[str]:
    """One line per live queue below its target while an async queue that agents also work is above
    its own: which weights made the roster choose so, and which one to change (none under the
    "headcount" objective, which prices agents short, not contacts)."""
    if team.weights.objective != "service_level":
        return []
    out = []
    queues = {q.name: q for q in team.queues}
    for live in team.queues:
        level = service_level.get(live.name)
        if not live.is_live or level is None or level >= live.service_level - TARGET_MARGIN:
            continue
        for other, other_level in service_level.items():
            queue = queues[other]
            if queue.is_live or other_level < queue.service_level + TARGET_MARGIN:
                continue
            both = sum(1 for a in team.agents if live.name in a.skills and other in a.skills)
            if both == 0:
                continue
            w = team.weights
            out.append(
                f"{live.name} is below its target ({level:.0%} against {live.service_level:.0%}) while "
                f"{other} is above its own ({other_level:.0%} against {queue.service_level:.0%}), and "
                f"{both} agent{'s' if both != 1 else ''} can work both: the roster counts each hour "
                f"{CONTACT_WORDS[queue.channel]} on {other} waits past its deadline at "
                f"{w.late_contact_hour} points and each {CONTACT_WORDS[live.channel]} on {live.name} not "
                f"answered in time at {w.missed_contact} (the team's weights late_contact_hour and "
                f"missed_contact); lower late_contact_hour to give {live.name} more of their time"
            )
    return out

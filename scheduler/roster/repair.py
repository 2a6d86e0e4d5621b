"""A re-roster that repairs: only the agents whose published week no longer keeps every rule (a sick
call, a late start, new time off) are re-rostered; everyone else keeps their published week as it
is, queue stretches and breaks included (`Problem.kept_agents`).

Re-rostering the whole team lets every published shift change where a change saves more than it
costs (`Weights.change_per_shift`), and a team far short of its targets finds such savings
everywhere: one late arrival changed 42 agent-days of a 14-agent week. A lead who has published a
roster has promised those shifts; they re-roster the whole team when they ask for it, and the
summary's cover options name who could cover what the repair leaves short.
"""

from __future__ import annotations

from dataclasses import replace

from scheduler.roster.problem import Problem
from scheduler.roster.validate import check_roster


def agents_to_repair(p: Problem) -> set[str]:
    """The agents whose published shifts break a rule of `p` (its availability and contracts now)."""
    if p.published is None:
        return set()
    return {v.agent_id for v in check_roster(p, p.published.shifts)}


def repair_line(p: Problem, reoptimize: str = "--reoptimize") -> str:
    """What a repair re-rostered, in words (`p` as `repair_only` made it; `reoptimize` names how the
    lead re-rosters every agent instead)."""
    repaired = sorted(a.name for a in p.team.agents if a.id not in p.kept_agents)
    if not repaired:
        return (
            "re-rostered nobody: nothing in the availability breaks the published week, so every agent "
            f"keeps their shifts; {reoptimize} re-rosters every agent against these requirements"
        )
    return (
        f"re-rostered {len(repaired)} agent{'s' if len(repaired) != 1 else ''} whose published week breaks a "
        f"rule now ({', '.join(repaired)}); everyone else keeps their shifts as published; {reoptimize} "
        "lets every agent's shifts change"
    )


def repair_only(p: Problem) -> Problem:
    """`p` with every agent not in `agents_to_repair` kept as published (`Problem.kept_agents`); `p`
    itself when nothing is published."""
    if p.published is None:
        return p
    repair = agents_to_repair(p)
    return replace(p, kept_agents=frozenset(a.id for a in p.team.agents if a.id not in repair))

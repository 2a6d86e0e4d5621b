"""Seeded weekly roster instances for `roster_quality.py`: teams, zones, skills, demand and time off.

Each instance is a `scheduler.roster.problem.Problem` built the way a lead would build one: a team of
agents in two or three zones with overlapping skills (some single-, some multi-skilled; full- and
part-time contracts), a synthetic forecast turned into agents per queue and interval by the
project's staffing step (`scheduler.staffing.requirements.compute_requirements`: Erlang C for voice, the
slot model for chat, the deadline backlog model for email), and a few agents' time off and
availability.

The forecast: users in the agents' regions, each on their own wall clock, contact the team during
their opening hours (07:00-21:00 on weekdays, 09:00-18:00 at weekends) with a late-morning and an
afternoon bump, quieter weekends and a seeded level per day; a queue may serve only some regions
(a phone line for one country). Each queue's volume is then scaled (bisection on one factor) so
that its required agent-hours are `load` x the team's capacity on it, where a multi-skilled
agent's capacity is shared equally among their queues. Capacity is an upper bound of the on-queue
agent-hours the team can work: per agent `min(max weekly hours, days they may work x longest
shift)` times the on-queue share of the longest shift (the shift less its breaks). A live queue
needs at least one agent whenever it has any contact, which sets a floor under small teams.

Breaks are modelled in the roster, so shrinkage is 0: the requirement is agents on the queue.

The sample team of `scheduler.sample` with its demo requirements (history -> forecast ->
requirements, as `wfm demo` makes them) is the fourth instance; it asks for more than its team
can work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.timegrid import PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, BreakRule, LabourRules, QueueSpec, ShiftRules, Team
from scheduler.roster.problem import Problem, problem_from_requirements, requirements_to_arrays
from scheduler.staffing.requirements import compute_requirements

INTERVAL_MINUTES = 15
SHRINKAGE = 0.0

QUEUES: dict[str, QueueSpec] = {
    "voice": QueueSpec(
        "voice", "voice", service_level=0.8, target_answer_s=20.0, aht_s=360.0, max_occupancy=0.85
    ),
    "chat": QueueSpec(
        "chat",
        "chat",
        service_level=0.8,
        target_answer_s=60.0,
        concurrency=2,
        aht_s=600.0,
        max_occupancy=0.85,
    ),
    "email": QueueSpec(
        "email", "email", service_level=0.9, response_hours=4.0, aht_s=480.0, max_occupancy=0.9
    ),
    "social": QueueSpec(
        "social", "social", service_level=0.9, response_hours=1.0, aht_s=300.0, max_occupancy=0.9
    ),
}

SHIFT_RULES = ShiftRules(
    lengths_hours=(8.0, 9.0),
    start_step_minutes=30,
    earliest_start_minute=6 * 60,
    latest_start_minute=14 * 60,
    breaks=(
        BreakRule("break", 15, 90, 150, min_shift_hours=6),
        BreakRule("lunch", 30, 210, 300, min_shift_hours=6),
        BreakRule("break", 15, 360, 420, min_shift_hours=8),
    ),
)
LABOUR_RULES = LabourRules(min_rest_hours=11.0, max_consecutive_days=6, min_days_off_per_week=2)
CALIBRATION_TOLERANCE = 0.005  # a queue's required agent-hours may exceed its target by this share
# users' local opening hours (contacts outside them are not modelled), weekdays and weekends
WEEKDAY_HOURS = (7.0, 21.0)
WEEKEND_HOURS = (9.0, 18.0)


@dataclass(frozen=True)
class UserRegion:
    """Users on one wall clock: busiest local hours and how much quieter their weekend is."""

    peak_hours: tuple[float, float]
    weekend_factor: float


USER_REGIONS: dict[str, UserRegion] = {
    "America/New_York": UserRegion((10.5, 15.0), 0.55),
    "Europe/Berlin": UserRegion((10.0, 15.5), 0.5),
    "Asia/Manila": UserRegion((11.0, 19.0), 0.7),
    "America/Phoenix": UserRegion((10.0, 20.0), 0.6),
    "Europe/Dublin": UserRegion((11.0, 21.0), 0.6),
}

# skill sets cycled over the agents (then shuffled): some single-skilled, some multi-skilled
SKILL_PATTERNS: dict[int, tuple[tuple[int, ...], ...]] = {
    2: ((0, 1), (0,), (0, 1), (1,), (0, 1)),
    3: ((0, 1), (0,), (1, 2), (0, 1, 2), (2,), (0, 2), (1,), (0, 1)),
}


@dataclass(frozen=True)
class InstanceSpec:
    """What a seeded weekly instance looks like before it is generated."""

    name: str
    n_agents: int
    team_tz: str
    first_day: date
    zones: tuple[tuple[str, float], ...]  # agent zone and its share of the agents
    queues: tuple[str, ...]
    load: float  # required agent-hours / capacity, per queue
    seed: int
    note: str = ""
    # queues that serve only some user regions (e.g. a phone line for one country); others serve all zones
    queue_regions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # users write in around the clock (social queues), not only in opening hours
    around_the_clock: bool = False


@dataclass(frozen=True)
class Instance:
    """A roster problem with what it is and how heavily it loads the team."""

    name: str
    problem: Problem
    note: str
    capacity_hours: float
    required_hours: float

    @property
    def load(self) -> float:
        """Required agent-hours over what the team can work on its queues."""
        return self.required_hours / self.capacity_hours


SPECS: tuple[InstanceSpec, ...] = (
    InstanceSpec(
        "week-12",
        12,
        "America/New_York",
        date(2026, 6, 15),
        (("America/New_York", 0.6), ("Europe/Berlin", 0.4)),
        ("voice", "chat"),
        0.88,
        seed=12,
        note="voice is a US line (New York users); chat serves both regions",
        queue_regions=(("voice", ("America/New_York",)),),
    ),
    InstanceSpec(
        "week-15",
        15,
        "America/New_York",
        date(2026, 9, 14),
        (("America/New_York", 0.5), ("Europe/Berlin", 0.3), ("Asia/Manila", 0.2)),
        ("voice", "chat", "email"),
        0.92,
        seed=15,
        note="voice is a US line; chat and email serve all three regions",
        queue_regions=(("voice", ("America/New_York",)),),
    ),
    InstanceSpec(
        "week-20-dst",
        20,
        "Europe/Berlin",
        date(2026, 10, 19),
        (("Europe/Berlin", 0.45), ("America/New_York", 0.3), ("Asia/Manila", 0.25)),
        ("voice", "chat", "email"),
        0.95,
        seed=20,
        note="DST week: Berlin leaves summer time on Sun 2026-10-25 (a 25-hour day, 676 quarter-hours)",
        queue_regions=(("voice", ("Europe/Berlin", "America/New_York")),),
    ),
)


def _zone_counts(n_agents: int, zones: tuple[tuple[str, float], ...]) -> list[str]:
    """Each agent's zone, by largest remainder on the zone shares, in zone order."""
    raw = [n_agents * share for _, share in zones]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(zones)), key=lambda i: counts[i] - raw[i])
    for i in by_remainder[: n_agents - sum(counts)]:
        counts[i] += 1
    return [tz for (tz, _), count in zip(zones, counts, strict=True) for _ in range(count)]


def _team(spec: InstanceSpec, rng: np.random.Generator) -> Team:
    queue_names = spec.queues
    patterns = SKILL_PATTERNS[len(queue_names)]
    cycled = [patterns[i % len(patterns)] for i in range(spec.n_agents)]
    order = rng.permutation(spec.n_agents)
    agents = []
    for i, tz in enumerate(_zone_counts(spec.n_agents, spec.zones)):
        skills = tuple(queue_names[k] for k in cycled[int(order[i])])
        part_time = i % 5 == 4
        agents.append(
            Agent(
                id=f"a{i + 1:02d}",
                name=f"Agent {i + 1} ({tz.split('/')[-1].replace('_', ' ')})",
                tz=tz,
                skills=skills,
                min_hours_per_week=20.0 if part_time else 32.0,
                max_hours_per_week=24.0 if part_time else 40.0,
            )
        )
    return Team(
        name=f"Bench {spec.name}",
        tz=spec.team_tz,
        queues=tuple(QUEUES[q] for q in queue_names),
        agents=tuple(agents),
        interval_minutes=INTERVAL_MINUTES,
        shrinkage=SHRINKAGE,
        shift_rules=SHIFT_RULES,
        labour_rules=LABOUR_RULES,
    )


def _availability(team: Team, week: PlanningWeek, rng: np.random.Generator) -> tuple[AvailabilityEntry, ...]:
    """Time off for two agents, a recurring unavailable evening, a late-only day, a preference, an avoid."""
    picks = [team.agents[int(i)] for i in rng.permutation(len(team.agents))[:6]]
    vacation_day = int(rng.integers(0, 5))
    single_day = int(rng.integers(0, 7))
    entries = [
        *(
            AvailabilityEntry(
                picks[0].id, "time_off", on_date=week.first_day + timedelta(days=vacation_day + k)
            )
            for k in range(2)
        ),
        AvailabilityEntry(picks[1].id, "time_off", on_date=week.first_day + timedelta(days=single_day)),
        AvailabilityEntry(
            picks[2].id,
            "unavailable",
            18 * 60,
            24 * 60,
            weekday=int(rng.integers(0, 5)),
            note="evening class",
        ),
        AvailabilityEntry(
            picks[3].id,
            "available",
            10 * 60,
            24 * 60,
            on_date=week.first_day + timedelta(days=int(rng.integers(7))),
        ),
        AvailabilityEntry(picks[4].id, "preferred", 6 * 60, 15 * 60, weekday=int(rng.integers(0, 5))),
        AvailabilityEntry(
            picks[5].id, "avoid", 0, 9 * 60, weekday=int(rng.integers(5, 7)), note="late weekends"
        ),
    ]
    return tuple(entries)


def agent_capacity_hours(
    team: Team, agent: Agent, entries: tuple[AvailabilityEntry, ...], week: PlanningWeek
) -> float:
    """Upper bound of the agent's on-queue hours in the week (see the module docstring)."""
    rules = team.shift_rules_of(agent)
    days_off = sum(1 for d in week.days if any(e.kind == "time_off" and e.applies_to(d) for e in entries))
    days = min(len(week.days) - team.labour_rules_of(agent).min_days_off_per_week, len(week.days) - days_off)
    longest_minutes = round(max(rules.lengths_hours) * 60)
    break_minutes = sum(b.duration_minutes for b in rules.breaks_for(longest_minutes))
    on_queue_share = 1 - break_minutes / longest_minutes
    return min(agent.max_hours_per_week, days * longest_minutes / 60) * on_queue_share


def queue_capacity_hours(
    team: Team, entries: tuple[AvailabilityEntry, ...], week: PlanningWeek
) -> dict[str, float]:
    """The team's capacity on each queue, a multi-skilled agent's shared equally among their queues."""
    out = {q.name: 0.0 for q in team.queues}
    for agent in team.agents:
        hours = agent_capacity_hours(team, agent, tuple(e for e in entries if e.agent_id == agent.id), week)
        for skill in agent.skills:
            out[skill] += hours / len(agent.skills)
    return out


def _shape(
    ds: pd.DatetimeIndex, tz: str, region: UserRegion, day_factors: np.ndarray, around_the_clock: bool = False
) -> np.ndarray:
    """Relative contact rate per interval of users on `tz`'s wall clock; 0 outside opening hours
    (unless they write in around the clock: then a night's trickle)."""
    local = ds.tz_convert(tz)
    hour = np.asarray(local.hour + local.minute / 60, dtype=float)
    weekend = np.asarray(local.day_of_week) >= 5
    bumps = sum(np.exp(-0.5 * ((hour - peak) / 2.3) ** 2) for peak in region.peak_hours)
    opens = np.where(weekend, WEEKEND_HOURS[0], WEEKDAY_HOURS[0])
    closes = np.where(weekend, WEEKEND_HOURS[1], WEEKDAY_HOURS[1])
    is_open = ((hour >= opens) & (hour < closes)) | around_the_clock
    day_index = np.asarray(
        (local.normalize().tz_localize(None) - local[0].normalize().tz_localize(None)).days
    )
    level = np.where(weekend, region.weekend_factor, 1.0) * day_factors[np.clip(day_index, 0, 7)]
    return np.asarray(np.where(is_open, 0.05 + np.asarray(bumps), 0.0) * level, dtype=float)


def _served_regions(spec: InstanceSpec, queue: str) -> tuple[str, ...]:
    """The user regions a queue serves: its own list in the spec, else every agent zone."""
    for name, regions in spec.queue_regions:
        if name == queue:
            return regions
    return tuple(tz for tz, _ in spec.zones)


def _forecast(
    spec: InstanceSpec, week: PlanningWeek, rng: np.random.Generator, region_weights: dict[str, float]
) -> pd.DataFrame:
    """A forecast frame (`queue`, `region`, `ds`, `mean`, `aht_s`) with one weekly contact per queue."""
    ds = week.grid.starts()
    frames = []
    for queue in spec.queues:
        regions = _served_regions(spec, queue)
        total = sum(region_weights[tz] for tz in regions)
        for tz in regions:
            day_factors = rng.uniform(0.9, 1.1, size=8)
            shape = _shape(ds, tz, USER_REGIONS[tz], day_factors, spec.around_the_clock)
            frames.append(
                pd.DataFrame(
                    {
                        "queue": queue,
                        "region": tz,
                        "ds": ds,
                        "mean": region_weights[tz] / total * shape / shape.sum(),
                        "aht_s": QUEUES[queue].aht_s,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _calibrated(
    forecast: pd.DataFrame, team: Team, week: PlanningWeek, target_hours: dict[str, float]
) -> pd.DataFrame:
    """The forecast with each queue's volume scaled so its required agent-hours meet `target_hours`."""
    hours_per_interval = week.interval_minutes / 60
    parts = []
    for queue, target in target_hours.items():
        rows = forecast[forecast["queue"] == queue]

        def hours_at(scale: float, rows: pd.DataFrame = rows, queue: str = queue) -> float:
            frame = compute_requirements(rows.assign(mean=rows["mean"] * scale), team)
            need = requirements_to_arrays(frame, team, week)[queue]
            return float(need.sum()) * hours_per_interval

        low, high = 0.0, 100.0
        while (at_high := hours_at(high)) < target:
            low, high = high, high * 2
        for _ in range(18):
            if at_high <= target * (1 + CALIBRATION_TOLERANCE):
                break
            middle = (low + high) / 2
            at_middle = hours_at(middle)
            if at_middle < target:
                low = middle
            else:
                high, at_high = middle, at_middle
        parts.append(rows.assign(mean=rows["mean"] * high))
    return pd.concat(parts, ignore_index=True)


def weekly_instance(spec: InstanceSpec) -> Instance:
    """The instance `spec` describes; the same spec always gives the same problem."""
    rng = np.random.default_rng(spec.seed)
    team = _team(spec, rng)
    week = PlanningWeek(spec.first_day, spec.team_tz, INTERVAL_MINUTES)
    entries = _availability(team, week, rng)
    zone_agents = [a.tz for a in team.agents]
    noise = rng.uniform(0.85, 1.15, size=len(spec.zones))
    region_weights = {tz: zone_agents.count(tz) * f for (tz, _), f in zip(spec.zones, noise, strict=True)}
    capacity = queue_capacity_hours(team, entries, week)
    targets = {q: spec.load * capacity[q] for q in spec.queues}
    forecast = _calibrated(_forecast(spec, week, rng, region_weights), team, week, targets)
    frame = compute_requirements(forecast, team)
    problem = problem_from_requirements(team, week, frame, entries)
    return Instance(spec.name, problem, spec.note, sum(capacity.values()), required_agent_hours(problem))


def required_agent_hours(p: Problem) -> float:
    """Agent-hours the requirement asks for (the fractional need, as the report counts it)."""
    hours_per_interval = p.week.interval_minutes / 60
    return sum(float(np.asarray(r, dtype=float).sum()) for r in p.required.values()) * hours_per_interval


def sample_instance() -> Instance:
    """The sample Creator Support team with the requirements `wfm demo` computes for its week."""
    from api.cli import DEMO_WEEK
    from forecasting import forecast_week
    from scheduler.sample import sample_availability, sample_history, sample_team
    from scheduler.staffing.requirements import with_lead_in

    team = sample_team()
    week = PlanningWeek(DEMO_WEEK, team.tz, team.interval_minutes)
    entries = sample_availability(team, DEMO_WEEK)
    history = sample_history(DEMO_WEEK)
    frame = compute_requirements(with_lead_in(forecast_week(history, week), history, team), team)
    problem = problem_from_requirements(team, week, frame, entries)
    capacity = sum(queue_capacity_hours(team, entries, week).values())
    return Instance(
        "sample-14",
        problem,
        f"scheduler.sample team, demo week {DEMO_WEEK} (requirements as `wfm demo` makes them)",
        capacity,
        required_agent_hours(problem),
    )


# Follow the sun: social queues open around the clock, agents in Phoenix (no DST), Manila (no
# DST) and Dublin (leaves summer time on Sun 2026-10-25), part-timers among them; a team of 13
# and one of 60 (the largest the engine plans for within the same time limits).
SUN_ZONES = (("America/Phoenix", 0.5), ("Asia/Manila", 0.25), ("Europe/Dublin", 0.25))
SUN_SPECS: tuple[InstanceSpec, ...] = (
    InstanceSpec(
        "sun-13-dst",
        13,
        "America/Phoenix",
        date(2026, 10, 19),
        SUN_ZONES,
        ("chat", "social"),
        0.9,
        seed=13,
        note="24/7 chat and social, agents in Phoenix, Manila and Dublin; Dublin changes clocks on Sunday",
        around_the_clock=True,
    ),
    InstanceSpec(
        "sun-60",
        60,
        "America/Phoenix",
        date(2026, 10, 26),
        SUN_ZONES,
        ("voice", "chat", "social"),
        0.9,
        seed=60,
        note="60 agents, 24/7 voice, chat and social in three zones",
        around_the_clock=True,
    ),
)
FAMILIES: dict[str, tuple[str, ...]] = {
    "weeks": (*(s.name for s in SPECS), "sample-14"),
    "sun": tuple(s.name for s in SUN_SPECS),
}


def all_instances(names: tuple[str, ...] | None = None) -> list[Instance]:
    """The seeded weekly instances and the sample team (or only those named, from any family), in a
    fixed order."""
    wanted = names or FAMILIES["weeks"]
    out = [weekly_instance(s) for s in (*SPECS, *SUN_SPECS) if s.name in wanted]
    if "sample-14" in wanted:
        out.append(sample_instance())
    return out

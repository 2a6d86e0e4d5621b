"""What the agents on each queue give the customers, and what that is worth to the roster objective.

Coverage is counted per interval as `on[t, g, q]`: agents of skill group g (the team's queues an
agent may work) on queue q in interval t, each on the queue their queue stretch says. One
definition serves the roster search, the CP-SAT model (as a relaxation), the checker's report and
the scenarios:

- **Live queues** (voice, chat): the agents on the queue answer its contacts; the service they give
  is the staffing step's (`scheduler.staffing.service_metrics`: Erlang C/A, chat slots, the
  queue's shrinkage taken from the agents as a fractional count). The objective counts the
  contacts expected not to be answered within target (`objective: service_level`, the default),
  or the agents short of the fractional need (`objective: headcount`).
- **Blended agents**: an agent on a live queue who is also skilled for async queues answers those
  between live contacts. The agents present on a live queue are each busy `load / present` of the
  time on average; the rest, up to the async queue's occupancy cap, works the async backlog (split
  between several async skills in proportion to the work arriving on each). So one agent skilled
  for quiet chat and email covers chat's "someone logged in" floor and works email too, and never
  gives more than one agent's time in all.
- **Async queues** (email, social): the backlog model of the staffing step
  (`scheduler.staffing.backlog.async_outcome`: oldest first, with the contacts carried in from
  before the week) worked by the agents on the queue (their occupancy cap of each interval, less
  shrinkage) and the blended time. The objective counts the work left past its deadline, in
  contact-hours overdue (`service_level`), or the agents short of the fractional need
  (`headcount`). `gains` prices one more agent interval by interval, each interval alone;
  `BacklogSavings` prices a stretch of an agent's time through the backlog together (what a shift
  really saves, where the intervals' savings added up would count the same overdue work again).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from common.timegrid import Grid
from scheduler.domain import QueueSpec, Roster, Shift, Weights
from scheduler.roster.problem import Problem, SkillGroup, open_intervals, skill_group
from scheduler.staffing.backlog import AsyncOutcome, async_outcome, tail_due_work
from scheduler.staffing.erlang import traffic_erlangs, whole_agents
from scheduler.staffing.queues import service_metrics


def on_queue_intervals(shift: Shift, grid: Grid) -> dict[str, np.ndarray]:
    """Per queue, the grid intervals the shift's agent is on it: inside its stretch, touching no break."""
    gaps = [(b.start_utc, b.end_utc) for b in shift.breaks]
    out: dict[str, np.ndarray] = {}
    for span in shift.queue_spans():
        found = grid.intervals_within(span.start_utc, span.end_utc, gaps)
        out[span.queue] = np.concatenate([out[span.queue], found]) if span.queue in out else found
    return out


def counted(p: Problem, roster: Roster, demand: Demand) -> np.ndarray:
    """Agents of each skill group on each queue in each interval of `demand` (the week, and its
    lead-out where it has one), `(intervals, groups, queues)`."""
    groups = list(demand.groups)
    names = [q.name for q in p.team.queues]
    grid = replace(p.week.grid, n_intervals=demand.n_intervals)
    on = np.zeros((grid.n_intervals, len(groups), len(names)), dtype=np.int64)
    for shift in roster.shifts:
        group = skill_group(p, p.team.agent(shift.agent_id))
        if group not in groups:
            continue
        for queue, intervals in on_queue_intervals(shift, grid).items():
            if queue in names:
                np.add.at(on[:, groups.index(group), names.index(queue)], intervals, 1)
    return on


def carried_on(p: Problem, demand: Demand) -> np.ndarray:
    """Agents of each skill group on each queue in each interval from last week's shifts that run on
    into this week (`p.previous`; a Saturday evening shift that ends after midnight), as `counted`.

    They are cover the week has whatever its roster is: the search, the model and the report count
    them, so the week's first hours are not planned, or reported, as if nobody were there. The rest
    rules keep an agent's shifts apart, so none is counted twice with the week's own."""
    if p.previous is None:
        return np.zeros((demand.n_intervals, len(demand.groups), len(p.team.queues)), dtype=np.int64)
    team = {a.id for a in p.team.agents}
    start = p.week.grid.starts()[0]
    running_on = tuple(s for s in p.previous.shifts if s.agent_id in team and s.end_utc > start)
    return counted(p, replace(p.previous, shifts=running_on), demand)


def skill_groups(p: Problem) -> list[SkillGroup]:
    """The skill groups of the team's agents (the team queues each may work), in a fixed order."""
    return sorted({skill_group(p, a) for a in p.team.agents if skill_group(p, a)}, key=sorted)


@dataclass(frozen=True)
class QueueDemand:
    """One queue's week: contacts, handle time, the fractional need (scheduled agents) and what an
    agent on it gives."""

    queue: QueueSpec
    index: int  # the queue's position in `Demand.queues`
    need: np.ndarray  # fractional scheduled agents needed per interval (the requirement)
    keep: float  # 1 less the queue's shrinkage: the share of a scheduled agent's time productive
    volume: np.ndarray | None  # contacts per interval (None: no forecast, so headcount only)
    aht_s: np.ndarray
    # live: the busy agents the offered load takes (traffic over concurrency)
    load: np.ndarray
    # live: expected contacts not answered within target with c scheduled agents, c = 0..cap
    missed: np.ndarray | None
    # async: contacts waiting at the start by the interval they fall due
    carried_in: np.ndarray
    capacity_per_agent_s: float  # async: work one present agent does in an interval
    # async: work due by the end of each interval after the week (`backlog.tail_due_work`): what is
    # still waiting when the week ends is past its deadline there, so it is not free to leave
    tail_due_work_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # live: whether the queue is closed in each interval (`QueueSpec.open_hours`, `open_days`; the
    # lead-out's as the week's first hours); empty: open throughout
    closed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def is_live(self) -> bool:
        """Customers wait on the line."""
        return self.queue.is_live

    @property
    def by_service(self) -> bool:
        """Whether its objective is the service it gets (a forecast volume is known)."""
        return self.volume is not None


@dataclass(frozen=True)
class Demand:
    """Every queue's week, the skill groups and the weights the objective counts with."""

    queues: tuple[QueueDemand, ...]
    groups: tuple[SkillGroup, ...]
    weights: Weights
    interval_s: float
    # per live queue index, per group index, per async queue index: the share of the group's spare
    # time on the live queue that goes to that async queue in each interval (0 where not skilled)
    blend_share: dict[tuple[int, int, int], np.ndarray] = field(default_factory=dict)
    # points per agent-second of work overdue at an interval's end, per async queue index
    late_points_per_work_s: dict[int, float] = field(default_factory=dict)
    # with a lead-out (`planning_demand`): the week's intervals (0: no lead-out)
    week_intervals: int = 0

    @property
    def lead_out(self) -> int:
        """Intervals after the week's (0 without a lead-out)."""
        return self.n_intervals - self.week_intervals if self.week_intervals else 0

    @property
    def n_intervals(self) -> int:
        """Intervals of the week (and of its lead-out, which only live queues have: `planning_demand`)."""
        return max((int(d.need.size) for d in self.queues), default=0)

    @property
    def by_service(self) -> bool:
        """Whether the objective is the service given (else agents short of the need)."""
        return self.weights.objective == "service_level"

    def skilled(self, g: int, q: int) -> bool:
        """Whether skill group g may work queue q."""
        return self.queues[q].queue.name in self.groups[g]


def _missed_table(
    p: Problem, queue: QueueSpec, volume: np.ndarray, aht_s: np.ndarray, cap: int
) -> np.ndarray:
    """Contacts not answered within target with 0..cap scheduled agents, per interval, as the
    objective counts them: the expected contacts answered are replaced by their least concave
    majorant over the agents (exact where the Erlang curve is concave, around and above the need;
    below it, where the queue cannot keep up, each agent is worth the average of the ones it takes
    to catch up), so every agent added is worth no more than the one before and the first ones are
    worth something even in a queue far behind. The curve is drawn past `cap` to where the queue
    catches up, so a team too small ever to catch up still finds each agent worth that average."""
    reach = max(cap, _catching_up(p, queue, volume, aht_s))
    agents = np.arange(reach + 1)[:, None] * np.ones((1, volume.size), dtype=np.int64)
    report = service_metrics(
        agents,
        np.broadcast_to(volume, agents.shape),
        np.broadcast_to(aht_s, agents.shape),
        queue,
        interval_s=p.week.grid.interval_s,
        shrinkage=p.team.shrinkage_of(queue),
    )
    answered = _concave_majorant((volume[None, :] * report.service_level).T)[:, : cap + 1]
    return np.asarray(np.maximum(volume[:, None] - answered, 0.0), dtype=np.float64)


def _catching_up(p: Problem, queue: QueueSpec, volume: np.ndarray, aht_s: np.ndarray) -> int:
    """Agents past which a live queue's busiest interval answers within target as a queue that keeps
    up does (its Erlang curve concave from there): the busy agents its load takes, and three
    standard deviations of it more (a few agents for a quiet queue)."""
    concurrency = queue.concurrency if queue.channel == "chat" else 1
    load = float(traffic_erlangs(volume, aht_s, p.week.grid.interval_s).max(initial=0.0)) / concurrency
    return int(np.ceil(load + 3.0 * np.sqrt(load))) + 2


def _concave_majorant(values: np.ndarray) -> np.ndarray:
    """The least concave majorant of each row of `values` over its columns 0..k-1."""
    out = values.astype(float).copy()
    k = values.shape[1]
    for row in out:
        hull: list[int] = []
        for x in range(k):
            while len(hull) >= 2:
                a, b = hull[-2], hull[-1]
                if (row[b] - row[a]) * (x - a) <= (row[x] - row[a]) * (b - a):
                    hull.pop()
                else:
                    break
            hull.append(x)
        for a, b in pairwise(hull):
            row[a : b + 1] = row[a] + (row[b] - row[a]) * (np.arange(a, b + 1) - a) / (b - a)
    return out


def demand_of(p: Problem) -> Demand:
    """The week's demand, as the report measures a roster."""
    return _demand(p, lead_out=0)


def planning_demand(p: Problem) -> Demand:
    """The week's demand and its lead-out, as the roster objective sees it: the week's intervals and,
    after them, the first `Problem.lead_out_intervals` of next week, which the week's last shifts run
    into. Next week's live queues are taken to need what this week's first hours need, and this week's
    agents still there count on top of next week's own (`next_weeks_own`): so a Sunday night shift is
    worth its hours after midnight, as next Monday's roster will count them (`carried_on`). Async
    queues keep the week's intervals: their backlog after the week is priced as due work left
    (`tail_due_work_s`), and time on them there counts nothing."""
    return _demand(p, lead_out=p.lead_out_intervals())


def _next_week(values: np.ndarray, lead_out: int) -> np.ndarray:
    """`values` over the week and its lead-out: the week's first hours again."""
    return np.concatenate([values, np.resize(values, lead_out)]).astype(float)


def _demand(p: Problem, lead_out: int) -> Demand:
    """The week's demand, with `lead_out` intervals of next week after it (`planning_demand`)."""
    n = p.week.grid.n_intervals
    interval_s = float(p.week.grid.interval_s)
    groups = skill_groups(p)
    queues = []
    for index, queue in enumerate(p.team.queues):
        skilled = sum(1 for a in p.team.agents if queue.name in a.skills)
        keep = 1.0 - p.team.shrinkage_of(queue)
        known = queue.name in p.volume
        after = lead_out if queue.is_live else 0  # an async queue's lead-out counts nothing
        volume = _next_week(np.asarray(p.volume[queue.name], dtype=float), after) if known else None
        aht = _next_week(p.aht_of(queue) if known else np.full(n, queue.aht_s), after)
        load = np.zeros(n + after)
        if queue.is_live and volume is not None:
            concurrency = queue.concurrency if queue.channel == "chat" else 1
            load = traffic_erlangs(volume, aht, interval_s) / concurrency
        carried = np.asarray(p.carried_in.get(queue.name, np.zeros(n)), dtype=float)
        queues.append(
            QueueDemand(
                queue=queue,
                index=index,
                need=_next_week(np.asarray(p.required.get(queue.name, np.zeros(n)), dtype=float), after),
                keep=keep,
                volume=volume,
                aht_s=aht,
                load=load,
                missed=_missed_table(p, queue, volume, aht, skilled)
                if queue.is_live and volume is not None
                else None,
                carried_in=carried,
                capacity_per_agent_s=queue.max_occupancy * interval_s,
                tail_due_work_s=_tail_due(p, queue, volume, aht, carried),
                closed=_closed(p, queue, after),
            )
        )
    demand = Demand(tuple(queues), tuple(groups), p.weights, interval_s)
    _blend_shares(demand)
    for d in demand.queues:
        if not d.is_live and d.volume is not None:
            work = float((d.volume * d.aht_s).sum() + (d.carried_in * d.aht_s).sum())
            contacts = float(d.volume.sum() + d.carried_in.sum())
            mean_aht = work / contacts if contacts > 0 else d.queue.aht_s
            demand.late_points_per_work_s[d.index] = (
                p.weights.late_contact_hour * (interval_s / 3600.0) / mean_aht
            )
    return replace(demand, week_intervals=n) if lead_out else demand


def _closed(p: Problem, queue: QueueSpec, lead_out: int) -> np.ndarray:
    """A live queue's closed intervals over the week and `lead_out` intervals of next week (empty for
    an async queue or one always open)."""
    if not queue.is_live or queue.always_open:
        return np.zeros(0, dtype=bool)
    closed = ~open_intervals(p.team, p.week, queue.name)
    return np.concatenate([closed, np.resize(closed, lead_out)])


def _tail_due(
    p: Problem, queue: QueueSpec, volume: np.ndarray | None, aht_s: np.ndarray, carried_in: np.ndarray
) -> np.ndarray:
    """An async queue's work due after the week (`backlog.tail_due_work`; none for a live queue or
    without a forecast)."""
    if queue.is_live or volume is None:
        return np.zeros(0)
    return tail_due_work(
        volume,
        aht_s,
        interval_s=float(p.week.grid.interval_s),
        response_hours=queue.response_hours,
        service_level=queue.service_level,
        carried_in_contacts=carried_in,
    )


def _blend_shares(demand: Demand) -> None:
    """Each group's share of spare live time for each async queue it may work, per interval: in
    proportion to the work arriving on each (equal shares where none arrives)."""
    asyncs = [d for d in demand.queues if not d.is_live]
    for live in (d for d in demand.queues if d.is_live):
        for g, group in enumerate(demand.groups):
            if live.queue.name not in group:
                continue
            mine = [d for d in asyncs if d.queue.name in group]
            if not mine:
                continue
            work = np.array([(d.volume * d.aht_s if d.volume is not None else d.need) + 1e-9 for d in mine])
            shares = work / work.sum(axis=0)
            after = live.need.size - shares.shape[1]  # the lead-out: equal shares (it counts nothing)
            shares = np.pad(shares, ((0, 0), (0, after)), constant_values=1.0 / len(mine))
            for d, share in zip(mine, shares, strict=True):
                demand.blend_share[(live.index, g, d.index)] = share


@dataclass(frozen=True)
class QueueOutcome:
    """What one queue gets in each interval: agents on it, the need, and the service given."""

    agents: np.ndarray  # scheduled agents on the queue (whole)
    blended_agents: np.ndarray  # async: agent time blended in from live queues (agents)
    short_agents: np.ndarray  # the need not covered (fractional agents; async: see `short_hours`)
    missed_contacts: np.ndarray  # live: expected contacts not answered within target
    overdue_work_s: np.ndarray  # async: work past its deadline at each interval's end
    backlog: AsyncOutcome | None
    points: np.ndarray  # the objective's points per interval


@dataclass(frozen=True)
class Outcome:
    """Every queue's outcome and the coverage points of the week."""

    queues: tuple[QueueOutcome, ...]

    @property
    def points(self) -> float:
        """The coverage part of the roster objective."""
        return float(sum(q.points.sum() for q in self.queues))


def short_points(short: np.ndarray, need: np.ndarray, w: Weights) -> np.ndarray:
    """Convex points of agents short (fractional): each further agent short costs more."""
    points = w.under_per_agent_interval * short
    for k in range(1, w.under_tiers):
        points = points + w.under_step_per_agent_interval * np.maximum(short - k, 0.0) * (need > k)
    return np.asarray(points, dtype=np.float64)


def missed_points(
    missed: np.ndarray, volume: np.ndarray, agents: np.ndarray, w: Weights, per_contact: int | None = None
) -> np.ndarray:
    """Points of `missed` contacts (of `volume`) not answered within target with `agents` on the
    queue in each interval: `per_contact` each (default the team's `missed_contact`; a queue's own
    `QueueSpec.missed_contact`), and `nobody_on_queue_contact` more for every contact where nobody is
    on it (convex in the agents, as the contacts missed are)."""
    nobody = np.where(agents <= 0, volume, 0.0)
    each = w.missed_contact if per_contact is None else per_contact
    return np.asarray(each * missed + w.nobody_on_queue_contact * nobody, dtype=np.float64)


def below_min_points(d: QueueDemand, agents: np.ndarray, rows: np.ndarray, demand: Demand) -> np.ndarray:
    """Points of a live queue below its `min_agents` with `agents` on it in the intervals `rows`: each
    agent-hour short of it costs `below_min_agents_hour` where the queue's contacts are forecast (or,
    without a forecast, where it needs anyone). Convex in the agents."""
    if d.queue.min_agents <= 0:
        return np.zeros(agents.size)
    comes = d.volume[rows] > 0 if d.volume is not None else d.need[rows] > 0
    below = np.maximum(d.queue.min_agents - agents, 0.0) * comes
    return np.asarray(demand.weights.below_min_agents_hour * below * demand.interval_s / 3600.0)


def closed_points(d: QueueDemand, agents: np.ndarray, rows: np.ndarray, w: Weights) -> np.ndarray:
    """Points of `agents` on a live queue in the intervals `rows` where it is closed: each agent there
    costs `closed_queue_per_agent_interval` (linear in the agents)."""
    if not d.closed.size:
        return np.zeros(agents.size)
    return np.asarray(w.closed_queue_per_agent_interval * agents * d.closed[rows], dtype=np.float64)


def live_points(
    d: QueueDemand, agents: np.ndarray, demand: Demand, at: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points and expected missed contacts of a live queue with `agents[t]` on it in interval t (or,
    with `at`, with each of `agents` on it in interval `at`)."""
    return _live_points_in(
        d, agents, demand, np.arange(agents.size) if at is None else np.full(agents.size, at)
    )


def _live_points_in(
    d: QueueDemand, agents: np.ndarray, demand: Demand, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`live_points` with `agents[k]` on the queue in interval `rows[k]`."""
    w = demand.weights
    need = d.need[rows]
    over = w.over_per_agent_interval * np.maximum(agents - whole_agents(need), 0.0)
    over = over + below_min_points(d, agents, rows, demand) + closed_points(d, agents, rows, w)
    if demand.by_service and d.missed is not None and d.volume is not None:
        capped = np.minimum(agents, d.missed.shape[1] - 1).astype(np.int64)
        missed = d.missed[rows, capped]
        return missed_points(missed, d.volume[rows], agents, w, d.queue.missed_contact) + over, missed
    return short_points(np.maximum(need - agents, 0.0), need, w) + over, np.zeros(agents.size)


def live_outcome(d: QueueDemand, agents: np.ndarray, demand: Demand) -> tuple[np.ndarray, np.ndarray]:
    """A live queue's points and missed contacts with `agents[t]` on it in interval t, as the roster
    objective counts them: in the week as `live_points` does; in the lead-out, with this week's agents
    still there on top of next week's own (`_lead_out_points`)."""
    n = demand.week_intervals
    if not demand.lead_out or agents.size <= n:
        return live_points(d, agents, demand)
    points, missed = live_points(d, agents[:n], demand)
    after, missed_after = _lead_out_points(d, agents[n:], demand)
    return np.concatenate([points, after]), np.concatenate([missed, missed_after])


def next_weeks_own(d: QueueDemand, demand: Demand) -> np.ndarray:
    """The agents next week's own roster is taken to put on a live queue in each interval of the
    lead-out: one fewer than its need (all of them where one is needed at most), so the first of this
    week's agents still there is worth what the last agent the need asks for is worth."""
    return np.maximum(whole_agents(d.need[demand.week_intervals :]) - 1, 0).astype(float)


def _lead_out_points(d: QueueDemand, tail: np.ndarray, demand: Demand) -> tuple[np.ndarray, np.ndarray]:
    """Points and missed contacts of the lead-out of a live queue with `tail` of this week's agents
    there on top of next week's own (`next_weeks_own`), counted as the week's intervals are."""
    own = next_weeks_own(d, demand)
    return _live_points_in(d, own + tail, demand, demand.week_intervals + np.arange(own.size))


def blended_seconds(demand: Demand, on: np.ndarray) -> np.ndarray:
    """Agent-seconds of work that agents on live queues give each async queue per interval, shaped
    (intervals, queues) (0 for live queues)."""
    out = np.zeros((on.shape[0], len(demand.queues)))
    for (live_index, g, async_index), share in demand.blend_share.items():
        live = demand.queues[live_index]
        target = demand.queues[async_index]
        agents = on[:, :, live_index].sum(axis=1).astype(float)
        present = agents * live.keep
        with np.errstate(divide="ignore", invalid="ignore"):
            busy = np.where(present > 0, live.load / present, 1.0)
        spare = np.maximum(target.queue.max_occupancy - busy, 0.0)
        out[:, async_index] += on[:, g, live_index] * live.keep * spare * demand.interval_s * share
    return out


def _async_outcome(d: QueueDemand, capacity_s: np.ndarray, demand: Demand) -> AsyncOutcome | None:
    if d.volume is None:
        return None
    return async_outcome(
        capacity_s,
        d.volume,
        d.aht_s,
        interval_s=demand.interval_s,
        response_hours=d.queue.response_hours,
        service_level=d.queue.service_level,
        carried_in_contacts=d.carried_in,
        tail_due_work_s=d.tail_due_work_s,
    )


def outcome(demand: Demand, on: np.ndarray) -> Outcome:
    """What the agents `on[t, g, q]` give every queue, and the points of it."""
    blended = blended_seconds(demand, on)
    out = []
    for d in demand.queues:
        agents = on[: d.need.size, :, d.index].sum(axis=1).astype(float)  # an async queue: the week
        if d.is_live:
            points, missed = live_outcome(d, agents, demand)
            short = np.maximum(d.need - agents, 0.0)
            out.append(
                QueueOutcome(
                    agents, np.zeros(agents.size), short, missed, np.zeros(agents.size), None, points
                )
            )
            continue
        given = blended[: d.need.size, d.index]
        capacity = agents * d.keep * d.capacity_per_agent_s + given
        equivalent = capacity / (d.keep * d.capacity_per_agent_s)
        blended_agents = given / (d.keep * d.capacity_per_agent_s)
        backlog = _async_outcome(d, capacity, demand) if demand.by_service else None
        if backlog is not None:
            overdue = backlog.overdue_work_s
            points = demand.late_points_per_work_s[d.index] * overdue
            # what is past its deadline after the week counts at its last interval
            points[-1:] += demand.late_points_per_work_s[d.index] * backlog.tail_overdue_s
        else:
            overdue = np.zeros(agents.size)
            points = short_points(np.maximum(d.need - equivalent, 0.0), d.need, demand.weights)
        short = np.maximum(d.need - equivalent, 0.0)
        out.append(
            QueueOutcome(agents, blended_agents, short, np.zeros(agents.size), overdue, backlog, points)
        )
    return Outcome(tuple(out))


def blend_shares(demand: Demand, on: np.ndarray, g: int) -> np.ndarray:
    """(intervals, live queue, async queue): the share of a present agent's time on each async queue
    that one more agent of skill group g on each live queue gives it by blending (their own spare
    time, and the spare time their answering contacts frees for the blended agents already there),
    at most one."""
    n, queues = on.shape[0], len(demand.queues)
    out = np.zeros((n, queues, queues))
    base = blended_seconds(demand, on)
    for d in demand.queues:
        if not d.is_live or not demand.skilled(g, d.index):
            continue
        more = on.copy()
        more[:, g, d.index] += 1
        extra = blended_seconds(demand, more) - base
        for r in demand.queues:
            if not r.is_live:
                out[:, d.index, r.index] = np.minimum(
                    extra[:, r.index] / (r.keep * r.capacity_per_agent_s), 1.0
                )
    return out


def gains(
    demand: Demand, on: np.ndarray, now: Outcome, g: int, blend: np.ndarray | None = None
) -> np.ndarray:
    """Points saved per interval by one more agent of skill group g on each queue, shaped
    (intervals, queues) (-inf where the group may not work the queue).

    Exact for a live queue's own points; for an async queue's, and for the time a blended agent
    gives one, what that capacity in that interval alone would cut of the work past its deadline
    at each later interval until the backlog runs dry (`AsyncOutcome.saving`).
    """
    n = on.shape[0]
    out = np.full((n, len(demand.queues)), -np.inf)
    blend = blend_shares(demand, on, g) if blend is None else blend
    backlogs = BacklogSavings(demand, now, blend)
    # points per interval a present agent's capacity would save
    saving = {q: backlogs.unit(q) for q in backlogs.queues()}
    for d, o in zip(demand.queues, now.queues, strict=True):
        if not demand.skilled(g, d.index):
            continue
        if d.is_live:
            points, _ = live_outcome(d, o.agents + 1, demand)
            blended = sum((blend[:, d.index, r] * saving[r] for r in saving), np.zeros(n))
            out[:, d.index] = o.points - points + blended
        elif d.index in saving:
            out[:, d.index] = saving[d.index]
        else:  # by headcount; after the week (a live queue's lead-out), nothing
            agents = o.agents + 1 + o.blended_agents
            points = short_points(np.maximum(d.need - agents, 0.0), d.need, demand.weights)
            out[:, d.index] = 0.0
            out[: d.need.size, d.index] = o.points - points
    return out


SAVING_BATCH_INTERVALS = 96  # `BacklogSavings.saving` prices rows starting in the same 96 intervals together


@dataclass(frozen=True)
class BacklogSavings:
    """What an agent's time on the async queues saves, counted through each queue's backlog against
    the rest of the roster (`now`): time on the queue itself, and the spare time an agent on a live
    queue gives it by blending (`blend`, from `blend_shares` for the agent's skill group).

    `gains` prices each interval alone: the overdue work that capacity would cut until the backlog
    runs dry. Added up over a shift, that counts the same overdue work once per interval, so a
    shift that clears a small backlog in its first hour looks worth eight hours of clearing. Here
    the agent's time in many intervals at once goes through the backlog model together, so a
    stretch of time is worth exactly what it saves.
    """

    demand: Demand
    now: Outcome
    blend: np.ndarray  # (intervals, live queue, async queue)

    def queues(self) -> list[int]:
        """The async queues whose backlog prices their time (not those priced by headcount)."""
        return [
            d.index for d, o in zip(self.demand.queues, self.now.queues, strict=True) if _has_backlog(d, o)
        ]

    def unit(self, q: int) -> np.ndarray:
        """Points a whole present agent's time on backlog queue `q` saves in each interval alone (as
        `gains` prices it)."""
        d, o = self.demand.queues[q], self.now.queues[q]
        assert o.backlog is not None
        unit = self.demand.late_points_per_work_s[q] * o.backlog.saving(d.keep * d.capacity_per_agent_s)
        return np.pad(unit, (0, self.demand.n_intervals - unit.size))  # nothing after the week

    def saving(self, q: int, present: np.ndarray) -> np.ndarray:
        """Points saved on backlog queue `q` by one more agent's time, `present[b, t]` of a whole
        present agent's in interval t, for each row b of `present` ((rows, intervals)).

        Rows whose time starts within the same `SAVING_BATCH_INTERVALS` are priced together, from
        the earliest of them on (nothing changes before it) until the backlog next runs dry after
        the last of them (from there on the backlog is as it was)."""
        d, o = self.demand.queues[q], self.now.queues[q]
        assert o.backlog is not None
        full_s = d.keep * d.capacity_per_agent_s
        late = self.demand.late_points_per_work_s[q]
        present = present[:, : d.need.size]  # time after the week saves nothing here
        out = np.zeros(present.shape[0])
        given = present > 0
        rows = np.flatnonzero(given.any(axis=1))
        first = given[rows].argmax(axis=1)
        last = present.shape[1] - 1 - given[rows, ::-1].argmax(axis=1)
        batch = first // SAVING_BATCH_INTERVALS
        # from each interval on, the week's end and after it included
        overdue_after = np.concatenate(
            [np.cumsum(o.overdue_work_s[::-1])[::-1] + o.backlog.tail_overdue_s, [0.0]]
        )
        for b in np.unique(batch):
            together = batch == b
            mine = rows[together]
            start = int(first[together].min())
            stop = int(o.backlog.next_dry[int(last[together].max())]) + 1
            overdue = o.backlog.overdue_with_more(full_s * present[mine, start:stop], start)
            out[mine] = late * (overdue_after[start] - overdue_after[stop] - overdue)
        return out


def _has_backlog(d: QueueDemand, o: QueueOutcome) -> bool:
    return not d.is_live and o.backlog is not None


def arrived_work(d: QueueDemand) -> np.ndarray:
    """Work arrived by each interval's end (agent-seconds), the carried-in work included."""
    assert d.volume is not None
    return np.asarray((d.carried_in * d.aht_s).sum() + np.cumsum(d.volume * d.aht_s), dtype=np.float64)


def coverage_penalties(result: Outcome, demand: Demand) -> dict[str, float]:
    """The coverage points by what they measure."""
    out: dict[str, float] = {}
    w = demand.weights
    for d, o in zip(demand.queues, result.queues, strict=True):
        if d.is_live:
            over = w.over_per_agent_interval * float(np.maximum(o.agents - whole_agents(d.need), 0.0).sum())
            closed = float(closed_points(d, o.agents, np.arange(o.agents.size), w).sum())
            if closed:
                name = "agents on a queue while it is closed (points)"
                out[name] = out.get(name, 0.0) + closed
            name = (
                "contacts not answered within target (points)"
                if demand.by_service and d.missed is not None
                else "agents short of the need (points)"
            )
            out[name] = out.get(name, 0.0) + float(o.points.sum()) - over - closed
            out["overstaffed agent-intervals (points)"] = (
                out.get("overstaffed agent-intervals (points)", 0.0) + over
            )
        else:
            name = (
                "contact-hours past the deadline (points)"
                if o.backlog is not None
                else "agents short of the need (points)"
            )
            out[name] = out.get(name, 0.0) + float(o.points.sum())
    return out

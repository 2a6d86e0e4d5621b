"""Shared scenario factories: a small two-queue desk, its forecast, and a base plan with its roster."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from common.timegrid import PlanningWeek
from scheduler.domain import Agent, QueueSpec, ShiftRules, Team
from scheduler.roster.problem import Problem, requirements_to_arrays
from scheduler.roster.solve import SolveSettings, solve
from scheduler.scenarios import BasePlan, Pay
from scheduler.staffing.requirements import compute_requirements

WEEK = date(2026, 11, 2)
FAST = SolveSettings(time_limit_s=60.0, workers=1, deterministic_time_limit_s=0.5)  # work, not seconds


def small_team(agents: int = 4) -> Team:
    return Team(
        name="Small Desk",
        tz="Europe/London",
        interval_minutes=60,
        shrinkage=0.1,
        queues=(
            QueueSpec("email", "email", response_hours=8, aht_s=400),
            QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, concurrency=2, aht_s=300),
        ),
        agents=tuple(
            Agent(f"a{i}", f"Agent {i}", "Europe/London", ("email", "chat"), 0, 40)
            for i in range(1, agents + 1)
        ),
        shift_rules=ShiftRules((8.0,), 60, 7 * 60, 10 * 60),
    )


def forecast(team: Team) -> pd.DataFrame:
    """Two regions, email and chat, 09:00-17:00 London on weekdays; q90 a fifth above the mean."""
    rows: list[dict[str, Any]] = []
    for d in range(5):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize(team.tz)
        for hour in range(9, 17):
            ds = (day + pd.Timedelta(hours=hour)).tz_convert("UTC")
            for region, share in (("Europe/London", 0.6), ("America/New_York", 0.4)):
                for queue, volume in (("email", 8.0), ("chat", 10.0)):
                    mean = volume * share * (1 + 0.1 * d)
                    rows.append(
                        {"queue": queue, "region": region, "ds": ds, "mean": mean, "q90": 1.2 * mean,
                         "aht_s": np.nan if queue == "email" else 280.0 + 10 * d}
                    )  # fmt: skip
    return pd.DataFrame(rows)


def small_plan() -> BasePlan:
    """The small desk's week with its forecast, a roster of a short solve, and pay."""
    team = small_team()
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    fc = forecast(team)
    required = requirements_to_arrays(compute_requirements(fc, team), team, week)
    roster = solve(Problem(team, week, required), FAST).roster
    return BasePlan(team, week, fc, roster=roster, pay=Pay(default_hourly_rate=20.0))

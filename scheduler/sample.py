"""A realistic, seeded sample: the Creator Support team in Phoenix, its history and availability.

Users write in from several regions, each with its own daily and weekly pattern on its own
wall clock, so the demand the Phoenix team (no DST) sees moves when New York, London or
Manila's users change clocks. Tests build variants with other seeds, sizes and dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

from common.defaults import INTERVAL_MINUTES, ROSTER_SHRINKAGE
from common.timegrid import local_day_start_utc, zone
from scheduler.domain import Agent, AvailabilityEntry, BreakRule, LabourRules, QueueSpec, ShiftRules, Team

TEAM_TZ = "America/Phoenix"


@dataclass(frozen=True)
class Region:
    """Users in one zone: their share of volume, busiest local hours, weekend level, holidays."""

    tz: str
    share: float
    peak_hours: tuple[float, float]
    weekend_factor: float
    country: str


REGIONS: tuple[Region, ...] = (
    Region("America/New_York", 0.35, (10.5, 15.0), 0.55, "US"),
    Region("America/Los_Angeles", 0.30, (10.0, 14.5), 0.55, "US"),
    Region("Europe/London", 0.20, (10.0, 16.0), 0.50, "GB"),
    Region("Asia/Manila", 0.15, (11.0, 20.0), 0.70, "PH"),
)

# contacts a week over all regions, and the mean handle time
WEEKLY_VOLUME: dict[str, float] = {"creator-email": 1000.0, "creator-chat": 600.0}
AHT_S: dict[str, float] = {"creator-email": 420.0, "creator-chat": 540.0}

FIRST_NAMES = (
    "Maya", "Jonah", "Priya", "Diego", "Aisha", "Tom", "Lena", "Kofi",
    "Sara", "Wei", "Nora", "Luis", "Ines", "Ravi", "Hana", "Omar",
)  # fmt: skip
LAST_NAMES = (
    "Lopez", "Reed", "Shah", "Alvarez", "Khan", "Baker", "Fischer", "Mensah",
    "Cohen", "Zhang", "Byrne", "Torres", "Costa", "Iyer", "Sato", "Haddad",
)  # fmt: skip


def sample_team(n_agents: int = 14, *, remote: tuple[str, ...] = ("Europe/Dublin", "Asia/Manila")) -> Team:
    """The Creator Support team: `n_agents` agents in Phoenix, the last ones remote in `remote` zones."""
    queues = (
        QueueSpec("creator-email", "email", service_level=0.9, response_hours=8.0, aht_s=AHT_S["creator-email"],
                  max_occupancy=0.9),
        QueueSpec("creator-chat", "chat", service_level=0.8, target_answer_s=60.0, concurrency=2,
                  aht_s=AHT_S["creator-chat"], max_occupancy=0.85),
    )  # fmt: skip
    rules = ShiftRules(
        lengths_hours=(8.0, 9.0, 10.0),
        start_step_minutes=30,
        earliest_start_minute=5 * 60,
        latest_start_minute=14 * 60,
        breaks=(
            BreakRule("break", 15, 90, 150, min_shift_hours=6),
            BreakRule("lunch", 30, 210, 300, min_shift_hours=6),
        ),
        max_start_spread_minutes=120,  # regular hours: each agent starts within two hours all week
    )
    agents = []
    for i in range(n_agents):
        remote_index = i - (n_agents - len(remote))
        tz = remote[remote_index] if remote_index >= 0 else TEAM_TZ
        skills: tuple[str, ...] = ("creator-email", "creator-chat") if i % 3 != 2 else ("creator-email",)
        part_time = i % 7 == 6
        agents.append(
            Agent(
                id=f"a{i + 1:02d}",
                name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 5) % len(LAST_NAMES)]}",
                tz=tz,
                skills=skills,
                min_hours_per_week=20.0 if part_time else 32.0,
                max_hours_per_week=24.0 if part_time else 40.0,
            )
        )
    return Team(
        name="Creator Support",
        tz=TEAM_TZ,
        queues=queues,
        agents=tuple(agents),
        interval_minutes=15,
        shrinkage=ROSTER_SHRINKAGE,  # absence, meetings and training: the roster places the breaks itself
        shift_rules=rules,
        labour_rules=LabourRules(min_rest_hours=11.0, max_consecutive_days=6, min_days_off_per_week=2),
    )


def _daily_profile(local_hour: np.ndarray, peaks: tuple[float, float]) -> np.ndarray:
    """Relative volume by local hour: quiet at night, two bumps in the day."""
    bumps = sum(np.exp(-0.5 * ((local_hour - p) / 2.2) ** 2) for p in peaks)
    return 0.04 + np.asarray(bumps)


def sample_history(
    end_day: date,
    *,
    weeks: int = 16,
    interval_minutes: int = INTERVAL_MINUTES,
    seed: int = 7,
    regions: tuple[Region, ...] = REGIONS,
) -> pd.DataFrame:
    """Contact history for `weeks` weeks of local (Phoenix) days ending the day before `end_day`.

    Columns as the history contract: ds (UTC), queue, region, y, aht_s.
    """
    rng = np.random.default_rng(seed)
    tz = zone(TEAM_TZ)
    start = local_day_start_utc(end_day - timedelta(weeks=weeks), tz)
    end = local_day_start_utc(end_day, tz)
    ds = pd.date_range(start, end, freq=f"{interval_minutes}min", tz="UTC", inclusive="left")
    frames = []
    for region in regions:
        local = ds.tz_convert(region.tz)
        hour = np.asarray(local.hour + local.minute / 60, dtype=float)
        weekday = np.asarray(local.day_of_week)
        days = pd.Index(local.date)
        years = sorted({d.year for d in days})
        off = holidays.country_holidays(region.country, years=years)
        holiday = np.asarray([d in off for d in days])
        shape = _daily_profile(hour, region.peak_hours)
        shape = shape * np.where(weekday >= 5, region.weekend_factor, 1.0) * np.where(holiday, 0.35, 1.0)
        weekly_shape = shape.sum() / weeks
        for queue, weekly in WEEKLY_VOLUME.items():
            rate = weekly * region.share * shape / weekly_shape
            y = rng.poisson(rate)
            aht = np.where(y > 0, rng.normal(AHT_S[queue], AHT_S[queue] * 0.08, len(ds)).round(1), np.nan)
            frames.append(
                pd.DataFrame(
                    {"ds": ds, "queue": queue, "region": region.tz, "y": y.astype(float), "aht_s": aht}
                )
            )
    return pd.concat(frames, ignore_index=True)


def sample_availability(team: Team, week_start: date, *, seed: int = 7) -> tuple[AvailabilityEntry, ...]:
    """Some time off, a recurring unavailable evening, preferred and avoided times."""
    rng = np.random.default_rng(seed)
    agents = list(team.agents)
    entries: list[AvailabilityEntry] = []
    off_agent = agents[int(rng.integers(len(agents)))]
    for k in range(2):
        entries.append(
            AvailabilityEntry(
                off_agent.id, "time_off", on_date=week_start + timedelta(days=1 + k), note="vacation"
            )
        )
    entries.append(
        AvailabilityEntry(agents[1].id, "unavailable", 17 * 60, 24 * 60, weekday=1, note="evening class")
    )
    entries.append(AvailabilityEntry(agents[2].id, "preferred", 6 * 60, 15 * 60, weekday=0))
    entries.append(
        AvailabilityEntry(agents[3].id, "avoid", 0, 8 * 60, weekday=5, note="prefers late weekends")
    )
    entries.append(
        AvailabilityEntry(agents[4].id, "available", 9 * 60, 24 * 60, on_date=week_start + timedelta(days=3))
    )
    return tuple(entries)

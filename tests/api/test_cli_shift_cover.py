"""`wfm roster` with cover by shift type and shift requests: files in, a checked roster out, bad rows named."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.formats import read_roster, read_shift_cover, read_shift_requests, read_team
from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.roster.problem import Problem
from scheduler.roster.validate import check_roster

WEEK = date(2026, 3, 23)  # British clocks go forward on Sunday 29 March
TEAM = """name: Front desk
tz: Europe/London
interval_minutes: 60
queues:
  - {name: chat, channel: chat}
shift_rules:
  types:
    - {name: early, start: "06:00", length_hours: 8}
    - {name: late, start: "14:00", length_hours: 8, not_followed_by: [early]}
labour_rules: {min_rest_hours: 11, max_consecutive_days: 5, min_days_off_per_week: 0, max_weekends_worked: 1}
weights: {WEIGHTS}
agents:
  - {id: ana, name: Ana, tz: Europe/London, skills: [chat], max_hours_per_week: 56}
  - {id: ben, name: Ben, tz: Europe/London, skills: [chat], max_hours_per_week: 56, max_shifts_by_type: {late: 3}}
  - {id: cy, name: Cy, tz: Europe/London, skills: [chat], max_hours_per_week: 56}
"""
ONLY_COVER = (
    "{over_per_agent_interval: 0, isolated_day_off: 0, extra_start_time: 0, weekend_spread_per_day: 0, "
    "late_spread_per_shift: 0, night_spread_per_shift: 0}"
)


def files(tmp_path: Path, weights: str = ONLY_COVER) -> dict[str, Path]:
    (tmp_path / "team.yaml").write_text(TEAM.replace("{WEIGHTS}", weights), encoding="utf-8")
    rows = ["date,shift_type,required,under_weight,over_weight"]
    for d in range(7):
        day = WEEK + timedelta(days=d)
        rows += [f"{day},early,1,100,1", f"{day},late,{1 if d < 5 else 0},,"]
    (tmp_path / "cover.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "requests.csv").write_text(
        "agent_id,date,shift_type,wish,weight\nana,2026-03-24,late,work,5\nben,2026-03-25,early,off,3\n",
        encoding="utf-8",
    )
    return {
        name: tmp_path / f"{name}.{'yaml' if name == 'team' else 'csv'}"
        for name in ("team", "cover", "requests")
    }


def roster_args(paths: dict[str, Path], out: Path) -> list[str]:
    return [
        "roster",
        "--team",
        str(paths["team"]),
        "--week",
        str(WEEK),
        "--shift-cover",
        str(paths["cover"]),
        "--shift-requests",
        str(paths["requests"]),
        "--out",
        str(out),
        "--time-limit",
        "8",
    ]


@pytest.mark.parametrize("weights", [ONLY_COVER, "{}"], ids=["day-level", "with the team's default weights"])
def test_a_roster_from_cover_by_shift_type_keeps_every_rule(tmp_path: Path, weights: str) -> None:
    paths = files(tmp_path, weights)
    out = tmp_path / "roster.csv"
    result = CliRunner().invoke(app, roster_args(paths, out))
    assert result.exit_code == 0, result.output
    assert "objective" in result.output
    team = read_team(paths["team"])
    horizon = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    problem = Problem(
        team,
        horizon,
        {"chat": np.zeros(horizon.grid.n_intervals)},
        shift_cover=read_shift_cover(paths["cover"], team, horizon.days),
        shift_requests=read_shift_requests(paths["requests"], team, horizon.days),
    )
    roster = read_roster(out, team)
    assert check_roster(problem, roster.shifts) == []
    kinds = {(s.local_date, s.shift_type) for s in roster.shifts}
    assert (WEEK, "early") in kinds  # every early shift of the week is covered: three agents can
    assert (WEEK + timedelta(days=6), "early") in kinds


def test_bad_cover_and_request_rows_are_named(tmp_path: Path) -> None:
    paths = files(tmp_path)
    team = read_team(paths["team"])
    days = PlanningWeek(WEEK, team.tz, 60).days
    paths["cover"].write_text(
        "date,shift_type,required\n2026-03-23,night,1\n2026-04-30,early,1\n2026-03-24,early,-1\n"
        "2026-03-25,early,1\n2026-03-25,early,2\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        read_shift_cover(paths["cover"], team, days)
    found = {(i.row, i.column) for i in caught.value.issues}
    assert found == {(2, "shift_type"), (3, "date"), (4, "required"), (6, "shift_type")}
    assert all(i.file == str(paths["cover"]) for i in caught.value.issues)
    paths["requests"].write_text(
        "agent_id,date,shift_type,wish,weight\nzoe,2026-03-24,late,work,5\nben,2026-03-25,early,maybe,x\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        read_shift_requests(paths["requests"], team, days)
    assert {(i.row, i.column) for i in caught.value.issues} == {(2, "agent_id"), (3, "wish"), (3, "weight")}
    result = CliRunner().invoke(app, roster_args(paths, tmp_path / "roster.csv"))
    assert result.exit_code == 2
    assert not (tmp_path / "roster.csv").exists()


def test_a_roster_needs_demand_or_cover(tmp_path: Path) -> None:
    paths = files(tmp_path)
    args = [
        a for a in roster_args(paths, tmp_path / "r.csv") if a not in ("--shift-cover", str(paths["cover"]))
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--requirements" in result.output

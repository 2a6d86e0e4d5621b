"""The end-to-end path: `wfm demo` writes contract files and a roster the checker accepts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import DEMO_WEEK, app
from api.formats import ROSTER_COLUMNS, read_availability, read_requirements, read_roster, read_team
from scheduler.problem import Problem, requirements_to_arrays
from scheduler.requirements import REQUIREMENT_COLUMNS
from scheduler.timegrid import PlanningWeek
from scheduler.validate import check_roster


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--time-limit", "6"])
    assert result.exit_code == 0, result.output
    assert "required agent-intervals covered" in result.output
    return out


def test_demo_writes_every_file(demo_dir: Path) -> None:
    for name in (
        "team.yaml",
        "history.csv",
        "availability.csv",
        "forecast.csv",
        "requirements.csv",
        "roster.csv",
        "coverage.csv",
    ):
        assert (demo_dir / name).stat().st_size > 0, name


def test_demo_files_have_the_contract_columns(demo_dir: Path) -> None:
    assert tuple(pd.read_csv(demo_dir / "roster.csv").columns) == ROSTER_COLUMNS
    forecast = pd.read_csv(demo_dir / "forecast.csv")
    assert list(forecast.columns) == ["queue", "region", "ds", "mean", "q10", "q50", "q90", "aht_s"]
    requirements = pd.read_csv(demo_dir / "requirements.csv")
    assert tuple(requirements.columns) == REQUIREMENT_COLUMNS


def test_demo_roster_passes_the_independent_checker(demo_dir: Path) -> None:
    team = read_team(demo_dir / "team.yaml")
    week = PlanningWeek(DEMO_WEEK, team.tz, team.interval_minutes)
    required = requirements_to_arrays(read_requirements(demo_dir / "requirements.csv"), team, week)
    problem = Problem(team, week, required, read_availability(demo_dir / "availability.csv", team))
    roster = read_roster(demo_dir / "roster.csv", team)
    assert len(roster.shifts) >= len(team.agents) * 2
    assert check_roster(problem, roster.shifts) == []


def test_roster_command_on_the_demo_files(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    args = [
        "roster", "--team", str(demo_dir / "team.yaml"), "--requirements", str(demo_dir / "requirements.csv"),
        "--availability", str(demo_dir / "availability.csv"), "--week", DEMO_WEEK.isoformat(),
        "--out", str(out), "--time-limit", "4",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "coverage.csv").is_file()


def test_roster_command_reports_bad_files_without_writing(demo_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "av.csv"
    bad.write_text("agent_id,date,start,end,kind\nnobody,2026-11-03,,,time_off\n", encoding="utf-8")
    out = tmp_path / "roster.csv"
    args = [
        "roster", "--team", str(demo_dir / "team.yaml"), "--requirements", str(demo_dir / "requirements.csv"),
        "--availability", str(bad), "--week", DEMO_WEEK.isoformat(), "--out", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "row 2" in result.output
    assert "agent_id" in result.output
    assert not out.exists()


def test_requirements_command(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "req.csv"
    result = CliRunner().invoke(
        app,
        [
            "requirements",
            str(demo_dir / "forecast.csv"),
            "--team",
            str(demo_dir / "team.yaml"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) > 0

"""api/lead_in.py and `wfm requirements`: a forecast off the team's week start is warned about in
`wfm roster`'s words, and a history that carries nothing into the week says so."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from api.lead_in import carried_in_note, forecast_first_day, week_start_note
from api.schemas import team_from_mapping
from common.errors import InvalidInput
from scheduler import Team, planning_week, with_lead_in
from tests.api.service.conftest import tiny_team

TUESDAY, MONDAY = date(2027, 3, 23), date(2027, 3, 29)
ROSTER_WORDS = (
    "2027-03-23 is a Tuesday; team 'Tiny Desk' plans weeks from Monday: use 2027-03-22 or 2027-03-29"
)


def team() -> Team:
    return team_from_mapping(tiny_team())


def forecast(first_day: date, days: int = 7) -> pd.DataFrame:
    """An hourly email forecast of London users from `first_day`'s London midnight (the contract)."""
    start = pd.Timestamp(first_day, tz="Europe/London")
    ds = pd.date_range(start, start + pd.Timedelta(days=days), freq="h", inclusive="left").tz_convert("UTC")
    return pd.DataFrame({"queue": "email", "region": "Europe/London", "ds": ds, "mean": 3.0, "aht_s": 300.0})


def history(last_day: date, days: int = 14) -> pd.DataFrame:
    """Hourly email history ending with `last_day` (London), the contract's columns."""
    end = pd.Timestamp(last_day + timedelta(days=1), tz="Europe/London")
    ds = pd.date_range(end - pd.Timedelta(days=days), end, freq="h", inclusive="left").tz_convert("UTC")
    return pd.DataFrame({"ds": ds, "queue": "email", "y": 2.0, "region": "Europe/London", "aht_s": 300.0})


def test_the_week_start_words_are_the_rosters() -> None:
    with pytest.raises(InvalidInput) as refused:
        planning_week(team(), TUESDAY)
    assert ROSTER_WORDS in str(refused.value)
    assert week_start_note(team(), TUESDAY) == str(refused.value)
    assert week_start_note(team(), MONDAY) is None


def test_a_forecast_begins_on_the_teams_local_day() -> None:
    assert forecast_first_day(forecast(TUESDAY), team()) == TUESDAY
    assert forecast_first_day(forecast(MONDAY).iloc[0:0], team()) is None


def test_a_history_that_ends_a_week_early_carries_nothing_and_says_so() -> None:
    week, past = forecast(MONDAY), history(date(2027, 3, 21))
    planned = with_lead_in(week, past, team())
    assert not planned["lead_in"].any()
    note = carried_in_note(week, past, team(), planned)
    assert note is not None
    assert note.startswith("nothing is carried into the week for email")
    assert "the history ends on Sunday 2027-03-21 23:00" in note
    assert "before the 8 hours that would be carried in (from Sunday 2027-03-28 16:00)" in note


def test_a_history_up_to_the_week_carries_its_backlog_without_a_note() -> None:
    week, past = forecast(MONDAY), history(date(2027, 3, 28))
    planned = with_lead_in(week, past, team())
    assert planned["lead_in"].sum() == 8
    assert carried_in_note(week, past, team(), planned) is None


def test_a_queue_missing_from_the_history_is_named() -> None:
    mapping = tiny_team()
    mapping["queues"].append({"name": "social", "channel": "social", "response_hours": 4})
    two = team_from_mapping(mapping)
    week, past = forecast(MONDAY), history(date(2027, 3, 28))
    note = carried_in_note(week, past, two, with_lead_in(week, past, two))
    assert note is not None
    assert "for social:" in note
    assert "the history has no social contacts before the forecast begins" in note


def test_a_team_of_live_queues_only_has_nothing_to_carry() -> None:
    mapping = tiny_team()
    mapping["queues"] = [{"name": "email", "channel": "chat"}]
    live = team_from_mapping(mapping)
    week, past = forecast(MONDAY), history(date(2027, 3, 21))
    assert carried_in_note(week, past, live, with_lead_in(week, past, live)) is None


def _files(tmp_path: Path, first_day: date, last_history_day: date) -> list[str]:
    team_file = tmp_path / "team.yaml"
    team_file.write_text(yaml.safe_dump(tiny_team()), encoding="utf-8")
    forecast_file, history_file = tmp_path / "forecast.csv", tmp_path / "history.csv"
    forecast(first_day).assign(ds=lambda f: f["ds"].map(pd.Timestamp.isoformat)).to_csv(
        forecast_file, index=False
    )
    history(last_history_day).assign(ds=lambda f: f["ds"].map(pd.Timestamp.isoformat)).to_csv(
        history_file, index=False
    )
    return ["requirements", str(forecast_file), "--team", str(team_file), "--out", str(tmp_path / "req.csv"),
            "--history", str(history_file)]  # fmt: skip


def test_wfm_requirements_warns_of_a_tuesday_forecast_in_the_rosters_words(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, _files(tmp_path, TUESDAY, TUESDAY - timedelta(days=1)))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "warning: the forecast begins on a day `wfm roster` will not plan a week from" in said
    assert ROSTER_WORDS in said
    assert (tmp_path / "req.csv").is_file()  # a warning: the file is still written


def test_wfm_requirements_says_when_nothing_is_carried_in(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, _files(tmp_path, MONDAY, date(2027, 3, 21)))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "warning: nothing is carried into the week for email" in said
    assert "the history ends on Sunday 2027-03-21 23:00" in said
    assert "lead_in" in pd.read_csv(tmp_path / "req.csv").columns


def test_wfm_requirements_is_quiet_for_a_week_and_history_that_fit(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, _files(tmp_path, MONDAY, date(2027, 3, 28)))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output

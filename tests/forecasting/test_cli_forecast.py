"""`wfm forecast` on real files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from api.cli_forecast import model_lines, register
from forecasting.backtest import holiday_lines
from tests.forecasting.synthetic import make_history


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer from collapsing the app into `forecast`
        """Nothing."""

    return app


def write_history(path: Path) -> Path:
    frame = make_history([("Europe/London", 700.0)], start="2024-01-01", days=35, seed=21)
    frame = frame.assign(ds=frame["ds"].map(lambda ts: ts.isoformat()))
    frame.to_csv(path, index=False)
    return path


def test_forecast_writes_the_contract(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    out = tmp_path / "forecast.csv"
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            str(history),
            "--start",
            "2024-02-05",
            "--interval-minutes",
            "30",
            "--tz",
            "Europe/London",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["queue", "region", "ds", "mean", "q10", "q50", "q90", "aht_s"]
    assert len(frame) == 7 * 48
    assert frame["ds"].iloc[0] == "2024-02-05T00:00:00Z"


def test_backtest_prints_the_report(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            str(history),
            "--start",
            "2024-02-05",
            "--interval-minutes",
            "60",
            "--tz",
            "Europe/London",
            "--backtest",
            "--backtest-weeks",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "WAPE" in result.output
    assert "days 4-7" in result.output


def test_bad_input_exits_with_a_message(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    result = CliRunner().invoke(
        app, ["forecast", str(history), "--start", "2024-13-01", "--out", str(tmp_path / "f.csv")]
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


@pytest.mark.parametrize(
    ("option", "typo"), [("--tz", "America/New_Yrok"), ("--assume-tz", "America/NewYork")]
)
def test_a_misspelt_zone_option_is_named_with_the_zone_meant(
    app: typer.Typer, tmp_path: Path, option: str, typo: str
) -> None:
    history = write_history(tmp_path / "history.csv")
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(
        app, ["forecast", str(history), "--start", "2024-02-05", option, typo, "--out", str(out)]
    )
    assert result.exit_code == 2
    assert f"{option} {typo!r} is not a time zone; did you mean 'America/New_York'?" in result.output
    assert not out.exists()


def test_forecast_prints_the_holidays_it_applied_and_takes_changes(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    changes = tmp_path / "holidays.csv"
    changes.write_text(
        "date,action,name,region\n2024-02-07,add,Company day,Europe/London\n2024-02-08,add,Team offsite,\n",
        encoding="utf-8",
    )
    args = [
        "forecast",
        str(history),
        "--start",
        "2024-02-05",
        "--tz",
        "Europe/London",
        "--out",
        str(tmp_path / "f.csv"),
    ]
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert "Europe/London: none" in plain.output
    changed = CliRunner().invoke(app, [*args, "--holidays", str(changes)])
    assert changed.exit_code == 0, changed.output
    assert (
        "Europe/London: 2024-02-07 Company day (not in the history: forecast as an ordinary day; "
        "--event 2024-02-07:MULTIPLIER:Europe/London scales that region's alone); 2024-02-08 Team offsite (not in "
        "the history" in changed.output
    )


def test_a_removed_holiday_is_not_applied(tmp_path: Path) -> None:
    from datetime import date

    from common.timegrid import PlanningWeek
    from forecasting import HolidayChange, holidays_in_grid

    grid = PlanningWeek(date(2026, 12, 21), "Europe/London", 60).grid
    plain = holidays_in_grid(["Europe/London"], grid)["Europe/London"]
    assert date(2026, 12, 25) in plain
    removed = holidays_in_grid(
        ["Europe/London"], grid, holiday_changes=[HolidayChange(date(2026, 12, 25), "remove")]
    )["Europe/London"]
    assert date(2026, 12, 25) not in removed
    assert date(2026, 12, 26) in removed


def test_bad_holiday_files_name_the_row(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    changes = tmp_path / "holidays.csv"
    changes.write_text("date,action\n2024-02-07,cancel\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            str(history),
            "--start",
            "2024-02-05",
            "--tz",
            "Europe/London",
            "--backtest",
            "--holidays",
            str(changes),
        ],
    )
    assert result.exit_code == 2
    assert "row 2" in result.output
    assert "add or remove" in result.output


def test_backtest_report_lists_the_holidays(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            str(history),
            "--start",
            "2024-02-05",
            "--tz",
            "Europe/London",
            "--backtest",
            "--backtest-weeks",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Holidays applied" in result.output
    assert "Europe/London: none" in result.output


def test_a_per_ticket_history_needs_aggregate(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")
    frame = pd.read_csv(history)
    frame["ds"] = pd.to_datetime(frame["ds"], utc=True) + pd.Timedelta(minutes=7)
    frame.to_csv(history, index=False)
    args = [
        "forecast",
        str(history),
        "--start",
        "2024-02-05",
        "--tz",
        "Europe/London",
        "--out",
        str(tmp_path / "f.csv"),
    ]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "--aggregate" in refused.output
    assert CliRunner().invoke(app, [*args, "--aggregate"]).exit_code == 0


def test_backtest_and_forecast_print_one_holidays_heading_and_the_models_by_queue(
    app: typer.Typer, tmp_path: Path
) -> None:
    history = write_history(tmp_path / "history.csv")
    args = ["forecast", str(history), "--start", "2024-02-05", "--tz", "Europe/London"]
    result = CliRunner().invoke(
        app, [*args, "--backtest", "--backtest-weeks", "1", "--out", str(tmp_path / "f.csv")]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Holidays applied") == 1
    assert "  in the weeks scored:" in result.output
    assert "  in the week forecast:" in result.output
    assert "the model of each queue and region:" in result.output


def test_the_models_are_listed_a_queue_a_paragraph_and_wrapped() -> None:
    chosen = [("email", f"Region/City_{i:02d}", "AutoETS") for i in range(30)] + [("chat", "UTC", "Naive")]
    lines = model_lines(chosen, width=60)
    assert all(len(line) <= 60 for line in lines)
    assert lines[0].startswith("  email: AutoETS for Region/City_00, ")
    assert lines[-1] == "  chat: Naive for UTC"


def test_a_start_off_the_teams_week_start_is_warned_about_in_the_rosters_words(
    app: typer.Typer, tmp_path: Path
) -> None:
    import yaml

    history = write_history(tmp_path / "history.csv")
    team = tmp_path / "team.yaml"
    team.write_text(yaml.safe_dump(_team_of_history_queue()), encoding="utf-8")  # London, weeks from Monday
    out = tmp_path / "forecast.csv"
    args = ["forecast", str(history), "--team", str(team), "--out", str(out)]
    tuesday = CliRunner().invoke(app, [*args, "--start", "2024-02-06"])
    assert tuesday.exit_code == 0, tuesday.output
    said = " ".join(tuesday.output.split())
    assert (
        "warning: `wfm roster` will not plan a week from this forecast's start: 2024-02-06 is a Tuesday; "
        "team 'Tiny Desk' plans weeks from Monday: use 2024-02-05 or 2024-02-12"
    ) in said
    assert pd.read_csv(out)["ds"].iloc[0] == "2024-02-06T00:00:00Z"  # the team's zone, London
    monday = CliRunner().invoke(app, [*args, "--start", "2024-02-05"])
    assert monday.exit_code == 0, monday.output
    assert "warning" not in monday.output
    other_zone = CliRunner().invoke(app, [*args, "--start", "2024-02-05", "--tz", "Asia/Manila"])
    assert other_zone.exit_code != 0
    assert "is not the zone of team 'Tiny Desk' (Europe/London)" in " ".join(other_zone.output.split())


def _team_of_history_queue() -> dict[str, Any]:
    """The service tests' tiny team, its email queue named as the synthetic history's."""
    from tests.api.service.conftest import tiny_team

    team = tiny_team()
    team["queues"][0]["name"] = "creator-email"
    team["agents"] = [{**a, "skills": ["creator-email"]} for a in team["agents"]]
    return team


def test_a_history_queue_that_is_not_the_teams_is_left_out_with_its_name_or_refused_if_all_are(
    app: typer.Typer, tmp_path: Path
) -> None:
    """A helpdesk channel imported without --map-queue ("Feedback Widget") is not a queue of the team:
    the forecast leaves it out and says so, and a history of none of the team's queues is refused with
    what to do, not with words about its history's spacing."""
    import yaml

    history = tmp_path / "history.csv"
    frame = pd.read_csv(write_history(history))
    widget = frame.iloc[::97].assign(queue="Feedback Widget")
    pd.concat([frame, widget]).to_csv(history, index=False)
    team = tmp_path / "team.yaml"
    team.write_text(yaml.safe_dump(_team_of_history_queue()), encoding="utf-8")
    out = tmp_path / "forecast.csv"
    args = ["forecast", str(history), "--team", str(team), "--start", "2024-02-05", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "warning: left out of the forecast, not queues of team 'Tiny Desk' (creator-email): 'Feedback Widget' ("
        in said
    )
    assert "--map-queue CHANNEL=QUEUE" in said
    assert set(pd.read_csv(out)["queue"]) == {"creator-email"}
    from tests.api.service.conftest import tiny_team

    team.write_text(yaml.safe_dump(tiny_team()), encoding="utf-8")  # its queue is "email"
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "no queue of the history is a queue of the team: 'creator-email' (" in " ".join(
        refused.output.split()
    )


def test_a_holiday_of_the_week_forecast_says_what_it_does_to_the_forecast() -> None:
    """A holiday the history has is forecast at its learnt level; one it has not is an ordinary day,
    and the line says so and how to set its level, instead of only calling it applied."""
    bank = date(2026, 10, 26)
    applied = {
        "Europe/Dublin": {bank: "October Bank Holiday"},
        "Europe/London": {date(2026, 12, 25): "Christmas Day"},
    }
    learnt = {
        "Europe/London": {"Christmas Day": [0.3, 0.42]},
        "Europe/Dublin": {"August Bank Holiday": [0.6]},
    }
    lines = holiday_lines(applied, learnt=learnt)
    assert lines[1] == (
        "  Europe/Dublin: 2026-10-26 October Bank Holiday (not in the history: forecast as an ordinary day; "
        "--event 2026-10-26:MULTIPLIER:Europe/Dublin scales that region's alone)"
    )
    assert (
        lines[2]
        == "  Europe/London: 2026-12-25 Christmas Day (30%–42% of an ordinary day's volume, as in the history)"
    )
    assert holiday_lines(applied)[1] == "  Europe/Dublin: 2026-10-26 October Bank Holiday"  # the weeks scored


def test_a_history_that_runs_into_the_days_forecast_is_a_warning(app: typer.Typer, tmp_path: Path) -> None:
    history = write_history(tmp_path / "history.csv")  # 2024-01-01 .. 2024-02-04
    out = tmp_path / "forecast.csv"
    args = ["forecast", str(history), "--start", "2024-01-29", "--tz", "Europe/London", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning: the history runs into the days forecast" in result.output
    assert out.exists()


def test_an_event_in_one_region_scales_that_region_alone(app: typer.Typer, tmp_path: Path) -> None:
    frame = make_history([("Europe/London", 700.0), ("America/New_York", 500.0)], start="2024-01-01", days=35)
    history = tmp_path / "history.csv"
    frame.assign(ds=frame["ds"].map(lambda ts: ts.isoformat())).to_csv(history, index=False)
    base = ["forecast", str(history), "--start", "2024-02-05", "--tz", "Europe/London"]
    plain, halved = tmp_path / "plain.csv", tmp_path / "halved.csv"
    assert CliRunner().invoke(app, [*base, "--out", str(plain)]).exit_code == 0
    result = CliRunner().invoke(app, [*base, "--out", str(halved), "--event", "2024-02-06:0.5:Europe/London"])
    assert result.exit_code == 0, result.output
    before, after = pd.read_csv(plain), pd.read_csv(halved)
    ratio = after.groupby("region")["mean"].sum() / before.groupby("region")["mean"].sum()
    assert ratio["America/New_York"] == pytest.approx(1.0)
    assert ratio["Europe/London"] == pytest.approx(1 - 0.5 / 7, abs=0.03)  # one day of seven halved
    typo = CliRunner().invoke(app, [*base, "--out", str(halved), "--event", "2024-02-06:0.5:Europe/Londn"])
    assert typo.exit_code != 0
    assert (
        "region 'Europe/Londn' is not one of the history's (America/New_York, Europe/London)" in typo.output
    )

"""`wfm forecast` on real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from api.cli_forecast import register
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

"""`wfm erlang`, registered into a local typer app and run with typer's CliRunner."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from api.cli_staffing import register

BASE = ["erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "180", "--target-answer-s", "20"]


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def version() -> None:  # a second command, as in the real app
        typer.echo("0")

    return app


def test_prints_the_requirement(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, [*BASE, "--service-level", "0.8", "--max-occupancy", "0.85", "--shrinkage", "0.3"]
    )
    assert result.exit_code == 0, result.output
    assert "required agents: 14" in result.output
    assert "shrinkage: 20" in result.output
    assert "88.8 %" in result.output


def test_json_output_with_agents_gives_the_metrics(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, [*BASE, "--service-level", "0.8", "--agents", "14", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["agents"] == 14
    assert data["service_level"] == pytest.approx(0.88835, abs=5e-6)
    assert data["asa_s"] == pytest.approx(7.8359, abs=1e-4)


def test_patience_switches_to_erlang_a(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, [*BASE, "--service-level", "0.8", "--patience-s", "300", "--json"])
    data = json.loads(result.output)
    assert data["model"] == "erlang_a"
    assert data["required"] == 13
    assert data["abandon_probability"] > 0


def test_overloaded_queue_prints_null_asa_in_json(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, [*BASE, "--agents", "5", "--json"])
    assert json.loads(result.output)["asa_s"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--service-level", "1.5"], "service_level"), (["--aht-s", "0"], "aht_s")],
)
def test_bad_input_exits_with_a_clear_message(app: typer.Typer, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*BASE, *args])
    assert result.exit_code == 2
    assert message in result.output


def _erlang_c_wait(agents: int, traffic: float) -> float:
    """P(wait) by the textbook Erlang C formula, as an independent reference."""
    import math

    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_the_calculator_gives_the_probability_of_waiting(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app,
        [
            "erlang",
            "--volume",
            "20",
            "--aht-s",
            "300",
            "--target-answer-s",
            "60",
            "--service-level",
            "0.8",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = _erlang_c_wait(round(data["productive_agents"]), data["traffic_erlangs"])
    assert data["wait_probability"] == pytest.approx(expected, rel=1e-9)
    assert data["set_by"] == "service_level"
    text = (
        CliRunner()
        .invoke(
            app,
            [
                "erlang",
                "--volume",
                "20",
                "--aht-s",
                "300",
                "--target-answer-s",
                "60",
                "--service-level",
                "0.8",
            ],
        )
        .output
    )
    assert f"probability of waiting: {100 * expected:.1f} %" in text


def test_the_calculator_says_when_the_occupancy_cap_set_the_answer(app: typer.Typer) -> None:
    args = [
        "erlang",
        "--volume",
        "100",
        "--aht-s",
        "300",
        "--target-answer-s",
        "60",
        "--service-level",
        "0.8",
    ]
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)
    assert data["set_by"] == "occupancy_cap"
    assert data["required_for_service_level"] < data["required"]
    assert data["occupancy"] <= 0.85
    text = CliRunner().invoke(app, args).output
    assert "set by the occupancy cap (85.0 %), not the service level" in text


def test_an_agent_there_part_of_the_time_waits_and_overloads_in_proportion(app: typer.Typer) -> None:
    """One agent with 10 % shrinkage is there nine tenths of the time: the ASA is that agent's
    (Erlang C, one server: traffic x AHT / (1 - traffic)), and the tenth of the contacts that come
    while nobody is there meet an overloaded queue, not every contact."""
    args = ["erlang", "--volume", "1", "--aht-s", "360", "--target-answer-s", "20", "--agents", "1"]
    data = json.loads(CliRunner().invoke(app, [*args, "--shrinkage", "0.1", "--json"]).output)
    assert data["productive_agents"] == pytest.approx(0.9)
    traffic = data["traffic_erlangs"]
    assert data["asa_s"] == pytest.approx(traffic * 360 / (1 - traffic))
    assert data["overloaded_share"] == pytest.approx(0.1)
    assert data["wait_probability"] == pytest.approx(0.9 * traffic + 0.1)
    text = CliRunner().invoke(app, [*args, "--shrinkage", "0.1"]).output
    assert "productive after 10.0 % shrinkage: 0.90" in text
    assert "ASA: 240.0 s for the 90.0 % of contacts" in text

"""`wfm erlang`: the staffing calculator a planner reaches for every day.

`register(app)` adds the command to a typer app (the lead registers it from `api/cli.py`).
Without `--agents` it prints the requirement for one interval; with `--agents` the metrics that many
agents give. Voice uses Erlang C, or Erlang A with `--patience-s`; `--concurrency K` staffs chat.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace
from typing import Annotated, Any

import typer

from common.defaults import INTERVAL_MINUTES
from common.errors import WfmError
from scheduler import QueueSpec, queue_requirement, service_metrics, traffic_erlangs


def _default(name: str) -> Any:
    """The default of a `QueueSpec` field: one source of truth for the calculator's defaults."""
    return next(f.default for f in fields(QueueSpec) if f.name == name)


def _number(x: float) -> float | None:
    """JSON has no inf or NaN: they become null."""
    return x if math.isfinite(x) else None


def _percent(x: float) -> str:
    return f"{100 * x:.1f} %"


def _seconds(x: float) -> str:
    return f"{x:.1f} s" if math.isfinite(x) else "unbounded (queue overloaded)"


def _asa_line(asa_s: float, overloaded: float) -> str:
    """The mean wait, and the share of contacts that meet an overloaded queue (no mean wait for them)."""
    if overloaded <= 0:
        return f"ASA: {_seconds(asa_s)}"
    if not math.isfinite(asa_s):
        return "ASA: unbounded (queue overloaded)"
    return (
        f"ASA: {asa_s:.1f} s for the {_percent(1 - overloaded)} of contacts that arrive while the queue "
        f"keeps up; {_percent(overloaded)} arrive while it is overloaded (too few agents there: the wait "
        "grows without bound)"
    )


def erlang(
    volume: Annotated[float, typer.Option(help="Contacts arriving in the interval.")],
    interval_s: Annotated[float, typer.Option(help="Interval length in seconds.")] = 60.0 * INTERVAL_MINUTES,
    aht_s: Annotated[float, typer.Option(help="Average handle time in seconds.")] = _default("aht_s"),
    target_answer_s: Annotated[float, typer.Option(help="Answer within this many seconds.")] = _default(
        "target_answer_s"
    ),
    service_level: Annotated[float, typer.Option(help="Share answered within the target, e.g. 0.8.")] = (
        _default("service_level")
    ),
    patience_s: Annotated[
        float | None, typer.Option(help="Mean patience in seconds: use Erlang A (abandonment).")
    ] = None,
    max_occupancy: Annotated[float, typer.Option(help="Occupancy cap, e.g. 0.85.")] = _default(
        "max_occupancy"
    ),
    shrinkage: Annotated[float, typer.Option(help="Share of paid time not on contacts, e.g. 0.3.")] = 0.0,
    concurrency: Annotated[int, typer.Option(help="Chats one agent handles at once (chat).")] = _default(
        "concurrency"
    ),
    agents: Annotated[
        int | None, typer.Option(help="Agents scheduled: print the service they give instead.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Agents needed for a service-level target in one interval, or the service a given count gives."""
    try:
        queue = QueueSpec(
            name="calculator",
            channel="chat" if concurrency > 1 else "voice",
            service_level=service_level,
            target_answer_s=target_answer_s,
            concurrency=concurrency,
            patience_s=patience_s,
            max_occupancy=max_occupancy,
            aht_s=aht_s,
        )
        traffic = float(traffic_erlangs(volume, aht_s, interval_s))
        for_service = None
        if agents is None:
            req = queue_requirement(queue, [volume], aht_s, interval_s=interval_s, shrinkage=shrinkage)
            report = service_metrics([int(req.required[0])], [volume], aht_s, queue, interval_s=interval_s)
            if max_occupancy < 1:  # what the service level alone would need: is the cap what set it?
                uncapped = replace(queue, max_occupancy=1.0)
                for_service = int(
                    queue_requirement(
                        uncapped, [volume], aht_s, interval_s=interval_s, shrinkage=shrinkage
                    ).required[0]
                )
        else:
            report = service_metrics(
                [agents], [volume], aht_s, queue, interval_s=interval_s, shrinkage=shrinkage
            )
    except WfmError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc

    model = "Erlang A" if patience_s is not None else "Erlang C"
    productive = float(report.productive_agents[0])
    capped = for_service is not None and productive > for_service
    result: dict[str, Any] = {
        "model": model.lower().replace(" ", "_"),
        "traffic_erlangs": traffic,
        "productive_agents": productive,
        "service_level": _number(float(report.service_level[0])),
        "service_level_definition": report.service_level_definition,
        "asa_s": _number(float(report.asa_s[0])),
        "overloaded_share": float(report.overloaded[0]),
        "abandon_probability": float(report.abandon_probability[0]),
        "occupancy": float(report.occupancy[0]),
        "wait_probability": float(report.wait_probability[0]),
    }
    if agents is None:
        result["required"] = int(req.required[0])
        result["required_fractional"] = float(req.required_fractional[0])
        result["scheduled_needed"] = int(req.scheduled_needed[0])
        result["scheduled_needed_fractional"] = float(req.scheduled_needed_fractional[0])
        result["set_by"] = "occupancy_cap" if capped else "service_level"
        result["required_for_service_level"] = for_service
    else:
        result["agents"] = agents
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    lines = [
        f"traffic {traffic:.3f} Erlangs ({model}{', chat x' + str(concurrency) if concurrency > 1 else ''})"
    ]
    if agents is None:
        lines.append(
            f"required agents: {result['required']} (fractional {result['required_fractional']:.2f})"
        )
        lines.append(f"scheduled with {_percent(shrinkage)} shrinkage: {result['scheduled_needed']}")
        if capped:
            lines.append(
                f"set by the occupancy cap ({_percent(max_occupancy)}), not the service level: "
                f"{for_service} agents would meet {_percent(service_level)} in {target_answer_s:g} s"
            )
    else:
        lines.append(f"agents: {agents}, productive after {_percent(shrinkage)} shrinkage: {productive:.2f}")
    lines.append(
        f"service level: {_percent(float(report.service_level[0]))} {report.service_level_definition}"
    )
    lines.append(f"probability of waiting: {_percent(result['wait_probability'])}")
    lines.append(_asa_line(float(report.asa_s[0]), float(report.overloaded[0])))
    if patience_s is not None:
        lines.append(f"abandonment: {_percent(result['abandon_probability'])}")
    lines.append(f"occupancy: {_percent(result['occupancy'])}")
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add the `erlang` command to `app`."""
    app.command("erlang")(erlang)

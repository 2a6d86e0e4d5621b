"""Scenarios, sweeps and pay from YAML/JSON mappings, checked field by field."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from common.errors import InvalidInput
from scheduler.scenarios.changes import (
    CHANGE_KINDS,
    AhtChange,
    Change,
    Headcount,
    OccupancyChange,
    Scenario,
    ShrinkageChange,
    StatisticChange,
    TargetChange,
    VolumeChange,
)
from scheduler.scenarios.plan import Contract, Pay


def change_from_mapping(data: Mapping[str, Any], where: str = "change") -> Change:
    """A change from a YAML/JSON mapping: `kind` (volume, aht, target, ...) and that change's fields.

    Raises:
        InvalidInput: an unknown kind or field, or a value of the wrong type.
    """
    if not isinstance(data, Mapping) or "kind" not in data:
        raise InvalidInput(f"{where}: a change needs a 'kind', one of {', '.join(CHANGE_KINDS)}")
    kind = str(data["kind"])
    cls = CHANGE_KINDS.get(kind)
    if cls is None:
        raise InvalidInput(f"{where}: unknown change kind {kind!r}; use one of {', '.join(CHANGE_KINDS)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields) - {"kind"})
    if unknown:
        raise InvalidInput(f"{where}: {kind} has no field {', '.join(unknown)}; it has {', '.join(fields)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind":
            continue
        values[name] = _typed(value, str(fields[name].type), f"{where}.{name}")
    try:
        return cls(**values)  # type: ignore[no-any-return]
    except TypeError as exc:
        raise InvalidInput(f"{where}: {kind} {exc}") from exc


def _typed(value: Any, annotation: str, where: str) -> Any:
    if value is None:
        if "None" in annotation:
            return None
        raise InvalidInput(f"{where}: a value is needed")
    if annotation.startswith("tuple"):
        items = [value] if isinstance(value, str | int | float) else value
        if not isinstance(items, list | tuple):
            raise InvalidInput(f"{where}: give a list")
        inner = "float" if "float" in annotation else "str"
        return tuple(_typed(v, inner, where) for v in items)
    if annotation.startswith("float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{where}: {value!r} is not a number")
        return float(value)
    if annotation.startswith("int"):
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        ):
            raise InvalidInput(f"{where}: {value!r} is not a whole number")
        return int(value)
    if isinstance(value, dict | list):
        raise InvalidInput(f"{where}: {value!r} is not text")
    return str(value)


def scenario_from_mapping(data: Mapping[str, Any], where: str = "scenario") -> Scenario:
    """A scenario from `{name, changes: [...]}`."""
    if not isinstance(data, Mapping) or not str(data.get("name", "")).strip():
        raise InvalidInput(f"{where}: a scenario needs a name")
    unknown = sorted(set(data) - {"name", "changes"})
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s) {', '.join(unknown)}; a scenario has name and changes")
    changes = data.get("changes") or []
    if not isinstance(changes, list):
        raise InvalidInput(f"{where}.changes: give a list of changes")
    name = str(data["name"]).strip()
    return Scenario(
        name, tuple(change_from_mapping(c, f"{where} {name!r}.changes[{i}]") for i, c in enumerate(changes))
    )


SWEEP_AXES: dict[str, Callable[[Any], Change]] = {
    "volume": lambda x: VolumeChange(multiplier=x),
    "aht_add_s": lambda x: AhtChange(add_s=x),
    "aht_multiplier": lambda x: AhtChange(multiplier=x),
    "service_level": lambda x: TargetChange(service_level=x),
    "target_answer_s": lambda x: TargetChange(target_answer_s=x),
    "response_hours": lambda x: TargetChange(response_hours=x),
    "shrinkage": lambda x: ShrinkageChange(shrinkage=x),
    "max_occupancy": lambda x: OccupancyChange(max_occupancy=x),
    "headcount": lambda x: Headcount(agents=x),
    "statistic": lambda x: StatisticChange(statistic=x),
}
_AXIS_TYPES = {"headcount": "int", "statistic": "str"}


def sweep(axes: Mapping[str, Sequence[Any]], limit: int = 10_000) -> list[Scenario]:
    """Every combination of the axes' values, e.g. `{"volume": [0.8, 1.0, 1.2], "headcount": [12, 14]}`.

    Raises:
        InvalidInput: an unknown axis, an empty one, or more than `limit` scenarios.
    """
    if not axes:
        raise InvalidInput(f"a sweep needs at least one axis: {', '.join(SWEEP_AXES)}")
    unknown = sorted(set(axes) - set(SWEEP_AXES))
    if unknown:
        raise InvalidInput(f"unknown sweep axis {', '.join(unknown)}; use {', '.join(SWEEP_AXES)}")
    typed: dict[str, list[Any]] = {}
    for name, values in axes.items():
        if not isinstance(values, list | tuple) or not values:
            raise InvalidInput(f"sweep axis {name!r}: give a non-empty list of values")
        typed[name] = [_typed(v, _AXIS_TYPES.get(name, "float"), f"sweep.{name}") for v in values]
    size = math.prod(len(v) for v in typed.values())
    if size > limit:
        raise InvalidInput(f"the sweep has {size} scenarios; at most {limit} are allowed")
    out = []
    for combo in itertools.product(*typed.values()):
        name = ", ".join(
            f"{axis}={value:g}" if isinstance(value, float) else f"{axis}={value}"
            for axis, value in zip(typed, combo, strict=True)
        )
        out.append(
            Scenario(name, tuple(SWEEP_AXES[axis](value) for axis, value in zip(typed, combo, strict=True)))
        )
    return out


def pay_from_mapping(data: Mapping[str, Any] | None) -> Pay:
    """Pay from `{default_hourly_rate, agents: {id: rate}, contracts: {name: {...}}, agent_contracts: {id: name}}`."""
    if not data:
        return Pay()
    unknown = sorted(set(data) - {"default_hourly_rate", "agents", "contracts", "agent_contracts"})
    if unknown:
        raise InvalidInput(f"pay: unknown field(s) {', '.join(unknown)}")
    contracts = {}
    for name, c in (data.get("contracts") or {}).items():
        extra = sorted(set(c) - {"min_hours_per_week", "max_hours_per_week", "hourly_rate"})
        if extra:
            raise InvalidInput(f"pay.contracts.{name}: unknown field(s) {', '.join(extra)}")
        contracts[str(name)] = Contract(
            **{k: _typed(v, "float | None", f"pay.contracts.{name}.{k}") for k, v in c.items()}
        )
    default = data.get("default_hourly_rate")
    return Pay(
        default_hourly_rate=None if default is None else _typed(default, "float", "pay.default_hourly_rate"),
        agent_rates={
            str(k): _typed(v, "float", f"pay.agents.{k}") for k, v in (data.get("agents") or {}).items()
        },
        contracts=contracts,
        agent_contracts={str(k): str(v) for k, v in (data.get("agent_contracts") or {}).items()},
    )

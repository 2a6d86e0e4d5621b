"""Team files as people write them: YAML times unquoted, a key or a zone misspelt.

YAML 1.1 (PyYAML) reads an unquoted `15:00` as the number 900 (base-60 minutes and seconds); the
loader here reads anything shaped like a time of day as text instead. Errors about the team say
which agent they concern and suggest the key or zone that was probably meant.
"""

from __future__ import annotations

import difflib
import json
import re
import zoneinfo
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from api.importers.zones import near_zone_name
from api.schemas import TeamIn, shown_value, team_from_mapping
from api.text import control_character
from api.validation_words import UNKNOWN_KEY
from common.errors import InputIssue, InvalidInput
from scheduler import Team

_CLOCK = re.compile(r"^(?:[01]?\d|2[0-4]):[0-5]\d(?::[0-5]\d)?$")


class TeamLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with times of day (9:30, 15:00) read as text rather than base-60 numbers,
    and a key given twice in one mapping refused (PyYAML keeps the last without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice (lines {seen[key]} and {key_node.start_mark.line + 1}); "
                    "keep one",
                    key_node.start_mark,
                )
            if isinstance(key, str | int | float | bool):
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


TeamLoader.yaml_implicit_resolvers = {
    first: list(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _digit in "0123456789":
    TeamLoader.yaml_implicit_resolvers.setdefault(_digit, []).insert(0, ("tag:yaml.org,2002:str", _CLOCK))


def load_mapping(path: Path) -> dict[str, Any]:
    """The mapping at the top of a YAML or JSON file.

    Raises:
        InvalidInput: the file is missing, unreadable, or holds something else than a mapping.
    """
    if not path.is_file():
        raise InvalidInput([InputIssue("file not found", str(path))])
    try:
        text = path.read_text(encoding="utf-8")
        data = (
            json.loads(text, object_pairs_hook=once_each)
            if path.suffix.lower() == ".json"
            else yaml.load(text, Loader=TeamLoader)  # a SafeLoader
        )
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: JSON errors and keys twice
        raise InvalidInput([InputIssue(f"cannot parse the file: {exc}", str(path))]) from exc
    except RecursionError as exc:
        raise InvalidInput([InputIssue("cannot parse the file: it is nested too deeply", str(path))]) from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            [InputIssue("the file must hold a mapping (keys and values) at the top", str(path))]
        )
    return data


class RepeatedKey(ValueError):
    """A JSON object gives a key twice."""


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once (`json.loads`' `object_pairs_hook`: json keeps the
    last of a key given twice, without a word).

    Raises:
        RepeatedKey: naming the key.
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise RepeatedKey(f"the key {key!r} is given twice in one object; keep one")
        out[key] = value
    return out


def _keys_of(model: type[BaseModel], seen: set[str]) -> set[str]:
    """Every field name of a schema and of the schemas inside it."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for arg in _types_in(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg.__name__ not in seen:
                seen.add(arg.__name__)
                keys |= _keys_of(arg, seen)
    return keys


def _types_in(annotation: Any) -> list[Any]:
    args = list(getattr(annotation, "__args__", ()) or ())
    return [annotation, *(t for a in args for t in _types_in(a))]


TEAM_KEYS: frozenset[str] = frozenset(_keys_of(TeamIn, set()))


def _agent_named(data: dict[str, Any], column: str | None) -> str | None:
    """'agents.3.tz' → 'agents.3.tz (Maya Lopez)': errors name the agent, not only its position."""
    match = re.match(r"^agents\.(\d+)(\.|$)", column or "")
    agents = data.get("agents")
    if match is None or not isinstance(agents, list) or int(match.group(1)) >= len(agents):
        return column
    agent = agents[int(match.group(1))]
    names = [agent.get("name"), agent.get("id")] if isinstance(agent, dict) else []
    # a name that is not one line of plain text would garble the message: the id, or the position only
    who = next((n for n in names if isinstance(n, str) and n.strip() and control_character(n) is None), None)
    return f"{column} ({shown_value(who)})" if who else column


def _explained(issue: InputIssue, data: dict[str, Any]) -> InputIssue:
    reason = issue.reason
    last = (issue.column or "").rsplit(".", 1)[-1]
    if reason == UNKNOWN_KEY:
        near = difflib.get_close_matches(last, sorted(TEAM_KEYS), n=1, cutoff=0.7)
        reason = f"unknown key {last!r}" + (f"; did you mean {near[0]!r}?" if near else "")
    return InputIssue(reason, issue.file, issue.row, _agent_named(data, issue.column), issue.value)


def _zone_issues(data: dict[str, Any]) -> list[InputIssue]:
    """Unknown zones of the team and its agents, with the zone probably meant."""
    places: list[tuple[str, Any]] = [("tz", data.get("tz"))]
    agents = data.get("agents")
    if isinstance(agents, list):
        places += [(f"agents.{i}.tz", a.get("tz")) for i, a in enumerate(agents) if isinstance(a, dict)]
    issues = []
    for column, value in places:
        if not isinstance(value, str) or value in zoneinfo.available_timezones():
            continue
        meant = near_zone_name(value)
        hint = f"; did you mean {meant!r}?" if meant else "; use an IANA name such as 'Europe/London'"
        issues.append(InputIssue(f"unknown time zone{hint}", column=_agent_named(data, column), value=value))
    return issues


def team_from_file_mapping(data: dict[str, Any]) -> Team:
    """`team_from_mapping`, with errors that name the agent and suggest the key or zone meant."""
    zones = _zone_issues(data)
    try:
        team = team_from_mapping(data)
    except InvalidInput as exc:
        raise InvalidInput(
            zones + [_explained(i, data) for i in exc.issues if "time zone" not in i.reason or not zones]
        ) from exc
    if zones:
        raise InvalidInput(zones)
    return team

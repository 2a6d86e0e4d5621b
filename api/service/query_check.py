"""Every /v1 route refuses (422) a query parameter it does not take, and one given more than once
unless it takes a list: ignored, a typo such as `?dryrun=true` would store what the client meant to
check, and read as the last one, `?dry_run=true&dry_run=false` would do whichever came last.

The check runs as a dependency of every /v1 route (`deps.known_query`), and for a request with a body
before the body is read (`deps.AccessBeforeBody`): a misspelt `?dryrun` on a 20-MiB upload is refused
without reading it. A route's query parameters are those FastAPI reads for it: its own and its
dependencies', a model's fields for a parameter that is a model (`Annotated[Model, Query()]`)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_validation_alias
from fastapi.params import Query
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from starlette.datastructures import QueryParams

from common.errors import InputIssue

MAX_QUERY_ISSUES = 20  # a query of thousands of names gets the first ones, not an answer of megabytes
_MANY = (list, tuple, set, frozenset)


def _many(annotation: Any) -> bool:
    """Whether a parameter of this type is given once per value (`?map_queue=a&map_queue=b`)."""
    if get_origin(annotation) in (Union, UnionType):
        return any(_many(a) for a in get_args(annotation))
    return annotation in _MANY or get_origin(annotation) in _MANY


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model whose fields are the query parameters of a parameter of this type (or None)."""
    if get_origin(annotation) in (Union, UnionType):
        models = [m for a in get_args(annotation) if (m := _model_of(a)) is not None]
        return models[0] if models else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _request_key(name: str, info: FieldInfo) -> str:
    """The name a model's field is read by from a query."""
    return info.validation_alias if isinstance(info.validation_alias, str) else info.alias or name


def _fields(dependant: Dependant) -> Iterator[tuple[str, Any]]:
    """The name and type of each query parameter of `dependant` and its dependencies."""
    pending = [dependant]
    while pending:
        node = pending.pop(0)
        pending.extend(node.dependencies)
        for field in node.query_params:
            info = field.field_info
            model = _model_of(info.annotation) if isinstance(info, Query) else None
            if model is None:
                yield get_validation_alias(field), info.annotation
                continue
            for name, model_info in model.model_fields.items():
                yield _request_key(name, model_info), model_info.annotation


def declared_query(dependant: Dependant) -> dict[str, bool]:
    """The query parameters a route takes, in their order, each with whether it may be given more than
    once."""
    declared: dict[str, bool] = {}
    for name, annotation in _fields(dependant):
        declared.setdefault(name, _many(annotation))
    return declared


def _issue(name: str, values: list[str], declared: dict[str, bool]) -> InputIssue | None:
    """What is wrong with a parameter given `values` (None: nothing)."""
    if name not in declared:
        takes = f"it takes: {', '.join(declared)}" if declared else "it takes no query parameters"
        reason = f"not a parameter of this route; {takes}"
    elif len(values) > 1 and not declared[name]:
        reason = f"given {len(values)} times; give it once"
    else:
        return None
    return InputIssue(reason, column=f"query.{name}", value=", ".join(values))


def query_issues(query: QueryParams, declared: dict[str, bool]) -> list[InputIssue]:
    """What is wrong with a request's query: each parameter the route does not take, and each it takes
    once that is given more than once (the first `MAX_QUERY_ISSUES`). One pass over the query: a query
    of tens of thousands of names costs milliseconds, not the event loop's seconds."""
    values: dict[str, list[str]] = {}
    for name, value in query.multi_items():
        values.setdefault(name, []).append(value)
    issues = (_issue(name, given, declared) for name, given in values.items())
    return list(islice((issue for issue in issues if issue is not None), MAX_QUERY_ISSUES))

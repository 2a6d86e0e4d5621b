"""A validation error in a lead's words: "must be at most 16", not "Input should be less than or
equal to 16". One place for every refusal that pydantic's checks make (the service's request bodies,
team files, job parameters, a sheet of agents)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic_core import ErrorDetails


def _number(value: Any) -> str:
    """A bound as a lead reads it: 16, not 16.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _items(n: Any) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _characters(n: Any) -> str:
    return f"{n} character" if n == 1 else f"{n} characters"


UNKNOWN_KEY = "is not a setting this takes (check its spelling)"

# pydantic's error types, each in words (`ctx` holds the bound or the choices)
_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "less_than_equal": lambda c: f"must be at most {_number(c.get('le'))}",
    "less_than": lambda c: f"must be less than {_number(c.get('lt'))}",
    "greater_than_equal": lambda c: f"must be at least {_number(c.get('ge'))}",
    "greater_than": lambda c: f"must be more than {_number(c.get('gt'))}",
    "multiple_of": lambda c: f"must be a multiple of {_number(c.get('multiple_of'))}",
    "int_parsing": lambda c: "must be a whole number",
    "int_type": lambda c: "must be a whole number",
    "int_from_float": lambda c: "must be a whole number",
    "float_parsing": lambda c: "must be a number",
    "float_type": lambda c: "must be a number",
    "finite_number": lambda c: "must be a number (not infinity or NaN)",
    "decimal_parsing": lambda c: "must be a number",
    "bool_parsing": lambda c: "must be true or false",
    "bool_type": lambda c: "must be true or false",
    "string_type": lambda c: "must be text",
    "string_too_short": lambda c: (
        "must not be empty"
        if c.get("min_length") == 1
        else f"must be at least {_characters(c.get('min_length'))}"
    ),
    "string_too_long": lambda c: f"must be at most {_characters(c.get('max_length'))}",
    "too_short": lambda c: f"must have at least {_items(c.get('min_length'))}",
    "too_long": lambda c: f"must have at most {_items(c.get('max_length'))}",
    "list_type": lambda c: "must be a list",
    "tuple_type": lambda c: "must be a list",
    "dict_type": lambda c: "must be a mapping of names to values",
    "model_type": lambda c: "must be a mapping of names to values",
    "model_attributes_type": lambda c: "must be a mapping of names to values",
    "missing": lambda c: "is required",
    "extra_forbidden": lambda c: UNKNOWN_KEY,
    "literal_error": lambda c: f"must be one of {c.get('expected')}",
    "enum": lambda c: f"must be one of {c.get('expected')}",
    "date_parsing": lambda c: "must be a date, YYYY-MM-DD",
    "date_type": lambda c: "must be a date, YYYY-MM-DD",
    "date_from_datetime_parsing": lambda c: "must be a date, YYYY-MM-DD",
    "date_from_datetime_inexact": lambda c: "must be a date without a time, YYYY-MM-DD",
    "datetime_parsing": lambda c: "must be a date and time, YYYY-MM-DDTHH:MM with its offset (e.g. Z)",
    "datetime_type": lambda c: "must be a date and time, YYYY-MM-DDTHH:MM with its offset (e.g. Z)",
    "datetime_from_date_parsing": lambda c: (
        "must be a date and time, YYYY-MM-DDTHH:MM with its offset (e.g. Z)"
    ),
    "time_parsing": lambda c: "must be a time of day, HH:MM",
    "time_type": lambda c: "must be a time of day, HH:MM",
    "json_invalid": lambda c: f"is not JSON that can be read ({c.get('error')})",
}


def reason_of(error: ErrorDetails) -> str:
    """Why a value was refused, in words: a validator's own message as it wrote it, pydantic's usual
    checks as above, anything else in pydantic's words."""
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    cause = ctx.get("error")
    if error["type"] in ("value_error", "assertion_error") and isinstance(cause, Exception):
        return str(cause)  # the validator's message, not "Value error, ..."
    words = _WORDS.get(error["type"])
    return words(ctx) if words is not None else error["msg"]

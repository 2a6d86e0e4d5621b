"""Refusals of pydantic's checks in a lead's words, not the validator's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from api.validation_words import reason_of


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: Annotated[float, Field(ge=0, le=16)] = 8.0
    days: Annotated[int, Field(gt=0)] = 5
    name: Annotated[str, Field(min_length=1, max_length=5)] = "a"
    day: date = date(2026, 11, 2)
    kind: Literal["email", "chat"] = "email"
    lengths: Annotated[list[float], Field(max_length=2)] = []

    @field_validator("name")
    @classmethod
    def _no_x(cls, value: str) -> str:
        if "x" in value:
            raise ValueError("a name may not hold an x")
        return value


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"hours": 30}, "must be at most 16"),
        ({"hours": -1}, "must be at least 0"),
        ({"hours": "eight"}, "must be a number"),
        ({"days": 0}, "must be more than 0"),
        ({"days": 2.5}, "must be a whole number"),
        ({"name": ""}, "must not be empty"),
        ({"name": "abcdefg"}, "must be at most 5 characters"),
        ({"name": "xy"}, "a name may not hold an x"),
        ({"day": "02/11/2026"}, "must be a date, YYYY-MM-DD"),
        ({"kind": "voice"}, "must be one of 'email' or 'chat'"),
        ({"lengths": [1, 2, 3]}, "must have at most 2 items"),
        ({"colour": "red"}, "is not a setting this takes (check its spelling)"),
    ],
)
def test_each_refusal_reads_as_a_lead_would_say_it(data: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(data)
    (error,) = caught.value.errors()
    assert reason_of(error) == words


def test_an_error_of_a_kind_not_worded_keeps_pydantics_words() -> None:
    error = {"type": "url_parsing", "loc": ("x",), "msg": "Input should be a valid URL", "input": "?"}
    assert reason_of(error) == "Input should be a valid URL"  # type: ignore[arg-type]

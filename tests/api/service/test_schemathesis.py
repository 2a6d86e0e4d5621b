"""Schemathesis over the OpenAPI document, in-process, with all its checks: no 5xx, statuses, content
types, headers and bodies as documented, data the schema refuses is refused, data it allows is
accepted, and every route that needs a token refuses a request without one.

Every operation gets a few generated requests of each kind (valid and invalid by the schema), from a
fixed seed, with an admin token and a stored team (so some paths exist). Valid data may still be
refused with a 422: the schema cannot say that a zone exists, or that requirements fall in the week
asked for, and the service names such a problem in a 422.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode

MAX_EXAMPLES = 3  # per operation and mode: a few hundred requests in all
ACCEPTED = ["2xx", "401", "403", "404", "409", "422"]


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers)  # every check schemathesis has

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_to_its_schema_under_all_checks(
    client: TestClient, admin: dict[str, str], team_id: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    schema.config.checks.positive_data_acceptance.expected_statuses = ACCEPTED
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        tested += 1
        try:
            _run(operation, mode, admin)
        except Unsatisfiable:  # nothing to get wrong: a route without parameters or body
            assert mode == GenerationMode.NEGATIVE
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.label} ({mode}): {exc}")
    assert tested > 40
    assert not failures, "\n\n".join(failures)

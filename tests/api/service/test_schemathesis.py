"""A schemathesis run over the OpenAPI document, in-process: no 5xx and responses that match the schema.

Every operation gets a few generated requests (an admin token, a stored team so some paths exist);
each answer is checked by `not_a_server_error` and `response_schema_conformance`.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance]


def _run(operation: Any, headers: dict[str, str]) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_every_operation_answers_within_its_schema(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        tested += 1
        try:
            _run(operation, admin)
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert tested > 0
    assert not failures, "\n\n".join(failures)

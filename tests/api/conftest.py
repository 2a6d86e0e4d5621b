"""The CLI's solves in these tests count solver work units, not seconds (`QUICK`): a machine busy
with other work gives the same rosters and never runs a solve out of wall-clock time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import scheduler
from tests.scheduler.roster.factories import QUICK


@pytest.fixture(scope="session", autouse=True)
def cli_solves_count_work_units() -> Iterator[None]:
    """`scheduler.SolveSettings` as the CLI commands import it, with QUICK's work units unless given."""
    real = scheduler.SolveSettings

    def settings(**given: Any) -> scheduler.SolveSettings:
        given.setdefault("deterministic_time_limit_s", QUICK.deterministic_time_limit_s)
        return real(**given)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scheduler, "SolveSettings", settings)
        yield

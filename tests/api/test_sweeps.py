"""Sweeps on Ray: the same scenarios and table as the local runner, on a local Ray instance."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pandas as pd
import pytest

from api.sweeps import RayRunner, runner_for, shutdown_ray
from scheduler.scenarios import BasePlan, LocalRunner, compare, sweep
from tests.scheduler.scenarios.factories import small_plan

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="ray is not installed (pip install -e '.[ray]')"
)


@pytest.fixture(scope="module")
def plan() -> BasePlan:
    return small_plan()


def test_the_runner_follows_the_configuration() -> None:
    assert runner_for(1, None) == LocalRunner(1)
    assert runner_for(3, "") == LocalRunner(3)
    assert runner_for(1, "local") == RayRunner("local")


@pytest.fixture
def local_ray(monkeypatch: pytest.MonkeyPatch) -> Iterator[RayRunner]:
    # Ray starts its workers at nice 15 (its `worker_niceness`): on a machine busy with other work
    # they would wait behind it, and this test with them; the test's workers run at the usual priority
    monkeypatch.setenv("RAY_worker_niceness", "0")
    yield RayRunner("local", num_cpus=1)
    shutdown_ray()


@needs_ray
def test_a_sweep_on_local_ray_gives_the_local_table(plan: BasePlan, local_ray: RayRunner) -> None:
    scenarios = sweep({"volume": [0.9, 1.2]})  # few: Ray's start is what takes the time
    seen: list[int] = []
    on_ray = compare(
        plan, scenarios, "staffing", runner=local_ray, on_progress=lambda d, _t, _r: seen.append(d)
    )
    local = compare(plan, scenarios, "staffing")
    pd.testing.assert_frame_equal(on_ray.frame(), local.frame())
    assert sorted(seen) == [1, 2, 3]

"""The table of change functions: every kind of change a scenario file may name has its function."""

from __future__ import annotations

from scheduler.scenarios.changes import CHANGE_KINDS
from scheduler.scenarios.variants import CHANGE_FUNCTIONS


def test_every_change_kind_has_a_change_function() -> None:
    assert set(CHANGE_FUNCTIONS) == set(CHANGE_KINDS.values())

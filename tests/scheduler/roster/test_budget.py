"""The time budget of a solve: where its phases end (instants computed, no clock read)."""

from __future__ import annotations

import pytest

from scheduler.roster.solve import DESCENT_SHARES, Budget


@pytest.mark.parametrize(("limit_s", "agents"), [(10.0, 15), (10.0, 60), (30.0, 60)])
def test_descents_stop_by_their_shares_of_the_search_and_before_the_moves(
    limit_s: float, agents: int
) -> None:
    budget = Budget(limit_s, started=1000.0, agents=agents).paced(0.03)
    first, second = budget.descent_deadline(0), budget.descent_deadline(1)
    search_s = budget.search_deadline - budget.started
    assert first == pytest.approx(budget.started + DESCENT_SHARES[0] * search_s)
    assert second == pytest.approx(budget.started + DESCENT_SHARES[1] * search_s)
    assert budget.started < first < second < budget.moves_deadline <= budget.search_deadline

"""The time budget of a solve: where its phases end (instants computed, no clock read)."""

from __future__ import annotations

import pytest

from scheduler.roster.solve import EXACT_DESCENT_SHARE, FIRST_DESCENT_SHARE, Budget


@pytest.mark.parametrize(("limit_s", "agents"), [(10.0, 15), (10.0, 60), (30.0, 60)])
def test_descents_stop_by_their_shares_of_the_search_and_before_the_moves(
    limit_s: float, agents: int
) -> None:
    budget = Budget(limit_s, started=1000.0, agents=agents).paced(0.03)
    first, second = budget.first_descent_deadline, budget.exact_descent_deadline
    search_s = budget.search_deadline - budget.started
    assert first == pytest.approx(budget.started + FIRST_DESCENT_SHARE * search_s)
    assert second == pytest.approx(budget.started + EXACT_DESCENT_SHARE * search_s)
    assert budget.started < first < second < budget.moves_deadline <= budget.search_deadline

"""Erlang B/C/A and chat: published reference cases, an exact oracle, properties and bad input."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from common.errors import InvalidInput
from scheduler.staffing import erlang
from scheduler.staffing.queues import scheduled_needed

REFERENCE_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "erlang"


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    if not path.is_file():
        pytest.skip(f"reference file {path} is absent: the shared Erlang benchmarks are not checked out here")
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _reference_ids() -> list[str]:
    path = REFERENCE_DIR / "reference.csv"
    if not path.is_file():
        return ["reference.csv absent"]
    with path.open(newline="") as handle:
        return [row["case_id"] for row in csv.DictReader(handle)]


def _tolerance(case: dict[str, str], column: str) -> float:
    """Half a unit of the last published digit: from the value as written and from `published_precision`."""
    text = case[column]
    decimals = len(text.split(".")[1]) if "." in text else 0
    written = 0.5 * 10.0**-decimals
    precision = case["published_precision"]
    value = abs(float(text))
    if case["case_id"] == "EA01" and column == "exp_asa_s":
        return 60 * 0.5e-6  # published as 0.069919 minutes
    if column == "exp_occupancy" and (m := re.search(r"occupancy (\d+)", precision)):
        return max(written, 0.5 * 10.0 ** -int(m.group(1)))
    if m := re.search(r"(\d+)(?:-\d+)? significant", precision):
        digits = int(m.group(1))
        return max(written, 0.5 * 10.0 ** (math.floor(math.log10(value)) - digits + 1))
    if m := re.search(r"(\d+)(?:-\d+)? decimals", precision):
        return max(written, 0.5 * 10.0 ** -int(m.group(1)))
    return written


def _inputs(case: dict[str, str]) -> tuple[float, float, float]:
    """Traffic (Erlangs), AHT (s) and answer target (s) of a reference case."""
    aht = float(case["aht_s"]) if case["aht_s"] else 1.0
    if case["calls_per_interval"]:
        traffic = float(case["calls_per_interval"]) * aht / float(case["interval_s"])
    else:
        traffic = float(case["traffic_erlangs"])
    target = float(case["target_answer_s"]) if case["target_answer_s"] else 0.0
    return traffic, aht, target


_METRIC_OF = {
    "exp_service_level": "service_level",
    "exp_wait_probability": "wait_probability",
    "exp_asa_s": "asa_s",
    "exp_occupancy": "occupancy",
    "exp_abandon_probability": "abandon_probability",
}


@pytest.mark.parametrize("case_id", _reference_ids())
def test_reproduces_published_reference_case(case_id: str) -> None:
    case = next(row for row in _rows("reference.csv") if row["case_id"] == case_id)
    traffic, aht, target = _inputs(case)
    patience = float(case["patience_s"]) if case["patience_s"] else None
    if case["query"] == "staff":
        req = erlang.live_required(
            traffic,
            aht,
            target_answer_s=target,
            service_level=float(case["sl_target"]),
            max_occupancy=float(case["max_occupancy"]) if case["max_occupancy"] else 1.0,
            patience_s=patience,
        )
        assert int(req.agents) == int(case["exp_agents_raw"])
        if case["exp_agents_with_shrinkage"]:
            assert int(scheduled_needed(req.agents, float(case["shrinkage"]))) == int(
                case["exp_agents_with_shrinkage"]
            )
        metrics = req.metrics
    else:
        metrics = erlang.live_metrics(int(case["agents"]), traffic, aht, target, patience_s=patience)
    checked = 0
    for column, field in _METRIC_OF.items():
        if case[column]:
            got = float(getattr(metrics, field))
            assert got == pytest.approx(float(case[column]), abs=_tolerance(case, column)), column
            checked += 1
    if case["exp_immediate_answer"]:
        immediate = 1.0 - float(metrics.wait_probability)
        assert immediate == pytest.approx(
            float(case["exp_immediate_answer"]), abs=_tolerance(case, "exp_immediate_answer")
        )
    assert checked or case["query"] == "staff"


def test_reproduces_erlang_a_regression_points() -> None:
    rows = _rows("erlang_a_computed.csv")
    agents = np.array([int(r["agents"]) for r in rows])
    calls, interval, aht, target, patience = (
        np.array([float(r[c]) for r in rows])
        for c in ("calls_per_interval", "interval_s", "aht_s", "target_answer_s", "patience_s")
    )
    m = erlang.erlang_a_metrics(agents, calls * aht / interval, aht, target, patience)
    for column, got, decimals in (
        ("service_level", m.service_level, 6),
        ("wait_probability", m.wait_probability, 6),
        ("abandon_probability", m.abandon_probability, 6),
        ("asa_all_arrivals_s", m.asa_s, 5),
        ("occupancy", m.occupancy, 6),
    ):
        expected = np.array([float(r[column]) for r in rows])
        # ASA is printed with 5 decimals but derives from P(abandon) rounded at 6: allow one more unit.
        slack = 1.0 if column != "asa_all_arrivals_s" else 1e-5 * 1.0 / 0.5e-5
        np.testing.assert_allclose(got, expected, rtol=0, atol=0.5 * 10.0**-decimals * slack)


def test_erlang_a_with_pyworkforce_targets_needs_13_agents() -> None:
    req = erlang.erlang_a_required(
        10.0, 180.0, 300.0, target_answer_s=20, service_level=0.8, max_occupancy=0.85, max_abandon=0.05
    )
    assert int(req.agents) == 13
    assert int(scheduled_needed(req.agents, 0.3)) == 19


# --------------------------------------------------------------------------------------------- oracle


def _erlang_a_exact(n: int, traffic: float, aht: float, target: float, patience: float) -> tuple[float, ...]:
    """Birth-death chain of M/M/N+M truncated far out, and the tagged customer's chain via expm.

    Returns SL (answered within `target` over all arrivals), Pw, P(abandon), occupancy.
    """
    mu, theta = 1.0 / aht, 1.0 / patience
    lam = traffic * mu
    size = n + 400
    log_pi = np.zeros(size)
    for k in range(1, size):
        death = min(k, n) * mu + max(k - n, 0) * theta
        log_pi[k] = log_pi[k - 1] + math.log(lam / death)
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    pw = pi[n:].sum()
    abandon = theta * float(np.dot(np.arange(size - n), pi[n:])) / lam
    busy = float(np.dot(np.minimum(np.arange(size), n), pi))
    # Tagged arrival with j waiting ahead: states j = 0..J, then "served", "abandoned".
    ahead = size - n
    q = np.zeros((ahead + 2, ahead + 2))
    served, gone = ahead, ahead + 1
    for j in range(ahead):
        q[j, j - 1 if j else served] += n * mu + j * theta
        q[j, gone] += theta
        q[j, j] = -q[j].sum()
    within = expm(q * target)[:ahead, served]
    sl = pi[:n].sum() + float(np.dot(pi[n:], within))
    return sl, pw, abandon, busy / n


@pytest.mark.parametrize(
    ("agents", "traffic", "aht", "target", "patience"),
    [
        (14, 10.0, 180.0, 20.0, 300.0),
        (5, 8.0, 300.0, 30.0, 60.0),
        (30, 25.0, 240.0, 0.0, 120.0),
        (1, 0.3, 600.0, 60.0, 900.0),
    ],
)
def test_erlang_a_matches_exact_birth_death_chain(
    agents: int, traffic: float, aht: float, target: float, patience: float
) -> None:
    m = erlang.erlang_a_metrics(agents, traffic, aht, target, patience)
    sl, pw, abandon, occupancy = _erlang_a_exact(agents, traffic, aht, target, patience)
    assert float(m.service_level) == pytest.approx(sl, abs=1e-9)
    assert float(m.wait_probability) == pytest.approx(pw, abs=1e-9)
    assert float(m.abandon_probability) == pytest.approx(abandon, abs=1e-9)
    assert float(m.occupancy) == pytest.approx(occupancy, abs=1e-9)


def test_erlang_a_answered_basis_divides_by_answered_contacts() -> None:
    offered = erlang.erlang_a_metrics(12, 10.0, 180.0, 20.0, 300.0)
    answered = erlang.erlang_a_metrics(12, 10.0, 180.0, 20.0, 300.0, basis="answered")
    assert answered.service_level_basis == "answered"
    expected = float(offered.service_level) / (1 - float(offered.abandon_probability))
    assert float(answered.service_level) == pytest.approx(expected)


# --------------------------------------------------------------------------------------------- numerics


def test_erlang_b_recursion_and_log_space_agree() -> None:
    agents = np.array([3000, 4000, 5000, 7000])
    traffic = np.array([2950.0, 4100.0, 4990.0, 6500.0])
    np.testing.assert_allclose(
        erlang._erlang_b_recursive(agents, traffic), erlang._erlang_b_log(agents, traffic), rtol=1e-9
    )


def test_large_queue_is_stable() -> None:
    m = erlang.erlang_c_metrics(12421, 12345.0, 300.0, 20.0)
    assert float(m.wait_probability) == pytest.approx(0.3812250, abs=5e-7)
    req = erlang.erlang_c_required(12345.0, 300.0, target_answer_s=20, service_level=0.8)
    assert 12345 < int(req.agents) < 12500
    assert np.isfinite(req.metrics.service_level).all()


def test_zero_traffic_needs_no_agents() -> None:
    req = erlang.live_required(
        [0.0, 0.0], 300.0, target_answer_s=20, service_level=0.8, patience_s=[np.inf, 60]
    )
    assert req.agents.tolist() == [0, 0]
    assert req.agents_fractional.tolist() == [0.0, 0.0]
    assert req.metrics.service_level.tolist() == [1.0, 1.0]


def test_overloaded_erlang_c_reports_no_service() -> None:
    m = erlang.erlang_c_metrics([0, 5, 10], 10.0, 180.0, 20.0)
    assert m.service_level.tolist() == [0.0, 0.0, 0.0]
    assert np.isinf(m.asa_s).all()


def test_asa_target_binds_when_stricter() -> None:
    loose = erlang.erlang_c_required(10.0, 180.0, target_answer_s=20, service_level=0.8)
    strict = erlang.erlang_c_required(10.0, 180.0, target_answer_s=20, service_level=0.8, max_asa_s=2.0)
    assert int(strict.agents) > int(loose.agents)
    assert float(strict.metrics.asa_s) <= 2.0


def test_chat_agents_hold_concurrency_slots() -> None:
    # 3 chats at once per agent: the slot count is the voice answer on the same traffic.
    slots = erlang.erlang_c_required(10.0, 600.0, target_answer_s=60, service_level=0.8, max_occupancy=0.85)
    chat = erlang.chat_required(10.0, 600.0, 3, target_answer_s=60, service_level=0.8, max_occupancy=0.85)
    assert int(chat.agents) == math.ceil(int(slots.agents) / 3)
    assert float(chat.metrics.service_level) >= 0.8
    assert float(chat.metrics.occupancy) == pytest.approx(10.0 / (3 * int(chat.agents)))


def test_vectorised_result_equals_one_by_one() -> None:
    traffic = np.array([[0.4, 3.2, 11.7], [25.0, 0.0, 60.3]])
    together = erlang.erlang_c_required(
        traffic, 300.0, target_answer_s=30, service_level=0.85, max_occupancy=0.9
    )
    for index, a in np.ndenumerate(traffic):
        alone = erlang.erlang_c_required(a, 300.0, target_answer_s=30, service_level=0.85, max_occupancy=0.9)
        assert together.agents[index] == int(alone.agents)
        assert together.agents_fractional[index] == pytest.approx(float(alone.agents_fractional))


# --------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"traffic_erlangs": -1.0}, "traffic"),
        ({"aht_s": 0.0}, "aht_s"),
        ({"service_level": 0.0}, "service_level"),
        ({"service_level": 1.0}, "service_level"),
        ({"service_level": 1.2}, "service_level"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"patience_s": 0.0}, "patience_s"),
        ({"concurrency": 0}, "concurrency"),
        ({"traffic_erlangs": float("nan")}, "missing"),
    ],
)
def test_bad_parameters_raise_clear_errors(kwargs: dict[str, float], message: str) -> None:
    args: dict[str, float] = {"traffic_erlangs": 10.0, "aht_s": 180.0, "service_level": 0.8}
    args.update(kwargs)
    with pytest.raises(InvalidInput, match=message):
        erlang.live_required(
            args.pop("traffic_erlangs"),
            args.pop("aht_s"),
            target_answer_s=20,
            **args,  # type: ignore[arg-type]
        )


def test_bad_agent_counts_raise() -> None:
    with pytest.raises(InvalidInput, match="whole"):
        erlang.erlang_c_metrics(2.5, 1.0, 180.0, 20.0)
    with pytest.raises(InvalidInput, match="zero or more"):
        erlang.erlang_c_metrics(-1, 1.0, 180.0, 20.0)


# --------------------------------------------------------------------------------------------- properties

traffic_st = st.floats(0.05, 80.0)
aht_st = st.floats(30.0, 900.0)
target_st = st.floats(0.0, 300.0)
share_st = st.floats(0.5, 0.9)


@settings(max_examples=40, deadline=None)
@given(traffic_st, aht_st, target_st, st.one_of(st.none(), st.floats(10.0, 3000.0)))
def test_service_level_lies_in_unit_interval_and_rises_with_agents(
    traffic: float, aht: float, target: float, patience: float | None
) -> None:
    agents = np.arange(0, int(traffic * 2) + 30)
    m = erlang.live_metrics(agents, traffic, aht, target, patience_s=patience)
    assert ((m.service_level >= 0) & (m.service_level <= 1)).all()
    assert (np.diff(m.service_level) >= -1e-9).all()  # rounding noise where SL is ~1e-12
    assert (np.diff(m.abandon_probability) <= 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(traffic_st, aht_st, target_st, share_st, st.floats(0.6, 1.0), st.floats(2.0, 20.0))
def test_erlang_a_needs_no_more_agents_than_erlang_c(
    traffic: float, aht: float, target: float, sl: float, cap: float, patience_over_target: float
) -> None:
    # Holds when patience is not short against the answer target (there abandonment caps the offered SL).
    patience = max(target * patience_over_target, 10.0)
    c = erlang.erlang_c_required(traffic, aht, target_answer_s=target, service_level=sl, max_occupancy=cap)
    a = erlang.erlang_a_required(
        traffic, aht, patience, target_answer_s=target, service_level=sl, max_occupancy=cap
    )
    assert int(a.agents) <= int(c.agents)


@settings(max_examples=40, deadline=None)
@given(
    traffic_st,
    aht_st,
    target_st,
    share_st,
    st.floats(0.6, 1.0),
    st.one_of(st.none(), st.floats(10.0, 3000.0)),
)
def test_requirement_is_the_smallest_count_meeting_every_target(
    traffic: float, aht: float, target: float, sl: float, cap: float, patience: float | None
) -> None:
    req = erlang.live_required(
        traffic, aht, target_answer_s=target, service_level=sl, max_occupancy=cap, patience_s=patience
    )
    n = int(req.agents)
    both = erlang.live_metrics([n - 1, n], traffic, aht, target, patience_s=patience)
    meets = (both.service_level >= sl) & (both.occupancy <= cap * (1 + 1e-12))
    assert meets.tolist() == [False, True]
    assert n - 1 < float(req.agents_fractional) <= n


@pytest.mark.parametrize("max_asa_s", [None, 15.0])
def test_guessed_search_equals_the_step_by_step_search(max_asa_s: float | None) -> None:
    """The fast Erlang C search (square-root guess, three counts checked) against the one-agent-at-a-time one.

    Wide parameters, so that some guesses miss and take the fallback, with blocks of several sizes.
    """
    rng = np.random.default_rng(5)
    size = 70_000
    traffic = np.concatenate([rng.uniform(0.001, 3.0, size // 2), rng.uniform(3.0, 600.0, size - size // 2)])
    aht = rng.choice([30.0, 180.0, 300.0, 900.0], size)
    target = rng.choice([0.0, 10.0, 20.0, 60.0, 600.0], size)
    sl = rng.uniform(0.5, 0.995, size)
    cap = rng.choice([0.7, 0.85, 1.0], size)
    asa = np.inf if max_asa_s is None else max_asa_s
    req = erlang.live_required(
        traffic, aht, target_answer_s=target, service_level=sl, max_occupancy=cap, max_asa_s=max_asa_s
    )
    steps = erlang._erlang_c_search_steps(
        traffic, aht, target, sl, cap, np.broadcast_to(np.asarray(asa, dtype=np.float64), (size,))
    )
    np.testing.assert_array_equal(req.agents, steps.agents.astype(np.int64))
    np.testing.assert_allclose(req.agents_fractional, steps.fractional, rtol=0, atol=1e-9)
    np.testing.assert_allclose(req.metrics.service_level, steps.service_level, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(req.metrics.wait_probability, steps.wait_probability, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(req.metrics.asa_s, steps.asa_s, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(req.metrics.occupancy, traffic / req.agents, rtol=1e-15)
    n = req.agents
    below = erlang.live_metrics(n - 1, traffic, aht, target)
    at = erlang.live_metrics(n, traffic, aht, target)

    def meets(m: erlang.QueueMetrics) -> np.ndarray:
        ok = (m.service_level >= sl) & (m.occupancy <= cap * (1 + 1e-12))
        return ok & (m.asa_s <= asa) if max_asa_s is not None else ok

    assert meets(at).all()
    assert not meets(below).any()


def test_run_wise_exp_and_bitwise_select_are_exact() -> None:
    rng = np.random.default_rng(3)
    runs = np.repeat(rng.uniform(-5.0, 0.0, 40), rng.integers(1, 500, 40))
    for x in (runs, rng.uniform(-5.0, 0.0, 1000), np.array([-1.0]), np.array([np.nan, np.nan, -np.inf, 0.0])):
        out = np.empty(x.size)
        erlang._exp_runs(x, out, np.empty(x.size, dtype=np.bool_))
        np.testing.assert_array_equal(out, np.exp(x))
    x = np.array([1.0, np.nan, -np.inf, 2.0])
    y = np.array([np.inf, 3.0, 4.0, -0.0])
    mask = np.empty(4, dtype=np.int64)
    erlang._select_mask(np.array([True, False, True, False]), mask)
    out = np.empty(4)
    erlang._select(mask, x, y, out)
    np.testing.assert_array_equal(out, [1.0, 3.0, -np.inf, -0.0])

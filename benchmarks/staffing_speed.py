"""Staffing speed and agreement: ours against pyworkforce's `ErlangC`, in the same run.

Workload: requirements for 672 quarter-hours (one week) x 4 queues x 100 what-if variants (volume
x0.8..x1.3, AHT x0.9..x1.2, service level 80/85/90 % in 20 s, occupancy cap 85 %), i.e. 268,800
Erlang C searches. pyworkforce (0.5.x on this Python) offers Erlang C only, so Erlang A is checked
against an exact birth-death computation on a sample instead, and timed on the full workload.

Run: `.venv/bin/python benchmarks/staffing_speed.py [--pyworkforce-intervals N] [--repeats R]`.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from scheduler.staffing.erlang import erlang_a_required, erlang_c_required, live_metrics

INTERVALS = 672
INTERVAL_S = 900.0
QUEUES = (
    ("voice-en", 40.0, 300.0),
    ("voice-es", 18.0, 420.0),
    ("chat", 25.0, 540.0),
    ("callback", 8.0, 240.0),
)
VARIANTS = 100
TARGET_ANSWER_S = 20.0
MAX_OCCUPANCY = 0.85
PATIENCE_S = 180.0

FloatArray = npt.NDArray[np.float64]


def workload(seed: int = 7) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Volume, AHT and SL target, each shaped (variants, queues, intervals)."""
    rng = np.random.default_rng(seed)
    hours = (np.arange(INTERVALS) % 96) / 4.0
    day = np.arange(INTERVALS) // 96
    daily = np.clip(np.sin((hours - 7.0) / 14.0 * math.pi), 0.0, None) ** 1.5
    weekly = np.where(day >= 5, 0.6, 1.0)
    shape = (VARIANTS, len(QUEUES), INTERVALS)
    peak = np.array([q[1] for q in QUEUES])[None, :, None]
    base_aht = np.array([q[2] for q in QUEUES])[None, :, None]
    volume_scale = rng.uniform(0.8, 1.3, (VARIANTS, 1, 1))
    aht_scale = rng.uniform(0.9, 1.2, (VARIANTS, 1, 1))
    noise = rng.gamma(20.0, 1.0 / 20.0, shape)
    # pyworkforce rejects zero volume, so night intervals keep a trickle.
    volume = np.maximum(peak * volume_scale * daily * weekly * noise, 0.25)
    aht = np.broadcast_to(base_aht * aht_scale, shape).copy()
    sl = np.broadcast_to(rng.choice([0.8, 0.85, 0.9], (VARIANTS, 1, 1)), shape).copy()
    return volume, aht, sl


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Fastest wall time of `repeats` runs, in seconds (the machine is shared: the minimum is the signal)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def pyworkforce_agents(volume: FloatArray, aht: FloatArray, sl: FloatArray) -> tuple[list[int], float] | None:
    """pyworkforce's raw positions for each element, and the wall time; None if it is not installed."""
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        return None
    out = []
    start = time.perf_counter()
    for v, a, s in zip(volume.tolist(), aht.tolist(), sl.tolist(), strict=True):
        erlang = ErlangC(transactions=v, aht=a / 60.0, asa=TARGET_ANSWER_S / 60.0, interval=INTERVAL_S / 60.0)
        out.append(
            int(erlang.required_positions(service_level=s, max_occupancy=MAX_OCCUPANCY)["raw_positions"])
        )
    return out, time.perf_counter() - start


def exact_erlang_a(
    agents: int, traffic: float, aht: float, target: float, patience: float
) -> tuple[float, float]:
    """Service level (answered within `target` over all arrivals) and occupancy of M/M/N+M, exactly.

    Independent of the library: the birth-death chain truncated far out and, for the tagged arrival,
    the probability of being served within `target` by uniformisation of its absorbing chain.
    """
    mu, theta = 1.0 / aht, 1.0 / patience
    lam = traffic * mu
    size = agents + 300
    log_pi = np.zeros(size)
    for k in range(1, size):
        log_pi[k] = log_pi[k - 1] + math.log(lam / (min(k, agents) * mu + max(k - agents, 0) * theta))
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    ahead = size - agents
    # Uniformised chain over "j waiting ahead" (0..ahead-1), "served", "abandoned".
    rate = agents * mu + ahead * theta + theta
    p = np.zeros((ahead + 2, ahead + 2))
    for j in range(ahead):
        forward = agents * mu + j * theta
        p[j, j - 1 if j else ahead] += forward / rate
        p[j, ahead + 1] += theta / rate
        p[j, j] += 1.0 - (forward + theta) / rate
    p[ahead, ahead] = p[ahead + 1, ahead + 1] = 1.0
    state = np.zeros((ahead, ahead + 2))
    state[np.arange(ahead), np.arange(ahead)] = 1.0
    served = np.zeros(ahead)
    weight = math.exp(-rate * target)
    k = 0
    while True:
        served += weight * state[:, ahead]
        k += 1
        if k > rate * target + 12 * math.sqrt(rate * target + 1) + 20:
            break
        weight *= rate * target / k
        state = state @ p
    busy = float(np.dot(np.minimum(np.arange(size), agents), pi))
    sl = float(pi[:agents].sum() + np.dot(pi[agents:], served))
    return sl, busy / agents if agents else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyworkforce-intervals", type=int, default=0, help="0: all 268,800")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--erlang-a-checks", type=int, default=60)
    args = parser.parse_args()

    volume, aht, sl = workload()
    traffic = volume * aht / INTERVAL_S
    n_cases = volume.size
    print(
        f"workload: {INTERVALS} intervals x {len(QUEUES)} queues x {VARIANTS} variants = {n_cases:,} searches"
    )
    print(f"traffic: median {np.median(traffic):.2f} Erlangs, max {traffic.max():.1f}")

    def ours_c() -> object:
        return erlang_c_required(
            traffic, aht, target_answer_s=TARGET_ANSWER_S, service_level=sl, max_occupancy=MAX_OCCUPANCY
        )

    req = erlang_c_required(
        traffic, aht, target_answer_s=TARGET_ANSWER_S, service_level=sl, max_occupancy=MAX_OCCUPANCY
    )
    ours_s = best_of(args.repeats, ours_c)
    per_week_ours = ours_s / (n_cases / INTERVALS)
    print(
        f"ours, Erlang C (whole + fractional agents and metrics): {ours_s * 1e3:.1f} ms for all, "
        f"{per_week_ours * 1e6:.1f} us per 672 intervals, {ours_s / n_cases * 1e9:.0f} ns per interval"
    )

    subset = n_cases if args.pyworkforce_intervals <= 0 else min(args.pyworkforce_intervals, n_cases)
    theirs = pyworkforce_agents(volume.ravel()[:subset], aht.ravel()[:subset], sl.ravel()[:subset])
    if theirs is None:
        print("pyworkforce is not installed (pip install pyworkforce): no comparison, our figures only")
    else:
        agents, pw_s = theirs
        ours_agents = req.agents.ravel()[:subset]
        same = int(np.sum(np.asarray(agents) == ours_agents))
        per_week_pw = pw_s / (subset / INTERVALS)
        print(
            f"pyworkforce ErlangC: {pw_s:.2f} s for {subset:,} intervals, {per_week_pw * 1e3:.2f} ms per 672 intervals"
        )
        print(f"agent counts identical: {same:,} of {subset:,} ({100 * same / subset:.3f} %)")
        if same < subset:
            diff = np.flatnonzero(np.asarray(agents) != ours_agents)[:5]
            for i in diff:
                print(
                    f"  differs at {i}: traffic {traffic.ravel()[i]:.6f}, ours {ours_agents[i]}, "
                    f"pyworkforce {agents[i]}"
                )
        print(f"speed ratio (pyworkforce time / ours, per interval): {per_week_pw / per_week_ours:,.0f}x")

    def ours_a() -> object:
        return erlang_a_required(
            traffic,
            aht,
            PATIENCE_S,
            target_answer_s=TARGET_ANSWER_S,
            service_level=sl,
            max_occupancy=MAX_OCCUPANCY,
        )

    req_a = erlang_a_required(
        traffic,
        aht,
        PATIENCE_S,
        target_answer_s=TARGET_ANSWER_S,
        service_level=sl,
        max_occupancy=MAX_OCCUPANCY,
    )
    a_s = best_of(max(1, args.repeats // 2), ours_a)
    print(
        f"ours, Erlang A (patience {PATIENCE_S:g} s): {a_s * 1e3:.0f} ms for all, "
        f"{a_s / (n_cases / INTERVALS) * 1e3:.2f} ms per 672 intervals; "
        f"{int(np.sum(req_a.agents <= req.agents)):,} of {n_cases:,} need no more agents than Erlang C"
    )

    rng = np.random.default_rng(11)
    picks = rng.choice(n_cases, size=args.erlang_a_checks, replace=False)
    flat = [x.ravel() for x in (traffic, aht, sl, req_a.agents)]
    agree = 0
    worst = 0.0
    for i in picks:
        a, h, s, n = float(flat[0][i]), float(flat[1][i]), float(flat[2][i]), int(flat[3][i])
        sl_n, occ_n = exact_erlang_a(n, a, h, TARGET_ANSWER_S, PATIENCE_S)
        sl_prev, occ_prev = exact_erlang_a(n - 1, a, h, TARGET_ANSWER_S, PATIENCE_S) if n > 1 else (0.0, 1.0)
        ours_sl = float(live_metrics(n, a, h, TARGET_ANSWER_S, patience_s=PATIENCE_S).service_level)
        worst = max(worst, abs(ours_sl - sl_n))
        meets_n = sl_n >= s and occ_n <= MAX_OCCUPANCY + 1e-12
        meets_prev = sl_prev >= s and occ_prev <= MAX_OCCUPANCY + 1e-12
        agree += int(meets_n and not meets_prev)
    print(
        f"Erlang A against an exact birth-death computation: {agree} of {len(picks)} sampled requirements "
        f"are the exact minimum; largest SL difference {worst:.1e}"
    )


if __name__ == "__main__":
    main()

"""Live queues (voice, chat): Erlang B, Erlang C, Erlang A and chat concurrency, vectorised with numpy.

Every function takes array-likes that broadcast against each other (one element per interval, queue or
what-if variant) and returns arrays of the broadcast shape. No Python loop runs over intervals: the only
loops run over agent counts (the Erlang B recursion) or over search steps, each step a numpy operation
on all elements still open.

Conventions (the same as `shared/benchmarks/erlang/README.md`):

- Traffic `A = volume * aht_s / interval_s` in Erlangs (`traffic_erlangs`).
- Erlang C (M/M/N): `Pw = C(N, A)`; service level within `t` seconds `SL = 1 - Pw * exp(-(N - A) t / AHT)`;
  ASA `= Pw * AHT / (N - A)`; occupancy `= A / N`. With `N <= A` the queue has no steady state: `Pw = 1`,
  `SL = 0`, `ASA = inf`, occupancy 1.
- Erlang A (M/M/N+M, exponential patience with mean `patience_s`), exact closed form in incomplete gamma
  functions (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2004): `Pw` = P(an arrival finds all
  N agents busy); `P(abandon) = theta * E[Lq] / lambda`; ASA is the mean wait over *all* arrivals,
  including the time abandoners waited (`= P(abandon) * patience_s`); occupancy `= A (1 - P(abandon)) / N`.
  **Service level, default basis "offered": contacts answered within `t` over all offered contacts**
  (abandoners count as not answered). Basis "answered": answered within `t` over answered contacts.
  `QueueMetrics.service_level_basis` states which one a result uses.
- Chat (`concurrency = K`): each agent holds K independent *slots*; a chat occupies one slot for its whole
  elapsed duration `aht_s` (the duration measured while agents work at their usual concurrency, so any
  slow-down from multitasking is already in it and does not depend on the current number of chats); chats
  wait in one FIFO queue for the first free slot of any agent. That is an M/M/(K N) queue (Erlang C, or
  Erlang A with patience) on `K * N` slots; the occupancy cap applies to slot utilisation, i.e. the
  average number of chats an agent holds over K. Whole agents are `ceil(slots / K)`.
- Staffing (`live_required`): the smallest whole N meeting every target together: service level
  `>= service_level` within `target_answer_s`, occupancy `<= max_occupancy`, and optionally
  `ASA <= max_asa_s` and (Erlang A) `P(abandon) <= max_abandon`. `agents_fractional` lies in `(N - 1, N]`:
  the point where the binding target is met exactly, interpolating its metric linearly between N - 1 and N
  (the occupancy cap gives `A / max_occupancy` exactly); it is the requirement for an LP-style objective.
- Zero traffic needs 0 agents and has service level 1.

Erlang B is computed with the stable recursion `1/B(n) = 1 + n / (A B(n-1))` for agent counts up to
`RECURSION_MAX_AGENTS`, and in log space (`log pmf - log cdf` of a Poisson law) above it, so a
12,345-Erlang queue works; both paths are checked against each other in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

from common.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ServiceLevelBasis = Literal["offered", "answered"]
SERVICE_LEVEL_BASES: tuple[str, ...] = ("offered", "answered")

ROUNDING_SLACK = 1e-9
"""Slack before rounding up to whole agents, so that 14 / 0.7 = 20.000000000000004 stays 20."""


def whole_agents(agents: npt.ArrayLike) -> IntArray:
    """Fractional agents rounded up to whole ones (with `ROUNDING_SLACK`)."""
    return np.ceil(np.asarray(agents, dtype=np.float64) - ROUNDING_SLACK).astype(np.int64)


RECURSION_MAX_AGENTS = 4096
"""Above this many agents Erlang B is computed in log space instead of by recursion."""

_OCCUPANCY_TOLERANCE = 1e-12
"""Relative slack so that `A / N == max_occupancy` in floating point still counts as within the cap."""

_BLOCK = 32768
"""Elements per block in the Erlang C search: its temporaries then stay in the CPU cache (about 2x faster)."""

_FLOAT_MAX = float(np.finfo(np.float64).max)
_FLOAT_TINY = float(np.finfo(np.float64).smallest_subnormal)

_GAMMAINC_UNDERFLOW = 1e-280
"""Below this the regularised incomplete gamma loses relative precision; a series takes over."""

_GUESS_OFFSET = 0.7
"""Offset `c` of the square-root staffing guess `floor(A + beta sqrt(A) + c)`."""

_BETA_POLE = 1.6035
_BETA_SCALE = 1.1 * 2.254
"""`beta = 1.1 z(SL)` of the square-root staffing guess, as `_BETA_SCALE (SL - 0.5) / (_BETA_POLE - SL)`."""


@dataclass(frozen=True)
class QueueMetrics:
    """Expected performance of a live queue, one element per interval (all arrays of one shape).

    `agents` are whole agents (for chat: agents, each with `concurrency` slots). `service_level` is the
    share of contacts answered within `target_answer_s` on `service_level_basis` ("offered": over all
    offered contacts; "answered": over answered contacts). `asa_s` is the mean wait over all arrivals
    (inf when an Erlang C queue is overloaded). `occupancy` is busy time over staffed time (for chat,
    per slot). `abandon_probability` is 0 under Erlang C.
    """

    agents: IntArray
    traffic_erlangs: FloatArray
    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    abandon_probability: FloatArray
    service_level_basis: str = "offered"
    model: str = "erlang_c"


@dataclass(frozen=True)
class LiveRequirement:
    """Agents needed on a live queue per element, and the metrics they give.

    `agents` is the smallest whole count meeting every target; `agents_fractional` lies in
    `(agents - 1, agents]` (0 for zero traffic); `metrics` are the metrics at `agents`.
    """

    agents: IntArray
    agents_fractional: FloatArray
    metrics: QueueMetrics


# --------------------------------------------------------------------------------------------- checks


def _floats(value: npt.ArrayLike, what: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what} must be numbers, got {value!r}") from exc
    if np.isnan(arr).any():
        raise InvalidInput(f"{what} has missing values (NaN); fill them in before staffing")
    return arr


def _within(value: npt.ArrayLike, low: float, high: float) -> FloatArray | None:
    """`value` as floats when every element lies in `[low, high]` (no NaN), else None (check in detail).

    Two reductions and no temporaries: the fast path of the checks on large arrays.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if arr.size and low <= arr.min() and arr.max() <= high:  # False on NaN: min and max propagate it
        return arr
    return None


def check_nonnegative(value: npt.ArrayLike, what: str) -> FloatArray:
    """`value` as floats if every element is finite and >= 0, else InvalidInput."""
    if (fast := _within(value, 0.0, _FLOAT_MAX)) is not None:
        return fast
    arr = _floats(value, what)
    if not np.isfinite(arr).all() or (arr < 0).any():
        bad = arr[~np.isfinite(arr) | (arr < 0)].ravel()[0]
        raise InvalidInput(f"{what} must be zero or more and finite, got {bad:g}")
    return arr


def check_positive(value: npt.ArrayLike, what: str, *, allow_inf: bool = False) -> FloatArray:
    """`value` as floats if every element is > 0 (and finite unless `allow_inf`), else InvalidInput."""
    if (fast := _within(value, _FLOAT_TINY, np.inf if allow_inf else _FLOAT_MAX)) is not None:
        return fast
    arr = _floats(value, what)
    bad_mask = (arr <= 0) | (np.isinf(arr) & (arr > 0) & (not allow_inf))
    if bad_mask.any():
        raise InvalidInput(f"{what} must be more than zero, got {arr[bad_mask].ravel()[0]:g}")
    return arr


def check_share(value: npt.ArrayLike, what: str, *, allow_one: bool = False) -> FloatArray:
    """`value` as floats if every element lies in (0, 1) (or (0, 1] with `allow_one`), else InvalidInput."""
    arr = _floats(value, what)
    high_bad = arr > 1 if allow_one else arr >= 1
    bad_mask = (arr <= 0) | high_bad
    if bad_mask.any():
        interval = "(0, 1]" if allow_one else "(0, 1)"
        raise InvalidInput(
            f"{what} must be a share in {interval}, e.g. 0.8 for 80 %, got {arr[bad_mask].ravel()[0]:g}"
        )
    return arr


def check_agents(value: npt.ArrayLike, what: str = "agents") -> IntArray:
    """`value` as int64 if every element is a whole number >= 0, else InvalidInput."""
    arr = check_nonnegative(value, what)
    if (arr != np.floor(arr)).any():
        raise InvalidInput(f"{what} must be whole numbers, got {arr[arr != np.floor(arr)].ravel()[0]:g}")
    return arr.astype(np.int64)


def _check_basis(basis: str) -> None:
    if basis not in SERVICE_LEVEL_BASES:
        raise InvalidInput(f"service-level basis must be one of {SERVICE_LEVEL_BASES}, got {basis!r}")


def _optional(value: npt.ArrayLike | None, what: str, *, share: bool = False) -> FloatArray:
    """An optional limit: `inf` (no limit) when None; inf entries are allowed and mean no limit."""
    if value is None:
        return np.asarray(np.inf)
    return check_share(value, what, allow_one=True) if share else check_positive(value, what, allow_inf=True)


# --------------------------------------------------------------------------------------------- Erlang B


def traffic_erlangs(volume: npt.ArrayLike, aht_s: npt.ArrayLike, interval_s: npt.ArrayLike) -> FloatArray:
    """Offered load in Erlangs: `volume * aht_s / interval_s`.

    Raises:
        InvalidInput: negative volume, or AHT or interval length not positive.
    """
    vol = check_nonnegative(volume, "volume")
    aht = check_positive(aht_s, "aht_s")
    interval = check_positive(interval_s, "interval_s")
    return np.asarray(vol * aht / interval, dtype=np.float64)


def _erlang_b_recursive(agents: IntArray, traffic: FloatArray) -> FloatArray:
    """Erlang B by recursion, for 1-D arrays with traffic > 0.

    Elements are sorted by agent count (descending) so that the elements still recursing at step n are a
    prefix of the array: the loop runs max(agents) times over shrinking contiguous slices, no masks.
    """
    if agents.size == 0:
        return np.empty(0)
    n_max = int(agents.max())
    # A 16-bit key lets numpy's stable sort use radix sort: linear time.
    key = (n_max - agents).astype(np.int16 if n_max < 2**15 else np.int64)
    order = np.argsort(key, kind="stable")
    inv_traffic = 1.0 / traffic[order]
    inv_b = np.ones(agents.size)
    # still[n - 1]: how many elements have at least n agents (a prefix, after sorting).
    still = np.searchsorted(key[order], n_max - np.arange(1, n_max + 1), side="right")
    with np.errstate(over="ignore"):  # 1/B overflows only where B underflows to 0 (N far above A)
        for n in range(1, n_max + 1):
            head = inv_b[: still[n - 1]]
            head *= inv_traffic[: still[n - 1]]
            head *= n
            head += 1.0
    out = np.empty(agents.size)
    out[order] = 1.0 / inv_b
    return out


def _erlang_b_log(agents: IntArray, traffic: FloatArray) -> FloatArray:
    """Erlang B as Poisson pmf(N) / cdf(N) in log space; NaN where the cdf underflows (N far below A)."""
    n = agents.astype(np.float64)
    log_pmf = special.xlogy(n, traffic) - traffic - special.gammaln(n + 1.0)
    cdf = special.pdtr(n, traffic)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.exp(log_pmf - np.log(cdf))
    return np.where(cdf > _GAMMAINC_UNDERFLOW, out, np.nan)


def _erlang_b_core(agents: IntArray, traffic: FloatArray) -> FloatArray:
    """Erlang B for validated 1-D arrays of equal length."""
    busy = traffic > 0
    big = busy & (agents > RECURSION_MAX_AGENTS)
    if busy.all() and not big.any():
        return _erlang_b_recursive(agents, traffic)
    out = np.where(agents == 0, 1.0, 0.0)
    if big.any():
        out[big] = _erlang_b_log(agents[big], traffic[big])
    todo = busy & ~big
    todo |= big & ~np.isfinite(out)
    if todo.any():
        out[todo] = _erlang_b_recursive(agents[todo], traffic[todo])
    return out


def erlang_b(agents: npt.ArrayLike, traffic_erlangs: npt.ArrayLike) -> FloatArray:
    """Blocking probability B(N, A) of an M/M/N/N loss system, stable for any size.

    Raises:
        InvalidInput: agents not whole numbers >= 0 or traffic negative.
    """
    n, a = np.broadcast_arrays(check_agents(agents), check_nonnegative(traffic_erlangs, "traffic"))
    return _erlang_b_core(n.ravel(), a.ravel()).reshape(n.shape)


# --------------------------------------------------------------------------------------------- Erlang C


def _erlang_c_core(
    n: IntArray, a: FloatArray, aht: FloatArray, target_s: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Pw, SL, ASA (s) and occupancy of Erlang C for validated 1-D arrays."""
    b = _erlang_b_core(n, a)
    nf = n.astype(np.float64)
    stable = nf > a
    idle = a == 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pw = np.where(stable, nf * b / (nf - a * (1.0 - b)), 1.0)
        sl = np.where(stable, 1.0 - pw * np.exp(-(nf - a) * target_s / aht), 0.0)
        asa = np.where(stable, pw * aht / (nf - a), np.inf)
        occ = np.where(n > 0, np.minimum(a / nf, 1.0), 0.0)
    pw = np.where(idle, 0.0, pw)
    sl = np.where(idle, 1.0, np.clip(sl, 0.0, 1.0))
    asa = np.where(idle, 0.0, asa)
    return pw, sl, asa, np.where(idle, 0.0, occ)


def erlang_c_metrics(
    agents: npt.ArrayLike,
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
) -> QueueMetrics:
    """Erlang C metrics for `agents` on `traffic_erlangs` (see the module docstring for definitions).

    Raises:
        InvalidInput: agents not whole numbers >= 0, traffic negative, AHT not positive, target negative.
    """
    n, a, aht, t = np.broadcast_arrays(
        check_agents(agents),
        check_nonnegative(traffic_erlangs, "traffic"),
        check_positive(aht_s, "aht_s"),
        check_nonnegative(target_answer_s, "target_answer_s"),
    )
    pw, sl, asa, occ = _erlang_c_core(n.ravel(), a.ravel(), aht.ravel(), t.ravel())
    shape = n.shape
    return QueueMetrics(
        agents=n.astype(np.int64).copy(),
        traffic_erlangs=a.astype(np.float64).copy(),
        wait_probability=pw.reshape(shape),
        service_level=sl.reshape(shape),
        asa_s=asa.reshape(shape),
        occupancy=occ.reshape(shape),
        abandon_probability=np.zeros(shape),
    )


@dataclass(frozen=True)
class _Found:
    """Result of a staffing search on 1-D arrays: N, fractional N and the metrics at N."""

    agents: FloatArray
    fractional: FloatArray
    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_probability: FloatArray
    occupancy: FloatArray | None = None


def _take(x: FloatArray, which: npt.NDArray[np.bool_] | IntArray | slice) -> FloatArray:
    """`x[which]` for a per-element array; a 0-d parameter (shared by all elements) stays as it is."""
    return x if x.ndim == 0 else x[which]


def _erlang_c_search_steps(
    a: FloatArray,
    aht: FloatArray,
    target_s: FloatArray,
    sl_target: FloatArray,
    cap: FloatArray,
    asa_max_s: FloatArray,
) -> _Found:
    """Smallest N meeting SL, ASA and occupancy targets under Erlang C, for a 1-D array of traffic > 0.

    The other parameters are 1-D arrays of the same length or 0-d (shared by all elements). Every
    element starts at the smallest count that is stable and within the occupancy cap (all targets are
    monotone in N, so the answer is never below it); each unfinished element then steps up by one agent
    with the Erlang B recursion, and `exp(-(N - A) t / AHT)` by a constant factor: one `exp` call per
    element however many steps it takes. `_erlang_c_search` is the fast path; this search takes the
    elements whose square-root staffing guess was off, and gives Erlang A its first upper bound.
    """
    tau = target_s / aht
    asa_rel_max = asa_max_s / aht
    check_asa = bool(np.isfinite(asa_rel_max).any())
    n = np.floor(a)
    n += 1.0
    np.maximum(n, np.ceil(a / cap * (1.0 - _OCCUPANCY_TOLERANCE)), out=n)
    b = _erlang_b_core(n.astype(np.int64), a)
    decay = np.exp(-(n - a) * tau)

    # Step the elements that miss a target; write their state back into n, b, decay.
    where = np.arange(a.size)
    a_s, n_s, b_s, decay_s = a, n, b, decay
    sl_s, asa_s, tau_s = sl_target, asa_rel_max, tau
    step_s: FloatArray | None = None
    while where.size:
        pw = n_s * b_s / (n_s - a_s * (1.0 - b_s))
        ok = 1.0 - pw * decay_s >= sl_s
        if check_asa:
            ok &= pw / (n_s - a_s) <= asa_s
        if ok.all():
            break
        keep = ~ok
        where = where[keep]
        a_s, n_s, b_s, decay_s = a_s[keep], n_s[keep], b_s[keep], decay_s[keep]
        sl_s, asa_s, tau_s = _take(sl_s, keep), _take(asa_s, keep), _take(tau_s, keep)
        step_s = np.exp(-tau_s) if step_s is None else _take(step_s, keep)
        b_s = a_s * b_s / (n_s + 1.0 + a_s * b_s)
        n_s = n_s + 1.0
        decay_s = decay_s * step_s
        n[where], b[where], decay[where] = n_s, b_s, decay_s

    pw = n * b / (n - a * (1.0 - b))
    sl = 1.0 - pw * decay
    asa_rel = pw / (n - a)
    # Fractional N: where the binding target is met between N - 1 and N. Below stability (N - 1 <= A)
    # the SL line is anchored at (A, 0), and ASA is taken as proportional to 1 / (N - A).
    n_prev = n - 1.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b_prev = n * b / (a * (1.0 - b))
        pw_prev = n_prev * b_prev / (n_prev - a * (1.0 - b_prev))
        prev_stable = n_prev > a
        sl_prev = 1.0 - pw_prev * decay * np.exp(tau)
        x_sl = np.where(
            prev_stable,
            _crossing(n, sl_prev, sl, sl_target, higher_is_better=True),
            a + (n - a) * sl_target / sl,
        )
        if check_asa:
            asa_prev = pw_prev / (n_prev - a)
            x_asa = np.where(
                prev_stable,
                _crossing(n, asa_prev, asa_rel, asa_rel_max, higher_is_better=False),
                a + asa_rel * (n - a) / asa_rel_max,
            )
            np.maximum(x_sl, x_asa, out=x_sl)
    np.maximum(x_sl, a / cap, out=x_sl)
    fractional = np.clip(x_sl, n_prev, n)
    return _Found(n, fractional, pw, sl, asa_rel * aht, np.zeros(()))


def _erlang_b_into(
    n: FloatArray, a: FloatArray, out: FloatArray, inv_a: FloatArray, inv_b: FloatArray
) -> None:
    """Erlang B at whole counts `n` (floats) into `out`, for 1-D arrays with traffic > 0.

    `inv_a` and `inv_b` are scratch rows of the same length. As `_erlang_b_recursive`, without temporaries.
    """
    n_max = int(n.max())
    if n_max > RECURSION_MAX_AGENTS:
        out[:] = _erlang_b_core(n.astype(np.int64), a)
        return
    # A 16-bit key lets numpy's stable sort use radix sort: linear time. Descending count: the elements
    # still recursing at step k are then a prefix.
    key = n.astype(np.int8 if n_max < 2**7 else np.int16)
    np.subtract(n_max, key, out=key)
    order = np.argsort(key, kind="stable")
    np.take(a, order, out=inv_a)
    np.reciprocal(inv_a, out=inv_a)
    inv_b.fill(1.0)
    still = np.searchsorted(key[order], n_max - np.arange(1, n_max + 1), side="right").tolist()
    with np.errstate(over="ignore"):  # 1/B overflows only where B underflows to 0 (N far above A)
        for k, count in enumerate(still, 1):
            head = inv_b[:count]
            head *= inv_a[:count]
            head *= k
            head += 1.0
    np.reciprocal(inv_b, out=inv_b)
    out[order] = inv_b


def _start_counts(
    a: FloatArray, sl_target: FloatArray, cap: FloatArray, n0: FloatArray, n_min: FloatArray, tmp: FloatArray
) -> None:
    """Write `n_min` and `g - 1` (the square-root staffing guess `g` less one) for a block of traffic > 0.

    `n_min` is the smallest count that is stable and within the occupancy cap. The guess is
    `g = max(n_min, floor(A + beta sqrt(A) + c))` with `beta ~ 1.1 z(SL)`: on typical targets the answer
    is `g` or `g + 1`. Only the speed depends on it: `_erlang_c_block` checks the answer.
    """
    np.floor(a, out=n_min)
    n_min += 1.0
    np.divide(a, cap, out=tmp)
    tmp *= 1.0 - _OCCUPANCY_TOLERANCE
    np.ceil(tmp, out=tmp)
    np.maximum(n_min, tmp, out=n_min)
    # beta = 1.1 z(SL) ~ _BETA_SCALE (SL - 1/2) / (_BETA_POLE - SL): exact at SL = 0.5, 0.8 and 0.9, within
    # 5 % on [0.7, 0.95] (and cheaper than the normal quantile).
    np.sqrt(a, out=n0)
    if sl_target.ndim == 0:
        n0 *= _BETA_SCALE * (float(sl_target) - 0.5) / (_BETA_POLE - float(sl_target))
    else:
        np.subtract(sl_target, 0.5, out=tmp)
        n0 *= tmp
        np.subtract(_BETA_POLE, sl_target, out=tmp)
        n0 /= tmp
        n0 *= _BETA_SCALE
    n0 += a
    n0 += _GUESS_OFFSET
    np.floor(n0, out=n0)
    np.maximum(n0, n_min, out=n0)
    n0 -= 1.0


def _erlang_c_block(
    params: tuple[FloatArray, ...],
    out: FloatArray,
    work: FloatArray,
    flags: npt.NDArray[np.bool_],
) -> IntArray:
    """Smallest N meeting SL, ASA and occupancy targets under Erlang C, for a 1-D block of traffic > 0.

    `params` are traffic, AHT, answer target, SL target, occupancy cap and maximum ASA: 1-D arrays of the
    block's length or 0-d (shared). Writes N, fractional N, Pw, SL, ASA (s) and occupancy into the rows
    of `out`; on entry those rows hold `g - 1`, `n_min` and `B(g - 1)` (`_start_counts`, `_erlang_b_into`).
    `work` (17 rows) and `flags` (7 rows) are scratch, so the block allocates almost nothing.

    No count below `n_min` (the smallest that is stable and within the occupancy cap) can qualify, and
    all targets are monotone in N. From a square-root staffing guess `g >= n_min`, Erlang B is computed
    once at `g - 1` (recursion) and stepped up to `g` and `g + 1`; the targets are checked at those three
    counts for every element at once. Where the answer is `g` or `g + 1` (almost everywhere) it is read
    off, with the metrics at N - 1 that the fractional requirement needs. Returns the positions of the
    few other elements, for the one-agent-at-a-time search `_erlang_c_search_steps` (same definition,
    same answers).
    """
    a, aht, target_s, sl_target, cap, asa_max_s = params
    m = a.size
    n, frac, pw, sl, asa, occ = out
    n0, n_min, b = n, frac, pw  # on entry; each is read before its row is written
    r = [row[:m] for row in work]
    ntau, miss, tmp, g, step, decay0, decay1, decay2, slack, ab, pw0, pw1, pw2, n_prev, share, asa_max = r[
        :16
    ]
    pick = r[16].view(np.int64)
    ok0, ok1, ok2, odd, other, missed, prev_stable = (row[:m] for row in flags)
    check_asa = bool(np.isfinite(asa_max_s).any())
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.add(n0, 1.0, out=g)
        np.divide(np.negative(target_s), aht, out=ntau)  # -tau, tau = t / AHT
        np.subtract(1.0, sl_target, out=miss)  # SL(N) >= target  <=>  Pw(N) exp(-(N - A) tau) <= miss
        _exp_runs(ntau, step, other)  # exp(-tau): one agent more
        np.subtract(g, a, out=decay1)
        decay1 *= ntau
        np.exp(decay1, out=decay1)  # exp(-(g - A) tau)
        np.divide(decay1, step, out=decay0)
        np.multiply(decay1, step, out=decay2)
        # Pw(N) = N B / (N - A + A B); B(N + 1) = A B / (N + 1 + A B).
        np.subtract(n0, a, out=slack)
        np.multiply(a, b, out=ab)
        np.add(slack, ab, out=pw0)
        np.divide(b, pw0, out=pw0)
        pw0 *= n0  # meaningless where g - 1 <= A: masked below
        np.add(g, ab, out=tmp)
        np.divide(ab, tmp, out=b)  # B(g)
        np.multiply(a, b, out=ab)
        np.add(slack, 1.0, out=pw1)
        pw1 += ab
        np.divide(b, pw1, out=pw1)
        pw1 *= g
        np.add(g, 1.0, out=tmp)
        np.add(tmp, ab, out=pw2)
        np.divide(ab, pw2, out=b)  # B(g + 1)
        np.multiply(a, b, out=ab)
        np.add(slack, 2.0, out=pw2)
        pw2 += ab
        np.divide(b, pw2, out=pw2)
        pw2 *= tmp

        # 1 - SL(N) = Pw(N) exp(-(N - A) tau) at g - 1, g, g + 1, in place of the decays.
        unmet0, unmet1, unmet2 = decay0, decay1, decay2
        unmet0 *= pw0
        np.less_equal(unmet0, miss, out=ok0)
        np.greater_equal(n0, n_min, out=other)
        ok0 &= other
        unmet1 *= pw1
        np.less_equal(unmet1, miss, out=ok1)
        unmet2 *= pw2
        np.less_equal(unmet2, miss, out=ok2)
        if check_asa:
            np.divide(asa_max_s, aht, out=asa_max)
            for k, (ok, pw_k) in enumerate(((ok0, pw0), (ok1, pw1), (ok2, pw2))):
                np.add(slack, float(k), out=tmp)
                tmp *= asa_max
                np.less_equal(pw_k, tmp, out=other)
                ok &= other
        # The answer is g where it meets every target at g, else g + 1; elements meeting them at g - 1 or
        # missing them at g + 1 are redone by the caller.
        np.logical_or(ok1, ok2, out=odd)
        np.logical_not(odd, out=odd)
        odd |= ok0
        np.logical_not(ok1, out=other)
        np.add(g, other, out=n)
        _select_mask(ok1, pick)
        _select(pick, pw1, pw2, out=pw)
        pw_prev = pw0
        if check_asa:
            _select(pick, pw0, pw1, out=pw_prev)
        _select(pick, unmet1, unmet2, out=sl)
        np.subtract(1.0, sl, out=sl)
        sl_prev = unmet0
        _select(pick, unmet0, unmet1, out=sl_prev)
        np.subtract(1.0, sl_prev, out=sl_prev)
        np.subtract(n, 1.0, out=n_prev)
        np.subtract(n, a, out=slack)
        np.divide(pw, slack, out=asa)  # ASA / AHT

        # Fractional N: where the binding target is met between N - 1 and N, interpolating linearly (as
        # `_crossing`). Below stability (N - 1 <= A) the SL line is anchored at (A, 0), and ASA is taken
        # as proportional to 1 / (N - A).
        np.greater(n_prev, a, out=prev_stable)
        _select_mask(prev_stable, pick)
        np.subtract(sl_target, sl_prev, out=share)
        np.subtract(sl, sl_prev, out=tmp)
        share /= tmp
        _unit_share(share)
        np.less(sl_prev, sl_target, out=missed)
        share *= missed
        np.add(n_prev, share, out=frac)
        np.multiply(slack, sl_target, out=tmp)
        tmp /= sl
        tmp += a
        _select(pick, frac, tmp, out=frac)
        if check_asa:
            asa_prev = pw2
            np.subtract(slack, 1.0, out=asa_prev)
            np.divide(pw_prev, asa_prev, out=asa_prev)
            np.subtract(asa_prev, asa_max, out=share)
            np.subtract(asa_prev, asa, out=tmp)
            share /= tmp
            _unit_share(share)
            np.greater(asa_prev, asa_max, out=missed)
            share *= missed
            share += n_prev
            np.multiply(asa, slack, out=tmp)
            tmp /= asa_max
            tmp += a
            _select(pick, share, tmp, out=share)
            np.maximum(frac, share, out=frac)
        np.divide(a, cap, out=tmp)
        np.maximum(frac, tmp, out=frac)
        np.maximum(frac, n_prev, out=frac)
        np.minimum(frac, n, out=frac)
        asa *= aht
        np.divide(a, n, out=occ)
    return np.flatnonzero(odd)


def _exp_runs(x: FloatArray, out: FloatArray, scratch: npt.NDArray[np.bool_]) -> None:
    """`out = exp(x)`, computed once per run of equal values when there are few runs (bit for bit the same).

    Parameters that are constant per queue or scenario (AHT, targets) arrive broadcast over the intervals:
    then `exp` runs a few hundred times instead of once per element.
    """
    m = x.size
    if m < 2:
        np.exp(x, out=out)
        return
    np.not_equal(x[1:], x[:-1], out=scratch[1:])
    scratch[0] = True
    starts = np.flatnonzero(scratch)
    if 8 * starts.size > m:
        np.exp(x, out=out)
        return
    lengths = np.diff(starts, append=m)
    out[:] = np.repeat(np.exp(x[starts]), lengths)


def _select_mask(flag: npt.NDArray[np.bool_], mask: IntArray) -> None:
    """`mask` = all bits set where `flag`, else 0 (for `_select`)."""
    np.copyto(mask, flag)
    np.negative(mask, out=mask)


def _select(mask: IntArray, x: FloatArray, y: FloatArray, out: FloatArray) -> None:
    """`out = x` where `mask` has all bits set, else `y`; bit by bit, exact for any value (NaN, inf).

    Branch-free, unlike a masked copy on an unpredictable mask. `out` may be `x`, not `y`.
    """
    xi, yi, oi = x.view(np.int64), y.view(np.int64), out.view(np.int64)
    np.bitwise_xor(xi, yi, out=oi)
    oi &= mask
    oi ^= yi


def _unit_share(share: FloatArray) -> None:
    """`share` clipped to [0, 1] in place; NaN gives 0 and +inf 1 (only read where the target was missed)."""
    np.fmax(share, 0.0, out=share)
    np.fmin(share, 1.0, out=share)


def _erlang_c_search(
    a: FloatArray,
    aht: FloatArray,
    target_s: FloatArray,
    sl_target: FloatArray,
    cap: FloatArray,
    asa_max_s: FloatArray,
) -> _Found:
    """Smallest N meeting SL, ASA and occupancy targets under Erlang C, for a 1-D array of traffic > 0.

    The other parameters are 1-D arrays of the same length or 0-d (shared by all elements). The work
    runs in blocks of `_BLOCK` elements (`_erlang_c_block`) that reuse one scratch area: the temporaries
    stay in the CPU cache and nothing is allocated per operation.
    """
    size = a.size
    out = np.empty((6, size))
    width = min(size, _BLOCK)
    work = np.empty((17, width))
    flags = np.empty((7, width), dtype=np.bool_)
    params = (a, aht, target_s, sl_target, cap, asa_max_s)
    odd = []
    for start in range(0, size, _BLOCK):
        part = slice(start, start + _BLOCK)
        rows = out[:, part]
        m = rows.shape[1]
        _start_counts(a[part], _take(sl_target, part), _take(cap, part), rows[0], rows[1], work[0, :m])
        _erlang_b_into(rows[0], a[part], rows[2], work[1, :m], work[2, :m])  # B(g - 1)
        odd.append(start + _erlang_c_block(tuple(_take(x, part) for x in params), rows, work, flags))
    redo = np.concatenate(odd)
    if redo.size:
        found = _erlang_c_search_steps(*(_take(x, redo) for x in params))
        out[:5, redo] = (
            found.agents,
            found.fractional,
            found.wait_probability,
            found.service_level,
            found.asa_s,
        )
        out[5, redo] = a[redo] / found.agents
    return _Found(out[0], out[1], out[2], out[3], out[4], np.zeros(()), occupancy=out[5])


def _crossing(
    n: FloatArray, prev: FloatArray, now: FloatArray, target: FloatArray, *, higher_is_better: bool
) -> FloatArray:
    """Where a metric crosses `target` between N - 1 (`prev`) and N (`now`), linearly; N - 1 if met there."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if higher_is_better:
            missed = prev < target
            share = (target - prev) / (now - prev)
        else:
            missed = prev > target
            share = (prev - target) / (prev - now)
    share = np.where(np.isfinite(share), np.clip(share, 0.0, 1.0), 1.0)
    return np.asarray(np.where(missed, n - 1.0 + share, n - 1.0), dtype=np.float64)


# --------------------------------------------------------------------------------------------- Erlang A


def _j_series(x: FloatArray, y: FloatArray) -> FloatArray:
    """J(x, y) = sum_j y^j / ((x+1)...(x+j)), summed term by term (used where y is well below x)."""
    total = np.ones(x.size)
    term = np.ones(x.size)
    j = 0
    while True:
        j += 1
        term = term * y / (x + j)
        total += term
        if (term <= 1e-17 * total).all():
            return total


def _log_j(x: FloatArray, y: FloatArray) -> FloatArray:
    """log J(x, y), J = 1F1(1; x+1; y) = P(x, y) / p_x(y) with P the regularised lower incomplete gamma.

    `p_x(y) = y^x e^-y / Gamma(x+1)`. Where P underflows (y far below x), the series is used instead;
    there its terms fall geometrically.
    """
    p = special.gammainc(x, y)
    log_px = special.xlogy(x, y) - y - special.gammaln(x + 1.0)
    with np.errstate(divide="ignore"):
        out = np.log(p) - log_px
    low = p < _GAMMAINC_UNDERFLOW
    if low.any():
        out[low] = np.log(_j_series(x[low], y[low]))
    # J >= 1; rounding in P / p_x may put it a hair below.
    return np.asarray(np.maximum(out, 0.0), dtype=np.float64)


def _erlang_a_core(
    n: IntArray, a: FloatArray, aht: FloatArray, target_s: FloatArray, patience_s: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Pw, SL (offered basis), P(abandon), ASA over all arrivals (s), occupancy; validated 1-D arrays.

    With `x = N patience / AHT`, `a = A patience / AHT` and `b = a exp(-t / patience)`:
    `Pw = B J(x,a) / (1 - B + B J(x,a))` (B = Erlang B), `P(ab | wait) = 1 - (x/a) (1 - 1/J(x,a))`,
    `P(answered within t | wait) = (x/a) [1 - 1/J(x,a) - e^(a - b - N t / AHT) (J(x,b) - 1) / J(x,a)]`.
    """
    size = n.size
    aht, target_s, patience_s = (np.broadcast_to(x, n.shape) for x in (aht, target_s, patience_s))
    pw = np.zeros(size)
    sl = np.ones(size)
    pab = np.zeros(size)
    asa = np.zeros(size)
    occ = np.zeros(size)
    nobody = (n == 0) & (a > 0)
    pw[nobody], sl[nobody], pab[nobody], asa[nobody] = 1.0, 0.0, 1.0, patience_s[nobody]
    live = (n > 0) & (a > 0)
    if live.any():
        nl = n[live]
        nf = nl.astype(np.float64)
        al, ahtl, tl, patl = a[live], aht[live], target_s[live], patience_s[live]
        x = nf * patl / ahtl
        a_scaled = al * patl / ahtl
        b_scaled = a_scaled * np.exp(-tl / patl)
        blocking = _erlang_b_core(nl, al)
        log_ja = _log_j(x, a_scaled)
        with np.errstate(divide="ignore", over="ignore", under="ignore"):
            # J(x, b) - 1 = b / (x + 1) * J(x + 1, b), exact even where b is tiny and J(x, b) rounds to 1.
            log_jb_minus_1 = np.log(b_scaled) - np.log1p(x) + _log_j(x + 1.0, b_scaled)
            pw_l = 1.0 / (1.0 + (1.0 - blocking) * np.exp(-np.log(blocking) - log_ja))
            served_given_wait = -np.expm1(-log_ja) * nf / al
            within_given_wait = served_given_wait - (nf / al) * np.exp(
                a_scaled - b_scaled - nf * tl / ahtl + log_jb_minus_1 - log_ja
            )
        pab_l = pw_l * np.clip(1.0 - served_given_wait, 0.0, 1.0)
        pw[live] = pw_l
        sl[live] = np.clip(1.0 - pw_l + pw_l * np.clip(within_given_wait, 0.0, 1.0), 0.0, 1.0)
        pab[live] = pab_l
        asa[live] = pab_l * patl
        occ[live] = np.minimum(al * (1.0 - pab_l) / nf, 1.0)
    return pw, sl, pab, asa, occ


def _on_basis(sl_offered: FloatArray, pab: FloatArray, basis: str) -> FloatArray:
    if basis == "offered":
        return sl_offered
    with np.errstate(divide="ignore", invalid="ignore"):
        answered = np.where(pab < 1.0, sl_offered / (1.0 - pab), 0.0)
    return np.asarray(np.clip(answered, 0.0, 1.0), dtype=np.float64)


def _erlang_a_search(
    a: FloatArray,
    aht: FloatArray,
    target_s: FloatArray,
    patience_s: FloatArray,
    sl_target: FloatArray,
    cap: FloatArray,
    asa_max_s: FloatArray,
    abandon_max: FloatArray,
    basis: str,
) -> _Found:
    """Smallest N meeting every target under Erlang A, for 1-D arrays with traffic > 0.

    Bisection on N for every element at once. The Erlang C answer for the same SL/ASA/occupancy
    targets is the first upper guess (Erlang A needs no more whenever patience is not far below the
    answer target); where it falls short the bracket doubles until it holds. The lower end uses
    `SL <= 1 - P(ab) <= N / A` on the offered basis: below `A * SL / max_occupancy` agents the SL and
    occupancy targets cannot both hold.
    """

    def meets(where: IntArray, agents: IntArray) -> npt.NDArray[np.bool_]:
        at = [_take(x, where) for x in (a, aht, target_s, patience_s, sl_target, asa_max_s, abandon_max, cap)]
        _, sl, pab, asa, occ = _erlang_a_core(agents, *at[:4])
        sl = _on_basis(sl, pab, basis)
        return np.asarray(
            (sl >= at[4]) & (asa <= at[5]) & (pab <= at[6]) & (occ <= at[7] * (1.0 + _OCCUPANCY_TOLERANCE))
        )

    upper = _erlang_c_search_steps(a, aht, target_s, sl_target, cap, asa_max_s).agents.astype(np.int64)
    lowest = np.floor(a * sl_target / cap).astype(np.int64) if basis == "offered" else np.zeros(a.size)
    lo = np.maximum(np.asarray(lowest, dtype=np.int64), 1) - 1  # a count known to miss a target
    hi = np.maximum(upper, lo + 1)
    pending = np.arange(a.size)
    while pending.size:
        short = pending[~meets(pending, hi[pending])]
        lo[short] = hi[short]
        hi[short] = 2 * hi[short] + 1
        pending = short
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        good = meets(active, mid)
        hi[active[good]] = mid[good]
        lo[active[~good]] = mid[~good]
        active = active[hi[active] - lo[active] > 1]

    pw, sl_off, pab, asa, occ = _erlang_a_core(hi, a, aht, target_s, patience_s)
    _, sl_off_prev, pab_prev, asa_prev, occ_prev = _erlang_a_core(hi - 1, a, aht, target_s, patience_s)
    sl, sl_prev = _on_basis(sl_off, pab, basis), _on_basis(sl_off_prev, pab_prev, basis)
    agents = hi.astype(np.float64)
    crossings = (
        _crossing(agents, sl_prev, sl, sl_target, higher_is_better=True),
        _crossing(agents, asa_prev, asa, asa_max_s, higher_is_better=False),
        _crossing(agents, pab_prev, pab, abandon_max, higher_is_better=False),
        _crossing(agents, occ_prev, occ, cap, higher_is_better=False),
    )
    fractional = np.clip(np.max(np.stack(crossings), axis=0), agents - 1.0, agents)
    return _Found(agents, fractional, pw, sl, asa, pab)


def erlang_a_metrics(
    agents: npt.ArrayLike,
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    *,
    basis: ServiceLevelBasis = "offered",
) -> QueueMetrics:
    """Erlang A (M/M/N+M) metrics; service level on `basis` (default: answered within T over all offered).

    Raises:
        InvalidInput: agents not whole numbers >= 0, traffic negative, AHT or patience not positive.
    """
    return live_metrics(agents, traffic_erlangs, aht_s, target_answer_s, patience_s=patience_s, basis=basis)


# --------------------------------------------------------------------------------------------- live API


def live_metrics(
    agents: npt.ArrayLike,
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
    *,
    concurrency: npt.ArrayLike = 1,
    patience_s: npt.ArrayLike | None = None,
    basis: ServiceLevelBasis = "offered",
) -> QueueMetrics:
    """Metrics of a live queue with `agents`: Erlang C, or Erlang A where `patience_s` is finite.

    `concurrency` K > 1 is the chat model: `agents * K` slots (see the module docstring).
    `patience_s` may be an array; `inf` entries use Erlang C.

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    _check_basis(basis)
    n, a, aht, t, k, pat = np.broadcast_arrays(
        check_agents(agents),
        check_nonnegative(traffic_erlangs, "traffic"),
        check_positive(aht_s, "aht_s"),
        check_nonnegative(target_answer_s, "target_answer_s"),
        check_agents(concurrency, "concurrency"),
        np.inf if patience_s is None else check_positive(patience_s, "patience_s", allow_inf=True),
    )
    if (k < 1).any():
        raise InvalidInput("concurrency must be at least 1 chat per agent")
    shape = n.shape
    n, a, aht, t, k, pat = (x.ravel() for x in (n, a, aht, t, k, pat))
    slots = n * k
    pw, sl, asa, occ = _erlang_c_core(slots, a, aht, t)
    pab = np.zeros(n.size)
    patient = np.isfinite(pat)
    if patient.any():
        pw_a, sl_a, pab_a, asa_a, occ_a = _erlang_a_core(
            slots[patient], a[patient], aht[patient], t[patient], pat[patient]
        )
        pw[patient], asa[patient], occ[patient], pab[patient] = pw_a, asa_a, occ_a, pab_a
        sl[patient] = _on_basis(sl_a, pab_a, basis)
    model = "erlang_a" if patient.all() else "erlang_c" if not patient.any() else "mixed"
    return QueueMetrics(
        agents=n.reshape(shape).astype(np.int64),
        traffic_erlangs=a.reshape(shape).copy(),
        wait_probability=pw.reshape(shape),
        service_level=sl.reshape(shape),
        asa_s=asa.reshape(shape),
        occupancy=occ.reshape(shape),
        abandon_probability=pab.reshape(shape),
        service_level_basis=basis,
        model=model,
    )


def live_required(
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    target_answer_s: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike = 1.0,
    max_asa_s: npt.ArrayLike | None = None,
    concurrency: npt.ArrayLike = 1,
    patience_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    basis: ServiceLevelBasis = "offered",
) -> LiveRequirement:
    """Smallest whole number of agents per element meeting every target together, with its metrics.

    Targets: `service_level` (share in (0, 1)) answered within `target_answer_s`, occupancy at most
    `max_occupancy` (in (0, 1]), optionally ASA at most `max_asa_s` and (Erlang A) abandonment at most
    `max_abandon`. Erlang A is used where `patience_s` is finite, Erlang C elsewhere; `concurrency` K > 1
    staffs chat slots and returns `ceil(slots / K)` agents.

    Raises:
        InvalidInput: a parameter out of range (the message names it).
    """
    _check_basis(basis)
    checked = (
        check_nonnegative(traffic_erlangs, "traffic"),
        check_positive(aht_s, "aht_s"),
        check_nonnegative(target_answer_s, "target_answer_s"),
        check_share(service_level, "service_level"),
        check_share(max_occupancy, "max_occupancy", allow_one=True),
        _optional(max_asa_s, "max_asa_s"),
        check_agents(concurrency, "concurrency").astype(np.float64),
        np.asarray(np.inf)
        if patience_s is None
        else check_positive(patience_s, "patience_s", allow_inf=True),
        _optional(max_abandon, "max_abandon", share=True),
    )
    shape = np.broadcast_shapes(*(x.shape for x in checked))
    a = np.broadcast_to(checked[0], shape).ravel()
    # Parameters shared by every element stay 0-d: numpy broadcasts them and `exp` runs once.
    aht, t, sl_target, cap, asa_max, k, pat, ab_max = (
        x.reshape(()) if x.size == 1 else np.broadcast_to(x, shape).ravel() for x in checked[1:]
    )
    if (k < 1).any():
        raise InvalidInput("concurrency must be at least 1 chat per agent")

    busy = a > 0
    patient = np.broadcast_to(np.isfinite(pat), a.shape)

    def search(sel: IntArray | slice, erlang_a: bool) -> _Found:
        a_sel, aht_sel, t_sel, sl_sel, cap_sel, asa_sel = (
            _take(x, sel) for x in (a, aht, t, sl_target, cap, asa_max)
        )
        if erlang_a:
            return _erlang_a_search(
                a_sel, aht_sel, t_sel, _take(pat, sel), sl_sel, cap_sel, asa_sel, _take(ab_max, sel), basis
            )
        return _erlang_c_search(a_sel, aht_sel, t_sel, sl_sel, cap_sel, asa_sel)

    occ: FloatArray | None = None
    if pat.ndim == 0 and busy.all():  # one model for all, no masks to build
        masks = []
        whole = [bool(np.isfinite(pat))]
    else:
        masks = [(busy & ~patient, False), (busy & patient, True)]
        whole = [erlang_a for mask, erlang_a in masks if mask.all()]
    if whole:
        # One model for every element (the usual case): the search's arrays are the result, no copies.
        found = search(slice(None), whole[0])
        slots, fractional = found.agents, found.fractional
        pw, sl, asa = found.wait_probability, found.service_level, found.asa_s
        pab = found.abandon_probability if found.abandon_probability.ndim else np.zeros(a.size)
        occ = found.occupancy
    else:
        slots = np.zeros(a.size)
        fractional = np.zeros(a.size)
        pw = np.zeros(a.size)
        sl = np.ones(a.size)
        asa = np.zeros(a.size)
        pab = np.zeros(a.size)
        for model_mask, erlang_a in masks:
            if not model_mask.any():
                continue
            sel = np.flatnonzero(model_mask)
            found = search(sel, erlang_a)
            slots[sel], fractional[sel] = found.agents, found.fractional
            pw[sel], sl[sel], asa[sel] = found.wait_probability, found.service_level, found.asa_s
            pab[sel] = found.abandon_probability
    if occ is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            occ = np.where(slots > 0, a * (1.0 - pab) / slots, 0.0)
    agents = slots.astype(np.int64)
    model = "erlang_a" if patient.all() else "erlang_c" if not patient.any() else "mixed"
    metrics = QueueMetrics(
        agents=agents,
        traffic_erlangs=a,
        wait_probability=pw,
        service_level=sl,
        asa_s=asa,
        occupancy=occ,
        abandon_probability=pab,
        service_level_basis=basis,
        model=model,
    )
    if (k > 1).any():
        agents = whole_agents(slots / k)
        fractional = fractional / k
        metrics = live_metrics(agents, a, aht, t, concurrency=k.astype(np.int64), patience_s=pat, basis=basis)
    return LiveRequirement(
        agents=agents.reshape(shape),
        agents_fractional=fractional.reshape(shape),
        metrics=_reshaped(metrics, shape),
    )


def _reshaped(m: QueueMetrics, shape: tuple[int, ...]) -> QueueMetrics:
    return QueueMetrics(
        agents=m.agents.reshape(shape),
        traffic_erlangs=m.traffic_erlangs.reshape(shape),
        wait_probability=m.wait_probability.reshape(shape),
        service_level=m.service_level.reshape(shape),
        asa_s=m.asa_s.reshape(shape),
        occupancy=m.occupancy.reshape(shape),
        abandon_probability=m.abandon_probability.reshape(shape),
        service_level_basis=m.service_level_basis,
        model=m.model,
    )


def erlang_c_required(
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    target_answer_s: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike = 1.0,
    max_asa_s: npt.ArrayLike | None = None,
) -> LiveRequirement:
    """Smallest N per element under Erlang C meeting SL, occupancy and (optional) ASA targets together."""
    return live_required(
        traffic_erlangs,
        aht_s,
        target_answer_s=target_answer_s,
        service_level=service_level,
        max_occupancy=max_occupancy,
        max_asa_s=max_asa_s,
    )


def erlang_a_required(
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    *,
    target_answer_s: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike = 1.0,
    max_asa_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    basis: ServiceLevelBasis = "offered",
) -> LiveRequirement:
    """Smallest N per element under Erlang A meeting SL, occupancy, ASA and abandonment targets together."""
    return live_required(
        traffic_erlangs,
        aht_s,
        target_answer_s=target_answer_s,
        service_level=service_level,
        max_occupancy=max_occupancy,
        max_asa_s=max_asa_s,
        patience_s=patience_s,
        max_abandon=max_abandon,
        basis=basis,
    )


def chat_required(
    traffic_erlangs: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    concurrency: npt.ArrayLike,
    *,
    target_answer_s: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike = 1.0,
    max_asa_s: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
) -> LiveRequirement:
    """Agents for a chat queue where each agent holds up to `concurrency` chats (K slots per agent).

    `traffic_erlangs` is chats per interval times the elapsed chat duration `aht_s` over the interval
    length: the average number of chats in progress.
    """
    return live_required(
        traffic_erlangs,
        aht_s,
        target_answer_s=target_answer_s,
        service_level=service_level,
        max_occupancy=max_occupancy,
        max_asa_s=max_asa_s,
        concurrency=concurrency,
        patience_s=patience_s,
        max_abandon=max_abandon,
    )

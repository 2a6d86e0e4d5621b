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

from scheduler.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ServiceLevelBasis = Literal["offered", "answered"]
SERVICE_LEVEL_BASES: tuple[str, ...] = ("offered", "answered")

RECURSION_MAX_AGENTS = 4096
"""Above this many agents Erlang B is computed in log space instead of by recursion."""

_OCCUPANCY_TOLERANCE = 1e-12
"""Relative slack so that `A / N == max_occupancy` in floating point still counts as within the cap."""

_BLOCK = 32768
"""Elements per block in the Erlang C search: its temporaries then stay in the CPU cache (about 2x faster)."""

_GAMMAINC_UNDERFLOW = 1e-280
"""Below this the regularised incomplete gamma loses relative precision; a series takes over."""


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


def check_nonnegative(value: npt.ArrayLike, what: str) -> FloatArray:
    """`value` as floats if every element is finite and >= 0, else InvalidInput."""
    arr = _floats(value, what)
    if not np.isfinite(arr).all() or (arr < 0).any():
        bad = arr[~np.isfinite(arr) | (arr < 0)].ravel()[0]
        raise InvalidInput(f"{what} must be zero or more and finite, got {bad:g}")
    return arr


def check_positive(value: npt.ArrayLike, what: str, *, allow_inf: bool = False) -> FloatArray:
    """`value` as floats if every element is > 0 (and finite unless `allow_inf`), else InvalidInput."""
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


def _take(x: FloatArray, which: npt.NDArray[np.bool_] | IntArray | slice) -> FloatArray:
    """`x[which]` for a per-element array; a 0-d parameter (shared by all elements) stays as it is."""
    return x if x.ndim == 0 else x[which]


def _erlang_c_search(
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
    element however many steps it takes.
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


def _erlang_c_search_blocks(
    a: FloatArray,
    aht: FloatArray,
    target_s: FloatArray,
    sl_target: FloatArray,
    cap: FloatArray,
    asa_max_s: FloatArray,
) -> _Found:
    """`_erlang_c_search` over blocks of `_BLOCK` elements (same result, cache-friendly)."""
    if a.size <= _BLOCK:
        return _erlang_c_search(a, aht, target_s, sl_target, cap, asa_max_s)
    out = np.empty((5, a.size))
    for start in range(0, a.size, _BLOCK):
        part = slice(start, start + _BLOCK)
        found = _erlang_c_search(*(_take(x, part) for x in (a, aht, target_s, sl_target, cap, asa_max_s)))
        out[:, part] = (
            found.agents,
            found.fractional,
            found.wait_probability,
            found.service_level,
            found.asa_s,
        )
    return _Found(out[0], out[1], out[2], out[3], out[4], np.zeros(()))


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

    upper = _erlang_c_search(a, aht, target_s, sl_target, cap, asa_max_s).agents.astype(np.int64)
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

    slots = np.zeros(a.size)
    fractional = np.zeros(a.size)
    pw = np.zeros(a.size)
    sl = np.ones(a.size)
    asa = np.zeros(a.size)
    pab = np.zeros(a.size)
    busy = a > 0
    patient = np.broadcast_to(np.isfinite(pat), a.shape)
    for model_mask, erlang_a in ((busy & ~patient, False), (busy & patient, True)):
        if not model_mask.any():
            continue
        sel: IntArray | slice = slice(None) if model_mask.all() else np.flatnonzero(model_mask)
        a_sel, aht_sel, t_sel, sl_sel, cap_sel, asa_sel = (
            _take(x, sel) for x in (a, aht, t, sl_target, cap, asa_max)
        )
        if erlang_a:
            found = _erlang_a_search(
                a_sel, aht_sel, t_sel, _take(pat, sel), sl_sel, cap_sel, asa_sel, _take(ab_max, sel), basis
            )
        else:
            found = _erlang_c_search_blocks(a_sel, aht_sel, t_sel, sl_sel, cap_sel, asa_sel)
        slots[sel], fractional[sel] = found.agents, found.fractional
        pw[sel], sl[sel], asa[sel] = found.wait_probability, found.service_level, found.asa_s
        pab[sel] = found.abandon_probability
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
        agents = np.ceil(slots / k - 1e-9).astype(np.int64)
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

"""Where a sweep's scenarios run: this process, a local process pool, or a Ray cluster.

The solving code is the same everywhere (`scheduler.scenarios.runners.run_task`); only the runner changes.
Ray is an optional extra (`pip install -e '.[ray]'`); `WFM_RAY_ADDRESS` (or `--ray-address`) picks it:
`local` starts a Ray instance on this machine, `auto` joins the cluster this machine belongs to, and
`ray://host:10001` connects to a remote one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from common.errors import WfmError
from scheduler import LocalRunner, Runner


class RayUnavailable(WfmError):
    """Ray was asked for but is not installed, or the cluster cannot be reached."""


@dataclass(frozen=True)
class RayRunner:
    """Runs each item as a Ray task (one CPU each) and reports them as they end."""

    address: str = "local"
    num_cpus: int | None = None

    def _init(self) -> Any:
        try:
            import ray
        except ImportError as exc:
            raise RayUnavailable(
                "Ray is not installed; install the extra (pip install -e '.[ray]') or leave the Ray address unset"
            ) from exc
        if not ray.is_initialized():
            try:
                ray.init(
                    address=None if self.address == "local" else self.address,
                    num_cpus=self.num_cpus if self.address == "local" else None,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise RayUnavailable(f"cannot reach the Ray cluster at {self.address!r}: {exc}") from exc
        return ray

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Results in the order of `items`."""
        ray = self._init()
        remote = ray.remote(num_cpus=1, max_retries=0)(fn)
        refs = [remote.remote(item) for item in items]
        index = {ref: i for i, ref in enumerate(refs)}
        results: dict[int, Any] = {}
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                i = index[ref]
                results[i] = ray.get(ref)
                if on_done is not None:
                    on_done(i, results[i])
        return [results[i] for i in range(len(items))]


def runner_for(workers: int, ray_address: str | None) -> Runner:
    """Ray when an address is configured, else a local pool of `workers` processes (1: this process)."""
    if ray_address:
        return RayRunner(ray_address)
    return LocalRunner(workers)


def shutdown_ray() -> None:
    """Stop the local Ray instance this process started, if any."""
    try:
        import ray
    except ImportError:
        return
    if ray.is_initialized():
        ray.shutdown()

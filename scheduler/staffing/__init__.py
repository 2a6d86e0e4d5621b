"""Staffing: from forecast volume to agents needed per queue and interval, and back to service.

`erlang` (live queues: Erlang B/C/A, chat concurrency), `backlog` (async queues: the deadline
backlog model), `queues` (one queue's requirement and the service given agents achieve) and
`requirements` (the forecast frame in, the requirements frame out).
"""

from scheduler.staffing.queues import *  # noqa: F403
from scheduler.staffing.queues import __all__ as __all__

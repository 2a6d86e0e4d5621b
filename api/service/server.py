"""`wfm serve`: the service under uvicorn, stopped promptly by SIGTERM or Ctrl-C.

On the signal uvicorn stops taking requests and gives those in progress (long-polls and event
streams included) `Settings.shutdown_grace_s` to end, then the app stops its jobs (their workers are
terminated; they are marked failed). A request still computing in a thread after that cannot be
interrupted from Python; rather than wait for it, the process leaves at once.
"""

from __future__ import annotations

import logging
import os
import threading

import uvicorn

from api.service.app import create_app
from api.service.settings import Settings
from api.service.slow_clients import OncePer, with_read_timeout

log = logging.getLogger("wfm.service")


# the event loop's errors that repeat at every try (e.g. accepting with no file descriptor left)
# are logged once per this many seconds
REPEATED_LOG_S = 10.0


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the service until a signal stops it; a connection whose request headers are not in within
    `Settings.request_read_timeout_s` is closed (`slow_clients`)."""
    logging.getLogger("asyncio").addFilter(OncePer(REPEATED_LOG_S))
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        http=with_read_timeout(settings.request_read_timeout_s),
        timeout_graceful_shutdown=settings.shutdown_grace_s,
    )
    uvicorn.Server(config).run()
    busy = [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if busy:
        log.warning("stopping with %d request thread(s) still busy; they are abandoned", len(busy))
        logging.shutdown()
        os._exit(0)

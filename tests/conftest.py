"""Settings for the whole suite, set before any test module reads them."""

from __future__ import annotations

import os

# The service's job workers lower their OS priority (`Settings.worker_niceness`, 10 by default) so
# that reads stay fast while solves run. On a machine busy with other work, niced workers would wait
# behind it, and every test that runs a job with them: here they keep the priority of the tests
# (the service and any `wfm serve` started as a process read this too). The test of the priority
# itself sets its own niceness.
os.environ["WFM_WORKER_NICENESS"] = "0"

"""What-if scenarios: a base plan plus named changes, measured and compared side by side."""

from scheduler.scenarios.core import *  # noqa: F403

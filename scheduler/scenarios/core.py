"""The scenarios' public names, where they were before the package was split by role (`scheduler.scenarios`)."""

from scheduler.scenarios import *  # noqa: F403
from scheduler.scenarios import __all__ as __all__

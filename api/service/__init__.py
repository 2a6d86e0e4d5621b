"""The wfm-optimizer web service: FastAPI app, storage, access control, roster jobs."""

from api.service.app import create_app
from api.service.settings import Settings

__all__ = ["Settings", "create_app"]

"""The web page for leads, planners and HR at `/`: static files that call the /v1 API with a token.

Charts are drawn by plotly.js, taken from the `plotly` Python package (it ships the minified
bundle), so the page needs no JavaScript build step and no npm.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
router = APIRouter(include_in_schema=False)
NO_CACHE = {"Cache-Control": "no-cache"}


def plotly_bundle() -> Path:
    """The minified plotly.js inside the installed `plotly` package."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


@router.get("/")
def index() -> FileResponse:
    """The page."""
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=NO_CACHE)


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js, from the Python package."""
    return FileResponse(
        plotly_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
    )


def install(app: FastAPI) -> None:
    """Serve the page at `/` and its files under `/static`."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

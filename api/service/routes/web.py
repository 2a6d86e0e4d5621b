"""The web page for leads, planners and HR at `/`: static files that call the /v1 API with a token.

Charts are drawn by plotly.js, taken from the `plotly` Python package (it ships the minified
bundle), so the page needs no JavaScript build step. The page loads it only when a chart is first
shown; responses are gzip-compressed (Starlette's GZipMiddleware), and plotly.js, the one large
file, is compressed once per process and served as it is to every browser that accepts gzip.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from api.service.asgi import HttpMiddleware

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
router = APIRouter(include_in_schema=False)
NO_CACHE = {"Cache-Control": "no-cache"}
VENDOR_CACHE = {"Cache-Control": "max-age=86400", "Vary": "Accept-Encoding"}
GZIP_MIN_BYTES = 1000  # smaller responses gain less than the header costs


def plotly_bundle() -> Path:
    """The minified plotly.js inside the installed `plotly` package."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


@cache
def plotly_gzip() -> bytes:
    """plotly.js compressed once (about 1.4 MB instead of 4.8 MB)."""
    return gzip.compress(plotly_bundle().read_bytes(), compresslevel=6, mtime=0)


@router.get("/")
def index() -> FileResponse:
    """The page."""
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=NO_CACHE)


@router.get("/static/vendor/plotly.min.js", response_model=None)
def plotly_js(accept_encoding: Annotated[str, Header()] = "") -> Response | FileResponse:
    """plotly.js, from the Python package: compressed when the browser accepts gzip."""
    if "gzip" in accept_encoding.lower():
        return Response(
            plotly_gzip(),
            media_type="text/javascript",
            headers={**VENDOR_CACHE, "Content-Encoding": "gzip"},
        )
    return FileResponse(plotly_bundle(), media_type="text/javascript", headers=VENDOR_CACHE)


# every answer: no type sniffing, no framing (clickjacking), no referrer; the page's scripts and
# styles from the service alone (plotly.js sets styles of its own, hence 'unsafe-inline' for styles)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
)


class SecurityHeaders(HttpMiddleware):
    """Add `SECURITY_HEADERS` to every HTTP answer (headers the route set itself are kept)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    """Serve the page at `/` and its files under `/static`; compress what the service sends; every
    answer carries `SECURITY_HEADERS`."""
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

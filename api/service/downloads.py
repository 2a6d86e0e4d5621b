"""File downloads: the body with a `Content-Disposition` that no name can break (RFC 6266, RFC 5987)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str) -> str:
    """`attachment` with the name twice: plain ASCII for old clients (anything else becomes `_`), and
    percent-encoded UTF-8 in `filename*` for the rest; quotes, `;`, CR/LF and `/` can never get through."""
    fallback = _UNSAFE.sub("_", filename).strip("._") or "download"
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def download(content: bytes, media_type: str, filename: str) -> Response:
    """A file to save as `filename`."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)}
    )

"""First load of the web page in headless Chromium (Debian's), against the service on this machine.

For `--repeats` fresh browser contexts (empty cache): the time from navigation to the sign-in form
being usable (DOMContentLoaded: the page's module script has run and wired the form) and to the
load event, and the bytes transferred; then, signed in, the time from opening the Coverage tab to
its chart being drawn (plotly.js is fetched then, gzip-compressed). The baseline in the same run
is the page as it was before: plotly.js (4.8 MB, uncompressed) loaded in the page's head, which
the sign-in screen waited for.

Run: `.venv/bin/python benchmarks/web_first_load.py` (about half a minute; `make setup` installs
Chromium).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, Route, sync_playwright

from api.service import Settings, create_app
from api.service.auth import create_token
from api.service.db import make_engine, session_factory, transaction
from api.service.routes.web import WEB_DIR, plotly_bundle, plotly_gzip

NAVIGATION = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const bytes = performance.getEntriesByType("resource").reduce((s, r) => s + r.transferSize, n.transferSize);
  return { ready_ms: n.domContentLoadedEventEnd, load_ms: n.loadEventEnd, bytes };
}"""
OLD_HEAD = '<script src="/static/vendor/plotly-uncompressed.js" defer></script>\n'


def _serve(database_url: str) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings(database_url=database_url)), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _old_page(route: Route) -> None:
    """The page as it was: plotly.js in the head, sent uncompressed."""
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8").replace("</head>", OLD_HEAD + "</head>")
    route.fulfill(body=html, content_type="text/html")


def _plotly_uncompressed(route: Route) -> None:
    route.fulfill(body=plotly_bundle().read_bytes(), content_type="text/javascript")


def first_load(browser: Browser, url: str, old: bool) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    if old:
        page.route(url + "/", _old_page)
        page.route("**/plotly-uncompressed.js", _plotly_uncompressed)
    page.goto(url + "/")
    page.wait_for_load_state("load")
    figures: dict[str, Any] = page.evaluate(NAVIGATION)
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'wfm.db'}"
        server, url = _serve(database_url)
        engine = make_engine(database_url)
        with transaction(session_factory(engine)) as session:
            create_token(session, "admin", [])
        engine.dispose()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            first_load(browser, url, old=False)  # warm the server's caches (the compressed plotly.js)
            for old in (True, False):
                runs = [first_load(browser, url, old) for _ in range(args.repeats)]
                label = "before (plotly.js in the head, uncompressed)" if old else "now (no plotly.js, gzip)"
                ready = statistics.median(r["ready_ms"] for r in runs)
                load = statistics.median(r["load_ms"] for r in runs)
                size = statistics.median(r["bytes"] for r in runs)
                print(
                    f"{label}: sign-in usable {ready:.0f} ms, load {load:.0f} ms, {size / 1e6:.2f} MB (median of {args.repeats})"
                )
            browser.close()
        server.should_exit = True
        plain = plotly_bundle().stat().st_size
        print(
            f"plotly.js, fetched when a chart is first shown: {plain / 1e6:.2f} MB plain, {len(plotly_gzip()) / 1e6:.2f} MB gzip"
        )


if __name__ == "__main__":
    main()

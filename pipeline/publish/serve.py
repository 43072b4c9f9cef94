"""output/ over HTTP on this computer only, rebuilt as sources are saved (`handouts serve`, after MkDocs' serve): pages reload themselves, errors show in them.

The server listens on 127.0.0.1 alone and answers only requests addressed to it by that name
(a web page elsewhere cannot reach it through a DNS trick). It serves files of output/ and
nothing else: no hidden files (the build's lock and state), no folder listings. Into each HTML
page it sends (never into the files) a small script that waits, on one server-sent-events
stream, for a rebuild of that page or of the site's shared files, or for a change in the
errors, and then reloads; the errors of the last build are shown at the top of every page.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import HandoutsError
from .watch import Echo, Listener, watch
from .workers import Outcome

EVENTS = "/__handouts__/events"
HOST = "127.0.0.1"
# Files every page uses: a change to one of these reloads every open page.
SHARED = ("web/site.css", "web/search.js", "web/fuse.min.js", "web/fonts/")

_CLIENT = """<script>
(function () {
  var here = decodeURIComponent(location.pathname).replace(/^\\//, "") || "index.html";
  if (/\\/$/.test(here)) { here += "index.html"; }
  var folder = here.replace(/[^\\/]*$/, "");
  var source = new EventSource("%(events)s?since=%(version)d");
  source.onmessage = function (event) {
    var news = JSON.parse(event.data);
    var mine = news.paths.some(function (path) {
      return path === here || (folder && path.indexOf(folder) === 0 && !/\\.html$/.test(path))
        || %(shared)s.some(function (shared) { return path.indexOf(shared) === 0; });
    });
    if (mine || news.errors !== %(errors)s) { source.close(); location.reload(); }
  };
}());
</script>
"""

_BANNER = """<div role="alert" id="handouts-serve-errors" style="margin:0;padding:1rem;background:#fff4f4;color:#7a0000;\
border-bottom:4px solid #7a0000;font:1rem/1.4 system-ui,sans-serif;white-space:pre-wrap;overflow-wrap:anywhere">\
<strong>handouts serve: the last build has errors</strong> (this page may be out of date)
<ul style="margin:.5rem 0 0;padding-left:1.25rem">%s</ul></div>
"""


class Site(Listener):
    """What the pages are told: a version number that grows with every file a build writes,
    which files changed since each version, and the errors that stand."""

    def __init__(self, echo: Echo) -> None:
        self.echo = echo
        self.version = 0
        self.changes: list[tuple[int, str]] = []
        self.errors: list[str] = []
        self.changed = threading.Condition()
        self.stopping = False

    def _publish(self, paths: list[str], errors: list[str] | None = None) -> None:
        with self.changed:
            if errors is not None and errors != self.errors:
                self.errors = errors
                self.version += 1
            for path in paths:
                self.version += 1
                self.changes.append((self.version, path))
            del self.changes[:-10_000]
            self.changed.notify_all()

    def done(self, outcome: Outcome) -> None:
        if outcome.status == "built" and outcome.entry:
            self._publish([outcome.entry["path"], *(outcome.entry.get("files") or {})])

    def finished(self, paths: list[str], errors: list[str]) -> None:
        self._publish(paths, errors)

    def since(self, version: int) -> list[str]:
        return sorted({path for number, path in self.changes if number > version})

    def errors_key(self) -> str:
        """Changes when the standing errors do (a page reloads to show or drop them)."""
        return hashlib.sha256("\n".join(self.errors).encode()).hexdigest()[:16]

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class _Handler(http.server.SimpleHTTPRequestHandler):
    site: Site
    port: int

    def log_message(self, format: str, *args: object) -> None:  # quiet, as MkDocs is: the terminal is for the build
        pass

    def _allowed_host(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        return host in (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._allowed_host():
            self.send_error(403, "handouts serve answers only to 127.0.0.1 and localhost")
            return
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events(int((parse_qs(url.query).get("since") or ["0"])[0] or 0))
            return
        parts = [part for part in url.path.split("/") if part]
        if any(part.startswith(".") for part in parts):
            self.send_error(404)
            return
        file = Path(self.translate_path(url.path))
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            self.send_error(404, "not built (yet)")
            return
        if file.suffix == ".html":
            self._page(file)
        else:
            super().do_GET()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404)
        return None

    def _page(self, file: Path) -> None:
        """An HTML page with the reload script and the errors of the last build."""
        text = file.read_text(encoding="utf-8")
        site = self.site
        with site.changed:
            version, errors, key = site.version, list(site.errors), site.errors_key()
        script = _CLIENT % {"events": EVENTS, "version": version, "shared": json.dumps(list(SHARED)),
                            "errors": json.dumps(key)}
        banner = _BANNER % "".join(f"<li>{html.escape(error)}</li>" for error in errors) if errors else ""
        head, found, rest = text.partition("<body")
        if found:
            tag, _, body = rest.partition(">")
            text = f"{head}<body{tag}>\n{banner}{body}"
        text = text.replace("</body>", script + "</body>") if "</body>" in text else text + script
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _events(self, since: int) -> None:
        """Server-sent events: one message per batch of changes after `since`."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        site = self.site
        try:
            while True:
                with site.changed:
                    site.changed.wait_for(lambda: site.version > since or site.stopping, timeout=15)
                    if site.stopping:
                        return
                    version, paths, key = site.version, site.since(since), site.errors_key()
                if version > since:
                    message = json.dumps({"version": version, "paths": paths, "errors": key})
                    self.wfile.write(f"data: {message}\n\n".encode())
                    since = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(output: Path, port: int, site: Site) -> Server:
    """Serve `output` on 127.0.0.1:`port` (0: any free port) in a background thread."""
    handler = type("Handler", (_Handler,), {"site": site, "port": 0})
    try:
        server = Server((HOST, port), lambda *args: handler(*args, directory=str(output)))
    except OSError as error:
        raise HandoutsError(f"cannot listen on {HOST}:{port} ({error.strerror}): "
                            "is another server using it? Try --port with another number") from None
    handler.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, name="handouts-serve", daemon=True).start()
    return server


def serve(root: Path, echo: Echo, port: int = 8000, jobs: int | None = None,
          stop_event: threading.Event | None = None, started: Callable[[str], None] | None = None) -> None:
    """Serve output/ at http://127.0.0.1:PORT/ while watching and rebuilding, until stopped.
    `started` is told the address (port 0 picks a free one)."""
    root = root.resolve()
    output = root / "output"
    output.mkdir(exist_ok=True)
    site = Site(echo)
    server = start(output, port, site)
    address = f"http://{HOST}:{server.server_address[1]}/"
    echo(f"serving {output} at {address} (this computer only)", False)
    if started is not None:
        started(address)
    try:
        watch(root, echo, stop_event, jobs, debounce_ms=100, listener=site)
    finally:
        site.stop()
        server.shutdown()
        server.server_close()

"""`handouts serve`: builds, serves output/ on 127.0.0.1 only, rebuilds on save, and open pages
reload themselves (checked over HTTP, and in Chromium); errors show in the page until fixed."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.publish.serve import serve

from .chromium import Page, browser, needs_browser  # noqa: F401 (browser is a fixture)
from .conftest import copy_project


class Served:
    """`handouts serve` running in a thread on a free port, with what it printed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.address = ""
        started = threading.Event()

        def on_start(address: str) -> None:
            self.address = address
            started.set()

        self.thread = threading.Thread(target=serve, args=(root, lambda m, e: self.lines.append(m)),
                                       kwargs={"port": 0, "jobs": 1, "stop_event": self.stop, "started": on_start},
                                       daemon=True)
        self.thread.start()
        assert started.wait(30), self.lines
        self.port = int(self.address.rsplit(":", 1)[1].strip("/"))

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        """Wait until a line printed after line `after` contains `text`; the number of lines then."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines[after:]):
            assert self.thread.is_alive(), self.lines
            assert time.monotonic() < deadline, f"no {text!r} in {self.lines[after:]}"
            time.sleep(0.05)
        return len(self.lines)

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{self.port}"})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def close(self) -> None:
        self.stop.set()
        self.thread.join(20)
        assert not self.thread.is_alive()


@contextlib.contextmanager
def served(tmp_path: Path) -> Iterator[Served]:
    root = copy_project(tmp_path, ("fever-children",))
    config = root / "handouts.yml"
    config.write_text(re.sub(r"^layouts: .*$", "layouts: [letter]", config.read_text(), flags=re.M))
    server = Served(root)
    try:
        server.wait_for("watching")
        time.sleep(0.3)  # the watcher is listening
        yield server
    finally:
        server.close()


class Events:
    """The server-sent events a page listens to, read in a thread."""

    def __init__(self, server: Served, since: int) -> None:
        self.messages: list[dict] = []
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.connection.request("GET", f"/__handouts__/events?since={since}",
                                headers={"Host": f"localhost:{server.port}"})
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in self.response:
                if line.startswith(b"data: "):
                    self.messages.append(json.loads(line[6:]))

    def wait(self, check, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages:
                if check(message):
                    return message
            assert time.monotonic() < deadline, self.messages
            time.sleep(0.05)


def test_serve_rebuilds_on_save_and_shows_errors_in_the_page(tmp_path: Path) -> None:
    with served(tmp_path) as server:
        started = server.lines[:]
        assert any("start: building fever-children" in line for line in started)  # built once at start
        assert re.match(r"serving .* at http://127\.0\.0\.1:\d+/ \(this computer only\)", started[0])
        status, index = server.get("/")
        assert status == 200 and 'href="web/fever-children/en.html"' in index and "EventSource" in index
        status, page = server.get("/web/fever-children/en.html")
        assert status == 200 and "handouts-serve-errors" not in page
        assert not (server.root / "output" / "web" / "fever-children" / "en.html").read_text().count("EventSource")
        # Only this computer, only output/'s own files.
        assert server.get("/", host="attacker.example")[0] == 403
        assert server.get("/.state.json")[0] == 404 and server.get("/web/")[0] == 404
        assert server.get("/../handouts.yml")[0] == 404 and server.get("/%2e%2e/handouts.yml")[0] == 404

        version = int(re.search(r"since=(\d+)", page).group(1))
        events = Events(server, version)
        source = server.root / "handouts" / "fever-children" / "en.md"
        good = source.read_text()
        mark = len(server.lines)
        source.write_text(good.replace("A fever is common in children.", "Fevers are common in children."))
        news = events.wait(lambda m: "web/fever-children/en.html" in m["paths"])
        assert "Fevers are common" in server.get("/web/fever-children/en.html")[1]
        mark = server.wait_for("watching for changes", mark)
        rebuilt = [line.split()[1] for line in server.lines if line.startswith("rebuilt")][-2:]
        assert rebuilt == ["web/fever-children/en.html", "en/fever-children.pdf"]  # the edited language, page first
        changed = [line for line in server.lines if "changed:" in line]
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] handouts/fever-children/en\.md changed: building fever-children",
                            changed[-1])

        source.write_text(good.replace("title: Fever in babies and children\n", ""))
        broken = events.wait(lambda m: m["errors"] != news["errors"])
        page = server.get("/web/fever-children/en.html")[1]
        assert 'role="alert" id="handouts-serve-errors"' in page
        assert "error: handouts/fever-children/en.md:2:1: &#x27;title&#x27;: is missing (add a &#x27;title:&#x27; line)" in page
        mark = server.wait_for("error: handouts/fever-children/en.md", mark)

        source.write_text(good)
        events.wait(lambda m: m["errors"] != broken["errors"])
        server.wait_for("fixed    handouts/fever-children/en.md", mark)
        assert "handouts-serve-errors" not in server.get("/web/fever-children/en.html")[1]


@pytest.mark.parametrize("lang", ["fr"])
@needs_browser[0]
@needs_browser[1]
def test_an_open_page_reloads_itself_when_its_handout_is_saved(tmp_path: Path, browser: str, lang: str) -> None:  # noqa: F811
    with served(tmp_path) as server:
        page = Page(browser)
        try:
            page.open(f"{server.address}web/fever-children/{lang}.html")
            assert page.evaluate("document.title").startswith("La fièvre chez les bébés")
            page.evaluate("window.unchanged = true")  # gone once the page has reloaded
            source = server.root / "handouts" / "fever-children" / f"{lang}.md"
            good = source.read_text()
            source.write_text(good.replace("title: La fièvre chez les bébés et les enfants",
                                           "title: La fièvre chez les petits"))
            _until(page, "document.title.startsWith('La fièvre chez les petits')")
            assert page.evaluate("window.unchanged === undefined")
            source.write_text("---\nnot front matter\n")
            _until(page, "!!document.getElementById('handouts-serve-errors')")
            assert "has no front matter" in page.evaluate("document.getElementById('handouts-serve-errors').textContent")
            assert page.axe("document.querySelector('main')") == []  # the page itself is unharmed
            source.write_text(good)
            _until(page, "!document.getElementById('handouts-serve-errors')")
        finally:
            page.close()


def _until(page: Page, condition: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(condition):
                return
        except AssertionError:  # the page was reloading
            pass
        assert time.monotonic() < deadline, condition
        time.sleep(0.1)

"""Headless Chromium (Debian's chromium) driven over the DevTools protocol, with axe-core (npm,
tests/browser/) to check pages for accessibility: the harness every browser test module shares.

Set up by `make test` (chromium in TEST_PACKAGES, `npm ci --prefix tests/browser`). Run by hand
without them, browser tests are skipped with the reason; in CI (CI set) they never skip. Each
module starts one browser (`browser` fixture, module scope) and opens pages in it.
"""

from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio", "--window-size=1280,900",
         "--hide-scrollbars"]

IN_CI = bool(os.environ.get("CI"))
needs_browser = [
    pytest.mark.skipif(CHROMIUM is None and not IN_CI,
                       reason="Debian's chromium is not installed (make test installs it)"),
    pytest.mark.skipif(not AXE.is_file() and not IN_CI,
                       reason="axe-core is not installed: npm ci --prefix tests/browser"),
]


class Page:
    """A minimal Chrome DevTools Protocol client for one page (websockets' sync client)."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(url, max_size=64 * 1024 * 1024, open_timeout=10))
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def send(self, method: str, timeout: float = 30, **params) -> dict:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def evaluate(self, expression: str, timeout: float = 30):
        result = self.send("Runtime.evaluate", timeout=timeout, expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def key(self, key: str, code: str, keycode: int, shift: bool = False) -> None:
        modifiers = 8 if shift else 0
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=keycode,
                      nativeVirtualKeyCode=keycode, modifiers=modifiers)

    def tab(self) -> str:
        """Press Tab; what has the focus then (its id, href or tag)."""
        self.key("Tab", "Tab", 9)
        return self.evaluate("(e => e.id || e.getAttribute('href') || e.tagName)(document.activeElement)")

    def width(self, width: int, height: int = 900) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)

    def open(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")

    def axe(self, context: str = "document") -> list[dict]:
        """axe-core's violations on the page as it is now (every rule that runs by default)."""
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        return self.evaluate(f"axe.run({context}, {{resultTypes: ['violations']}}).then(r => r.violations.map("
                             "v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))",
                             timeout=60)

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
        return self.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                             " - document.documentElement.clientWidth")

    def screenshot(self, box: dict | None = None):
        """The page as painted (a Pillow RGB image), whole or a part."""
        from PIL import Image

        params = {"format": "png"}
        if box:
            params["clip"] = {**box, "scale": 1}
        shot = self.send("Page.captureScreenshot", **params)
        return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")

    def box(self, selector: str, grow: int = 0) -> dict:
        return self.evaluate(f"(r => ({{x: r.x + scrollX - {grow}, y: r.y + scrollY - {grow}, "
                             f"width: r.width + 2 * {grow}, height: r.height + 2 * {grow}}}))"
                             f"(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")

    def close(self) -> None:
        self._stack.close()


@contextlib.contextmanager
def launch(profile: Path) -> Iterator[str]:
    """A headless Chromium with a DevTools port on 127.0.0.1; yields the page's websocket URL."""
    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                "--remote-debugging-address=127.0.0.1", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert process.poll() is None, "chromium exited at start"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        yield next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with launch(tmp_path_factory.mktemp("chromium-profile")) as url:
        yield url


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 60) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour)) <= tolerance

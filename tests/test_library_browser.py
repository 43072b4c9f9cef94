"""The library page in a real browser: headless Chromium (Debian's chromium) driven over the
DevTools protocol, with axe-core (npm, tests/browser/) checking it for accessibility.

Set up by `make test` (chromium in TEST_PACKAGES, `npm ci --prefix tests/browser`). Run by hand
without them, the tests are skipped with the reason; in CI (CI set) they never skip.
"""

from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio", "--window-size=1280,900"]

IN_CI = bool(os.environ.get("CI"))
pytestmark = [
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

    def close(self) -> None:
        self._stack.close()

    def open(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium with a DevTools port on 127.0.0.1; yields the page's websocket URL."""
    profile = tmp_path_factory.mktemp("chromium-profile")
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
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ of the real handouts as a build leaves it (PDFs stood in for: this tests the page)."""
    from pipeline.project.config import load_project
    from pipeline.publish.library import write_index
    from tests.conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("library"))
    output = root / "output"
    outputs = {}
    for slug in ("fever-children", "vertebroplasty"):
        for lang in ("en", "fr"):
            path = f"{lang}/{slug}.pdf"
            (output / lang).mkdir(parents=True, exist_ok=True)
            (output / path).write_bytes(b"%PDF-1.7 stand-in")
            outputs[path] = {"path": path, "handout": slug, "lang": lang, "layout": "letter", "pages": 3,
                             "bytes": 29000, "verify": "pass", "translation": "current"}
    (output / "manifest.json").write_text(json.dumps({"version": 1, "outputs": outputs}))
    write_index(load_project(root))
    return output


@pytest.fixture
def page(browser: str, built: Path):
    page = Page(browser)
    page.open((built / "index.html").as_uri())
    yield page
    page.close()


def test_page_loads_with_every_handout_and_the_filter_box(page: Page) -> None:
    assert page.evaluate("document.title").startswith("Patient handouts")
    assert page.evaluate("document.querySelectorAll('#handouts tbody tr').length") == 2
    assert page.evaluate("document.getElementById('filter-box').hidden") is False
    assert page.evaluate("document.querySelector('.title-fr').lang") == "fr-CA"


def test_filter_hides_rows_that_do_not_match(page: Page) -> None:
    page.evaluate("document.getElementById('filter').focus()")
    page.send("Input.insertText", text="fièvre")
    visible = page.evaluate("[...document.querySelectorAll('#handouts tbody tr')].filter(r => !r.hidden)"
                            ".map(r => r.querySelector('td').textContent)")
    assert visible == ["61420"]
    assert page.evaluate("document.getElementById('filter-count').textContent") == "Showing 1 of 2 handouts."
    page.evaluate("document.getElementById('filter').select()")
    page.send("Input.insertText", text="zzz")
    assert page.evaluate("document.querySelectorAll('#handouts tbody tr:not([hidden])').length") == 0
    assert page.evaluate("document.getElementById('no-match').hidden") is False
    page.evaluate("document.getElementById('filter').select()")
    page.key("Backspace", "Backspace", 8)
    assert page.evaluate("document.querySelectorAll('#handouts tbody tr:not([hidden])').length") == 2


def test_keyboard_reaches_skip_link_filter_and_pdf_links(page: Page) -> None:
    order = []
    for _ in range(4):
        page.key("Tab", "Tab", 9)
        order.append(page.evaluate("(e => e.id || e.getAttribute('href') || e.tagName)(document.activeElement)"))
    assert order == ["#main", "filter", "en/fever-children.pdf", "fr/fever-children.pdf"]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_axe_core_finds_no_violations(page: Page) -> None:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    for state in ("", "fever"):  # as loaded, and filtered
        page.evaluate(f"(f => {{ f.value = {json.dumps(state)}; f.dispatchEvent(new Event('input')); }})"
                      "(document.getElementById('filter'))")
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})"
                                ".then(r => ({violations: r.violations.map(v => ({id: v.id, help: v.help, "
                                "nodes: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length}))",
                                timeout=60)
        assert results["violations"] == [], json.dumps(results["violations"], indent=2)
    ran = page.evaluate("axe.run(document, {runOnly: ['color-contrast', 'label', 'html-lang-valid', 'valid-lang',"
                        " 'th-has-data-cells', 'link-name']}).then(r => r.passes.map(p => p.id).sort())")
    assert {"color-contrast", "label", "valid-lang", "link-name"} <= set(ran)


def test_without_javascript_every_handout_is_listed(browser: str, built: Path) -> None:
    page = Page(browser)
    try:
        page.send("Emulation.setScriptExecutionDisabled", value=True)
        page.open((built / "index.html").as_uri())
        root = page.send("DOM.getDocument", depth=-1)["root"]["nodeId"]
        dom = page.send("DOM.getOuterHTML", nodeId=root)["outerHTML"]
    finally:
        page.send("Emulation.setScriptExecutionDisabled", value=False)
        page.close()
    rows = re.findall(r"<tr data-search=[^>]*>", dom)
    assert len(rows) == 2 and not any("hidden" in row for row in rows)
    assert 'id="filter-box" hidden=""' in dom  # the script did not run: no control that cannot work
    assert dom.count('type="application/pdf"') == 2  # fever-children in two languages; vertebroplasty is print only


def _screenshot(page: Page, box: dict) -> list[tuple[int, int, int]]:
    """The pixels (RGB) of a part of the page as the browser paints it."""
    from PIL import Image

    shot = page.send("Page.captureScreenshot", format="png", clip={**box, "scale": 1})
    image = Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")
    return list(image.get_flattened_data())


def _box(page: Page, selector: str, grow: int = 0) -> dict:
    return page.evaluate(f"(r => ({{x: r.x - {grow}, y: r.y - {grow}, width: r.width + 2 * {grow}, "
                         f"height: r.height + 2 * {grow}}}))(document.querySelector({json.dumps(selector)})"
                         ".getBoundingClientRect())")


def _near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 60) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour)) <= tolerance


def test_what_the_page_shows(page: Page) -> None:
    """Painted, not just present in the DOM: the table's text is dark on white, and a link reached
    with the keyboard gets a visible ring in the accent colour (#0b4a80) that was not there before."""
    table = _screenshot(page, _box(page, "#handouts"))
    assert sum(_near(p, (26, 26, 26), 150) for p in table) > 0.02 * len(table)  # text
    assert sum(p == (255, 255, 255) for p in table) > 0.5 * len(table)  # on white

    link = 'a[href="en/fever-children.pdf"]'
    ring = _box(page, link, grow=6)
    before = _screenshot(page, ring)
    for _ in range(3):  # skip link, filter, then the first PDF link
        page.key("Tab", "Tab", 9)
    assert page.evaluate("document.activeElement.getAttribute('href')") == "en/fever-children.pdf"
    after = _screenshot(page, ring)
    width, height = int(ring["width"]), int(ring["height"])

    def edge(pixels: list) -> list:  # the outermost 5 pixels of the box: where the outline is drawn
        return [p for i, p in enumerate(pixels) if min(i % width, i // width, width - 1 - i % width,
                                                       height - 1 - i // width) < 5]

    accent = (11, 74, 128)
    assert sum(_near(p, accent) for p in edge(before)) < 0.05 * len(edge(before))
    assert sum(_near(p, accent) for p in edge(after)) > 0.3 * len(edge(after))

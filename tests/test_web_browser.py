"""The web edition and the library site in a real browser (headless Chromium, axe-core): WCAG 2.2
AA at a phone's 320 px and a desktop's 1280 px, reflow without sideways scrolling, text at 200 %,
keyboard and focus, print, and the library's search in both languages, with and without
JavaScript; and README's pictures of a handout page on a phone. Pages are opened from files on
disk: the site needs no server.

Run `python -m tests.test_web_browser` (with the project's Python) to take README's pictures again."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.project.config import load_project
from pipeline.publish.build import build
from pipeline.publish.library import write_index

from .chromium import Page, browser, launch, near, needs_browser  # noqa: F401 (browser is a fixture)
from .conftest import ROOT, copy_project

pytestmark = needs_browser
FIXTURES = Path(__file__).parent / "fixtures" / "web" / "handouts"
PAGES = ["web/fever-children/en.html", "web/fever-children/fr.html", "web/arm-cast/fr.html",
         "index.html", "index.fr.html"]
ACCENT = (11, 61, 107)  # #0b3d6b
INK = (17, 17, 17)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ with the HTML editions of the real handouts and of arm-cast (a handout whose keywords
    are searched for), and the library site listing stand-in PDFs (this tests pages, not PDFs)."""
    root = copy_project(tmp_path_factory.mktemp("site"))
    shutil.copytree(FIXTURES / "arm-cast", root / "handouts" / "arm-cast")
    project = load_project(root)
    summary = build(project, ["arm-cast", "fever-children", "vertebroplasty"], ["en", "fr"], ["web"])
    assert not summary.failed, [o.message for o in summary.outcomes]
    output = root / "output"
    manifest = json.loads((output / "manifest.json").read_text())
    for slug in ("arm-cast", "fever-children"):
        for lang in ("en", "fr"):
            for layout, suffix in (("letter", ""), ("large-print", ".large-print")):
                path = f"{lang}/{slug}{suffix}.pdf"
                (output / lang).mkdir(exist_ok=True)
                (output / path).write_bytes(b"%PDF-1.7 stand-in")
                manifest["outputs"][path] = {"path": path, "kind": "pdf", "handout": slug, "lang": lang,
                                             "layout": layout, "pages": 3, "bytes": 31000, "verify": "pass"}
    (output / "manifest.json").write_text(json.dumps(manifest))
    write_index(project)
    return output


@pytest.fixture
def page(browser: str):  # noqa: F811
    page = Page(browser)
    yield page
    page.close()


def _sticking_out(page: Page) -> list[str]:
    """Elements that reach past the window's right edge (a table's scrolling region may hold
    wider content: that region scrolls, the page does not)."""
    return page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll table')"
        " && e.getClientRects().length && e.getBoundingClientRect().right > innerWidth + 0.5"
        " && getComputedStyle(e).position !== 'absolute')"
        ".map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))")


@pytest.mark.parametrize("path", PAGES)
def test_wcag_aa_at_phone_and_desktop_widths(site: Path, page: Page, path: str) -> None:
    page.open((site / path).as_uri())
    for width in (320, 1280):
        page.width(width)
        violations = page.axe()
        assert violations == [], f"{width} px: " + json.dumps(violations, indent=2)
        assert page.overflow() == 0, f"{width} px: the page scrolls sideways"
        assert _sticking_out(page) == [], width
        # As painted: dark text on white, the title in the accent colour.
        shot = page.screenshot(page.box("h1"))
        pixels = list(shot.get_flattened_data())
        assert sum(near(p, ACCENT, 90) for p in pixels) > 0.03 * len(pixels), f"{width} px: h1 colour"
        body = page.screenshot({"x": 0, "y": 0, "width": width, "height": 600})
        pixels = list(body.get_flattened_data())
        assert sum(p == (255, 255, 255) for p in pixels) > 0.5 * len(pixels)
        assert sum(near(p, INK, 120) or near(p, ACCENT, 90) for p in pixels) > 0.01 * len(pixels)


@pytest.mark.parametrize("path", ["web/fever-children/fr.html", "index.fr.html"])
def test_text_grows_to_200_percent_without_sideways_scrolling(site: Path, page: Page, path: str) -> None:
    page.open((site / path).as_uri())
    page.width(1280)
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") == 2 * before
    for width in (1280, 640):  # 640 px: the 1280 px window at 200 % zoom
        page.width(width)
        assert page.overflow() == 0 and _sticking_out(page) == [], width


def test_keyboard_skip_link_and_visible_focus(site: Path, page: Page) -> None:
    page.open((site / "web/fever-children/en.html").as_uri())
    page.width(320)
    skip = page.box(".skip")
    assert skip["y"] + skip["height"] <= 0  # out of sight until it has the focus
    assert page.tab() == "#main"
    skip = page.box(".skip")
    assert skip["y"] >= 0 and page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.key("Enter", "Enter", 13)
    assert page.evaluate("location.hash") == "#main"
    # From there on: the handout's links, and each table (it scrolls sideways on a phone).
    assert [page.tab() for _ in range(3)] == ["tel:811", "tel:+18667707763", "DIV"]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Table 1"
    # The focused link gets a ring in the accent colour that was not painted before.
    link = 'a[href="tel:811"]'
    page.evaluate(f"document.activeElement.blur(); document.querySelector('{link}').scrollIntoView()")
    ring = page.box(link, grow=6)
    before = list(page.screenshot(ring).get_flattened_data())
    page.evaluate(f"document.querySelector('{link}').focus()")
    page.key("Shift", "ShiftLeft", 16)  # keyboard modality: :focus-visible applies
    after = list(page.screenshot(ring).get_flattened_data())
    width, height = int(ring["width"]), int(ring["height"])

    def edge(pixels: list) -> list:  # the outermost 5 pixels of the box: where the outline is drawn
        return [p for i, p in enumerate(pixels) if min(i % width, i // width, width - 1 - i % width,
                                                       height - 1 - i // width) < 5]

    ring_before = sum(near(p, ACCENT) for p in edge(before))  # the link's underline reaches the bottom edge
    assert sum(near(p, ACCENT) for p in edge(after)) > ring_before + 0.1 * len(edge(after))


def test_printing_a_page_prints_the_handout_alone(site: Path, page: Page) -> None:
    page.open((site / "web/fever-children/fr.html").as_uri())
    page.send("Emulation.setEmulatedMedia", media="print")
    hidden = page.evaluate("['header.site nav', 'section.print', 'footer.site', '.skip']"
                           ".map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none"] * 4
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(17, 17, 17)"
    assert page.evaluate("getComputedStyle(document.querySelector('.about')).display") == "block"
    page.send("Emulation.setEmulatedMedia", media="")


def _shown(page: Page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#handouts > li')].filter(li => !li.hidden)"
                         ".map(li => li.id.slice(2))")


def _search(page: Page, words: str) -> None:
    page.evaluate("(i => { i.focus(); i.select(); })(document.getElementById('search'))")
    if words:
        page.send("Input.insertText", text=words)
    else:
        page.key("Backspace", "Backspace", 8)


@pytest.mark.parametrize(("path", "words", "found", "count"), [
    ("index.html", "broken bone", ["arm-cast"], "1 of 3 handouts matches."),  # a keyword, not in any title
    ("index.html", "os casse", ["arm-cast"], "1 of 3 handouts matches."),  # French keyword, accents left out
    ("index.fr.html", "fievre", ["fever-children"], "1 document sur 3 correspond."),
    ("index.fr.html", "acetaminophene", ["fever-children"], "1 document sur 3 correspond."),
    ("index.html", "ibuprofin", ["fever-children"], "1 of 3 handouts matches."),  # a typing mistake
    ("index.html", "spine fracture", ["vertebroplasty"], "1 of 3 handouts matches."),  # print only: found, to ask for
    ("index.fr.html", "61420", ["fever-children"], "1 document sur 3 correspond."),
])
def test_search_finds_titles_keywords_and_summaries_in_both_languages(
        site: Path, page: Page, path: str, words: str, found: list[str], count: str) -> None:
    page.open((site / path).as_uri())
    everything = _shown(page)
    assert len(everything) == 3
    _search(page, words)
    assert _shown(page) == found
    assert page.evaluate("document.getElementById('search-count').textContent") == count
    _search(page, "zzqxj")
    assert _shown(page) == [] and page.evaluate("document.getElementById('no-match').hidden") is False
    # Each language's plural: none is plural in English, singular in French.
    assert page.evaluate("document.getElementById('search-count').textContent") == {
        "index.html": "0 of 3 handouts match.", "index.fr.html": "0 document sur 3 correspond."}[path]
    _search(page, "")
    assert _shown(page) == everything  # back in the page's order
    assert page.evaluate("document.getElementById('no-match').hidden") is True


def test_without_javascript_every_handout_is_listed(site: Path, browser: str) -> None:  # noqa: F811
    page = Page(browser)
    try:
        page.send("Emulation.setScriptExecutionDisabled", value=True)
        page.open((site / "index.html").as_uri())
        assert len(_shown(page)) == 3
        assert page.evaluate("getComputedStyle(document.getElementById('search-box')).display") == "none"
        assert page.evaluate("document.querySelectorAll('a[type=\"application/pdf\"]').length") == 8
    finally:
        page.close()


def test_review_state_is_for_staff_only(site: Path, page: Page) -> None:
    page.open((site / "index.html").as_uri())
    assert page.evaluate("document.querySelector('#h-vertebroplasty').dataset.review") == "overdue"
    assert page.evaluate("getComputedStyle(document.querySelector('#h-vertebroplasty .staff-only')).display") == "none"
    page.open((site / "index.html").as_uri() + "?staff")
    staff = page.evaluate("(e => [getComputedStyle(e).display, getComputedStyle(e).color, e.textContent])"
                          "(document.querySelector('#h-vertebroplasty .staff-only'))")
    assert staff[0] == "block" and "overdue" in staff[2]
    assert staff[1] == "rgb(59, 67, 80)"  # the muted grey of other details, not an alarm
    assert page.axe() == []


# --- README's pictures: the fever handout's page on a phone ------------------------------------

PHONE = {"width": 360, "height": 1000}


def _on_a_phone(page: Page, file: Path):
    # A phone's width without its text autosizing, which scales text by what was laid out before.
    page.send("Emulation.setDeviceMetricsOverride", **PHONE, deviceScaleFactor=1, mobile=False)
    page.open(file.as_uri())
    return page.screenshot({"x": 0, "y": 0, **PHONE})


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_readmes_phone_pictures_are_the_current_page(site: Path, page: Page, lang: str) -> None:
    from PIL import Image, ImageChops, ImageStat

    drawn = _on_a_phone(page, site / "web" / "fever-children" / f"{lang}.html")
    shown = Image.open(ROOT / "docs" / "web" / f"handout-phone-{lang}.png").convert("RGB")
    stale = f"docs/web/handout-phone-{lang}.png is stale: python -m tests.test_web_browser"
    assert shown.size == drawn.size, stale
    # Compared at a glance, in 36 × 100 grey cells: from one run to the next Chromium may break a
    # line a word earlier (text widths in fractions of a pixel), about 2 levels of 255 on average;
    # another page (the other language's) differs by 25.
    glance = [image.convert("L").resize((36, 100), Image.Resampling.BOX) for image in (drawn, shown)]
    assert ImageStat.Stat(ImageChops.difference(*glance)).mean[0] < 6, stale


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder), ("fever-children",))
        build(load_project(root), ["fever-children"], ["en", "fr"], ["web"])
        with launch(Path(folder) / "profile") as url:
            phone = Page(url)
            for lang in ("en", "fr"):
                picture = ROOT / "docs" / "web" / f"handout-phone-{lang}.png"
                picture.parent.mkdir(exist_ok=True)
                _on_a_phone(phone, root / "output" / "web" / "fever-children" / f"{lang}.html").save(picture, optimize=True)
                print(picture.relative_to(ROOT))
            phone.close()

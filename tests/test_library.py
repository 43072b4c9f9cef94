"""output/index.html, the handout library page (its browser test is test_library_browser.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from pipeline.project.config import load_project
from pipeline.publish.library import _fold, render_index, write_index

from .conftest import ROOT


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_build_writes_the_library_page(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    tags = _tags(html)
    assert ("html", {"lang": "en-CA"}) in tags
    links = [a["href"] for tag, a in tags if tag == "a" and a.get("type") == "application/pdf"]
    assert links == ["en/fever-children.pdf", "fr/fever-children.pdf"]
    for link in links:
        assert (built / link).is_file()
    french = [a for tag, a in tags if tag == "span" and a.get("class") == "title-fr"]
    assert len(french) == 2 and all(a["lang"] == "fr-CA" for a in french)
    assert '<label for="filter">' in html and 'id="filter"' in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b|src=|https?://", html)  # nothing external
    assert (built / "web-files.txt").read_text().split() == ["index.html", *links]


def test_print_only_handouts_are_listed_without_links(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr [^>]*>\s*<td>61301</td>.*?</tr>", html, re.S).group(0)
    assert "Print only" in row and "<a " not in row and "vertebroplasty.pdf" not in html
    assert "Vertebroplasty for spine fracture pain" in row and "Review overdue" in row
    assert "vertebroplasty" not in (built / "web-files.txt").read_text()
    # No summary, keywords, author or body text of it, as written or as folded for the filter.
    page = html + _fold(html)
    for lang in ("en", "fr"):
        source = (ROOT / "handouts" / "vertebroplasty" / f"{lang}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(source.split("---")[1])
        body = [line for line in source.split("---", 2)[2].splitlines() if len(line) > 30]
        keywords = [k for k in front["keywords"] if _fold(k) not in _fold(front["title"]) + " vertebroplasty"]
        for text in [front["summary"], front["author"], *keywords, *body]:
            text = text.strip("- ").replace("'", "’")
            for form in (text, _fold(text), text[:25], _fold(text[:25])):
                assert form not in page, form


def test_status_column_and_dates(project: Path) -> None:
    fr = project / "handouts" / "fever-children" / "fr.md"
    fr.write_text(fr.read_text().replace("translates: 2024-05-20", "translates: 2023-01-01"))
    html, files = render_index(load_project(project), today=dt.date(2027, 4, 1))
    row = re.search(r"<tr [^>]*>\s*<td>61420</td>.*?</tr>", html, re.S).group(0)
    assert "Review due soon" in row and "French translation stale" in row
    assert '<time datetime="2024-06-01">June 1, 2024</time>' in row
    assert "Not built yet" in row and files == ["index.html"]


def test_electronic_license_links_every_verified_pdf_only(project: Path) -> None:
    output = project / "output"
    (output / "en").mkdir(parents=True)
    (output / "en" / "fever-children.pdf").write_bytes(b"%PDF-1.7 test")
    (output / "en" / "fever-children.a4.pdf").write_bytes(b"%PDF-1.7 test")
    (output / "en" / "vertebroplasty.pdf").write_bytes(b"%PDF-1.7 test")
    entry = {"handout": "fever-children", "lang": "en", "pages": 3, "bytes": 30000}
    manifest = {"version": 1, "outputs": {
        "en/fever-children.pdf": {**entry, "path": "en/fever-children.pdf", "layout": "letter", "verify": "pass"},
        "en/fever-children.a4.pdf": {**entry, "path": "en/fever-children.a4.pdf", "layout": "a4", "verify": "fail"},
        "en/vertebroplasty.pdf": {**entry, "handout": "vertebroplasty", "path": "en/vertebroplasty.pdf",
                                  "layout": "letter", "verify": "pass"},
    }}
    (output / "manifest.json").write_text(json.dumps(manifest))
    write_index(load_project(project))
    html = (output / "index.html").read_text()
    assert 'href="en/fever-children.pdf"' in html and "English (PDF, 3\u00a0pages, 29\u00a0KB)" in html
    assert "fever-children.a4.pdf" not in html and "vertebroplasty.pdf" not in html

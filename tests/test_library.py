"""The library site without a browser: index.html and index.fr.html, sitemap.xml, web-files.txt
(in Chromium: test_web_browser.py)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from pipeline.project.config import load_project
from pipeline.publish.library import write_index
from pipeline.render import typography
from pipeline.web.library import _collation

from .conftest import ROOT
from .test_web import LANG_TAGS, NS, SITE, find, parse, text


def _stand_ins(project: Path, outputs: dict[str, dict]) -> Path:
    """output/ with these manifest entries and a stand-in file for each (this tests the page, not the files)."""
    output = project / "output"
    output.mkdir(exist_ok=True)
    for path in outputs:
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_bytes(b"%PDF-1.7 stand-in")
    (output / "manifest.json").write_text(json.dumps({"version": 1, "outputs": outputs}))
    return output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_library_pages_speak_their_language(built: Path, lang: str) -> None:
    page = {"en": "index.html", "fr": "index.fr.html"}[lang]
    root = parse(built / page)
    assert root.get("lang") == LANG_TAGS[lang]
    labels = yaml.safe_load((ROOT / "layouts" / "locales" / f"{lang}.yml").read_text())
    others = yaml.safe_load((ROOT / "layouts" / "locales" / f"{ {'en': 'fr', 'fr': 'en'}[lang]}.yml").read_text())
    french = load_project(built.parent).config.typography.fr
    html = (built / page).read_text()
    for key in ("library_title", "library_search", "library_print_only", "library_print", "library_skip"):
        assert typography.apply(labels[key], lang, french) in html, key
        assert typography.apply(others[key], lang, french) not in html, key
    items = find(root, "li", id="h-fever-children") + find(root, "li", id="h-vertebroplasty")
    fever, spine = items
    # A handout that may be shared: its page in this language, its title in the other, its summary,
    # and its PDFs grouped by language, each layout named in words.
    title = fever.find(f"{NS}h2/{NS}a")
    assert title.get("href") == f"web/fever-children/{lang}.html"
    other = fever.find(f"{NS}p[@class='other-title']")
    assert other.get("lang") == LANG_TAGS[{"en": "fr", "fr": "en"}[lang]]
    assert other.find(f"{NS}a").get("href") == f"web/fever-children/{'fr' if lang == 'en' else 'en'}.html"
    assert fever.find(f"{NS}p[@class='summary']") is not None
    group = fever.find(f".//{NS}details[@class='print-links']")
    links = [(a.get("href"), text(a)) for a in group.iter(NS + "a")]
    assert [href for href, _ in links][:1] == [f"{lang}/fever-children.pdf"]  # the page's language first
    layout = {"en": "Letter size (PDF, ", "fr": "Format lettre (PDF, "}[lang]
    assert all(label.startswith(layout) for _, label in links)
    # A print-only handout: titles and number, no summary, no link; its review state is for staff.
    assert not list(spine.iter(NS + "a")) and spine.find(f"{NS}p[@class='summary']") is None
    assert spine.get("data-review") == "overdue"
    staff = spine.find(f"{NS}p[@class='staff-only']")
    assert typography.apply(labels["library_review_overdue"], lang, french) in text(staff)
    assert ".staff-only { display: none; }" in (built / "web" / "site.css").read_text()
    assert "vertebroplasty.pdf" not in html
    # Search data: titles and keywords in both languages; no summary of a print-only handout.
    index = {item["id"]: item for item in json.loads(root.find(f".//{NS}script[@id='search-index']").text)}
    assert {"fever", "fièvre"} <= set(index["h-fever-children"]["keywords"])
    assert "spine fracture" in index["h-vertebroplasty"]["keywords"] and index["h-vertebroplasty"]["summaries"] == []
    # Metadata: canonical address, the other language as an alternate.
    head = root.find(f"{NS}head")
    links = {(link.get("rel"), link.get("hreflang")): link.get("href") for link in head.iter(NS + "link")}
    assert links[("canonical", None)] == SITE + page
    assert links[("alternate", "fr-CA")] == SITE + "index.fr.html" and links[("alternate", "en-CA")] == SITE + "index.html"


def test_sitemap_lists_every_page_with_its_other_languages(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(built / "sitemap.xml").getroot()
    urls = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    assert set(urls) == {SITE + p for p in ("index.html", "index.fr.html", "web/fever-children/en.html",
                                            "web/fever-children/fr.html")}
    page = urls[SITE + "web/fever-children/fr.html"]
    assert page.find("s:lastmod", ns).text == "2024-05-20"
    assert {(link.get("hreflang"), link.get("href")) for link in page.findall("x:link", ns)} == {
        ("en-CA", SITE + "web/fever-children/en.html"), ("fr-CA", SITE + "web/fever-children/fr.html")}


def test_print_only_handouts_show_nothing_of_their_text(built: Path) -> None:
    """A print-only handout is listed by number and titles (and found by its keywords), and
    nothing else of it is on the page: no summary, author or body text, as written or as folded
    for the search."""
    for page in ("index.html", "index.fr.html"):
        html = (built / page).read_text(encoding="utf-8")
        folded = html + _collation(html)
        for lang in ("en", "fr"):
            source = (ROOT / "handouts" / "vertebroplasty" / f"{lang}.md").read_text(encoding="utf-8")
            front = yaml.safe_load(source.split("---")[1])
            body = [line for line in source.split("---", 2)[2].splitlines() if len(line) > 30]
            for passage in [front["summary"], front["author"], *body]:
                passage = passage.strip("- ").replace("'", "’")
                for form in (passage, _collation(passage), passage[:25], _collation(passage[:25])):
                    assert form not in folded, (page, form)


def test_web_files_are_the_site_and_nothing_else(built: Path) -> None:
    listed = (built / "web-files.txt").read_text().split()
    fonts = [f"web/fonts/{p.stem}.woff2" for p in sorted((ROOT / "fonts").glob("*.ttf"))]
    assert sorted(listed) == sorted([
        "en/fever-children.pdf", "fr/fever-children.pdf", "index.html", "index.fr.html", "sitemap.xml",
        "web/fever-children/en.html", "web/fever-children/fr.html", "web/fever-children/thermometer.svg",
        "web/site.css", "web/search.js", "web/fuse.min.js", "web/fuse.LICENSE.txt", "web/fonts/OFL.txt", *fonts])
    assert all((built / path).is_file() for path in listed)


def test_review_and_translation_states_are_for_staff(project: Path) -> None:
    """Patients are not shown a red "overdue" badge: the states are data attributes, and words
    that only the staff view (index.html?staff) shows."""
    fr = project / "handouts" / "fever-children" / "fr.md"
    fr.write_text(fr.read_text().replace("translates: 2024-05-20", "translates: 2023-01-01"))
    output = _stand_ins(project, {})
    write_index(load_project(project), today=dt.date(2027, 4, 1))
    root = parse(output / "index.html")
    fever = find(root, "li", id="h-fever-children")[0]
    assert fever.get("data-review") == "due-soon" and fever.get("data-translation") == "fr:stale"
    assert text(find(fever, "p", class_="staff-only")[0]) == (
        "Next clinical review: June 1, 2027 (due soon). The translation is older than the English text.")
    assert "Not built yet." in text(fever)  # nothing built: no link to a page that is not there
    assert fever.find(f"{NS}h2/{NS}a") is None
    assert (output / "web-files.txt").read_text().split() == ["index.fr.html", "index.html", "sitemap.xml"]


def test_only_verified_pdfs_are_linked_with_their_size(project: Path) -> None:
    entry = {"handout": "fever-children", "lang": "en", "pages": 3, "bytes": 30000, "kind": "pdf"}
    output = _stand_ins(project, {
        "en/fever-children.pdf": {**entry, "path": "en/fever-children.pdf", "layout": "letter", "verify": "pass"},
        "en/fever-children.a4.pdf": {**entry, "path": "en/fever-children.a4.pdf", "layout": "a4", "verify": "fail"},
        "en/fever-children.booklet.pdf": {**entry, "path": "en/fever-children.booklet.pdf", "layout": "booklet",
                                          "verify": "pass before imposition (letter)"},
        "fr/fever-children.large-print.pdf": {**entry, "lang": "fr", "path": "fr/fever-children.large-print.pdf",
                                              "layout": "large-print", "verify": "pass", "pages": 1},
        "en/vertebroplasty.pdf": {**entry, "handout": "vertebroplasty", "path": "en/vertebroplasty.pdf",
                                  "layout": "letter", "verify": "pass"},
    })
    write_index(load_project(project))
    for page, expected in (("index.html", [("en/fever-children.pdf", "Letter size (PDF, 3 pages, 29 KB)"),
                                           ("fr/fever-children.large-print.pdf", "Large print (PDF, 1 page, 29 KB)")]),
                           ("index.fr.html", [("fr/fever-children.large-print.pdf", "Gros caractères (PDF, 1 page, 29 Ko)"),
                                              ("en/fever-children.pdf", "Format lettre (PDF, 3 pages, 29 Ko)")])):
        root = parse(output / page)
        links = [(a.get("href"), text(a)) for a in root.iter(NS + "a") if a.get("type") == "application/pdf"]
        assert links == expected
        groups = [(li.get("lang"), text(li.find(f"{NS}span"))) for li in find(root, "ul", class_="by-language")[0]]
        assert groups == ([("en-CA", "English"), ("fr-CA", "Français")] if page == "index.html"
                          else [("fr-CA", "Français"), ("en-CA", "English")])
    assert "vertebroplasty.pdf" not in (output / "index.html").read_text()  # print only, whatever the manifest says

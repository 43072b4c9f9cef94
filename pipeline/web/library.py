"""Listings (each handout's titles, summaries, keywords, pages and PDFs) → the library site: index.html per language and sitemap.xml.

publish/library.py decides what is listed (license rule, what was built); this module only
presents it. Every label is the page's language's (layouts/locales/); a title or summary that
exists only in another language carries its `lang`. The page works without JavaScript: every
handout is listed, and the search box, which needs it, appears only when its script runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
import xml.etree.ElementTree as ET

import markupsafe

from ..project.config import Project, library_page
from ..project.locales import LANG_TAGS, labels, long_date
from ..render import typography
from ..render.templating import render_template
from .page import environment

SITEMAP = "sitemap.xml"


@dataclasses.dataclass
class Pdf:
    """One PDF a handout's listing links."""

    path: str
    lang: str
    layout: str
    languages: list[str]
    titles: dict[str, str]  # the layout's name in words, per language
    pages: int
    size: int


@dataclasses.dataclass
class Listing:
    """One handout as the library site shows it."""

    slug: str
    number: str
    electronic: bool
    titles: dict[str, str]
    summaries: dict[str, str] = dataclasses.field(default_factory=dict)  # only where electronic use is permitted
    keywords: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    revised: dict[str, str] = dataclasses.field(default_factory=dict)  # lang → YYYY-MM-DD
    pages: dict[str, str] = dataclasses.field(default_factory=dict)  # lang → its HTML edition, if built
    pdfs: list[Pdf] = dataclasses.field(default_factory=list)
    review: str = "current"  # current, due soon, overdue (for staff)
    review_due: str = ""
    translation: dict[str, str] = dataclasses.field(default_factory=dict)  # lang → stale, missing (for staff)


def _collation(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def _in(values: dict, lang: str, order: list[str]) -> tuple[str, str]:
    """The value in `lang`, or else in the first language that has one: (language, value)."""
    for each in [lang] + order:
        if values.get(each):
            return each, values[each]
    return lang, ""


def _size(size: int, text: dict[str, str]) -> str:
    return text["library_size"].format(size=max(1, round(size / 1024)))


def _item(project: Project, listing: Listing, lang: str, text: dict[str, str]) -> dict:
    config = project.config
    order = list(config.languages)
    french = config.typography.fr
    title_lang, title = _in(listing.titles, lang, order)
    summary_lang, summary = _in(listing.summaries, lang, order) if listing.electronic else (lang, "")
    revised_lang, revised = _in(listing.revised, lang, order)
    meta = [text["library_number"].format(number=listing.number)]
    if revised:
        meta.append(text["library_revised"].format(date=long_date(dt.date.fromisoformat(revised), lang)))
    others = [{"lang_tag": LANG_TAGS[other], "title": typography.apply(listing.titles[other], other, french),
               "href": listing.pages.get(other) if listing.electronic else None}
              for other in order if other != title_lang and other in listing.titles]
    groups = []
    for group_lang in sorted({pdf.lang for pdf in listing.pdfs}, key=lambda each: (each != lang, order.index(each))):
        names = labels(project.layouts_dir, group_lang)
        files = []
        for pdf in (p for p in listing.pdfs if p.lang == group_lang):
            pages = text["library_page" if pdf.pages == 1 else "library_pages"].format(pages=pdf.pages)
            layout = pdf.titles.get(lang) or next(iter(pdf.titles.values()), "")
            files.append({"href": pdf.path, "text": text["library_pdf"].format(
                layout=layout, pages=pages, size=_size(pdf.size, text))})
        groups.append({"lang_tag": LANG_TAGS[group_lang], "name": names["language_name"], "files": files})
    state = text["library_review_" + listing.review.replace(" ", "_")]
    staff = [text["library_review"].format(date=long_date(dt.date.fromisoformat(listing.review_due), lang),
                                           state=state)] if listing.review_due else []
    if "stale" in listing.translation.values():
        staff.append(text["library_translation_stale"])
    if "missing" in listing.translation.values():
        staff.append(text["library_translation_missing"])
    return {
        "slug": listing.slug, "number": listing.number, "electronic": listing.electronic,
        "review": listing.review.replace(" ", "-"),
        "translation": " ".join(f"{each}:{state}" for each, state in sorted(listing.translation.items())
                                if state != "current"),
        "title": typography.apply(title, title_lang, french), "title_lang": LANG_TAGS[title_lang] if title_lang != lang else "",
        "href": listing.pages.get(title_lang) if listing.electronic else None,
        "others": others,
        "summary": typography.apply(summary, summary_lang, french) if summary else "",
        "summary_lang": LANG_TAGS[summary_lang] if summary_lang != lang else "",
        "meta": " · ".join(typography.apply(part, lang, french) for part in meta),
        "pdfs": groups if listing.electronic else [],
        "staff": typography.apply(" ".join(staff), lang, french),
        "sort": _collation(title),
    }


def _search_index(listings: list[Listing]) -> markupsafe.Markup:
    """What the search box looks through, in the page itself (a file on disk cannot fetch another)."""
    index = [{"id": f"h-{listing.slug}", "number": listing.number, "titles": list(listing.titles.values()),
              "keywords": [word for words in listing.keywords.values() for word in words],
              "summaries": list(listing.summaries.values()) if listing.electronic else []}
             for listing in listings]
    # In a <script> element only "</" could end it early: escape every "<".
    return markupsafe.Markup(json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c"))


def render_library(project: Project, listings: list[Listing], lang: str) -> str:
    """The library page in `lang` (index.html for the first language, index.LANG.html for the others)."""
    config = project.config
    french = config.typography.fr
    text = {key: typography.apply(value, lang, french) for key, value in labels(project.layouts_dir, lang).items()}
    path = library_page(config.languages, lang)
    items = sorted((_item(project, listing, lang, text) for listing in listings), key=lambda item: item["sort"])
    languages = [{"lang_tag": LANG_TAGS[other], "href": library_page(config.languages, other),
                  "name": labels(project.layouts_dir, other)["language_name"]}
                 for other in config.languages if other != lang]
    alternates = [{"lang_tag": LANG_TAGS[other],
                   "href": (config.site_url or "") + library_page(config.languages, other)}
                  for other in config.languages] if len(config.languages) > 1 else []
    return render_template(environment(project.layouts_dir), "library.html", project.root,
        lang_tag=LANG_TAGS[lang], text=text, org=config.organization.name[lang], items=items,
        description=text["library_intro"].format(count=len(items)), languages=languages,
        canonical=config.site_url + path if config.site_url else None, alternates=alternates,
        index=_search_index(listings))


def render_sitemap(project: Project, listings: list[Listing]) -> str | None:
    """sitemap.xml: the library pages and every HTML edition, each with its other languages
    (hreflang alternates); None without handouts.yml's site_url (a sitemap needs full addresses)."""
    site = project.config.site_url
    if not site:
        return None
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    xhtml = "http://www.w3.org/1999/xhtml"
    ET.register_namespace("", ns)
    ET.register_namespace("xhtml", xhtml)
    root = ET.Element(f"{{{ns}}}urlset")

    def add(pages: dict[str, str], lastmod: dict[str, str]) -> None:
        for lang, path in pages.items():
            url = ET.SubElement(root, f"{{{ns}}}url")
            ET.SubElement(url, f"{{{ns}}}loc").text = site + path
            if lastmod.get(lang):
                ET.SubElement(url, f"{{{ns}}}lastmod").text = lastmod[lang]
            if len(pages) > 1:
                for other, other_path in pages.items():
                    ET.SubElement(url, f"{{{xhtml}}}link", rel="alternate", hreflang=LANG_TAGS[other],
                                  href=site + other_path)

    languages = project.config.languages
    add({lang: library_page(languages, lang) for lang in languages}, {})
    for listing in sorted(listings, key=lambda each: each.slug):
        if listing.electronic and listing.pages:
            add(listing.pages, listing.revised)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

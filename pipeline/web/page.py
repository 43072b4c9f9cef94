"""A checked handout in one language → its HTML edition (web/SLUG/LANG.html), from the same body and page model as the PDF."""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import jinja2
import markupsafe
from markdown_it.token import Token

from ..errors import Problem
from ..project.config import SITE_CSS, Project, library_page, web_page
from ..project.layouts import Layout, pdf_path
from ..project.locales import LANG_TAGS, labels
from ..render.body import render_body
from ..render.html import page_model
from ..render.templating import render_template, sandboxed
from ..source.markdown import parse_body
from ..source.model import Handout

TEMPLATES = Path(__file__).parent / "templates"
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)


@dataclasses.dataclass
class WebPage:
    """One HTML edition and the handout's image files it shows (copied beside it)."""

    html: str
    title: str
    images: list[str]


@functools.cache
def environment(layouts_dir: Path) -> jinja2.Environment:
    """Our web templates, and the project's layouts/ for part.html: the handout itself, as the PDF prints it."""
    return sandboxed([TEMPLATES, layouts_dir], trim_blocks=True, lstrip_blocks=True)


def relative(from_path: str, to_path: str) -> str:
    """A link from one output/ file to another (both relative to output/)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def electronic(project: Project, handout: Handout) -> bool:
    """Whether the handout's license permits electronic copies: only then does it get an HTML edition."""
    return "electronic" in project.config.licenses[handout.meta.license].permits


def render_page(project: Project, handout: Handout, lang: str,
                layouts: list[Layout]) -> tuple[WebPage | None, list[Problem]]:
    """The HTML edition of `handout` in `lang`, linking the PDFs of `layouts` (handouts.yml's)."""
    config = project.config
    parsed, problems = parse_body(handout, handout.versions[lang])
    if parsed is None:
        return None, problems
    images = sorted({unquote(str(token.attrGet("src"))) for token in _inline(parsed.tokens) if token.type == "image"})
    body = render_body(parsed, handout, labels(project.layouts_dir, lang), config.typography.fr)
    page = page_model(project, handout, lang, body)
    page.qr = None  # a QR code pointing at the page the reader is on
    page.body = markupsafe.Markup(_scrollable_tables(body.html, page.labels["web_table"]))
    path = web_page(handout.slug, lang)
    langs = [other for other in config.languages if other in handout.versions]
    alternates = [{"lang_tag": LANG_TAGS[other], "href": _address(config.site_url, path, web_page(handout.slug, other))}
                  for other in langs]
    languages = [{"lang_tag": LANG_TAGS[other], "name": labels(project.layouts_dir, other)["language_name"],
                  "href": relative(path, web_page(handout.slug, other))} for other in langs if other != lang]
    context = {
        "page": page,
        "css": relative(path, SITE_CSS),
        "library": relative(path, library_page(config.languages, lang)),
        "canonical": config.site_url + path if config.site_url else None,
        "alternates": alternates if len(alternates) > 1 else [],
        "languages": languages,
        "pdfs": _pdfs(project, handout, lang, layouts, path, page.labels),
    }
    html = render_template(environment(project.layouts_dir), "handout.html", project.root, **context)
    return WebPage(html, page.title, images), problems


def _inline(tokens: list[Token]) -> list[Token]:
    return [child for token in tokens if token.type == "inline" for child in token.children or []]


def _address(site_url: str | None, from_path: str, to_path: str) -> str:
    return site_url + to_path if site_url else relative(from_path, to_path)


def _pdfs(project: Project, handout: Handout, lang: str, layouts: list[Layout], path: str,
          text: dict[str, str]) -> list[dict[str, str]]:
    """The print editions to link: handouts.yml's layouts, named in words."""
    pdfs = []
    for layout in layouts:
        if layout.bilingual and len(handout.versions) < 2:
            continue
        target = pdf_path(handout.slug, lang, layout.name, project.config.layout, layout.bilingual)
        label = text["web_pdf"] if layout.pdfua else text["web_print_only"]
        pdfs.append({"href": relative(path, target), "text": label.format(layout=layout.title(lang))})
    return pdfs


def _scrollable_tables(html: str, label: str) -> str:
    """Each table in a focusable region of its own that scrolls sideways on a narrow screen, so
    the page itself never does (WCAG 1.4.10 allows two-dimensional scrolling for data tables).
    Our body renderer writes every table, so a table tag is never text here."""
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        name = markupsafe.escape(label.format(number=count))
        return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">{match.group(0)}</div>'

    return _TABLE.sub(wrap, html)

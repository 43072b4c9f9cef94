"""Handout model → complete HTML document through a layout's Jinja2 template."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..errors import Problem, RenderError
from ..project.config import Project
from ..project.layouts import PAPERS, Layout
from ..project.locales import LANG_TAGS, labels, long_date
from ..source.markdown import parse_body
from ..source.meta import review_of
from ..source.model import Handout
from . import typography
from .body import Body, render_body
from .templating import render_template, sandboxed


def css_string(text: str) -> markupsafe.Markup:
    """Quote text as a CSS string (for margin-box `content`)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    escaped = escaped.replace("<", "\\3c ").replace("&", "\\26 ")
    return markupsafe.Markup(f'"{escaped}"')


def css_counters(label: str) -> markupsafe.Markup:
    """A "Page {page} of {pages}" label as CSS content with page counters."""
    parts = []
    for index, piece in enumerate(label.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return markupsafe.Markup(" ".join(parts))


@functools.cache
def environment(layouts_dir: Path) -> jinja2.Environment:
    return sandboxed([layouts_dir], {"css_string": css_string, "css_counters": css_counters},
                     trim_blocks=True, lstrip_blocks=True)


@dataclasses.dataclass
class Page:
    """What a template gets: every printed value, already localized and typeset."""

    lang: str
    lang_tag: str
    other_langs: list[dict[str, str]]
    title: str
    summary: str
    keywords: str
    author: str
    body: markupsafe.Markup
    org: dict[str, str]
    contacts: list[markupsafe.Markup]
    sources: list[markupsafe.Markup]
    about: dict[str, Any]
    footer: str
    labels: dict[str, str]
    # The handout's web page as a QR code (html._qr), or None.
    qr: dict[str, Any] | None = None


def qr_svg(url: str, title: str) -> markupsafe.Markup:
    """A QR code of `url` as inline SVG: black modules inside the standard 4-module quiet zone
    (left unpainted: the paper is white). WeasyPrint makes its <title> the Figure's /Alt."""
    import segno

    try:
        code = segno.make(url, error="m", micro=False)
    except segno.DataOverflowError:  # handouts.yml keeps addresses far shorter (config.MAX_ADDRESS)
        raise RenderError(f"the address {url[:60]}… is too long for a QR code (shorten site_url or web_url "
                          "in handouts.yml)") from None
    svg = code.svg_inline(
        border=4, dark="#000", title=title, omitsize=True, svgclass="qr-code", lineclass=None)
    return markupsafe.Markup(svg)


def _qr(project: Project, handout: Handout, lang: str, text: dict[str, str]) -> dict[str, Any] | None:
    """The handout's web page as a QR code and address, when handouts.yml gives site_url (the HTML
    edition on the library site) or web_url, and the handout's license permits electronic use."""
    config = project.config
    url = config.page_url(handout.slug, lang)
    if not url or "electronic" not in config.licenses[handout.meta.license].permits:
        return None
    return {"url": url, "svg": qr_svg(url, text["qr_alt"]), "label": text["qr_label"],
            "link_title": text["link_website"].format(text=typography.apply(handout.versions[lang].front.title, lang,
                                                                    config.typography.fr))}


def _contact(text: str, number: str, tel: str, lang: str, link_title: str, french: Any = None) -> markupsafe.Markup:
    escaped = markupsafe.escape(typography.apply(text, lang, french))
    link = markupsafe.Markup('<a href="tel:{}" title="{}">{}</a>').format(tel, link_title, number)
    return markupsafe.Markup(escaped.replace(markupsafe.escape(number), link, 1))


def _reference(ref, lang: str, link_title: str, french: Any = None) -> markupsafe.Markup:
    parts = [markupsafe.escape(", ".join(ref.authors)) + markupsafe.Markup(". ")]
    title = typography.apply(ref.title, ref.lang, french)
    if ref.lang == lang:
        parts.append(markupsafe.Markup("<cite>{}</cite>. ").format(title))
    else:  # read in its own language, with its own typography ("Extreme heat: protect yourself")
        parts.append(markupsafe.Markup('<cite lang="{}">{}</cite>. ').format(LANG_TAGS[ref.lang], title))
    if ref.publication:
        parts.append(markupsafe.escape(ref.publication))
        parts.append(markupsafe.Markup(", {}. ").format(_dated(long_date(ref.date, lang), lang)) if ref.date else ". ")
    elif ref.date:
        parts.append(markupsafe.Markup("{}. ").format(_dated(long_date(ref.date, lang), lang)))
    if ref.url:
        url = str(ref.url)
        parts.append(markupsafe.Markup('<a href="{}" title="{}">{}</a>').format(
            url, link_title.format(text=ref.title), url))
    return markupsafe.Markup("").join(parts)


def _dated(text: str, lang: str) -> markupsafe.Markup:
    """Text holding a long date, escaped, with "1er" set as French sets it (the footer, a margin
    box of plain text, keeps it on the line)."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(typography.raise_ordinals(escaped) if lang == "fr" else escaped)


def page_model(project: Project, handout: Handout, lang: str, body: Body) -> Page:
    config = project.config
    text = labels(project.layouts_dir, lang)
    version = handout.versions[lang]
    front = version.front
    license = config.licenses[handout.meta.license]
    review = review_of(handout, version)
    others = [{"lang": LANG_TAGS[other], "text": labels(project.layouts_dir, other)["other_language"]}
              for other in config.languages if other != lang and other in handout.versions]
    revised = long_date(front.revised, lang)
    french = config.typography.fr
    return Page(
        lang=lang,
        lang_tag=LANG_TAGS[lang],
        other_langs=others,
        title=typography.apply(front.title, lang, french),
        summary=typography.apply(front.summary, lang, french),
        keywords=", ".join(front.keywords),
        author=typography.apply(front.author, lang, french),
        body=markupsafe.Markup(body.html),
        org={"name": config.organization.name[lang], "short_name": config.organization.short_name[lang],
             "website": str(config.organization.website)},
        contacts=[_contact(c.text[lang], c.number, c.tel, lang, text["link_call"].format(number=c.number), french)
                  for c in config.contacts],
        sources=[_reference(ref, lang, text["link_website"], french) for ref in handout.meta.sources],
        about={
            "disclaimer": typography.apply(config.disclaimer[lang], lang, french),
            "created": _dated(text["created"].format(date=long_date(handout.meta.created, lang)), lang),
            "revised": _dated(text["revised"].format(date=revised), lang),
            # Only a review of this text: a stale translation says which English it translates instead.
            "reviewed": _dated(typography.apply(text["reviewed"].format(
                body=review.body[lang], organization=review.organization[lang], date=long_date(review.date, lang)),
                lang, french), lang) if review else "",
            "translates": _dated(typography.apply(text["translates"].format(
                date=long_date(front.translates.revised, lang)), lang, french), lang) if version.stale else "",
            "number": typography.apply(text["number"].format(number=handout.meta.number), lang, french),
            "copyright": typography.apply(license.copyright[lang], lang, french),
            "notice": typography.apply(license.notice[lang], lang, french),
        },
        footer=text["footer"].format(short=license.short[lang], number=handout.meta.number,
                                     date=revised),  # as the body writes dates: "28 mai 2024"
        labels={key: typography.apply(value, lang, french) for key, value in text.items()},
        qr=_qr(project, handout, lang, {key: typography.apply(value, lang, french) for key, value in text.items()}),
    )


@dataclasses.dataclass
class Rendered:
    """A handout's HTML and what its PDF must be found to contain."""

    html: str
    title: str
    lang: str
    copyright: str
    notice: str
    parts: list[tuple[str, str]]


def render_html(project: Project, handout: Handout, lang: str, layout: Layout) -> tuple[Rendered | None, list[Problem]]:
    """The full HTML of one handout in one language and layout (a bilingual layout: every language,
    `lang` first)."""
    langs = [lang] + ([other for other in handout.versions if other != lang] if layout.bilingual else [])
    pages: list[Page] = []
    problems: list[Problem] = []
    parts: list[tuple[str, str]] = []
    for part_lang in langs:
        parsed, found = parse_body(handout, handout.versions[part_lang])
        problems += found
        if parsed is None:
            return None, problems
        body = render_body(parsed, handout, labels(project.layouts_dir, part_lang), project.config.typography.fr)
        page = page_model(project, handout, part_lang, body)
        if layout.bilingual:
            page.other_langs = []  # the other language is right there
        pages.append(page)
        parts += body.parts + [(other["text"], other["lang"].split("-")[0]) for other in page.other_langs]
        parts += [(typography.apply(ref.title, ref.lang, project.config.typography.fr), ref.lang)
                  for ref in handout.meta.sources if ref.lang != part_lang]
    first = pages[0]
    for page in pages[1:]:
        # A later part in another language: all of its legal text must be read in that language.
        parts += [(text, page.lang) for text in (page.title, page.about["copyright"], page.about["notice"])]
    title = " / ".join(page.title for page in pages)
    paper = PAPERS[layout.sheet_paper(project.paper)][0]
    html = render_template(environment(project.layouts_dir), f"{layout.name}/{layout.template}", project.root,
                           page=first, pages=pages, layout=layout, paper=paper)
    return Rendered(html, title, lang,
                    first.about["copyright"], first.about["notice"], parts), problems

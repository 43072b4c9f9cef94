"""A saved web page → its article: decoded, parsed without running anything, the site's chrome dropped."""

from __future__ import annotations

import codecs
import copy
import logging
import re

import lxml.etree
from lxml import html as lxml_html
from readability import Document
from readability.readability import Unparseable

from .document import Extracted, InputError
from .language import guess_language, language_of

# What a file named .html really is, when it is not a page.
MAGIC = {b"%PDF": "a PDF file", b"\x89PNG": "a PNG picture", b"\xff\xd8\xff": "a JPEG picture", b"GIF8": "a GIF picture",
         b"PK\x03\x04": "a ZIP file (a Word document?)", b"\xd0\xcf\x11\xe0": "an old Microsoft Office file"}

# Never content: what runs, what is typed into, what is embedded from elsewhere.
DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
                "link", "meta", "base", "form", "input", "button", "select", "textarea", "label", "svg", "math",
                "canvas", "video", "audio", "map", "dialog", "title", "noframes")
CHROME_ROLES = {"navigation", "search", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "menu",
                "menubar", "toolbar"}
# Class and id words that name a site's chrome, never an article's content.
CHROME_WORDS = re.compile(
    r"(?:^|[-_\s])(?:breadcrumbs?|cookies?|consent|gdpr|skip|share|sharing|social|feedback|related|pager|pagination|"
    r"print|menu|navbar|nav|search|sidebar|masthead|site-?header|site-?footer|footer|header|banner|toolbar|promo|"
    r"ads?|advert|newsletter|subscribe|rating|helpful|vrs|hot-?topics)(?:$|[-_\s])", re.I)
SKIP_LINK = re.compile(r"^\s*(skip|jump|passer|aller)\b", re.I)
# Fewer words than this after the chrome is dropped: there is no article.
MIN_WORDS = 15


def _decode(data: bytes, display: str) -> str:
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(display, f"is not a web page: it is {what}", "import the original file, or save the page as HTML")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", data[:4096], re.I)
        try:
            text = data.decode(declared.group(1).decode("ascii")) if declared else None
        except (LookupError, UnicodeDecodeError):
            text = None
        if text is None:
            raise InputError(display, "is not UTF-8 text and names no character set it is written in",
                             "save the page again from the browser (it saves UTF-8)") from None
    if "\0" in text or not re.search(r"<\s*(html|body|p|div|h[1-6]|article|main)\b", text, re.I):
        raise InputError(display, "is not a web page: it has no HTML tags", "rename it .txt to import it as text")
    return text


def _hidden(element: lxml_html.HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or "display:none" in style or "visibility:hidden" in style)


def _is_chrome(element: lxml_html.HtmlElement) -> bool:
    if element.tag == "nav" or (element.get("role") or "") in CHROME_ROLES:
        return True
    words = f'{element.get("class") or ""} {element.get("id") or ""}'
    if CHROME_WORDS.search(words):
        return True
    return element.tag == "a" and (element.get("href") or "").startswith("#") and bool(SKIP_LINK.match(element.text_content()))


def _clean(doc: lxml_html.HtmlElement) -> None:
    """Remove everything that is never content; nothing here is ever run (lxml only parses)."""
    for element in list(doc.iter(*DROPPED_TAGS)):
        if element.getparent() is not None and element.tag != "title":
            element.drop_tree()
    for element in [e for e in doc.iter() if isinstance(e.tag, str) and _hidden(e)]:
        if element.getparent() is not None:
            element.drop_tree()


def _code(doc: lxml_html.HtmlElement) -> str:
    """What the page would run, counted for IMPORT.md (all of it is removed, none of it run), or ""."""
    elements = [e for e in doc.iter() if isinstance(e.tag, str)]
    scripts = sum(1 for e in elements if e.tag == "script")
    events = [k.lower() for e in elements for k in e.attrib if k.lower().startswith("on")]
    links = sum(1 for e in elements for k in ("href", "src", "action")
                if re.sub(r"\s", "", e.get(k) or "").lower().startswith("javascript:"))
    parts = [f"{scripts} script{'s' * (scripts != 1)}" if scripts else "",
             f"{len(events)} event attribute{'s' * (len(events) != 1)} ({', '.join(sorted(set(events)))})" if events else "",
             f"{links} javascript: link{'s' * (links != 1)}" if links else ""]
    return ", ".join(part for part in parts if part)


def _article(doc: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element holding the article: readability-lxml's choice, widened to its <article> or <main>."""
    elements = [e for e in doc.iter() if isinstance(e.tag, str)]
    for number, element in enumerate(elements):
        element.set("data-import-id", str(number))
    logger = logging.getLogger("readability")
    level, logger.level = logger.level, logging.CRITICAL + 1  # it logs tracebacks of its own failures
    try:
        summary = Document(copy.deepcopy(doc)).summary(html_partial=True)
        chosen = lxml_html.fragment_fromstring(summary)
    except (Unparseable, lxml.etree.LxmlError, ValueError, AssertionError):
        chosen = None  # readability-lxml asserts on a page it cannot score (no <body>): the body is used
    finally:
        logger.level = level
    ids = [int(e.get("data-import-id")) for e in (chosen if chosen is not None else []) if e.get("data-import-id")]
    for element in elements:
        del element.attrib["data-import-id"]
    picked = [elements[i] for i in ids if i < len(elements)]
    if not picked:
        body = doc.find("body")
        return body if body is not None else doc
    common = picked[0]
    for element in picked[1:]:
        while common is not element and common not in element.iterancestors():
            common = common.getparent()
    for ancestor in [common, *common.iterancestors()]:
        if ancestor.tag == "article" and not any(a.tag in ("nav", "aside") for a in ancestor.iterancestors()):
            return ancestor
    for ancestor in [common, *common.iterancestors()]:
        if ancestor.tag == "main" or ancestor.get("role") == "main":
            return ancestor
    return common


def _drop_chrome(article: lxml_html.HtmlElement) -> int:
    """Drop navigation, sharing, cookie and search blocks inside the article; unwrap an article's own
    header and footer (they hold its title, dates and copyright) and keep its asides (boxes of content)."""
    dropped = 0
    for element in list(article.iterdescendants()):
        if not isinstance(element.tag, str) or article not in element.iterancestors():
            continue  # a comment, or inside something already dropped
        in_article = any(a.tag == "article" for a in element.iterancestors())
        if element.tag in ("header", "footer") and in_article:
            element.drop_tag()
        elif _is_chrome(element) or (element.tag in ("header", "footer", "aside") and not in_article):
            dropped += 1
            element.drop_tree()
    return dropped


def read_web(data: bytes, display: str, lang: str | None) -> Extracted:
    """Parse a page, find its article and drop the site's chrome."""
    text = _decode(data, display)
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
    try:
        doc = lxml_html.document_fromstring(text, parser=parser)
    except (lxml.etree.LxmlError, ValueError) as error:
        raise InputError(display, f"cannot be read as HTML: {error}") from None
    head = {"title": " ".join((doc.findtext(".//title") or "").split())}
    alternates: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in ("description", "keywords", "og:url") and meta.get("content"):
            head[key] = " ".join(meta.get("content").split())
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            head["url"] = link.get("href").strip()
        elif "alternate" in rel and link.get("hreflang") and link.get("href"):
            alternates[link.get("hreflang").lower()[:2]] = link.get("href").strip()
    base = doc.find(".//base[@href]")
    if base is not None:
        head["base"] = base.get("href").strip()
    if doc.find(".//frameset") is not None:
        raise InputError(display, "has no article: it is a frameset page that shows other pages",
                         "save the page of the handout itself, not a menu or search page")
    declared = doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    code = _code(doc)
    _clean(doc)
    article = _article(doc)
    if article.find(".//h1") is None and doc.find(".//h1") is not None:
        article.insert(0, copy.deepcopy(doc.find(".//h1")))  # the title stands in a page header above the article
    # The rest of the page, searched only for a copyright line when the article has none.
    body = doc.find("body")
    chrome = copy.deepcopy(body) if body is not None and body is not article else None
    if chrome is not None:
        for twin in chrome.xpath(doc.getroottree().getpath(article).replace("/html/body", ".", 1)):
            twin.drop_tree()
    dropped = _drop_chrome(article)
    words = len(article.text_content().split())
    if words < MIN_WORDS:
        raise InputError(display, "has no article: only navigation, headers and footers were found"
                         + (f" ({words} word{'' if words == 1 else 's'} of text)" if words else ""),
                         "save the page of the handout itself, not a menu or search page")
    chosen = language_of(lang, declared) or guess_language(article.text_content())
    described = f"<{article.tag}" + "".join(f' {k}="{article.get(k)}"' for k in ("id", "class") if article.get(k)) + ">"
    extracted = Extracted(display, chosen[0], chosen[1], article, head=head,
                          url=head.get("url") or head.get("og:url", ""), alternates=alternates,
                          chrome=[chrome] if chrome is not None else [])
    extracted.notes.append(f"the article is {described} at line {article.sourceline}; {dropped} blocks of site "
                           "navigation, sharing, search and cookie notices inside it were dropped")
    if code:
        extracted.notes.append(f"the page's code, removed without being run: {code}")
    return extracted

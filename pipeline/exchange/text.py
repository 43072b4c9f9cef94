"""Plain text (pasted from a web page or an old PDF) or Markdown → an article tree whose blocks keep their line numbers."""

from __future__ import annotations

import collections
import re

from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from ..project.files import parse_yaml
from ..source.markdown import MAX_NESTING
from ..source.model import _FRONT_MATTER
from .dates import find_date
from .document import Extracted, Fact, InputError, Origin, Point
from .language import guess_language, language_of
from .patterns import EMERGENCY, QUESTION, WARNING, fold
from .web import MAGIC

BULLET = re.compile(r"^(\s*)[•◦▪‣·*–—-]\s+(\S.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3}|[a-z])[.)]\s+(\S.*)$")
PAGE = re.compile(r"^\s*(?:page|p\.)?\s*\d+\s*(?:of|/|de|sur)\s*\d+\s*$", re.I)
# A paragraph this long is prose: the title is the heading-like line just before the first one.
PROSE_WORDS = 12
# Lines of at most this many words at the end of a pasted page are its menus and links.
NAV_WORDS = 6


# Our Markdown's rules without the typographer: a file's own quotes and dashes are kept as they are written.
_PLAIN_PARSER = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING}).enable("table")
_PLAIN_PARSER.use(container_plugin, "callout").use(attrs_plugin, spans=True, allowed=["lang"])


def decode(data: bytes, display: str) -> str:
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(display, f"is not text: it is {what}", "import the original file")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(display, f"is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} cannot be read",
                         "save the file as UTF-8 in your editor") from None
    if "\0" in text:
        raise InputError(display, "is not text: it holds binary data")
    return text


# First parts of words that keep their hyphen when a line breaks after it ("self-" + "care").
COMPOUND_STARTS = {"self", "well", "non", "long", "short", "follow", "low", "high", "full", "part", "half", "all",
                   "cross", "one", "two", "three", "four", "five", "x", "e", "t", "ex", "anti", "co", "sans", "demi",
                   "mi", "porte", "grand", "bien", "sous", "arrière", "après", "avant"}


def _join(lines: list[str], vocabulary: set[str]) -> str:
    """Lines wrapped by a PDF, joined into one. A word broken at a line end ("medi-" + "cine") is joined
    without its hyphen unless the text writes it with one elsewhere or its first part starts compounds
    ("self-" + "care" keeps it)."""
    text = ""
    for line in (l.strip() for l in lines):
        broken = re.search(r"([^\W\d_]+)-$", text)
        start = re.match(r"([^\W\d_]+)", line)
        if broken and start and start.group(1)[0].islower():
            first, second = broken.group(1).lower(), start.group(1).lower()
            hyphenated = f"{first}-{second}" in vocabulary or (first in COMPOUND_STARTS and first + second not in vocabulary)
            text = text + line if hyphenated else text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _element(tag: str, line: int, text: str = "") -> lxml_html.HtmlElement:
    element = lxml_html.Element(tag)
    element.sourceline = line
    element.text = text
    return element


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with its first line's number."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _groups(start: int, lines: list[str]) -> list[tuple[str, int, list[str]]]:
    """A block split into runs of list lines (with their wrapped continuations) and runs of text lines."""
    groups: list[tuple[str, int, list[str]]] = []
    for offset, line in enumerate(lines):
        item = BULLET.match(line) or NUMBERED.match(line)
        kind = groups[-1][0] if groups else ""
        if item and kind == "list" or not item and kind == "text":
            groups[-1][2].append(line)
        elif not item and kind == "list" and (line[:1].isspace() or len(groups[-1][2][-1].rstrip()) >= 60):
            groups[-1][2].append(line)  # the item goes on, wrapped
        else:
            groups.append(("list" if item else "text", start + offset, [line]))
    return groups


def _paragraphs(start: int, lines: list[str]) -> list[tuple[int, list[str]]]:
    """Text lines → paragraphs. Lines wrapped at a width (a PDF's) go on until one ends well short of it;
    short lines (an address, the dates at the end) are each their own."""
    width = max(len(line.rstrip()) for line in lines)
    if width < 50:
        return [(start + offset, [line]) for offset, line in enumerate(lines)]
    parts, current, first = [], [], start
    for offset, line in enumerate(lines):
        current.append(line)
        if len(line.rstrip()) < 0.75 * width and not line.rstrip().endswith(("-", ",")):
            parts.append((first, current))
            current, first = [], start + offset + 1
    if current:
        parts.append((first, current))
    return parts


def _list(root: lxml_html.HtmlElement, start: int, lines: list[str], vocabulary: set[str]) -> None:
    stack: list[tuple[int, lxml_html.HtmlElement]] = []
    item = None
    pieces: dict[lxml_html.HtmlElement, list[str]] = {}
    for offset, line in enumerate(lines):
        match = BULLET.match(line) or NUMBERED.match(line)
        if not match:
            if item is not None:
                pieces[item].append(line)
            continue
        indent = len(match.group(1).expandtabs(4))
        tag = "ul" if BULLET.match(line) else "ol"
        while stack and stack[-1][0] > indent:
            stack.pop()
        if not stack or stack[-1][0] < indent:
            container = _element(tag, start + offset)
            (stack[-1][1][-1] if stack and len(stack[-1][1]) else root).append(container)
            stack.append((indent, container))
        item = _element("li", start + offset)
        stack[-1][1].append(item)
        pieces[item] = [match.groups()[-1]]
    for item, parts in pieces.items():
        item.text = _join(parts, vocabulary)


def _menu_like(lines: list[str]) -> bool:
    """Lines of a site's menus and links: at least three in four are a few words long."""
    short = sum(1 for line in lines if len(re.sub(r"^\W+", "", line).split()) <= NAV_WORDS)
    return short * 4 >= len(lines) * 3


def _is_heading(lines: list[str]) -> bool:
    text = lines[0].strip()
    return (len(lines) == 1 and len(text) <= 90 and not text.endswith((".", ",", ";", ":", "!"))
            and not BULLET.match(text) and not NUMBERED.match(text))


def read_text(data: bytes, display: str, lang: str | None) -> Extracted:
    """A .txt file: blocks split at blank lines; lists by their bullets and indentation; short lines alone as
    headings; a pasted page's menus before the title and after the text marked to be dropped."""
    text = decode(data, display)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    counts = collections.Counter(" ".join(line.split()) for line in lines if line.strip())
    repeated = {line for line, count in counts.items() if count >= 3 and len(line) < 120}
    dropped = [" ".join(line.split()) in repeated or bool(PAGE.match(line)) for line in lines]
    lines = ["" if drop else line.rstrip() for line, drop in zip(lines, dropped)]
    chosen = language_of(lang, "") or guess_language(text)
    vocabulary = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.lower()))
    root = lxml_html.Element("div")
    ex_points: list[tuple[int, str, bool]] = []
    blocks = [part for start, block in _blocks(lines) for kind, first, group in _groups(start, block)
              for part in ([(first, group)] if kind == "list" else _paragraphs(first, group))]
    prose = next((i for i, (_, b) in enumerate(blocks) if not _is_heading(b) and not BULLET.match(b[0])
                  and not NUMBERED.match(b[0]) and len(" ".join(b).split()) >= PROSE_WORDS), len(blocks))
    title = next((i for i in range(prose - 1, -1, -1) if _is_heading(blocks[i][1])), None)
    end = len(blocks)
    while end > (prose + 1) and _menu_like(blocks[end - 1][1]):
        end -= 1
    for index, (start, block) in enumerate(blocks):
        first = block[0].strip()
        if BULLET.match(block[0]) or NUMBERED.match(block[0]):
            holder = root
            if index < (title or 0) or index >= end:
                holder = etree.SubElement(root, "div", {"data-furniture": "the site's menus around the text"})
            _list(holder, start, block, vocabulary)
            continue
        furniture = (title is not None and index < title) or index >= end
        if first.isupper() and _is_heading(block) and len(re.findall(r"[^\W\d_]{2,}", first)) > 1 and not furniture:
            ex_points.append((start, first, index == title))
            first = first[0] + first[1:].lower()  # a careful author writes headings in sentence case
        if index == title:
            element = _element("h1", start, first)
        elif _is_heading(block) and index > (title if title is not None else -1) and (
                QUESTION.match(fold(first)) or index + 1 < len(blocks) and not _is_heading(blocks[index + 1][1])):
            element = _element("h2", start, first)
        else:
            element = _element("p", start, _join(block, vocabulary))
        if WARNING.match(fold(element.text)) and element.tag == "p":
            kind = "emergency" if EMERGENCY.search(fold(element.text)) else "warning"
            box = _element("div", start)
            box.set("class", f"callout-{kind}")
            box.append(element)
            element = box
        if furniture:
            element.set("data-furniture", "the site's menus around the text")
        root.append(element)
    ex = Extracted(display, chosen[0], chosen[1], root)
    for line, heading, is_title in ex_points:
        ex.points.append(Point(f'"{heading}" was in capitals: it is written in sentence case; check the capitals '
                               "of names", Origin(display, line, heading),
                               ("front", "title") if is_title else ("body", heading[0] + heading[1:].lower())))
    if any(dropped):
        ex.notes.append(f"{sum(dropped)} page numbers and repeated header or footer lines were left out")
    return ex


def read_markdown(data: bytes, display: str, lang: str | None) -> Extracted:
    """A .md file in our Markdown (front matter optional): the body through the same recognition as a page."""
    text = decode(data, display)
    facts: dict[str, Fact] = {}
    body, offset = text, 0
    match = _FRONT_MATTER.match(text)
    chosen = language_of(lang, "")
    if match:
        doc, _ = parse_yaml(match.group(1), display, line_offset=1)
        front = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        body, offset = text[match.end():], text.count("\n", 0, match.end())
        revised = front.get("revised")
        if isinstance(revised, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", revised.strip()):
            found = find_date(revised, "en")
            if found:
                facts["revised"] = Fact(found, Origin(display, doc.mark(("revised",))[0], revised), "from the front matter")
        for key in ("title", "summary", "author"):
            if isinstance(front.get(key), str) and front[key].strip() and "TODO" not in front[key]:
                line, _ = doc.mark((key,))
                facts[key] = Fact(front[key].strip(), Origin(display, line, front[key]), "from the front matter")
        if isinstance(front.get("keywords"), list):
            facts["keywords"] = Fact([str(k) for k in front["keywords"]], Origin(display, doc.mark(("keywords",))[0]))
    chosen = chosen or guess_language(body)
    markdown = _PLAIN_PARSER
    tokens = markdown.parse(body)
    for token in tokens:
        if token.map and token.nesting >= 0:
            token.attrSet("data-line", str(token.map[0] + 1 + offset))
    html = markdown.renderer.render(tokens, markdown.options, {})
    root = lxml_html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("data-line"):
            element.sourceline = int(element.attrib.pop("data-line"))
    if "title" in facts:
        root.insert(0, _element("h1", facts["title"].origin.line, facts["title"].value))
    ex = Extracted(display, chosen[0], chosen[1], root)
    ex.facts.update({k: v for k, v in facts.items() if k != "title"})
    return ex

"""An article's HTML tree (metadata already taken out) → our Markdown body: sections, lists with their nesting,
tables, call-outs, quotations, language spans and images, escaped so the text reads back exactly."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

from lxml import html as lxml_html

from ..project.locales import SUPPORTED_LANGUAGES
from ..source.markdown import LINK_SCHEMES, parser
from .constructs import MAX_LIST_LEVELS, NESTED_LISTS, callout, callout_kind, joined_list
from .document import Extracted, Point
from .escaping import escape, escape_line_start
from .images import Images
from .tables import table_blocks

BLOCK_TAGS = {"p", "div", "section", "article", "main", "aside", "figure", "ul", "ol", "li", "table", "blockquote",
              "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "dl", "dt", "dd", "address", "center", "figcaption",
              "header", "footer", "details", "summary", "fieldset", "caption", "thead", "tbody", "tfoot", "tr"}
EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "cite": "*", "dfn": "*", "var": "*"}
Block = list[str]


def _plain(markdown: str, lang: str) -> str:
    """The text a Markdown paragraph reads as (markup gone)."""
    tokens = parser(lang).parseInline(markdown)
    return "".join(c.content if c.type in ("text", "code_inline") else "\n" if c.type.endswith("break") else ""
                   for t in tokens for c in (t.children or []))


class Converter:
    """One article's tree → Markdown blocks; images go to `images`, things to check to `ex.points`."""

    def __init__(self, ex: Extracted, images: Images) -> None:
        self.ex = ex
        self.images = images
        self.base = ex.head.get("base") or ex.url
        self.pending: list[Block] = []  # images met inside a paragraph, written after it
        self.tables = 0

    # Inline content -------------------------------------------------------------------------------------------

    def inline(self, element: lxml_html.HtmlElement, emphasis: bool = True, breaks: bool = True,
               include_self_text: bool = True) -> str:
        out = [escape(_spaces(element.text))] if include_self_text and element.text else []
        for child in element:
            if isinstance(child.tag, str):
                out.append(self.inline_element(child, emphasis, breaks))
            if child.tail:
                out.append(escape(_spaces(child.tail)))
        return "".join(out)

    def inline_element(self, element: lxml_html.HtmlElement, emphasis: bool, breaks: bool) -> str:
        tag = element.tag
        if tag == "br":
            return "\\\n" if breaks else " "
        if tag == "img":
            self.pending.append(self.images.take(element, element.get("title") or ""))
            return ""
        inner = self.inline(element, emphasis, breaks)
        lang = (element.get("lang") or "").lower()[:2]
        if lang and lang != self.ex.lang and inner.strip():
            if lang in SUPPORTED_LANGUAGES:
                return _around(inner, "[", f"]{{lang={lang}}}")
            self.ex.points.append(Point(f'text marked as language "{element.get("lang")}" is kept as plain text: '
                                        "only English and French can be marked", self.ex.origin(element, element.text_content()),
                                        ("body", _plain_start(element))))
            return inner
        if tag in EMPHASIS and emphasis and inner.strip() and not _inside(element, *EMPHASIS):
            return _around(inner, EMPHASIS[tag], EMPHASIS[tag])
        if tag in ("code", "kbd", "samp", "tt") and element.text_content().strip():
            text = _spaces(element.text_content())
            fence = "``" if "`" in text else "`"
            return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"
        if tag == "a":
            return self.link(element, inner)
        return inner

    def link(self, element: lxml_html.HtmlElement, inner: str) -> str:
        href = (element.get("href") or "").strip()
        if not inner.strip() or _inside(element, "a") or not href or href.startswith("#"):
            return inner
        if not urlsplit(href).scheme and self.base:
            href = urljoin(self.base, href)
        scheme = urlsplit(href).scheme.lower()
        if scheme not in LINK_SCHEMES:
            if scheme in ("", "file"):
                self.ex.points.append(Point(f'the link "{href}" points inside the old site and was dropped: add the '
                                            "full address if readers need it", self.ex.origin(element, element.text_content()),
                                            ("body", _plain_start(element))))
            return inner
        return _around(inner, "[", f"]({quote(href, safe=':/?#@!$&=+,;%~*')})")

    def paragraph(self, element: lxml_html.HtmlElement, breaks: bool = True) -> list[Block]:
        """A paragraph's lines (hard breaks split them) and, after it, the images it held."""
        self.pending = []
        text = self.inline(element, breaks=breaks).strip()
        if text and "*" in text and _plain(text, self.ex.lang) != _plain(self.inline(element, False, breaks).strip(),
                                                                           self.ex.lang):
            text = self.inline(element, False, breaks).strip()  # emphasis that would not read back: dropped
        blocks = [[escape_line_start(line.strip()) for line in text.split("\n")]] if text else []
        return blocks + self.pending

    # Blocks ---------------------------------------------------------------------------------------------------

    def children(self, element: lxml_html.HtmlElement) -> list[Block]:
        """An element's content as blocks: runs of inline content become paragraphs."""
        blocks: list[Block] = []
        run = lxml_html.Element("p")
        run.text = element.text

        def flush() -> None:
            nonlocal run
            if run.text_content().strip() or run.find(".//img") is not None:
                blocks.extend(self.paragraph(run))
            run = lxml_html.Element("p")

        for child in list(element):
            if not isinstance(child.tag, str):
                tail = child.tail
                if len(run):
                    run[-1].tail = (run[-1].tail or "") + (tail or "")
                else:
                    run.text = (run.text or "") + (tail or "")
                continue
            if child.tag in BLOCK_TAGS:
                flush()
                blocks.extend(self.block(child))
                run.text = child.tail
            else:
                run.append(child)  # moved, with its tail and its place in the source
        flush()
        return blocks

    def block(self, element: lxml_html.HtmlElement) -> list[Block]:
        tag = element.tag
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            self.pending = []
            text = " ".join(self.inline(element, breaks=False).split())
            if text.endswith("#"):
                text = text[:-1] + "\\#"
            return ([[f"{'#' * int(tag[1])} {text}"]] if text else []) + self.pending
        if tag == "h1":  # a second title: a section
            element.tag = "h2"
            return self.block(element)
        if tag in ("p", "address", "center", "dd", "summary", "caption", "figcaption"):
            return self.paragraph(element)
        if tag == "dt":
            return [[f"**{line}**" if line else line for line in b] for b in self.paragraph(element, breaks=False)]
        if tag in ("ul", "ol"):
            return [self.list(element)]
        if tag == "li":
            return [self.list(lxml_html.Element("ul"), [element])]
        if tag == "table":
            return self.table(element)
        if tag == "figure":
            return self.figure(element)
        if tag == "pre":
            return self.paragraph(element)
        if tag == "hr":
            return []
        if tag == "blockquote" and not callout_kind(element):
            inner = self.children(element)
            return [[f"> {line}".rstrip() for line in _join(inner)]] if inner else []
        kind = callout_kind(element)
        inner = self.children(element)
        if kind and inner and not any(callout_kind(a) for a in element.iterancestors()):
            return [callout(kind, _join(inner))]
        return inner

    def list(self, element: lxml_html.HtmlElement, items: list | None = None) -> Block:
        ordered = element.tag == "ol"
        try:
            number = int(element.get("start") or 1) if ordered else 1
        except ValueError:
            number = 1
        items = items if items is not None else [c for c in element if isinstance(c.tag, str)]
        origins = [self.ex.origin(item, _plain_start(item)) for item in items]  # before their content moves
        contents = [self.children(item) if item.tag == "li" else self.block(item) for item in items]
        level = 1 + sum(1 for a in element.iterancestors() if a.tag in ("ul", "ol"))
        contents = [_flatten(c, self.ex, item, origin, level) if not NESTED_LISTS or level >= MAX_LIST_LEVELS else c
                    for c, item, origin in zip(contents, items, origins) if c]
        loose = any(sum(1 for b in c if not _is_list(b)) > 1 for c in contents)
        lines: Block = []
        for index, blocks in enumerate(contents):
            marker = f"{number + index}." if ordered else "-"
            pad = " " * (len(marker) + 1)
            for position, block in enumerate(blocks):
                if position and (loose or not _is_list(block)):
                    lines.append("")
                for offset, line in enumerate(block):
                    if position == 0 and offset == 0:
                        lines.append(f"{marker} {line}")
                    else:
                        lines.append(pad + line if line else "")
            if loose and index < len(contents) - 1:
                lines.append("")
        return lines

    def figure(self, element: lxml_html.HtmlElement) -> list[Block]:
        caption_element = element.find(".//figcaption")
        caption = " ".join(caption_element.text_content().split()) if caption_element is not None else ""
        if caption_element is not None:
            caption_element.drop_tree()
        images = list(element.iter("img"))
        if len(images) == 1 and not element.text_content().strip():
            return [self.images.take(images[0], caption or images[0].get("title") or "")]
        blocks = self.children(element)
        return blocks + ([[escape_line_start(escape(caption))]] if caption else [])

    def table(self, element: lxml_html.HtmlElement) -> list[Block]:
        index = self.tables
        self.tables += 1
        marked = self.ex.row_headers[index] if index < len(self.ex.row_headers) else False
        return table_blocks(self, element, marked)


def _join(blocks: list[Block]) -> Block:
    lines: Block = []
    for block in blocks:
        if lines:
            lines.append("")
        lines.extend(block)
    return lines


def _flatten(blocks: list[Block], ex: Extracted, item: lxml_html.HtmlElement, origin, level: int) -> list[Block]:
    """An item's blocks with each nested list written into the paragraph before it (see constructs.NESTED_LISTS
    and MAX_LIST_LEVELS); `level`: the item's list's depth."""
    out: list[Block] = []
    for block in blocks:
        if _is_list(block) and out and not _is_list(out[-1]):
            items: list[str] = []
            for line in block:
                marker = re.match(r"^(?:-|\d+\.) (.*)$", line)
                if marker:
                    items.append(marker.group(1))
                elif line.strip() and items:
                    items[-1] += " " + line.strip()
            out[-1] = out[-1][:-1] + [joined_list(out[-1][-1], items)]
            if not NESTED_LISTS and not _inside(item, "li"):
                ex.points.append(Point("a list nested in another was written into its parent item (the layouts "
                                       "cannot draw nested lists yet): check the wording", origin,
                                       ("body", out[-1][-1][:30])))
            elif NESTED_LISTS and level == MAX_LIST_LEVELS:
                ex.points.append(Point(f"lists nested more than {MAX_LIST_LEVELS} levels deep were written into their "
                                       f"level-{MAX_LIST_LEVELS} item: check the wording", origin,
                                       ("body", out[-1][-1][:30])))
        else:
            out.append(block)
    return out


def _is_list(block: Block) -> bool:
    return bool(block) and bool(re.match(r"^(?:-|\d+\.) ", block[0]))


def _around(inner: str, start: str, end: str) -> str:
    """Markup around inline text, with the text's outer spaces kept outside it."""
    core = inner.strip(" ")
    lead, trail = inner[: len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")):]
    return f"{lead}{start}{core}{end}{trail}"


def _spaces(text: str | None) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text or "")


def _inside(element: lxml_html.HtmlElement, *tags: str) -> bool:
    return any(a.tag in tags for a in element.iterancestors())


def _plain_start(element: lxml_html.HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())[:30]


def to_markdown(ex: Extracted, images: Images) -> str:
    """The article's body as Markdown (without front matter), ending in one newline."""
    converter = Converter(ex, images)
    blocks = converter.children(ex.root)
    return "\n".join(_join(blocks)).rstrip() + "\n"

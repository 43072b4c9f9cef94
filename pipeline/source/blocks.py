"""A language version → its translatable blocks (title, summary, keywords, then each heading,
paragraph, list item, table cell, call-out, quotation and picture caption in reading order), each
with its inline pieces, its place in the file and its context: what a translator translates and
what `handouts changes` compares."""

from __future__ import annotations

import dataclasses
import functools

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from .meta import LanguageVersion


@dataclasses.dataclass(frozen=True)
class Piece:
    """Plain text ("text"), or the Markdown of an inline code: the start ("open") or end ("close")
    of emphasis, a link or a language span (paired by `pair`), or a whole one ("atom": code, picture)."""

    kind: str
    text: str
    pair: int = 0


@dataclasses.dataclass
class Block:
    kind: str  # title, summary, author, keyword, heading, paragraph, item, cell, callout, quote, caption
    pieces: list[Piece]
    line: int  # 1-based, in the language file
    # Body lines (0-based, end excluded) the block's text stands on; None in the front matter.
    span: tuple[int, int] | None = None
    cell: int | None = None  # a table cell's column
    context: str = ""  # the headings it stands under, "Section › Subsection"
    image: str = ""  # a caption's picture file

    @property
    def plain(self) -> str:
        """The text as read (codes dropped, atoms kept as written)."""
        return "".join(p.text for p in self.pieces if p.kind in ("text", "atom"))

    @property
    def shape(self) -> tuple:
        """What must stay the same in a translation: the kind and the inline codes."""
        return (self.kind, tuple((p.kind, p.text) for p in self.pieces if p.kind != "text"))


@functools.cache
def _parser() -> MarkdownIt:
    # As source/markdown.py reads a body, but with no typographer: pieces are the text as typed.
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(container_plugin, "callout", validate=lambda params, *_: True)
    md.use(attrs_plugin, spans=True, allowed=["lang"])
    md.validateLink = lambda url: True
    return md


def blocks(version: LanguageVersion) -> list[Block]:
    """Every translatable block of a language version, in reading order."""
    front = version.front_doc
    found = [Block("title", [Piece("text", version.front.title)], _front_line(front, "title")),
             Block("summary", [Piece("text", version.front.summary)], _front_line(front, "summary")),
             Block("author", [Piece("text", version.front.author)], _front_line(front, "author"))]
    found += [Block("keyword", [Piece("text", k)], _front_line(front, "keywords")) for k in version.front.keywords]
    tokens = _parser().parse(version.body)
    containers: list[str] = []
    headings: list[tuple[str, str]] = []  # (tag, text) of the headings above, outermost first
    column = -1
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            containers.append("item")
        elif token.type == "blockquote_open":
            containers.append("quote")
        elif token.type == "container_callout_open":
            containers.append("callout")
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close", "container_callout_close"):
            containers.pop()
        elif token.type == "tr_open":
            column = -1
        elif token.type in ("th_open", "td_open"):
            column += 1
        elif token.type == "inline" and token.map is not None:
            opener = tokens[index - 1].type
            kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(opener) or (
                containers[-1] if containers else "paragraph")
            pieces = _pieces(token.children or [])
            image = ""
            if len(token.children or []) == 1 and token.children[0].type == "image":  # a picture and its caption
                picture = token.children[0]
                kind, image = "caption", str(picture.attrs.get("src", ""))
                pieces = [Piece("text", str(picture.attrs.get("title") or ""))]
            if not "".join(p.text for p in pieces if p.kind == "text").strip():
                continue
            span = (token.map[0], token.map[1])
            found.append(Block(kind, pieces, version.body_line + span[0], span,
                               column if kind == "cell" else None, " › ".join(t for _, t in headings), image))
            if kind == "heading":
                tag = tokens[index - 1].tag
                headings = [(t, text) for t, text in headings if t < tag] + [(tag, found[-1].plain)]
    return found


def _front_line(front, key: str) -> int:
    return front.mark((key,))[0] if front is not None else 1


def _pieces(children: list[Token]) -> list[Piece]:
    pieces: list[Piece] = []
    pairs: list[tuple[int, str]] = []
    count = 0
    skip_to = -1
    for index, child in enumerate(children):
        if index <= skip_to:
            continue
        kind = child.type
        if kind == "text":
            _add_text(pieces, child.content)
        elif kind == "softbreak":
            _add_text(pieces, " ")
        elif kind == "hardbreak":
            pieces.append(Piece("atom", "\\\n"))
        elif kind == "code_inline":
            pieces.append(Piece("atom", f"{child.markup}{child.content}{child.markup}"))
        elif kind in ("image", "html_inline"):
            pieces.append(Piece("atom", _image(child) if kind == "image" else child.content))
        elif kind == "link_open" and child.markup == "autolink":
            skip_to = next(i for i in range(index, len(children)) if children[i].type == "link_close")
            pieces.append(Piece("atom", f"<{children[index + 1].content}>"))
        elif kind.endswith("_open"):
            count += 1
            pairs.append((count, kind))
            pieces.append(Piece("open", "[" if kind in ("link_open", "span_open") else child.markup, count))
        elif kind.endswith("_close") and pairs:
            pair, opened = pairs.pop()
            pieces.append(Piece("close", _closing(child, opened, children, index), pair))
    return pieces


def _add_text(pieces: list[Piece], text: str) -> None:
    if pieces and pieces[-1].kind == "text":
        pieces[-1] = Piece("text", pieces[-1].text + text)
    else:
        pieces.append(Piece("text", text))


def _closing(child: Token, opened: str, children: list[Token], index: int) -> str:
    if opened == "span_open":
        return "]{" + " ".join(f"{k}={v}" for k, v in _opening(children, index).attrs.items()) + "}"
    if opened == "link_open":
        link = _opening(children, index)
        title = link.attrs.get("title")
        return f"]({link.attrs.get('href', '')}" + (f' "{title}"' if title else "") + ")"
    return child.markup


def _opening(children: list[Token], index: int) -> Token:
    """The opening token that the closing one at `index` closes."""
    depth = 0
    for i in range(index, -1, -1):
        if children[i].nesting == -1:
            depth += 1
        elif children[i].nesting == 1:
            depth -= 1
            if depth == 0:
                return children[i]
    return children[index]


def _image(token: Token) -> str:
    alt = "".join(c.content for c in token.children or [])
    title = token.attrs.get("title")
    return f"![{alt}]({token.attrs.get('src', '')}" + (f' "{title}"' if title else "") + ")"

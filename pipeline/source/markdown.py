"""Markdown body → checked token stream (markdown-it-py, raw HTML refused)."""

from __future__ import annotations

import dataclasses
import functools
import re
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from ..errors import Problem
from ..project.locales import QUOTES, SUPPORTED_LANGUAGES
from .model import Handout, LanguageVersion

# Deeper than this is a broken or hostile file, not a handout; markdown-it would drop the rest silently.
MAX_NESTING = 20
# More blocks (paragraphs, list items, table rows, headings) than any handout has: a runaway paste
# or export, which would take minutes to lay out (10,000 list items made 596 pages).
MAX_BLOCKS = 2_000
_BLOCKS = ("paragraph_open", "list_item_open", "tr_open", "heading_open")
# More emphasis, links and code spans in one paragraph than any sentence needs: a converter gone
# wrong ("*_*_*_…"), which WeasyPrint lays out in quadratic time (6,667 took minutes).
MAX_INLINE_PIECES = 500
_PIECES = ("em_open", "strong_open", "link_open", "span_open", "code_inline", "image")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
# More columns than a printed page can hold readably, even in landscape.
MAX_COLUMNS = 10
LINK_SCHEMES = ("http", "https", "tel", "mailto")
# Call-out kinds by the word an author writes after ":::" (or Quarto's ".callout-…" class): each
# kind has its own look and printed name; "callout" is the plain key-message box, with no name.
CALLOUT_KINDS = {"callout": "callout", "note": "note", "tip": "note", "warning": "warning",
                 "important": "warning", "caution": "warning", "emergency": "emergency"}
# "::: warning", "::: callout warning", "::: {.callout-warning}", "::: {.warning title="…"}".
_FENCE_WORDS = re.compile(r"(?:callout\s+)?(\w+)\s*", re.I)
# A table's caption: a paragraph just before or after it (Pandoc's "Table: …" or ": …").
_CAPTION = re.compile(r"(?:(?:Table|Tableau)\s*:|:\s)\s*(\S.*)", re.S)
# A quotation's attribution: its last paragraph, opened by a dash ("— Marie", "-- Marie").
_ATTRIBUTION = re.compile(r"(?:—|―|–|--)\s*\S")
_FENCE_ATTRIBUTES = re.compile(r'\{\s*\.(?:callout-)?(\w+)(?:\s+title\s*=\s*"([^"]*)")?\s*\}\s*', re.I)


@dataclasses.dataclass
class Parsed:
    """A language version's body as checked tokens."""

    lang: str
    tokens: list[Token]


@functools.cache
def parser(lang: str) -> MarkdownIt:
    # html=True only so raw HTML is *found* and refused; it is never rendered.
    md = MarkdownIt("commonmark", {"typographer": True, "html": True, "quotes": QUOTES[lang],
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "replacements", "smartquotes"])
    md.use(container_plugin, "callout", validate=lambda params, *_: callout_kind(params) is not None)
    md.use(attrs_plugin, spans=True, allowed=["lang"])
    # markdown-it leaves a javascript:, file: or data: link as plain text, which would be printed
    # as raw Markdown: every link is parsed here, and _check_inline refuses the schemes we do not print.
    md.validateLink = lambda url: True
    md.core.ruler.after("block", "table_captions", _table_captions)
    md.core.ruler.after("block", "attributions", _attributions)
    return md


def _table_captions(state: StateCore) -> None:
    """Move a caption paragraph into the table it captions (rendered as <caption>). Without a blank
    line, a caption line under a table is read as a last row with one cell: that is taken too."""
    tokens = state.tokens
    for start in [i for i, t in enumerate(tokens) if t.type == "table_open"][::-1]:
        end = next(i for i in range(start, len(tokens)) if tokens[i].type == "table_close")
        caption: list[Token] = []
        if _is_caption(tokens, end + 1):
            caption = tokens[end + 2:end + 3]
            del tokens[end + 1:end + 4]
        elif end - start > 4 and tokens[end - 2].type == "tr_close" and _is_caption_row(tokens, end - 2, state):
            row = max(i for i in range(start, end) if tokens[i].type == "tr_open")
            caption = tokens[row + 2:row + 3]
            del tokens[row:end - 1]
        elif start >= 3 and _is_caption(tokens, start - 3):
            caption = tokens[start - 2:start - 1]
            del tokens[start - 3:start]
            start -= 3
        if caption:
            inline = caption[0]
            inline.content = _CAPTION.fullmatch(inline.content).group(1)
            tokens[start + 1:start + 1] = [Token("table_caption_open", "caption", 1, level=inline.level),
                                           inline, Token("table_caption_close", "caption", -1, level=inline.level)]


def _is_caption(tokens: list[Token], at: int) -> bool:
    return (at + 2 < len(tokens) and tokens[at].type == "paragraph_open" and tokens[at].level == 0
            and _CAPTION.fullmatch(tokens[at + 1].content) is not None)


def _is_caption_row(tokens: list[Token], row_close: int, state: StateCore) -> bool:
    """The table's last row is a caption line without a "|": one cell of text, the others empty."""
    row = max(i for i in range(row_close) if tokens[i].type == "tr_open")
    cells = [t for t in tokens[row:row_close] if t.type == "inline"]
    line = state.src.splitlines()[tokens[row].map[0]] if tokens[row].map else "|"
    return ("|" not in line and bool(cells) and _CAPTION.fullmatch(cells[0].content) is not None
            and not any(c.content for c in cells[1:]))


def _attributions(state: StateCore) -> None:
    """A quotation whose last paragraph (or last line) opens with a dash: that is its attribution,
    set apart from the quote (<figure><blockquote>…</blockquote><figcaption>…</figcaption></figure>)."""
    tokens = state.tokens
    starts = [i for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    for start in starts[::-1]:  # innermost and last first: what is changed lies after `start`
        end = next(i for i in range(start + 1, len(tokens))
                   if tokens[i].type == "blockquote_close" and tokens[i].level == tokens[start].level)
        if not (end - start > 3 and tokens[end - 1].type == "paragraph_close" and tokens[end - 3].level == tokens[start].level + 1):
            continue
        opening, inline, closing = tokens[end - 3:end]
        quote, _, said_by = inline.content.rpartition("\n")
        if not _ATTRIBUTION.match(said_by):
            continue
        if quote:  # "> Quote\n> — Name": the name's line becomes its own paragraph
            inline.content = quote
            opening = Token("paragraph_open", "p", 1, level=opening.level, map=opening.map, block=True)
            inline = Token("inline", "", 0, level=inline.level, content=said_by, map=inline.map, block=True, children=[])
            closing = Token("paragraph_close", "p", -1, level=closing.level, block=True)
            removed = 0
        else:
            removed = 3
        opening.type, opening.tag, closing.type, closing.tag = "attribution_open", "figcaption", "attribution_close", "figcaption"
        opening.attrSet("class", "attribution")
        level = tokens[start].level
        figure = Token("quotation_open", "figure", 1, level=level, block=True)
        figure.attrSet("class", "quotation")
        tokens[end - removed:end + 1] = [tokens[end], opening, inline, closing,
                                         Token("quotation_close", "figure", -1, level=level, block=True)]
        tokens.insert(start, figure)


def callout_kind(params: str) -> tuple[str, str] | None:
    """A call-out fence's (kind, title): title is "" unless Quarto's title="…" gives one."""
    params = params.strip()
    match = _FENCE_WORDS.fullmatch(params) or _FENCE_ATTRIBUTES.fullmatch(params)
    kind = CALLOUT_KINDS.get(match.group(1).lower()) if match else None
    if kind is None:
        return None
    title = match.group(2) if match.re is _FENCE_ATTRIBUTES else None
    return kind, (title or "").strip()


def _snippet(text: str, width: int = 40) -> str:
    """The start of some source text, on one line, to show where a problem is."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def lone_image(inline: Token) -> bool:
    return inline.type == "inline" and len(inline.children or []) == 1 and inline.children[0].type == "image"


def parse_body(handout: Handout, version: LanguageVersion) -> tuple[Parsed | None, list[Problem]]:
    """Parse and check one body; problems name the source line."""
    lang = version.lang
    try:
        tokens = parser(lang).parse(version.body)
    except RecursionError:
        return None, [Problem(version.file, "is nested too deeply to read", version.body_line,
                              hint="flatten the lists or quotes")]
    problems: list[Problem] = []
    blocks = sum(token.type in _BLOCKS and not token.hidden for token in tokens)  # an item's own paragraph is hidden
    if blocks > MAX_BLOCKS:
        return None, [Problem(version.file, f"has {blocks:,} paragraphs, list items, rows and headings, over the "
                              f"limit of {MAX_BLOCKS:,} for one handout", version.body_line,
                              hint="split it into several handouts")]
    body = Parsed(lang, tokens)
    last_heading = 1  # the title is the h1
    columns = 0  # the table being checked: its number of columns
    block_line = version.body_line
    lines = version.body.splitlines()
    block: list[str] = []  # the source lines of the block being checked
    cursor = [0, 0]  # where in `block` the last located problem was: the next one is after it

    def problem(message: str, hint: str = "", warning: bool = False, at: str = "") -> None:
        """A problem at its block's first line, or where the source text `at` occurs: in the block
        after the last problem located there (two equal mistakes in a paragraph get their own
        places), else anywhere in it, else below it (a reference link's definition)."""
        line, column = block_line, 1
        start = block_line - version.body_line
        end = start + len(block)
        where = at and (_find(lines, at, start + cursor[0], cursor[1], end) or _find(lines, at, start, 0, end)
                        or _find(lines, at, end, 0, len(lines)))
        if where:
            cursor[:] = [where[0] - start, where[1] + 1]
            line, column = version.body_line + where[0], where[1] + 1
        problems.append(Problem(version.file, message, line, column, hint=hint, warning=warning))

    for position, token in enumerate(tokens):
        if token.map:
            block_line = version.body_line + token.map[0]
            block = lines[token.map[0]:token.map[1]]
            cursor[:] = [0, 0]
        if token.level >= MAX_NESTING - 1:
            problem(f"lists or quotes are nested more than {MAX_NESTING - 2} levels deep", "flatten them")
            return None, problems
        if token.type == "html_block":
            problem(f"raw HTML is not allowed in a handout: {_snippet(token.content)}", "use Markdown instead, or remove it")
        elif token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                problem("a '#' heading is not allowed in the body: the title is the only level-1 heading",
                        "use '##' for sections")
            elif level > last_heading + 1:
                problem(f"heading level jumps from h{last_heading} to h{level}",
                        f"use {'#' * (last_heading + 1)} here")
            last_heading = level
        elif token.type == "table_open":
            if not _table_has_header(tokens, position):
                problem("this table has an empty header row", "give every column a heading")
            columns = 0
        elif token.type == "th_open" and tokens[position - 1].type == "tr_open" and columns == 0:
            row_end = next(i for i in range(position, len(tokens)) if tokens[i].type == "tr_close")
            columns = sum(t.type == "th_open" for t in tokens[position:row_end])
            if columns > MAX_COLUMNS:
                problem(f"this table has {columns} columns, more than the {MAX_COLUMNS} a page can print readably",
                        "split it into narrower tables, or turn it into a list")
        elif token.type == "tr_open" and token.map and columns:
            cells = len(_CELL_SEPARATOR.split(lines[token.map[0]].strip().strip("|")))
            if cells > columns:
                problem(f"this row has {cells} cells but the table has {columns} columns: the last "
                        f"{cells - columns} would not be printed", "add a column heading for each, or join the cells")
        elif token.type == "inline" and token.content.startswith(":::"):
            # A fence the container plugin did not take (::: warning, ::: {.callout-note}) would be
            # printed as its own source text.
            problem(f'"{_snippet(token.content.splitlines()[0])}" is not a call-out we know',
                    'write "::: note", "::: warning", "::: emergency" or "::: callout" on its own line, '
                    'the text, then ":::"')
        elif token.type == "inline":
            pieces = sum(child.type in _PIECES for child in token.children or [])
            if pieces > MAX_INLINE_PIECES:
                problem(f"this paragraph has {pieces:,} pieces of emphasis, links and code, over the limit of "
                        f"{MAX_INLINE_PIECES}", "a conversion may have gone wrong: remove the stray * and _ marks")
            else:
                _check_inline(token, handout, problem)
    if any(not p.warning for p in problems):
        return None, problems
    return body, problems


def _find(lines: list[str], text: str, line: int, column: int, end: int) -> tuple[int, int] | None:
    """The first (line, column), 0-based, at or after (line, column) and before line `end`, where `text` is."""
    for number in range(line, min(end, len(lines))):
        found = lines[number].find(text, column if number == line else 0)
        if found >= 0:
            return number, found
    return None


def _table_has_header(tokens: list[Token], start: int) -> bool:
    for token in tokens[start:]:
        if token.type == "thead_close":
            return False
        if token.type == "inline" and token.content.strip():
            return True
    return False


def _check_inline(token: Token, handout: Handout, problem) -> None:
    children = token.children or []
    reported_html = False
    for index, child in enumerate(children):
        # Every tag is refused; a closing tag is named only when its opening one was not already.
        if child.type == "html_inline" and not (child.content.startswith("</") and reported_html):
            reported_html = True
            problem(f"raw HTML is not allowed in a handout: {_snippet(child.content)}",
                    "use Markdown instead, like **bold** or [text](https://...), or remove it", at=child.content)
        elif child.type == "span_open":
            lang = str(child.attrGet("lang"))
            if lang not in SUPPORTED_LANGUAGES:
                problem(f'"{lang}" is not a language we support', f"use one of: {', '.join(SUPPORTED_LANGUAGES)}",
                        at=f"lang={lang}")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            closing = next(i for i in range(index, len(children)) if children[i].type == "link_close")
            if not any(c.content.strip() for c in children[index + 1:closing] if c.type in ("text", "code_inline")):
                problem("a link has no text", "write the words a reader should see, like [Call 811](tel:811)",
                        at=f"[]({unquote(href)}")
            scheme = urlsplit(href).scheme.lower()
            if scheme not in LINK_SCHEMES:
                problem(f'link "{href}" is not a web address, phone number or email',
                        "use https://..., tel:811 or mailto:...", at=unquote(href))
        elif child.type == "image":
            src = unquote(str(child.attrGet("src") or ""))  # markdown-it percent-encodes é and spaces
            if src not in handout.meta.images and (urlsplit(src).scheme or src.startswith("//")):
                problem(f'image "{src}" is on the internet: handouts may only use image files in their own folder',
                        "save the image next to handout.yml, list it under images: and use its file name",
                        at=f"![{child.content}]")
            elif src not in handout.meta.images and ("/" in src or "\\" in src):
                problem(f'image "{src}" is not in this handout\'s folder',
                        "put the image next to handout.yml and use its file name alone", at=f"![{child.content}]")
            elif src not in handout.meta.images:
                problem(f'image "{src}" is not listed under images: in handout.yml',
                        "add it there with its alt text in each language", at=f"![{child.content}]")
            if child.content.strip():
                problem("image text between [ ] is not used", "leave [ ] empty; alt text goes in handout.yml", warning=True,
                        at=f"![{child.content}]")

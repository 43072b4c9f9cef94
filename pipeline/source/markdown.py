"""Markdown body → checked token stream (markdown-it-py, raw HTML refused)."""

from __future__ import annotations

import dataclasses
import functools
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from ..errors import Problem
from ..project.locales import QUOTES, SUPPORTED_LANGUAGES
from .model import Handout, LanguageVersion

# Deeper than this is a broken or hostile file, not a handout; markdown-it would drop the rest silently.
MAX_NESTING = 20
LINK_SCHEMES = ("http", "https", "tel", "mailto")


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
    md.use(container_plugin, "callout")
    md.use(attrs_plugin, spans=True, allowed=["lang"])
    # markdown-it leaves a javascript:, file: or data: link as plain text, which would be printed
    # as raw Markdown: every link is parsed here, and _check_inline refuses the schemes we do not print.
    md.validateLink = lambda url: True
    return md


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
    body = Parsed(lang, tokens)
    last_heading = 1  # the title is the h1
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
        elif token.type == "inline" and token.content.startswith(":::"):
            # A fence the container plugin did not take (::: warning, ::: {.callout-note}) would be
            # printed as its own source text.
            problem(f'"{_snippet(token.content.splitlines()[0])}" is not a call-out: the only fence is "::: callout"',
                    'write "::: callout" on its own line, the text, then ":::"')
        elif token.type == "inline":
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

"""Parsed Markdown body → typeset HTML fragment: figures, described links, call-outs, scoped table headers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..source.markdown import Parsed, callout_kind, lone_image, parser
from ..source.model import Handout
from . import typography


@dataclasses.dataclass
class Body:
    """A language version's body as HTML."""

    html: str
    # Phrases marked as another language ([mot]{lang=fr}): (text, lang), for verification.
    parts: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def render_body(parsed: Parsed, handout: Handout, labels: dict[str, str], french: Any = None) -> Body:
    """Typeset a checked body (in place: parse it again to render it twice) and render it as HTML.

    `french`: handouts.yml's French spacing settings (config.typography.fr; None: the defaults)."""
    lang = parsed.lang
    parts: list[tuple[str, str]] = []
    for token in parsed.tokens:
        if token.type == "inline":
            children = token.children or []
            _typeset(children, lang, french)
            parts += _foreign_parts(children)
    env = {"handout": handout, "lang": lang, "labels": labels, "french": french}
    return Body(_Renderer().render(parsed.tokens, parser(lang).options, env), parts)


def _foreign_parts(children: list[Token]) -> list[tuple[str, str]]:
    parts = []
    for index, child in enumerate(children):
        if child.type == "span_open":
            closing = next(i for i in range(index, len(children)) if children[i].type == "span_close")
            parts.append(("".join(c.content for c in children[index + 1:closing] if c.type == "text"),
                          str(child.attrGet("lang"))))
    return parts


def _typeset(children: list[Token], lang: str, french: Any = None) -> None:
    """Typography on text runs, in the language of the span they stand in."""
    previous = ""
    langs = [lang]
    for child in children:
        if child.type == "text":
            # Typeset with the previous character in view, so "*mot* !" is spaced too.
            # What typography adds around the previous character (the space before a closing
            # guillemet) belongs to the previous run: drop all of it, not just that character.
            head = typography.apply(previous, langs[-1], french) if previous else ""
            full = typography.apply(previous + child.content, langs[-1], french)
            child.content = full[len(head):] if full.startswith(head) else full[len(previous):]
            previous = child.content[-1:] or previous
        elif child.type == "code_inline":
            previous = child.content[-1:] or previous
        elif child.type == "span_open":
            langs.append(str(child.attrGet("lang")))
        elif child.type == "span_close" and len(langs) > 1:
            langs.pop()


# A "word" longer than any real one (a pasted code, a run of digits): it is broken anywhere
# (CSS overflow-wrap) but never hyphenated, which takes WeasyPrint minutes on thousands of letters.
_LONG_WORD = re.compile(r"[^\s<>&]{50,}")


class _Renderer(RendererHTML):
    """CommonMark HTML with our figures, described links and scoped table headers."""

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        html = super().text(tokens, idx, options, env)
        if not env.get("in_link"):  # a link's own box must hold its text (links are never hyphenated)
            html = _LONG_WORD.sub(r'<span class="long-word">\g<0></span>', html)
        if env.get("lang") != "fr":
            return html
        return typography.raise_ordinals(html)

    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        if lone_image(tokens[idx + 1]):
            return "<figure>"
        return super().renderToken(tokens, idx, options, env)

    def paragraph_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        if lone_image(tokens[idx - 1]):
            return "</figure>\n"
        return super().renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src"))
        image = env["handout"].meta.images[unquote(src)]
        alt = "" if image.decorative else image.alt[env["lang"]]
        html = f'<img src="{_escape(src)}" alt="{_escape(alt)}">'
        caption = token.attrGet("title")
        if caption:
            html += f"<figcaption>{_escape(typography.apply(str(caption), env['lang'], env.get('french')))}</figcaption>"
        return html

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href"))
        text = ""
        for inner in tokens[idx + 1:]:
            if inner.type == "link_close":
                break
            text += inner.content if inner.type in ("text", "code_inline") else ""
        labels = env["labels"]
        if _is_address(text, href):  # "https://…" as its own text: say which site it leads to
            title = labels["link_address"].format(host=urlsplit(href).hostname or href)
        elif href.startswith("tel:"):
            title = labels["link_call"].format(number=text)
        elif href.startswith("mailto:"):
            title = labels["link_email"].format(text=text)
        else:
            title = labels["link_website"].format(text=text)
        token.attrSet("title", title)
        env["in_link"] = True
        return super().renderToken(tokens, idx, options, env)

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        env["in_link"] = False
        return super().renderToken(tokens, idx, options, env)

    def container_callout_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A call-out of its kind; every kind but the plain one opens with its printed name, which
        also names the note for assistive technology (aria-labelledby here, /T in the PDF)."""
        kind, title = callout_kind(tokens[idx].info) or ("callout", "")
        if kind == "callout" and not title:
            return '<div class="callout">\n'
        name = title or env["labels"][f"callout_{kind}"]
        env["callouts"] = number = env.get("callouts", 0) + 1
        anchor = f"callout-{env['lang']}-{number}"  # unique in a bilingual document too
        name = typography.apply(name, env["lang"], env.get("french"))
        return (f'<div class="callout callout-{kind}" role="note" aria-labelledby="{anchor}">\n'
                f'<p class="callout-name" id="{anchor}">{_escape(name)}</p>\n')

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        if tokens[idx].attrGet("scope") is None:
            tokens[idx].attrSet("scope", "col")
        return super().renderToken(tokens, idx, options, env)

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A table whose top-left header cell is empty has row headers: the first cell of each
        body row heads its row (README, "Tables")."""
        corner = next(i for i in range(idx, len(tokens)) if tokens[i].type == "th_open")
        if not tokens[corner + 1].content.strip():
            for position in range(idx, len(tokens)):
                token = tokens[position]
                if token.type == "table_close":
                    break
                if token.type == "tr_open" and tokens[position + 1].type == "td_open":
                    closing = next(i for i in range(position, len(tokens)) if tokens[i].type == "td_close")
                    tokens[position + 1].tag = tokens[closing].tag = "th"
                    tokens[position + 1].attrSet("scope", "row")
        return super().renderToken(tokens, idx, options, env)


def _is_address(text: str, href: str) -> bool:
    text = text.strip().lower()
    return text.startswith(("http:", "https:", "www.")) or text == href.lower().split("//", 1)[-1]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

"""Language typography applied to text at build time (quotes come from markdown-it's smartquotes)."""

from __future__ import annotations

import re
from typing import Any

from ..project.locales import NBSP, NNBSP, QUOTES

# Units that stay glued to the number before them.
_UNITS = r"(?:mg|mcg|µg|g|kg|mL|ml|L|h|min|s|mm|cm|m|km|°C|°F|%|\$)"
_NUMBER_UNIT = re.compile(rf"(\d)[ {NBSP}{NNBSP}]+({_UNITS})(?![\w])")
_SPACES = f" {NBSP}{NNBSP}"
# "8:00 a.m.", "3 p.m.": the time stays with its a.m. or p.m.
_CLOCK = re.compile(rf"(\d)[ {NBSP}{NNBSP}]+([ap]\.m\.)")
_TIME = re.compile(rf"(\d)[ {NBSP}{NNBSP}]+h[ {NBSP}{NNBSP}]+(\d\d)(?!\d)")
# "É.-U.", "N.-É.": a word joiner after the hyphen keeps the abbreviation on one line (the fonts
# have no non-breaking hyphen U+2011); it is invisible and never drawn, so the text layer is intact.
_ABBREVIATION = re.compile(r"(?<![\w.])(\w\.)-(\w\.)")
WORD_JOINER = "\u2060"
# French ordinals: 1er, 1re, 2e, 3es (French usage sets the ending as a superscript).
_ORDINAL = re.compile(r"(?<![\w.,])(\d+)(ers?|res?|es?)(?!\w)")


def french_spacing(text: str, high: str = NNBSP, colon: str = NBSP, guillemets: str | None = None) -> str:
    """Put no-break spaces where French typography wants them, without doubling any.

    `high` goes before ; ! ?, `colon` before : and `guillemets` inside « » (default: `colon`);
    handouts.yml's `typography: fr:` sets them."""
    if "://" in text:  # a bare address: punctuation in it is not prose
        return text
    inside = colon if guillemets is None else guillemets
    text = re.sub(rf"«[{_SPACES}]*", f"«{inside}", text)
    text = re.sub(rf"[{_SPACES}]*»", f"{inside}»", text)
    # Before the first of a run of ; ! ? that ends a phrase (not inside "a?b").
    text = re.sub(rf"(?<=[^\s{_SPACES};!?])[{_SPACES}]*([;!?]+)(?=$|[\s»)\]])", rf"{high}\1", text)
    # Before a colon that ends a phrase (not 14:30 nor 1:2).
    text = re.sub(rf"(?<=[^\s{_SPACES}:])[{_SPACES}]*:(?=$|\s)", f"{colon}:", text)
    # "10 h 30": the minutes stay with the hour too.
    text = _TIME.sub(rf"\1{NBSP}h{NBSP}\2", text)
    return _NUMBER_UNIT.sub(rf"\1{NBSP}\2", text)


def english_spacing(text: str) -> str:
    return _CLOCK.sub(rf"\1{NBSP}\2", _NUMBER_UNIT.sub(rf"\1{NBSP}\2", text))


def join_abbreviations(text: str) -> str:
    return _ABBREVIATION.sub(rf"\1-{WORD_JOINER}\2", text)


def raise_ordinals(html: str) -> str:
    """French ordinal endings in escaped HTML as superscripts: <sup> changes the drawing, the
    tagged text stays "1er"."""
    return _ORDINAL.sub(r'\1<sup class="ordinal">\2</sup>', html)


def smart_quotes(text: str, lang: str) -> str:
    """Straight quotes to the language's quotes, for text that does not pass through Markdown
    (titles, summaries, labels); Markdown bodies get markdown-it's smartquotes first."""
    double_open, double_close, single_open, single_close = QUOTES.get(lang, QUOTES["en"])
    text = re.sub(r'"([^"]*)"', rf"{double_open}\1{double_close}", text)
    text = re.sub(r"(^|[\s(\[])'", rf"\1{single_open}", text)
    return text.replace("'", "’")


def apply(text: str, lang: str, french: Any = None) -> str:
    """Typography for one run of text in `lang`; `french` is handouts.yml's `typography.fr`
    (anything with high_punctuation, colon and guillemets; None: the defaults)."""
    text = join_abbreviations(smart_quotes(text, lang))
    if lang != "fr":
        return english_spacing(text)
    if french is None:
        return french_spacing(text)
    return french_spacing(text, french.high_punctuation, french.colon, french.guillemets)

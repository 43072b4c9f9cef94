"""Markdown body → sentences, words and syllables → readability scores, offline.

English is scored with the Flesch-Kincaid grade level; French with Kandel & Moles (the French
adaptation of Flesch reading ease, 1958) and LIX (Björnsson, language-neutral). Nothing is
downloaded at run time: syllables come from pyphen's hyphenation dictionaries, which ship inside
the pyphen package (WeasyPrint already depends on it).

Syllable counts are deliberately the larger of two estimates: the pieces pyphen's hyphenation
splits a word into, and the number of vowel groups (less a silent final "e"). Hyphenation
patterns never split near the ends of a word ("area", "medicine", "idée" stay whole) and so
undercount; vowel groups miss hiatus ("cre-ate") and so undercount elsewhere. Taking the larger
keeps the score honest without a pronouncing dictionary; it errs slightly towards harder.
"""

from __future__ import annotations

import dataclasses
import functools
import re

import pyphen
from markdown_it.token import Token

# Dictionary per language (pyphen ships both).
_PYPHEN_LANG = {"en": "en_US", "fr": "fr"}

# A sentence ends at . ! ? … followed by a space (French puts a space before ! ?) and not at a
# common abbreviation. A list item or a heading is a sentence even without a full stop.
_ABBREVIATIONS = {"e.g", "i.e", "dr", "mr", "mrs", "ms", "st", "etc", "vs", "no", "approx", "min", "max",
                  "p. ex", "ex", "env", "mme", "m", "n.-é", "c.-à-d"}
_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')\]]*(?=\s|$)")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_VOWELS = {"en": "aeiouy", "fr": "aeiouyàâäéèêëîïôöùûüÿœæ"}
# French elisions ("l'os", "qu'il", "jusqu'à"): the elided article is not a word of its own.
_ELISIONS = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}


@dataclasses.dataclass
class Block:
    """A run of text in the body: a heading, paragraph, list item, table cell or image caption."""

    kind: str  # heading, paragraph, item, cell, caption
    text: str
    line: int  # 1-based line in the source file
    level: int = 0  # heading level
    callout: bool = False
    ordered: bool = False  # an item of an ordered (numbered) list


@dataclasses.dataclass
class Sentence:
    text: str
    line: int
    words: list[str]


@dataclasses.dataclass
class Score:
    """Counts and scores for one language version."""

    lang: str
    sentences: int
    words: int
    syllables: int
    long_words: int  # more than six letters (for LIX)
    grade: float | None = None  # Flesch-Kincaid grade (English)
    kandel_moles: float | None = None  # French reading ease, 0-100, higher is easier
    lix: float | None = None

    def to_dict(self) -> dict:
        return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in dataclasses.asdict(self).items()}


def blocks(tokens: list[Token], body_line: int) -> list[Block]:
    """The text blocks of a parsed body, with their source lines; markup stripped."""
    found: list[Block] = []
    stack: list[str] = []  # open containers: ol, ul, callout, li, th/td, heading
    heading_level = 0
    in_cell = False
    for token in tokens:
        if token.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = token.type.endswith("_open")
        elif token.type in ("ordered_list_open", "bullet_list_open"):
            stack.append(token.tag)
        elif token.type == "container_callout_open":
            stack.append("callout")
        elif token.type in ("ordered_list_close", "bullet_list_close", "container_callout_close"):
            if stack:
                stack.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "inline":
            line = body_line + (token.map[0] if token.map else 0)
            callout = "callout" in stack
            lists = [s for s in stack if s in ("ol", "ul")]
            text, captions = _inline_text(token.children or [])
            for caption in captions:
                found.append(Block("caption", caption, line, callout=callout))
            if not text.strip():
                continue
            if heading_level:
                found.append(Block("heading", text, line, level=heading_level))
            elif in_cell:
                found.append(Block("cell", text, line, callout=callout))
            elif lists:
                found.append(Block("item", text, line, callout=callout, ordered=lists[-1] == "ol"))
            else:
                found.append(Block("paragraph", text, line, callout=callout))
    return found


def _inline_text(children: list[Token]) -> tuple[str, list[str]]:
    """Plain text of an inline run (links keep their words), and the captions of its images."""
    parts: list[str] = []
    captions: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            title = child.attrGet("title")
            if title:
                captions.append(str(title))
    return "".join(parts), captions


def words(text: str, lang: str) -> list[str]:
    """The words of a text; French elided articles (l', d', qu') are not counted as words."""
    found = []
    for word in _WORD.findall(text):
        if lang == "fr":
            pieces = re.split(r"['’]", word)
            while len(pieces) > 1 and pieces[0].lower() in _ELISIONS:
                pieces.pop(0)
            word = "'".join(pieces)
        found.append(word)
    return found


def sentences(block: Block, lang: str) -> list[Sentence]:
    """Split a block into sentences; a block's unfinished tail is a sentence too."""
    text = block.text
    result: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start()].rstrip()
        last = before.split()[-1].lower() if before.split() else ""
        if match.group().startswith(".") and (last in _ABBREVIATIONS or re.fullmatch(r"\w", last)):
            continue
        _add(result, text, start, match.end(), block.line, lang)
        start = match.end()
    _add(result, text, start, len(text), block.line, lang)
    return result


def _add(result: list[Sentence], text: str, start: int, end: int, line: int, lang: str) -> None:
    piece = text[start:end]
    found = words(piece, lang)
    if found:
        offset = len(piece) - len(piece.lstrip())
        result.append(Sentence(" ".join(piece.split()), line + text.count("\n", 0, start + offset), found))


@functools.cache
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=_PYPHEN_LANG[lang], left=1, right=1)


@functools.cache
def syllables(word: str, lang: str) -> int:
    """Syllables in a word: the larger of pyphen's split and the vowel-group count (see module doc)."""
    word = word.lower()
    if not any(c.isalpha() for c in word):
        return 1  # a number counts as one short word ("811", "48")
    total = 0
    for part in re.split(r"[-'’]", word):
        if not part:
            continue
        hyphenated = len(_dictionary(lang).positions(part)) + 1 if lang in _PYPHEN_LANG else 1
        total += max(hyphenated, _vowel_groups(part, lang))
    return max(total, 1)


def _vowel_groups(word: str, lang: str) -> int:
    vowels = _VOWELS.get(lang, _VOWELS["en"])
    groups = len(re.findall(f"[{vowels}]+", word))
    if lang == "en" and word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    if lang == "fr" and re.search(r"[^aeiouyéèêàâîïôûù](e|es|ent)$", word) and groups > 1:
        groups -= 1
    return max(groups, 1)


def score(text_blocks: list[Block], lang: str) -> Score:
    """Scores of running text: paragraphs, list items and captions (headings and table cells are
    labels and data, not prose, and are left out)."""
    counted = [s for b in text_blocks if b.kind in ("paragraph", "item", "caption") for s in sentences(b, lang)]
    all_words = [w for s in counted for w in s.words]
    n_sentences, n_words = len(counted), len(all_words)
    n_syllables = sum(syllables(w, lang) for w in all_words)
    n_long = sum(len(w) > 6 for w in all_words)
    result = Score(lang, n_sentences, n_words, n_syllables, n_long)
    if not n_words:
        return result
    per_sentence = n_words / n_sentences
    per_word = n_syllables / n_words
    result.lix = per_sentence + 100 * n_long / n_words
    if lang == "en":
        result.grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    elif lang == "fr":
        result.kandel_moles = 207 - 1.015 * per_sentence - 73.6 * per_word
    return result

"""What changed in the English since the revision a translation translates, block by block, each
beside the translation's block that corresponds to it by structure (`handouts changes`, and the
states of the units `handouts xliff export` writes)."""

from __future__ import annotations

import dataclasses
import difflib

from ..errors import Problem, SourceError
from ..project.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from ..source.blocks import Block, blocks
from ..source.history import old_text
from ..source.meta import Handout, LanguageVersion
from ..source.model import parse_version


@dataclasses.dataclass
class Change:
    change: str  # "changed", "added", "removed"
    was: Block | None  # the English the translation translates
    now: Block | None  # today's English
    translated: Block | None  # the translation's corresponding block

    def data(self) -> dict:
        def text(block: Block | None) -> str | None:
            return block.plain if block else None

        english = self.now or self.was
        return {"change": self.change, "kind": english.kind, "context": english.context,
                "line": self.now.line if self.now else None, "was": text(self.was), "now": text(self.now),
                "translation": text(self.translated),
                "translation_line": self.translated.line if self.translated else None}


@dataclasses.dataclass
class Comparison:
    """Today's English against the English a translation translates, with the translation."""

    lang: str
    old_source: str  # "git", "snapshot", "current" (the translation is current), "" (unknown)
    english: list[Block]
    # For each block of today's English: the translation's block when it still translates it, else None.
    kept: list[Block | None]
    changes: list[Change]


def compare(handout: Handout, lang: str) -> Comparison:
    """Compare `lang`'s translation with today's English."""
    source = handout.versions.get(SOURCE_LANGUAGE)
    version = handout.versions.get(lang)
    if lang == SOURCE_LANGUAGE or source is None or version is None:
        name = LANGUAGE_NAMES.get(lang, lang)
        raise SourceError([Problem(f"handouts/{handout.slug}", f"has no {name} translation of an English text",
                                   hint="compare a translation: --lang fr")])
    english, translated = blocks(source), blocks(version)
    translates = version.front.translates
    if not version.stale:
        old, where = english, "current"
    else:
        text, where = old_text(handout.folder, SOURCE_LANGUAGE, translates.fingerprint,
                               translates.revised if translates.fingerprint is None else None)
        parsed = parse_version(text) if text is not None else None
        old = blocks(parsed) if parsed is not None else []
    by_old = _pairs(old, translated)
    kept: list[Block | None] = [None] * len(english)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in english], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                kept[j] = by_old.get(i)
            continue
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            was, now = (old[i] if i < i2 else None), (english[j] if j < j2 else None)
            change = "changed" if was and now else "added" if now else "removed"
            changes.append(Change(change, was, now, by_old.get(i) if was else None))
    if where == "":  # the old English is not at hand: every block is to be checked, beside its translation
        by_now = _pairs(english, translated)
        changes = [Change("changed", None, block, by_now.get(j)) for j, block in enumerate(english)]
    return Comparison(lang, where, english, kept, changes)


def _key(block: Block) -> tuple:
    return (block.kind, block.cell, "".join(p.text for p in block.pieces))


def _pairs(english: list[Block], translated: list[Block]) -> dict[int, Block]:
    """English block index → the translated block in the same place of the structure (same kinds
    in the same order: a translation keeps the English structure)."""
    pairs: dict[int, Block] = {}
    matcher = difflib.SequenceMatcher(None, [(b.kind, b.cell) for b in english], [(b.kind, b.cell) for b in translated],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for i, j in zip(range(i1, i2), range(j1, j2)):
                pairs[i] = translated[j]
    return pairs


def describe(handout: Handout, comparison: Comparison) -> list[str]:
    """The comparison as terminal lines."""
    version: LanguageVersion = handout.versions[comparison.lang]
    name = LANGUAGE_NAMES[comparison.lang]
    translates = version.front.translates.revised.isoformat()
    if comparison.old_source == "current":
        return [f"{handout.slug}: the {name} translation translates today's English: nothing changed."]
    english = handout.versions[SOURCE_LANGUAGE].front.revised.isoformat()
    lines = [f"{handout.slug}: the {name} translation translates the English of {translates}; the English is "
             f"now of {english}."]
    if comparison.old_source == "":
        lines.append("The English it translates is neither in git nor in a snapshot: every block is listed, "
                     "beside its translation.")
    else:
        origin = "git history" if comparison.old_source == "git" else "the snapshot kept when it was recorded"
        lines.append(f"(The English of {translates} comes from {origin}.)")
    en_file = f"handouts/{handout.slug}/en.md"
    for change in comparison.changes:
        english_block = change.now or change.was
        where = f"{en_file}:{change.now.line}" if change.now else "(removed)"
        lines.append("")
        lines.append(f"{change.change:<8} {english_block.kind:<9} {where}" +
                     (f"  under \"{english_block.context}\"" if english_block.context else ""))
        if change.was:
            lines.append(f"  was:  {change.was.plain}")
        if change.now:
            lines.append(f"  now:  {change.now.plain}")
        if change.translated:
            lines.append(f"  {comparison.lang}:   {change.translated.plain}   ({version.file}:{change.translated.line})")
    lines.append("")
    lines.append(f"{len(comparison.changes)} change(s).")
    return lines

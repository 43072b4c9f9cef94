"""A handout's text ↔ XLIFF 2.0 for translators' CAT tools (translate-toolkit reads and writes the
file; the inline codes are ours to make, as XLIFF 2.0 defines them).

One unit per block of today's English (source/blocks.py), in reading order. Emphasis, links and
language spans are `<pc>` codes, code and pictures `<ph>`, each with the Markdown it stands for in
the unit's `<originalData>`, so a translator moves them but cannot break them. A unit whose English
is unchanged since the translation was made is `final`, with its translation; the others are
`initial`, with notes giving the context and what the block said before.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree
from translate.storage.xliff2 import Xliff2File

from ..errors import Problem, SourceError
from ..project.locales import SOURCE_LANGUAGE
from ..source.blocks import Block, Piece
from ..source.history import version_fingerprint
from ..source.meta import Handout
from .changes import compare

NS = "urn:oasis:names:tc:xliff:document:2.0"
_Q = "{%s}" % NS
# The file-level note that says which English the file was made from: checked on import.
_MADE_FROM = re.compile(r"handout (?P<slug>\S+), en\.md revised (?P<revised>\d{4}-\d{2}-\d{2}), "
                        r"fingerprint (?P<fingerprint>[0-9a-f]{16})")


def export(handout: Handout, lang: str) -> tuple[bytes, int, int]:
    """The XLIFF file for translating `handout` into `lang`; and its numbers of units, and of final ones."""
    comparison = compare(handout, lang)
    english = handout.versions[SOURCE_LANGUAGE]
    store = Xliff2File()
    store.setsourcelanguage(SOURCE_LANGUAGE)
    store.settargetlanguage(lang)
    store.setfilename(store.body, handout.slug)
    store.body.set("original", f"handouts/{handout.slug}/{SOURCE_LANGUAGE}.md")
    notes = etree.SubElement(store.body, _Q + "notes")
    etree.SubElement(notes, _Q + "note", category="handouts").text = (
        f"handout {handout.slug}, en.md revised {english.front.revised.isoformat()}, "
        f"fingerprint {version_fingerprint(english)}")
    before = {id(c.now): c for c in comparison.changes if c.now is not None}
    final = 0
    for index, block in enumerate(comparison.english):
        unit = store.addsourceunit("")
        unit.setid(f"u{index + 1}")
        element = unit.getunitelement()
        element.set("name", block.kind)
        data = _Data()
        _fill(unit.get_source_dom(), block.pieces, data)
        for text in _notes(handout, block, before.get(id(block))):
            unit_notes = element.find(_Q + "notes")
            if unit_notes is None:
                unit_notes = etree.Element(_Q + "notes")
                element.insert(0, unit_notes)
            etree.SubElement(unit_notes, _Q + "note").text = text
        if data.entries:
            original = etree.Element(_Q + "originalData")
            for key, markdown in data.entries.items():
                etree.SubElement(original, _Q + "data", id=key).text = markdown
            element.insert(1 if element.find(_Q + "notes") is not None else 0, original)
        translated = comparison.kept[index]
        if translated is not None:
            target = etree.SubElement(unit.xmlelement, _Q + "target")
            _fill(target, translated.pieces, data, adding=True)
            unit.xmlelement.set("state", "final")
            final += 1
            if data.added:  # codes the translation has that the English has not: their Markdown too
                original = element.find(_Q + "originalData")
                if original is None:
                    original = etree.Element(_Q + "originalData")
                    element.insert(1 if element.find(_Q + "notes") is not None else 0, original)
                for key in data.added:
                    etree.SubElement(original, _Q + "data", id=key).text = data.entries[key]
        else:
            unit.xmlelement.set("state", "initial")
    return bytes(store), len(comparison.english), final


@dataclasses.dataclass
class _Data:
    """A unit's original data: each code's Markdown under an id (d1, d2…), shared by source and target."""

    entries: dict[str, str] = dataclasses.field(default_factory=dict)
    added: list[str] = dataclasses.field(default_factory=list)

    def key(self, markdown: str, adding: bool) -> str:
        for key, value in self.entries.items():
            if value == markdown:
                return key
        key = f"d{len(self.entries) + 1}"
        self.entries[key] = markdown
        if adding:
            self.added.append(key)
        return key


def _fill(element: etree._Element, pieces: list[Piece], data: _Data, adding: bool = False) -> None:
    """Write pieces into a <source> or <target>: text, <pc> around paired codes, <ph> for atoms."""
    stack = [element]
    codes = 0

    def add_text(text: str) -> None:
        current = stack[-1]
        if len(current):
            current[-1].tail = (current[-1].tail or "") + text
        else:
            current.text = (current.text or "") + text

    for index, piece in enumerate(pieces):
        if piece.kind == "text":
            add_text(piece.text)
        elif piece.kind == "atom":
            codes += 1
            etree.SubElement(stack[-1], _Q + "ph", id=str(codes), dataRef=data.key(piece.text, adding))
        elif piece.kind == "open":
            codes += 1
            end = next(p for p in pieces[index:] if p.kind == "close" and p.pair == piece.pair)
            stack.append(etree.SubElement(stack[-1], _Q + "pc", id=str(codes),
                                          dataRefStart=data.key(piece.text, adding),
                                          dataRefEnd=data.key(end.text, adding)))
        elif len(stack) > 1:
            stack.pop()


def _notes(handout: Handout, block: Block, change) -> list[str]:
    kinds = {"title": "The title", "summary": "The summary (library page, search engines)",
             "keyword": "A search keyword", "heading": "A heading", "paragraph": "A paragraph",
             "item": "A list item", "cell": "A table cell", "callout": "A call-out box",
             "quote": "A quotation", "caption": "A picture's caption", "author": "The author line"}
    notes = [kinds.get(block.kind, block.kind) + (f', under "{block.context}"' if block.context else "") +
             (f" (column {block.cell + 1})" if block.cell is not None else "")]
    if block.image:
        image = handout.meta.images.get(block.image)
        alt = image.alt.get(SOURCE_LANGUAGE) if image is not None and image.alt else None
        notes.append(f"Picture {block.image}" + (f"; its description for screen readers: {alt}" if alt else ""))
    if change is not None and change.was is not None:
        notes.append(f"The English before: {change.was.plain}")
    if change is not None and change.translated is not None:
        notes.append(f"The translation before: {change.translated.plain}")
    return notes


def made_from(store: Xliff2File, file) -> dict[str, str]:
    """What the file says it was made from (handout, English revision and fingerprint)."""
    for note in store.body.iter(_Q + "note"):
        match = _MADE_FROM.fullmatch((note.text or "").strip())
        if match and note.get("category") == "handouts":
            return match.groupdict()
    raise SourceError([Problem(file, "does not say which handout and English revision it was made from",
                               hint="import a file made by 'handouts xliff export', with its notes kept")])

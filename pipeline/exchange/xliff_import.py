"""A translator's XLIFF 2.0 file → the handout's translation (fr.md), in the English structure.

Refused, with the file and the unit named: a file that is not XLIFF 2.0, one made for another
handout or another English revision, a unit without a translation (unless `partial`), and inline
codes that would break the Markdown (an opening code never closed, a code the unit does not define).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from lxml import etree
from translate.storage.xliff2 import Xliff2File

from ..errors import Problem, SourceError
from ..project.config import Project
from ..project.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from ..source.blocks import Block, blocks
from ..source.edit import set_front, write_source
from ..source.history import record, version_fingerprint
from ..source.model import handout_slugs, parse_version
from ..source.records import load
from .escaping import escape, escape_line_start
from .xliff import _Q, made_from

MAX_XLIFF_BYTES = 5_000_000
# What stands before a block's text on its line: indentation, quote marks, a list marker, a heading's #s.
_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?")
_CAPTION = re.compile(r'(!\[[^\]]*\]\([^)\s]*\s+)"(?:[^"\\]|\\.)*"')
_CELL = re.compile(r"(?<!\\)\|")
_FRONT = re.compile(r"\A---[ \t]*\r?\n.*?^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def import_xliff(project: Project, path: Path, partial: bool, today: dt.date) -> tuple[str, str, list[str]]:
    """Write the translation `path` holds; return the handout, the language and what was done."""
    shown = path  # as the user named it, in every message
    store = _read(path)
    origin = made_from(store, shown)
    slug, lang = origin["slug"], store.gettargetlanguage() or ""
    if slug not in handout_slugs(project):
        raise SourceError([Problem(shown, f'is for handout "{slug}", which this project does not have',
                                   hint="import it into the project it was exported from")])
    if lang == SOURCE_LANGUAGE or lang not in project.config.languages:
        raise SourceError([Problem(shown, f'translates into "{lang}", not one of this project\'s translations',
                                   hint=f"its trgLang must be one of: {', '.join(project.config.languages[1:])}")])
    handout = load(project, slug)
    english = handout.versions[SOURCE_LANGUAGE]
    if origin["fingerprint"] != version_fingerprint(english):
        raise SourceError([Problem(shown, f"was made from the English of {origin['revised']}, which has changed since "
                                   f"(en.md is now of {english.front.revised.isoformat()})",
                                   hint=f"export again ('handouts xliff export {slug} --lang {lang}') and translate "
                                        "what changed; the units already translated come back final")])
    source_blocks = blocks(english)
    units = list(store.units)
    if len(units) != len(source_blocks):
        raise SourceError([Problem(shown, f"has {len(units)} units; the English has {len(source_blocks)} blocks",
                                   hint="import the file as exported, with every unit kept")])
    previous = handout.versions.get(lang)
    kept = blocks(previous) if previous is not None else []
    translations: list[str | None] = []
    missing = []
    for index, (unit, block) in enumerate(zip(units, source_blocks)):
        if unit.getid() != f"u{index + 1}" or unit.getunitelement().get("name") != block.kind:
            raise SourceError([Problem(shown, f"unit {unit.getid()} is not the English's block {index + 1} "
                                       f"({block.kind})", unit.xmlelement.sourceline or 0,
                                       hint="keep the units in the order and with the ids the export gave them")])
        text = _target(unit, shown)
        if text is None:
            missing.append(unit.getid())
        translations.append(text)
    if missing and not partial:
        raise SourceError([Problem(shown, f"{len(missing)} unit(s) have no translation: {', '.join(missing[:10])}"
                                   + (" …" if len(missing) > 10 else ""),
                                   hint="translate them, or import with --partial (the translation then stays stale)")])
    fallback = {i: b for i, b in enumerate(kept) if i < len(source_blocks) and b.kind == source_blocks[i].kind}
    filled = [t if t is not None else _markdown(fallback.get(i) or source_blocks[i]) for i, t in enumerate(translations)]
    # The translation's own front matter is updated (its other fields kept), or a new one made.
    file = handout.folder / f"{lang}.md"
    match = _FRONT.match(file.read_text(encoding="utf-8")) if previous is not None else None
    head = match.group(0) if match else "---\n---\n"
    text = _rebuild(english, head, source_blocks, filled, partial and bool(missing), today)
    _same_structure(text, lang, source_blocks, shown)
    write_source(file, text)
    settled = load(project, slug)
    record(handout.folder, english, english.front.revised, (handout.folder / "en.md").read_text(encoding="utf-8"))
    if not missing:
        record(handout.folder, settled.versions[lang], settled.versions[lang].front.revised, text)
    name = LANGUAGE_NAMES[lang]
    done = [f"wrote handouts/{slug}/{lang}.md: {len(units) - len(missing)} of {len(units)} block(s) translated"]
    done.append(f"the {name} text translates the English of {english.front.revised.isoformat()}" if not missing else
                f"{len(missing)} block(s) kept from before or in English: the {name} text stays marked stale")
    return slug, lang, done


def _read(path: Path) -> Xliff2File:
    try:
        size = path.stat().st_size
        if size > MAX_XLIFF_BYTES:
            raise SourceError([Problem(path, f"is {size // 1_000_000} MB, more than any handout's XLIFF file",
                                       hint="import the file 'handouts xliff export' made")])
        data = path.read_bytes()
    except OSError as error:
        raise SourceError([Problem(path, f"cannot be read ({error.strerror})")]) from None
    try:  # translate-toolkit parses with its safe parser: no entities, no network
        return Xliff2File.parsestring(data)
    except etree.XMLSyntaxError as error:
        raise SourceError([Problem(path, f"is not well-formed XML: {error.msg}", error.lineno or 0,
                                   hint="open it in the CAT tool again and export it as XLIFF 2.0")]) from None
    except (ValueError, TypeError) as error:
        raise SourceError([Problem(path, f"is not an XLIFF 2.0 file ({error})",
                                   hint="save it from the CAT tool as XLIFF 2.0")]) from None


def _target(unit, file: Path) -> str | None:
    """A unit's translation as Markdown, or None when it has none."""
    target = unit.xmlelement.find(_Q + "target")
    if target is None or not "".join(target.itertext()).strip() and not len(target):
        return None
    data = {d.get("id"): d.text or "" for d in unit.getunitelement().iter(_Q + "data")}
    where = target.sourceline or 0

    def bad(message: str) -> SourceError:
        return SourceError([Problem(file, f"unit {unit.getid()}: {message}", where,
                                    hint="keep each tag of the source in the translation, opened and closed")])

    def words(text: str | None) -> str:  # a line break typed in a CAT tool is a space in a paragraph
        return escape((text or "").replace("\r", "").replace("\n", " "))

    def walk(element) -> str:
        out = words(element.text)
        for child in element:
            tag = etree.QName(child).localname
            if tag == "pc":
                start, end = data.get(child.get("dataRefStart")), data.get(child.get("dataRefEnd"))
                if start is None or end is None:
                    raise bad(f"a code ({child.get('id')}) that the unit does not define")
                out += start + walk(child) + end
            elif tag == "ph":
                if child.get("dataRef") not in data:
                    raise bad(f"a code ({child.get('id')}) that the unit does not define")
                out += data[child.get("dataRef")]
            elif tag in ("sc", "ec"):
                raise bad("a code opened without being closed (or closed without being opened)")
            elif tag != "mrk":
                raise bad(f"an element XLIFF does not allow here (<{tag}>)")
            else:
                out += walk(child)
            out += words(child.tail)
        return out

    return walk(target)


def _markdown(block: Block) -> str:
    return "".join(escape(p.text) if p.kind == "text" else p.text for p in block.pieces)


def _rebuild(english, head: str, source_blocks: list[Block], texts: list[str], partial: bool, today: dt.date) -> str:
    """The translation's file: the English body with each block's text replaced, and the front matter."""
    lines = english.body.splitlines(keepends=True)
    body_blocks = [(b, t) for b, t in zip(source_blocks, texts) if b.span is not None]
    for block, text in sorted(body_blocks, key=lambda bt: (bt[0].span[0], bt[0].cell or 0), reverse=True):
        first, last = block.span
        line = lines[first]
        ending = "\n" if line.endswith("\n") else ""
        if block.kind == "caption":
            caption = text.replace('"', "\\\"")
            lines[first] = _CAPTION.sub(lambda m: m.group(1) + '"' + caption + '"', line.rstrip("\n"), count=1) + ending
        elif block.kind == "cell":
            cells = _CELL.split(line.rstrip("\n"))
            offset = 1 if not cells[0].strip() else 0
            cells[block.cell + offset] = f" {text} "
            lines[first] = "|".join(cells) + ending
        else:
            prefix = _PREFIX.match(line).group(0)
            lines[first:last] = [prefix + escape_line_start(text) + ending]
    front = {b.kind: t for b, t in zip(source_blocks, texts) if b.kind in ("title", "summary", "author")}
    keywords = [t for b, t in zip(source_blocks, texts) if b.kind == "keyword"]
    values: dict[str, object] = {**front, "keywords": keywords, "revised": today}
    if not partial:
        values["translates"] = {"revised": english.front.revised, "fingerprint": version_fingerprint(english)}
    return set_front(head, values, english.file) + "".join(lines)


def _same_structure(text: str, lang: str, source_blocks: list[Block], file: Path) -> None:
    """The new file must read back as the English's blocks: a translation that opened a list, a
    heading or a table by accident is refused, not written."""
    version = parse_version(text, lang)
    got = blocks(version) if version is not None else []
    if [(b.kind, b.cell) for b in got] != [(b.kind, b.cell) for b in source_blocks]:
        first = next((i for i, (a, b) in enumerate(zip(got, source_blocks)) if (a.kind, a.cell) != (b.kind, b.cell)),
                     min(len(got), len(source_blocks)))
        raise SourceError([Problem(file, f"unit u{first + 1}: the translation would change the handout's structure "
                                   "(it reads back as other blocks than the English's)",
                                   hint="check that unit for Markdown typed as text (a leading '-', '#' or '1.')")])

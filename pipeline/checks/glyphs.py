"""Source files + the project's fonts → a problem for every character the fonts cannot draw,
and for every invisible one that has no business in a handout (control characters, direction
overrides that make "gnp.exe" read as "exe.png", zero-width leftovers of copy and paste).

Found before anything is rendered (WeasyPrint would only say ".notdef glyph", naming no line).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

from ..errors import LayoutError, Problem
from ..source.model import Handout
from .lines import Line, source_lines

# Drawn without a glyph of their own: Pango draws the narrow no-break space with the space glyph
# and draws nothing for the invisible joiners and marks.
_NO_GLYPH_NEEDED = set("\n\r\t\u202f\u2060\u00ad")
# Invisible characters that change the order text is read in, or hide: refused.
_DIRECTION = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible leftovers of copy and paste (zero-width spaces and joiners, marks, a stray BOM): warned.
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")
_ZERO_WIDTH = set("\u200b\u200c\u200d\u200e\u200f\ufeff")


def drawable(fonts_dir: Path) -> frozenset[int]:
    """The characters every font in fonts/ can draw (text may be set in any of them); read again
    when a font file changes (watch and serve run for hours)."""
    files = sorted(fonts_dir.glob("*.[ot]tf"))
    return _drawable(tuple((file, file.stat().st_mtime_ns, file.stat().st_size) for file in files))


@functools.cache
def _drawable(files: tuple[tuple[Path, int, int], ...]) -> frozenset[int]:
    maps = []
    for file, _, size in files:
        try:
            font = TTFont(file, lazy=True)
            # A cut-short copy: its table directory points past the end of the file.
            short = [tag for tag, entry in font.reader.tables.items() if entry.offset + entry.length > size]
            if short:
                raise ValueError(f"it is cut short (its {', '.join(short)} tables are missing)")
            maps.append(set(font.getBestCmap() or ()))
        except Exception as error:  # fontTools raises many kinds on a damaged file
            raise LayoutError(f"fonts/{file.name}: not a readable font: {error} "
                              "(copy the font file again, or remove it from fonts/)") from None
    return frozenset(set.intersection(*maps)) if maps else frozenset()


def glyph_problems(fonts_dir: Path, handout: Handout) -> list[Problem]:
    """Characters of handout.yml and each language file (front matter and body) the fonts lack."""
    if not handout.versions:
        return []
    can = drawable(fonts_dir)
    if not can:
        return []  # no fonts at all: the build says so, once, rather than a problem per character
    problems = []
    for line in source_lines(handout):
        seen: set[str] = set()  # each character once per line: 300 emoji are one problem, not 300
        for column, char, written in _characters(line):
            if char in seen or char in _NO_GLYPH_NEEDED or (line.number == column == 1 and char == "\ufeff"):
                continue  # (a BOM: how Windows editors start a UTF-8 file)
            seen.add(char)
            problem = _character_problem(char, ord(char) in can)
            if problem:
                message, hint, warning = problem
                count = line.text.count(char) + line.text.count(written) * (written != char)
                if written != char:
                    message = f'"{written}" stands for a character: {message}'
                if count > 1:
                    message += f" ({count} times on this line)"
                problems.append(Problem(line.file, message, line.number, column, line.field, hint=hint, warning=warning))
    return problems


def _characters(line: Line) -> list[tuple[int, str, str]]:
    """(column, character, as written) for each character of a line, and for each character an
    HTML entity stands for (&#x202E;, &#0;): Markdown decodes them into the text."""
    found = [(column, char, char) for column, char in enumerate(line.text, start=1)]
    for entity in _ENTITY.finditer(line.text):
        decoded = html.unescape(entity.group())
        if decoded != entity.group():
            found += [(entity.start() + 1, char, entity.group()) for char in decoded]
    return sorted(found)


def _character_problem(char: str, drawable: bool) -> tuple[str, str, bool] | None:
    """(message, hint, warning) for a character that cannot or should not be printed. An invisible
    character is named, never shown: a direction override would turn the message around too."""
    code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()
    if char in _DIRECTION:
        return (f"an invisible direction override ({code}) can make text read in the wrong order",
                "delete it: retype the text around it if you cannot see where it is", False)
    if unicodedata.category(char) == "Cc":
        return f"a control character ({code}) is in the text", "delete it: copy and paste often leaves one", False
    if char in _ZERO_WIDTH:
        return (f"an invisible character ({code}) is in the text", "delete it: it is not printed, but screen "
                "readers and searches trip over it", True)
    if not drawable:
        return (f'the fonts cannot draw "{char}" ({code})',
                "use another character, or add a font to fonts/ that has it", False)
    return None

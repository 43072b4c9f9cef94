"""Source files + the project's fonts → a problem for every character the fonts cannot draw.

Found before anything is rendered (WeasyPrint would only say ".notdef glyph", naming no line).
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

from ..errors import Problem
from ..source.model import Handout

# Drawn without a glyph of their own: Pango draws the narrow no-break space with the space glyph
# and draws nothing for the invisible joiners and marks.
_NO_GLYPH_NEEDED = set("\n\r\t\u202f\u2060\u200b\u200c\u200d\ufeff\u00ad")


def drawable(fonts_dir: Path) -> frozenset[int]:
    """The characters every font in fonts/ can draw (text may be set in any of them); read again
    when a font file changes (watch and serve run for hours)."""
    files = sorted(fonts_dir.glob("*.[ot]tf"))
    return _drawable(tuple((file, file.stat().st_mtime_ns, file.stat().st_size) for file in files))


@functools.cache
def _drawable(files: tuple[tuple[Path, int, int], ...]) -> frozenset[int]:
    maps = [set(TTFont(file, lazy=True).getBestCmap()) for file, _, _ in files]
    return frozenset(set.intersection(*maps)) if maps else frozenset()


def glyph_problems(fonts_dir: Path, handout: Handout) -> list[Problem]:
    """Characters of handout.yml and each language file (front matter and body) the fonts lack."""
    if not handout.versions:
        return []
    can = drawable(fonts_dir)
    if not can:
        return []  # no fonts at all: the build says so, once, rather than a problem per character
    # Shown as the loader shows them (handouts/SLUG/...); read from the handout's folder.
    shown = {"handout.yml": next(iter(handout.versions.values())).file.parent / "handout.yml"}
    shown.update({v.file.name: v.file for v in handout.versions.values()})
    problems = []
    for name, display in shown.items():
        try:
            lines = (handout.folder / name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        for number, line in enumerate(lines, start=1):
            for column, char in enumerate(line, start=1):
                if ord(char) not in can and char not in _NO_GLYPH_NEEDED:
                    name_of = unicodedata.name(char, f"U+{ord(char):04X}")
                    problems.append(Problem(display, f'the fonts cannot draw "{char}" (U+{ord(char):04X} {name_of})',
                                            number, column, hint="use another character, or add a font to fonts/ that has it"))
    return problems

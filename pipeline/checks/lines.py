"""A handout's source files → their lines, each with the field it is in (a YAML key, or "body"),
for the checks that read the text as typed: glyphs, invisible characters, placeholders."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

from ..source.model import Handout

_KEY = re.compile(r"\s*-?\s*([\w-]+)\s*:")


@dataclasses.dataclass(frozen=True)
class Line:
    file: Path    # as shown to the user: handouts/SLUG/en.md
    number: int
    text: str
    field: str    # the YAML key the line sets ("" for a continuation), or "body"
    comment: bool  # a YAML comment line


def source_lines(handout: Handout) -> Iterator[Line]:
    """Every line of handout.yml and of each language file; files that cannot be read are skipped
    (the loader reports them)."""
    if not handout.versions:
        return
    files = [next(iter(handout.versions.values())).file.parent / "handout.yml"]
    files += [version.file for version in handout.versions.values()]
    for shown in files:
        try:
            lines = (handout.folder / shown.name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        fences = 0 if shown.suffix == ".md" else 2  # a .md file is YAML up to its second "---"
        for number, text in enumerate(lines, start=1):
            if fences < 2 and text.strip() == "---":
                fences += 1
                yield Line(shown, number, text, "", False)
            elif fences < 2 or shown.suffix != ".md":
                key = _KEY.match(text)
                yield Line(shown, number, text, key.group(1) if key else "", text.lstrip().startswith("#"))
            else:
                yield Line(shown, number, text, "body", False)

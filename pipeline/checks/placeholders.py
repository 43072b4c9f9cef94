"""A handout's files → every placeholder ("TODO") still in a field or the body.

`handouts new` and `handouts import` leave TODO where a person must write something: `check`
warns about each one, and `build` refuses to publish a handout that still has any.
"""

from __future__ import annotations

import re

from ..errors import Problem
from ..source.model import Handout

_PLACEHOLDER = re.compile(r"\bTODO\b")
_KEY = re.compile(r"\s*-?\s*([\w-]+)\s*:")


def placeholder_problems(handout: Handout, publishing: bool = False) -> list[Problem]:
    """One problem per line holding a placeholder (YAML comments skipped; in a body every line
    counts, "## What is TODO?" too): a warning, or an error when `publishing`."""
    files = [next(iter(handout.versions.values())).file.parent / "handout.yml"] if handout.versions else []
    files += [version.file for version in handout.versions.values()]
    problems = []
    for shown in files:
        try:
            lines = (handout.folder / shown.name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        yaml = shown.suffix == ".yml"  # a .md file is YAML up to its second "---" line
        fences = 0
        for number, line in enumerate(lines, start=1):
            if not yaml and line.strip() == "---" and fences < 2:
                fences += 1
                continue
            in_yaml = yaml or fences < 2
            if in_yaml and line.lstrip().startswith("#"):
                continue
            found = _PLACEHOLDER.search(line)
            if found:
                key = _KEY.match(line) if in_yaml else None
                text = line.strip().lstrip("#-> ").strip()
                text = text if len(text) <= 90 else text[:89] + "…"
                problems.append(Problem(
                    shown, f"still to fill in{', so it is not published' if publishing else ''}: {text}",
                    number, found.start() + 1, key.group(1) if key else ("" if in_yaml else "body"),
                    hint="write the real text, then remove 'TODO'", warning=not publishing))
    return problems

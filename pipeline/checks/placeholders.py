"""A handout's files → every placeholder ("TODO") still in a field or the body.

`handouts new` and `handouts import` leave TODO where a person must write something: `check`
warns about each one, and `build` refuses to publish a handout that still has any.
"""

from __future__ import annotations

import re

from ..errors import Problem
from ..source.model import Handout
from .lines import source_lines

_PLACEHOLDER = re.compile(r"\bTODO\b")


def placeholder_problems(handout: Handout, publishing: bool = False) -> list[Problem]:
    """One problem per line holding a placeholder (YAML comments skipped; in a body every line
    counts, "## What is TODO?" too): a warning, or an error when `publishing`."""
    problems = []
    for line in source_lines(handout):
        found = None if line.comment else _PLACEHOLDER.search(line.text)
        if found:
            text = line.text.strip().lstrip("#-> ").strip()
            text = text if len(text) <= 90 else text[:89] + "…"
            problems.append(Problem(line.file, f"still to fill in{', so it is not published' if publishing else ''}: {text}",
                                    line.number, found.start() + 1, line.field,
                                    hint="write the real text, then remove 'TODO'", warning=not publishing))
    return problems

"""The languages' parsed bodies → warnings where a translation's structure differs from the English."""

from __future__ import annotations

import dataclasses
import difflib

from ..errors import Problem
from ..project.locales import SOURCE_LANGUAGE
from ..source.markdown import Parsed
from ..source.model import Handout

_HINT = "keep the translation's structure in step with the English"


@dataclasses.dataclass(frozen=True)
class _Part:
    """One structural element of a body: a heading (with its level), a call-out, a table or an image."""

    kind: str
    level: int
    line: int

    def __str__(self) -> str:
        return f"level-{self.level} heading ({'#' * self.level})" if self.kind == "heading" else self.kind


def _parts(parsed: Parsed, first_line: int) -> list[_Part]:
    """The body's structure in reading order, each element with its line in the source file."""
    parts = []
    for token in parsed.tokens:
        line = first_line + token.map[0] if token.map else first_line
        if token.type == "heading_open":
            parts.append(_Part("heading", int(token.tag[1]), line))
        elif token.type == "container_callout_open":
            parts.append(_Part("call-out", 0, line))
        elif token.type == "table_open":
            parts.append(_Part("table", 0, line))
        elif token.type == "inline":
            parts.extend(_Part("image", 0, line) for child in token.children or [] if child.type == "image")
    return parts


def parity_problems(handout: Handout, bodies: dict[str, Parsed]) -> list[Problem]:
    """Warnings where a translation's structure differs from the English: each heading (and its
    level), call-out, table and image, in order, each located in the translation."""
    source = bodies.get(SOURCE_LANGUAGE)
    if source is None:
        return []
    english = handout.versions[SOURCE_LANGUAGE]
    theirs = _parts(source, english.body_line)
    problems = []
    for lang, body in bodies.items():
        if lang == SOURCE_LANGUAGE:
            continue
        version = handout.versions[lang]
        ours = _parts(body, version.body_line)
        end = version.body_line + version.body.count("\n")

        def warn(line: int, message: str) -> None:
            problems.append(Problem(version.file, message, line, 1, field="body", hint=_HINT, warning=True))

        # Matched by kind, so that a heading at another level is one difference, not a missing
        # heading and an extra one.
        matcher = difflib.SequenceMatcher(None, [p.kind for p in theirs], [p.kind for p in ours], autojunk=False)
        for op, e1, e2, t1, t2 in matcher.get_opcodes():
            if op == "equal":
                for was, now in zip(theirs[e1:e2], ours[t1:t2]):
                    if was.level != now.level:
                        warn(now.line, f"this heading is level {now.level} ({'#' * now.level}), the English one "
                                       f"is level {was.level} ({'#' * was.level}, {english.file.name}:{was.line})")
                continue
            here = ours[t1].line if t1 < len(ours) else end
            for part in theirs[e1:e2]:
                warn(here, f"the English {part} ({english.file.name}:{part.line}) is missing before this line")
            for part in ours[t1:t2]:
                warn(part.line, f"this {part} is not in the English")
    return sorted(problems, key=lambda p: (str(p.file), p.line))

"""The languages' parsed bodies → warnings where a translation's structure differs from the English."""

from __future__ import annotations

from ..errors import Problem
from ..project.locales import SOURCE_LANGUAGE
from ..source.markdown import Parsed
from ..source.model import Handout

# What is compared between a translation and the English, with its singular and plural names.
_PARTS = (("sections", "section", "sections"), ("callouts", "call-out", "call-outs"),
          ("images", "image", "images"), ("tables", "table", "tables"))


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def parity_problems(handout: Handout, bodies: dict[str, Parsed]) -> list[Problem]:
    """Warnings where a translation's structure differs from the English."""
    source = bodies.get(SOURCE_LANGUAGE)
    if source is None:
        return []
    problems = []
    for lang, body in bodies.items():
        if lang == SOURCE_LANGUAGE:
            continue
        for attribute, singular, plural in _PARTS:
            ours, theirs = getattr(body, attribute), getattr(source, attribute)
            if ours != theirs:
                problems.append(Problem(
                    handout.versions[lang].file,
                    f"has {_count(ours, singular, plural)}, the English has {_count(theirs, singular, plural)}",
                    field="body", hint="keep the translation's structure in step with the English", warning=True))
    return problems

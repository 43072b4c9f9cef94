"""Translation and review tracking: overdue reviews and structural parity between languages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from .markdown import Body
    from .model import Handout, HandoutMeta
    from .sources import YamlDoc

SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "French"}

# What is compared between a translation and the English, with its singular and plural names.
_PARTS = (("sections", "section", "sections"), ("callouts", "call-out", "call-outs"),
          ("images", "image", "images"), ("tables", "table", "tables"))


def today() -> dt.date:
    """The date reviews are judged against (tests pass their own `today` instead)."""
    return dt.date.today()


def add_years(date: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def review_problems(meta: HandoutMeta, doc: YamlDoc, interval_years: int, on: dt.date | None = None) -> list[Problem]:
    """A warning when the handout's last clinical review is older than the review interval."""
    due = add_years(meta.review.date, interval_years)
    if due >= (on or today()):
        return []
    line, column = doc.mark(("review", "date"))
    return [Problem(doc.file, f"review overdue since {due.isoformat()}", line, column, "review.date",
                    hint="review the handout, then update review.date", warning=True, kind="review-overdue")]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def parity_problems(handout: Handout, bodies: dict[str, Body]) -> list[Problem]:
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

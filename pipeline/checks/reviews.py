"""Handout metadata + today → a warning when the last clinical review is overdue."""

from __future__ import annotations

import datetime as dt

from ..errors import Problem
from ..project.files import YamlDoc
from ..source.model import HandoutMeta


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

"""Handout metadata + today → a warning when the last clinical review is overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Problem
from ..project import clock
from ..project.files import YamlDoc
from ..source.model import HandoutMeta, review_path


def add_years(date: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def review_problems(meta: HandoutMeta, doc: YamlDoc, interval_years: int, on: dt.date | None = None) -> list[Problem]:
    """A warning when the handout's last clinical review is older than the review interval."""
    return overdue(meta.latest_review.date, interval_years, doc.file, doc.mark(latest_review_path(meta, doc)), on)


def latest_review_path(meta: HandoutMeta, doc: YamlDoc) -> tuple:
    """Where the latest review's date stands in handout.yml."""
    latest = max(range(len(meta.review)), key=lambda i: meta.review[i].date)
    return review_path(doc, latest) + ("date",)


def overdue(reviewed: dt.date, interval_years: int, file: Path | str, mark: tuple[int, int],
            on: dt.date | None = None) -> list[Problem]:
    """The overdue-review warning for a review on `reviewed`, at `mark` (line, column) in `file`
    (a build replays it from its cache, without reading handout.yml again)."""
    due = add_years(reviewed, interval_years)
    line, column = mark
    if reviewed > (on or clock.today()):
        return [Problem(file, f"{reviewed.isoformat()} is in the future", line, column, "review.date",
                        hint="record a review once it has taken place")]
    if due >= (on or clock.today()):
        return []
    return [Problem(file, f"review overdue since {due.isoformat()}", line, column, "review.date",
                    hint="review the handout, then update review.date", warning=True, kind="review-overdue")]

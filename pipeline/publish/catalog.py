"""Handout folders → each handout's checked summary (problems, languages, titles, review), read again only when its files changed.

A build, `status` and the library site all need every handout's titles, languages and problems;
reading and validating a thousand handouts costs seconds. The summary of each is kept in the
build state (publish/state.py) under a signature of its files, handouts.yml and our code, and
replayed while that signature holds. Only the review warning depends on the day: it is kept as
the review date and its place in handout.yml, and judged again on each run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ..checks.reviews import latest_review_path, overdue
from ..checks.revisions import revision_problems
from ..errors import Problem
from ..project import clock
from ..project.config import Project
from ..source.meta import review_history
from ..source.model import Handout, load_handout
from .plan import Digests
from .state import State


def _problem(data: dict[str, Any]) -> Problem:
    return Problem(**data)


def _data(problem: Problem) -> dict[str, Any]:
    return {**dataclasses.asdict(problem), "file": str(problem.file)}


def summary(handout: Handout) -> dict[str, Any]:
    """What the library site and `status` show of a handout, as plain data."""
    meta = handout.meta
    return {
        "number": meta.number, "license": meta.license, "reviewed": meta.latest_review.date.isoformat(),
        "reviews": review_history(handout),
        "versions": {lang: {"title": v.front.title, "summary": v.front.summary, "keywords": list(v.front.keywords),
                            "revised": v.front.revised.isoformat(), "stale": v.stale}
                     for lang, v in handout.versions.items()},
    }


class Catalog:
    """Every selected handout's summary for one run: cached, or loaded and checked now."""

    def __init__(self, project: Project, state: State, digests: Digests, today: dt.date | None = None) -> None:
        self.project = project
        self.state = state
        self.digests = digests
        self.today = today or clock.today()  # the one clock reviews are judged by
        self.loaded: dict[str, Handout | None] = {}

    def record(self, slug: str) -> dict[str, Any]:
        """The handout's summary: {"error"} or {"number", "versions", ...}, with its problems."""
        signature = self.digests.handout(slug)
        cached = self.state.cached(slug, signature)
        if cached is not None:
            return cached
        handout, problems = load_handout(self.project, slug)
        self.loaded[slug] = handout
        record: dict[str, Any] = {"signature": signature}
        if handout is None:
            errors = [str(p) for p in problems if not p.warning]
            record["error"] = errors[0] if errors else "cannot be read"
        else:
            problems += revision_problems(handout)
            record.update(summary(handout))
            doc = handout.meta_doc
            # Reported with the rest of handout.yml's problems, which come first.
            record["review"] = {"file": str(doc.file), "mark": list(doc.mark(latest_review_path(handout.meta, doc))),
                                "at": next((i for i, p in enumerate(problems) if p.file != doc.file), len(problems))}
        record["problems"] = [_data(p) for p in problems]
        record["bodies"] = handout is None  # a handout that cannot be read has no bodies to check
        self.state.remember(slug, record)
        return record

    def handout(self, slug: str) -> Handout | None:
        """The handout itself (read now if its summary came from the cache)."""
        if slug not in self.loaded:
            self.loaded[slug], _ = load_handout(self.project, slug)
        return self.loaded[slug]

    def check_bodies(self, slugs: list[str]) -> set[str]:
        """Parse and check the bodies of these handouts (and of any whose files changed); the
        handouts whose bodies have no errors."""
        todo = list(dict.fromkeys(slugs + [s for s in self.loaded if self.loaded[s] is not None]))
        if not todo:
            return set()  # a no-op build: not even the checks' modules are imported (0.1 s)
        from ..checks.plain import review
        from ..checks.run import check_bodies

        good = set()
        for slug in todo:
            record = self.record(slug)
            if "error" in record:
                continue
            handout = self.handout(slug)
            if handout is None:
                continue
            checked, found = check_bodies(self.project, {slug: handout}, publishing=True)
            if not record["bodies"]:
                # The plain-language review too: a build reports what `check` reports.
                found += review(self.project, handout).problems
                record["problems"] += [_data(p) for p in found]
                record["bodies"] = True
                self.state.dirty = True
            if slug in checked:
                good.add(slug)
        return good

    def problems(self, slugs: list[str]) -> list[Problem]:
        """Every problem of these handouts, in order, the review judged against today."""
        found: list[Problem] = []
        for slug in slugs:
            record = self.record(slug)
            problems = [_problem(p) for p in record["problems"]]
            review = record.get("review")
            if review:
                late = overdue(dt.date.fromisoformat(record["reviewed"]), self.project.config.review_interval_years,
                               review["file"], tuple(review["mark"]), self.today)
                problems[review["at"]:review["at"]] = late
            found += problems
        return found

    def languages(self, slug: str) -> list[str] | None:
        """The languages a readable handout has (None: it cannot be read)."""
        record = self.record(slug)
        return None if "error" in record else list(record["versions"])

    def stale_languages(self, slug: str) -> set[str]:
        """The handout's translations that translate an older English text."""
        return {lang for lang, version in self.record(slug).get("versions", {}).items() if version["stale"]}

    def electronic(self, slug: str) -> bool:
        record = self.record(slug)
        license = self.project.config.licenses.get(record.get("license", ""))
        return bool(license and "electronic" in license.permits)

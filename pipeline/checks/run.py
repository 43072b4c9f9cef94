"""Selected handouts → every problem `handouts check` reports: files, metadata, reviews, bodies, parity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..errors import Problem
from ..project.config import Project
from ..source.markdown import parse_body
from ..source.model import Handout, load_handout, stray_folders
from .glyphs import glyph_problems
from .placeholders import placeholder_problems
from .parity import parity_problems
from .plain import PlainLanguage, review
from .reviews import review_problems
from .revisions import revision_problems


@dataclasses.dataclass
class Checked:
    """Everything `handouts check` found: the handouts without errors, every problem, and each
    handout's plain-language review (readability and PEMAT checklist per language, writing notes)."""

    handouts: dict[str, Handout]
    problems: list[Problem]
    reviews: list[PlainLanguage]


def check_all(project: Project, slugs: list[str], today: dt.date | None = None) -> Checked:
    """Every check, on every selected handout: sources, reviews, bodies, parity and plain language."""
    handouts, problems = check(project, slugs, today)
    problems += _duplicate_numbers(handouts)
    reviews = [review(project, handout) for handout in handouts.values()]
    return Checked(handouts, stray_folders(project) + problems + [p for r in reviews for p in r.problems], reviews)


def check(project: Project, slugs: list[str], today: dt.date | None = None) -> tuple[dict[str, Handout], list[Problem]]:
    """Read and validate every selected handout (no PDF rendering, no WeasyPrint); collect every problem.

    Reviews are judged overdue against `today` (default: the real date)."""
    handouts, problems = load_all(project, slugs, today)
    checked, found = check_bodies(project, handouts)
    return checked, problems + found


def load_all(project: Project, slugs: list[str], today: dt.date | None = None) -> tuple[dict[str, Handout], list[Problem]]:
    """Every selected handout's metadata and front matter, validated, and its review date judged
    against `today` (the bodies are not parsed)."""
    handouts: dict[str, Handout] = {}
    problems: list[Problem] = []
    for slug in slugs:
        handout, found = load_handout(project, slug)
        if handout is not None:
            # Reported with the rest of handout.yml's problems, which come first.
            at = next((i for i, p in enumerate(found) if p.file != handout.meta_doc.file), len(found))
            found[at:at] = review_problems(handout.meta, handout.meta_doc, project.config.review_interval_years, today)
            found += revision_problems(handout)
            handouts[slug] = handout
        problems += found
    return handouts, problems


def check_bodies(project: Project, handouts: dict[str, Handout],
                 publishing: bool = False) -> tuple[dict[str, Handout], list[Problem]]:
    """Parse and check every body, and compare the languages' structure; keep the handouts without
    errors. `publishing` (a build): a placeholder left in the text is an error, not a warning."""
    checked: dict[str, Handout] = {}
    problems: list[Problem] = []
    for slug, handout in handouts.items():
        bodies = {}
        for lang, version in handout.versions.items():
            body, found = parse_body(handout, version)
            problems += found
            if body is not None:
                bodies[lang] = body
        problems += parity_problems(handout, bodies)
        found = glyph_problems(project.fonts_dir, handout) + placeholder_problems(handout, publishing)
        problems += found
        if len(bodies) == len(handout.versions) and all(p.warning for p in found):
            checked[slug] = handout
    return checked, problems


def _duplicate_numbers(handouts: dict[str, Handout]) -> list[Problem]:
    """A handout number names one handout: staff order and cite handouts by it."""
    first: dict[str, str] = {}
    problems = []
    for slug, handout in sorted(handouts.items()):
        number = handout.meta.number
        if number in first:
            line, column = handout.meta_doc.mark(("number",))
            problems.append(Problem(handout.meta_doc.file, f'{number} is also the number of "{first[number]}"',
                                    line, column, "number", hint="give each handout its own number"))
        first.setdefault(number, slug)
    return problems


def in_source_order(items: list[tuple[str, Problem]], slugs: list[str],
                    languages: list[str]) -> dict[str, list[tuple[str, Problem]]]:
    """(kind, problem) pairs (kind: "problem" or "note") grouped as `handouts check` prints them:
    under "" what is not one selected handout's (handouts.yml, layouts, stray folders; in the
    order found), then under each slug of `slugs` in turn. Within a group, by file (handout.yml,
    then each language's Markdown in `languages` order, then any other file by name), and
    within a file by line, a problem about the whole file first; ties keep their order."""
    groups: dict[str, list[tuple[str, Problem]]] = {"": [], **{slug: [] for slug in slugs}}
    for kind, problem in items:
        parts = Path(problem.file).parts
        slug = parts[1] if len(parts) > 1 and parts[0] == "handouts" and parts[1] in groups else ""
        groups[slug].append((kind, problem))
    names = ["handout.yml", *(f"{lang}.md" for lang in languages)]

    def position(item: tuple[str, Problem]) -> tuple[int, str, int, int]:
        parts = Path(item[1].file).parts
        name = "/".join(parts[2:]) if len(parts) > 1 and parts[0] == "handouts" else str(item[1].file)
        rank = -1 if not name else names.index(name) if name in names else len(names)
        return rank, name if rank == len(names) else "", item[1].line, item[1].column

    return {slug: sorted(found, key=position) if slug else found for slug, found in groups.items()}

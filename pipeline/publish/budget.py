"""Page measurements (a build's, kept in the manifest) → page-budget problems, and how a PDF prints:
pages against budget, sheets per copy, blank sides."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import HandoutsError, Problem
from ..project.config import Project
from ..source.model import DEFAULT_LAYOUT, Handout

NEARLY_EMPTY = "nearly-empty-page"
OVER_BUDGET = "over-budget"


def print_fields(pages: int, duplex: str, budget: int | None, fill: Any, steps: tuple[str, ...]) -> dict[str, Any]:
    """The manifest's print fields for a PDF of `pages` pages, measured by `fill` (render.fit.Fill)."""
    double = duplex != "none" and pages > 1
    return {
        "pages": pages, "page_budget": budget, "lines_over": fill.lines_over(budget),
        "last_page_fill": round(fill.last, 2), "last_page_lines": fill.lines_on(pages - 1),
        "fit": list(steps), "duplex": duplex if double else "none",
        "sheets": math.ceil(pages / 2) if double else pages, "blank_pages": pages % 2 if double else 0,
    }


def booklet_fields(pages: int, sides: int) -> dict[str, Any]:
    """A booklet of `pages` pages, imposed on `sides` printed sides (two pages a side)."""
    return {"pages": sides, "booklet_pages": 2 * sides, "blank_pages": 2 * sides - pages,
            "sheets": sides // 2, "duplex": "short-edge"}


def _where(project: Project, handout: Handout, layout: str) -> tuple[int, int, str, str]:
    """Where the budget is set: (line, column, field, hint about changing it)."""
    own = handout.meta.pages
    key = layout if layout in own else (DEFAULT_LAYOUT if layout == project.config.layout and DEFAULT_LAYOUT in own
                                        else None)
    if key is None:
        return 0, 0, "pages", f"the budget is handouts.yml's page_budget; set this handout's with 'pages: {{{layout}: N}}'"
    line, column = handout.meta_doc.mark(("pages",) if key == DEFAULT_LAYOUT else ("pages", key)) \
        if handout.meta_doc else (0, 0)
    return line, column, "pages" if key == DEFAULT_LAYOUT else f"pages.{layout}", ""


def flagged(project: Project, entry: dict[str, Any]) -> bool:
    """Whether a built PDF's manifest entry carries a page warning (read from the entry alone)."""
    pages, budget = entry.get("pages") or 0, entry.get("page_budget")
    return (budget is not None and pages > budget) or (
        pages > 1 and entry.get("last_page_fill", 1) < project.config.last_page_fill)


def _texts(languages: list[str]) -> str:
    """ "the English text", or "the English and French texts" for a PDF that prints both."""
    names = [{"en": "English", "fr": "French"}.get(lang, lang) for lang in languages]
    return f"the {' and '.join(names)} text{'s' if len(names) > 1 else ''}"


def budget_problems(project: Project, handout: Handout, lang: str, layout: str,
                    entry: dict[str, Any]) -> list[Problem]:
    """Warnings about a PDF's pages (its manifest `entry`): over its budget, or a last page that is
    nearly empty. `entry` is a single-page layout's (a booklet reports through its pages' layout);
    its `languages`, when it has them, are the texts it prints (bilingual: both)."""
    problems = []
    file = Path("handouts") / handout.slug / "handout.yml"
    pages, budget = entry.get("pages"), entry.get("page_budget")
    fitted = f" after copy-fitting ({', '.join(entry['fit'])})" if entry.get("fit") else ""
    if budget is not None and pages > budget:
        over = entry.get("lines_over", 0)
        line, column, field, where = _where(project, handout, layout)
        problems.append(Problem(
            file, f"{lang} {layout}: {pages} pages{fitted}, over its budget of {budget} by about "
                  f"{over} line{'s' if over != 1 else ''}", line, column, field, warning=True, kind=OVER_BUDGET,
            hint=f"shorten {_texts(entry.get('languages') or [lang])} by about {over} "
                 f"line{'s' if over != 1 else ''}, or raise the budget" + (f"; {where}" if where else "")))
    threshold = project.config.last_page_fill
    if pages > 1 and entry.get("last_page_fill", 1) < threshold:
        lines = entry.get("last_page_lines", 0)
        problems.append(Problem(
            file, f"{lang} {layout}: page {pages}, the last, is only {entry['last_page_fill']:.0%} full{fitted} "
                  f"(under {threshold:.0%}: about {lines} line{'s' if lines != 1 else ''} on it)",
            warning=True, kind=NEARLY_EMPTY,
            hint=f"shorten the text by about {lines} line{'s' if lines != 1 else ''} to save a page"))
    return problems


def brief(entry: dict[str, Any]) -> str:
    """Pages against budget in a few words: "3 of 4", "5 of 4 (3 lines over)", "8 pages, 2 sheets folded"."""
    if entry.get("booklet_pages"):
        return f"{entry['booklet_pages']} pages, {entry['sheets']} sheet{'s' if entry['sheets'] != 1 else ''} folded"
    text = str(entry.get("pages") or 0) + (f" of {entry['page_budget']}" if entry.get("page_budget") else "")
    notes = [f"{entry['lines_over']} line{'s' if entry['lines_over'] != 1 else ''} over"] if entry.get("lines_over") else []
    if entry.get("fit"):
        notes.append("fitted")
    return text + (f" ({', '.join(notes)})" if notes else "")


def describe(entry: dict[str, Any]) -> str:
    """How a PDF prints, for a build line or a status cell: "3 pages of 4, 2 sheets (1 blank side)"."""
    pages = entry.get("pages") or 0
    if entry.get("booklet_pages"):
        blank = entry.get("blank_pages", 0)
        text = f"{entry['booklet_pages']}-page booklet on {entry['sheets']} sheet{'s' if entry['sheets'] != 1 else ''}"
        return text + (f" ({blank} blank page{'s' if blank != 1 else ''})" if blank else "")
    budget = entry.get("page_budget")
    text = f"{pages} page{'s' if pages != 1 else ''}" + (f" of {budget}" if budget else "")
    if entry.get("lines_over"):
        text += f", {entry['lines_over']} line{'s' if entry['lines_over'] != 1 else ''} over"
    if "sheets" in entry:
        double = entry.get("duplex", "none") != "none"
        text += f", {entry['sheets']} sheet{'s' if entry['sheets'] != 1 else ''}" + (" double-sided" if double else "")
        if entry.get("blank_pages"):
            text += " (last back blank)"
    if entry.get("fit"):
        text += f"; copy-fitted: {', '.join(entry['fit'])}"
    return text


def measured(project: Project, handouts: dict[str, Handout]) -> tuple[list[str], list[Problem]]:
    """For `handouts check`, which does not render: the pages the last build measured for each
    selected handout, per language and layout (one line each), and their warnings. A PDF whose
    inputs changed since is listed as not measured."""
    from ..project.layouts import load_layout
    from .manifest import read_manifest
    from .plan import Digests, Target
    from .state import State

    entries = read_manifest(project.output_dir)["outputs"]
    layouts: dict[str, Any] = {}  # filled as entries name them; the digests read it
    digests = Digests(project, State.load(project.output_dir), layouts) if entries else None
    lines: list[str] = []
    problems: list[Problem] = []
    for slug, handout in handouts.items():
        cells: dict[str, list[str]] = {}
        stale = {lang for lang, version in handout.versions.items() if version.stale}
        for path, entry in sorted(entries.items(), key=lambda item: item[1].get("layout") != project.config.layout):
            if entry.get("handout") != slug or entry.get("layout") is None:
                continue
            try:
                layout = load_layout(project.layouts_dir, entry["layout"])
            except HandoutsError:
                continue  # a layout removed since: nothing to measure against
            layouts[layout.name] = layout
            target = Target(slug, entry["lang"], layout.name, project.config.layout, layout.bilingual)
            if target.path != path or entry.get("input_digest") != digests.target(target, stale):
                cells.setdefault(entry["lang"], []).append(f"{layout.name} ? (changed since)")
                continue
            cells.setdefault(entry["lang"], []).append(f"{layout.name} {brief(entry)}")
            if not layout.imposes:
                problems += budget_problems(project, handout, entry["lang"], layout.name, entry)
        for lang, texts in cells.items():
            lines.append(f"{slug}/{lang} pages (last build): " + ", ".join(texts))
    return lines, problems

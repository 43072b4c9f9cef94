"""Sources + output/manifest.json → one status row per handout (for `handouts status` and the library page).

Cheap on purpose: it reads sources and the manifest, never renders (no WeasyPrint import).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import click

from ..checks.plain import meets, score_version
from ..checks import reviews
from ..checks.reviews import add_years
from ..project.config import Project
from ..source.model import Handout, handout_slugs, load_handout
from .budget import brief
from .manifest import read_manifest

DUE_SOON_DAYS = 90  # a review due within this many days is "due soon"


def review_interval(project: Project) -> int:
    return project.config.review_interval_years


def review_state(due: dt.date, today: dt.date) -> str:
    """current, due soon or overdue."""
    if due < today:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due soon"
    return "current"


@dataclasses.dataclass
class Row:
    slug: str
    number: str = ""
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    languages: list[str] = dataclasses.field(default_factory=list)
    revised: dict[str, str] = dataclasses.field(default_factory=dict)  # lang → YYYY-MM-DD
    translation: dict[str, str] = dataclasses.field(default_factory=dict)  # lang → current, stale, missing
    reviewed: str = ""
    review_due: str = ""
    review: str = ""  # current, due soon, overdue
    license: str = ""
    electronic: bool = False  # the license permits electronic distribution
    readability: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    outputs: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # manifest entries (+ "built")
    error: str = ""  # the sources could not be read

    @property
    def stale(self) -> bool:
        return any(state == "stale" for state in self.translation.values())

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["stale"] = self.stale
        return data


def collect(project: Project, today: dt.date | None = None, readability: bool = True) -> list[Row]:
    """One row per handout folder, sorted by slug."""
    today = today or reviews.today()  # the one clock reviews are judged by
    entries = read_manifest(project.output_dir)["outputs"]
    rows = []
    for slug in handout_slugs(project):
        handout, problems = load_handout(project, slug)
        if handout is None:
            errors = [str(p) for p in problems if not p.warning]
            rows.append(Row(slug, error=errors[0] if errors else "cannot be read"))
            continue
        rows.append(_row(project, handout, entries, today, readability))
    return rows


def _row(project: Project, handout: Handout, entries: dict[str, Any], today: dt.date, readability: bool) -> Row:
    meta = handout.meta
    license = project.config.licenses.get(meta.license)
    due = add_years(meta.review.date, review_interval(project))
    row = Row(handout.slug, number=meta.number, reviewed=meta.review.date.isoformat(), review_due=due.isoformat(),
              review=review_state(due, today), license=meta.license,
              electronic=bool(license and "electronic" in license.permits))
    for lang in project.config.languages:
        version = handout.versions.get(lang)
        if version is None:
            row.translation[lang] = "missing"
            continue
        row.languages.append(lang)
        row.titles[lang] = version.front.title
        row.revised[lang] = version.front.revised.isoformat()
        row.translation[lang] = "stale" if version.stale else "current"
        if readability:
            score = score_version(version)
            ok, target = meets(project, score)
            row.readability[lang] = {**score.to_dict(), "target": target, "meets_target": ok}
    for path, entry in sorted(entries.items()):
        if entry.get("handout") != handout.slug:
            continue
        built = None
        file = project.output_dir / path
        if file.is_file():
            built = dt.datetime.fromtimestamp(file.stat().st_mtime).isoformat(timespec="seconds")
        row.outputs.append({**entry, "built": built})
    return row


def table(rows: list[Row], langs: list[str]) -> list[str]:
    """The status table as lines for a terminal (overdue reviews in red)."""
    header = (["HANDOUT", "NUMBER", "LANGS"] + [f"{lang.upper()} REVISED" for lang in langs]
              + ["TRANSLATION", "REVIEWED", "NEXT REVIEW", "READABILITY", "LAST BUILD"])
    cells_by_row: list[list[tuple[str, str | None]]] = []
    for row in rows:
        if row.error:
            cells_by_row.append([(row.slug, None), (f"cannot be read: {row.error}", "red")])
            continue
        translation = ", ".join(f"{lang} {state}" for lang, state in row.translation.items()
                                if lang != "en" and state != "current") or "current"
        review_color = {"overdue": "red", "due soon": "yellow"}.get(row.review)
        due = row.review_due + ("" if row.review == "current" else f" ({row.review})")
        scores = []
        for lang, score in row.readability.items():
            value = f"{score['grade']:.1f}" if score.get("grade") is not None else (
                f"KM {score['kandel_moles']:.0f}" if score.get("kandel_moles") is not None else "-")
            scores.append(f"{lang} {value}{'' if score['meets_target'] else ' ✗'}")
        builds = [o for o in row.outputs if o.get("built")]
        if builds:
            last = max(o["built"] for o in builds)[:16].replace("T", " ")
            failed = [o["path"] for o in builds if not str(o.get("verify", "")).startswith("pass")]
            build = f"{last} " + (f"verify FAIL: {', '.join(failed)}" if failed else f"{len(builds)} PDF{'' if len(builds) == 1 else 's'} verified")
        else:
            build = "not built"
        cells_by_row.append([(row.slug, None), (row.number, None), (" ".join(row.languages), None)]
                     + [(row.revised.get(lang, "-"), None) for lang in langs]
                     + [(translation, "yellow" if translation != "current" else None), (row.reviewed, None),
                        (due, review_color), (", ".join(scores), None), (build, None)])
    widths = [max([len(header[i])] + [len(r[i][0]) for r in cells_by_row if len(r) > i and len(r) == len(header)])
              for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    for cells in cells_by_row:
        lines.append("  ".join(click.style(text.ljust(w), fg=color) if color else text.ljust(w)
                               for (text, color), w in zip(cells, widths)).rstrip())
    return lines


def print_table(rows: list[Row], langs: list[str], default_layout: str) -> list[str]:
    """Pages against budget and sheets of paper per printed copy, per handout, layout and language
    (from the last build): over budget in red, a copy-fitted handout noted."""
    header = ["PRINTING", "LAYOUT"] + [f"{lang.upper()} PAGES, SHEETS PER COPY" for lang in langs]
    table: list[list[tuple[str, str | None]]] = []
    for row in rows:
        layouts: dict[str, dict[str, dict[str, Any]]] = {}
        for entry in row.outputs:
            if entry.get("built") and "sheets" in entry:
                layouts.setdefault(entry["layout"], {})[entry["lang"]] = entry
        for number, layout in enumerate(sorted(layouts, key=lambda name: (name != default_layout, name))):
            cells: list[tuple[str, str | None]] = [(row.slug if number == 0 else "", None), (layout, None)]
            for lang in langs:
                entry = layouts[layout].get(lang)
                if entry is None:
                    cells.append(("-", None))
                    continue
                sheets = entry["sheets"]
                text = f"{brief(entry)}" if entry.get("booklet_pages") else \
                    f"{brief(entry)}, {sheets} sheet{'s' if sheets != 1 else ''}"
                cells.append((text, "red" if entry.get("lines_over") else None))
            table.append(cells)
    if not table:
        return []
    widths = [max(len(text) for text, _ in [(h, None) for h in header][i:i + 1] + [r[i] for r in table])
              for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    for cells in table:
        lines.append("  ".join(click.style(text.ljust(w), fg=color) if color else text.ljust(w)
                               for (text, color), w in zip(cells, widths)).rstrip())
    return lines

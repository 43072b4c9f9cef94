"""Sources + output/manifest.json → one status row per handout (`handouts status`).

Cheap on purpose: it never renders (no WeasyPrint import), and reads a handout's sources only
when they changed since a build or an earlier `status` summarized them (publish/catalog.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import click
import filelock

from ..checks import reviews
from ..checks.reviews import add_years
from ..project.config import Project
from ..source.model import handout_slugs
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
    from .catalog import Catalog
    from .plan import Digests
    from .state import State

    today = today or reviews.today()  # the one clock reviews are judged by
    output = project.output_dir
    entries = read_manifest(output)["outputs"]
    by_handout: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path, entry in sorted(entries.items()):
        by_handout.setdefault(entry.get("handout", ""), []).append((path, entry))
    state = State.load(output)
    catalog = Catalog(project, state, Digests(project, state, {}), today)
    rows = []
    for slug in handout_slugs(project):
        record = catalog.record(slug)
        if "error" in record:
            rows.append(Row(slug, error=record["error"]))
            continue
        row = _row(project, slug, record, by_handout.get(slug, []), today)
        if readability:
            row.readability = _readability(project, catalog, slug, record)
        rows.append(row)
    _keep(state, output)
    return rows


def _keep(state: Any, output: Any) -> None:
    """Save what this run summarized for the next one, unless a build holds the folder (it will)."""
    if not output.is_dir():
        return
    try:
        with filelock.FileLock(output / ".lock", timeout=0):
            state.save()
    except filelock.Timeout:
        pass


def _readability(project: Project, catalog: Any, slug: str, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if "readability" not in record:
        from ..checks.plain import meets, score_version

        handout = catalog.handout(slug)
        scores = {}
        for lang, version in (handout.versions.items() if handout else []):
            score = score_version(version)
            ok, target = meets(project, score)
            scores[lang] = {**score.to_dict(), "target": target, "meets_target": ok}
        record["readability"] = scores
        catalog.state.dirty = True
    return record["readability"]


def _row(project: Project, slug: str, record: dict[str, Any], outputs: list[tuple[str, dict[str, Any]]],
         today: dt.date) -> Row:
    license = project.config.licenses.get(record["license"])
    reviewed = dt.date.fromisoformat(record["reviewed"])
    due = add_years(reviewed, review_interval(project))
    row = Row(slug, number=record["number"], reviewed=reviewed.isoformat(), review_due=due.isoformat(),
              review=review_state(due, today), license=record["license"],
              electronic=bool(license and "electronic" in license.permits))
    for lang in project.config.languages:
        version = record["versions"].get(lang)
        if version is None:
            row.translation[lang] = "missing"
            continue
        row.languages.append(lang)
        row.titles[lang] = version["title"]
        row.revised[lang] = version["revised"]
        row.translation[lang] = "stale" if version["stale"] else "current"
    for path, entry in outputs:
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
        pdfs = [o for o in builds if o.get("kind", "pdf") == "pdf"]
        pages = len(builds) - len(pdfs)
        if builds:
            last = max(o["built"] for o in builds)[:16].replace("T", " ")
            failed = [o["path"] for o in pdfs if not str(o.get("verify", "")).startswith("pass")]
            build = f"{last} " + (f"verify FAIL: {', '.join(failed)}" if failed else f"{len(pdfs)} PDF{'' if len(pdfs) == 1 else 's'} verified")
            build += f", {pages} web page{'' if pages == 1 else 's'}" if pages else ""
        else:
            build = "not built"
        cells_by_row.append([(row.slug, None), (row.number, None), (" ".join(row.languages), None)]
                     + [(row.revised.get(lang, "-"), None) for lang in langs]
                     + [(translation, "yellow" if translation != "current" else None), (row.reviewed, None),
                        (due, review_color), (", ".join(scores), None), (build, None)])
    return _aligned(header, cells_by_row)


def print_table(rows: list[Row], langs: list[str], default_layout: str) -> list[str]:
    """Pages against budget and sheets of paper per printed copy, per handout, layout and language
    (from the last build): over budget in red, a copy-fitted handout noted, blank sides said."""
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
                sheets, blank = entry["sheets"], entry.get("blank_pages", 0)
                if entry.get("booklet_pages"):
                    text = brief(entry) + (f", {blank} blank page{'s' if blank != 1 else ''}" if blank else "")
                else:  # printed double-sided, an odd page count leaves the last sheet's back blank
                    text = f"{brief(entry)}, {sheets} sheet{'s' if sheets != 1 else ''}" + (
                        ", last back blank" if blank else "")
                cells.append((text, "red" if entry.get("lines_over") else None))
            table.append(cells)
    if not table:
        return []
    return _aligned(header, table)


def _aligned(header: list[str], rows: list[list[tuple[str, str | None]]]) -> list[str]:
    """Rows of (text, colour) cells under `header`, each column as wide as its widest cell (a
    short row, like a handout that cannot be read, does not set the widths)."""
    widths = [max([len(header[i])] + [len(row[i][0]) for row in rows if len(row) == len(header)])
              for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    for cells in rows:
        lines.append("  ".join(click.style(text.ljust(w), fg=color) if color else text.ljust(w)
                               for (text, color), w in zip(cells, widths)).rstrip())
    return lines

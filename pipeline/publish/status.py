"""Sources + output/manifest.json → one status row per handout (`handouts status`).

Cheap on purpose: it never renders (no WeasyPrint import), and reads a handout's sources only
when they changed since a build or an earlier `status` summarized them (publish/catalog.py).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import os
from stat import S_ISREG
from typing import Any

from ..checks.reviews import add_years
from ..project import clock
from ..project.config import Project
from ..source.model import handout_slugs
from .budget import brief
from .columns import Column, fit
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
    reviews: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # the history, oldest first
    review_due: str = ""
    review: str = ""  # current, due soon, overdue
    license: str = ""
    electronic: bool = False  # the license permits electronic distribution
    readability: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    outputs: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # manifest entries (+ "built")
    error: str = ""  # the sources could not be read
    errors: int = 0  # errors in its sources, as far as the last build (or status) checked them

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

    today = today or clock.today()  # the one clock reviews are judged by
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
    if not state.changed or not output.is_dir():
        return
    import filelock  # 30 ms to import: only when there is something to save

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
              review=review_state(due, today), license=record["license"], reviews=record.get("reviews", []),
              electronic=bool(license and "electronic" in license.permits),
              errors=sum(not problem.get("warning") for problem in record.get("problems", [])))
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
        try:
            info = os.stat(os.path.join(project.output_dir, path))
            built = dt.datetime.fromtimestamp(info.st_mtime).isoformat(timespec="seconds") if S_ISREG(info.st_mode) else None
        except OSError:
            built = None
        row.outputs.append({**entry, "built": built})
    return row


def needs_fixing(row: Row) -> bool:
    """It cannot be read, has errors (as far as the last build or status knows), or a PDF of its
    last build failed verification."""
    return bool(row.error or row.errors or _failed(row))


def _failed(row: Row) -> list[str]:
    return [o["path"] for o in row.outputs if o.get("built") and o.get("kind", "pdf") == "pdf"
            and not str(o.get("verify", "")).startswith("pass")]


def in_action_order(rows: list[Row]) -> list[Row]:
    """What needs action first: a handout to fix (see needs_fixing), then overdue reviews (the
    longest overdue first), then stale translations, then reviews due soon (the soonest first),
    then the rest by slug."""
    def key(row: Row) -> tuple[int, str, str]:
        if needs_fixing(row):
            return 0, "", row.slug
        if row.review == "overdue":
            return 1, row.review_due, row.slug
        if row.stale:
            return 2, "", row.slug
        if row.review == "due soon":
            return 3, row.review_due, row.slug
        return 4, "", row.slug

    return sorted(rows, key=key)


def select(rows: list[Row], overdue: bool = False, stale: bool = False, due_by: dt.date | None = None) -> list[Row]:
    """The rows every given filter keeps: review overdue, a stale translation, a review due on or
    before `due_by` (overdue ones included). A handout that cannot be read is always kept: it
    cannot be judged, and needs fixing first."""
    def kept(row: Row) -> bool:
        if row.error:
            return True
        return ((not overdue or row.review == "overdue") and (not stale or row.stale)
                and (due_by is None or dt.date.fromisoformat(row.review_due) <= due_by))

    return [row for row in rows if kept(row)]


def later(today: dt.date, number: int, unit: str) -> dt.date:
    """The date `number` days, weeks, months or years (unit d, w, m, y) after `today`; a day past
    the end of the month it lands in becomes that month's last day."""
    if unit in ("d", "w"):
        try:
            return today + dt.timedelta(days=number * (7 if unit == "w" else 1))
        except OverflowError:
            return dt.date.max
    months = today.month - 1 + number * (12 if unit == "y" else 1)
    year, month = today.year + months // 12, months % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return today.replace(year=year, month=month, day=min(today.day, calendar.monthrange(year, month)[1]))


def table(rows: list[Row], langs: list[str], width: int = 80) -> list[str]:
    """The status table as lines for a terminal `width` characters wide (overdue reviews in red):
    every column when there is room; on a narrow terminal the dates of revisions and reviews,
    then the title and readability, are left out, and long slugs and titles are cut with "…"."""
    spans: dict[int, tuple[str, str | None]] = {}
    cells: dict[str, list[tuple[str, str | None]]] = {}

    def add(**row_cells: tuple[str, str | None]) -> None:
        for name in cells:
            cells[name].append(row_cells.get(name, ("", None)))

    names = ["slug", "title", "number", "langs", *langs, "translation", "reviewed", "due", "readability", "build"]
    cells = {name: [] for name in names}
    for index, row in enumerate(rows):
        if row.error:
            spans[index] = (f"cannot be read: {row.error}", "red")
            add(slug=(row.slug, None))
            continue
        translation = ", ".join(f"{lang} {state}" for lang, state in row.translation.items()
                                if lang != "en" and state != "current") or "current"
        due = row.review_due + ("" if row.review == "current" else f" ({row.review})")
        title = row.titles.get("en") or next(iter(row.titles.values()), "")
        add(slug=(row.slug, None), title=(title, None), number=(row.number, None), langs=(" ".join(row.languages), None),
            **{lang: (row.revised.get(lang, "-"), None) for lang in langs},
            translation=(translation, "yellow" if translation != "current" else None), reviewed=(row.reviewed, None),
            due=(due, {"overdue": "red", "due soon": "yellow"}.get(row.review)),
            readability=(_scores(row), None), build=_build(row))
    columns = [Column("HANDOUT", cells["slug"], least=12), Column("TITLE", cells["title"], keep=5, least=16),
               Column("NUMBER", cells["number"], keep=6, least=8), Column("LANGS", cells["langs"], keep=1)]
    columns += [Column(f"{lang.upper()} REVISED", cells[lang], keep=3) for lang in langs]
    columns += [Column("TRANSLATION", cells["translation"], least=10), Column("REVIEWED", cells["reviewed"], keep=2),
                Column("NEXT REVIEW", cells["due"]), Column("READABILITY", cells["readability"], keep=4),
                Column("LAST BUILD", cells["build"], least=16)]
    return fit(columns, width, spans)


def _scores(row: Row) -> str:
    scores = []
    for lang, score in row.readability.items():
        value = f"{score['grade']:.1f}" if score.get("grade") is not None else (
            f"KM {score['kandel_moles']:.0f}" if score.get("kandel_moles") is not None else "-")
        scores.append(f"{lang} {value}{'' if score['meets_target'] else ' ✗'}")
    return ", ".join(scores)


def _build(row: Row) -> tuple[str, str | None]:
    """The last build, what needs fixing first (so that cutting the cell keeps it)."""
    builds = [o for o in row.outputs if o.get("built")]
    errors = f"{row.errors} error{'' if row.errors == 1 else 's'} (see handouts check)" if row.errors else ""
    if not builds:
        return (errors or "not built"), ("red" if errors else None)
    pdfs = [o for o in builds if o.get("kind", "pdf") == "pdf"]
    pages = len(builds) - len(pdfs)
    last = max(o["built"] for o in builds)[:16].replace("T", " ")
    failed = _failed(row)
    if failed or errors:
        return "; ".join(filter(None, [errors, failed and f"verify FAIL: {', '.join(failed)}", last])), "red"
    build = f"{last} {len(pdfs)} PDF{'' if len(pdfs) == 1 else 's'} verified"
    return build + (f", {pages} web page{'' if pages == 1 else 's'}" if pages else ""), None


def print_table(rows: list[Row], langs: list[str], default_layout: str, width: int = 80) -> list[str]:
    """Pages against budget and sheets of paper per printed copy, per handout, layout and language
    (from the last build): over budget in red, a copy-fitted handout noted, blank sides said."""
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
    header = ["PRINTING", "LAYOUT"] + [f"{lang.upper()} PAGES, SHEETS" for lang in langs]
    return fit([Column(name, [cells[i] for cells in table], least=12) for i, name in enumerate(header)], width)

"""Handout summaries + manifest → the library site: index.html (and index.LANG.html), sitemap.xml, web-files.txt.

Written at the end of every build when anything it shows changed; cheap (no rendering, no
WeasyPrint). web/library.py presents the pages; this module decides what they list.

License rule: a handout's HTML edition and PDFs are linked, and its summary shown, only if its
license permits "electronic" use (handouts.yml, licenses.*.permits). Any other handout is listed
as "Print only", with its number and titles (and found by its keywords) but no link, no summary
and no text of it. output/web-files.txt lists the files the pages link (and the pages and the
site's shared files): the only files of output/ that may be put on a web site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from ..checks.reviews import add_years
from ..project.config import Project, library_page
from ..project.layouts import Layout, load_layout
from ..source.model import handout_slugs
from .manifest import atomic_write
from .status import review_state

WEB_FILES = "web-files.txt"


def listings(project: Project, entries: dict[str, Any], records: dict[str, dict[str, Any]],
             today: dt.date) -> list[Any]:
    """Every readable handout as the library lists it (web.library.Listing)."""
    from ..web.library import Listing, Pdf
    layouts: dict[str, Layout] = {}
    by_handout: dict[str, list[dict[str, Any]]] = {}
    for entry in entries.values():
        by_handout.setdefault(entry.get("handout", ""), []).append(entry)
    found = []
    for slug, record in records.items():
        if "error" in record:
            continue
        if not by_handout.get(slug) and any(not p.get("warning") for p in record.get("problems", [])):
            continue  # never published, and not publishable yet (a draft full of TODO): not listed
        license = project.config.licenses.get(record["license"])
        electronic = bool(license and "electronic" in license.permits)
        versions = record["versions"]
        due = add_years(dt.date.fromisoformat(record["reviewed"]), project.config.review_interval_years)
        listing = Listing(
            slug, record["number"], electronic, {lang: v["title"] for lang, v in versions.items()},
            summaries={lang: v["summary"] for lang, v in versions.items()} if electronic else {},
            keywords={lang: v["keywords"] for lang, v in versions.items()},
            revised={lang: v["revised"] for lang, v in versions.items()},
            review=review_state(due, today), review_due=due.isoformat(),
            translation={lang: ("stale" if v["stale"] else "current") for lang, v in versions.items()}
            | {lang: "missing" for lang in project.config.languages if lang not in versions})
        for entry in sorted(by_handout.get(slug, []), key=lambda e: e["path"]):
            if not electronic or not (project.output_dir / entry["path"]).is_file():
                continue
            if entry.get("kind") == "html":
                listing.pages[entry["lang"]] = entry["path"]
            elif entry.get("verify") == "pass":  # a print-only edition (booklet) makes no accessibility claim
                name = entry["layout"]
                if name not in layouts:
                    layouts[name] = load_layout(project.layouts_dir, name)
                layout = layouts[name]
                listing.pdfs.append(Pdf(entry["path"], entry["lang"], name, entry.get("languages") or [entry["lang"]],
                                        {lang: layout.title(lang) for lang in project.config.languages},
                                        entry.get("pages") or 0, entry.get("bytes") or 0))
        order = {name: index for index, name in enumerate(project.config.layouts)}
        listing.pdfs.sort(key=lambda pdf: (order.get(pdf.layout, len(order)), pdf.path))
        found.append(listing)
    return found


def site_pages(project: Project, found: list[Any]) -> dict[str, str]:
    """Each page of the library site by its path under output/."""
    from ..web.library import SITEMAP, render_library, render_sitemap

    pages = {library_page(project.config.languages, lang): render_library(project, found, lang)
             for lang in project.config.languages}
    sitemap = render_sitemap(project, found)
    if sitemap:
        pages[SITEMAP] = sitemap
    return pages


def web_files(pages: list[str], found: list[Any], entries: dict[str, Any]) -> list[str]:
    """The only files of output/ that may go on a web site: the library's pages, the site's
    shared files, and what they link (HTML editions with their images, PDFs)."""
    files = set(pages)
    for entry in entries.values():
        if entry.get("kind") == "site":
            files |= {entry["path"], *(entry.get("files") or {})}
    for listing in found:
        for path in listing.pages.values():
            files |= {path, *(entries[path].get("files") or {})}
        files |= {pdf.path for pdf in listing.pdfs}
    return sorted(files)


def _digest(project: Project, entries: dict[str, Any], records: dict[str, dict[str, Any]], web: str,
            today: dt.date) -> str:
    """Changes when anything the site shows may have: a handout, an output, the labels, the day."""
    hasher = hashlib.sha256(f"{web}\0{today.isoformat()}".encode())
    for slug, record in sorted(records.items()):
        hasher.update(f"\0{slug}\0{record['signature']}".encode())
    for path, entry in sorted(entries.items()):
        hasher.update(f"\0{path}\0{entry.get('sha256')}\0{entry.get('verify')}".encode())
    return hasher.hexdigest()


def write_site(project: Project, entries: dict[str, Any], catalog: Any, state: Any) -> list[str]:
    """Write the library site if anything on it changed (atomically); the files written."""
    records = {slug: catalog.record(slug) for slug in handout_slugs(project)}
    digest = _digest(project, entries, records, catalog.digests.web, catalog.today)
    output = project.output_dir
    names = [library_page(project.config.languages, lang) for lang in project.config.languages] + [WEB_FILES]
    if state.site == digest and all((output / name).is_file() for name in names):
        return []
    found = listings(project, entries, records, catalog.today)
    pages = site_pages(project, found)
    for name, text in pages.items():
        atomic_write(output / name, text.encode("utf-8"))
    atomic_write(output / WEB_FILES, ("\n".join(web_files(list(pages), found, entries)) + "\n").encode("utf-8"))
    state.site = digest
    return [*pages, WEB_FILES]


def write_index(project: Project, today: dt.date | None = None) -> Path:
    """Write the library site from output/manifest.json as it stands (after `handouts manifest
    merge`, or in tests); the first language's page."""
    from .catalog import Catalog
    from .manifest import read_manifest
    from .plan import Digests
    from .state import State

    state = State.load(project.output_dir)
    catalog = Catalog(project, state, Digests(project, state, {}), today)
    state.site = ""  # always write
    write_site(project, read_manifest(project.output_dir)["outputs"], catalog, state)
    return project.output_dir / library_page(project.config.languages, project.config.languages[0])

"""Layouts: a folder in layouts/ with a description (layout.yml), a template and CSS."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from ..errors import Problem, SourceError
from .schema import Localized, Strict, Text, load_file

# Paper sizes: the CSS `size` value and (width, height) in points, portrait.
PAPERS = {
    "letter": ("letter", (612.0, 792.0)),
    "legal": ("legal", (612.0, 1008.0)),
    "a4": ("A4", (595.28, 841.89)),
    "half-letter": ("5.5in 8.5in", (396.0, 612.0)),
    "a5": ("A5", (419.53, 595.28)),
}
# `paper: half` in a layout.yml: half of the project's paper, so that two pages side by side
# fill one sheet of it at 100 % (a booklet).
HALF = {"letter": "half-letter", "legal": "half-letter", "a4": "a5"}
# Ready-made CSS for the copy-fitting steps a layout may list under `fit:` (layouts/fit/NAME.css).
FIT_FOLDER = "fit"


class LayoutSpec(Strict):
    description: Text
    # Its name in words, per language, where readers choose an edition ("Large print", "Gros caractères").
    title: Localized = {}
    # A paper size, or "project" (the paper of handouts.yml's default layout) or "half" (half of it).
    paper: Literal["letter", "a4", "legal", "project", "half"]
    orientation: Literal["portrait", "landscape"] = "portrait"
    pdfua: bool = True
    template: Text = "template.html"
    stylesheets: list[Text] = ["style.css"]
    # Print-only layouts made from another layout's PDF (booklet imposition).
    imposes: Text | None = None
    # Every language of a handout in one document.
    bilingual: bool = False
    # Copy-fitting steps, in the order they are tried (layouts/fit/NAME.css; README, "Printing").
    fit: list[Text] = []
    # How a double-sided print turns the sheet: the print dialog starts with this.
    duplex: Literal["long-edge", "short-edge", "none"] = "long-edge"
    # Pictures as they are, or turned to greys with their contrast kept (for copiers).
    pictures: Literal["as-is", "greyscale"] = "as-is"


@dataclasses.dataclass(frozen=True)
class Layout:
    name: str
    folder: Path
    description: str
    paper: str
    orientation: str
    pdfua: bool
    template: str
    stylesheets: tuple[str, ...]
    imposes: str | None
    bilingual: bool
    fit: tuple[str, ...] = ()
    duplex: str = "long-edge"
    pictures: str = "as-is"
    titles: tuple[tuple[str, str], ...] = ()

    def title(self, lang: str) -> str:
        """The layout's name in words in `lang` (layout.yml's title; else its folder name)."""
        return dict(self.titles).get(lang) or self.name.replace("-", " ").capitalize()

    def files(self) -> list[Path]:
        """Every file of this layout (for the build digest), its copy-fitting steps included."""
        own = sorted(p for p in self.folder.rglob("*") if p.is_file())
        return own + [self.fit_file(step) for step in self.fit]

    def fit_file(self, step: str) -> Path:
        return self.folder.parent / FIT_FOLDER / f"{step}.css"

    def sheet_paper(self, project_paper: str) -> str:
        """The paper this layout prints on, by name (half-letter, a5, letter...)."""
        if self.paper == "project":
            return project_paper
        if self.paper == "half":
            return HALF[project_paper]
        return self.paper


def pdf_path(slug: str, lang: str, layout: str, default_layout: str, bilingual: bool = False) -> str:
    """Where a PDF goes, relative to output/: en/vertebroplasty.pdf (the default layout),
    en/vertebroplasty.a4.pdf, bilingual/vertebroplasty.pdf."""
    if bilingual:
        return f"{layout}/{slug}.pdf"
    suffix = "" if layout == default_layout else f".{layout}"
    return f"{lang}/{slug}{suffix}.pdf"


def available(layouts_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in layouts_dir.glob("*/layout.yml"))


def load_layout(layouts_dir: Path, name: str) -> Layout:
    folder = layouts_dir / name
    display = Path("layouts") / name / "layout.yml"
    if not (folder / "layout.yml").is_file():
        known = ", ".join(available(layouts_dir))
        raise SourceError([Problem(display, f'there is no layout "{name}"', hint=f"use one of: {known}")])
    spec, doc = load_file(folder / "layout.yml", display, LayoutSpec)
    problems = []
    for index, step in enumerate(spec.fit):
        if not (layouts_dir / FIT_FOLDER / f"{step}.css").is_file():
            line, column = doc.mark(("fit", index))
            known = ", ".join(sorted(p.stem for p in (layouts_dir / FIT_FOLDER).glob("*.css")))
            problems.append(Problem(display, f'there is no copy-fitting step "{step}" in layouts/{FIT_FOLDER}/',
                                    line, column, f"fit.{index}", hint=f"use one of: {known}"))
    if problems:
        raise SourceError(problems)
    return Layout(name, folder, spec.description, spec.paper, spec.orientation, spec.pdfua,
                  spec.template, tuple(spec.stylesheets), spec.imposes, spec.bilingual,
                  tuple(spec.fit), spec.duplex, spec.pictures,
                  tuple(sorted(spec.title.items())))


def project_paper(layouts_dir: Path, default_layout: str) -> str:
    """The project's paper: that of its default layout (letter when that one is relative)."""
    paper = load_layout(layouts_dir, default_layout).paper
    return paper if paper in ("letter", "a4", "legal") else "letter"

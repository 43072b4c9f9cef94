"""Layouts: a folder in layouts/ with a description (layout.yml), a template and CSS."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from ..errors import Problem, SourceError
from .schema import Localized, Strict, Text, load_file


class LayoutSpec(Strict):
    description: Text
    # Its name in words, per language, where readers choose an edition ("Large print", "Gros caractères").
    title: Localized = {}
    paper: Literal["letter", "a4", "legal"]
    orientation: Literal["portrait", "landscape"] = "portrait"
    pdfua: bool = True
    template: Text = "template.html"
    stylesheets: list[Text] = ["style.css"]
    # Print-only layouts made from another layout's PDF (booklet imposition).
    imposes: Text | None = None
    # Every language of a handout in one document.
    bilingual: bool = False


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
    titles: tuple[tuple[str, str], ...] = ()

    def title(self, lang: str) -> str:
        """The layout's name in words in `lang` (layout.yml's title; else its folder name)."""
        return dict(self.titles).get(lang) or self.name.replace("-", " ").capitalize()

    def files(self) -> list[Path]:
        """Every file of this layout (for the build digest)."""
        return sorted(p for p in self.folder.rglob("*") if p.is_file())


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
    spec, _ = load_file(folder / "layout.yml", display, LayoutSpec)
    return Layout(name, folder, spec.description, spec.paper, spec.orientation, spec.pdfua,
                  spec.template, tuple(spec.stylesheets), spec.imposes, spec.bilingual,
                  tuple(sorted(spec.title.items())))

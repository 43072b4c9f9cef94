"""The construct corpus (tests/fixtures/constructs/): what it holds, where its PDFs land, and
the text each should read back as. Built once per session by the `corpus` fixture (conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.publish.build import build
from pipeline.render.html import render_html
from pipeline.source.model import load_handout
from pipeline.verify.readback import html_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "constructs"
SLUGS = tuple(sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
LANGS = ("en", "fr")
# Every layout with an accessible edition; the booklet is the half-page pages imposed (print only).
LAYOUTS = ("letter", "a4", "large-print", "photocopy", "half-page", "bilingual")
# Each PDF once: the bilingual one is built from the English side.
EDITIONS = [(lang, layout) for lang in LANGS for layout in LAYOUTS if not (layout == "bilingual" and lang == "fr")]
CASES = [(slug, lang, layout) for slug in SLUGS for lang, layout in EDITIONS]


def build_corpus(root: Path) -> Path:
    """The corpus built in `root` (a copied project) in every layout, booklet included, and both languages."""
    for slug in SLUGS:
        shutil.copytree(CORPUS / slug, root / "handouts" / slug)
    project = load_project(root)
    summary = build(project, list(SLUGS), list(LANGS), [*LAYOUTS, "booklet"], jobs=2)
    assert not summary.failed, [o.message for o in summary.outcomes if o.status == "failed"]
    return root


def pdf_file(root: Path, slug: str, lang: str, layout: str) -> Path:
    if layout == "bilingual":
        return root / "output" / "bilingual" / f"{slug}.pdf"
    return root / "output" / lang / f"{slug}{'' if layout == 'letter' else '.' + layout}.pdf"


def text_lines(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.splitlines()


def rendered_html(root: Path, slug: str, lang: str, layout: str) -> str:
    project = load_project(root)
    handout, _ = load_handout(project, slug)
    rendered, _ = render_html(project, handout, lang, load_layout(project.layouts_dir, layout))
    return rendered.html


def source_text(root: Path, slug: str, lang: str, layout: str) -> str:
    return html_text(rendered_html(root, slug, lang, layout))

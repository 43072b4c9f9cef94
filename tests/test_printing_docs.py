"""README's "Printing" section is true: it covers duplex, the booklet's folding and stapling and
large print on 11×17; its table of sheets per copy is what a build of the project's handouts
makes; its two pictures (a booklet spread, a photocopy page) are the current output.

Run `python -m tests.test_printing_docs` (with the project's Python) to draw the pictures again."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from pipeline.project.config import load_project
from pipeline.publish.build import build

from .conftest import ROOT, copy_project

SECTION = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("\n## Printing\n")[1].split("\n## ")[0]
SLUGS = ("fever-children", "vertebroplasty")
# The table's columns: the layouts a clinic prints.
COLUMNS = ("letter", "a4", "large-print", "photocopy", "booklet")
# picture: (PDF under output/, page, what it shows), drawn at 60 dpi like docs/layouts/.
PICTURES = {
    "booklet-spread": ("en/fever-children.booklet.pdf", 4, "the centre spread of an imposed booklet sheet"),
    "photocopy-page": ("en/fever-children.photocopy.pdf", 2, "a photocopy page with its picture in greys"),
}


def _build(root: Path) -> dict:
    summary = build(load_project(root), list(SLUGS), ["en", "fr"], list(COLUMNS), jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes if o.status == "failed"]
    return json.loads((root / "output" / "manifest.json").read_text())["outputs"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = copy_project(tmp_path_factory.mktemp("printing"), SLUGS)
    return root, _build(root)


def _draw(pdf: Path, page: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        f"{folder}/page"], check=True)
        return Image.open(f"{folder}/page.png").convert("RGB")


def test_the_section_says_how_to_print() -> None:
    text = " ".join(SECTION.split())
    for words in ("flip on the long edge", "flip on the short edge", "Actual size", "fold", "staple",
                  "11 × 17", "last back blank", "--strict", "last_page_fill", "pages:"):
        assert words in text, words
    for name, (_, _, what) in PICTURES.items():
        assert f"![{what}](docs/printing/{name}.png)" in SECTION, name


def test_the_sheets_table_is_what_a_build_makes(printed: tuple[Path, dict]) -> None:
    _, outputs = printed
    rows = {}
    for line in SECTION.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(COLUMNS) and cells[0].strip("`") in SLUGS:
            rows[(cells[0].strip("`"), cells[1])] = cells[2:]
    assert set(rows) == {(slug, lang) for slug in SLUGS for lang in ("en", "fr")}, rows
    for (slug, lang), cells in rows.items():
        for layout, cell in zip(COLUMNS, cells):
            entry = outputs[f"{lang}/{slug}{'' if layout == 'letter' else '.' + layout}.pdf"]
            pages = entry.get("booklet_pages") or entry["pages"]
            sheets = entry["sheets"]
            assert cell == f"{pages} pages, {sheets} sheet{'s' if sheets != 1 else ''}", (slug, lang, layout, cell)


@pytest.mark.parametrize("name", PICTURES)
def test_the_pictures_are_the_current_output(printed: tuple[Path, dict], name: str) -> None:
    root, _ = printed
    path, page, _ = PICTURES[name]
    drawn = _draw(root / "output" / path, page)
    shown = Image.open(ROOT / "docs" / "printing" / f"{name}.png").convert("RGB")
    assert drawn.size == shown.size, f"docs/printing/{name}.png is stale: python -m tests.test_printing_docs"
    box = ImageChops.difference(drawn, shown).getbbox()
    assert box is None, f"docs/printing/{name}.png differs at {box}: python -m tests.test_printing_docs"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder), SLUGS)
        _build(root)
        for name, (path, page, _) in PICTURES.items():
            _draw(root / "output" / path, page).save(ROOT / "docs" / "printing" / f"{name}.png", optimize=True)
            print(f"docs/printing/{name}.png", file=sys.stderr)

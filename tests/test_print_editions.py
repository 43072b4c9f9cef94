"""The booklet (print-only imposition) and bilingual (two tagged languages in one PDF) editions."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from pipeline.publish.build import build
from pipeline.project.config import load_project
from pipeline.render.impose import saddle_stitch_order

from .conftest import copy_project
from .pdfstruct import tree


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("editions"), ("vertebroplasty",))
    summary = build(load_project(root), ["vertebroplasty"], ["en", "fr"], ["letter", "booklet", "bilingual"], jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes]
    return root / "output"


def test_saddle_stitch_order() -> None:
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert saddle_stitch_order(3) == [(None, 0), (1, 2)]          # one blank, at the back cover
    assert saddle_stitch_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]


def _half_text(path: Path, page: int, right: bool) -> str:
    x = 396 if right else 0
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "0", "-W", "396",
                           "-H", "612", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_booklet_is_imposed_in_saddle_stitch_order(editions: Path, lang: str) -> None:
    """The half-page edition's pages, two to a side of landscape letter, in saddle-stitch order."""
    half = pypdf.PdfReader(editions / lang / "vertebroplasty.half-page.pdf")
    path = editions / lang / "vertebroplasty.booklet.pdf"
    booklet = pypdf.PdfReader(path)
    pages = len(half.pages)
    assert len(booklet.pages) == -(-pages // 4) * 2
    for sheet in booklet.pages:
        assert (float(sheet.mediabox.width), float(sheet.mediabox.height)) == (792, 612)
    word = {"en": "of", "fr": "de"}[lang]
    for side, (left, right) in enumerate(saddle_stitch_order(pages), start=1):
        for index, is_right in ((left, False), (right, True)):
            text = _half_text(path, side, is_right)
            if index is None:
                assert not text.strip()
            else:
                assert f"Page {index + 1} {word} {pages}" in text.replace("\u00a0", " ")


def test_booklet_is_print_only(editions: Path) -> None:
    path = editions / "en" / "vertebroplasty.booklet.pdf"
    reader = pypdf.PdfReader(path)
    assert reader.xmp_metadata is None or b"pdfuaid" not in reader.xmp_metadata.stream.get_data()
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert reader.metadata.subject == ("Print-only booklet, not accessible: the accessible edition is "
                                       "output/en/vertebroplasty.half-page.pdf.")
    entry = json.loads((editions / "manifest.json").read_text())["outputs"]["en/vertebroplasty.booklet.pdf"]
    assert entry["pdfua"] is False and entry["verify"] == "pass before imposition (half-page)"


def test_bilingual_is_one_tagged_document_in_two_languages(editions: Path) -> None:
    path = editions / "bilingual" / "vertebroplasty.pdf"
    reader = pypdf.PdfReader(path)
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-CA"
    titles = ["Vertebroplasty for spine fracture pain", "La vertébroplastie contre la douleur d’une fracture de la colonne"]
    assert reader.xmp_metadata.dc_title["x-default"] == " / ".join(titles)
    assert [item.title for item in reader.outline if not isinstance(item, list)][:1] == [titles[0]]
    assert titles[1] in [item.title for item in reader.outline if not isinstance(item, list)]
    # Both parts are articles with their language: Document > Part > Art (en-CA), Art (fr-CA).
    (document,) = tree(path.read_bytes())
    part = next(node for node in document[2:] if node[0] == "Part")
    assert [(node[0], node[1].get("Lang")) for node in part[2:]] == [("Art", "en-CA"), ("Art", "fr-CA")]
    # The French part starts on its own page, and its footer is French.
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    first_french = next(i for i, text in enumerate(pages) if "811 Nouvelle-Écosse" in text)
    assert pages[first_french].lstrip().startswith("811 Nouvelle-Écosse")
    total = len(reader.pages)
    assert re.search(rf"Page {first_french + 1} de {total}", pages[first_french].replace("\u00a0", " "))
    assert f"Page 1 of {total}" in pages[0]
    entry = json.loads((editions / "manifest.json").read_text())["outputs"]["bilingual/vertebroplasty.pdf"]
    assert entry["languages"] == ["en", "fr"] and entry["pdfua"] is True and entry["verify"] == "pass"
    # vertebroplasty's licence forbids electronic copies: the library page links none of its PDFs.
    assert "bilingual/vertebroplasty.pdf" not in (editions / "index.html").read_text()

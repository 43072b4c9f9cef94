"""The booklet (print-only imposition of the half-page edition) and bilingual (two tagged
languages in one PDF) editions; the print dialog's duplex settings."""

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
from pipeline.verify import verify_pdf

from .conftest import ROOT, copy_project
from .pdfpaint import text_runs
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


# --- the booklet at full size, and its accessible half-page edition ------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_booklet_prints_text_at_full_size(editions: Path, lang: str) -> None:
    """Read from the imposed sheets: every piece of text is printed at the size of the half-page
    edition, at 12 pt or more (the pages are placed at 100 %, not shrunk; a French ordinal's
    raised ending is smaller by design)."""
    booklet = text_runs(editions / lang / "vertebroplasty.booklet.pdf")
    assert min(run.size for run in booklet if not run.artifact and not run.raised) >= 12
    half = text_runs(editions / lang / "vertebroplasty.half-page.pdf")
    assert sorted({run.size for run in booklet}) == sorted({run.size for run in half})


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_half_page_edition_is_accessible_half_letter(editions: Path, lang: str) -> None:
    path = editions / lang / "vertebroplasty.half-page.pdf"
    reader = pypdf.PdfReader(path)
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {(396, 612)}
    report = verify_pdf(path, None, ROOT / "fonts")
    assert report.ok, report.findings
    outputs = json.loads((editions / "manifest.json").read_text())["outputs"]
    entry, booklet = outputs[f"{lang}/vertebroplasty.half-page.pdf"], outputs[f"{lang}/vertebroplasty.booklet.pdf"]
    assert entry["pdfua"] is True and entry["verify"] == "pass" and entry["pages"] == len(reader.pages)
    # The booklet: the same pages, blanks added to a multiple of 4, one sheet per 4 pages.
    assert booklet["booklet_pages"] == -(-entry["pages"] // 4) * 4
    assert booklet["blank_pages"] == booklet["booklet_pages"] - entry["pages"]
    assert booklet["sheets"] == booklet["booklet_pages"] // 4 == booklet["pages"] // 2


@pytest.mark.parametrize(("name", "duplex"), [("vertebroplasty.booklet.pdf", "/DuplexFlipShortEdge"),
                                              ("vertebroplasty.half-page.pdf", "/DuplexFlipLongEdge"),
                                              ("vertebroplasty.pdf", "/DuplexFlipLongEdge")])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_print_dialog_starts_double_sided(editions: Path, lang: str, name: str, duplex: str) -> None:
    """Viewer preferences: handouts flip on the long edge, the booklet (landscape) on the short
    edge, at 100 %. The tagged editions keep DisplayDocTitle and pass verification with them."""
    preferences = pypdf.PdfReader(editions / lang / name).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == duplex
    if "booklet" in name:
        assert preferences["/PrintScaling"] == "/None"
    else:
        assert preferences["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean)
    bilingual = pypdf.PdfReader(editions / "bilingual" / "vertebroplasty.pdf").trailer["/Root"]["/ViewerPreferences"]
    assert bilingual["/Duplex"] == "/DuplexFlipLongEdge"


def test_a4_project_makes_a5_booklets_on_a4(tmp_path: Path, cli) -> None:
    """A project whose paper is A4 (its default layout's): A5 pages, imposed on landscape A4 at
    100 %. The library page links the accessible half-page edition, never the print-only booklet."""
    from pipeline.cli import main

    root = copy_project(tmp_path, ("fever-children",))
    config = (root / "handouts.yml").read_text(encoding="utf-8")
    (root / "handouts.yml").write_text(re.sub(r"(?m)^layout: letter$", "layout: a4", config), encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "booklet", "--lang", "en", "-j", "1", "--project", str(root)])
    assert result.exit_code == 0, result.output
    half = pypdf.PdfReader(root / "output" / "en" / "fever-children.half-page.pdf")
    assert {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in half.pages} == {(419.5, 595.3)}
    booklet = root / "output" / "en" / "fever-children.booklet.pdf"
    sheets = pypdf.PdfReader(booklet).pages
    assert {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in sheets} == {(841.9, 595.3)}
    assert min(run.size for run in text_runs(booklet) if not run.artifact and not run.raised) >= 12
    index = (root / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="en/fever-children.half-page.pdf"' in index and "booklet.pdf" not in index
    listing = cli.invoke(main, ["layouts", "--project", str(root)]).output
    assert re.search(r"half-page\s+a5\s+portrait\s+PDF/UA-1", listing), listing
    assert re.search(r"booklet\s+a4\s+landscape\s+no PDF/UA \(see half-page\)", listing), listing


def test_status_shows_sheets_per_copy_and_blank_sides(editions: Path) -> None:
    """status's printing table: pages against budget and sheets per copy; an odd page count, whose
    last back is blank when printed double-sided, says so; the booklet says its blank pages."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["status", "--project", str(editions.parent)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    printing = result.output.split("PRINTING", 1)[1].splitlines()
    letter = next(line for line in printing if line.startswith("vertebroplasty "))
    booklet = next(line for line in printing if line.split()[:1] == ["booklet"])
    outputs = json.loads((editions / "manifest.json").read_text())["outputs"]
    en, fr = outputs["en/vertebroplasty.pdf"], outputs["fr/vertebroplasty.pdf"]
    assert en["pages"] % 2 == 1 and fr["pages"] % 2 == 0  # 3 and 4 pages
    assert re.search(rf"letter\s+{en['pages']} of 4, 2 sheets, last back blank\s+{fr['pages']} of 4, 2 sheets$", letter), letter
    blank = outputs["en/vertebroplasty.booklet.pdf"]["blank_pages"]
    assert re.search(rf"booklet\s+8 pages, 2 sheets folded, {blank} blank pages\s", booklet), booklet

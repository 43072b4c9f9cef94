"""The real handouts, built as a user would, read back with pypdf, poppler and the PDF/UA validator."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import page
import pypdf
import pytest
import yaml

from pipeline.project.config import load_project
from pipeline.verify.checks import project_fonts

from .conftest import ROOT
from .pdfstruct import embedded_fonts

CASES = [(slug, lang) for slug in ("vertebroplasty", "fever-children") for lang in ("en", "fr")]
PROJECT = load_project(ROOT)


def _front(slug: str, lang: str) -> dict:
    text = (ROOT / "handouts" / slug / f"{lang}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u00ad-]+", "", text)


@pytest.mark.parametrize(("slug", "lang"), CASES)
def test_pdf_identifies_itself(built: Path, slug: str, lang: str) -> None:
    reader = pypdf.PdfReader(built / lang / f"{slug}.pdf")
    front = _front(slug, lang)
    catalog = reader.trailer["/Root"]
    assert str(catalog["/Lang"]) == {"en": "en-CA", "fr": "fr-CA"}[lang]
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = reader.xmp_metadata
    assert _squash(xmp.dc_title["x-default"]) == _squash(front["title"].replace("'", "’"))
    assert re.search(r"pdfuaid:part(>|=\")1", xmp.stream.get_data().decode())
    assert reader.metadata.author == front["author"].replace("'", "’")
    assert reader.metadata.subject.startswith(front["summary"].replace("'", "’")[:30])
    assert 2 <= len(reader.pages) <= 4
    assert reader.pdf_header == "%PDF-1.7"
    assert reader.outline, "headings become bookmarks"


@pytest.mark.parametrize(("slug", "lang"), CASES)
def test_copyright_and_permission_are_printed(built: Path, slug: str, lang: str) -> None:
    meta = yaml.safe_load((ROOT / "handouts" / slug / "handout.yml").read_text())
    license = PROJECT.config.licenses[meta["license"]]
    text = _squash(_text(built / lang / f"{slug}.pdf"))
    assert _squash(license.copyright[lang].replace("'", "’")) in text
    assert _squash(license.notice[lang].replace("'", "’")) in text
    assert meta["number"] in text
    pages = _text(built / lang / f"{slug}.pdf").split("\f")
    short = _squash(license.short[lang])
    for number, page_text in enumerate(pages[:-1], start=1):
        assert short in _squash(page_text), f"running footer missing on page {number}"
        total = len(pages) - 1
        assert _squash({"en": f"Page {number} of {total}", "fr": f"Page {number} de {total}"}[lang]) in _squash(page_text)


@pytest.mark.parametrize(("slug", "lang"), CASES)
def test_fonts_are_ours_and_embedded(built: Path, slug: str, lang: str) -> None:
    path = built / lang / f"{slug}.pdf"
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, *rest = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+Atkinson-Hyperlegible(-Bold|-Italic|-BoldItalic)?", name), row
        emb, sub = rest[-5], rest[-4]
        assert (emb, sub) == ("yes", "yes"), row
    # Each embedded program is one of fonts/ (its PostScript name and creation date), not just named like one.
    programs = embedded_fonts(path.read_bytes())
    assert len(programs) == len(rows)
    assert set(programs.values()) <= project_fonts(ROOT / "fonts")
    assert {name for name, _ in programs.values()} >= {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}


@pytest.mark.parametrize(("slug", "lang"), CASES)
def test_passes_pdfua_validator_and_qpdf(built: Path, slug: str, lang: str) -> None:
    path = built / lang / f"{slug}.pdf"
    report = page.validate_pdf(str(path), profile="ua1")
    assert report.is_compliant, report.failures
    assert report.rules.failed == 0
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_manifest_describes_outputs(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    pdfs = {path: entry for path, entry in manifest["outputs"].items() if entry["kind"] == "pdf"}
    assert set(pdfs) == {f"{lang}/{slug}.pdf" for slug, lang in CASES}
    for path, entry in pdfs.items():
        data = (built / path).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["pdfua"] is True and entry["verify"] == "pass"
        assert entry["pages"] == len(pypdf.PdfReader(built / path).pages)


def test_french_is_french(built: Path) -> None:
    text = _text(built / "fr" / "vertebroplasty.pdf")
    assert "Révisé le 1er mai 2014" in text.replace("\u00a0", " ")
    assert "Page 1 de" in text
    assert "This handout is also available in English." in text
    english = _text(built / "en" / "vertebroplasty.pdf")
    assert "Revised: May 1, 2014" in english
    assert "Ce document est aussi disponible en français." in english


@pytest.mark.parametrize(("slug", "lang"), CASES)
def test_the_footer_writes_the_revision_date_as_the_body_does(built: Path, slug: str, lang: str) -> None:
    """Issue 10: "Révisé le 2025-02-03" in the footer while the body writes "le 3 février 2025"."""
    from pipeline.project.locales import long_date

    revised = _front(slug, lang)["revised"]
    pages = _text(built / lang / f"{slug}.pdf").split("\f")[:-1]
    wanted = {"en": "Revised ", "fr": "Révisé le "}[lang] + long_date(revised, lang)
    for number, page_text in enumerate(pages, start=1):
        assert _squash(wanted) in _squash(page_text), f"page {number}"
        assert revised.isoformat() not in page_text, f"page {number}"

"""verify's own promises on PDFs made to break them: font programs that only look like ours, the
copyright line and permission notice printed but not read aloud (only in artifacts), and each
negative check README names (a heading jump, loose text, an untagged link, wrong languages)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pypdf
import pytest
from fontTools.ttLib import TTFont

from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.render.html import render_html
from pipeline.render.pdf import Renderer
from pipeline.source.model import load_handout
from pipeline.verify import Expect, verify_pdf

from .conftest import shared
from .good_project import SLUG, good_project
from .pdfstruct import embedded_fonts

REGULAR = "AtkinsonHyperlegible-Regular"
FONTS = Path(__file__).resolve().parent.parent / "fonts"


def _rename(font: TTFont) -> None:
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = "Imposter-Regular"


def _redate(font: TTFont) -> None:
    font["head"].created += 86400  # a build of the same family from another day


def _swap_program(data: bytes, change: Callable[[TTFont], None]) -> bytes:
    """The PDF with its regular font program changed by `change`; /BaseFont and everything else as they were."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = descriptor["/FontFile2"].get_object()
            program = TTFont(io.BytesIO(stream.get_data()))
            if program["name"].getDebugName(6) != REGULAR:
                continue
            change(program)
            out = io.BytesIO()
            program.save(out)
            stream.set_data(out.getvalue())
            out = io.BytesIO()
            writer.write(out)
            return out.getvalue()
    raise AssertionError(f"no {REGULAR} program in the PDF")


# The layout's legal lines moved out of the tagged body into the running footer: printed on every
# page, never read aloud (page furniture is an artifact).
FOOTER_ONLY = """<style>
.about .copyright, .about .notice { display: none; }
@page { @top-left { content: "{copyright}"; } @top-right { content: "{notice}"; font-size: 4pt; } }
</style>"""


class Sample(NamedTuple):
    pdf: bytes
    expect: Expect


def _render(root: Path, style: Callable[[Expect], str] = lambda expect: "") -> Sample:
    """The small sample handout, in French, letter layout, with `style` added to its page."""
    project = load_project(root)
    handout, _ = load_handout(project, SLUG)
    layout = load_layout(project.layouts_dir, "letter")
    rendered, _ = render_html(project, handout, "fr", layout)
    expect = Expect.of(rendered)
    html = rendered.html.replace("</head>", style(expect) + "</head>", 1)
    return Sample(Renderer(project).render(html, layout, handout.folder, Path("fr.md"), b"0" * 16), expect)


@pytest.fixture(scope=shared("module"))
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_project(tmp_path_factory.mktemp("promises"))


@pytest.fixture(scope=shared("module"))
def sample(project_root: Path) -> Sample:
    return _render(project_root)


@pytest.mark.parametrize(("change", "shown"), [(_rename, "Imposter-Regular"), (_redate, REGULAR)],
                         ids=["other-postscript-name", "other-creation-date"])
def test_a_font_program_not_from_fonts_is_found(sample: Sample, change: Callable[[TTFont], None],
                                                shown: str) -> None:
    """The label (/BaseFont) still says Atkinson Hyperlegible; the embedded program is another one."""
    assert verify_pdf(sample.pdf, sample.expect, FONTS).findings == []
    swapped = _swap_program(sample.pdf, change)
    base = next(name for name, (program, _) in embedded_fonts(sample.pdf).items() if program == REGULAR)
    assert base in embedded_fonts(swapped)  # the label is unchanged
    findings = verify_pdf(swapped, sample.expect, FONTS).findings
    assert findings == [f"font {base} ({shown}) is not one of the fonts in fonts/"]


def test_legal_text_printed_only_as_page_furniture_is_found(project_root: Path) -> None:
    pdf, expect = _render(project_root, lambda expect: FOOTER_ONLY.replace("{copyright}", expect.copyright)
                          .replace("{notice}", expect.notice))
    printed = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Droit d’auteur de la Couronne" in printed  # on paper, yes
    findings = verify_pdf(pdf, expect, FONTS).findings
    # The read-back check hears the same gap (where the copyright line should be, something else).
    assert [f for f in findings if not f.startswith("read back, the text differs")] == [
        f"the copyright line is not in the tagged text: {expect.copyright}",
        f"the permission notice is not in the tagged text: {expect.notice}"]
    assert any(f.startswith("read back, the text differs") for f in findings)


def test_verify_judges_a_published_pdf_against_its_source(project_root: Path, tmp_path: Path) -> None:
    """`handouts verify --json` on a PDF listed in the manifest: passes as built; once the source's
    title changes, the same file fails, with the finding, in the JSON report and the exit status."""
    import json
    import shutil

    from click.testing import CliRunner

    from pipeline.cli import main

    root = tmp_path / "project"
    shutil.copytree(project_root, root, ignore=shutil.ignore_patterns("output"))
    assert CliRunner().invoke(main, ["build", "--project", str(root), "--lang", "fr", "--layout", "letter",
                                     "-j", "1"]).exit_code == 0
    pdf = root / "output" / "fr" / "sample.pdf"
    result = CliRunner().invoke(main, ["verify", "--json", "--project", str(root), str(pdf)])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    assert report == {"path": str(pdf), "ok": True, "pages": report["pages"], "validator": report["validator"],
                      "findings": [], "levels": [], "advice": [], "skipped": []}
    assert report["pages"] >= 1 and report["validator"].endswith(" passed, 0 failed")
    french = root / "handouts" / "sample" / "fr.md"
    french.write_text(french.read_text(encoding="utf-8").replace("title: Se laver les mains", "title: Les mains"),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--json", "--project", str(root), str(pdf)])
    assert result.exit_code == 1
    (report,) = json.loads(result.output)
    assert report["ok"] is False
    assert report["findings"][0] == 'dc:title is "Se laver les mains", not the handout title "Les mains"'
    assert all(f.startswith("read back, the text differs") for f in report["findings"][1:])


def _edited(data: bytes, edit: Callable[[pypdf.PdfWriter], None]) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _elements(writer: pypdf.PdfWriter) -> list[pypdf.generic.DictionaryObject]:
    """Every structure element, in document order."""
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(writer.root_object["/StructTreeRoot"])
    return found


def _jump_heading(writer: pypdf.PdfWriter) -> None:
    """The first H2 tagged H4: a screen reader's heading list skips two levels."""
    first = next(e for e in _elements(writer) if e["/S"] == "/H2")
    first[pypdf.generic.NameObject("/S")] = pypdf.generic.NameObject("/H4")


def _loose_text(writer: pypdf.PdfWriter) -> None:
    """A word painted after the page's last marked-content sequence: seen, never read aloud."""
    page = writer.pages[0]
    font = next(iter(page["/Resources"]["/Font"]))
    stream = pypdf.generic.DecodedStreamObject()
    stream.set_data(f"BT {font} 12 Tf 72 72 Td <0011> Tj ET".encode())
    contents = page["/Contents"]
    parts = list(contents) if isinstance(contents, list) else [page.raw_get("/Contents")]
    page[pypdf.generic.NameObject("/Contents")] = pypdf.generic.ArrayObject(parts + [writer._add_object(stream)])


def _untagged_link(writer: pypdf.PdfWriter) -> None:
    """The page's first link replaced by a copy that no Link element points to."""
    annots = writer.pages[0]["/Annots"]
    copy = pypdf.generic.DictionaryObject(annots[0].get_object())
    annots[0] = writer._add_object(copy)


def _document_in_english(writer: pypdf.PdfWriter) -> None:
    writer.root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject("en-CA")


def _english_sentence_unmarked(writer: pypdf.PdfWriter) -> None:
    """The French handout's English sentence loses its /Lang: read with French pronunciation."""
    for element in _elements(writer):
        if element.get("/Lang") == "en-CA":
            del element["/Lang"]


DEFECTS = {
    "heading-jump": (_jump_heading, "heading levels jump from H1 to H4"),
    "text-outside-marked-content": (_loose_text, "page 1: text drawn outside any marked content"),
    "link-not-in-structure-tree": (_untagged_link, "is not in the structure tree"),
    "document-language": (_document_in_english, "the document language is en-CA, not fr"),
    "part-language": (_english_sentence_unmarked,
                      '"This handout is also available in English." is not marked as en (/Lang)'),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_verify_fails_a_pdf_made_to_have_each_defect(sample: Sample, project_root: Path, defect: str) -> None:
    """README's negative checks, each on our own good PDF with one defect put in: the good one
    passes, the broken one fails with a finding that names the defect."""
    edit, finding = DEFECTS[defect]
    assert verify_pdf(sample.pdf, sample.expect, project_root / "fonts", "good.pdf").findings == []
    report = verify_pdf(_edited(sample.pdf, edit), sample.expect, project_root / "fonts", "broken.pdf")
    assert not report.ok and any(finding in line for line in report.findings), report.findings
    # `verify --json` says of each finding whether PDF/UA-1 requires it (and where) or we do.
    levels = report.to_dict()["levels"]
    assert len(levels) == len(report.findings) and all(
        level == "house rule" or level.startswith("PDF/UA-1 ") for level in levels), levels


def test_a_file_that_cannot_be_read_fails_citing_pdf_ua_7_1(project_root: Path) -> None:
    report = verify_pdf(b"%PDF-1.7\nnot really", None, project_root / "fonts", "cut.pdf").to_dict()
    assert not report["ok"] and report["findings"] and report["levels"] == ["PDF/UA-1 7.1"] * len(report["findings"])

"""Issue 12: `handouts verify` on PDFs it did not make. Each form the specification allows (and
each hostile one) is written as a small PDF with pikepdf, and verify's reading of it is checked:
no crash, no hang, and no finding its own misreading would cause."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from pipeline.verify import verify_pdf
from pipeline.verify.reader import Tree, as_dict, content_events, scan_page

from .conftest import ROOT

FONTS = ROOT / "fonts"


def _tounicode(pdf: pikepdf.Pdf, cmap: bytes) -> pikepdf.Object:
    return pdf.make_stream(b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" + cmap
                           + b"\nendcmap\nend\nend\n")


def tagged(content: bytes, kids=None, tounicode: bytes | None = None, direct_font: bool = False) -> pikepdf.Pdf:
    """A one-page tagged PDF: `content` is the page's content stream; the structure tree is a
    Document holding `kids(pdf, page)` (default: one P owning MCID 0 of the page)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    if tounicode is not None:
        font.ToUnicode = _tounicode(pdf, tounicode)
    page.Resources = Dictionary(Font=Dictionary(F1=font if direct_font else pdf.make_indirect(font)))
    page.Contents = pdf.make_stream(content)
    page.obj.StructParents = 0
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    parents = (kids or _one_p)(pdf, page.obj, document)
    document.K = parents["K"]
    root.K = document
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array(parents["owners"])])))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String("en")
    return pdf


def _one_p(pdf: pikepdf.Pdf, page, document) -> dict:
    p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page, K=0))
    return {"K": Array([p]), "owners": [p]}


def _report(pdf: pikepdf.Pdf, tmp_path: Path, name: str = "case.pdf"):
    path = tmp_path / name
    pdf.save(path)
    return verify_pdf(path, None, FONTS, name)


def _ours(report) -> list[str]:
    """Verify's own findings (the external validator's are about the sample, not the reading)."""
    return [f for f in report.findings if not f.startswith("PDF/UA-1 validator:") and "font" not in f]


@pytest.mark.parametrize("tag", [b"/H1", b"/H6", b"/Text#20body", b"/Span"])
def test_marked_content_tags_are_read_as_pdf_names(tmp_path: Path, tag: bytes) -> None:
    report = _report(tagged(tag + b" <</MCID 0>> BDC BT /F1 12 Tf 10 10 Td (Hello) Tj ET EMC"), tmp_path)
    assert not [f for f in _ours(report) if "marked content" in f], report.findings


def test_a_single_reference_in_k_keeps_its_element(tmp_path: Path) -> None:
    def single(pdf, page, document):
        p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page, K=0))
        return {"K": p, "owners": [p]}  # /K is one reference, not an array

    report = _report(tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC", single), tmp_path)
    assert not [f for f in _ours(report) if "outside the structure tree" in f or "belongs to no" in f], report.findings


def test_nested_marked_content_and_artifact_wrappers(tmp_path: Path) -> None:
    content = (b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi ) Tj ET /Span <</Lang (fr)>> BDC BT /F1 12 Tf (oui) Tj ET EMC"
               b" /Span <</ActualText (x)>> BDC BT /F1 12 Tf (y) Tj ET EMC EMC"
               b" /P <<>> BDC /Artifact BMC BT /F1 12 Tf (page 1) Tj ET EMC EMC")
    report = _report(tagged(content), tmp_path)
    assert not [f for f in _ours(report) if "marked content" in f], report.findings


def test_text_in_a_sequence_without_mcid_is_still_found(tmp_path: Path) -> None:
    report = _report(tagged(b"/P <</MCID 0>> BDC EMC /Span <<>> BDC BT /F1 12 Tf (loose) Tj ET EMC"), tmp_path)
    assert "page 1: marked content /Span holds text but has no MCID and is not an artifact" in report.findings


def test_marked_given_as_an_indirect_true(tmp_path: Path) -> None:
    pdf = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC")
    pdf.Root.MarkInfo = Dictionary(Marked=pdf.make_indirect(True))
    assert "MarkInfo /Marked is not true" not in _report(pdf, tmp_path).findings


def test_tounicode_multi_unit_destinations_and_values_past_unicode(tmp_path: Path) -> None:
    cmap = (b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"2 beginbfrange\n<41> <42> <D83DDE00>\n<43> <43> [<0066006C>]\nendbfrange\n"
            b"1 beginbfchar\n<44> <FFFFFFFFFFFF>\nendbfchar")
    pdf = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (ABCD) Tj ET EMC", tounicode=cmap)
    path = tmp_path / "cmap.pdf"
    pdf.save(path)
    import pypdf
    page = pypdf.PdfReader(path).pages[0]
    texts = [value for kind, value in content_events(page, {}) if kind == "text"]
    assert texts == ["\U0001F600\U0001F601fl\uffff\uffff\uffff"]
    verify_pdf(path, None, FONTS, "cmap.pdf")  # does not raise


def test_a_hostile_tounicode_is_read_in_linear_time(tmp_path: Path) -> None:
    """700 full-range lines took 95 s when each range was expanded code by code."""
    ranges = b"\n".join(b"<0000> <FFFF> <0041>" for _ in range(700))
    cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n700 beginbfrange\n" + ranges + b"\nendbfrange"
    pdf = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (AB) Tj ET EMC", tounicode=cmap)
    start = time.monotonic()
    report = _report(pdf, tmp_path)
    assert time.monotonic() - start < 5
    assert not [f for f in report.findings if f.startswith(("damaged", "took more"))]


@pytest.mark.parametrize("encryption", [
    pikepdf.Encryption(owner="o", user="", R=6),  # AES-256
    pikepdf.Encryption(owner="o", user="", R=4, aes=True),
    pikepdf.Encryption(owner="o", user="", R=3, aes=False, metadata=False),  # RC4, an empty user password
], ids=["aes-256", "aes-128", "rc4-empty-password"])
def test_an_encrypted_file_fails_with_a_finding(tmp_path: Path, encryption) -> None:
    pdf = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC")
    path = tmp_path / "locked.pdf"
    pdf.save(path, encryption=encryption)
    report = verify_pdf(path, None, FONTS, "locked.pdf")
    assert not report.ok
    assert report.findings == ["encrypted: a screen reader may be kept out, and its content cannot be verified"]


def test_shapes_that_crashed_verify(tmp_path: Path) -> None:
    """A font given directly, /Resources as an array, an MCID whose element has no page, and a
    /Length past the end of the file: each read without a traceback."""
    def no_page(pdf, page, document):
        p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, K=0))  # no /Pg anywhere
        return {"K": Array([p]), "owners": [p]}

    cases = {
        "direct-font": tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC", direct_font=True),
        "no-page": tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC", no_page),
    }
    resources = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC")
    resources.pages[0].obj.Resources = Array([1, 2])
    cases["resources-array"] = resources
    for name, pdf in cases.items():
        report = _report(pdf, tmp_path, f"{name}.pdf")
        assert not [f for f in report.findings if f.startswith("damaged")], (name, report.findings)
    path = tmp_path / "long.pdf"
    tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC").save(path, compress_streams=False)
    data = path.read_bytes().replace(b"/Length 44", b"/Length 999999", 1)
    path.write_bytes(data)
    report = verify_pdf(path, None, FONTS, "long.pdf")
    assert "Traceback" not in "".join(report.findings)


def test_a_named_pipe_is_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    report = verify_pdf(fifo, None, FONTS, "pipe.pdf")
    assert report.findings == ["not a regular file: cannot be a PDF"]


def test_a_cycle_in_the_structure_tree_ends(tmp_path: Path) -> None:
    def cycle(pdf, page, document):
        p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page))
        p.K = Array([0, document])  # the P holds its own parent
        return {"K": Array([p]), "owners": [p]}

    report = _report(tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC", cycle), tmp_path)
    assert not [f for f in report.findings if f.startswith(("damaged", "took more"))]


def test_the_reader_accepts_every_k_form() -> None:
    """Tree reads MCIDs, MCR and OBJR dictionaries, single references and arrays."""
    pdf = tagged(b"/P <</MCID 0>> BDC EMC /P <</MCID 1>> BDC EMC")
    page = pdf.pages[0].obj
    document = pdf.Root.StructTreeRoot.K
    mcr = Dictionary(Type=Name.MCR, Pg=page, MCID=1)
    document.K = Array([document.K[0], pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document,
                                                                    K=mcr))])
    import io
    import pypdf
    buffer = io.BytesIO()
    pdf.save(buffer)
    reader = pypdf.PdfReader(buffer)
    tree = Tree(as_dict(reader.trailer["/Root"]["/StructTreeRoot"]))
    page_ref = reader.pages[0].indirect_reference.idnum
    assert {(page_ref, 0), (page_ref, 1)} <= tree.owned
    findings, _ = scan_page(reader.pages[0], page_ref, tree, 1, {})
    assert findings == []


def test_a_batch_gives_every_file_its_result(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One good PDF, a damaged one and a named pipe: three results and a total, no traceback
    (one file that crashed used to make the whole command print nothing)."""
    from click.testing import CliRunner

    from pipeline.cli import main

    good = built / "en" / "vertebroplasty.pdf"
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.read_bytes()[:4000])
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    monkeypatch.chdir(built.parent)
    result = CliRunner().invoke(main, ["verify", str(good), str(damaged), str(pipe)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines if line.startswith(("pass", "FAIL"))] == ["pass", "FAIL", "FAIL"]
    assert lines[0].split()[1] == "output/en/vertebroplasty.pdf"  # relative to where it was run
    assert lines[-1] == "1 passed, 2 failed"
    assert "      - not a regular file: cannot be a PDF  [PDF/UA-1 7.1]" in lines


def test_a_pdf_not_built_here_fails_only_on_pdf_ua(tmp_path: Path) -> None:
    """Plain WeasyPrint's link: described by its target and not set to print. Both are house
    rules: advice for a PDF made elsewhere, failures for one of ours."""
    from .test_repair import CASES, LETTER_CSS, _html, plain_weasyprint

    data = plain_weasyprint(tmp_path, {"link": _html("link", CASES["link"]["html"])}, css=LETTER_CSS)["link"]
    theirs = verify_pdf(data, None, FONTS, "link.pdf", ours=False)
    house = ['link to "tel:811" has no description in words (Contents is "tel:811")',
             'link to "tel:811" is not set to print (F flag)']
    assert theirs.advice == house and not set(house) & set(theirs.findings)
    assert theirs.skipped  # the checks that need our sources say they did not run
    mine = verify_pdf(data, None, FONTS, "link.pdf")
    assert set(house) <= set(mine.findings) and not mine.advice
    assert {mine.levels[finding] for finding in house} == {"house rule"}


def test_each_finding_cites_its_level(tmp_path: Path) -> None:
    pdf = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC")
    del pdf.Root.Lang
    pdf.Root.MarkInfo = Dictionary(Marked=False)
    report = _report_any(pdf, tmp_path, "bare.pdf")
    assert report.levels["the document has no /Lang"] == "PDF/UA-1 7.2"
    assert report.levels["MarkInfo /Marked is not true"] == "PDF/UA-1 7.1"
    assert report.to_dict()["levels"][report.findings.index("the document has no /Lang")] == "PDF/UA-1 7.2"


def test_no_document_lang_is_advice_when_every_text_has_one(tmp_path: Path) -> None:
    """PDF/UA-1 7.2 is met by marked-content /Lang (the veraPDF corpus' 7.2-t30 pass files do
    this): a house rule for a PDF made elsewhere; with text in no language it is a requirement."""
    pdf = tagged(b"/P <</MCID 0>> BDC /Span <</Lang (en-US)>> BDC BT /F1 12 Tf (Hi) Tj ET EMC EMC")
    del pdf.Root.Lang
    theirs = _report_any(pdf, tmp_path, "with-span-lang.pdf")
    assert "the document has no /Lang" in theirs.advice and "the document has no /Lang" not in theirs.findings
    bare = tagged(b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC")
    del bare.Root.Lang
    assert "the document has no /Lang" in _report_any(bare, tmp_path, "no-lang.pdf").findings


def _report_any(pdf: pikepdf.Pdf, tmp_path: Path, name: str):
    path = tmp_path / name
    pdf.save(path)
    return verify_pdf(path, None, FONTS, name, ours=False)

"""Issue 10: what authors commonly write comes out whole, on paper and read aloud, in every
layout and both languages. The construct corpus (tests/fixtures/constructs/) is built once."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from pipeline.verify import Expect, verify_pdf
from pipeline.verify.readback import check as read_back, html_text, spoken

from . import pdfstruct
from .conftest import ROOT
from .corpus import CASES, LANGS, LAYOUTS, SLUGS, pdf_file, source_text, text_lines
from .test_repair import plain_weasyprint


def _elements(node: tuple, parent: str = ""):
    yield node, parent
    for kid in node[2:]:
        if isinstance(kid, tuple):
            yield from _elements(kid, node[0])


@pytest.mark.parametrize(("slug", "lang", "layout"), CASES)
def test_corpus_reads_back_as_written(corpus: Path, slug: str, lang: str, layout: str) -> None:
    """What a screen reader gets from the structure tree is the handout's own text."""
    reader = pypdf.PdfReader(pdf_file(corpus, slug, lang, layout))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    assert read_back(root, list(reader.pages), source_text(corpus, slug, lang, layout)) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_nested_lists_are_tagged_inside_their_item(corpus: Path, lang: str, layout: str) -> None:
    """LI → (Lbl, LBody → … L): a nested list sits in its item's body, the label outside it
    (three levels of bullets under a numbered step build at all: their markers are in the font)."""
    tree = [top for slug in ("nested-steps", "wound-care")
            for top in pdfstruct.tree(pdf_file(corpus, slug, lang, layout).read_bytes())]
    nested = 0
    for top in tree:
        for (kind, _, *kids), parent in _elements(top):
            shapes = [kid[0] for kid in kids if isinstance(kid, tuple)]
            if kind == "L":
                assert parent != "L", "a list sits directly in a list, beside its item"
                nested += parent == "LBody"
            elif kind == "LI":
                assert shapes in (["Lbl", "LBody"], ["LBody"]), shapes
            elif kind == "LBody":
                assert "Lbl" not in shapes, "a list item's label is inside its body"
    assert nested >= 5 + 7 * 3


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_line_end_hyphens_rejoin_and_hard_hyphens_stay(corpus: Path, lang: str, layout: str) -> None:
    """A word hyphenated at a line end is drawn with U+00AD (consumers rejoin it); a line that
    ends in U+002D ends in a hyphen the author wrote."""
    soft = 0
    for slug in SLUGS:
        path = pdf_file(corpus, slug, lang, layout)
        words = set(re.findall(r"[\w\-’']+", source_text(corpus, slug, lang, layout)))
        # The running footer and the page number sit between a page's last line and the next page's first.
        lines = [line.lstrip("\f") for line in text_lines(path)
                 if not re.match(r"\f?(©|Page \d+ (of|de) \d+$)", line) and " · " not in line]
        for index, line in enumerate(lines[:-1]):
            if not lines[index + 1] or not line or line[-1] not in "-\u00ad" or not re.search(r"\w.$", line):
                continue
            if index and lines[index - 1].endswith("\u00ad"):
                continue  # the middle of a word hyphenated twice: checked with its first part
            head = re.findall(r"[\w\-’']+", line)[-1] if line[-1] == "-" else re.findall(r"[\w\-’']+\u00ad$", line)[0]
            following = index + 1
            tail = re.match(r"[\w\-’'\u00ad]*", lines[following]).group()
            while tail.endswith("\u00ad") and tail == lines[following] and following + 1 < len(lines):
                following += 1  # "Hydro-" / "chloro-" / "thiazide" in a narrow column
                tail += re.match(r"[\w\-’']*", lines[following]).group()
            if line.endswith("\u00ad"):
                soft += 1
                word = (head + tail).replace("\u00ad", "")
                assert word in words, f"{path.name}: {head!r} / {tail!r} does not rejoin to a word"
            else:
                assert head + tail in words, f"{path.name}: {head!r} / {tail!r} is a word split with a hard hyphen"
    if layout != "large-print":  # large print does not hyphenate
        assert soft, "no hyphenated word found: the corpus should make some"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_french_spacing_and_guillemets_in_the_pdf(corpus: Path, layout: str) -> None:
    """No doubled guillemet after emphasis; "10 h 30" and "É.-U." never break."""
    for slug in SLUGS:
        text = "\n".join(text_lines(pdf_file(corpus, slug, "fr", layout)))
        assert not re.search(r"»\s*»", text), slug
        assert not re.search(r"\d[ \u00a0]h\n\d|\d\n(h )?\d\d\b", text), slug
        assert not re.search(r"[A-ZÉ]\.-\n", text), slug


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_tables_with_row_headers(corpus: Path, lang: str, layout: str) -> None:
    """A table whose top-left cell is empty has its first column as row headers (TH /Row)."""
    tree = pdfstruct.tree(pdf_file(corpus, "dosing-table", lang, layout).read_bytes())
    scopes = [node[1].get("Scope") for top in tree for node, _ in _elements(top) if node[0] == "TH"]
    assert scopes.count("/Row") == 3 * (2 if layout == "bilingual" else 1)
    assert scopes.count("/Column") == 2 * (2 if layout == "bilingual" else 1)


_WORDS = ("Votre pharmacienne peut expliquer comment les interactions médicamenteuses modifient la "
          "quantité qui atteint votre circulation sanguine.")
PLAIN = {
    # Narrow enough that WeasyPrint hyphenates: plain WeasyPrint draws the hyphen as U+002D.
    "split": (f'<p style="width: 5cm">{_WORDS}</p>', f'<p style="width: 5cm">{_WORDS}</p>', "-"),
    # What the pipeline printed before issue 10: a guillemet doubled after emphasis.
    "doubled": ("<p>un saignement <em>«\u00a0clair\u00a0»</em>» (il)</p>",
                "<p>un saignement <em>«\u00a0clair\u00a0»</em> (il)</p>", "»»"),
}


def _page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="fr-CA"><head><title>Essai</title></head><body>{body}</body></html>'


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return plain_weasyprint(tmp_path_factory.mktemp("plain"), {n: _page(c[0]) for n, c in PLAIN.items()},
                            ROOT / "handouts", css=ROOT / "layouts" / "letter" / "style.css")


@pytest.mark.parametrize("name", list(PLAIN))
def test_verify_fails_what_plain_weasyprint_reads_wrong(plain: dict[str, bytes], name: str) -> None:
    """verify's read-back finds a split hyphenated word and a doubled guillemet in a PDF from plain WeasyPrint."""
    _, written, seen = PLAIN[name]
    expect = Expect("Essai", "fr", text=html_text(_page(written)))
    report = verify_pdf(plain[name], expect, ROOT / "fonts", name)
    found = [f for f in report.findings if f.startswith("read back")]
    assert found and seen in found[0].split("hears")[1].split("where")[0], report.findings


@pytest.mark.parametrize("layout", LAYOUTS)
def test_french_ordinals_and_cited_english_title(corpus: Path, layout: str) -> None:
    """"1er" reads as "1er" (drawn as a superscript); an English source cited in a French handout
    keeps English spacing and is read under /Lang en."""
    path = pdf_file(corpus, "nested-steps", "fr" if layout != "bilingual" else "en", layout)
    text = " ".join(text_lines(path))
    assert "vos 1er et 2e voyages" in text
    assert "Extreme heat: protect yourself" in text
    reader = pypdf.PdfReader(path)
    runs = spoken(reader.trailer["/Root"]["/StructTreeRoot"].get_object(), list(reader.pages))
    english_title = [lang for said, lang in runs if "Extreme heat" in said]
    assert english_title and all(lang.startswith("en") for lang in english_title), english_title
    heard = "".join(said for said, _ in runs)
    assert re.search(r"1er\s*et\s*2e\s*voyages", heard)  # a line may end between the words, not inside one


@pytest.mark.parametrize("layout", LAYOUTS)
def test_narrow_no_break_space_reads_as_itself(corpus: Path, layout: str) -> None:
    """The fonts have no U+202F: it is drawn without a glyph of its own, yet every one in the text
    layer is U+202F (before ; ! ?), never U+0020, and no ordinary space turns into one."""
    path = pdf_file(corpus, "nested-steps", "fr" if layout != "bilingual" else "en", layout)
    reader = pypdf.PdfReader(path)
    heard = "".join(said for said, _ in spoken(reader.trailer["/Root"]["/StructTreeRoot"].get_object(),
                                               list(reader.pages)))
    assert "symptômes\u202f? Composez" in heard and "parole\u202f? Utilisez" in heard
    assert not re.search(r"\w [;!?]", heard), re.search(r".{20}\w [;!?]", heard)
    assert not re.search(r"\u202f\w", heard)


@pytest.mark.parametrize(("lang", "layout"), [(lang, layout) for lang in LANGS for layout in ("letter", "half-page")])
def test_pdfminer_rejoins_hyphenated_words(corpus: Path, lang: str, layout: str) -> None:
    """pdfminer.six, the third consumer checked (docs/accessibility.md), gets U+00AD at the line
    end: dropping it with the line break gives back the author's word, every time."""
    from pdfminer.high_level import extract_text

    joined = 0
    for slug in ("wound-care", "living-with-diabetes"):
        path = pdf_file(corpus, slug, lang, layout)
        words = set(re.findall(r"[\w\-’']+", source_text(corpus, slug, lang, layout)))
        text = extract_text(str(path))
        for head, tail in re.findall(r"([\w\-’']+)\u00ad\n+([\w\-’']+)", text):
            joined += 1
            assert head + tail in words, f"{path.name}: {head!r} / {tail!r}"
        assert not re.search(r"\u00ad(?!\n)", text), "a soft hyphen inside a line"
    assert joined


# --- issue 17 on the corpus: print sizes, greys, duplex, booklets --------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", SLUGS)
def test_print_promises_on_the_corpus(corpus: Path, slug: str, lang: str) -> None:
    """Read from each PDF, copy-fitted ones included: body text at 12 pt or more (18 in large
    print) and line spacing 1.3 or more (1.5), the booklet's too at print size; photocopy
    paints nothing but greys, pictures included; duplex on the long edge, the booklet's on the
    short edge; the booklet's sides are the half-page edition's pages rounded up to 4."""
    from .pdfpaint import line_spacings, not_grey, text_runs

    for layout in (*LAYOUTS, "booklet"):
        if layout == "bilingual" and lang == "fr":
            continue
        path = pdf_file(corpus, slug, lang, layout)
        runs = text_runs(path)
        least, spacing = (18, 1.5) if layout == "large-print" else (12, 1.3)
        assert min(run.size for run in runs if not run.artifact and not run.raised) >= least, (layout, path)
        assert all(value >= spacing - 0.005 for value, _ in line_spacings(runs)), (layout, path)
        reader = pypdf.PdfReader(path)
        duplex = "/DuplexFlipShortEdge" if layout == "booklet" else "/DuplexFlipLongEdge"
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == (
            duplex if len(reader.pages) > 1 else "/Simplex"), (layout, path)
        if layout == "photocopy":
            assert not_grey(path) == [], path
        if layout == "booklet":
            half = len(pypdf.PdfReader(pdf_file(corpus, slug, lang, "half-page")).pages)
            assert 2 * len(reader.pages) == -(-half // 4) * 4

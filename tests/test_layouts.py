"""Each layout keeps its promises: builds and verifies, prints the same text, large print is
large, photocopy is black on white with no hairlines; long handouts paginate well."""

from __future__ import annotations

import collections
import html
import math
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ContentStream

from pipeline.publish.build import build
from pipeline.project.config import load_project
from pipeline.errors import SourceError

from .conftest import ROOT, copy_project
from .pdfpaint import not_grey

SLUGS = ("vertebroplasty", "fever-children")
LANGS = ("en", "fr")
LAYOUTS = ("letter", "a4", "large-print", "photocopy", "half-page")
PAPER = {"letter": (612, 792), "a4": (595.28, 841.89), "half-page": (396, 612)}
CASES = [(layout, slug, lang) for layout in LAYOUTS for slug in SLUGS for lang in LANGS]


class LayoutsBuilt:
    """The real handouts in every language and layout, each handout and layout built once, when a
    test first asks for it (a test of one layout, run alone, builds only what it reads)."""

    def __init__(self, root: Path) -> None:
        self.output = root / "output"
        self._project = load_project(root)
        self._built: set[tuple[str, str]] = set()

    def pdf(self, layout: str, slug: str, lang: str) -> Path:
        if (layout, slug) not in self._built:
            summary = build(self._project, [slug], list(LANGS), [layout], jobs=1)
            assert not summary.failed, [o.message for o in summary.outcomes if o.status == "failed"]
            self._built.add((layout, slug))
        return self.output / lang / f"{slug}{'' if layout == 'letter' else '.' + layout}.pdf"


@pytest.fixture(scope="session")
def layouts_built(tmp_path_factory: pytest.TempPathFactory) -> LayoutsBuilt:
    return LayoutsBuilt(copy_project(tmp_path_factory.mktemp("layouts")))


def pdf_path(built: LayoutsBuilt, layout: str, slug: str, lang: str) -> Path:
    return built.pdf(layout, slug, lang)


def text_of(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- content streams ------------------------------------------------------------------------

def _multiply(a: list[float], b: list[float]) -> list[float]:
    """PDF matrix product a × b ([a b c d e f])."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _scale(matrix: list[float]) -> float:
    return math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))


def walk(reader: pypdf.PdfReader, page: pypdf.PageObject):
    """Yield (operator, operands, ctm, tm, marked-content tags) for every operator of a page."""
    ctm, stack, tags = [1.0, 0, 0, 1.0, 0, 0], [], []
    tm = [1.0, 0, 0, 1.0, 0, 0]
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        op = op.decode()
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif op == "Tm":
            tm = [float(x) for x in operands]
        elif op in ("BDC", "BMC"):
            tags.append(str(operands[0]))
        elif op == "EMC":
            tags.pop()
        yield op, operands, ctm, tm, tuple(tags)


def font_sizes(path: Path) -> dict[float, str]:
    """Every size text is drawn at, in points, with an example of the text."""
    reader = pypdf.PdfReader(path)
    sizes: dict[float, str] = {}
    for page in reader.pages:
        size = 0.0
        for op, operands, ctm, tm, _ in walk(reader, page):
            if op == "Tf":
                size = float(operands[1])
            elif op in ("Tj", "TJ"):
                points = round(size * _scale(_multiply(tm, ctm)), 2)
                sizes.setdefault(points, str(operands[0])[:40])
    return sizes


# --- every layout ---------------------------------------------------------------------------

@pytest.mark.parametrize(("layout", "slug", "lang"), CASES)
def test_builds_and_verifies(layouts_built: LayoutsBuilt, layout: str, slug: str, lang: str) -> None:
    import json

    path = pdf_path(layouts_built, layout, slug, lang)
    output = layouts_built.output
    entry = json.loads((output / "manifest.json").read_text())["outputs"][path.relative_to(output).as_posix()]
    assert entry["layout"] == layout and entry["pdfua"] is True and entry["verify"] == "pass"
    box = pypdf.PdfReader(path).pages[0].mediabox
    paper = layout if layout in PAPER else "letter"
    assert (float(box.width), float(box.height)) == pytest.approx(PAPER[paper], abs=0.5)


def _body_text(path: Path) -> str:
    """The text with whitespace, hyphens and the running footer (it repeats per page) removed."""
    # -raw: the text in the order it is painted (our reading order), not poppler's guess at
    # columns, which moves the wrapped line of a large-print table cell after the table.
    pages = text_of(path, "-raw").split("\f")[:-1]
    squashed = "".join(re.sub(r"[\s\u00a0\u202f\u00ad-]+", "", page).replace(f"Page{number}of{len(pages)}", "")
                       .replace(f"Page{number}de{len(pages)}", "") for number, page in enumerate(pages, start=1))
    footer = re.compile(r"©[^©]*?·(Handout|Document)\d+·(Revised[A-Z][a-z]+\d{1,2},\d{4}|Réviséle\d{1,2}(er)?[a-zéû]+\d{4})")
    return footer.sub("", squashed)


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_every_layout_prints_the_same_text(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    texts = {layout: _body_text(pdf_path(layouts_built, layout, slug, lang)) for layout in LAYOUTS}
    assert len(texts["letter"]) > 2000
    for layout, text in texts.items():
        assert text == texts["letter"], f"{layout} differs from letter"


@pytest.mark.parametrize("lang", LANGS)
def test_qr_code_only_where_electronic_use_is_permitted(layouts_built: LayoutsBuilt, lang: str) -> None:
    """fever-children is under the OGL (electronic use permitted), vertebroplasty under AAFP's (not)."""
    url = f"https://811.novascotia.ca/handouts/web/fever-children/{lang}.html"  # its HTML edition (site_url)
    for layout in LAYOUTS:
        fever = pypdf.PdfReader(pdf_path(layouts_built, layout, "fever-children", lang))
        alts = [str(node.get_object().get("/Alt")) for node in _struct_nodes(fever) if node.get("/S") == "/Figure"]
        assert {"en": "QR code: link to this handout online",
                "fr": "Code QR\u00a0: lien vers ce document en ligne"}[lang] in alts
        # The address is printed (-raw: poppler's default output drops a hyphen at a line end) and linked.
        assert url in re.sub(r"\s+", "", text_of(pdf_path(layouts_built, layout, "fever-children", lang), "-raw"))
        assert url in [annot.get_object()["/A"]["/URI"] for page in fever.pages
                       for annot in page.get("/Annots", []) if "/A" in annot.get_object()]
        spine = text_of(pdf_path(layouts_built, layout, "vertebroplasty", lang))
        assert "811.novascotia.ca/handouts" not in spine
        alts = [str(n.get("/Alt")) for n in _struct_nodes(pypdf.PdfReader(
            pdf_path(layouts_built, layout, "vertebroplasty", lang))) if n.get("/S") == "/Figure"]
        assert not any("QR" in alt for alt in alts)


def _struct_nodes(reader: pypdf.PdfReader):
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if not isinstance(node, dict):
            continue
        yield node
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids.get_object()
        todo.extend(kids if isinstance(kids, list) else [kids])


# --- large print ----------------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_large_print_is_18_pt_or_more(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """Every piece of text, the running footer included, is 18 pt or larger."""
    path = pdf_path(layouts_built, "large-print", slug, lang)
    sizes = font_sizes(path)
    assert min(sizes) >= 18, {size: sample for size, sample in sizes.items() if size < 18}
    assert max(sizes) >= 24  # headings are larger


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_large_print_has_no_italics_and_nothing_overflows(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    path = pdf_path(layouts_built, "large-print", slug, lang)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Italic" not in fonts
    width = float(pypdf.PdfReader(path).pages[0].mediabox.width)
    for x_min, x_max, word in _words(path):
        assert 72 - 0.5 <= x_min and x_max <= width - 72 + 0.5, f"{word!r} reaches into the 1 in margin"


def _printed_source(slug: str, lang: str) -> str:
    """Everything the large-print HTML prints (body, labels, the running footer's CSS strings), as text."""
    from pipeline.project.layouts import load_layout
    from pipeline.render.html import render_html
    from pipeline.source.model import load_handout

    project = load_project(ROOT)
    handout, _ = load_handout(project, slug)
    rendered, _ = render_html(project, handout, lang, load_layout(project.layouts_dir, "large-print"))
    return html.unescape(re.sub(r"<[^>]+>", " ", rendered.html)).replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_large_print_never_hyphenates(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """A line may end in a hyphen only where the text has one ("Nouvelle-Écosse", "1-866-770-7763"):
    no word is broken by hyphenation (clear-print guidance), except in a table cell, where a word
    may be wider than its column (four columns at 18 pt)."""
    source = _printed_source(slug, lang)
    cells = " ".join(line for line in (ROOT / "handouts" / slug / f"{lang}.md").read_text(encoding="utf-8").splitlines()
                     if line.startswith("|"))
    lines = text_of(pdf_path(layouts_built, "large-print", slug, lang), "-raw").replace("\u00a0", " ").splitlines()
    broken = [line.split()[-1] + following.split()[0] for line, following in zip(lines, lines[1:])
              if re.search("[-\u00ad\u2010]$", line) and following.strip()]
    assert [word for word in broken if word not in source and word.replace("\u00ad", "") not in cells] == []


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_large_print_line_spacing_is_1_5(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """Between the baselines of consecutive lines of 18 pt text: 27 pt (1.5) within a paragraph,
    more between blocks, never less (the running footer, an artifact, is set tighter to fit)."""
    path = pdf_path(layouts_built, "large-print", slug, lang)
    reader = pypdf.PdfReader(path)
    gaps = collections.Counter()
    for page in reader.pages:
        size, runs = 0.0, []
        for op, operands, ctm, tm, tags in walk(reader, page):
            if op == "Tf":
                size = float(operands[1])
            elif op in ("Tj", "TJ") and "/Artifact" not in tags:
                matrix = _multiply(tm, ctm)
                runs.append((round(size * _scale(matrix), 2), matrix[5]))
        # Runs on one line differ by 0 (or by 5.4 pt to a raised ordinal, "1er"): not a line gap.
        gaps.update(round(abs(y2 - y1), 1) for (s1, y1), (s2, y2) in zip(runs, runs[1:])
                    if s1 == s2 == 18 and abs(y2 - y1) > 9)
    assert gaps.most_common(1)[0][0] == 27.0 and min(gaps) >= 27.0, sorted(gaps.items())


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_large_print_sets_nothing_in_capitals(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """Every word printed in capitals is written so in the source (VRS, QR, AAFP): no heading,
    label or emphasis is turned into capitals."""
    source = set(re.findall(r"\w+", _printed_source(slug, lang)))
    printed = set(re.findall(r"\w+", text_of(pdf_path(layouts_built, "large-print", slug, lang))))
    capitals = {word for word in printed if word.isupper() and sum(c.isalpha() for c in word) >= 2}
    assert capitals - source == set()


def _words(path: Path):
    """(xMin, xMax, word) of every word on every page (pdftotext -bbox)."""
    html = text_of(path, "-bbox")
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        yield float(match[1]), float(match[3]), match[5]


def _word_boxes(path: Path):
    html = text_of(path, "-bbox")
    for page in html.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page)[1])
        width = float(re.search(r'width="([\d.]+)"', page)[1])
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            yield (width, height), tuple(float(match[i]) for i in range(1, 5)), match[5]


# --- photocopy ------------------------------------------------------------------------------

def _is_black_or_white(values: list[float], op: str) -> bool:
    if op in ("k", "K"):  # CMYK: no ink, or black only / all four at full
        return values in ([0, 0, 0, 0], [0, 0, 0, 1], [1, 1, 1, 1])
    return len(set(values)) == 1 and values[0] in (0, 1)


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_photocopy_is_black_on_white_without_hairlines(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """Outside pictures (Figure content: the handout's illustrations and the QR code), every
    colour is black or white and every line or rule is at least 1 pt (0.75 pt is the hairline limit)."""
    reader = pypdf.PdfReader(pdf_path(layouts_built, "photocopy", slug, lang))
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        width, rects = 1.0, []
        for op, operands, ctm, tm, tags in walk(reader, page):
            if "/Figure" in tags:
                continue
            if op in ("rg", "RG", "g", "G", "k", "K", "sc", "SC", "scn", "SCN"):
                values = [float(x) for x in operands if isinstance(x, (int, float))]
                if not values or not _is_black_or_white(values, op):
                    problems.append(f"page {number}: colour {op} {values}")
            elif op == "w":
                width = float(operands[0])
            elif op in ("S", "s", "B", "B*", "b", "b*") and width * _scale(ctm) < 1 - 1e-3:
                problems.append(f"page {number}: line {width * _scale(ctm):.2f} pt wide")
            elif op == "re":
                rects.append([float(x) * _scale(ctm) for x in operands])
            elif op in ("f", "F", "f*"):
                thinnest = min(min(abs(r[2]), abs(r[3])) for r in rects) if len(rects) == 1 else min(
                    [abs(a - b) for a, b in zip(rects[0][:2], rects[1][:2]) if abs(a - b) > 1e-3]
                    + [abs((rects[0][i] + rects[0][i + 2]) - (rects[1][i] + rects[1][i + 2])) for i in (0, 1)
                       if abs((rects[0][i] + rects[0][i + 2]) - (rects[1][i] + rects[1][i + 2])) > 1e-3] or [9])
                if rects and thinnest < 1 - 1e-3:
                    problems.append(f"page {number}: rule {thinnest:.2f} pt wide")
                rects = []
            elif op == "n":
                rects = []
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("slug", "lang"), [(slug, lang) for slug in SLUGS for lang in LANGS])
def test_photocopy_keeps_the_edges_clear(layouts_built: LayoutsBuilt, slug: str, lang: str) -> None:
    """No text (running footer included) within 0.75 in of the paper's edge; copiers lose 0.5 in."""
    for (width, height), (x0, y0, x1, y1), word in _word_boxes(pdf_path(layouts_built, "photocopy", slug, lang)):
        assert x0 >= 54 and y0 >= 54 and x1 <= width - 54 and y1 <= height - 54, word


def test_photocopy_pictures_are_grey(layouts_built: Path) -> None:
    """The pictures too (the spine and the thermometer are drawn in colour): every colour the
    photocopy PDFs paint is a grey."""
    for slug in SLUGS:
        for lang in LANGS:
            assert not_grey(pdf_path(layouts_built, "photocopy", slug, lang)) == [], (slug, lang)


# --- printing -------------------------------------------------------------------------------

@pytest.mark.parametrize(("layout", "slug", "lang"), CASES)
def test_print_dialog_starts_double_sided(layouts_built: Path, layout: str, slug: str, lang: str) -> None:
    reader = pypdf.PdfReader(pdf_path(layouts_built, layout, slug, lang))
    assert len(reader.pages) > 1
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"


def _fills(path: Path) -> list[float]:
    """How far down its text area each page is printed, read with poppler: the lowest word above
    the running footer, from the top of the first page's text to the top of the footer."""
    html = text_of(path, "-bbox")
    pages = []
    for page in html.split("<page ")[1:]:
        words = [(float(m[1]), float(m[2]), m[3]) for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        footer = max(top for top, _, word in words if word == "Page")
        pages.append((min(top for top, _, _ in words), max(bottom for _, bottom, _ in words if bottom < footer - 1),
                      footer))
    top = pages[0][0]
    return [(bottom - top) / (footer - top) for _, bottom, footer in pages]


@pytest.mark.parametrize(("layout", "slug", "lang"), CASES)
def test_no_page_is_left_mostly_empty(layouts_built: Path, layout: str, slug: str, lang: str) -> None:
    """A block kept whole (a table, the About block) must not leave the page before it mostly
    empty: every page but the last is at least half full."""
    fills = _fills(pdf_path(layouts_built, layout, slug, lang))
    assert min(fills[:-1]) >= 0.5, [f"{fill:.0%}" for fill in fills]


# --- configuration ----------------------------------------------------------------------------

def test_unknown_layout_in_handouts_yml_is_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path, ())
    config = (root / "handouts.yml").read_text(encoding="utf-8")
    (root / "handouts.yml").write_text(re.sub(r"(?m)^layouts: .*$", "layouts: [letter, poster]", config),
                                       encoding="utf-8")
    with pytest.raises(SourceError) as error:
        load_project(root)
    message = error.value.format_message()
    assert 'there is no layout "poster" in layouts/' in message and "'layouts.1'" in message, message


def test_layouts_command_lists_every_layout(cli) -> None:
    from pipeline.cli import main

    result = cli.invoke(main, ["layouts", "--project", str(ROOT)])
    assert result.exit_code == 0, result.output
    for name in ("letter", "a4", "large-print", "photocopy"):
        line = next(line for line in result.output.splitlines() if line[2:].split()[0] == name)
        assert "PDF/UA-1" in line and ("a4" if name == "a4" else "letter") in line.split()[1:3]


# --- pagination -------------------------------------------------------------------------------

def _long_body(lang: str) -> str:
    """About six letter pages: sections, sub-sections, lists, paragraphs and a 60-row table."""
    words = {"en": ("Section", "Step", "Dose for weight"), "fr": ("Section", "Étape", "Dose selon le poids")}[lang]
    parts = []
    for n in range(1, 9):
        parts.append(f"## {words[0]} {n} heading")
        parts.append(" ".join(f"Sentence {k} of section {n} tells the reader one plain thing to do."
                              for k in range(1, 9)))
        parts.append(f"### {words[1]} {n} sub-heading")
        parts.append("\n".join(f"- Item {n}.{k}: keep the thermometer clean and dry after every single use, "
                               f"and store it away from small children." for k in range(1, 7)))
        if n == 4:
            parts.append("| Weight column | Amount column | How often column |\n|---|---|---|\n" + "\n".join(
                f"| cellA{k} weight {k + 4} kg | cellB{k} {words[2]} {k * 20} mg | cellC{k} every 6 h |"
                for k in range(1, 61)))
    return "\n\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def long_handout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("long"), ("fever-children",))
    folder = root / "handouts" / "long"
    (root / "handouts" / "fever-children").rename(folder)
    meta = (folder / "handout.yml").read_text(encoding="utf-8")
    (folder / "handout.yml").write_text(meta.replace('number: "61420"', 'number: "99999"'), encoding="utf-8")
    for lang in LANGS:
        text = (folder / f"{lang}.md").read_text(encoding="utf-8")
        front = text[:text.index("\n---\n", 4) + 5]
        (folder / f"{lang}.md").write_text(front + "\n" + _long_body(lang), encoding="utf-8")
    project = load_project(root)
    summary = build(project, ["long"], ["en"], ["letter", "large-print"], jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes if o.status == "failed"] + [
        str(p) for p in summary.problems]
    return root / "output" / "en"


@pytest.mark.parametrize("name", ["long.pdf", "long.large-print.pdf"])
def test_no_page_ends_with_a_heading(long_handout: Path, name: str) -> None:
    pages = text_of(long_handout / name, "-layout").split("\f")[:-1]
    assert len(pages) >= 6
    headings = re.compile(r"^\s*(Section \d+ heading|Step \d+ sub-heading|Sources|About this handout)\s*$")
    for number, page in enumerate(pages[:-1], start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(rf"Page {number} of|Handout 99999|Revised \d{{4}}-", line)]
        assert not headings.match(body[-1]), f"page {number} ends with the heading {body[-1].strip()!r}"


@pytest.mark.parametrize("name", ["long.pdf", "long.large-print.pdf"])
def test_long_table_repeats_its_header_and_keeps_rows_whole(long_handout: Path, name: str) -> None:
    """Each row's three cells (cellAn, cellBn, cellCn) are on one page; each page of the table
    starts with the header row."""
    pages = [re.sub(r"\s+", " ", page) for page in text_of(long_handout / name).split("\f")[:-1]]

    def pages_of(word: str) -> list[int]:
        return [i for i, page in enumerate(pages) if re.search(rf"\b{word}\b", page)]

    table_pages = set()
    for n in range(1, 61):
        found = [pages_of(f"cell{column}{n}") for column in "ABC"]
        assert found[0] == found[1] == found[2] and len(found[0]) == 1, f"row {n} is split or repeated: {found}"
        table_pages.add(found[0][0])
    assert len(table_pages) >= 2, "the table should run over more than one page"
    for index in table_pages:
        page = pages[index]
        first_row = min(m.start() for m in re.finditer(r"\bcellA\d+\b", page))
        assert -1 < page.find("Weight column") < first_row, f"page {index + 1}: no header row above the rows"


def test_list_items_are_not_split(long_handout: Path) -> None:
    for name in ("long.pdf", "long.large-print.pdf"):
        pages = text_of(long_handout / name).split("\f")[:-1]
        for number, page in enumerate(pages, start=1):
            squashed = re.sub(r"\s+", " ", page)
            for item in re.findall(r"Item \d+\.\d+:", squashed):
                assert re.search(re.escape(item) + r" keep the thermometer clean and dry after every single use, "
                                 r"and store it away from small children\.", squashed), f"{name} page {number}: {item}"


def test_french_review_date_is_written_the_french_way(layouts_built: LayoutsBuilt) -> None:
    for layout in LAYOUTS:
        text = re.sub(r"\s+", " ", text_of(pdf_path(layouts_built, layout, "vertebroplasty", "fr")))
        assert "Révisé par le Groupe de travail sur les services cliniques, Télésoins Nouvelle-Écosse, " \
               "le 1er décembre 2019." in text.replace("- ", "-").replace("\u00ad ", ""), layout


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handout of eight sections, each a paragraph of another length and a captioned picture, so
    that pictures fall at every height of the page, in letter and large print, in both languages."""
    from .good_project import good_project

    root = good_project(tmp_path_factory.mktemp("pictures"))
    folder = root / "handouts" / "sample"
    for lang, word, caption in (("en", "Sentence", "Picture {n}: hands and soap."),
                                ("fr", "Phrase", "Image {n} : des mains et du savon.")):
        text = (folder / f"{lang}.md").read_text(encoding="utf-8")
        front = text[:text.index("\n---\n", 4) + 5]
        sections = [f"## {word} {n}\n\n" + " ".join(f"{word} {k} of part {n} says one plain thing about soap."
                                                   for k in range(1, 4 * n)) +
                    f'\n\n![](hands.svg "{caption.format(n=n)}")\n' for n in range(1, 9)]
        (folder / f"{lang}.md").write_text(front + "\n" + "\n".join(sections), encoding="utf-8")
    summary = build(load_project(root), ["sample"], list(LANGS), ["letter", "large-print"], jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes] + [str(p) for p in summary.problems]
    return root / "output"


@pytest.mark.parametrize("layout", ["letter", "large-print"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_picture_is_never_split_from_its_caption(pictures: Path, layout: str, lang: str) -> None:
    path = pictures / lang / f"sample{'' if layout == 'letter' else '.' + layout}.pdf"
    reader = pypdf.PdfReader(path)
    drawn = [number for number, page in enumerate(reader.pages, start=1)
             for op, operands, *_ in walk(reader, page) if op == "BDC" and str(operands[0]) == "/Figure"]
    caption = {"en": "Picture", "fr": "Image"}[lang]
    captioned = [number for number, text in enumerate(text_of(path).split("\f"), start=1)
                 for _ in re.finditer(rf"\b{caption} \d+\s?:", text)]
    assert len(captioned) == 8 and len(reader.pages) >= 3
    assert drawn[:8] == captioned  # the eighth-and-later Figure is the QR code

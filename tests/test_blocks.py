"""Issue 10: the blocks authors reach for (call-out kinds, table captions, quotations with an
attribution) and text that is longer than any line, in every layout and both languages.

Each is checked where a reader meets it: in the PDF's structure tree (what a screen reader
gets), in the HTML and, for words, in the positions poppler reads back from the page."""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
import tinyhtml5
from pypdf.generic import DictionaryObject

from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.project.locales import labels
from pipeline.render.body import render_body
from pipeline.render.pdf import Renderer
from pipeline.source.markdown import Parsed, parser
from pipeline.verify.readback import normalize, spoken

from .conftest import ROOT
from .corpus import CASES, EDITIONS, LANGS, LAYOUTS, pdf_file, rendered_html

NAMES = {"en": {"note": "Note", "warning": "Important", "emergency": "Emergency"},
         "fr": {"note": "À noter", "warning": "Important", "emergency": "Urgence"}}


def body_html(markdown: str, lang: str) -> str:
    parsed = Parsed(lang, parser(lang).parse(markdown))
    return render_body(parsed, None, labels(ROOT / "layouts", lang)).html


def structure(path: Path, kind: str) -> tuple[list[DictionaryObject], list]:
    """Every structure element of type `kind` (/Div, /Table…), in tree order, and the pages."""
    reader = pypdf.PdfReader(path)
    found: list[DictionaryObject] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject) or node.get("/Type") in ("/MCR", "/OBJR"):
            return
        if node.get("/S") == kind:
            found.append(node)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            if not isinstance(kid, int):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found, list(reader.pages)


def heard(element: DictionaryObject, pages: list) -> str:
    return "".join(text for text, _ in spoken(element, pages))


# -- Call-outs ---------------------------------------------------------------------------------

# Written the ways authors write them; each was printed as its own source text before ("::: warning …").
FENCES = [("::: note", "note"), ("::: Note", "note"), ("::: warning", "warning"), ("::: Important", "warning"),
          ("::: emergency", "emergency"), ("::: callout warning", "warning"), ("::: {.callout-warning}", "warning"),
          ("::: {.callout-note}", "note"), ("::: {.callout-important}", "warning"), ("::: {.callout-tip}", "note"),
          ("::: {.callout-caution}", "warning"), ("::: {.emergency}", "emergency"), ("::: Callout", "callout"),
          ("::: callout", "callout")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("fence", "kind"), FENCES, ids=[f for f, _ in FENCES])
def test_every_call_out_form_gives_its_kind(fence: str, kind: str, lang: str) -> None:
    html = body_html(f"{fence}\nCall 911.\n:::\n", lang)
    assert ":::" not in html
    document = tinyhtml5.parse(html)
    div = next(e for e in document.iter() if str(e.tag).endswith("}div"))
    classes = div.get("class").split()
    if kind == "callout":  # the plain key-message box has no printed name
        assert classes == ["callout"]
        return
    assert classes == ["callout", f"callout-{kind}"] and div.get("role") == "note"
    name = next(e for e in div.iter() if e.get("id") == div.get("aria-labelledby"))
    assert name.text == NAMES[lang][kind] and name is div[0], "the name is the call-out's first line"


def test_a_quarto_title_names_the_call_out() -> None:
    html = body_html('::: {.callout-warning title="Before you drive"}\nCheck your blood sugar.\n:::\n', "en")
    assert '<p class="callout-name" id="callout-en-1">Before you drive</p>' in html


@pytest.mark.parametrize(("lang", "layout"), EDITIONS)
def test_call_outs_are_named_in_the_pdf(corpus: Path, lang: str, layout: str) -> None:
    """Each kind's Div carries its name as /T, and is read starting with that name."""
    divs, pages = structure(pdf_file(corpus, "heat-illness", lang, layout), "/Div")
    named = [(str(div["/T"]), heard(div, pages)) for div in divs if "/T" in div]
    wanted = set(NAMES[lang].values()) | (set(NAMES["fr"].values()) if layout == "bilingual" else set())
    assert {name for name, _ in named} == wanted
    for name, text in named:
        assert normalize(text).startswith(normalize(name)), (name, text[:60])


@functools.cache
def _kind_looks(layout_name: str) -> dict[str, tuple]:
    project = load_project(ROOT)
    layout = load_layout(project.layouts_dir, layout_name)
    html = "<html lang=en><body>" + "".join(body_html(f"{fence}\nText.\n:::\n", "en") for fence in
                                           ("::: callout", "::: note", "::: warning", "::: emergency")) + "</body></html>"
    document = Renderer(project)._layout(html, layout, ROOT, ())
    looks = {}
    for box in document.pages[0]._page_box.descendants():
        classes = (box.element.get("class") or "").split() if box.element is not None else []
        if box.element_tag == "div" and "callout" in classes:
            style = box.style
            looks[classes[-1]] = {key: style[key] for key in (
                "border_top_width", "border_top_style", "border_top_color", "border_left_width",
                "border_left_style", "border_left_color", "background_color", "font_weight")}
    return looks


@pytest.mark.parametrize("layout", [*LAYOUTS])
def test_each_call_out_kind_has_its_own_look(layout: str) -> None:
    """Rules, tint and weight tell the kinds apart, also in photocopy, where only black rules are left."""
    looks = _kind_looks(layout)
    assert set(looks) == {"callout", "callout-note", "callout-warning", "callout-emergency"}
    assert len({tuple(look.values()) for look in looks.values()}) == 4, looks
    if layout == "photocopy":
        for look in looks.values():
            assert tuple(look["border_left_color"])[:3] == (0, 0, 0) and tuple(look["background_color"])[3] in (0, 1)
            assert tuple(look["background_color"])[3] == 0 or tuple(look["background_color"])[:3] == (1, 1, 1)


# -- Table captions ----------------------------------------------------------------------------

TABLE = "| Medicine | Dose |\n|---|---|\n| Apixaban | 5 mg |\n"


@pytest.mark.parametrize(("markdown", "lang"), [
    (TABLE + "\nTable: Doses for adults\n", "en"),
    (TABLE + "Table: Doses for adults\n", "en"),  # no blank line: GFM reads it as a last row
    ("Table: Doses for adults\n\n" + TABLE, "en"),
    (TABLE + "\n: Doses for adults\n", "en"),  # Pandoc's short form
    (TABLE + "\nTableau : Doses for adults\n", "fr"),
    (TABLE + "Tableau : Doses for adults\n", "fr"),
], ids=["after", "after-no-blank-line", "before", "pandoc-colon", "french", "french-no-blank-line"])
def test_a_caption_paragraph_becomes_the_tables_caption(markdown: str, lang: str) -> None:
    html = body_html(markdown, lang)
    assert re.search(r"<table>\s*<caption>Doses for adults</caption>", html), html
    assert html.count("<tr>") == 2 and "<p>" not in html


def test_a_paragraph_that_only_mentions_a_table_stays_a_paragraph() -> None:
    html = body_html("Table: this is not next to a table.\n\nNor is this.\n", "en")
    assert "<caption>" not in html and html.count("<p>") == 2


@pytest.mark.parametrize(("lang", "layout"), EDITIONS)
def test_captions_are_tagged_in_their_table(corpus: Path, lang: str, layout: str) -> None:
    """The caption is the Table's first element, read before the header row."""
    path = pdf_file(corpus, "medication-schedule", lang, layout)
    tables, pages = structure(path, "/Table")
    source = (ROOT / "tests" / "fixtures" / "constructs" / "medication-schedule" / f"{lang}.md").read_text(encoding="utf-8")
    captions = re.findall(r"^(?:Table|Tableau) ?: (.+)$", source, re.M)
    if layout == "bilingual":  # the English part's tables, then the French part's
        french = (ROOT / "tests" / "fixtures" / "constructs" / "medication-schedule" / "fr.md").read_text(encoding="utf-8")
        captions += re.findall(r"^(?:Table|Tableau) ?: (.+)$", french, re.M)
    assert len(tables) == len(captions) == (4 if layout == "bilingual" else 2)
    for table, caption in zip(tables, captions):
        first = table["/K"][0].get_object()
        assert first["/S"] == "/Caption"
        assert normalize(heard(first, pages)) == normalize(caption)
        assert normalize(heard(table, pages)).startswith(normalize(caption))


# -- Quotations --------------------------------------------------------------------------------

@pytest.mark.parametrize("markdown", [
    "> It takes one minute.\n>\n> — Marie, nurse\n",
    "> It takes one minute.\n> — Marie, nurse\n",  # the name on the next line, same paragraph
    "> It takes one minute.\n>\n> --- Marie, nurse\n",
], ids=["blank-line", "next-line", "three-hyphens"])
def test_an_attribution_is_set_apart_from_the_quote(markdown: str) -> None:
    html = body_html(markdown, "en")
    assert re.fullmatch(r'<figure class="quotation">\s*<blockquote>\s*<p>It takes one minute.</p>\s*</blockquote>\s*'
                        r'<figcaption class="attribution">— Marie, nurse</figcaption>\s*</figure>\s*', html), html


def test_a_quote_without_attribution_is_a_plain_quote() -> None:
    html = body_html("> It takes one minute.\n> Then you are done.\n", "en")
    assert "figure" not in html and "<blockquote>" in html


@pytest.mark.parametrize(("lang", "layout"), EDITIONS)
def test_quotations_and_attributions_are_tagged_apart(corpus: Path, lang: str, layout: str) -> None:
    """BlockQuote holds the quote only; the attribution is its own Caption, read right after it."""
    for slug in ("heat-illness", "living-with-diabetes"):
        path = pdf_file(corpus, slug, lang, layout)
        quotes, pages = structure(path, "/BlockQuote")
        captions, _ = structure(path, "/Caption")
        attributions = [heard(c, pages) for c in captions if heard(c, pages).lstrip().startswith("—")]
        assert quotes and len(attributions) == len(quotes), slug
        for quote, attribution in zip(quotes, attributions):
            assert "—" not in heard(quote, pages)
            parent = quote["/P"].get_object()
            kids = [kid.get_object() for kid in parent["/K"]]
            assert [kid.get("/S") for kid in kids] == ["/BlockQuote", "/Caption"], slug
            assert heard(kids[1], pages) == attribution


# -- Text longer than the line -----------------------------------------------------------------

@functools.cache
def text_blocks(layout_name: str) -> list[tuple[float, float]]:
    """The left and right edges of a layout's text block, in points (its @page margins), on a
    right-hand and a left-hand page (a booklet's gutter alternates)."""
    project = load_project(ROOT)
    html = '<html lang=en><body><p>x</p><p style="break-before: page">y</p></body></html>'
    document = Renderer(project)._layout(html, load_layout(project.layouts_dir, layout_name), ROOT, ())
    return [(page._page_box.margin_left * 0.75, (page._page_box.margin_width() - page._page_box.margin_right) * 0.75)
            for page in document.pages[:2]]


def word_boxes(path: Path) -> list[tuple[int, float, float, str]]:
    """Every word poppler reads on every page: (page, xMin, xMax, word)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    boxes, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if match:
            boxes.append((page, float(match[1]), float(match[2]), match[3]))
    return boxes


@pytest.mark.parametrize(("slug", "lang", "layout"), CASES)
def test_every_word_is_inside_the_text_block(corpus: Path, slug: str, lang: str, layout: str) -> None:
    """No glyph leaves the text block: a 5,000-letter word, a 3,000-digit number and a long address
    (overlong-words) break inside it like everything else, in every layout."""
    blocks = text_blocks(layout)
    boxes = word_boxes(pdf_file(corpus, slug, lang, layout))
    assert boxes
    outside = [(page, round(x0, 1), round(x1, 1), word[:30]) for page, x0, x1, word in boxes
               if x0 < blocks[(page - 1) % 2][0] - 0.5 or x1 > blocks[(page - 1) % 2][1] + 0.5]
    assert not outside, f"text blocks {blocks}: {outside[:5]}"


def test_overlong_words_are_in_the_corpus(corpus: Path) -> None:
    html = rendered_html(corpus, "overlong-words", "en", "large-print")
    assert re.search(r"[^\s<>]{4995}", html) and "1234567890" * 300 in html

"""Language typography: data-driven cases (tests/fixtures/typography/cases.yml) and the real handouts' HTML."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pypdf
import pytest
import yaml

from pipeline.project.config import FrenchTypography, load_project
from pipeline.project.layouts import load_layout
from pipeline.project.locales import labels
from pipeline.render.body import render_body
from pipeline.render.html import render_html
from pipeline.render.pdf import Renderer
from pipeline.source.markdown import Parsed, parser
from pipeline.source.model import load_handout
from pipeline.verify.readback import spoken

from .conftest import ROOT, copy_project, shared

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "typography" / "cases.yml").read_text(encoding="utf-8"))
NBSP, NNBSP = "\u00a0", "\u202f"


def render_inline(text: str, lang: str, french: FrenchTypography | None = None) -> str:
    """One Markdown paragraph through the handout renderer: smart quotes, typography, links."""
    parsed = Parsed(lang, parser(lang).parse(text))
    html = render_body(parsed, None, labels(ROOT / "layouts", lang), french).html.strip()
    assert html.startswith("<p>") and html.endswith("</p>"), html
    return html[3:-4]


def _show(text: str) -> str:
    return text.replace(NBSP, "⍽").replace(NNBSP, "⎵")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_typography_case(case: dict) -> None:
    french = FrenchTypography(**case["french"]) if "french" in case else None
    result = render_inline(case["input"], case["lang"], french)
    assert _show(result) == _show(case["expected"])


def test_typesetting_twice_changes_nothing() -> None:
    for case in CASES:
        french = FrenchTypography(**case["french"]) if "french" in case else None
        once = render_inline(case["input"], case["lang"], french)
        if "<" not in once:
            assert render_inline(once, case["lang"], french) == once, case["name"]


def _french_html(root: Path, slug: str = "vertebroplasty") -> str:
    project = load_project(root)
    handout, _ = load_handout(project, slug)
    rendered, problems = render_html(project, handout, "fr", load_layout(project.layouts_dir, "letter"))
    assert rendered is not None, problems
    return rendered.html


def test_french_handout_html_has_no_break_spaces() -> None:
    """poppler extracts U+00A0 and U+202F as plain spaces, so the promise is checked on the HTML."""
    html = _french_html(ROOT)
    assert f"colonne{NNBSP}?</h2>" in html                       # body heading (Markdown)
    assert f"Numéro du document{NBSP}: 61301" in html             # label (layouts/locales/fr.yml)
    assert f"symptômes{NNBSP}? Composez le" in html               # handouts.yml contact text
    # Generated dates the French way, the ordinal raised as in the body (the footer keeps it on the line).
    assert 'le 1<sup class="ordinal">er</sup> décembre 2019.' in html
    assert 'Révisé le 1<sup class="ordinal">er</sup> mai 2014' in html
    for bad in (" ?", " :", " !", " ;", "« ", " »"):
        assert bad not in html.split("<main>")[1], f"ordinary space in {bad!r}"


def test_typography_settings_come_from_handouts_yml(tmp_path: Path) -> None:
    root = copy_project(tmp_path, ("vertebroplasty",))
    config = (root / "handouts.yml").read_text(encoding="utf-8")
    start = config.index("typography:")
    end = config.index("\n", config.index("fr:", start))
    (root / "handouts.yml").write_text(
        config[:start] + 'typography:\n  fr: {high_punctuation: "\\u00a0", colon: "\\u202f"}' + config[end:],
        encoding="utf-8")
    html = _french_html(root)
    assert f"colonne{NBSP}?</h2>" in html
    assert f"Numéro du document{NNBSP}: 61301" in html
    assert f"colonne{NNBSP}?" not in html


def test_typography_settings_refuse_breaking_spaces(tmp_path: Path) -> None:
    from pipeline.errors import SourceError

    root = copy_project(tmp_path, ())
    config = (root / "handouts.yml").read_text(encoding="utf-8")
    (root / "handouts.yml").write_text(config.replace('colon: "\\u00a0"', 'colon: " "'), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        load_project(root)
    assert "typography.fr.colon" in str(error.value.format_message())


@pytest.fixture(scope=shared("module"))
def cases_pdf() -> list[str]:
    """Every case's HTML as one paragraph of a letter PDF, and each paragraph as a screen reader gets it."""
    project = load_project(ROOT)
    paragraphs = []
    for case in CASES:
        french = FrenchTypography(**case["french"]) if "french" in case else None
        paragraphs.append(f'<p lang="{case["lang"]}">{render_inline(case["input"], case["lang"], french)}</p>')
    html = f"<!DOCTYPE html><html lang=en><head><title>Cases</title></head><body>{''.join(paragraphs)}</body></html>"
    data = Renderer(project).render(html, load_layout(project.layouts_dir, "letter"), ROOT, Path("cases"), b"0" * 16)
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    return ["".join(text for text, _ in spoken(element.get_object(), list(reader.pages)))
            for element in root["/K"][0].get_object()["/K"]]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_typography_case_in_the_pdf(cases_pdf: list[str], index: int) -> None:
    """The PDF's text layer holds the characters the HTML does, U+00A0 and U+202F included (each
    case is one short line; the invisible word joiner is never drawn)."""
    expected = html.unescape(re.sub(r"<[^>]+>", "", CASES[index]["expected"])).replace("\u2060", "")
    assert _show(cases_pdf[index]) == _show(expected)

"""Colour contrast of every layout's CSS: each text colour against each background it can sit on ≥ 7:1 (WCAG AAA).

The CSS is read as WeasyPrint reads it (@import chain, custom properties, the layout's own rules
last) with tinycss2. Which text lands on which background is not worked out selector by selector:
every text colour a layout declares is checked against every background it declares and the
white paper, which is stricter than the page needs and cannot miss a pair."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import tinycss2
import tinycss2.color3

from pipeline.project.layouts import available, load_layout

from .conftest import ROOT

LAYOUTS = ROOT / "layouts"
WHITE = (1.0, 1.0, 1.0)
TEXT_PROPERTIES = {"color"}
BACKGROUND_PROPERTIES = {"background", "background-color"}


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour with channels in 0..1."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _declarations(rules: list, out: list[tuple[str, list, str]], where: str) -> None:
    """Every declaration, in order, with nested @page margin boxes; `where` names its rule."""
    for rule in rules:
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            body = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
            _declarations(body, out, selector)
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword != "font-face":
            body = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
            _declarations(body, out, f"{where} @{rule.at_keyword}".strip())
        elif rule.type == "declaration":
            out.append((rule.lower_name, rule.value, where))


def stylesheet_declarations(url: str, seen: set[str] | None = None) -> list[tuple[str, list, str]]:
    """Declarations of a stylesheet and, before them, of what it @imports."""
    seen = seen if seen is not None else set()
    if url in seen:
        return []
    seen.add(url)
    rules = tinycss2.parse_stylesheet(Path(urlsplit(url).path).read_text(encoding="utf-8"),
                                      skip_whitespace=True, skip_comments=True)
    out: list[tuple[str, list, str]] = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            target = next(t for t in rule.prelude if t.type in ("url", "string", "function"))
            href = target.value if target.type != "function" else target.arguments[0].value
            out += stylesheet_declarations(urljoin(url, href), seen)
    _declarations([r for r in rules if not (r.type == "at-rule" and r.lower_at_keyword == "import")], out, "")
    return out


def _colour(tokens: list, variables: dict[str, list], where: str) -> list[tuple[float, float, float]]:
    """The opaque colours in a value (var() resolved); transparent, none and keywords give none."""
    colours = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            name = next(t.value for t in token.arguments if t.type == "ident")
            assert name in variables, f"{where}: var({name}) is not defined"
            colours += _colour(variables[name], variables, where)
            continue
        if token.type not in ("hash", "ident", "function"):
            continue
        colour = tinycss2.color3.parse_color(token)
        if colour is None or isinstance(colour, str):  # not a colour, or currentColor
            continue
        assert colour.alpha in (0, 1), f"{where}: translucent colour {tinycss2.serialize([token])}"
        if colour.alpha == 1:
            colours.append((colour.red, colour.green, colour.blue))
    return colours


def palette(layout_name: str) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Text colours and backgrounds a layout declares: {where: rgb}."""
    layout = load_layout(LAYOUTS, layout_name)
    declarations = []
    for sheet in layout.stylesheets:
        declarations += stylesheet_declarations((layout.folder / sheet).resolve().as_uri())
    variables = {name: value for name, value, _ in declarations if name.startswith("--")}
    texts, backgrounds = {}, {"paper": WHITE}
    for name, value, where in declarations:
        if name in TEXT_PROPERTIES:
            for rgb in _colour(value, variables, where):
                texts[f"{where} {{{name}: {tinycss2.serialize(value).strip()}}}"] = rgb
        elif name in BACKGROUND_PROPERTIES:
            for rgb in _colour(value, variables, where):
                backgrounds[f"{where} {{{name}: {tinycss2.serialize(value).strip()}}}"] = rgb
    return texts, backgrounds


STYLED = [name for name in available(LAYOUTS) if load_layout(LAYOUTS, name).stylesheets
          and all((LAYOUTS / name / sheet).is_file() for sheet in load_layout(LAYOUTS, name).stylesheets)]


def test_luminance_follows_wcag() -> None:
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21)
    assert contrast(WHITE, WHITE) == pytest.approx(1)
    assert contrast((0x77 / 255,) * 3, WHITE) == pytest.approx(4.48, abs=0.01)  # the classic #777 on white
    assert contrast((0x0B / 255, 0x3D / 255, 0x6B / 255), WHITE) == pytest.approx(11.09, abs=0.01)  # base.css --accent


@pytest.mark.parametrize("layout", STYLED)
def test_text_contrast_is_aaa(layout: str) -> None:
    texts, backgrounds = palette(layout)
    assert texts, "no text colour found: the parser missed the CSS"
    failures = [f"{text} on {background}: {contrast(fg, bg):.2f}:1"
                for text, fg in texts.items() for background, bg in backgrounds.items() if contrast(fg, bg) < 7]
    assert not failures, "\n".join(failures)


def test_photocopy_is_black_on_white() -> None:
    texts, backgrounds = palette("photocopy")
    assert set(texts.values()) == {(0.0, 0.0, 0.0)}, texts
    assert set(backgrounds.values()) == {WHITE}, backgrounds

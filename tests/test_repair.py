"""Each structure repair, before (plain WeasyPrint) and after (our pipeline), on small documents."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import page
import pypdf
import pytest
import yaml

from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.render.pdf import Renderer
from pipeline.verify import Expect, verify_pdf
from pipeline.verify.checks import project_fonts

from .conftest import ROOT, shared
from .pdfstruct import annotations, artifacts, embedded_fonts, malformed_marked_content, table_headers, tree

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "repair" / "cases.yml").read_text())


def _html(name: str, body: str, lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><title>{name}</title></head><body>{body}</body></html>'


def _as_tuples(value):
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    return value


def _expect(name: str) -> Expect:
    return Expect(name, "en", parts=tuple(tuple(p) for p in CASES[name].get("parts", [])))


@pytest.fixture(scope=shared("module"))
def repaired() -> dict[str, bytes]:
    project = load_project(ROOT)
    renderer = Renderer(project)
    layout = load_layout(project.layouts_dir, "letter")
    return {name: renderer.render(_html(name, case["html"]), layout, project.handouts_dir, Path(name), b"0" * 16)
            for name, case in CASES.items()}


PLAIN_CSS = Path(__file__).parent / "fixtures" / "repair" / "plain.css"
LETTER_CSS = ROOT / "layouts" / "letter" / "style.css"


# fontconfig for the plain side: fonts/ and nothing else, as the pipeline's renderer has. Given
# explicitly, so the "before" never depends on what an earlier test left in os.environ.
FONTS_CONF = """<?xml version="1.0"?>
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def plain_weasyprint(out: Path, documents: dict[str, str], base: Path = ROOT / "handouts",
                     css: Path = PLAIN_CSS) -> dict[str, bytes]:
    """The same documents rendered by plain WeasyPrint (no repairs, project fonts only), in another process."""
    (out / "cases.json").write_text(json.dumps(documents))
    (out / "fonts.conf").write_text(FONTS_CONF.format(fonts=ROOT / "fonts", cache=out / "fontconfig-cache"))
    subprocess.run([sys.executable, str(Path(__file__).parent / "bare_weasyprint.py"), str(out / "cases.json"),
                    str(out), str(base), str(css)], check=True,
                   env={**os.environ, "FONTCONFIG_FILE": str(out / "fonts.conf")})
    return {name: (out / f"{name}.pdf").read_bytes() for name in documents}


@pytest.fixture(scope=shared("module"))
def unrepaired(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return plain_weasyprint(tmp_path_factory.mktemp("bare"),
                            {name: _html(name, case["html"]) for name, case in CASES.items()}, css=LETTER_CSS)


@pytest.mark.parametrize("name", list(CASES))
def test_repaired_structure_is_exact_and_valid(repaired: dict[str, bytes], name: str) -> None:
    data = repaired[name]
    assert tree(data) == (_as_tuples(CASES[name]["repaired"]),)
    assert malformed_marked_content(data) == []
    report = verify_pdf(data, _expect(name), ROOT / "fonts")
    assert report.findings == []
    assert page.validate_pdf_bytes(data, profile="ua1").is_compliant


@pytest.mark.parametrize("name", list(CASES))
def test_unrepaired_weasyprint_fails_our_verify(unrepaired: dict[str, bytes], name: str) -> None:
    findings = verify_pdf(unrepaired[name], _expect(name), ROOT / "fonts").findings
    for expected in CASES[name]["unrepaired"]:
        assert expected in findings
    assert [f for f in findings if not f.startswith("PDF/UA-1 validator")] == CASES[name]["unrepaired"]


@pytest.mark.parametrize(("name", "subtypes"), [("footer", ["Footer"]), ("header", ["Header", "Footer"])])
def test_page_furniture_is_a_pagination_artifact(repaired: dict[str, bytes], name: str, subtypes: list[str]) -> None:
    """@top-* boxes are a /Header, @bottom-* boxes a /Footer (screen readers may skip each kind)."""
    found = artifacts(repaired[name])
    assert [props.replace(" ", "") for props, _ in found] == [
        f"<</Type/Pagination/Subtype/{subtype}>>" for subtype in subtypes]
    assert all(b"TJ" in content for _, content in found)


def test_decorative_image_is_an_artifact(repaired: dict[str, bytes]) -> None:
    found = artifacts(repaired["image"])
    assert len(found) == 3 and all(props == "" and content.strip() for props, content in found)


def test_link_is_described_and_printable(repaired: dict[str, bytes]) -> None:
    (link,) = annotations(repaired["link"])
    assert link["/Contents"] == "Call 811"
    assert int(link["/F"]) & 4


ORDER = ('<ul><li>Alpha item</li><li>Beta item</li></ul>'
         '<figure><img src="vertebroplasty/spine.svg" alt="A spine"><figcaption>Caption text</figcaption></figure>'
         '<p>After</p>')


def test_paint_order_follows_reading_order(tmp_path: Path) -> None:
    """List markers and images are painted where they are read, not after everything else (plain
    WeasyPrint, with its default list style, paints every marker after all the text)."""
    project = load_project(ROOT)
    ours = Renderer(project).render(_html("order", ORDER), load_layout(project.layouts_dir, "letter"),
                                    project.handouts_dir, Path("order"), b"0" * 16)
    (tmp_path / "ours.pdf").write_bytes(ours)
    plain_weasyprint(tmp_path, {"order": _html("order", ORDER)})

    def words(name: str) -> list[str]:
        return subprocess.run(["pdftotext", "-raw", str(tmp_path / name), "-"], capture_output=True,
                              text=True, check=True).stdout.split()

    assert words("ours.pdf")[:6] == ["•", "Alpha", "item", "•", "Beta", "item"]
    plain = words("order.pdf")
    assert plain[:4] == ["Alpha", "item", "Beta", "item"] and plain[-2:] == ["•", "•"]
    # MCIDs are numbered in paint order: the image is painted before its caption, the caption before "After".
    assert tree(ours) == ((
        "Document", {},
        ("L", {}, ("LI", {}, ("Lbl", {}, ("Span", {}, 0)), ("LBody", {}, ("Span", {}, 1))),
                  ("LI", {}, ("Lbl", {}, ("Span", {}, 2)), ("LBody", {}, ("Span", {}, 3)))),
        ("NonStruct", {}, ("Figure", {"Alt": "A spine"}, 4), ("Caption", {}, ("Span", {}, 5))),
        ("P", {}, ("Span", {}, 6))),)


def test_repair_keeps_text_version_and_size(tmp_path: Path) -> None:
    """On a real handout: same text, same PDF version, compressed (within 10% of plain WeasyPrint)."""
    from pipeline.render.html import render_html
    from pipeline.source.model import load_handout

    project = load_project(ROOT)
    layout = load_layout(project.layouts_dir, "letter")
    handout, _ = load_handout(project, "vertebroplasty")
    rendered, _ = render_html(project, handout, "fr", layout)
    ours = Renderer(project).render(rendered.html, layout, handout.folder, Path("fr.md"), b"0" * 16)
    (tmp_path / "ours.pdf").write_bytes(ours)
    plain = plain_weasyprint(tmp_path, {"plain": rendered.html}, handout.folder, LETTER_CSS)["plain"]

    def text(name: str) -> str:
        return subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True,
                              check=True).stdout

    # The same text; pdftotext joins words split by a U+002D at a line end, ours end in U+00AD (issue 10).
    assert text("ours.pdf").replace("\u00ad\n", "") == text("plain.pdf")
    assert ours[:8] == plain[:8] == b"%PDF-1.7"
    assert abs(len(ours) - len(plain)) <= 0.10 * len(plain)
    for name in ("ours.pdf", "plain.pdf"):
        assert subprocess.run(["qpdf", "--check", str(tmp_path / name)], capture_output=True).returncode == 0
    # The same fonts, each an embedded program from fonts/ (PostScript name and creation date).
    fonts = embedded_fonts(ours)
    assert set(fonts.values()) == set(embedded_fonts(plain).values())
    assert {name for name, _ in fonts.values()} >= {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}
    assert set(fonts.values()) <= project_fonts(ROOT / "fonts")


def test_element_split_by_a_page_break_stays_one_element(tmp_path: Path) -> None:
    """A paragraph and a list crossing a page break are one P and one L, not one per page."""
    project = load_project(ROOT)
    words = " ".join(f"word{i}" for i in range(400))
    body = (f'<p style="margin-top: 8.2in">{words}</p>'
            + "<ul>" + "".join(f"<li>item {i}</li>" for i in range(60)) + "</ul>")
    ours = Renderer(project).render(_html("split", body), load_layout(project.layouts_dir, "letter"),
                                    project.handouts_dir, Path("split"), b"0" * 16)
    (document,) = tree(ours)
    assert [node[0] for node in document[2:]] == ["P", "L"]
    assert len(pypdf.PdfReader(io.BytesIO(ours)).pages) >= 3
    paragraph, items = document[2], document[3]
    assert len(paragraph) > 10 and len(items) - 2 == 60
    assert verify_pdf(ours, Expect("split", "en"), ROOT / "fonts").findings == []
    # The plain WeasyPrint tree for the same document has one P and one L per page.
    (plain,) = tree(plain_weasyprint(tmp_path, {"split": _html("split", body)})["split"])
    assert [node[0] for node in plain[2:]].count("P") == 2


def test_long_table_is_one_table_with_its_header_read_once(tmp_path: Path) -> None:
    """A table over three pages: one Table, one THead; the repeated header rows are artifacts, and
    the cells on later pages refer to the first page's header cells."""
    project = load_project(ROOT)
    rows = "".join(f"<tr><td>Row {i}</td><td>{i} mg</td></tr>" for i in range(120))
    body = f'<table><thead><tr><th scope="col">Child</th><th scope="col">Dose</th></tr></thead><tbody>{rows}</tbody></table>'
    ours = Renderer(project).render(_html("table", body), load_layout(project.layouts_dir, "letter"),
                                    project.handouts_dir, Path("table"), b"0" * 16)
    assert len(pypdf.PdfReader(io.BytesIO(ours)).pages) >= 3
    (document,) = tree(ours)
    (table,) = document[2:]
    assert table[0] == "Table"
    assert [part[0] for part in table[2:]].count("THead") == 1
    assert sum(len(part) - 2 for part in table[2:] if part[0] == "TBody") == 120
    repeats = [content for props, content in artifacts(ours) if props == ""]
    assert len(repeats) >= 2 * 2  # two header cells on each continuation page
    assert malformed_marked_content(ours) == []
    # Every cell, on every page, names the one header of its column, as it is on the first page.
    heads, cells = table_headers(ours)
    assert len(heads) == 2 and cells == [[heads[0]], [heads[1]]] * 120
    assert verify_pdf(ours, Expect("table", "en"), ROOT / "fonts").findings == []
    # Plain WeasyPrint: one Table (and one THead, read again) per page.
    (plain,) = tree(plain_weasyprint(tmp_path, {"table": _html("table", body)})["table"])
    assert [node[0] for node in plain[2:]].count("Table") >= 3


def test_long_table_with_row_headers_keeps_each_row_s_own_header(tmp_path: Path) -> None:
    """Over three pages, each dose cell is read with its column's header (the first page's: the
    repeated ones are artifacts) and its own row's header, drawn on its own page and kept."""
    project = load_project(ROOT)
    rows = "".join(f'<tr><th scope="row">Child {i}</th><td>{i} mg</td></tr>' for i in range(120))
    # As our Markdown writes a table with row headers: an empty corner (README, "Tables").
    body = f'<table><thead><tr><th scope="col"></th><th scope="col">Dose</th></tr></thead><tbody>{rows}</tbody></table>'
    ours = Renderer(project).render(_html("rows", body), load_layout(project.layouts_dir, "letter"),
                                    project.handouts_dir, Path("rows"), b"0" * 16)
    assert len(pypdf.PdfReader(io.BytesIO(ours)).pages) >= 3
    heads, cells = table_headers(ours)
    dose, children = heads[0], heads[1:]  # the empty corner heads nothing: it is no TH
    assert len(set(children)) == len(children) == 120 and dose not in children
    assert [sorted(cell) for cell in cells if cell] == [sorted([dose, child]) for child in children]
    assert verify_pdf(ours, Expect("rows", "en"), ROOT / "fonts").findings == []


def test_repairs_refuse_another_weasyprint_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hooks rely on WeasyPrint 70.0's internals: with any other version nothing is rendered,
    and the build says why in one line per PDF (no traceback)."""
    import weasyprint
    from click.testing import CliRunner

    from pipeline.cli import main
    from pipeline.errors import RenderError
    from pipeline.render import tagging

    from .good_project import good_project

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RenderError, match=r"written for WeasyPrint 70\.0, not 71\.0 \(run `make setup`"):
        tagging.install()
    root = good_project(tmp_path)
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--lang", "en", "--layout", "letter", "-j", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "failed   en/sample.pdf: pipeline/render/tagging.py is written for WeasyPrint 70.0, not 71.0" in result.stderr
    assert not (root / "output" / "en" / "sample.pdf").exists()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_decorative_image_in_handout_yml_is_an_artifact_end_to_end(tmp_path: Path, lang: str) -> None:
    """`decorative: true` in handout.yml: the built PDF paints the picture as an artifact (no Figure,
    nothing for a screen reader to announce); its caption is still read, and the PDF verifies.
    Compared with the same handout whose picture has alt text."""
    import shutil

    from pipeline.publish.build import build

    from .good_project import good_project

    root = good_project(tmp_path)
    shutil.copytree(root / "handouts" / "sample", root / "handouts" / "decor")
    meta = root / "handouts" / "decor" / "handout.yml"
    text = meta.read_text(encoding="utf-8").replace('number: "90001"', 'number: "90002"')
    meta.write_text(text[:text.index("    alt:")] + "    decorative: true\n", encoding="utf-8")
    summary = build(load_project(root), ["sample", "decor"], [lang], ["letter"], jobs=1)
    assert summary.count("built") == 2, [o.message for o in summary.outcomes]

    def elements(node) -> list[tuple[str, str]]:
        return [(node[0], node[1].get("Alt", "")),
                *(e for child in node[2:] if isinstance(child, tuple) for e in elements(child))]

    described, decorative = ((root / "output" / lang / f"{slug}.pdf").read_bytes() for slug in ("sample", "decor"))
    alt = yaml.safe_load((root / "handouts" / "sample" / "handout.yml").read_text())["images"]["hands.svg"]["alt"][lang]
    figures = {slug: [a for kind, a in elements(tree(data)[0]) if kind == "Figure"]
               for slug, data in (("sample", described), ("decor", decorative))}
    assert figures["sample"] == [alt, *figures["decor"]]  # the QR code stays a Figure
    assert ("Caption", "") in elements(tree(decorative)[0])
    untyped = {slug: sum(props == "" for props, _ in artifacts(data))
               for slug, data in (("sample", described), ("decor", decorative))}
    assert untyped["decor"] == untyped["sample"] + 1  # the picture, still painted, as an artifact
    assert verify_pdf(decorative, None, ROOT / "fonts").findings == []

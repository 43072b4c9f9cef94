"""verify's own promises on PDFs made to break them: font programs that only look like ours, and
the copyright line and permission notice printed but not read aloud (only in artifacts)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.render.html import render_html
from pipeline.render.pdf import Renderer
from pipeline.source.model import load_handout
from pipeline.verify import Expect, verify_pdf

from .good_project import SLUG, good_project
from .pdfstruct import embedded_fonts

REGULAR = "AtkinsonHyperlegible-Regular"


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


@pytest.mark.parametrize(("change", "shown"), [(_rename, "Imposter-Regular"), (_redate, REGULAR)],
                         ids=["other-postscript-name", "other-creation-date"])
def test_a_font_program_not_from_fonts_is_found(built: Path, change: Callable[[TTFont], None], shown: str) -> None:
    """The label (/BaseFont) still says Atkinson Hyperlegible; the embedded program is another one."""
    project = load_project(built.parent)
    data = (built / "en" / "fever-children.pdf").read_bytes()
    assert verify_pdf(data, None, project.fonts_dir).findings == []
    swapped = _swap_program(data, change)
    base = next(name for name, (program, _) in embedded_fonts(data).items() if program == REGULAR)
    assert base in embedded_fonts(swapped)  # the label is unchanged
    findings = verify_pdf(swapped, None, project.fonts_dir).findings
    assert findings == [f"font {base} ({shown}) is not one of the fonts in fonts/"]


# The layout's legal lines moved out of the tagged body into the running footer: printed on every
# page, never read aloud (page furniture is an artifact).
FOOTER_ONLY = """<style>
.about .copyright, .about .notice { display: none; }
@page { @top-left { content: "{copyright}"; } @top-right { content: "{notice}"; font-size: 4pt; } }
</style></head>"""


@pytest.fixture(scope="module")
def legal_text_in_footer_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Expect]:
    project = load_project(good_project(tmp_path_factory.mktemp("legal")))
    handout, _ = load_handout(project, SLUG)
    layout = load_layout(project.layouts_dir, "letter")
    rendered, _ = render_html(project, handout, "fr", layout)
    expect = Expect.of(rendered)
    html = rendered.html.replace("</head>", FOOTER_ONLY.replace("{copyright}", expect.copyright)
                                 .replace("{notice}", expect.notice), 1)
    pdf = Renderer(project).render(html, layout, handout.folder, Path("fr.md"), b"0" * 16)
    return pdf, expect


def test_legal_text_printed_only_as_page_furniture_is_found(legal_text_in_footer_only: tuple[bytes, Expect]) -> None:
    pdf, expect = legal_text_in_footer_only
    printed = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Droit d’auteur de la Couronne" in printed  # on paper, yes
    findings = verify_pdf(pdf, expect, Path(__file__).parent.parent / "fonts").findings
    assert findings == [f"the copyright line is not in the tagged text: {expect.copyright}",
                        f"the permission notice is not in the tagged text: {expect.notice}"]

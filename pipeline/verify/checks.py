"""Read a PDF back and check what a screen-reader user and a printer rely on.

Goes further than the PDF/UA validator: orphaned marked content, /Lang on parts in another
language, link descriptions, header scopes, fonts that are really ours, and the legal
notices present as real (tagged) text."""

from __future__ import annotations

import dataclasses
import functools
import io
import re
import stat
from pathlib import Path
from typing import Any

import page
import pypdf
from fontTools.ttLib import TTFont
from pypdf.generic import DictionaryObject, IndirectObject

from ..errors import time_limit
from . import readback
from .reader import CMap, Tree, as_dict, array, scan_page

_HEADING = re.compile(r"/H([1-6])\Z")


@dataclasses.dataclass(frozen=True)
class Expect:
    """What the source says the PDF must contain (from the build, or the manifest)."""

    title: str
    lang: str
    copyright: str = ""
    notice: str = ""
    # Text known to be in another language, with that language: each must sit under a /Lang.
    parts: tuple[tuple[str, str], ...] = ()
    # The handout's own text, which the structure tree must read back (verify.readback).
    text: str = ""

    @classmethod
    def of(cls, rendered: Any) -> "Expect":
        """What a handout rendered by pipeline.render.html.render_html must contain."""
        return cls(rendered.title, rendered.lang, rendered.copyright, rendered.notice, tuple(rendered.parts),
                   readback.html_text(rendered.html))


@dataclasses.dataclass
class Report:
    """One PDF's result. `findings` fail it; `advice` are house rules that did not apply as
    requirements (a PDF not built here: it conforms to PDF/UA-1, we ask more of our own)."""

    path: str
    pages: int = 0
    validator: str = ""
    findings: list[str] = dataclasses.field(default_factory=list)
    advice: list[str] = dataclasses.field(default_factory=list)
    # Checks that need the handout's sources, not run on a PDF that was not built here.
    skipped: list[str] = dataclasses.field(default_factory=list)
    # House-rule findings, kept apart until the end (they fail our own PDFs, advise on others').
    house: list[str] = dataclasses.field(default_factory=list)
    # Each finding's level: "PDF/UA-1 7.2" (the clause of ISO 14289-1 it breaks) or "house rule".
    levels: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "pages": self.pages, "validator": self.validator,
                "findings": self.findings, "levels": [self.levels[f] for f in self.findings],
                "advice": self.advice, "skipped": self.skipped}


@functools.cache
def project_fonts(fonts_dir: Path) -> frozenset[tuple[str, int]]:
    """(PostScript name, creation time) of every font in fonts/: what an embedded font must match."""
    found = set()
    for file in sorted(fonts_dir.glob("*.[ot]tf")):
        font = TTFont(file, lazy=True)
        found.add((font["name"].getDebugName(6), font["head"].created))
    return frozenset(found)


def _space(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u2009\u00ad-]+", "", text)


# Each PDF's reading time is bounded (a hostile file must not stall a batch): seconds.
SECONDS_PER_PDF = 20


# Where each PDF/UA-1 finding's requirement is in ISO 14289-1 (first matching start wins).
_CLAUSES = (("PDF/UA-1 validator", "(validator rule)"), ("encrypted", "7.16"), ("the document has no /Lang", "7.2"),
            ("the document language", "7.2"), ("XMP metadata", "5"), ("dc:title", "7.1"),
            ("DisplayDocTitle", "7.1"), ("MarkInfo", "7.1"), ("there is no structure tree", "7.1"),
            ("font ", "7.21.4.1"), ("a Figure", "7.3"), ("a table", "7.5"), ("heading levels", "7.4.2"),
            ("link ", "7.18.5"), ("page ", "7.1"))


def clause(finding: str) -> str:
    """The clause of PDF/UA-1 a finding cites; files that cannot be read at all cite 7.1."""
    return next((number for start, number in _CLAUSES if finding.startswith(start)), "7.1")


# Skipped on a PDF that was not built here: what they check comes from our sources and fonts.
OURS_ONLY = ["fonts: that each embedded font is one of fonts/", "text: the title, copyright line, permission "
             "notice and every word against the handout's source"]


def verify_pdf(source: Path | bytes, expect: Expect | None, fonts_dir: Path, name: str = "",
               ours: bool = True) -> Report:
    """Check one PDF; every problem becomes a finding (an empty list means it passes). Nothing a
    file contains can make this raise or hang: a file that cannot be read fails with a finding.

    Findings are PDF/UA-1 requirements or house rules. `ours` (a PDF built here, the default):
    both fail it. Otherwise house rules are advice, and the checks needing our sources are skipped."""
    report = _verify_file(source, expect, fonts_dir, name, ours)
    report.levels = {f: f"PDF/UA-1 {clause(f)}" for f in report.findings} | {f: "house rule" for f in report.house}
    if ours:
        report.findings += report.house
    else:
        report.advice, report.skipped = report.house, list(OURS_ONLY)
    report.house = []
    return report


def _verify_file(source: Path | bytes, expect: Expect | None, fonts_dir: Path, name: str, ours: bool) -> Report:
    report = Report(name or str(source))
    if isinstance(source, Path):
        try:
            if not stat.S_ISREG(source.stat().st_mode):  # a named pipe would wait for a writer forever
                report.findings.append("not a regular file: cannot be a PDF")
                return report
            data = source.read_bytes()
        except OSError as error:
            report.findings.append(f"cannot be read: {error.strerror}")
            return report
    else:
        data = source
    try:
        with time_limit(SECONDS_PER_PDF, _OutOfTime):
            _verify(data, expect, fonts_dir, report, ours)
    except _OutOfTime:
        report.findings.append(f"took more than {SECONDS_PER_PDF} s to read: damaged, or built to stall readers")
    except Exception as error:  # a damaged or hostile file: whatever the readers raise, the file fails
        report.findings.append(f"damaged: cannot be read fully ({type(error).__name__}: {str(error)[:200]})")
    return report


class _OutOfTime(Exception):
    pass


def _verify(data: bytes, expect: Expect | None, fonts_dir: Path, report: Report, ours: bool) -> None:
    findings, house = report.findings, report.house
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
    except (pypdf.errors.PyPdfError, ValueError) as error:
        findings.append(f"not a readable PDF ({error})")
        return
    if reader.is_encrypted:
        # PDF/UA-1 7.16: nothing may keep assistive technology from the content.
        findings.append("encrypted: a screen reader may be kept out, and its content cannot be verified")
        return
    try:
        validation = page.validate_pdf_bytes(data, profile="ua1")
        pages = list(reader.pages)  # pypdf walks the page tree on every access: once is enough
    except (page.PageError, pypdf.errors.PyPdfError, ValueError) as error:
        findings.append(f"not a readable PDF ({error})")
        return
    report.validator = f"{validation.rules.passed} passed, {validation.rules.failed} failed"
    for failure in validation.failures:
        findings.append(f"PDF/UA-1 validator: {failure.rule_id}: {failure.message}")
    report.pages = len(pages)
    catalog = reader.trailer["/Root"]

    # Document-level identification.
    lang = str(catalog.get("/Lang", ""))
    root_ref = catalog.get("/StructTreeRoot")
    root = root_ref.get_object() if root_ref is not None else DictionaryObject()
    tree = Tree(root)
    if lang and expect and lang.split("-")[0] != expect.lang:
        findings.append(f"the document language is {lang}, not {expect.lang}")
    marked = as_dict(catalog.get("/MarkInfo")).get("/Marked")
    if (marked.get_object() if isinstance(marked, IndirectObject) else marked) != True:  # noqa: E712 (a PDF boolean)
        findings.append("MarkInfo /Marked is not true")
    if not as_dict(catalog.get("/ViewerPreferences")).get("/DisplayDocTitle"):
        findings.append("DisplayDocTitle is not set: viewers would show the file name, not the title")
    xmp = reader.xmp_metadata
    xmp_text = xmp.stream.get_data().decode("utf-8", "replace") if xmp else ""
    if not re.search(r"pdfuaid:part(?:>|=\")1", xmp_text):
        findings.append("XMP metadata does not claim pdfuaid:part 1")
    title = (xmp.dc_title or {}).get("x-default", "") if xmp else ""
    if expect and _space(title) != _space(expect.title):
        findings.append(f'dc:title is "{title}", not the handout title "{expect.title}"')

    # Fonts: embedded, and (ours) programs that really come from fonts/.
    known = project_fonts(fonts_dir) if ours else None
    seen_fonts: set[int] = set()
    for page_obj in pages:
        fonts = as_dict(as_dict(page_obj.get("/Resources")).get("/Font"))
        for key in fonts:
            font_ref = fonts.raw_get(key)
            number = font_ref.idnum if isinstance(font_ref, IndirectObject) else id(font_ref)
            if number in seen_fonts:
                continue
            seen_fonts.add(number)
            findings.extend(_check_font(as_dict(font_ref), known))

    if root_ref is None:
        findings.append("there is no structure tree (StructTreeRoot): the PDF is not tagged")
    else:
        house.extend(_check_parent_tree(root, tree, pages))  # content a reader never reaches; veraPDF accepts it
    required, stricter = _check_elements(tree)
    findings.extend(required)
    house.extend(stricter)
    if expect and expect.text and root_ref is not None:
        house.extend(readback.check(root, pages, expect.text))

    # Marked content: every sequence is an artifact or owned by a reachable element; no loose text.
    texts: list[tuple[str, str]] = []
    fonts: dict[int, tuple[CMap, int]] = {}
    for number, page_obj in enumerate(pages, start=1):
        found, page_texts = scan_page(page_obj, page_obj.indirect_reference.idnum, tree, number, fonts)
        findings.extend(found)
        texts.extend(page_texts)
    if not lang:
        # PDF/UA-1 (7.2) is met when every piece of text has a language some other way: from its
        # structure element or its marked content. We ask our own PDFs for the document's too.
        everywhere = all(text_lang for _, text_lang in texts)
        (house if everywhere else findings).append("the document has no /Lang")

    # Links: described in words and printable.
    for page_obj in pages:
        for annot_ref in array(page_obj.get("/Annots")):
            annot = as_dict(annot_ref)
            if annot.get("/Subtype") != "/Link":
                continue
            contents = str(annot.get("/Contents", ""))
            target = str(as_dict(annot.get("/A")).get("/URI", ""))
            if not contents:  # PDF/UA-1 7.18.5: an alternate description
                findings.append(f'link to "{target}" has no description (no /Contents)')
            elif contents == target or contents.startswith(("tel:", "http:", "https:", "mailto:")):
                house.append(f'link to "{target}" has no description in words (Contents is "{contents}")')
            if not int(annot.get("/F", 0)) & 4:
                house.append(f'link to "{target}" is not set to print (F flag)')
            if getattr(annot_ref, "idnum", None) not in tree.annotations:
                findings.append(f'link to "{target}" is not in the structure tree')

    # The legal text a reader must hear, and text in other languages under the right /Lang.
    if expect:
        tagged = _space("".join(t for t, _ in texts))
        for label, wanted in (("copyright line", expect.copyright), ("permission notice", expect.notice)):
            if wanted and _space(wanted) not in tagged:
                findings.append(f"the {label} is not in the tagged text: {wanted}")
        for wanted, part_lang in expect.parts:
            covered = _space("".join(t for t, lang in texts if lang.split("-")[0] == part_lang))
            if _space(wanted) not in covered:
                findings.append(f'"{wanted}" is not marked as {part_lang} (/Lang)')


def _check_font(font: DictionaryObject, ours: frozenset[tuple[str, int]] | None) -> list[str]:
    """Embedded (PDF/UA-1 7.21.4.1); with `ours`, also one of the project's fonts."""
    base = str(font.get("/BaseFont", "?"))
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None:
        return [f"font {base} is not embedded"]
    descriptor = descriptor.get_object()
    program = next((descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None)
    if program is None:
        return [f"font {base} is not embedded"]
    if ours is None:
        return []
    try:
        embedded = TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)
        identity = (embedded["name"].getDebugName(6), embedded["head"].created)
    except Exception:  # a font program fontTools cannot read is not one of ours
        identity = ("?", 0)
    if ours is not None and identity not in ours:
        return [f"font {base} ({identity[0]}) is not one of the fonts in fonts/"]
    return []


def _check_elements(tree: Tree) -> tuple[list[str], list[str]]:
    """(PDF/UA-1 findings, house-rule findings) about the structure elements."""
    findings: list[str] = []
    house: list[str] = []
    last_heading = 0
    referenced = {str(h) for e in tree.elements if e.get("/S") in ("/TD", "/TH")
                  for h in array(_attributes(e).get("/Headers"))}
    by_cells = {str(h) for e in tree.elements if e.get("/S") == "/TD" for h in array(_attributes(e).get("/Headers"))}
    header_ids = {str(e.get("/ID")) for e in tree.elements if e.get("/S") == "/TH" and "/ID" in e}
    for missing in sorted(referenced - header_ids):  # a reader finds no header: veraPDF does not look
        house.append(f'a table cell refers to header "{missing}", which is not in the structure tree')
    for element in tree.elements:
        kind = str(element.get("/S"))
        if kind == "/Figure" and not str(element.get("/Alt", "")).strip():
            if "/ActualText" in element:  # PDF/UA-1 7.3 accepts a replacement text instead
                house.append("a Figure has /ActualText but no /Alt text")
            else:
                findings.append("a Figure has no /Alt text")
        elif kind == "/TH":
            scoped = _attributes(element).get("/Scope") in ("/Column", "/Row", "/Both")
            # PDF/UA-1 7.5 (Matterhorn 15-003): a TH needs /Scope where the tables are not organized
            # with /Headers and IDs.
            if not scoped and not by_cells:
                findings.append("a table header cell (TH) has no /Scope and no cell refers to it by /Headers")
            elif not scoped and str(element.get("/ID", "")) not in referenced:
                house.append("a table header cell (TH) has no /Scope and no cell refers to it by /Headers")
            elif not scoped:
                house.append("a table header cell (TH) has no /Scope (cells refer to it by /Headers)")
            if str(element.get("/ID", "")) not in by_cells:
                house.append("a table header cell (TH) heads no data cell (no TD refers to it)")
        elif match := _HEADING.match(kind):
            level = int(match.group(1))
            if level > last_heading + 1:
                findings.append(f"heading levels jump from H{last_heading} to H{level}")
            last_heading = level
        if "/Lang" in element and not re.fullmatch(r"[a-zA-Z]{2,3}(-[A-Za-z0-9]+)*", str(element["/Lang"])):
            house.append(f'/Lang "{element["/Lang"]}" is not a well-formed language tag')
    return findings, house


def _attributes(element: DictionaryObject) -> DictionaryObject:
    """An element's table attributes: /A may be one dictionary or an array of them (with
    revision numbers between), several with /O /Table; their entries are merged (14.7.5)."""
    merged = DictionaryObject()
    for attrs in array(element.get("/A")):
        attrs = as_dict(attrs)
        if attrs.get("/O") == "/Table":
            merged.update(attrs)
    return merged


def _check_parent_tree(root: DictionaryObject, tree: Tree, pages: list[Any]) -> list[str]:
    findings = []
    parent_tree = root.get("/ParentTree")
    if parent_tree is None:
        return ["the structure tree has no ParentTree"]
    nums = array(parent_tree.get_object().get("/Nums"))
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page_obj in enumerate(pages, start=1):
        key = page_obj.get("/StructParents")
        if key is None:
            continue
        for mcid, ref in enumerate(array(entries.get(int(key)))):
            if isinstance(ref, IndirectObject) and ref.idnum not in tree.ids:
                findings.append(f"page {number}: ParentTree entry for MCID {mcid} "
                                "points to an element outside the structure tree")
    return findings

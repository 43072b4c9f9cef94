"""Repairs to WeasyPrint's PDF tagging, made where WeasyPrint builds the structure.

WeasyPrint 70 leaves page furniture as orphaned marked content, drops `lang` on inner
elements, gives TH no /Scope, tags decorative images as Figures without /Alt and writes
bare URLs as link descriptions (see docs/accessibility.md). Each fix below hooks one
function of WeasyPrint's drawing or tagging; they are pinned to the version they were
written against, because they rely on its internals.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import pydyf
import weasyprint
from weasyprint import document as wp_document
from weasyprint import pdf as wp_pdf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as wp_stream
from weasyprint.pdf import tags as wp_tags

from ..errors import RenderError

WEASYPRINT_VERSION = "70.0"

# Artifacts of the page being drawn or tagged: id(box) -> artifact property list (or None).
_artifacts: contextvars.ContextVar[dict[int, pydyf.Dictionary | None]] = contextvars.ContextVar("artifacts")

# The HTML element each structure element was made from, during one add_tags call.
_origins: dict[int, Any] = {}
# Table header groups already drawn in this document: a later one is a repeat.
_headers_seen: dict[int, Any] = {}
# Each page's artifacts, found when it is drawn and reused when it is tagged.
_pages: dict[int, dict[int, pydyf.Dictionary | None]] = {}

def _is_decorative(box: Any) -> bool:
    element = box.element
    return (box.element_tag == "img" and element is not None
            and (element.get("alt") == "" or element.get("role") in ("presentation", "none")))


def page_artifacts(page_box: boxes.PageBox) -> dict[int, pydyf.Dictionary | None]:
    """Boxes of one page that are artifacts: margin boxes (header/footer), decorative images and
    table headers repeated from an earlier page. Pages must come in order."""
    if page_box.page_type.index == 0:
        _headers_seen.clear()
    found: dict[int, pydyf.Dictionary | None] = {}
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            keyword = child.at_keyword
            props = pydyf.Dictionary({"Type": "/Pagination"})
            if keyword.startswith("@top"):
                props["Subtype"] = "/Header"
            elif keyword.startswith("@bottom"):
                props["Subtype"] = "/Footer"
            found[id(child)] = props
            for box in child.descendants():
                found[id(box)] = props
        else:
            for box in child.descendants() if isinstance(child, boxes.ParentBox) else ():
                if isinstance(box, boxes.ReplacedBox) and _is_decorative(box):
                    found[id(box)] = None
                elif isinstance(box, boxes.TableRowGroupBox) and box.is_header and box.element is not None:
                    if id(box.element) in _headers_seen:
                        _repeated_header(box, found)
                    _headers_seen[id(box.element)] = box.element  # kept alive: its id stays unique
    return found


def _repeated_header(group: boxes.TableRowGroupBox, found: dict[int, pydyf.Dictionary | None]) -> None:
    """A header row WeasyPrint repeats on a continuation page: paint it as an artifact, so the
    header is read once. WeasyPrint's table tagging still numbers its cells: give them a
    throwaway mark (their IDs are mapped to the first page's header when the tables merge)."""
    found[id(group)] = None
    for box in group.descendants():
        found[id(box)] = None
        if isinstance(box, boxes.TableCellBox):
            box.mark = pydyf.Dictionary({"A": pydyf.Dictionary()})


def _draw_page(page_box: boxes.PageBox, stream: Any) -> None:
    _pages[id(page_box)] = page_artifacts(page_box)  # tagging the page needs the same set
    token = _artifacts.set(_pages[id(page_box)])
    try:
        _original_draw_page(page_box, stream)
    finally:
        _artifacts.reset(token)


@contextlib.contextmanager
def _marked(self: Any, box: Any, tag: str) -> Iterator[None]:
    artifacts = _artifacts.get({})
    if self._tags is None or id(box) not in artifacts:
        with _original_marked(self, box, tag):
            yield
        return
    # Page furniture and decorative images: an artifact, with no MCID and no structure element.
    props = artifacts[id(box)]
    if props is None:
        pydyf.Stream.begin_marked_content(self, "Artifact")
    else:
        pydyf.Stream.begin_marked_content(self, "Artifact", props)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(self)


def _build_box_tree(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any,
                    tags: Any) -> Iterator[pydyf.Dictionary]:
    if isinstance(box, boxes.PageBox):
        token = _artifacts.set(_pages[id(box)] if id(box) in _pages else page_artifacts(box))
        try:
            yield from _original_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags)
        finally:
            _artifacts.reset(token)
        return
    if isinstance(box, boxes.MarginBox) or id(box) in _artifacts.get({}):
        return  # artifacts have no structure element and no ParentTree entry
    if box.element_tag == "table" and isinstance(box, boxes.ParentBox):  # the table's wrapper box
        _settle_scopes(box)
    for element in _original_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        if box.element is not None and box.element_tag not in ("html", "body"):
            _decorate(box, element)
            _origins[id(element)] = box.element
        if element["S"] == "/LI":
            _shape_item(element, pdf)
        elif element["S"] == "/L":
            _nest_lists(element, pdf)
        yield element


def _shape_item(item: pydyf.Dictionary, pdf: Any) -> None:
    """Give an LI the shape PDF/UA wants: its Lbl, then one LBody with everything else.

    Our lists draw their markers inside the line (so they are painted in reading order);
    WeasyPrint then tags the item's text as direct LI kids, or (when the item holds a nested
    list) puts the Lbl inside an LBody made from the item's first line."""
    label: bytes | None = None
    body: pydyf.Dictionary | None = None
    content: list[Any] = []
    for ref in item["K"]:
        kid = _object(pdf, ref) if isinstance(ref, bytes) else None
        if kid is not None and kid.get("S") == "/LBody":
            body = body if body is not None else kid
            for inner in kid["K"]:
                if label is None and isinstance(inner, bytes) and _object(pdf, inner).get("S") == "/Lbl":
                    label = inner
                else:
                    content.append(inner)
        elif kid is not None and kid.get("S") == "/Lbl" and label is None:
            label = ref
        else:
            content.append(ref)
    if body is None and not content:
        return
    if body is None:
        body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference})
        if "Pg" in item:
            body["Pg"] = item["Pg"]
        pdf.add_object(body)
    body["K"] = pydyf.Array(content)
    for ref in content:
        if isinstance(ref, bytes) and _object(pdf, ref).get("Type") == "/StructElem":
            _object(pdf, ref)["P"] = body.reference
    if label is not None:
        _object(pdf, label)["P"] = item.reference
    item["K"] = pydyf.Array(([label] if label is not None else []) + [body.reference])


def _nest_lists(element: pydyf.Dictionary, pdf: Any) -> None:
    """Move each nested list into the LBody of the item it belongs to.

    HTML nests a list inside its item; WeasyPrint 70 hangs it on the outer list, next to the
    item, so a screen reader loses which step a sub-step belongs to."""
    kept: list[Any] = []
    for ref in element["K"]:
        kid = _object(pdf, ref) if isinstance(ref, bytes) else None
        previous = _object(pdf, kept[-1]) if kept and isinstance(kept[-1], bytes) else None
        if (kid is not None and kid.get("S") == "/L" and previous is not None and previous.get("S") == "/LI"
                and previous["K"] and _object(pdf, previous["K"][-1]).get("S") == "/LBody"):
            body = _object(pdf, previous["K"][-1])
            body["K"].append(ref)
            kid["P"] = body.reference
            continue
        kept.append(ref)
    element["K"] = pydyf.Array(kept)


def _object(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _settle_scopes(table: boxes.ParentBox) -> None:
    """Give every TH a scope of "col" or "row" before WeasyPrint links each cell to its headers.

    WeasyPrint takes any TH that is not scope="row" as a column header; a TH without a scope in
    a body row heads its row. Settled here, /Scope and each TD's /Headers agree."""
    for group in table.descendants():
        for row in group.children if isinstance(group, boxes.TableRowGroupBox) else ():
            for cell in row.children:
                if cell.element is not None and cell.element_tag == "th":
                    scope = (cell.element.get("scope") or "").lower()
                    is_row = scope in ("row", "rowgroup") or (not scope and not group.is_header)
                    cell.element.set("scope", "row" if is_row else "col")


def _decorate(box: Any, element: pydyf.Dictionary) -> None:
    """Add what WeasyPrint leaves out of a box's own structure element."""
    lang = box.element.get("lang")
    if lang and element["S"] not in ("/LI",):
        element["Lang"] = pydyf.String(lang)
    if element["S"] == "/TH" and not "".join(box.element.itertext()).strip():
        # An empty corner header heads nothing: it is a plain cell.
        element["S"] = "/TD"
    elif element["S"] == "/TH":
        element["A"]["Scope"] = "/Row" if box.element.get("scope") == "row" else "/Column"  # settled above
    named_by = box.element.get("aria-labelledby")
    if named_by:  # a call-out's name (its first paragraph) as the element's title
        name = next((e for e in box.element.iter() if e.get("id") == named_by), None)
        if name is not None:
            element["T"] = pydyf.String("".join(name.itertext()))


def _add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> None:
    _origins.clear()
    try:
        _original_add_tags(pdf, document, pdf_version, page_streams)
        _merge_split_elements(pdf)
    finally:
        _origins.clear()
        _pages.clear()
        _headers_seen.clear()


def _merge_split_elements(pdf: Any) -> None:
    """One structure element per HTML element, even when it spans pages.

    WeasyPrint tags each page separately, so a paragraph, list or section that crosses a page
    break becomes two elements (and a bilingual document one Part per page). Adjacent siblings
    made from the same HTML element are merged; MCIDs they owned on another page become marked-
    content references, and the ParentTree follows."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    replaced: dict[bytes, bytes] = {}
    for ref in root["K"]:
        _merge_kids(pdf, _object(pdf, ref), replaced)
    if not replaced:
        return
    nums = _object(pdf, root["ParentTree"])["Nums"]
    for index, value in enumerate(nums):
        if isinstance(value, pydyf.Array):
            nums[index] = pydyf.Array(replaced.get(ref, ref) for ref in value)
        elif isinstance(value, bytes):
            nums[index] = replaced.get(value, value)


def _merge_kids(pdf: Any, parent: pydyf.Dictionary, replaced: dict[bytes, bytes]) -> None:
    kept: list[Any] = []
    for kid in parent["K"]:
        previous = _object(pdf, kept[-1]) if kept and isinstance(kept[-1], bytes) else None
        element = _object(pdf, kid) if isinstance(kid, bytes) else None
        origin = _origins.get(id(element)) if element is not None else None
        if (origin is not None and previous is not None and _origins.get(id(previous)) is origin
                and previous["S"] == element["S"]):
            if element["S"] == "/Table":
                _point_headers_at(pdf, element, f"{element.number}-", f"{previous.number}-")
            for inner in element["K"]:
                if isinstance(inner, int):  # an MCID on the other page: reference it with its page
                    inner = pydyf.Dictionary({"Type": "/MCR", "Pg": element["Pg"], "MCID": inner})
                elif isinstance(inner, bytes) and _object(pdf, inner).get("Type") != "/OBJR":
                    _object(pdf, inner)["P"] = kept[-1]
                previous["K"].append(inner)
            replaced[kid] = kept[-1]
            continue
        kept.append(kid)
    parent["K"] = pydyf.Array(kept)
    for kid in kept:
        if isinstance(kid, bytes) and _object(pdf, kid).get("Type") == "/StructElem":
            _merge_kids(pdf, _object(pdf, kid), replaced)


def _header_ids(pdf: Any, element: pydyf.Dictionary) -> Iterator[Any]:
    for kid in element["K"]:
        child = _object(pdf, kid) if isinstance(kid, bytes) else None
        if child is not None and child.get("Type") == "/StructElem":
            if child["S"] == "/TH" and "ID" in child:
                yield child["ID"].string
            yield from _header_ids(pdf, child)


def _point_headers_at(pdf: Any, element: pydyf.Dictionary, old: str, new: str, own: set[str] | None = None) -> None:
    """Cells of a table's continuation refer to its repeated header (now an artifact): refer them
    to the first page's header cells, which have the same rows and columns. Row headers drawn
    on this page keep their own IDs."""
    own = own if own is not None else {str(e) for e in _header_ids(pdf, element)}
    for kid in element["K"]:
        if not isinstance(kid, bytes):
            continue
        child = _object(pdf, kid)
        if child.get("Type") != "/StructElem":
            continue
        headers = child.get("A", {}).get("Headers") if child["S"] == "/TD" else None
        if headers is not None:
            child["A"]["Headers"] = pydyf.Array(
                pydyf.String(h.string.replace(old, new, 1) if h.string.startswith(old) and h.string not in own
                             else h.string)
                for h in headers)
        _point_headers_at(pdf, child, old, new, own)


def _add_links(links_and_anchors: Any, matrix: Any, pdf: Any, page: Any, names: Any, tags: Any) -> None:
    _original_add_links(links_and_anchors, matrix, pdf, page, names, tags)
    for _, target, _, box in links_and_anchors[0]:
        annotation = getattr(box, "link_annotation", None)
        if annotation is None:
            continue
        # Describe the link in words ("Call 811"), not its raw target, and let it print.
        description = box.element.get("title") if box.element is not None else None
        annotation["Contents"] = pydyf.String(description or target)
        annotation["F"] = 4


_original_draw_page = wp_document.draw_page
_original_marked = wp_stream.Stream.marked
_original_build_box_tree = wp_tags._build_box_tree
_original_add_links = wp_pdf.add_links
_original_add_tags = wp_pdf.add_tags


def install() -> None:
    """Hook the repairs into WeasyPrint (idempotent)."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RenderError(f"pipeline/render/tagging.py is written for WeasyPrint {WEASYPRINT_VERSION}, not "
                          f"{weasyprint.__version__} (run `make setup` to install the pinned version; re-check "
                          "the repairs before changing the pin)")
    wp_document.draw_page = _draw_page
    wp_stream.Stream.marked = _marked
    wp_tags._build_box_tree = _build_box_tree
    wp_pdf.add_links = _add_links
    wp_pdf.add_tags = _add_tags

"""Read a PDF's structure tree and marked content back, for tests."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject


def tree(data: bytes) -> tuple:
    """The structure tree as nested tuples: (S, {Lang, Alt, Scope}, children...), MCIDs as ints."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    return tuple(_node(k) for k in _kids(root))


def _kids(obj: Any) -> list:
    value = obj.get("/K")
    if value is None:
        return []
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return list(value) if isinstance(value, ArrayObject) else [value]


def _node(ref: Any) -> Any:
    if isinstance(ref, (int, NumberObject)):
        return int(ref)
    obj = ref.get_object()
    if obj.get("/Type") == "/OBJR":
        return "OBJR"
    if obj.get("/Type") == "/MCR":
        return int(obj["/MCID"])
    info = {}
    if "/Lang" in obj:
        info["Lang"] = str(obj["/Lang"])
    if "/Alt" in obj:
        info["Alt"] = str(obj["/Alt"])
    attrs = obj.get("/A")
    if isinstance(attrs, DictionaryObject) and "/Scope" in attrs:
        info["Scope"] = str(attrs["/Scope"])
    return (str(obj["/S"])[1:], info, *(_node(k) for k in _kids(obj)))


def artifacts(data: bytes) -> list[tuple[str, bytes]]:
    """Every artifact marked-content sequence: (its property list, the content inside)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        content = page.get_contents().get_data()
        for match in re.finditer(rb"/Artifact\s*(<<.*?>>)?\s*BDC|/Artifact\s+BMC", content, re.S):
            end = content.index(b"EMC", match.end())
            found.append(((match.group(1) or b"").decode(), content[match.end():end]))
    return found


def annotations(data: bytes) -> list[DictionaryObject]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]


def embedded_fonts(data: bytes) -> dict[str, tuple[str, int]]:
    """Every font a PDF uses: /BaseFont → (PostScript name, creation time) of the embedded program,
    read from the program itself (("", 0) when nothing is embedded)."""
    from fontTools.ttLib import TTFont

    reader = pypdf.PdfReader(io.BytesIO(data))
    found = {}
    for page in reader.pages:
        for ref in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            program = descriptor.get_object().get("/FontFile2") if descriptor is not None else None
            if program is None:
                found[str(font["/BaseFont"])] = ("", 0)
                continue
            embedded = TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)
            found[str(font["/BaseFont"])] = (embedded["name"].getDebugName(6), embedded["head"].created)
    return found


def malformed_marked_content(data: bytes) -> list[str]:
    """Marked-content operators with the wrong operands (BMC takes a tag; BDC a tag and a property
    list), as a PDF reader parses them: our verify's scan and the validator would read past them."""
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BMC" and not (len(operands) == 1 and isinstance(operands[0], NameObject)):
                found.append(f"page {number}: BMC {operands}")
            elif operator == b"BDC" and not (len(operands) == 2 and isinstance(operands[0], NameObject)
                                             and isinstance(operands[1], (DictionaryObject, NameObject))):
                found.append(f"page {number}: BDC {operands}")
    return found


def table_headers(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The /ID of every TH and the /Headers of every TD, in structure-tree order."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    heads: list[str] = []
    cells: list[list[str]] = []

    def walk(obj: Any) -> None:
        obj = obj.get_object()
        if not isinstance(obj, DictionaryObject):
            return
        if obj.get("/S") == "/TH":
            heads.append(str(obj.get("/ID")))
        elif obj.get("/S") == "/TD":
            attributes = obj.get("/A")
            cells.append([str(h) for h in (attributes.get_object().get("/Headers") or [])] if attributes else [])
        for kid in _kids(obj):
            if not isinstance(kid, (int, NumberObject)):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return heads, cells

"""PDF objects → what verification reads: the structure tree walked once, and each page's marked
content and tagged text (decoded through the fonts' ToUnicode maps)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

# The content-stream operators verification needs: marked content, font selection and text.
# WeasyPrint writes text as hex strings of 2-byte glyph codes, so operator names cannot hide in
# string data. Scanning with one regex is deliberate: pypdf's text extraction cost ~70 ms a
# PDF, more than the render; this pass costs a few milliseconds.
_CONTENT_OPS = re.compile(
    rb"/([A-Za-z]+)\s*(<<.*?>>|/[A-Za-z0-9]+)?\s*(BDC|BMC)\b"
    rb"|\b(EMC)\b"
    rb"|/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf\b"
    rb"|(\[[^\]]*\]|<[0-9A-Fa-f\s]*>)\s*(TJ|Tj)\b", re.S)
_MCID = re.compile(rb"/MCID\s+(\d+)")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)


class Tree:
    """The structure tree, walked once: elements reachable from the root and what they own."""

    def __init__(self, root: DictionaryObject) -> None:
        self.elements: list[DictionaryObject] = []
        self.owned: set[tuple[int, int]] = set()  # (page object number, MCID)
        self.ids: set[int] = set()
        self.langs: dict[tuple[int, int], str] = {}
        self.annotations: set[int] = set()
        for kid in array(root.get("/K")):
            self._walk(kid, None, "")

    def _walk(self, ref: Any, page_ref: Any, lang: str) -> None:
        element = ref.get_object()
        if not isinstance(element, DictionaryObject):
            return
        if isinstance(ref, IndirectObject):
            if ref.idnum in self.ids:
                return
            self.ids.add(ref.idnum)
        if element.get("/Type") == "/OBJR":
            self.annotations.add(element.raw_get("/Obj").idnum)
            return
        if element.get("/Type") == "/MCR":
            key = (element.raw_get("/Pg").idnum if "/Pg" in element else page_ref.idnum, int(element["/MCID"]))
            self.owned.add(key)
            self.langs[key] = lang
            return
        self.elements.append(element)
        page_ref = element.raw_get("/Pg") if "/Pg" in element else page_ref
        lang = str(element.get("/Lang", lang))
        for kid in array(element.get("/K")):
            if isinstance(kid, (int, NumberObject)):
                key = (page_ref.idnum, int(kid))
                self.owned.add(key)
                self.langs[key] = lang
            else:
                self._walk(kid, page_ref, lang)


def array(value: Any) -> list[Any]:
    if value is None:
        return []
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return list(value) if isinstance(value, ArrayObject) else [value]


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    """A font's ToUnicode CMap as {glyph code: text}."""
    cmap: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.get_object().get_data()
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for code, text in zip(codes[::2], codes[1::2]):
            cmap[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in _BFRANGE.findall(data):
        for line in block.strip().splitlines():
            codes = _HEX.findall(line)
            if len(codes) == 3:
                low, high, first = int(codes[0], 16), int(codes[1], 16), int(codes[2], 16)
                for offset in range(high - low + 1):
                    cmap[low + offset] = chr(first + offset)
    return cmap


def content_events(page_obj: Any, fonts: dict[int, dict[int, str]]) -> Iterator[tuple[str, Any]]:
    """A page's content in order, as ("begin", (tag, MCID or None)), ("end", None) and
    ("text", the shown text decoded through its font's ToUnicode map). `fonts` keeps each
    font's map across pages (a font is read once a document)."""
    contents = page_obj.get_contents()
    data = contents.get_data() if contents is not None else b""
    resources = (page_obj.get("/Resources", {}) or {}).get("/Font", {}) or {}
    cmap: dict[int, str] = {}
    for match in _CONTENT_OPS.finditer(data):
        tag, props, marked, emc, font, shown, _ = match.groups()
        if marked:
            mcid = _MCID.search(props or b"")
            yield "begin", (tag.decode(), int(mcid.group(1)) if mcid else None)
        elif emc:
            yield "end", None
        elif font:
            ref = resources.get("/" + font.decode())
            if ref is not None:
                key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
                if key not in fonts:
                    fonts[key] = _to_unicode(ref.get_object())
                cmap = fonts[key]
        else:
            codes = b"".join(bytes.fromhex(h.decode()) for h in _HEX.findall(shown))
            yield "text", "".join(cmap.get(int.from_bytes(codes[i:i + 2], "big"), "") for i in range(0, len(codes), 2))


def scan_page(page_obj: Any, page_ref: int, tree: Tree, number: int,
              fonts: dict[int, dict[int, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """One pass over a page's content: findings about marked content, and its tagged text with /Lang."""
    findings: list[str] = []
    texts: list[tuple[str, str]] = []
    stack: list[tuple[str, int | None]] = []
    for kind, value in content_events(page_obj, fonts):
        if kind == "begin":
            tag, mcid = value
            stack.append(value)
            if tag == "Artifact":
                continue
            if mcid is None:
                if not any(t == "Artifact" for t, _ in stack[:-1]):
                    findings.append(f"page {number}: marked content /{tag} has no MCID and is not an artifact")
            elif (page_ref, mcid) not in tree.owned:
                findings.append(f"page {number}: marked content MCID {mcid} belongs to no structure "
                                "element in the tree (neither tagged nor an artifact)")
        elif kind == "end":
            if stack:
                stack.pop()
        elif not stack:
            findings.append(f"page {number}: text drawn outside any marked content")
        elif all(t != "Artifact" for t, _ in stack):
            mcid = next((m for _, m in reversed(stack) if m is not None), None)
            texts.append((value, tree.langs.get((page_ref, mcid), "") if mcid is not None else ""))
    return findings, texts

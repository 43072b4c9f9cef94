"""PDF objects → what verification reads: the structure tree walked once, and each page's marked
content and tagged text (decoded through the fonts' ToUnicode maps)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

# The content-stream operators verification needs: marked content, font selection and text.
# Scanning with one regex is deliberate: pypdf's text extraction cost ~70 ms a PDF, more than the
# render; this pass costs a few milliseconds. Names follow PDF syntax (digits, #xx escapes:
# /H1, /Text#20body); strings are skipped whole, so an operator inside one is never taken.
_NAME = rb"/((?:[^\s/\[\]<>(){}%#]|#[0-9A-Fa-f]{2})+)"
_CONTENT_OPS = re.compile(
    _NAME + rb"\s*(<<.*?>>|" + _NAME + rb")?\s*(BDC|BMC)\b"
    rb"|\b(EMC)\b"
    rb"|" + _NAME + rb"\s+[-+\d.]+\s+Tf\b"
    rb"|(\[(?:[^\]()]|\((?:[^()\\]|\\.)*\))*\]|<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\))\s*(TJ|Tj|'|\")"
    rb"|\((?:[^()\\]|\\.)*\)"  # any other string: skipped
    rb"|\bBI\b.*?\bEI\b", re.S)  # an inline image: skipped
_MCID = re.compile(rb"/MCID\s+(\d+)")
_LANG = re.compile(rb"/Lang\s*\(((?:[^()\\]|\\.)*)\)")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])")
# The most codes one ToUnicode range may map (a font has at most 65,536 glyphs).
MAX_RANGE = 0x10000


def name(raw: bytes) -> str:
    """A PDF name's text, #xx escapes decoded."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


class Tree:
    """The structure tree, walked once: elements reachable from the root and what they own."""

    def __init__(self, root: DictionaryObject) -> None:
        self.elements: list[DictionaryObject] = []
        self.owned: set[tuple[int, int]] = set()  # (page object number, MCID)
        self.ids: set[int] = set()
        self.langs: dict[tuple[int, int], str] = {}
        self.annotations: set[int] = set()
        for kid in kids(root):
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
            target = element.raw_get("/Obj") if "/Obj" in element else None
            if isinstance(target, IndirectObject):
                self.annotations.add(target.idnum)
            return
        if element.get("/Type") == "/MCR":
            self._own(element.raw_get("/Pg") if "/Pg" in element else page_ref, element.get("/MCID"), lang)
            return
        self.elements.append(element)
        page_ref = element.raw_get("/Pg") if "/Pg" in element else page_ref
        lang = str(element.get("/Lang", lang))
        for kid in kids(element):
            if isinstance(kid, (int, NumberObject)):
                self._own(page_ref, kid, lang)
            else:
                self._walk(kid, page_ref, lang)

    def _own(self, page_ref: Any, mcid: Any, lang: str) -> None:
        """Record marked content an element owns; an MCID with no page to be on is owned by none."""
        if isinstance(page_ref, IndirectObject) and isinstance(mcid, (int, NumberObject)):
            self.owned.add((page_ref.idnum, int(mcid)))
            self.langs[(page_ref.idnum, int(mcid))] = lang


def array(value: Any) -> list[Any]:
    if value is None:
        return []
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return list(value) if isinstance(value, ArrayObject) else [value]


def kids(element: DictionaryObject) -> list[Any]:
    """An element's /K in every form the specification allows: an MCID, an MCR or OBJR
    dictionary, one reference or an array of them; references kept (their object numbers
    identify elements)."""
    if "/K" not in element:
        return []
    raw = element.raw_get("/K")
    target = raw.get_object() if isinstance(raw, IndirectObject) else raw
    if isinstance(target, ArrayObject):
        return list(target)
    return [raw]


class CMap:
    """A font's ToUnicode map (PDF 32000-1 9.10.3): single codes, and ranges kept as ranges (one
    line can span 65,536 codes: expanding them was quadratic work on a hostile file)."""

    def __init__(self) -> None:
        self.single: dict[int, str] = {}
        self.starts: list[int] = []
        self.ranges: list[tuple[int, int, bytes | list[bytes]]] = []

    def get(self, code: int) -> str:
        if code in self.single:
            return self.single[code]
        at = bisect.bisect_right(self.starts, code) - 1
        if at < 0:
            return ""
        low, high, first = self.ranges[at]
        if code > high:
            return ""
        if isinstance(first, list):  # [<dst1> <dst2> …]: one destination per code
            return _utf16(first[code - low]) if code - low < len(first) else ""
        # The destination's last byte is incremented along the range (9.10.3).
        value = int.from_bytes(first, "big") + (code - low)
        return _utf16(value.to_bytes(len(first), "big")) if value < 256 ** len(first) else ""


def _utf16(data: bytes) -> str:
    """UTF-16BE text of a destination; characters past U+10FFFF or lone surrogates become U+FFFD."""
    return data.decode("utf-16-be", "replace")


def _to_unicode(font: DictionaryObject) -> CMap:
    """A font's ToUnicode CMap."""
    cmap = CMap()
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.get_object().get_data()
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for code, text in zip(codes[::2], codes[1::2]):
            cmap.single[int(code or b"0", 16)] = _utf16(_hex(text))
    ranges = []
    for block in _BFRANGE.findall(data):
        for low, high, first in _RANGE.findall(block):
            low_code, high_code = int(low or b"0", 16), int(high or b"0", 16)
            if high_code < low_code or high_code - low_code >= MAX_RANGE:
                continue  # a malformed range maps nothing
            destination: bytes | list[bytes] = (_hex(first[1:-1]) if first.startswith(b"<")
                                                else [_hex(h) for h in _HEX.findall(first)])
            ranges.append((low_code, high_code, destination))
    ranges.sort(key=lambda r: r[0])
    cmap.ranges = ranges
    cmap.starts = [r[0] for r in ranges]
    return cmap


def _hex(text: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", text)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


def as_dict(value: Any) -> DictionaryObject:
    """A dictionary entry resolved, or an empty one where a file has something else there."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _string_bytes(token: bytes) -> bytes:
    """The bytes of a hex <…> or literal (…) string, escapes decoded (7.3.4.2)."""
    if token.startswith(b"<"):
        return _hex(token[1:-1])
    body = token[1:-1]
    return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8) & 0xFF]) if m.group(1)[:1].isdigit()
                  else _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


_STRINGS = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\)", re.S)


def content_events(page_obj: Any, fonts: dict[int, tuple[CMap, int]]) -> Iterator[tuple[str, Any]]:
    """A page's content in order, as ("begin", (tag, MCID or None, /Lang or None)), ("end", None) and
    ("text", the shown text decoded through its font's ToUnicode map). `fonts` keeps each
    font's map and code length across pages (a font is read once a document)."""
    contents = page_obj.get_contents()
    data = contents.get_data() if contents is not None else b""
    resources = as_dict(page_obj.get("/Resources"))
    font_refs, properties = as_dict(resources.get("/Font")), as_dict(resources.get("/Properties"))
    cmap, width = CMap(), 1
    for match in _CONTENT_OPS.finditer(data):
        tag, props, props_name, marked, emc, font, shown, _ = match.groups()
        if marked:
            lang = None
            if props_name:  # /Span /P0 BDC: the properties are in the page's resources
                named = as_dict(properties.get("/" + name(props_name)))
                props = b"/MCID %d" % int(named.get("/MCID", -1))
                lang = str(named["/Lang"]) if "/Lang" in named else None
            mcid = _MCID.search(props or b"")
            said = _LANG.search(props or b"")
            lang = said.group(1).decode("latin-1") if said else lang
            yield "begin", (name(tag), int(mcid.group(1)) if mcid else None, lang)
        elif emc:
            yield "end", None
        elif font:
            raw = font_refs.raw_get("/" + name(font)) if "/" + name(font) in font_refs else None
            if raw is not None:
                key = raw.idnum if isinstance(raw, IndirectObject) else id(raw)
                if key not in fonts:
                    described = as_dict(raw)
                    fonts[key] = (_to_unicode(described), 2 if described.get("/Subtype") == "/Type0" else 1)
                cmap, width = fonts[key]
        elif shown:
            codes = b"".join(_string_bytes(token) for token in _STRINGS.findall(shown))
            yield "text", "".join(cmap.get(int.from_bytes(codes[i:i + width], "big"))
                                  for i in range(0, len(codes), width))


def scan_page(page_obj: Any, page_ref: int, tree: Tree, number: int,
              fonts: dict[int, tuple[CMap, int]]) -> tuple[list[str], list[tuple[str, str]]]:
    """One pass over a page's content: findings about marked content, and its tagged text with /Lang.

    Marked content may nest (14.6): a sequence without an MCID (a /Span with /Lang or
    /ActualText, a wrapper around an artifact) is fine inside one that has an MCID or is an
    artifact; text that is in neither is a finding, once per sequence."""
    findings: list[str] = []
    texts: list[tuple[str, str]] = []
    stack: list[list[Any]] = []  # [tag, MCID or None, already reported, /Lang or None]
    for kind, value in content_events(page_obj, fonts):
        if kind == "begin":
            tag, mcid, lang = value
            stack.append([tag, mcid, False, lang])
            if tag != "Artifact" and mcid is not None and (page_ref, mcid) not in tree.owned:
                findings.append(f"page {number}: marked content MCID {mcid} belongs to no structure "
                                "element in the tree (neither tagged nor an artifact)")
        elif kind == "end":
            if stack:
                stack.pop()
        elif not stack:
            findings.append(f"page {number}: text drawn outside any marked content")
        elif all(entry[0] != "Artifact" for entry in stack):
            mcid = next((entry[1] for entry in reversed(stack) if entry[1] is not None), None)
            if mcid is None and not stack[-1][2]:
                stack[-1][2] = True
                findings.append(f"page {number}: marked content /{stack[-1][0]} holds text but has no MCID "
                                "and is not an artifact")
            # The innermost marked-content /Lang (a /Span <</Lang (fr)>> BDC), else the structure's.
            lang = next((entry[3] for entry in reversed(stack) if entry[3]), None)
            texts.append((value, lang or (tree.langs.get((page_ref, mcid), "") if mcid is not None else "")))
    return findings, texts

"""A tagged PDF → the text a screen reader speaks (structure order, /ActualText and /Alt applied,
artifacts and layout labels skipped), compared with the handout's own text from its HTML.

The comparison is on characters with all spacing removed: line breaks end text runs without a
space, so spacing in the text layer is not reliable, but any split word ("phar-" / "macist"),
doubled or lost character or content out of order changes the character sequence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import tinyhtml5
from pypdf.generic import DictionaryObject, IndirectObject, NumberObject

from .reader import CMap, content_events, kids

SOFT_HYPHEN = "\u00ad"
# Drawn by the layout, not written by the author: list markers. (Page furniture, call-out
# icons and repeated table headers are artifacts and never reach the structure tree.)
_LABELS = ("/Lbl",)
# Invisible characters that carry no text: word joiner, zero-width space and joiners.
_INVISIBLE = dict.fromkeys(map(ord, "\u2060\u200b\u200c\u200d\ufeff"))
_SPACING = re.compile(r"\s+")


def marked_texts(page_obj: Any, fonts: dict[int, tuple[CMap, int]]) -> dict[int, str]:
    """A page's tagged text by MCID, decoded through the fonts' ToUnicode maps."""
    texts: dict[int, str] = {}
    stack: list[int | None] = []
    for kind, value in content_events(page_obj, fonts):
        if kind == "begin":
            tag, mcid, _ = value
            stack.append(None if tag == "Artifact" else mcid)
        elif kind == "end":
            if stack:
                stack.pop()
        elif stack and stack[-1] is not None:
            texts[stack[-1]] = texts.get(stack[-1], "") + value
    return texts


def spoken(root: DictionaryObject, pages: list[Any]) -> list[tuple[str, str]]:
    """The structure tree read in order: (text, language) runs as a screen reader gets them."""
    fonts: dict[int, tuple[CMap, int]] = {}
    by_page: dict[int, tuple[CMap, int]] = {}
    page_objects = {page.indirect_reference.idnum: page for page in pages}
    runs: list[tuple[str, str]] = []
    seen: set[int] = set()

    def text_of(page_ref: Any, mcid: Any) -> str:
        if not isinstance(page_ref, IndirectObject) or not isinstance(mcid, (int, NumberObject)):
            return ""  # an MCID with no page to be on says nothing
        number = page_ref.idnum
        if number not in by_page:
            by_page[number] = marked_texts(page_objects[number], fonts) if number in page_objects else {}
        return by_page[number].get(int(mcid), "")

    def walk(ref: Any, page_ref: Any, lang: str) -> None:
        element = ref.get_object()
        if not isinstance(element, DictionaryObject) or element.get("/Type") == "/OBJR":
            return
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                return
            seen.add(ref.idnum)
        if element.get("/Type") == "/MCR":
            mcr_page = element.raw_get("/Pg") if "/Pg" in element else page_ref
            runs.append((text_of(mcr_page, element.get("/MCID")), lang))
            return
        if element.get("/S") in _LABELS:
            return
        page_ref = element.raw_get("/Pg") if "/Pg" in element else page_ref
        lang = str(element.get("/Lang", lang))
        for replacement in ("/ActualText", "/Alt"):
            if replacement in element:
                runs.append((str(element[replacement]), lang))
                return
        for kid in kids(element):
            if isinstance(kid, (int, NumberObject)):
                runs.append((text_of(page_ref, kid), lang))
            else:
                walk(kid, page_ref, lang)

    for kid in kids(root):
        walk(kid, None, "")
    return runs


def html_text(html: str) -> str:
    """The text an author wrote, as the handout's HTML holds it (parsed as WeasyPrint parses it):
    images by their alt text, SVG pictures by their title; nothing the layout's CSS adds
    (list markers, page numbers)."""
    document = tinyhtml5.parse(html)
    pieces: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in ("head", "script", "style", "title"):
            pass
        elif tag == "img":
            pieces.append(element.get("alt") or "")
        elif tag == "svg":
            title = next((child for child in element if str(child.tag).endswith("}title")), None)
            pieces.append((title.text or "") if title is not None else "")
        else:
            pieces.append(element.text or "")
            for child in element:
                walk(child)
        pieces.append(element.tail or "")

    body = next((child for child in document if str(child.tag).endswith("}body")), document)
    walk(body)
    return "".join(pieces)


def normalize(text: str) -> str:
    """Text as compared: NFC, soft hyphens and invisible joiners dropped, no spacing at all."""
    text = unicodedata.normalize("NFC", text).replace(SOFT_HYPHEN, "").translate(_INVISIBLE)
    return _SPACING.sub("", text.replace("\u00a0", " ").replace("\u202f", " "))


def compare(said: str, wanted: str) -> list[str]:
    """One finding at the first difference between what is spoken and what was written."""
    heard, written = normalize(said), normalize(wanted)
    if heard == written:
        return []
    index = next((i for i, (a, b) in enumerate(zip(heard, written)) if a != b), min(len(heard), len(written)))
    start = max(0, index - 30)
    return [f"read back, the text differs from the handout's at character {index}: a screen reader hears "
            f"\"…{heard[start:index + 30]}…\" where the handout has \"…{written[start:index + 30]}…\" "
            "(spacing ignored)"]


def check(root: DictionaryObject, pages: list[Any], wanted: str) -> list[str]:
    """Findings when the spoken text of a tagged PDF is not the handout's text."""
    return compare("".join(text for text, _ in spoken(root, pages)), wanted)

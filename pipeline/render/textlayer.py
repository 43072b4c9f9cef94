"""Glyphs WeasyPrint draws → the characters they stand for in the text layer: a line-end hyphen
it adds as U+00AD, a narrow no-break space as U+202F.

WeasyPrint 70 maps each glyph to the first text it was drawn for (one ToUnicode entry per glyph):
- the hyphen it adds when it hyphenates a word is the font's U+002D glyph, so the text layer says
  "phar-" / "macist" and a screen reader reads two fragments. ISO 32000-1 (14.8.2.2.3) asks for
  U+00AD there, which text extractors rejoin. `hyphenate-character: "\\ad"` cannot do it: Pango
  draws U+00AD as nothing. So the hyphen is laid out as "-" and, when drawn, its glyph is
  swapped for the font's own U+00AD glyph (a visible hyphen in our fonts);
- our fonts have no U+202F: Pango draws it with the space glyph, which then reads as U+0020 or,
  when a narrow space came first, turns every space into U+202F. It is drawn with the font's
  empty CR glyph instead (never drawn otherwise), followed by the space's advance, and mapped
  to U+202F.
Hard hyphens and ordinary spaces are left alone.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

from fontTools.ttLib import TTFont
from weasyprint.draw import text as wp_text
from weasyprint.layout import inline as wp_inline
from weasyprint.text.ffi import pango

SOFT_HYPHEN = "\u00ad"
NARROW_SPACE = "\u202f"
_HEX_STRING = re.compile(rb"<([0-9a-f]*)>")


def _split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
    result = _original_split_first_line(text, style, *args, **kwargs)
    layout, length = result[0], result[1]
    hyphen = style["hyphenate_character"]
    # Hyphenated: the line drawn holds the hyphen, the source text it consumed does not.
    if hyphen and layout.text.endswith(hyphen) and len(layout.text.encode()) - length == len(hyphen.encode()):
        layout.handouts_hyphenated = True
    return result


@functools.cache
def _glyph_ids(content: bytes, index: int) -> dict[str, Any]:
    """Glyph ids of the characters swapped here in a font program, and the soft hyphen's width."""
    font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    ids = {char: font.getGlyphID(cmap[ord(char)]) for char in "-\u00ad \r" if ord(char) in cmap}
    if SOFT_HYPHEN in ids:
        ids["soft_width"] = round(font["hmtx"][cmap[0xAD]][0] * 1000 / font["head"].unitsPerEm)
    return ids


def _glyphs(textbox: Any) -> list[tuple[Any, str]]:
    """(Pango font, text of its cluster) for every glyph WeasyPrint will write for the first line,
    in the order it writes them (empty glyphs are skipped, as it skips them)."""
    first_line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    found = []
    run = first_line.runs[0]
    while run:
        item, glyphs = run.data.item, run.data.glyphs
        run = run.next
        for i in range(glyphs.num_glyphs):
            if glyphs.glyphs[i].glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            start = item.offset + glyphs.log_clusters[i]
            end = item.offset + (glyphs.log_clusters[i + 1] if i + 1 < glyphs.num_glyphs else item.length)
            found.append((item.analysis.font, utf8[start:end].decode(errors="replace")))
    return found


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    hyphenated = getattr(textbox.pango_layout, "handouts_hyphenated", False)
    if not hyphenated and NARROW_SPACE not in textbox.pango_layout.text:
        return _original_draw_first_line(stream, textbox, *args, **kwargs)
    glyphs = _glyphs(textbox)
    start = len(stream.stream)
    result = _original_draw_first_line(stream, textbox, *args, **kwargs)
    # What each written glyph becomes: {position among the written glyphs: (font, new id, text)}.
    swaps: dict[int, tuple[Any, int, int, str]] = {}
    for position, (pango_font, text) in enumerate(glyphs):
        last = position == len(glyphs) - 1
        if text == NARROW_SPACE or (hyphenated and last):
            font, _ = stream.add_font(pango_font)  # already added by the drawing: the same object
            ids = _glyph_ids(font.file_content, font.index)
            if text == NARROW_SPACE and " " in ids and "\r" in ids:
                swaps[position] = (font, ids[" "], ids["\r"], NARROW_SPACE)
                font.widths[ids["\r"]] = 0  # as in the font program; the gap is a TJ displacement
                if font.to_unicode.get(ids[" "]) == NARROW_SPACE:
                    font.to_unicode[ids[" "]] = " "
            elif text != NARROW_SPACE and "-" in ids and SOFT_HYPHEN in ids:
                swaps[position] = (font, ids["-"], ids[SOFT_HYPHEN], SOFT_HYPHEN)
                font.widths[ids[SOFT_HYPHEN]] = ids["soft_width"]
    if swaps:
        _rewrite(stream.stream, start, swaps)
    return result


def _rewrite(items: list[Any], start: int, swaps: dict[int, tuple[Any, int, int, str]]) -> None:
    """Swap glyph ids in the strings just shown (4 hex digits a glyph, in drawing order)."""
    position = 0
    for index in range(start, len(items)):
        item = items[index]
        if not (isinstance(item, bytes) and item.endswith(b"] TJ")):
            continue
        parts, last = [], 0
        for match in _HEX_STRING.finditer(item):
            codes = match.group(1)
            out = bytearray()
            for offset in range(0, len(codes), 4):
                swap = swaps.get(position)
                if swap is not None and int(codes[offset:offset + 4], 16) == swap[1]:
                    font, old, glyph, text = swap
                    out += f"{glyph:04x}".encode()
                    font.to_unicode[glyph] = text
                    if text == NARROW_SPACE:  # the empty glyph has no advance: move by the space's
                        out += f">{-font.widths[old]}<".encode()
                else:
                    out += codes[offset:offset + 4]
                position += 1
            parts.append(item[last:match.start(1)] + bytes(out))
            last = match.end(1)
        items[index] = b"".join(parts) + item[last:]


_original_split_first_line = wp_inline.split_first_line
_original_draw_first_line = wp_text.draw_first_line


def install() -> None:
    """Hook the glyph swaps into WeasyPrint (idempotent; pinned with pipeline.render.tagging)."""
    wp_inline.split_first_line = _split_first_line
    wp_text.draw_first_line = _draw_first_line

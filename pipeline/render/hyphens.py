"""Line-end hyphens WeasyPrint adds → drawn with the font's soft-hyphen glyph and mapped to U+00AD.

WeasyPrint 70 draws the hyphen it adds when it hyphenates a word with the font's U+002D glyph,
so the text layer says "phar-" / "macist" and a screen reader reads two fragments. ISO 32000-1
(14.8.2.2.3) asks for U+00AD there, which text extractors rejoin. `hyphenate-character: "\\ad"`
cannot do it: Pango treats U+00AD as invisible and draws nothing. So the hyphen is laid out as
"-" and, when drawn, its glyph is swapped for the font's own U+00AD glyph (a visible hyphen in
our fonts), which the ToUnicode map then gives as U+00AD. Hard hyphens are left alone.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

from fontTools.ttLib import TTFont
from weasyprint.draw import text as wp_text
from weasyprint.layout import inline as wp_inline

SOFT_HYPHEN = "\u00ad"
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
def _glyph_ids(content: bytes, index: int) -> tuple[int, int, int] | None:
    """The glyph ids of U+002D and U+00AD in a font program, and the soft hyphen's width (1/1000 em)."""
    font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    if 0x2D not in cmap or 0xAD not in cmap:
        return None
    width = round(font["hmtx"][cmap[0xAD]][0] * 1000 / font["head"].unitsPerEm)
    return font.getGlyphID(cmap[0x2D]), font.getGlyphID(cmap[0xAD]), width


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    if not getattr(textbox.pango_layout, "handouts_hyphenated", False):
        return _original_draw_first_line(stream, textbox, *args, **kwargs)
    start = len(stream.stream)
    result = _original_draw_first_line(stream, textbox, *args, **kwargs)
    pango_font = _last_glyph_font(textbox)
    if pango_font is None:
        return result
    font, _ = stream.add_font(pango_font)  # the font the hyphen was drawn with (already added)
    ids = _glyph_ids(font.file_content, font.index)
    if ids is None:
        return result
    hyphen, soft, width = ids
    # The hyphen is the last glyph of the last string shown for this line.
    for position in range(len(stream.stream) - 1, start - 1, -1):
        item = stream.stream[position]
        if isinstance(item, bytes) and item.endswith(b"] TJ"):
            last = [m for m in _HEX_STRING.finditer(item) if len(m.group(1)) >= 4][-1:]
            if last and int(last[0].group(1)[-4:], 16) == hyphen:
                end = last[0].end(1)
                stream.stream[position] = item[:end - 4] + f"{soft:04x}".encode() + item[end:]
                font.to_unicode[soft] = SOFT_HYPHEN
                font.widths[soft] = width
            break
    return result


def _last_glyph_font(textbox: Any) -> Any:
    first_line, _ = textbox.pango_layout.get_first_line()
    run, font = first_line.runs[0], None
    while run:
        font = run.data.item.analysis.font
        run = run.next
    return font


_original_split_first_line = wp_inline.split_first_line
_original_draw_first_line = wp_text.draw_first_line


def install() -> None:
    """Hook the soft-hyphen drawing into WeasyPrint (idempotent; pinned with pipeline.render.tagging)."""
    wp_inline.split_first_line = _split_first_line
    wp_text.draw_first_line = _draw_first_line

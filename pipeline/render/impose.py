"""Booklet imposition: letter pages 2-up on landscape letter, in saddle-stitch order (pypdf)."""

from __future__ import annotations

import io

import pypdf
from pypdf import PageObject, Transformation

LANDSCAPE_LETTER = (792.0, 612.0)


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes of each printed side; None is a blank added to reach a multiple of 4."""
    total = -(-pages // 4) * 4
    def real(index: int) -> int | None:
        return index if index < pages else None

    sides = []
    for sheet in range(total // 4):
        sides.append((real(total - 1 - 2 * sheet), real(2 * sheet)))          # front of the sheet
        sides.append((real(2 * sheet + 1), real(total - 2 - 2 * sheet)))      # back of the sheet
    return sides


def impose(pdf: bytes, title: str, note: str, identifier: bytes) -> bytes:
    """A print-only booklet of `pdf`. It makes no PDF/UA claim: `note` (in its metadata) says where
    the accessible edition is. `identifier` becomes the file /ID, so equal inputs give equal bytes."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    width, height = LANDSCAPE_LETTER
    for left, right in saddle_stitch_order(len(reader.pages)):
        sheet = PageObject.create_blank_page(width=width, height=height)
        for slot, index in enumerate((left, right)):
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            scale = min((width / 2) / float(box.width), height / float(box.height))
            x = slot * width / 2 + (width / 2 - float(box.width) * scale) / 2
            y = (height - float(box.height) * scale) / 2
            sheet.merge_transformed_page(page, Transformation().scale(scale).translate(x, y))
        writer.add_page(sheet)
    for page in writer.pages:
        page.compress_content_streams()
    writer.add_metadata({"/Title": title, "/Subject": note, "/Producer": "handouts (booklet imposition)"})
    writer._ID = pypdf.generic.ArrayObject([pypdf.generic.ByteStringObject(identifier)] * 2)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

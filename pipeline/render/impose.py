"""Booklet imposition: half-size pages 2-up at 100 % on a landscape sheet, in saddle-stitch order (pypdf)."""

from __future__ import annotations

import io

import pypdf
from pypdf import PageObject, Transformation
from pypdf.generic import NameObject


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


def impose(pdf: bytes, sheet: tuple[float, float], title: str, note: str, identifier: bytes) -> bytes:
    """A print-only booklet of `pdf`, whose pages are all one size: each pair side by side, unscaled,
    centred on a `sheet` (width, height in points: half-letter pages fill landscape letter
    exactly; A5 pages leave 0.5 mm each side of landscape A4). It makes no PDF/UA claim: `note`
    (in its metadata) says where the accessible edition is. The print dialog starts at 100 %,
    double-sided, flipped on the short edge. `identifier` becomes the file /ID, so equal inputs
    give equal bytes."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    box = reader.pages[0].mediabox
    width, height = float(box.width), float(box.height)
    left_x, bottom = (sheet[0] - 2 * width) / 2, (sheet[1] - height) / 2
    for left, right in saddle_stitch_order(len(reader.pages)):
        side = PageObject.create_blank_page(width=sheet[0], height=sheet[1])
        for slot, index in enumerate((left, right)):
            if index is not None:
                side.merge_transformed_page(reader.pages[index],
                                            Transformation().translate(left_x + slot * width, bottom))
        writer.add_page(side)
    for page in writer.pages:
        page.compress_content_streams()
    writer.add_metadata({"/Title": title, "/Subject": note, "/Producer": "handouts (booklet imposition)"})
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject("/DuplexFlipShortEdge")
    preferences.print_scaling = NameObject("/None")
    writer._ID = pypdf.generic.ArrayObject([pypdf.generic.ByteStringObject(identifier)] * 2)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

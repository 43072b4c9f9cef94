"""A laid-out WeasyPrint document → how full each page is, measured from its boxes; and whether
copy-fitting is worth a second layout (over budget by one page, or a nearly empty last page)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from weasyprint.formatting_structure import boxes

PX_TO_PT = 0.75


@dataclasses.dataclass(frozen=True)
class Goal:
    """What the pages should come to: at most `budget` pages (None: no budget), and a last page
    filled at least `last_page_fill` of its text area."""

    budget: int | None
    last_page_fill: float


@dataclasses.dataclass(frozen=True)
class Fill:
    """Each page's used share of its text area (0–1), the text area's height and the body text's
    line height, both in points."""

    used: tuple[float, ...]
    area: float
    line: float

    @property
    def pages(self) -> int:
        return len(self.used)

    @property
    def last(self) -> float:
        return self.used[-1] if self.used else 0.0

    def lines_over(self, budget: int | None) -> int:
        """About how many body lines too long the document is for `budget` pages (0 within
        budget): the content on the pages past the budget, less the room left at the foot of the
        last page within it. Room on earlier pages is not counted: a page is left short by a
        block kept whole or by a part that starts on a new page (bilingual), and cutting text
        elsewhere does not fill it. At least 1 when it is over."""
        if budget is None or self.pages <= budget:
            return 0
        excess = (sum(self.used[budget:]) - (1 - self.used[budget - 1])) * self.area
        return max(1, math.ceil(excess / self.line - 0.05))

    def lines_on(self, first: int) -> int:
        """Body lines' worth of content on the pages from index `first` on."""
        return round(sum(self.used[first:]) * self.area / self.line)

    def nearly_empty(self, goal: Goal) -> bool:
        return self.pages > 1 and self.last < goal.last_page_fill

    def wants_fit(self, goal: Goal) -> bool:
        """Worth trying to save a page: one page over budget, or a nearly empty last page."""
        return self.nearly_empty(goal) or (goal.budget is not None and self.pages == goal.budget + 1)


def _bottom(box: Any) -> float | None:
    """Where a box's painted content ends, or None for a box that paints nothing itself."""
    if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
        return box.border_box_y() + box.border_height()
    style = box.style
    if style["border_bottom_width"] or style["background_color"].alpha:
        return box.border_box_y() + box.border_height()
    return None


def _line_height(style: Any) -> float:
    """The root element's line height in CSS pixels (the body text's)."""
    value = style["line_height"]
    if value == "normal":
        return style["font_size"] * 1.2
    if hasattr(value, "unit"):
        return value.value if value.unit == "px" else style["font_size"] * value.value / 100
    return style["font_size"] * value


def measure(document: Any) -> Fill:
    """How full each page of a rendered `weasyprint.Document` is: from the top of the text area
    to the bottom of the lowest line, picture, rule or shaded box drawn in it (the running
    header and footer are not counted)."""
    used = []
    area = line = 0.0
    for page in document.pages:
        page_box = page._page_box
        top, area = page_box.content_box_y(), page_box.height
        bottom = top
        for root in page_box.children:
            if isinstance(root, boxes.MarginBox):
                continue
            line = _line_height(root.style)
            for box in root.descendants():
                # The root and body span the page; the paper's colour is not content.
                if box is root or box.element_tag == "body":
                    continue
                end = _bottom(box)
                if end is not None and end > bottom:
                    bottom = end
        used.append(round(min(1.0, max(0.0, (bottom - top) / area)), 4))
    return Fill(tuple(used), area * PX_TO_PT, line * PX_TO_PT)

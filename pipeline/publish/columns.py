"""Columns of (text, colour) cells → the lines of a table that fits a terminal's width.

Nothing is cut while there is room. When the table is too wide, the columns that are only nice
to have go first; then, if the rest cannot fit even cut short, the least needed of them; then
cells are cut, with "…", where the fewest are cut, down to each column's least width.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools

import click

GAP = 2  # spaces between columns
NICE = 3  # a column kept at this level or below goes before anything is cut
ALWAYS = 9  # a column kept at this level is never dropped


@dataclasses.dataclass
class Column:
    header: str
    cells: list[tuple[str, str | None]]  # (text, colour or None), one per row
    keep: int = ALWAYS  # the lowest goes first when the table is too wide
    least: int = 0  # the width it may be cut down to (0: never cut)

    @functools.cached_property  # asked for again and again while fitting: the cells do not change
    def natural(self) -> int:
        return max([len(self.header)] + [len(text) for text, _ in self.cells])

    @property
    def narrowest(self) -> int:
        return min(self.natural, self.least) if self.least else self.natural


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, "…" marking a cut."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _total(widths: list[int]) -> int:
    return sum(widths) + GAP * (len(widths) - 1)


def fit(columns: list[Column], width: int, spans: dict[int, tuple[str, str | None]] | None = None) -> list[str]:
    """The header and one line per row, at most `width` characters each (when the unshrinkable
    columns fit at all). `spans`: rows whose first cell is followed by one text across the rest
    of the line (a handout that cannot be read), which does not set any column's width."""
    spans = spans or {}
    shown = list(columns)
    droppable = sorted((c for c in shown if c.keep < ALWAYS), key=lambda c: c.keep)
    for column in droppable:
        if column.keep > NICE and _total([c.narrowest for c in shown]) <= width:
            break
        if column.keep <= NICE and _total([c.natural for c in shown]) <= width:
            continue
        shown.remove(column)
    widths = [c.natural for c in shown]
    # Each character cut where it cuts the fewest cells (a long outlier before a whole column),
    # then where there is most to spare.
    lengths = [sorted([len(c.header)] + [len(t) for row, (t, _) in enumerate(c.cells) if row not in spans])
               for c in shown]
    while _total(widths) > width:
        options = [(len(lengths[i]) - bisect.bisect_right(lengths[i], widths[i] - 1), c.narrowest - widths[i], i)
                   for i, c in enumerate(shown) if widths[i] > c.narrowest]
        if not options:
            break
        widths[min(options)[2]] -= 1
    lines = ["  ".join(cut(c.header, w).ljust(w) for c, w in zip(shown, widths)).rstrip()]
    for row in range(len(columns[0].cells) if columns else 0):
        if row in spans:
            text, colour = spans[row]
            first = cut(shown[0].cells[row][0], widths[0]).ljust(widths[0])
            lines.append(first + " " * GAP + _styled(cut(text, max(width - widths[0] - GAP, 1)), colour))
            continue
        cells = []
        for column, cell_width in zip(shown, widths):
            text, colour = column.cells[row]
            text = cut(text, cell_width)
            cells.append(_styled(text, colour) + " " * (cell_width - len(text)))
        lines.append("  ".join(cells).rstrip())
    return lines


def _styled(text: str, colour: str | None) -> str:
    return click.style(text, fg=colour) if colour else text

"""An HTML table → a Markdown table (header row, row headers, merged cells split), or its cells' content
when the table only lays out the page."""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

from .constructs import ROW_HEADERS, row_header
from .document import Point

Block = list[str]
# How a caption paragraph starts (README, "Tables"), by language.
CAPTION = {"en": "Table:", "fr": "Tableau :"}
_CELL_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "table")


def _rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The table's own rows (not those of a table inside a cell), in order."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _cells(row: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _is_layout(table: lxml_html.HtmlElement, rows: list) -> bool:
    """A table that only places blocks on the page (old sites): headings or tables in cells, one column,
    several paragraphs in a cell, or role=presentation."""
    if table.get("role") in ("presentation", "none"):
        return True
    cells = [c for r in rows for c in _cells(r)]
    if not cells or max(len(_cells(r)) for r in rows) == 1:
        return True
    for cell in cells:
        if any(e.tag in _CELL_BLOCKS for e in cell.iterdescendants()):
            return True
        if sum(1 for e in cell if isinstance(e.tag, str) and e.tag in ("p", "ul", "ol", "div")) > 2:
            return True
    return False


def _span(cell: lxml_html.HtmlElement, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name) or 1), 50))
    except ValueError:
        return 1


def table_blocks(converter: Any, table: lxml_html.HtmlElement, marked: bool) -> list[Block]:
    """Blocks for one table; `marked`: the document says its first column holds row headers (Word)."""
    ex = converter.ex
    rows = _rows(table)
    if _is_layout(table, rows):
        blocks: list[Block] = []
        for row in rows:
            for cell in _cells(row):
                blocks += converter.children(cell)
        return blocks
    caption = table.find("caption")
    before = converter.paragraph(caption, breaks=False) if caption is not None else []
    if before and not before[0][0].startswith("!["):  # the Markdown's caption: "Table: …" right above the table
        before[0] = [f"{CAPTION[ex.lang]} {' '.join(before[0])}"]
    pending: list[Block] = []
    grid: list[list[tuple[str, bool] | None]] = []
    heads: list[bool] = []
    carried: dict[tuple[int, int], bool] = {}
    joined = False
    for r, row in enumerate(rows):
        line: list[tuple[str, bool] | None] = []
        column = 0
        for cell in _cells(row):
            while (r, column) in carried:
                line.append(("", carried.pop((r, column))))
                column += 1
            converter.pending = []
            parts = converter.children(cell)
            pending += converter.pending
            texts = [re.sub(r"^(?:-|\d+\.)\s+", "", " ".join(x.strip() for x in block)) for block in parts
                     if not block[0].startswith("![")]
            pending += [block for block in parts if block[0].startswith("![")]
            joined = joined or len(texts) > 1
            text = "; ".join(t for t in texts if t)
            whole = re.fullmatch(r"\*\*([^*]+)\*\*", text)
            text = whole.group(1) if whole else text  # a cell in bold is bold in the layout's own style
            is_head = cell.tag == "th"
            line.append((text, is_head))
            for extra in range(1, _span(cell, "colspan")):
                line.append(("", is_head))
            for down in range(1, _span(cell, "rowspan")):
                for across in range(_span(cell, "colspan")):
                    carried[(r + down, column + across)] = is_head
            column += _span(cell, "colspan")
        grid.append(line)
        heads.append(row.getparent().tag == "thead" or (bool(line) and all(h for _, h in line)))
    if not grid or not any(grid):
        return before
    width = max(len(line) for line in grid)
    grid = [line + [("", False)] * (width - len(line)) for line in grid]
    origin = ex.origin(table, " ".join(" ".join(table.itertext()).split())[:60])
    header_at = heads.index(True) if True in heads else 0
    if True not in heads:
        ex.points.append(Point("this table had no header row: its first row became the header; check it", origin,
                               ("body", f"| {grid[0][0][0]}" if grid[0][0][0] else "|")))
    header = grid[header_at]
    body = grid[:header_at] + grid[header_at + 1:]
    row_headers = marked or (bool(body) and all(line[0][1] for line in body))
    corner = header[0][0]
    if row_headers and ROW_HEADERS:  # an empty top-left cell makes the first column row headers
        header = [("", True), *header[1:]]
    lines = ["| " + " | ".join(text for text, _ in header) + " |", "|" + "---|" * width]
    at = ("body", lines[0])  # points are located at the table's header row
    if any(_span(c, "colspan") > 1 or _span(c, "rowspan") > 1 for r in rows for c in _cells(r)):
        ex.points.append(Point("this table had merged cells: they were split, with the text in the first; check it",
                               origin, at))
    if joined:
        ex.points.append(Point("a cell of this table held several paragraphs or a list: they are joined on one line",
                               origin, at))
    if row_headers and not ROW_HEADERS:
        ex.points.append(Point("this table's first column holds row headers, which the Markdown cannot mark yet: "
                               "they are written as ordinary cells", origin, at))
    elif row_headers and corner:
        ex.points.append(Point(f'this table\'s first column holds row headers: its top-left cell "{corner}" was '
                               "emptied, which is how the Markdown marks them; if the reader needs that word, put it "
                               "in the caption (Table: …)", origin, at))
    for line in body:
        cells = [row_header(line[0][0]) if row_headers else line[0][0]] + [text for text, _ in line[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return before + [lines] + pending

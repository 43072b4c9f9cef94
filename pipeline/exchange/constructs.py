"""Our Markdown constructs as the importer writes them: which boxes are call-outs of which kind, the call-out
and row-header syntax. The one place to change when the Markdown gains a construct."""

from __future__ import annotations

import re

from lxml import html as lxml_html

# Class words (split on - _ and spaces) that make a box a call-out, by kind; the first kind that matches wins,
# so "alert alert-danger" is an emergency and "callout callout--warning" a warning.
_KIND_WORDS = (
    ("emergency", {"danger", "emergency", "urgent", "critical", "urgence"}),
    ("note", {"info", "note", "notice", "tip", "hint"}),
    ("warning", {"warning", "caution", "important", "alert", "avertissement"}),
    ("note", {"callout", "highlight", "admonition", "box", "encadre"}),
)
_OURS = re.compile(r"^callout-(note|warning|emergency)$")
BOX_TAGS = ("div", "aside", "section", "blockquote")

# How each kind is written. Main's Markdown has one call-out (`::: callout`); kinds map here.
CALLOUT_SYNTAX = {"note": "callout", "warning": "callout", "emergency": "callout"}
# Whether lists may be nested. The layouts draw nested lists (– and • alternating, lettered sub-steps) and
# tag each one inside its parent item; when False, a nested list is written into its parent item's text.
NESTED_LISTS = True
# Lists nested deeper than this are hard to follow (and check refuses nesting past nine levels): the deeper
# items are written into their item at this level.
MAX_LIST_LEVELS = 4
# Whether the Markdown can say that a table's first column holds row headers: it can, by an empty top-left
# header cell (README, "Tables"). When False, they are written as ordinary cells and IMPORT.md says so.
ROW_HEADERS = True


def callout_kind(element: lxml_html.HtmlElement) -> str | None:
    """"note", "warning" or "emergency" when this element is a call-out box, else None."""
    if not isinstance(element.tag, str) or element.tag not in BOX_TAGS:
        return None
    classes = (element.get("class") or "").lower()
    for name in classes.split():
        if _OURS.match(name):
            return _OURS.match(name).group(1)
    words = set(re.split(r"[-_\s]+", classes)) - {""}
    for kind, names in _KIND_WORDS:
        if words & names:
            return kind
    role = element.get("role") or ""
    if role == "alert":
        return "warning"
    if role == "note" or element.tag == "aside":
        return "note"
    return None


def callout(kind: str, lines: list[str]) -> list[str]:
    """A call-out around already written lines."""
    return [f"::: {CALLOUT_SYNTAX[kind]}", *lines, ":::"]


def row_header(text: str) -> str:
    """A body row's first cell when the table has row headers."""
    return text


def joined_list(parent: str, items: list[str]) -> str:
    """A parent item's text with its nested list written into it: "Sit quietly: feet flat; arm on a table."."""
    if not items:
        return parent

    def lower(item: str) -> str:
        return item[0].lower() + item[1:] if len(item) > 1 and item[1].islower() else item

    return f"{parent.rstrip().rstrip('.:')}: {'; '.join(lower(item.rstrip('.;')) for item in items)}."

"""Plain text → Markdown that reads back as exactly that text: no emphasis, link, HTML or block starts by accident."""

from __future__ import annotations

import re


def escape(text: str) -> str:
    """Plain text → Markdown that reads back as exactly that text (inside a line)."""
    text = re.sub(r"([\\`*\[\]{}|])", r"\\\1", text)
    text = re.sub(r"(?<![^\W_])_|_(?![^\W_])", r"\\_", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    return re.sub(r"&(?=#?\w+;)", r"\\&", text)


def escape_line_start(line: str) -> str:
    """What would start a block at the beginning of a line (a heading, list, quote, rule, fence, call-out) is escaped."""
    line = re.sub(r"^(#{1,6})(?=\s|$)", r"\\\1", line)
    line = re.sub(r"^>", r"\\>", line)
    line = re.sub(r"^([+-])(?=\s|$)", r"\\\1", line)
    line = re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", line)
    line = re.sub(r"^([=-])(?=[=-]*\s*$)", r"\\\1", line)
    return re.sub(r"^(:{3}|~{3})", r"\\\1", line)

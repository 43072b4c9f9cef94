"""Edits the tools make to sources (a review appended, `revised:` or `translates:` set), each
confined to the lines it changes, so that the rest of the file (comments, order, quoting) stays
as its author wrote it and the diff a reviewer reads shows only the change."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..errors import Problem, SourceError
from .meta import Review


def flow(value: object) -> str:
    """A value as YAML on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    return text.strip().removesuffix("\n...").strip()


def review_lines(reviews: list[Review]) -> list[str]:
    """`review:` as the list the tools keep, oldest first."""
    lines = ["review:\n"]
    for review in sorted(reviews, key=lambda r: r.date):  # stable: same-day reviews keep their order
        lines.append(f"  - body: {flow(dict(review.body))}\n")
        lines.append(f"    organization: {flow(dict(review.organization))}\n")
        lines.append(f"    date: {review.date.isoformat()}\n")
        if review.languages is not None:
            lines.append(f"    languages: {flow(list(review.languages))}\n")
        if review.note:
            lines.append(f"    note: {flow(review.note)}\n")
    return lines


def replace_key(text: str, key: str, lines: list[str], file: Path) -> str:
    """`text` (a YAML mapping) with top-level `key` and its value replaced by `lines`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise SourceError([Problem(file, f"cannot be read as YAML ({error})")]) from None
    for key_node, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key_node.value == key:
            start, end = key_node.start_mark.line, _last_line(value)
            source = text.splitlines(keepends=True)
            return "".join(source[:start] + lines + source[end + 1:])
    raise SourceError([Problem(file, f"has no '{key}:'", hint=f"add a '{key}:' line")])


def _last_line(node: yaml.Node) -> int:
    """The 0-based line where a value's text ends (a block value's last child, not the next key)."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?)(^---[ \t]*(?:\r?\n|\Z))", re.S | re.M)


def set_front(text: str, values: dict[str, object], file: Path) -> str:
    """A language file with these front matter fields set (replaced where present, else added last)."""
    match = _FRONT.match(text)
    if not match:
        raise SourceError([Problem(file, "has no front matter", 1, 1, hint="start the file with a '---' line")])
    front = match.group(2)
    for key, value in values.items():
        shown = value.isoformat() if isinstance(value, dt.date) else flow(value)
        line = f"{key}: {shown}"
        # The key's line and the indented lines of a block value under it.
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*:.*(?:\r?\n[ \t]+\S.*)*$", re.M)
        if pattern.search(front):
            front = pattern.sub(lambda _: line, front, count=1)
        else:
            front += ("" if front.endswith("\n") or not front else "\n") + line + "\n"
    return match.group(1) + front + match.group(3) + text[match.end():]


def write_source(path: Path, text: str) -> None:
    """Replace a source file whole or not at all (an interrupted write never leaves half a file)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise SourceError([Problem(path, f"cannot be written ({error.strerror})")]) from None

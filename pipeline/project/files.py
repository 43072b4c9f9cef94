"""Files → text and YAML with positions: strict UTF-8, size limit, safe YAML (no aliases, bounded depth)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

# A source bigger than this is a mistake (a pasted binary, a runaway export), not a handout:
# real handouts are under 10 KB, and this keeps the slowest Markdown input to a few seconds.
MAX_SOURCE_BYTES = 200_000

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column


# libyaml's parser where PyYAML has it (about ten times faster than the pure-Python one).
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps dates as text (the schema parses them, with a clear message)
    and refuses duplicate keys instead of silently keeping the last one."""


def _refuse_aliases(text: str) -> None:
    """Aliases (*name) are refused: handouts never need them, and nested aliases ("billion
    laughs") would make one small file expand without end."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclasses.dataclass
class YamlDoc:
    """Parsed YAML data and where each value and key stands in the file."""

    data: Any
    marks: dict[Path_, Mark]
    file: Path
    line_offset: int = 0

    def mark(self, path: Path_) -> Mark:
        """The position of `path`, or of its nearest ancestor that exists."""
        while path not in self.marks and path:
            path = path[:-1]
        line, column = self.marks.get(path, (1, 1))
        return line + self.line_offset, column


# Deeper than this is not a handout's metadata; refusing it keeps the walk below bounded.
MAX_YAML_DEPTH = 50


class _TooDeep(RecursionError):
    """Nesting too deep to read, at a 0-based line and column of the text."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__("nested too deeply")
        self.line, self.column = line, column


def _walk(node: yaml.Node, path: Path_, marks: dict[Path_, Mark], problems: list[str]) -> None:
    if len(path) > MAX_YAML_DEPTH:
        raise _TooDeep(node.start_mark.line, node.start_mark.column)
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(f"{key_node.start_mark.line + 1}:{key}")
            seen.add(key)
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, path + (key,), marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), marks, problems)


# PyYAML's words for common mistakes → plain words, a hint, and whether the mistake is where
# the construct started (the key missing its colon) rather than where PyYAML noticed it.
_YAML_PROBLEMS = {
    "could not find expected ':'": ("a ':' is missing after the name on this line", "write 'name: value'", True),
    "mapping values are not allowed here": ("a ':' is not allowed here",
                                            "put quotes around text that contains ': '", False),
    "found character '\\t' that cannot start any token": ("a tab is used to indent this line",
                                                           "indent with spaces only", False),
    "aliases (*name) are not allowed": ("YAML aliases (*name) are not allowed in handout files",
                                        "write the value out in full", False),
}


def parse_yaml(text: str, file: Path, line_offset: int = 0) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse YAML safely; problems carry the file position (shifted by `line_offset`)."""
    try:
        _refuse_aliases(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except RecursionError as error:  # the composer's own recursion: where reading stopped
            raise error if isinstance(error, _TooDeep) else _TooDeep(loader.line, loader.column) from None
        finally:
            loader.dispose()
        marks: dict[Path_, Mark] = {}
        duplicates: list[str] = []
        if node is not None:
            _walk(node, (), marks, duplicates)
    except yaml.MarkedYAMLError as error:
        message, hint, at_context = _YAML_PROBLEMS.get(str(error.problem), (
            f"this is not valid YAML: {error.problem}", "check indentation, colons and quotes on this line", False))
        mark = (error.context_mark if at_context else None) or error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(file, message, line + line_offset, column, hint=hint)]
    except _TooDeep as error:
        # Shown where the nesting begins on that line, not deep inside it.
        row = text.splitlines()[error.line] if error.line < len(text.splitlines()) else ""
        column = min(error.column, len(row))
        while column > 0 and row[column - 1] in "[{":
            column -= 1
        return None, [Problem(file, "this YAML is nested too deeply to read", error.line + 1 + line_offset, column + 1,
                              hint="use plain 'key: value' lines and short lists")]
    except yaml.YAMLError as error:
        return None, [Problem(file, f"this is not valid YAML: {error}", 1 + line_offset, 1)]
    problems = []
    for entry in duplicates:
        line, key = entry.split(":", 1)
        problems.append(Problem(file, "appears twice", int(line) + line_offset, 1, field=key,
                                hint="keep one of them"))
    return YamlDoc(data, marks, file, line_offset), problems


def read_text(path: Path, display: Path | str | None = None) -> tuple[str | None, list[Problem]]:
    """Read a source file as strict UTF-8; anything else is a clear problem, never ignored."""
    name = display or path
    if path.is_symlink():  # it could name a file outside the project, which a build never reads
        return None, [Problem(name, "is a symbolic link", hint="put the file itself here, not a link to it")]
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            return None, [Problem(name, f"is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a handout source may have",
                                  hint="check that this is the right file: a handout is a few pages of text")]
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(name, f"cannot be read: {error.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(name, f"is not UTF-8 text: byte 0x{raw[error.start]:02x} here cannot be read", line, column,
                              hint="save the file as UTF-8 in your editor")]
    return text.removeprefix("\ufeff"), []

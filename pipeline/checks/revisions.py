"""Handout → a warning for each text that changed while its `revised:` date did not."""

from __future__ import annotations

import difflib

from ..errors import Problem
from ..source.history import old_text, recorded, recorded_for, version_fingerprint
from ..source.model import Handout


def revision_problems(handout: Handout) -> list[Problem]:
    """A text whose fingerprint is not the one recorded for its `revised:` date was changed after
    that revision was settled: its PDF would carry the old date (and its translation look current)."""
    problems = []
    history = recorded(handout.folder)
    for lang, version in handout.versions.items():
        settled = recorded_for(history, lang, version.front.revised)
        if settled is None or settled == version_fingerprint(version):
            continue
        line = _first_changed_line(handout, lang, settled)
        problems.append(Problem(version.file, f"the text has changed since its revision of "
                                f"{version.front.revised.isoformat()} was recorded, but 'revised:' has not", line, 1,
                                warning=True, kind="unrecorded-change",
                                hint=f"run 'handouts revise {handout.slug} --lang {lang}' to date the change"))
    return problems


def _first_changed_line(handout: Handout, lang: str, settled: str) -> int:
    """The first line of the file that differs from the settled text (the body's first line when
    that text is not at hand)."""
    version = handout.versions[lang]
    before, _ = old_text(handout.folder, lang, settled, None)
    now = (handout.folder / f"{lang}.md").read_text(encoding="utf-8")
    if before is None:
        return version.body_line
    old_lines, new_lines = before.splitlines(), now.splitlines()
    for tag, i1, _, j1, _ in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag != "equal":
            return min(j1, len(new_lines) - 1) + 1 if new_lines else 1
    return version.body_line

"""What each revision of a language's text was: fingerprints in revisions.yml, and the old text itself
(from git when the project is in a repository, else from the snapshots the tools keep).

Dates say when a text was revised; fingerprints say what it was. `handouts revise`, `review` and
`xliff import` record a fingerprint each time they settle a text, so a change made without a new
`revised:` date, or on the same day as a translation, is still seen.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from ..project.files import parse_yaml, read_text
from .edit import write_source
from .model import LanguageVersion, fingerprint, parse_version

REVISIONS = "revisions.yml"
# Outside git, the text of each recorded revision is kept here, for `changes` and the check's "first changed line".
SNAPSHOTS = ".snapshots"
_HEADER = ("# Written by `handouts revise`, `review` and `xliff import`; do not edit. The fingerprint of each\n"
           "# language's text at each revision: a text that changes without a new 'revised:' date is found.\n")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}\Z")
# A git command that takes longer than this is not one we wait for: the old text is then "unknown".
GIT_SECONDS = 10


def version_fingerprint(version: LanguageVersion) -> str:
    return fingerprint(version.front, version.body)


def recorded(folder: Path) -> dict[str, list[dict]]:
    """revisions.yml: {lang: [{revised, fingerprint}, ...]} oldest first; {} when there is none or
    it cannot be read (it is the tools' file: a damaged one is rewritten at the next record)."""
    path = folder / REVISIONS
    if not path.is_file() or path.is_symlink():
        return {}
    text, _ = read_text(path, Path(REVISIONS))
    doc, _ = parse_yaml(text or "", Path(REVISIONS))
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    return {lang: [entry for entry in entries if isinstance(entry, dict) and _sound(entry)]
            for lang, entries in data.items() if isinstance(entries, list)}


def _sound(entry: dict) -> bool:
    try:
        dt.date.fromisoformat(str(entry.get("revised")))
    except ValueError:
        return False
    return bool(_FINGERPRINT.match(str(entry.get("fingerprint", ""))))


def recorded_for(history: dict[str, list[dict]], lang: str, revised: dt.date) -> str | None:
    """The fingerprint recorded last for the `revised` revision of `lang` in `history` (recorded()), or None."""
    matches = [e["fingerprint"] for e in history.get(lang, []) if str(e["revised"]) == revised.isoformat()]
    return matches[-1] if matches else None


def record(folder: Path, version: LanguageVersion, revised: dt.date, text: str) -> str:
    """Record `version`'s fingerprint as the text of its `revised` revision (and, outside git, keep
    the text itself); return the fingerprint."""
    mark = version_fingerprint(version)
    data = recorded(folder)
    entries = data.setdefault(version.lang, [])
    if not entries or entries[-1] != {"revised": revised.isoformat(), "fingerprint": mark}:
        entries.append({"revised": revised.isoformat(), "fingerprint": mark})
    lines = [_HEADER]
    for lang in sorted(data):
        lines.append(f"{lang}:\n")
        lines += [f"  - {{revised: {e['revised']}, fingerprint: {e['fingerprint']}}}\n" for e in data[lang]]
    write_source(folder / REVISIONS, "".join(lines))
    if repository(folder) is None:
        (folder / SNAPSHOTS).mkdir(exist_ok=True)
        write_source(folder / SNAPSHOTS / f"{version.lang}-{mark}.md", text)
    return mark


def repository(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None (no git, or not a repository)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, timeout=GIT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def old_text(folder: Path, lang: str, mark: str | None, revised: dt.date | None) -> tuple[str | None, str]:
    """The whole text of `lang`'s file as it was when its fingerprint was `mark` (or, for a
    translation recorded before fingerprints, when its `revised:` was `revised`), and where it came
    from ("git", "snapshot"), or (None, "") when neither has it."""
    top = repository(folder)
    if top is not None:
        for text in _git_versions(top, folder / f"{lang}.md"):
            found = _fingerprint_of(text)
            if found and (found[0] == mark or (mark is None and found[1] == revised)):
                return text, "git"
    if mark is not None:
        snapshot = folder / SNAPSHOTS / f"{lang}-{mark}.md"
        if snapshot.is_file() and not snapshot.is_symlink():
            return snapshot.read_text(encoding="utf-8"), "snapshot"
    return None, ""


def _git_versions(top: Path, file: Path):
    """The committed versions of `file`, newest first (the index's first, when it differs)."""
    relative = file.resolve().relative_to(top.resolve()).as_posix()
    try:
        log = subprocess.run(["git", "-C", str(top), "log", "--format=%H", "--", relative], capture_output=True,
                             text=True, timeout=GIT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return
    for commit in [":0"] + [f"{c}:" for c in log.stdout.split()]:
        spec = commit + relative if commit != ":0" else f":0:{relative}"
        try:
            shown = subprocess.run(["git", "-C", str(top), "show", spec], capture_output=True, timeout=GIT_SECONDS,
                                   check=False)
        except (OSError, subprocess.TimeoutExpired):
            return
        if shown.returncode == 0:
            yield shown.stdout.decode("utf-8", errors="replace")


def _fingerprint_of(text: str) -> tuple[str, dt.date] | None:
    """A file's text → (fingerprint, revised date), or None when it is not a readable language file."""
    version = parse_version(text)
    return (version_fingerprint(version), version.front.revised) if version is not None else None


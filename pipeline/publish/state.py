"""output/.state.json ↔ what the last build saw: each file's stat and content hash, and each handout's checked summary.

Stat first, hash only what changed, as build tools do: a file whose size, inode, modification and
change times are those recorded keeps its recorded SHA-256 and is not read (the change time, as
git's index keeps it: a copy that puts the old modification time back on a file of the same size
still moves it). A source changed less than two seconds before it was hashed is not recorded (a
second save within the clock's resolution could keep the same time and size), so it is read
again next time. Outputs are recorded when
written. The state is a cache: missing, damaged or from elsewhere, it only costs reading again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import orjson

from .manifest import atomic_write

STATE = ".state.json"
VERSION = 2
RACY_NS = 2_000_000_000


class Files:
    """SHA-256 of files, trusted while their stat is unchanged."""

    def __init__(self, known: dict[str, list] | None = None) -> None:
        self.known: dict[str, list] = known or {}
        self.changed = False

    def sha(self, path: str | Path) -> str | None:
        """The file's SHA-256 (None if it is not a readable file), read only if its stat changed."""
        key = os.fspath(path)
        try:
            info = os.stat(path)
        except OSError:
            self._forget(key)
            return None
        stat = [info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns]
        cached = self.known.get(key)
        if cached is not None and cached[:4] == stat:
            return cached[4]
        try:
            with open(key, "rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()
        except OSError:
            self._forget(key)
            return None
        if time.time_ns() - info.st_mtime_ns > RACY_NS:
            self.known[key] = stat + [digest]
            self.changed = True
        else:
            self._forget(key)
        return digest

    def record(self, path: Path, digest: str) -> None:
        """A file we have just written with these bytes (its stat is trusted from now on)."""
        try:
            info = os.stat(path)
        except OSError:
            return
        self.known[os.fspath(path)] = [info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns, digest]
        self.changed = True

    def _forget(self, key: str) -> None:
        if self.known.pop(key, None) is not None:
            self.changed = True


class State:
    """The cache a build keeps in output/: file hashes, handout summaries, the site's digest."""

    def __init__(self, output: Path, data: dict[str, Any] | None = None) -> None:
        data = data or {}
        self.output = output
        self.files = Files(data.get("files"))
        self.handouts: dict[str, dict[str, Any]] = data.get("handouts") or {}
        # The library site's digest when it was last written; the package versions and their key.
        self.site: str = data.get("site") or ""
        self.versions: dict[str, Any] = data.get("versions") or {}
        self._saved = (self.site, json.dumps(self.versions))
        self.dirty = False

    @classmethod
    def load(cls, output: Path) -> "State":
        try:
            data = orjson.loads((output / STATE).read_bytes())
            if not isinstance(data, dict) or data.get("version") != VERSION:
                data = {}
        except (OSError, ValueError):  # damaged or hostile (orjson refuses JSON nested 1,024 deep): start afresh
            data = {}
        return cls(output, data)

    @property
    def changed(self) -> bool:
        return self.files.changed or self.dirty or (self.site, json.dumps(self.versions)) != self._saved

    def save(self) -> None:
        """Write the state if anything in it changed (atomically; the caller holds the output lock)."""
        if not self.changed:
            return
        now = (self.site, json.dumps(self.versions))
        data = {"version": VERSION, "files": self.files.known, "handouts": self.handouts, "site": self.site,
                "versions": self.versions}
        try:
            atomic_write(self.output / STATE, orjson.dumps(data))
        except OSError:
            return  # a cache that cannot be written costs time next run, nothing else
        self.files.changed = False
        self.dirty = False
        self._saved = now

    def remember(self, slug: str, record: dict[str, Any]) -> None:
        self.handouts[slug] = record
        self.dirty = True

    def cached(self, slug: str, signature: str) -> dict[str, Any] | None:
        record = self.handouts.get(slug)
        return record if record and record.get("signature") == signature else None

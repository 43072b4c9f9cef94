"""A no-op command's printed result, said again while nothing it can read has changed.

A no-op `build` or `status` of a thousand handouts spends most of its half second importing the
pipeline, reading the manifest and the build state, and deriving again what it printed last
time. Like make and ninja, this decides that nothing changed from a stat of every file the
command can read: handouts.yml, handouts/, layouts/, fonts/ and output/, our code, and the
folders packages are installed in. When each is as a successful run found it, and the command's
arguments, the day (reviews fall due), the terminal and the interpreter are the same, that run's
output is printed again and nothing else is loaded.

A run is recorded under the stats it began with, and only if no file had changed in the two
seconds before it began: a second save within the file system's clock tick could keep a file's
time and size. Change times (ctime) are part of the stat, so even a write that puts the old
modification time back is seen. A build that wrote something works out at once, quietly, what
the next build will say if nothing changes, and records that under the stats it leaves (its own
outputs need not settle: it knows what it wrote), so the build after a build is said at once too.
The record is a cache in output/: missing, damaged or from elsewhere, the command simply runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click
import orjson

from ..project import clock
from .manifest import atomic_write
from .state import RACY_NS

REPLAY = ".replay.json"
VERSION = 1
# What a run writes or holds without changing what it prints: the lock, the state cache, this record.
_UNREAD = {".lock", ".state.json", REPLAY, "__pycache__"}
_CODE = Path(__file__).parent.parent


# A file read through a link changes without its link's stat moving: where there is one, no run is kept.
_LINKED = sys.maxsize


def _walk(top: str, lines: list[str]) -> int:
    """Add a line per entry under `top`; the newest modification or change time seen, in ns (or
    _LINKED). Links are never walked: a link to / in a hostile project costs one line, not a walk
    of the disk (and a folder a thousand deep, no recursion)."""
    if os.path.islink(top):
        lines.append(f"{top}\0link")
        return _LINKED
    newest = 0
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            lines.append(f"{folder}\0unreadable")
            continue
        with entries:
            for entry in entries:
                if entry.name in _UNREAD:
                    continue
                if entry.is_symlink():
                    lines.append(f"{entry.path}\0link")
                    newest = _LINKED
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:  # gone since the listing
                    lines.append(f"{entry.path}\0gone")
                    continue
                lines.append(f"{entry.path}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_size}\0{info.st_ino}"
                             f"\0{info.st_mode}")
                newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
    return newest


def fingerprint(root: Path) -> tuple[str, int, int]:
    """A digest of the stat of every file a command can read; the newest time among the sources
    (all but output/), and among output/'s files."""
    lines: list[str] = []
    newest = 0
    config = os.path.join(root, "handouts.yml")
    try:
        info = os.lstat(config)
        lines.append(f"{config}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_size}\0{info.st_ino}\0{info.st_mode}")
        newest = _LINKED if os.path.islink(config) else max(info.st_mtime_ns, info.st_ctime_ns)
    except OSError:
        lines.append(f"{config}\0absent")
    for folder in ("handouts", "layouts", "fonts"):
        newest = max(newest, _walk(os.path.join(root, folder), lines))
    newest = max(newest, _walk(os.fspath(_CODE), lines))
    outputs = _walk(os.path.join(root, "output"), lines)
    # pip adds and removes folders in site-packages: its time changes when a package is installed.
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            info = os.stat(entry)
            lines.append(f"{entry}\0{info.st_mtime_ns}\0{info.st_ctime_ns}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest(), newest, outputs


def _sound(event: Any) -> bool:
    """[stderr?, text, the time at its end or null], as echo() keeps it."""
    return (isinstance(event, list) and len(event) == 3 and isinstance(event[0], bool) and isinstance(event[1], str)
            and (event[2] is None or isinstance(event[2], str)))


class Run:
    """One run of a command: said again from its record, or run, with what it prints kept."""

    def __init__(self, root: Path, command: str, params: dict[str, Any], quiet: bool = False, ours: bool = False,
                 **context: Any) -> None:
        """`quiet`: keep what the run prints without printing it (a run worked out for the next
        command); `ours`: output/ was just written by this process, which knows what it wrote, so
        only the sources need to have settled."""
        self.path = root / "output" / REPLAY
        self.quiet = quiet
        key = {"command": command, "params": params, "root": os.fspath(root), "day": clock.today().isoformat(),
               "python": [sys.executable, sys.version], "tty": [sys.stdout.isatty(), sys.stderr.isatty()], **context}
        self.key = json.dumps(key, sort_keys=True, default=str)
        self.started = time.time_ns()
        self.before, newest, outputs = fingerprint(root)
        self.settled = newest < self.started - RACY_NS and (outputs < self.started - RACY_NS or
                                                            (ours and outputs != _LINKED))
        self.events: list[list[Any]] = []

    def _records(self) -> dict[str, Any]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("runs"), dict):
            return {}
        return data["runs"]

    def replay(self) -> bool:
        """Print what the recorded run printed, if nothing has changed since; whether it did."""
        record = self._records().get(self.key)
        if not isinstance(record, dict) or record.get("fingerprint") != self.before:
            return False
        events = record.get("events")
        if not isinstance(events, list) or not all(_sound(event) for event in events):
            return False  # damaged: the command runs, and records itself again
        seconds = f"{(time.time_ns() - self.started) / 1e9:.1f} s"
        chunk: list[str] = []
        err = False
        for event in events:
            stream, text, timed = event
            if timed is not None and text.endswith(timed):  # the run's own time, not the recorded one's
                text = text[: -len(timed)] + seconds
            if stream != err and chunk:
                click.echo("\n".join(chunk), err=err)
                chunk = []
            err = stream
            chunk.append(text)
        if chunk:  # one write per stream in turn: a thousand handouts' lines in a blink
            click.echo("\n".join(chunk), err=err)
        return True

    def echo(self, text: str, err: bool = False, timed: str | None = None) -> None:
        """Print a line (several, joined by newlines) and keep it; `timed`: the line ends with the
        run's time, written so, which a replay replaces with its own."""
        if not self.quiet:
            click.echo(text, err=err)
        self.events.append([err, text, timed])

    def record(self) -> None:
        """Keep what this run printed, under the stats it began with, if they were settled. Any
        change since, the run's own writes included, has moved a stat: such a record is never
        said (so no second walk is needed to know whether the run changed anything)."""
        output = self.path.parent
        if not self.settled or not output.is_dir() or output.is_symlink():
            return  # (a status before any build does not make output/)
        runs = {key: run for key, run in self._records().items()
                if isinstance(run, dict) and run.get("fingerprint") == self.before}  # the others are out of date
        runs[self.key] = {"fingerprint": self.before, "events": self.events}
        try:
            atomic_write(self.path, orjson.dumps({"version": VERSION, "runs": runs}))
        except OSError:
            pass  # a cache that cannot be written costs the next run its time, nothing else

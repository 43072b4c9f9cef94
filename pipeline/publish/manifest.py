"""Published files → output/manifest.json, and the atomic writes every published file goes through."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from ..errors import HandoutsError

MANIFEST = "manifest.json"
# A published file's previous version, kept (as a hard link: no data copied) until the manifest
# records the new one, so that whatever stops a build, the files match the manifest on disk.
_PREVIOUS = ".previous"


def read_manifest(output: Path) -> dict[str, Any]:
    """The manifest, with only the entries that are sound: a manifest is a file anyone can edit,
    and an entry naming a path outside output/ (or not an entry at all) would make prune delete,
    or verify and status read, files that are not ours. An entry left out is built again."""
    try:
        data = orjson.loads((output / MANIFEST).read_bytes())  # 5 MB for a thousand handouts: twice json's speed
    except (OSError, ValueError):  # a damaged file, or JSON nested over orjson's limit (1,024 deep)
        return {"outputs": {}}
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return {"outputs": {}}
    inside = Inside(output)
    data["outputs"] = {path: entry for path, entry in data["outputs"].items() if _sound(inside, path, entry)}
    return data


def _sound(inside: Inside, path: str, entry: Any) -> bool:
    files = entry.get("files", {}) if isinstance(entry, dict) else None
    return (isinstance(entry, dict) and entry.get("path") == path and inside.real(path) is not None
            and isinstance(files, dict) and all(inside.real(name) is not None for name in files))


class Inside:
    """Manifest paths → the files they name in output/, when the pipeline could have written them:
    relative, plain (no "..", no backslash) and, links followed, inside output/. Each folder's links
    are resolved once: a manifest names thousands of files in far fewer folders."""

    def __init__(self, output: Path) -> None:
        self.root = os.path.realpath(output)
        self._prefix = os.path.join(self.root, "")
        self._real = {"": self.root}

    def file(self, path: Any) -> Path | None:
        real = self.real(path)
        return None if real is None else Path(real)

    def real(self, path: Any) -> str | None:
        """The file's real path, as a string (a thousand handouts' manifest: no Path objects)."""
        if not isinstance(path, str) or "\\" in path or "\0" in path:
            return None
        parts = path.split("/")
        if "" in parts or "." in parts or ".." in parts:  # also "", "/etc", "a//b", "a/"
            return None
        file = self._resolve(path, keep=False)
        return file if file.startswith(self._prefix) else None  # output/ itself is not: no "/" after it

    def _resolve(self, path: str, keep: bool = True) -> str:
        """realpath(output/path), from its folder's (kept): one lstat per name not seen before."""
        real = self._real.get(path)
        if real is None:
            folder, _, name = path.rpartition("/")
            real = os.path.join(self._resolve(folder), name)
            if os.path.islink(real):
                real = os.path.realpath(real)
            if keep:
                self._real[path] = real
        return real


def write_manifest(path: Path, entries: dict[str, Any]) -> None:
    atomic_write(path, (json.dumps({"version": 1, "outputs": dict(sorted(entries.items()))},
                                   indent=2, ensure_ascii=False) + "\n").encode())


def merge_manifests(paths: list[Path]) -> dict[str, Any]:
    """The union of several shards' manifests; the same output with different bytes is an error."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outputs = data["outputs"]
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise HandoutsError(f"{path}: not a handouts manifest ({error})") from None
        for key, entry in outputs.items():
            if not isinstance(entry, dict):
                raise HandoutsError(f"{path}: {key} is not a manifest entry (it is {json.dumps(entry)[:40]})")
            if key in merged and merged[key].get("sha256") != entry.get("sha256"):
                raise HandoutsError(f"{path}: {key} differs from the one in an earlier manifest "
                                    "(were the shards built from the same sources?)")
            merged[key] = entry
    return merged


def publish(path: Path, data: bytes) -> None:
    """Write an output in place of its previous version, which is kept until the build records the
    new one in the manifest (settle_previous)."""
    atomic_write(path, data, keep_previous=True)


def settle_previous(output: Path, entries: dict[str, Any] | None = None) -> None:
    """Make output/ match its manifest (`entries`, or the one on disk): each kept previous version
    is put back where the manifest still lists it (the build stopped before recording the new
    file), else dropped; a temporary file a killed writer left is removed. One walk of output/."""
    listed: dict[str, Any] = {}
    for path, entry in (read_manifest(output)["outputs"] if entries is None else entries).items():
        listed[path] = entry.get("sha256")
        listed.update(entry.get("files") or {})
    hidden_files = (Path(folder, name) for folder, _, names in os.walk(output)
                    for name in names if name.startswith("."))
    for hidden in hidden_files:
        if hidden.name.endswith(".tmp"):  # left by a writer that was killed outright (kill -9)
            hidden.unlink(missing_ok=True)
        elif hidden.name.endswith(_PREVIOUS):
            current = hidden.with_name(hidden.name[1:-len(_PREVIOUS)])
            wanted = listed.get(current.relative_to(output).as_posix())
            if wanted is not None and sha256_file(current) != wanted and sha256_file(hidden) == wanted:
                os.replace(hidden, current)
            else:
                hidden.unlink()


def atomic_write(path: Path, data: bytes, keep_previous: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old or the new file,
    never half. `keep_previous`: the file it replaces stays as .NAME.previous (see publish)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); outputs are for sharing, as any new file would be.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        previous = path.with_name(f".{path.name}{_PREVIOUS}")
        if keep_previous and path.is_file():
            # Already there when another writer kept it first: the English and French pages of a
            # handout publish its pictures at once, from two workers.
            with contextlib.suppress(FileExistsError):
                os.link(path, previous)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:  # a failed write or fsync names no file
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

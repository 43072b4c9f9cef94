"""Issue 11: what a build does when the disk says no (full, a file where a folder goes, a folder
where a file goes): one line naming the path and what to do, no traceback, every earlier good
PDF intact, and a manifest that lists exactly the files that are there."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.publish import manifest

from .good_project import good_project


def _build(root: Path, *layouts: str):
    args = [arg for layout in layouts for arg in ("--layout", layout)]
    return CliRunner().invoke(main, ["build", "--project", str(root), "--jobs", "1", *args])


def _consistent(root: Path) -> dict[str, str]:
    """The manifest's entries, each checked against the file it names (sha256)."""
    outputs = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    for path, entry in outputs.items():
        assert hashlib.sha256((root / "output" / path).read_bytes()).hexdigest() == entry["sha256"], path
    assert not list((root / "output").rglob("*.tmp")), "a temporary file was left behind"
    return {path: entry["sha256"] for path, entry in outputs.items()}


def test_a_full_disk_keeps_good_pdfs_and_a_true_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after the first PDF of the second build (so the manifest cannot be
    written either): the build says so, and output/ is left exactly as the manifest describes it."""
    root = good_project(tmp_path)
    assert _build(root, "letter").exit_code == 0
    before = _consistent(root)
    sample = root / "handouts" / "sample" / "en.md"
    sample.write_text(sample.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    writes = []
    fsync = manifest.os.fsync

    def fill_up(fd: int) -> None:
        writes.append(fd)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        fsync(fd)

    monkeypatch.setattr(manifest.os, "fsync", fill_up)
    result = _build(root, "letter", "a4")
    monkeypatch.undo()
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert ": the disk is full (free some space, then build again; the PDFs published before are untouched)" in result.output
    # The PDF written before the disk filled up could not be recorded: the previous one is back,
    # as the manifest on disk says (before the fix, the new file sat under the old manifest entry).
    assert _consistent(root) == before
    assert not list((root / "output").rglob(".*.previous"))


@pytest.mark.parametrize(("make", "where", "reason"), [
    (lambda out: out.write_text("x"), "output", "is a file, where a folder is needed"),
    (lambda out: (out.mkdir(), (out / "en").write_text("x")), "output/en", "is a file, where a folder is needed"),
    (lambda out: (out / "en" / "sample.pdf").mkdir(parents=True), "output/en/sample.pdf", "is a folder, where a file is needed"),
    (lambda out: (out / "manifest.json").mkdir(parents=True), "output/manifest.json", "is a folder, where a file is needed"),
    (lambda out: (out / ".lock").mkdir(parents=True), "output/.lock", "is a folder, where a file is needed"),
], ids=["output-is-a-file", "language-folder-is-a-file", "pdf-is-a-folder", "manifest-is-a-folder", "lock-is-a-folder"])
def test_a_path_of_the_wrong_kind_is_one_located_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      make, where: str, reason: str) -> None:
    root = good_project(tmp_path)
    make(root / "output")
    monkeypatch.chdir(root)
    result = _build(root, "letter")
    assert result.exit_code != 0 and "Traceback" not in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit)
    assert f"{where}: {reason} (move the " in result.output, result.output


@pytest.mark.parametrize(("code", "reason"), [
    (errno.EROFS, "is on a read-only disk (copy the project to a disk you can write to, and build there)"),
    (errno.EACCES, "permission denied (give yourself write access to it, or build into another folder)"),
], ids=["read-only-disk", "no-permission"])
def test_an_output_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  code: int, reason: str) -> None:
    """As root, tests cannot make a folder read-only: the refusal is the operating system's answer
    to every new file in output/, as a read-only mount gives it (a real read-only tmpfs was
    checked by hand: the lock file is refused first, with the same one line)."""
    root = good_project(tmp_path)
    assert _build(root, "letter").exit_code == 0
    before = _consistent(root)
    sample = root / "handouts" / "sample" / "en.md"
    sample.write_text(sample.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    mkstemp = manifest.tempfile.mkstemp

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), kwargs.get("dir") or args[-1])

    monkeypatch.setattr(manifest.tempfile, "mkstemp", refuse)
    monkeypatch.chdir(root)
    result = _build(root, "letter")
    monkeypatch.setattr(manifest.tempfile, "mkstemp", mkstemp)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"output/en: {reason}" in result.output, result.output
    assert _consistent(root) == before

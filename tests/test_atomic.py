"""Nothing is lost: a failed or interrupted build never truncates or replaces a good PDF,
one failing handout does not stop the others, and two builds at once leave output/ consistent."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from pipeline.publish.manifest import atomic_write
from pipeline.cli import main

from .good_project import good_project

ROOT = Path(__file__).resolve().parent.parent


def _two_handouts(tmp_path: Path) -> Path:
    root = good_project(tmp_path)
    shutil.copytree(root / "handouts" / "sample", root / "handouts" / "second")
    return root


def _build(root: Path, *args: str):
    return CliRunner().invoke(main, ["build", "--project", str(root), "--jobs", "1", "--layout", "letter", *args])


def _assert_consistent(output: Path) -> dict:
    """manifest.json parses, and every PDF it lists exists, opens, and has the recorded sha256."""
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    for path, entry in manifest["outputs"].items():
        data = (output / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
        assert len(pypdf.PdfReader(output / path).pages) == entry["pages"]
    assert not list(output.rglob("*.tmp")), "temporary files were left behind"
    return manifest


def test_failed_build_keeps_the_good_pdf(tmp_path: Path) -> None:
    root = _two_handouts(tmp_path)
    first = _build(root, "--lang", "en")
    assert first.exit_code == 0, first.output
    good = root / "output" / "en" / "sample.pdf"
    before = good.read_bytes()

    # The image now pulls in a remote resource: check passes, the render fails.
    svg = root / "handouts" / "sample" / "hands.svg"
    svg.write_text(svg.read_text().replace("</svg>", '<image href="https://example.com/x.png"/></svg>'))
    second = _build(root, "--lang", "en", "--force")
    assert second.exit_code != 0
    assert "failed   en/sample.pdf: handouts/sample/en.md: refused" in second.stderr
    assert "built    en/second.pdf" in second.output
    assert "1 built, 0 skipped, 1 failed" in second.output
    assert good.read_bytes() == before
    manifest = _assert_consistent(root / "output")
    assert set(manifest["outputs"]) == {"en/sample.pdf", "en/second.pdf"}


def test_source_error_keeps_the_good_pdf(tmp_path: Path) -> None:
    root = _two_handouts(tmp_path)
    assert _build(root, "--lang", "fr").exit_code == 0
    good = root / "output" / "fr" / "sample.pdf"
    before = good.read_bytes()
    fr = root / "handouts" / "sample" / "fr.md"
    fr.write_text(fr.read_text().replace("revised: 2024-05-20", "revised: 2019-13-01"))
    result = _build(root, "--lang", "fr")
    assert result.exit_code == 1
    assert "error: handouts/sample/fr.md:4:1: 'revised': \"2019-13-01\" is not a date" in result.stderr
    assert "skipped  fr/second.pdf" in result.output
    assert good.read_bytes() == before
    _assert_consistent(root / "output")


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash (or Ctrl-C) in the middle of writing: the old file is whole, no temporary file is left."""
    target = tmp_path / "out" / "en" / "x.pdf"
    atomic_write(target, b"%PDF-old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"%PDF-new but cut short")
    assert target.read_bytes() == b"%PDF-old"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


def test_two_builds_at_once(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipeline", "build", "--project", str(root), "--jobs", "1", "--layout", "letter", "--force"]
    runs = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert code == 0, out + err
        assert "2 built, 0 skipped, 0 failed" in out
    manifest = _assert_consistent(root / "output")
    assert set(manifest["outputs"]) == {"en/sample.pdf", "fr/sample.pdf"}

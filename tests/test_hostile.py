"""Issue 11: hostile inputs and faults, one folder each in tests/fixtures/hostile/.

A case changes a built copy of the small good project (case.yml as in tests/fixtures/bad/, plus
`fifo`, `mkdir` and `write`), runs one command (`run`, default `build`) in a fresh process and
states what it must say (`expect`: exit status and text). Every case must also show:
- no traceback, and an end within the time limit (never a hang);
- nothing outside output/ created, changed or deleted (the project tree is hashed before and after);
- nothing fetched: a loopback listener (`{PORT}` in a case) counts every connection;
- the PDFs built before the case still whole (unless the case replaces output/ itself).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pypdf
import pytest
import yaml

from pipeline.project.config import load_project
from pipeline.publish.build import build

from .good_project import apply_case, good_project

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
CASES = sorted(p for p in HOSTILE.iterdir() if p.is_dir())
SECONDS = 60


class Listener:
    """A TCP listener on the loopback interface that counts connections (nothing may connect)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture(scope="session")
def listener() -> Listener:
    return Listener()


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good project built (letter and the web edition, both languages), copied for each case:
    a case rebuilds only what its change reaches (the site's fonts and stylesheet rarely)."""
    root = good_project(tmp_path_factory.mktemp("hostile-template"))
    summary = build(load_project(root), ["sample"], ["en", "fr"], ["letter", "web"], jobs=1)
    assert [o.status for o in summary.outcomes] == ["built"] * 5
    return root


def _tree(root: Path) -> dict[str, str]:
    """Every path outside output/ with a digest of what it is (links are not followed)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative == "output" or relative.startswith("output/"):
            continue
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[relative] = "folder" if path.is_dir() else "other"
    return found


def _prepare(root: Path, case: Path, spec: dict, port: int) -> list[str]:
    output = root / "output"
    kind = spec.get("prepare_output")
    if kind == "file":
        shutil.rmtree(output)
        output.write_text("not a folder")
    elif kind == "en-file":
        shutil.rmtree(output / "en")
        (output / "en").write_text("not a folder")
    elif kind == "pdf-folder":
        (output / "en" / "sample.pdf").unlink()
        (output / "en" / "sample.pdf").mkdir()
    args = apply_case(root, case, {"{PORT}": str(port)})
    for name in spec.get("mkdir") or []:
        if (root / name).is_file():
            (root / name).unlink()
        (root / name).mkdir(parents=True, exist_ok=True)
    for name, text in (spec.get("write") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(str(text).replace("{PORT}", str(port)), encoding="utf-8")
    for name in spec.get("fifo") or []:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        os.mkfifo(path)
    return args


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: Path, built_sample: Path, listener: Listener, tmp_path: Path) -> None:
    spec = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8")) or {}
    root = tmp_path / "project"
    shutil.copytree(built_sample, root, symlinks=True)
    pdfs = sorted((root / "output").rglob("*.pdf"))
    args = _prepare(root, case, spec, listener.port)
    before = _tree(root)
    connections = listener.connections
    command = spec.get("run", "build")
    if command == "build" and "args" not in spec:
        # The default layout and the web edition: a hostile source reaches every page the same
        # way, and the other layouts would cost each case six more renders (a case that needs
        # them gives its own args).
        args = ["--layout", "letter", "--layout", "web"]
    result = subprocess.run([sys.executable, "-m", "pipeline", command, "--project", str(root), *args],
                            capture_output=True, text=True, timeout=SECONDS, cwd=root)
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    expect = spec.get("expect") or {}
    assert result.returncode == expect.get("exit", 1), said
    for text in expect.get("says") or []:
        assert text.replace("{PORT}", str(listener.port)) in said, said
    assert _tree(root) == before, "something outside output/ was created, changed or deleted"
    assert listener.connections == connections, "something was fetched from the network"
    if spec.get("keeps_output", True):
        for pdf in pdfs:
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf
            pypdf.PdfReader(pdf)

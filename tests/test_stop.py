"""Issue 11: a build that is stopped (Ctrl-C, SIGTERM) or killed outright (kill -9) mid-way.

Stopped: it exits at once with 130 or 143 and one line, records what it published, and leaves no
process behind. Killed: its workers exit within seconds and publish nothing more. Either way the
next build finds output/ exactly as its manifest says."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import copy_project
from .corpus import CORPUS, SLUGS


def _project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path, ())
    for slug in SLUGS:
        (root / "handouts" / slug).mkdir()
        for file in (CORPUS / slug).iterdir():
            (root / "handouts" / slug / file.name).write_bytes(file.read_bytes())
    return root


def _start(root: Path) -> subprocess.Popen:
    """A long build (the construct corpus in every layout, two workers), in its own process group."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--layout", "all", "--jobs", "2"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_a_pdf(build: subprocess.Popen) -> None:
    for line in build.stdout:
        if line.startswith("built") and ".pdf" in line:
            return
    pytest.fail("the build printed no built PDF")


def _group(pgid: int) -> list[int]:
    """The processes still alive in a process group (the build, its fork server and workers)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def _consistent(root: Path) -> int:
    outputs = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    for path, entry in outputs.items():
        assert hashlib.sha256((root / "output" / path).read_bytes()).hexdigest() == entry["sha256"], path
    assert not list((root / "output").rglob(".*.previous")) and not list((root / "output").rglob("*.tmp"))
    return len(outputs)


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_a_stopped_build_records_what_it_published(tmp_path: Path, sent: int, code: int) -> None:
    root = _project(tmp_path)
    build = _start(root)
    _wait_for_a_pdf(build)
    os.killpg(build.pid, sent)  # a terminal's Ctrl-C reaches the whole group
    _, err = build.communicate(timeout=30)
    assert build.returncode == code
    assert err.strip().splitlines()[-1] == ("stopped: the PDFs published so far are recorded in output/manifest.json; "
                                            "build again to finish")
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while _group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group(build.pid), "worker processes outlived the build"
    assert _consistent(root) >= 1


def test_workers_of_a_killed_build_exit_and_publish_nothing_more(tmp_path: Path) -> None:
    root = _project(tmp_path)
    build = _start(root)
    _wait_for_a_pdf(build)
    build.kill()
    killed = time.time()
    build.wait()
    deadline = time.monotonic() + 10
    while _group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group(build.pid), "worker processes outlived the killed build"
    assert not [path for path in (root / "output").rglob("*.pdf") if path.stat().st_mtime > killed + 0.05]
    # The next build starts from output/ as its manifest says, and finishes the job.
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--layout", "letter", "--jobs", "1"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    _consistent(root)

"""A no-op `build` or `status` says again what the last one said, without loading the project,
and only while not one file it can read has changed (publish/replay.py). Speed is measured in
`make bench`; these tests hold the promise that a replay never says anything a full run would not."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipeline.publish.replay import RACY_NS, REPLAY, Run

from .conftest import ROOT

BUILD = ("build", "--layout", "letter", "--layout", "web", "-j", "1")
# The command line as `handouts` runs it; then, into the file named first, whether the
# configuration's models were imported: a replay imports nothing but the command line.
CODE = ("import atexit, sys\n"
        "atexit.register(lambda: open(sys.argv[1], 'w').write(str('pydantic' in sys.modules)))\n"
        "from pipeline.cli import main\n"
        "main(sys.argv[2:], prog_name='handouts')\n")


class Said:
    def __init__(self, result: subprocess.CompletedProcess, loaded: bool) -> None:
        self.code, self.stdout, self.stderr, self.loaded = result.returncode, result.stdout, result.stderr, loaded

    @property
    def timeless(self) -> str:
        return re.sub(r" in \d+\.\d s$", " in … s", self.stdout, flags=re.M)


def handouts(root: Path, *args: str, columns: int = 100) -> Said:
    marker = root.parent / "loaded.txt"
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", CODE, str(marker), *args, "--project", str(root)],
                            capture_output=True, text=True, env=env, timeout=300)
    return Said(result, marker.read_text() == "True")


def settle() -> None:
    """Let the last write age past the window in which a second save could go unseen."""
    time.sleep(RACY_NS / 1e9 + 0.2)


def full_runs_only(project: Path) -> list[Said]:
    """Build, let the sources settle, build twice more: both worked out in full, and none kept."""
    handouts(project, *BUILD)
    settle()
    runs = [handouts(project, *BUILD) for _ in range(2)]
    assert all(run.loaded for run in runs) and not (project / "output" / REPLAY).exists()
    return runs


def one_handout(project: Path) -> Path:
    shutil.rmtree(project / "handouts" / "vertebroplasty")
    return project


def test_a_no_op_build_and_status_say_again_what_they_said_without_loading_the_project(project: Path) -> None:
    one_handout(project)
    stray = project / "handouts" / "Old Copy"  # a warning, on stderr, that every build says again
    stray.mkdir()
    shutil.copy(ROOT / "handouts" / "fever-children" / "handout.yml", stray)
    settle()
    first = handouts(project, *BUILD)
    assert first.code == 0 and "5 built, 0 skipped" in first.stdout, first.stdout + first.stderr
    # The build after a build: worked out by the build, said at once.
    said = handouts(project, *BUILD)
    assert not said.loaded
    settle()
    (project / "output" / REPLAY).unlink()
    full = handouts(project, *BUILD)  # the same no-op, read the long way (and kept)
    assert full.loaded and full.code == 0 and "0 built, 5 skipped, 0 failed" in full.stdout
    assert "is not a valid handout name" in full.stderr
    assert (said.code, said.timeless, said.stderr) == (full.code, full.timeless, full.stderr)
    again = handouts(project, *BUILD)
    assert not again.loaded
    assert (again.code, again.timeless, again.stderr) == (full.code, full.timeless, full.stderr)

    status = handouts(project, "status")
    again = handouts(project, "status")
    assert status.loaded and not again.loaded
    assert (again.code, again.stdout, again.stderr) == (status.code, status.stdout, status.stderr)
    assert "fever-children" in again.stdout


def test_a_change_to_anything_a_run_reads_is_seen(project: Path) -> None:
    one_handout(project)
    output = project / "output"
    settle()
    handouts(project, *BUILD)
    assert not handouts(project, *BUILD).loaded

    # The same number of bytes, and the old modification time put back: the change time still moved.
    source = project / "handouts" / "fever-children" / "en.md"
    before = source.stat()
    source.write_text(source.read_text().replace("A fever is common", "A fever is COMMON"))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size
    edited = handouts(project, *BUILD)
    assert edited.loaded and "built    en/fever-children.pdf" in edited.stdout
    assert "A fever is COMMON" in (output / "web" / "fever-children" / "en.html").read_text()

    settle()
    handouts(project, *BUILD)
    (output / "fr" / "fever-children.pdf").unlink()  # an output gone
    rebuilt = handouts(project, *BUILD)
    assert rebuilt.loaded and "built    fr/fever-children.pdf" in rebuilt.stdout
    assert (output / "fr" / "fever-children.pdf").is_file()

    settle()
    handouts(project, *BUILD)
    # Other arguments, another terminal width: not what was said.
    french = handouts(project, "build", "--lang", "fr", "--layout", "letter", "-j", "1")
    assert french.loaded and "0 built, 1 skipped" in french.stdout
    wide, again = handouts(project, "status", columns=200), handouts(project, "status", columns=200)
    assert wide.loaded and not again.loaded
    narrow = handouts(project, "status", columns=60)
    assert narrow.loaded and narrow.stdout != wide.stdout
    assert max(map(len, narrow.stdout.splitlines())) <= 60


def test_a_failed_run_is_never_said_again(project: Path) -> None:
    one_handout(project)
    source = project / "handouts" / "fever-children" / "en.md"
    source.write_text(source.read_text() + "\n# A second title\n")
    for failed in full_runs_only(project):
        assert failed.code == 1 and "en.md" in failed.stderr


def test_a_run_that_starts_within_two_seconds_of_a_change_is_not_kept(project: Path) -> None:
    one_handout(project)
    (project / "output").mkdir()
    (project / "handouts" / "fever-children" / "en.md").write_text("just saved\n")
    run = Run(project, "status", {})
    assert not run.settled
    run.echo("something")
    run.record()
    assert not (project / "output" / REPLAY).exists()


def test_a_damaged_record_is_not_said(project: Path) -> None:
    """Whatever output/.replay.json holds (it is a file anyone can edit), a command runs in full
    rather than print it or fail on it."""
    one_handout(project)
    handouts(project, *BUILD)
    settle()
    full = handouts(project, *BUILD)
    record = project / "output" / REPLAY
    kept = json.loads(record.read_text())
    for events in ([[True]], [["yes", "text", None]], [[False, 12, None]], "text", [[False, "text", 3]]):
        for run in kept["runs"].values():
            run["events"] = events
        record.write_text(json.dumps(kept))
        said = handouts(project, *BUILD)
        assert said.loaded and said.code == 0 and said.timeless == full.timeless, said.stderr
    record.write_text("{" * 5000)
    assert handouts(project, *BUILD).code == 0


def test_a_project_with_a_link_in_it_is_never_said_again(project: Path) -> None:
    """What a link points to can change while the link's own stat stays: with one anywhere in the
    project (here a link to / among the handouts, which the build warns about and passes over),
    every run is a full one, and the fingerprint does not walk the disk behind it."""
    one_handout(project)
    (project / "handouts" / "everything").symlink_to("/")
    for full in full_runs_only(project):
        assert full.code == 0 and "is a symbolic link" in full.stderr


def test_a_build_worked_out_quietly_builds_nothing(project: Path) -> None:
    """The quiet build that works out what the next one will say stops, having built nothing,
    when it finds something to build (a source saved during the build it follows)."""
    from pipeline.cli.building import build_printing
    from pipeline.project.config import load_project

    one_handout(project)
    config = load_project(project)
    arguments = {"slugs": ["fever-children"], "langs": ["en"], "layouts": ["letter"], "jobs": 1, "shard": None,
                 "prune": False, "strict": False}
    quiet = Run(project, "build", {}, quiet=True, ours=True)
    assert build_printing(quiet, config, arguments) is None
    assert not list((project / "output").rglob("*.pdf")) and quiet.events == []

"""Nothing is lost: a failed or interrupted build never truncates or replaces a good PDF,
one failing handout does not stop the others, and two builds at once leave output/ consistent."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pypdf
import pytest
from click.testing import CliRunner

from pipeline.project.config import load_project
from pipeline.publish.build import Progress, build
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

    # The image now reaches out of its folder in a way `check` does not see (percent-encoded
    # slashes): the render's sandbox refuses it and the render fails.
    svg = root / "handouts" / "sample" / "hands.svg"
    svg.write_text(svg.read_text().replace("</svg>", '<image href="photo%2F..%2F..%2Fx.png"/></svg>'))
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
    assert "error: handouts/sample/fr.md:4:1: 'revised': \"2019-13-01\" has no month 13" in result.stderr
    assert "skipped  fr/second.pdf" in result.output and "0 built, 1 skipped, 0 failed" in result.output
    assert good.read_bytes() == before
    _assert_consistent(root / "output")


def test_a_pdf_that_fails_verification_is_not_published(tmp_path: Path) -> None:
    """The layout is edited so the copyright line and permission notice are printed only in the
    running footer (never read aloud): the render succeeds, verification fails, nothing is published."""
    root = good_project(tmp_path)
    assert _build(root, "--lang", "en").exit_code == 0
    output = root / "output"
    before = (output / "en" / "sample.pdf").read_bytes()
    entries = json.loads((output / "manifest.json").read_text())["outputs"]

    css = root / "layouts" / "letter" / "style.css"
    css.write_text(css.read_text() + ".about .copyright, .about .notice { display: none; }\n"
                   '@page { @top-left { content: "Crown copyright © Province of Nova Scotia"; } }\n')
    result = _build(root)
    assert result.exit_code == 1
    assert ("failed   en/sample.pdf: handouts/sample/en.md: the PDF failed verification and was not "
            "published (the previous file is kept):") in result.stderr
    assert "failed   fr/sample.pdf: handouts/sample/fr.md: the PDF failed verification and was not published:" \
        in result.stderr
    # Each finding on its own line, under the file's.
    assert "\n    the copyright line is not in the tagged text: Crown copyright © Province of Nova Scotia\n    " \
        in result.stderr
    assert "0 built, 0 skipped, 2 failed" in result.output
    assert (output / "en" / "sample.pdf").read_bytes() == before
    assert not (output / "fr" / "sample.pdf").exists()
    assert json.loads((output / "manifest.json").read_text())["outputs"] == entries
    assert "fr/sample.pdf" not in (output / "index.html").read_text()
    _assert_consistent(output)


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


def _waiting_for_a_lock(thread: threading.Thread) -> bool:
    """Whether `thread` is inside filelock's acquire (blocked on a lock another holds)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == "acquire" and "filelock" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_a_build_waits_while_another_holds_the_output_lock(tmp_path: Path) -> None:
    """Probe the lock: while output/.lock is held (as a running build holds it), a second build
    reads no manifest and writes nothing; once it is released, that build goes ahead."""
    root = good_project(tmp_path)
    (root / "output").mkdir()
    started = threading.Event()

    class Probe(Progress):
        def start(self, total: int) -> None:
            started.set()

    summaries: list = []
    thread = threading.Thread(target=lambda: summaries.append(
        build(load_project(root), ["sample"], ["en"], ["letter"], jobs=1, progress=Probe())))
    with filelock.FileLock(root / "output" / ".lock"):
        thread.start()
        deadline = time.monotonic() + 60
        while not (started.is_set() or _waiting_for_a_lock(thread)):
            assert thread.is_alive() and time.monotonic() < deadline, "the build neither waited nor started"
            time.sleep(0.01)
        assert not started.is_set(), "a second build started while output/.lock was held"
        assert sorted(p.name for p in (root / "output").iterdir()) == [".lock"]
    thread.join(60)
    assert started.is_set() and summaries[0].count("built") == 1
    assert set(_assert_consistent(root / "output")["outputs"]) == {"en/sample.pdf"}


def test_two_builds_of_different_handouts_at_once(tmp_path: Path) -> None:
    """Two processes, each building another handout into the same output/: both finish, and the
    manifest lists both (without the lock, each would write back the manifest it read)."""
    root = _two_handouts(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipeline", "build", "--project", str(root), "--jobs", "1", "--layout",
               "letter", "--lang", "en"]
    runs = [subprocess.Popen([*command, slug], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for slug in ("sample", "second")]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert code == 0, out + err
        assert "1 built, 0 skipped, 0 failed" in out
    manifest = _assert_consistent(root / "output")
    assert set(manifest["outputs"]) == {"en/sample.pdf", "en/second.pdf"}


def test_workers_render_with_the_code_the_digests_describe(tmp_path: Path) -> None:
    """Run from a folder that holds another `pipeline/` (an older checkout), the build's worker
    processes imported that one (the fork server puts the current folder on sys.path) and
    published PDFs made by other code than their digests said: stale PDFs passed off as new."""
    (tmp_path / "project").mkdir()
    root = good_project(tmp_path / "project")
    other = tmp_path / "elsewhere" / "pipeline"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text('raise SystemExit("the pipeline/ of the current folder was imported")\n')
    handouts = Path(sys.executable).with_name("handouts")
    result = subprocess.run([str(handouts), "build", "--project", str(root), "--layout", "letter", "--layout", "a4",
                             "-j", "2"], cwd=other.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 built, 0 skipped, 0 failed" in result.stdout


def test_a_build_waiting_for_another_says_so(tmp_path: Path) -> None:
    """A second build into the same output/ waits for the first: it says so, instead of looking
    hung, and builds once the first lets go."""
    root = good_project(tmp_path)
    (root / "output").mkdir()
    taken = threading.Event()

    def other_build() -> None:  # holds the lock for a second, as a build in another process would
        with filelock.FileLock(root / "output" / ".lock"):
            taken.set()
            time.sleep(1.0)

    threading.Thread(target=other_build).start()
    taken.wait(10)
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--layout", "letter", "--lang", "en", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert f"waiting  for another build in {root / 'output'} to finish" in result.output
    assert "1 built, 0 skipped, 0 failed" in result.output


def test_two_workers_publishing_one_picture_at_once_both_succeed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A handout's English and French web pages publish its pictures into one folder from two
    workers. Rebuilding 1,000 handouts, 7 pages failed: both writers set out to keep the picture's
    previous version, and the second found the first's there (EEXIST). Here both reach that step
    together every time."""
    from pipeline.publish.manifest import publish, settle_previous

    picture = tmp_path / "web" / "topic" / "figure.svg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"<svg/> before")
    together = threading.Barrier(2, timeout=5)
    link = os.link

    def link_together(source, target) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):  # a writer that never links: no race to set up
            together.wait()
        link(source, target)

    monkeypatch.setattr(os, "link", link_together)
    failures: list[OSError] = []

    def write() -> None:
        try:
            publish(picture, b"<svg/> after")
        except OSError as error:
            failures.append(error)

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    assert picture.read_bytes() == b"<svg/> after"
    settle_previous(tmp_path, {})  # recorded: the kept version goes
    assert [p.name for p in picture.parent.iterdir()] == ["figure.svg"]


def test_the_manifest_is_written_for_people_to_read_and_diff(tmp_path: Path) -> None:
    """Indented, sorted, its version first, and French as French (not \\u escapes): reviewers read
    manifest changes in a diff."""
    from pipeline.publish.manifest import write_manifest

    write_manifest(tmp_path / "manifest.json", {"fr/b.pdf": {"title": "Fièvre"}, "en/a.pdf": {"title": "Fever"}})
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == (
        '{\n  "version": 1,\n  "outputs": {\n    "en/a.pdf": {\n      "title": "Fever"\n    },\n'
        '    "fr/b.pdf": {\n      "title": "Fièvre"\n    }\n  }\n}\n')


def test_a_file_is_written_beside_itself_under_a_hidden_temporary_name(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """While a file is written, its bytes go to a hidden .NAME.….tmp in its own folder (a rename
    within one file system; a killed writer's leftover is found and removed by the next build)."""
    from pipeline.publish import manifest

    target = tmp_path / "en" / "sample.pdf"
    seen: list[list[str]] = []
    fsync = os.fsync

    def look(fd: int) -> None:
        seen.append(sorted(p.name for p in target.parent.iterdir()))
        fsync(fd)

    monkeypatch.setattr(manifest.os, "fsync", look)
    manifest.atomic_write(target, b"%PDF")
    ((name,),) = seen
    assert name.startswith(".sample.pdf.") and name.endswith(".tmp")
    assert sorted(p.name for p in target.parent.iterdir()) == ["sample.pdf"]


def test_a_stopped_build_s_leftovers_are_settled_against_the_manifest(tmp_path: Path) -> None:
    """What a build killed between publishing and recording leaves: a writer's temporary file is
    removed, and a page's picture the manifest still lists at its old bytes gets them back."""
    from pipeline.publish.manifest import publish, settle_previous

    picture = tmp_path / "web" / "topic" / "figure.svg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"<svg/> old")
    entries = {"web/topic/en.html": {"path": "web/topic/en.html", "sha256": "0" * 64,
                                     "files": {"web/topic/figure.svg": hashlib.sha256(b"<svg/> old").hexdigest()}}}
    publish(picture, b"<svg/> new")  # never recorded
    (picture.parent / ".en.html.k3j2.tmp").write_bytes(b"<html")  # a writer killed mid-write
    settle_previous(tmp_path, entries)
    assert picture.read_bytes() == b"<svg/> old"
    assert sorted(p.name for p in picture.parent.iterdir()) == ["figure.svg"]

"""`handouts status`, `handouts new` and `handouts watch`."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.publish.status import review_state
from pipeline.publish.watch import affected, watch


def test_review_states() -> None:
    today = dt.date(2026, 1, 1)
    assert review_state(dt.date(2025, 12, 31), today) == "overdue"
    assert review_state(dt.date(2026, 3, 1), today) == "due soon"
    assert review_state(dt.date(2027, 1, 1), today) == "current"


def test_status_table(cli, project: Path) -> None:
    fr = project / "handouts" / "fever-children" / "fr.md"
    fr.write_text(fr.read_text().replace("translates: 2024-05-20", "translates: 2023-01-01"))
    wide = {"COLUMNS": "250"}  # every column (a narrow terminal gets fewer: tests/test_status_check_help.py)
    result = cli.invoke(main, ["status", "--project", str(project)], color=True, env=wide)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["HANDOUT", "TITLE", "NUMBER", "LANGS", "EN"]
    fever = next(line for line in lines if line.startswith("fever-children"))
    assert "61420" in fever and "en fr" in fever and "fr stale" in fever and "not built" in fever
    assert "en 6." in fever and "fr KM " in fever
    vertebro = next(line for line in lines if line.startswith("vertebroplasty"))
    assert "\x1b[31m2022-12-01 (overdue)" in vertebro  # red on a terminal
    plain = cli.invoke(main, ["status", "--project", str(project)], env=wide)
    assert "\x1b[" not in plain.output


@pytest.mark.parametrize(("today", "state"), [(dt.date(2026, 1, 15), "current"), (dt.date(2027, 4, 1), "due soon"),
                                           (dt.date(2027, 6, 2), "overdue")])
def test_status_json_reads_the_manifest(cli, built: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date,
                                        state: str) -> None:
    """fever-children was reviewed 2024-06-01: with the 3-year interval it is due 2027-06-01."""
    monkeypatch.setattr("pipeline.project.clock.today", lambda: today)
    result = cli.invoke(main, ["status", "--json", "--project", str(built.parent)])
    rows = {row["slug"]: row for row in json.loads(result.output)}
    fever = rows["fever-children"]
    assert fever["number"] == "61420" and fever["languages"] == ["en", "fr"]
    assert fever["translation"] == {"en": "current", "fr": "current"} and fever["stale"] is False
    assert fever["review"] == state and fever["review_due"] == "2027-06-01"
    assert fever["readability"]["en"]["meets_target"] and fever["readability"]["fr"]["kandel_moles"] > 60
    assert sorted(o["path"] for o in fever["outputs"]) == ["en/fever-children.pdf", "fr/fever-children.pdf",
                                                          "web/fever-children/en.html", "web/fever-children/fr.html"]
    assert all(o["verify"] == "pass" and o["built"] for o in fever["outputs"] if o["kind"] == "pdf")
    assert rows["vertebroplasty"]["review"] == "overdue" and rows["vertebroplasty"]["electronic"] is False


def test_new_scaffolds_a_handout_that_passes_check(cli, project: Path) -> None:
    result = cli.invoke(main, ["new", "knee-pain", "--project", str(project)])
    assert result.exit_code == 0, result.output
    folder = project / "handouts" / "knee-pain"
    assert sorted(p.name for p in folder.iterdir()) == ["en.md", "fr.md", "handout.yml"]
    assert "# The handout number" in (folder / "handout.yml").read_text()
    check = cli.invoke(main, ["check", "--project", str(project), "knee-pain"])
    assert check.exit_code == 0, check.output
    assert "0 error(s)" in check.stdout
    assert "warning: handouts/knee-pain/en.md:4:9: 'title': still to fill in: title:" in check.stdout
    assert "warning: handouts/knee-pain/handout.yml:5:" in check.stdout
    assert "knee-pain/en: ✓ grade" in check.stdout and "knee-pain/fr: ✓ Kandel-Moles" in check.stdout
    strict = cli.invoke(main, ["check", "--strict", "--project", str(project), "knee-pain"])
    assert strict.exit_code == 1


def test_new_refuses_to_overwrite_and_bad_names(cli, project: Path) -> None:
    before = (project / "handouts" / "vertebroplasty" / "en.md").read_bytes()
    result = cli.invoke(main, ["new", "vertebroplasty", "--project", str(project)])
    assert result.exit_code == 1 and "handouts/vertebroplasty already exists" in result.output
    assert (project / "handouts" / "vertebroplasty" / "en.md").read_bytes() == before
    for bad in ("Knee", "knee_pain", "knee-", "knee--pain", "../knee", ""):
        result = cli.invoke(main, ["new", bad, "--project", str(project)])
        assert result.exit_code == 1 and "cannot be a handout name" in result.output, bad
    assert sorted(p.name for p in (project / "handouts").iterdir()) == ["fever-children", "vertebroplasty"]


def test_affected(tmp_path: Path) -> None:
    assert affected(tmp_path, [tmp_path / "handouts" / "a" / "en.md", tmp_path / "handouts" / "b" / "x.svg"]) == {"a", "b"}
    assert affected(tmp_path, [tmp_path / "handouts" / "a" / "en.md", tmp_path / "layouts" / "base.css"]) is None
    assert affected(tmp_path, [tmp_path / "handouts.yml"]) is None
    assert affected(tmp_path, [tmp_path / "handouts" / "a" / ".en.md.swp", tmp_path / "output" / "x.pdf"]) == set()


def _fake_make_target(target, digest, strict=False):
    """Stands in for rendering (tested elsewhere): the watcher is what is tested here."""
    from pipeline.publish import workers
    from pipeline.publish.manifest import atomic_write, sha256_file

    project = workers._state["project"]
    atomic_write(project.output_dir / target.path, b"%PDF-1.7 stand-in")
    entry = {"path": target.path, "kind": target.kind, "handout": target.slug, "lang": target.lang, "layout": target.layout,
             "sha256": sha256_file(project.output_dir / target.path), "input_digest": digest,
             "pages": 1, "bytes": 17, "verify": "pass", "translation": "current"}
    return workers.Outcome(target, "built", entry=entry, seconds=0.01)


def test_watch_builds_then_rebuilds_what_a_save_affects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import copy_project

    monkeypatch.setattr("pipeline.publish.workers.make_target", _fake_make_target)
    root = copy_project(tmp_path, ("fever-children",))
    lines: list[tuple[str, bool]] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, lambda m, e: lines.append((m, e)), stop),
                              kwargs={"jobs": 1, "debounce_ms": 100}, daemon=True)
    thread.start()

    def wait_for(text: str, after: int = 0, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while not any(text in message for message, _ in lines[after:]):
            assert thread.is_alive(), lines
            assert time.monotonic() < deadline, f"no {text!r} in {lines[after:]}"
            time.sleep(0.05)
        return len(lines)

    def rebuilt(after: int) -> list[str]:
        return [message.split()[1] for message, _ in lines[after:] if message.startswith("rebuilt")]

    try:
        mark = wait_for("watching ")
        # Built once at start: every output, each web page and default-layout PDF first.
        assert len(rebuilt(0)) == 11 and rebuilt(0)[:2] == ["web/fever-children/en.html", "web/fever-children/fr.html"]
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] 11 built, 0 up to date, 0 failed in \d+\.\d s; watching for changes",
                            next(m for m, _ in lines if "built," in m))
        time.sleep(0.5)  # the watcher is listening
        # An English edit rebuilds the English outputs alone, its web page and letter PDF first.
        en = root / "handouts" / "fever-children" / "en.md"
        en.write_text(en.read_text().replace("A fever is common", "A fever is very common"))
        after = wait_for("watching for changes", mark)
        assert rebuilt(mark)[:2] == ["web/fever-children/en.html", "en/fever-children.pdf"]
        assert sorted(rebuilt(mark)) == ["en/fever-children.a4.pdf", "en/fever-children.large-print.pdf",
                                         "en/fever-children.pdf", "en/fever-children.photocopy.pdf",
                                         "web/fever-children/en.html"]
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] handouts/fever-children/en\.md changed: building fever-children",
                            lines[mark][0])
        # An error is reported, watching goes on, and once it is gone it is reported fixed.
        meta = root / "handouts" / "fever-children" / "handout.yml"
        good = meta.read_text()
        meta.write_text("number: [oops\n")
        after = wait_for("error: handouts/fever-children/handout.yml:", after)
        assert thread.is_alive()
        meta.write_text(good)
        wait_for("fixed    handouts/fever-children/handout.yml", after)
        assert rebuilt(after) == []  # back as it was: every output is up to date
        assert (root / "output" / "en" / "fever-children.pdf").is_file()
        assert (root / "output" / "index.html").is_file()
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    assert any(error for _, error in lines)

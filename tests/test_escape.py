"""Nothing outside output/ is read or deleted, and nothing outside the project is built: manifest
entries that point elsewhere (or are not entries), handouts that are symbolic links, and folder
names that are not handout names (issue 11)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.exchange.importer import slug_for
from pipeline.source.model import valid_slug

from .conftest import shared
from .good_project import SLUG, good_project

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "escape" / "manifests.yml").read_text())


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links not followed) and its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope=shared("module"))
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handout built once (English, letter), in a project inside a folder that holds
    files of its own beside it (README.keep, outside.pdf): what an escape would reach."""
    base = tmp_path_factory.mktemp("escape")
    (base / "project").mkdir()
    root = good_project(base / "project")
    (root / "README.keep").write_text("keep me")
    (base / "outside.pdf").write_bytes((root / "README.keep").read_bytes())
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--lang", "en", "--layout", "letter", "-j", "1"])
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_manifest_cannot_reach_outside_output(built: Path, tmp_path: Path, cli, case: dict) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.7 not ours")
    manifest = root / "output" / "manifest.json"
    data = json.loads(manifest.read_text())
    key = case["key"].replace("OUTSIDE", str(outside))
    entry = json.loads(json.dumps(case["entry"]).replace("OUTSIDE", str(outside)))
    data["outputs"][key] = entry
    manifest.write_text(json.dumps(data))
    before_project = {k: v for k, v in _tree(root).items() if not k.startswith("output/")}
    before_outside = _tree(tmp_path)

    for args in (["build", "--prune", "--lang", "en", "--layout", "letter", "-j", "1"], ["verify"], ["status"],
                 ["status", "--json"]):
        result = cli.invoke(main, [*args, "--project", str(root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in result.output
        assert str(outside) not in result.output and "README.keep" not in result.output, (args, result.output)
    assert {k: v for k, v in _tree(root).items() if not k.startswith("output/")} == before_project
    assert {k: v for k, v in _tree(tmp_path).items() if not k.startswith("project/output/")} == {
        k: v for k, v in before_outside.items() if not k.startswith("project/output/")}
    assert (root / "output" / "en" / f"{SLUG}.pdf").is_file()  # the good PDF is still there and listed
    assert f"en/{SLUG}.pdf" in json.loads(manifest.read_text())["outputs"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir()
    return good_project(tmp_path / "project")


def _check(cli, root: Path) -> str:
    result = cli.invoke(main, ["check", "--project", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def test_a_manifest_path_names_a_file_only_inside_output(tmp_path: Path) -> None:
    """The guard every manifest path goes through before a file is read or deleted, links followed
    (a folder swapped for a link after the manifest was read included)."""
    from pipeline.publish.manifest import Inside

    output, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    (output / "en").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "x.pdf").write_bytes(b"not ours")
    (output / "web").symlink_to(elsewhere)
    (output / "en" / "out.pdf").symlink_to(elsewhere / "x.pdf")
    (output / "en" / "same.pdf").symlink_to(output / "en" / "x.pdf")
    (output / "en" / "beside.pdf").symlink_to(tmp_path / "output2" / "x.pdf")  # a folder whose name begins the same
    (output / "en" / "whole.pdf").symlink_to(output)  # output/ itself is not a file in it
    inside = Inside(output)
    assert inside.file("en/x.pdf") == output / "en" / "x.pdf"
    assert inside.file("en/same.pdf") == output / "en" / "x.pdf"  # a link that stays inside is followed
    for path in ("web/x.pdf", "en/out.pdf", "en/beside.pdf", "en/whole.pdf", "../elsewhere/x.pdf", "en/../../elsewhere/x.pdf", "/etc/passwd",
                 "en\\x.pdf", "en//x.pdf", "./en/x.pdf", "", None, 3, "en/x.pdf\0"):
        assert inside.file(path) is None, path


def test_an_entry_is_kept_only_if_every_file_it_brings_is_inside(tmp_path: Path) -> None:
    from pipeline.publish.manifest import read_manifest

    output = tmp_path / "output"
    output.mkdir()
    outputs = {"web/a/en.html": {"path": "web/a/en.html", "files": {"web/a/pic.svg": "0" * 64}},
               "web/b/en.html": {"path": "web/b/en.html", "files": {"web/b/pic.svg": "0" * 64, "../pic.svg": "0" * 64}},
               "web/c/en.html": {"path": "web/c/en.html", "files": {}}}
    (output / "manifest.json").write_text(json.dumps({"version": 1, "outputs": outputs}))
    assert list(read_manifest(output)["outputs"]) == ["web/a/en.html", "web/c/en.html"]


def test_a_handout_folder_linked_from_outside_is_not_read(project: Path, tmp_path: Path, cli) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(project / "handouts" / SLUG, elsewhere)
    secret = "Text from outside the project"
    md = elsewhere / "en.md"
    md.write_text(md.read_text().replace("\n\n", f"\n\n{secret}.\n\n", 2))
    os.symlink(elsewhere, project / "handouts" / "linked")
    output = _check(cli, project)
    assert "handouts/linked: is a symbolic link: it is not built" in output
    result = cli.invoke(main, ["build", "--project", str(project), "--lang", "en", "--layout", "letter", "-j", "1"])
    assert not (project / "output" / "en" / "linked.pdf").exists()
    assert "linked" not in json.dumps(json.loads((project / "output" / "manifest.json").read_text())), result.output


def test_a_link_to_another_handout_does_not_build_it_twice(project: Path, cli) -> None:
    os.symlink(project / "handouts" / SLUG, project / "handouts" / "sample-again")
    output = _check(cli, project)
    assert "handouts/sample-again: is a symbolic link: it is not built" in output
    result = cli.invoke(main, ["check", "sample-again", "--project", str(project)])
    assert result.exit_code == 1 and "handouts/sample-again: is a symbolic link" in result.output


def test_a_source_file_that_is_a_link_is_refused(project: Path, tmp_path: Path, cli) -> None:
    md = project / "handouts" / SLUG / "en.md"
    (tmp_path / "en.md").write_bytes(md.read_bytes())
    md.unlink()
    os.symlink(tmp_path / "en.md", md)
    result = cli.invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1 and f"handouts/{SLUG}/en.md: is a symbolic link" in result.output


@pytest.mark.parametrize(("name", "said"), [
    ("..hidden", None),  # hidden: passed over, like .git
    ("with spaces", "is not a valid handout name"),
    ("x" * 240, "is not a valid handout name"),
    ("Fever-Children", "is not a valid handout name"),
    ("fever--children", "is not a valid handout name"),
])
def test_one_slug_rule(project: Path, cli, name: str, said: str | None) -> None:
    shutil.copytree(project / "handouts" / SLUG, project / "handouts" / name)
    output = _check(cli, project)
    assert "Traceback" not in output and "File name too long" not in output
    if said:
        assert f"handouts/{name}: {said}: it is not built" in output
    else:
        assert name not in output
    assert not valid_slug(name)


def test_a_named_slug_outside_the_rule_is_refused(project: Path, cli) -> None:
    result = cli.invoke(main, ["check", "../project/handouts/sample", "--project", str(project)])
    assert result.exit_code == 1 and "is not a valid handout name" in result.output


def test_an_imported_title_of_one_long_word_gets_a_name() -> None:
    """The import made a name by dropping words until it fit: a title of one 70-letter word never ended."""
    slug = slug_for("Pneumonoultramicroscopicsilicovolcanoconiosis" + "x" * 30)
    assert valid_slug(slug) and len(slug) == 60
    assert slug_for("heel pain " * 10) == ("heel-pain-" * 6).rstrip("-")

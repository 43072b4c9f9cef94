"""Random front matter, handout.yml values and Markdown never make a traceback: a clean result or clean errors."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.publish.build import build
from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.errors import HandoutsError

from .good_project import GOOD, SLUG, TODAY, good_project

# Python's own words, which must never reach a nurse.
_REPR = re.compile(r"Traceback|datetime\.date\(|object at 0x|<class '|Error\(|\bNoneType\b|pydantic|\{'\w+': ")

# A located message: the handout's file, and the line (and column) in it when it is a text file's.
_LOCATED = re.compile(rf"handouts/{SLUG}/(en\.md|fr\.md|handout\.yml)(:\d+:\d+)?: \S")

EN_FRONT = {"title": "Washing your hands", "summary": "How and when to wash your hands.",
            "keywords": ["hands", "soap"], "author": "811 Nova Scotia", "revised": "2024-05-20"}
FR_FRONT = {"title": "Se laver les mains", "summary": "Comment et quand vous laver les mains.",
            "keywords": ["mains"], "author": "811 Nouvelle-Écosse", "revised": "2024-05-20",
            "translates": "2024-05-20"}
META = yaml.safe_load((GOOD / "handouts" / SLUG / "handout.yml").read_text(encoding="utf-8"))

FRONT_KEYS = ["title", "summary", "keywords", "author", "revised", "translates", "titel", "Revised", ""]
META_KEYS = ["number", "created", "license", "review", "sources", "images", "missing", "licence"]

dates = st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z") | st.dates().map(dt.date.isoformat)
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=True),
                    words, dates, st.sampled_from(["en", "fr", "de", "ogl-ns", "aafp", "hands.svg", "../x.svg",
                                                   "https://example.com/x.png", "~", "*x", "&a", "!!binary"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["en", "fr", "de", "alt", "date", "x"]) | words, inner,
                                        max_size=3), max_leaves=8)

SNIPPETS = [
    "## Section", "### Sub", "#### Jump", "# Title", "Setext\n===", "- item", "  - nested", "1. one", "> quote",
    "::: callout", ":::", "| a | b |", "|---|---|", "| | |", "![](hands.svg)", '![alt](hands.svg "Caption")',
    "![](https://example.com/x.png)", "![](../other/x.svg)", "![](missing.svg)", "[link](https://example.com)",
    "[](tel:811)", "[Call](tel:811)", "[mail](mailto:a@b.c)", "[bad](javascript:alert(1))", "[x](file:///etc/passwd)",
    "[mot]{lang=fr}", "[Wort]{lang=de}", "[x]{lang=}", "{lang=fr}", "<b>bold</b>", "<!-- comment -->",
    "<div>\nblock\n</div>", "```\ncode\n```", "    indented code", "***", "", "[ref]: https://example.com",
    "&amp; &#0; &#x110000;", "\\*", "*a*", "**b**", "« guillemets »", "Prix : 5 $ ; oui !", "\t", "\r\n",
    "{{ page.title }}", "{% raw %}", "- " * 30 + "deep", ">" * 30 + " deep",
]
markdown = st.lists(st.sampled_from(SNIPPETS) | st.text(alphabet="#*_[]()!<>`|-:{}=~\\ \nabcé«»0123456789.",
                                                         max_size=40), max_size=25).map("\n".join)


@st.composite
def changed(draw, base: dict, keys: list[str]) -> dict:
    """`base` unchanged (half the time, so bodies get checked too), or with a few keys removed or changed."""
    data = dict(base)
    if draw(st.booleans()):
        return data
    for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3)):
        if draw(st.booleans()):
            data.pop(key, None)
        else:
            data[key] = draw(values)
    return data


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def sources(draw) -> dict[str, bytes]:
    """handout.yml, en.md and fr.md: mostly valid structure with random changes, sometimes raw junk."""
    files = {}
    for name, base, keys in (("en.md", EN_FRONT, FRONT_KEYS), ("fr.md", FR_FRONT, FRONT_KEYS)):
        front = draw(words | st.just("a: [b\n")) if draw(st.integers(0, 9)) == 0 else _yaml(draw(changed(base, keys)))
        text = f"---\n{front}---\n\n{draw(markdown)}\n"
        junk = draw(st.binary(min_size=1, max_size=4)) if draw(st.integers(0, 9)) == 0 else b""
        files[name] = text.encode("utf-8") + junk
    files["handout.yml"] = _yaml(draw(changed(META, META_KEYS))).encode("utf-8")
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_project(tmp_path_factory.mktemp("fuzz"))


def _write(root: Path, files: dict[str, bytes]) -> None:
    folder = root / "handouts" / SLUG
    for name, data in files.items():
        (folder / name).write_bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=sources())
def test_check_never_crashes(project: Path, files: dict[str, bytes], monkeypatch_today) -> None:
    _write(project, files)
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1)
    assert result.stderr == ""  # everything check says is on stdout, so `check | less` shows it
    for line in result.stdout.splitlines():
        assert not _REPR.search(line), line


@pytest.fixture(scope="module")
def monkeypatch_today():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.project.clock.today", lambda: TODAY)
        yield


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=markdown)
def test_build_of_random_body_is_clean(project: Path, body: str) -> None:
    """A real render of a random (valid-front-matter) body: built, or a clean failure, never a traceback."""
    folder = project / "handouts" / SLUG
    shutil.copyfile(GOOD / "handouts" / SLUG / "handout.yml", folder / "handout.yml")
    shutil.copyfile(GOOD / "handouts" / SLUG / "fr.md", folder / "fr.md")
    (folder / "en.md").write_text(f"---\n{_yaml(EN_FRONT)}---\n\n{body}\n", encoding="utf-8")
    try:
        summary = build(load_project(project), [SLUG], ["en"], ["letter"], jobs=1, force=True)
    except HandoutsError as error:  # allowed only as a clean, located message about this handout
        for line in error.format_message().splitlines():
            assert _LOCATED.match(line) and not _REPR.search(line), line
        return
    for outcome in summary.outcomes:
        assert outcome.status in ("built", "failed")
        if outcome.status == "failed":
            assert outcome.message.startswith(f"handouts/{SLUG}/en.md"), outcome.message
            assert not _REPR.search(outcome.message), outcome.message
    for problem in summary.problems:
        assert "\n" not in str(problem) and not _REPR.search(str(problem)), str(problem)
        assert _LOCATED.match(str(problem)), str(problem)

"""Page budgets and copy-fitting, on handouts made to be one line, a few lines and many lines over
their budget (in letter and large print, English and French), measured from the real layout."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.publish.build import build
from pipeline.render.html import render_html
from pipeline.render.pdf import Renderer
from pipeline.source.model import load_handout

from .good_project import good_project
from .pdfpaint import line_spacings, text_runs

FILLER = yaml.safe_load((Path(__file__).parent / "fixtures" / "print" / "filler.yml").read_text(encoding="utf-8"))
LANGS = ("en", "fr")
# layout: (its budget in these tests, sentences added for "a few lines over" and for "many lines
# over" (more than copy-fitting can take back), the least body text size, the least line spacing).
# Letter's sentences are about 0.8 line long, large print's 1.5.
LAYOUTS = {"letter": (2, 4, 60, 12, 1.3), "large-print": (5, 3, 30, 18, 1.5)}


SECTIONS = 10


def _body(lang: str, count: int) -> str:
    """Key points, then `count` plain sentences in ten sections (the same structure in every language)."""
    text = FILLER[lang]
    sentences = [text["sentences"][i % len(text["sentences"])] for i in range(count)]
    parts = [f"## {'Key points' if lang == 'en' else 'Points clés'}",
             "\n".join(f"{n}. {point}" for n, point in enumerate(text["key_points"], start=1))]
    for section in range(SECTIONS):
        # Round robin: one more sentence only lengthens one paragraph, so pages never drop as it grows.
        parts += [f"## {text['section']} {section + 1}", " ".join(sentences[section::SECTIONS])]
    return "\n\n".join(parts) + "\n"


def _write(root: Path, slug: str, counts: dict[str, int], pages: dict[str, int]) -> None:
    folder = root / "handouts" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handout.yml").write_text(
        'number: "90100"\ncreated: 2024-01-15\nlicense: ogl-ns\n'
        "review: {body: {en: Clinical Services Working Group, fr: Groupe de travail sur les services cliniques},"
        " organization: {en: Nova Scotia Telecare, fr: Télésoins Nouvelle-Écosse}, date: 2025-06-01}\n"
        f"pages: {json.dumps(pages)}\n", encoding="utf-8")
    for lang, count in counts.items():
        text = FILLER[lang]
        extra = "translates: 2025-05-01\n" if lang == "fr" else ""
        (folder / f"{lang}.md").write_text(
            f"---\ntitle: {text['title']}\nsummary: \"{text['summary']}\"\nauthor: {text['author']}\n"
            f"revised: 2025-05-01\n{extra}---\n\n" + _body(lang, count), encoding="utf-8")


def _unfitted(root: Path, slug: str, lang: str, layout_name: str, renderer: Renderer):
    project = load_project(root)
    handout, problems = load_handout(project, slug)
    assert handout is not None, problems
    layout = load_layout(project.layouts_dir, layout_name)
    rendered, _ = render_html(project, handout, lang, layout)
    return renderer.measure(rendered.html, layout, handout.folder)


def _overflow_point(root: Path, renderer: Renderer, lang: str, layout: str, budget: int) -> tuple[int, dict]:
    """The fewest sentences that take the handout past `budget` pages (binary search on real
    layouts), and the layouts measured at it and one sentence short of it."""
    low, high = SECTIONS, 130
    slug = f"tune-{layout}"
    fills = {count: _measure(root, renderer, slug, lang, layout, budget, count) for count in (low, high)}
    assert fills[low].pages <= budget < fills[high].pages
    while high - low > 1:
        middle = (low + high) // 2
        fills[middle] = _measure(root, renderer, slug, lang, layout, budget, middle)
        if fills[middle].pages > budget:
            high = middle
        else:
            low = middle
    shutil.rmtree(root / "handouts" / slug)
    return high, {"over": fills[high], "short": fills[low]}


def _measure(root: Path, renderer: Renderer, slug: str, lang: str, layout: str, budget: int, count: int):
    # Both languages: each prints that the other exists.
    _write(root, slug, {other: count for other in LANGS}, {layout: budget})
    return _unfitted(root, slug, lang, layout, renderer)


@pytest.fixture(scope="module")
def over(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Handouts one line (`LAYOUT-one`), a few lines (`-few`) and many lines (`-many`) over their
    budget in each layout and language, built once (with copy-fitting), and the build's CLI output."""
    root = good_project(tmp_path_factory.mktemp("budget"))
    shutil.rmtree(root / "handouts" / "sample")
    renderer = Renderer(load_project(root))
    points = {}
    for layout, (budget, few, many, _, _) in LAYOUTS.items():
        points[layout] = {lang: _overflow_point(root, renderer, lang, layout, budget) for lang in LANGS}
        counts = {lang: count for lang, (count, _) in points[layout].items()}
        for case, extra in (("one", 0), ("few", few), ("many", many)):
            _write(root, f"{layout}-{case}", {lang: n + extra for lang, n in counts.items()}, {layout: budget})
    output, exits = "", []
    for layout in LAYOUTS:  # each handout in the layout it was made for
        result = CliRunner().invoke(main, ["build", *(f"{layout}-{case}" for case in ("one", "few", "many")),
                                           "--project", str(root), "-j", "1", "--layout", layout])
        output += result.output
        exits.append(result.exit_code)
    manifest = json.loads((root / "output" / "manifest.json").read_text())["outputs"]
    return {"root": root, "points": points, "output": output, "exits": exits, "manifest": manifest,
            "renderer": renderer}


def _entry(over: dict, layout: str, case: str, lang: str) -> dict:
    suffix = "" if layout == "letter" else f".{layout}"
    return over["manifest"][f"{lang}/{layout}-{case}{suffix}.pdf"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("lang", LANGS)
def test_one_line_over_is_measured_as_one_line(over: dict, layout: str, lang: str) -> None:
    """Laid out as it comes, the handout made one sentence too long is over its budget by one
    page and the measure says a few lines at most; one sentence shorter, it is within budget.
    The measure counts what spills past the budget less the room left on its last page: in
    letter one line; in large print the sentence (1.5 lines) can push a paragraph kept whole
    past the budget, and French large print measures 5 lines."""
    budget = LAYOUTS[layout][0]
    fills = over["points"][layout][lang][1]
    assert fills["over"].pages == budget + 1
    assert 1 <= fills["over"].lines_over(budget) <= {"letter": 1, "large-print": 6}[layout]
    assert fills["short"].pages == budget and fills["short"].lines_over(budget) == 0


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["one", "few"])
def test_copy_fitting_brings_it_back_within_budget(over: dict, layout: str, lang: str, case: str) -> None:
    """One line or a few lines over: the build tightens in the layout's documented steps, the
    fewest that do, and the PDF is on budget; the manifest and the build output name the steps."""
    budget, _, _, least_size, least_spacing = LAYOUTS[layout]
    entry = _entry(over, layout, case, lang)
    path = over["root"] / "output" / entry["path"]
    steps = entry["fit"]
    assert entry["pages"] == budget and entry["lines_over"] == 0
    assert steps and steps == list(load_layout(over["root"] / "layouts", layout).fit[:len(steps)])
    assert f"built    {entry['path']}  ({budget} pages of {budget}" in over["output"]
    assert f"copy-fitted: {', '.join(steps)}" in over["output"]
    # Within the accessible bounds: no smaller text, line spacing kept.
    runs = text_runs(path)
    body = [run for run in runs if (not run.artifact or layout == "large-print") and not run.raised]
    assert min(run.size for run in body) >= least_size
    assert min(spacing for spacing, _ in line_spacings(runs)) >= least_spacing - 0.005


@pytest.mark.parametrize("lang", LANGS)
def test_copy_fitting_keeps_every_word(over: dict, lang: str) -> None:
    """The fitted PDF has the same text as the handout laid out as it comes."""
    root = over["root"]
    project = load_project(root)
    handout, _ = load_handout(project, "letter-one")
    layout = load_layout(project.layouts_dir, "letter")
    rendered, _ = render_html(project, handout, lang, layout)
    plain = root / f"plain-{lang}.pdf"
    plain.write_bytes(over["renderer"].render(rendered.html, layout, handout.folder, Path("x"), b"0" * 16))

    def text(path: Path) -> str:
        """The text in reading (painting) order, without the running footer (printed once per
        page) and without spaces and hyphens (lines break in other places)."""
        raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
        raw = re.sub(r"©[^\n]*·[^\n]*?(Revised|Révisé le)\s[^\n]*?\d{4}|Page\s*\d+\s*(of|de)\s*\d+", "", raw)
        return re.sub(r"[\s\u00ad-]+", "", raw)

    assert text(plain) == text(root / "output" / lang / "letter-one.pdf")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("lang", LANGS)
def test_many_lines_over_is_a_warning_naming_the_lines(over: dict, layout: str, lang: str) -> None:
    budget = LAYOUTS[layout][0]
    entry = _entry(over, layout, "many", lang)
    assert entry["pages"] > budget and entry["lines_over"] >= 12
    fitted = f" after copy-fitting ({', '.join(entry['fit'])})" if entry["fit"] else ""
    warning = (f"warning: handouts/{layout}-many/handout.yml:5:9: 'pages.{layout}': {lang} {layout}: "
               f"{entry['pages']} pages{fitted}, over its budget of {budget} by about {entry['lines_over']} lines "
               f"(shorten the {'French' if lang == 'fr' else 'English'} text by about {entry['lines_over']} lines, "
               "or raise the budget)")
    assert warning in over["output"], over["output"]
    assert over["exits"] == [0, 0]  # a warning, not an error


def test_within_budget_costs_one_layout(over: dict) -> None:
    """Copy-fitting is tried only when it may save a page: a handout within its budget is laid out once."""
    from pipeline.render.fit import Goal

    root = over["root"]
    project = load_project(root)
    handout, _ = load_handout(project, "letter-one")
    layout = load_layout(project.layouts_dir, "letter")
    rendered, _ = render_html(project, handout, "en", layout)
    roomy = over["renderer"].typeset(rendered.html, layout, handout.folder, Path("x"), b"0" * 16, Goal(3, 0.25))
    assert roomy.layouts == 1 and roomy.steps == ()
    tight = over["renderer"].typeset(rendered.html, layout, handout.folder, Path("x"), b"0" * 16, Goal(2, 0.25))
    assert tight.layouts >= 2 and tight.pages == 2


def test_strict_build_refuses_an_over_budget_pdf(over: dict, tmp_path: Path) -> None:
    root = tmp_path / "strict"
    shutil.copytree(over["root"], root, ignore=shutil.ignore_patterns("output"))
    for slug in (p.name for p in (root / "handouts").iterdir() if p.name != "letter-many"):
        shutil.rmtree(root / "handouts" / slug)
    result = CliRunner().invoke(main, ["build", "--project", str(root), "-j", "1", "--strict", "--lang", "en",
                                       "--layout", "letter"])
    assert result.exit_code == 1, result.output
    assert re.search(r"failed   en/letter-many\.pdf: not published, --strict: .*over its budget of 2 by about \d+ lines",
                     result.output), result.output
    assert not (root / "output" / "en" / "letter-many.pdf").exists()


def test_fitting_turned_off_warns_about_the_page_and_the_near_empty_end(over: dict, tmp_path: Path) -> None:
    """With no copy-fitting steps (layout.yml `fit: []`), the handout one line over is reported as
    such, and a nearly empty last page too."""
    root = tmp_path / "nofit"
    shutil.copytree(over["root"], root, ignore=shutil.ignore_patterns("output"))
    for layout in LAYOUTS:
        spec = root / "layouts" / layout / "layout.yml"
        spec.write_text(re.sub(r"(?m)^fit: .*$", "fit: []", spec.read_text(encoding="utf-8")), encoding="utf-8")
    output = ""
    for layout in LAYOUTS:
        result = CliRunner().invoke(main, ["build", f"{layout}-one", "--project", str(root), "-j", "1",
                                           "--layout", layout])
        assert result.exit_code == 0, result.output
        output += result.output
    for lang in LANGS:
        assert (f"'pages.letter': {lang} letter: 3 pages, over its budget of 2 by about 1 line "
                f"(shorten the {'French' if lang == 'fr' else 'English'} text by about 1 line") in output, output
        assert re.search(rf"'pages.large-print': {lang} large-print: 6 pages, over its budget of 5 by about [1-6] lines? ",
                         output), output
        # In letter the page past the budget holds the About block, which is kept whole, and nothing else.
        text = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(root / "output" / lang / "letter-one.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.lstrip().startswith({"en": "About this handout", "fr": "À propos de ce document"}[lang])
    # In large print the About block breaks between paragraphs: one line over leaves one line on the last page.
    assert re.search(r"en large-print: page 6, the last, is only \d+% full \(under 25%: about 1 line on it\)", output), output


def test_check_and_status_report_pages_against_budget(over: dict) -> None:
    runner = CliRunner()
    check = runner.invoke(main, ["check", "letter-one", "letter-many", "--project", str(over["root"])])
    many = _entry(over, "letter", "many", "fr")
    assert "letter-one/en pages (last build): letter 2 of 2 (fitted)" in check.output, check.output
    assert f"letter-many/fr pages (last build): letter {many['pages']} of 2 ({many['lines_over']} lines over)" \
        in check.output
    assert f"fr letter: {many['pages']} pages, over its budget of 2" in check.output
    strict = runner.invoke(main, ["check", "letter-many", "--strict", "--project", str(over["root"])])
    assert strict.exit_code == 1 and "error: handouts/letter-many/handout.yml:5:9: 'pages.letter'" in strict.output
    status = runner.invoke(main, ["status", "--project", str(over["root"])])
    assert status.exit_code == 0, status.output
    printing = status.output.split("PRINTING", 1)[1]
    line = next(line for line in printing.splitlines() if line.startswith("letter-one "))
    assert re.search(r"letter-one\s+letter\s+2 of 2 \(fitted\), 1 sheet\s+2 of 2 \(fitted\), 1 sheet", line), line


# --- how many lines over: measured on pages as laid out -------------------------------------

def test_lines_over_counts_what_spills_past_the_budget() -> None:
    """The lines to cut are those on the pages past the budget, less the room left at the foot of
    the last page within it. Room on earlier pages is not counted: a page left short by a block
    kept whole, or by a part that starts on its own page (bilingual), cannot take text back.
    The fills are wound-care's (tests/fixtures/constructs) in bilingual: two pages over its
    budget of 8, each part's last page about half full, which was reported as "about 1 line"."""
    from pipeline.render.fit import Fill

    bilingual = Fill((0.8047, 0.7807, 0.7807, 0.7807, 0.459, 0.8942, 0.8764, 0.8764, 0.8764, 0.5018), 673.2, 16.8)
    # Pages 9 and 10 hold about 55 lines; page 8 has room for about 5 of them.
    assert bilingual.lines_over(8) == 51
    # The About block (12 lines, kept whole) pushed to page 3 by one line: page 2 has room for 11.
    about = Fill((0.98, 0.6, 0.4), 673.2, 16.8)
    assert about.lines_over(2) == 1
    assert about.lines_over(3) == 0 and about.lines_over(None) == 0
    # A handout that fills its pages: every line past the budget.
    assert Fill((1.0, 1.0, 0.5), 673.2, 16.8).lines_over(2) == 20


def test_bilingual_over_budget_names_the_lines_past_it_and_both_texts(tmp_path: Path) -> None:
    """wound-care (tests/fixtures/constructs) in bilingual: 10 pages for a budget of 8, its parts'
    last pages half full. The warning counts at least the lines on its last page (it said "about
    1 line"), and asks to shorten both texts, since both are printed."""
    from .conftest import copy_project

    root = copy_project(tmp_path, ())
    shutil.copytree(Path(__file__).parent / "fixtures" / "constructs" / "wound-care", root / "handouts" / "wound-care")
    result = CliRunner().invoke(main, ["build", "wound-care", "--layout", "bilingual", "-j", "1",
                                       "--project", str(root)])
    assert result.exit_code == 0, result.output
    entry = json.loads((root / "output" / "manifest.json").read_text())["outputs"]["bilingual/wound-care.pdf"]
    assert entry["pages"] == 10 and entry["page_budget"] == 8
    assert entry["lines_over"] >= entry["last_page_lines"] >= 15
    assert (f"en bilingual: 10 pages, over its budget of 8 by about {entry['lines_over']} lines "
            f"(shorten the English and French texts by about {entry['lines_over']} lines") in result.output, result.output

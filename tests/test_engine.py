"""The build engine: reproducible bytes, incremental skipping, pruning, shards, parallel workers, fast start."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
from click.testing import CliRunner

from pipeline.publish.build import build
from pipeline.publish.plan import in_shard, plan
from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.project.layouts import available, load_layout

from .good_project import good_project

LAYOUTS = ["letter", "booklet"]


def _hashes(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*.pdf"))}


def test_builds_are_byte_identical(project: Path, tmp_path: Path) -> None:
    """Same inputs, same bytes: two builds (one in parallel workers) of every PDF hash the same."""
    first = build(load_project(project), ["fever-children"], ["en", "fr"], LAYOUTS, jobs=1)
    assert first.count("built") == 6 and not first.failed  # the booklet brings its half-page edition
    before = _hashes(project / "output")
    again = build(load_project(project), ["fever-children"], ["en", "fr"], LAYOUTS, jobs=2, force=True)
    assert again.count("built") == 6
    assert _hashes(project / "output") == before
    manifest = json.loads((project / "output" / "manifest.json").read_text())
    assert {path: entry["sha256"] for path, entry in manifest["outputs"].items()} == before


def test_incremental_rebuild_touches_only_what_changed(project: Path) -> None:
    config = load_project(project)
    slugs = ["vertebroplasty", "fever-children"]
    assert build(config, slugs, ["en", "fr"], ["letter"]).count("built") == 4
    noop = build(config, slugs, ["en", "fr"], ["letter"])
    assert (noop.count("built"), noop.count("skipped")) == (0, 4)

    # A French-only edit rebuilds the French PDF alone: the English one prints nothing of the
    # French file (its "also available in French" line is a label).
    english = (project / "output" / "en" / "fever-children.pdf").read_bytes()
    fr = project / "handouts" / "fever-children" / "fr.md"
    fr.write_text(fr.read_text(encoding="utf-8").replace("Points clés", "Les points clés"), encoding="utf-8")
    after_edit = build(config, slugs, ["en", "fr"], ["letter"])
    assert sorted(o.target.path for o in after_edit.outcomes if o.status == "built") == ["fr/fever-children.pdf"]
    forced = build(config, ["fever-children"], ["en"], ["letter"], force=True)
    assert forced.count("built") == 1
    assert (project / "output" / "en" / "fever-children.pdf").read_bytes() == english  # skipping it was right

    # A damaged output is rebuilt even though its inputs did not change.
    (project / "output" / "en" / "vertebroplasty.pdf").write_bytes(b"%PDF-1.7 truncated")
    repaired = build(config, slugs, ["en", "fr"], ["letter"])
    assert [o.target.path for o in repaired.outcomes if o.status == "built"] == ["en/vertebroplasty.pdf"]

    # A shared input (the layout's CSS) changes every target's digest.
    css = project / "layouts" / "base.css"
    css.write_text(css.read_text() + "\n/* edited */\n")
    assert build(config, slugs, ["en", "fr"], ["letter"]).count("built") == 4


def test_prune_removes_outputs_of_deleted_handouts(project: Path, cli: CliRunner) -> None:
    assert cli.invoke(main, ["build", "--project", str(project), "--layout", "letter", "--layout", "large-print",
                             "--layout", "web", "--lang", "en", "-j", "1"]).exit_code == 0
    assert (project / "output" / "web" / "fever-children" / "thermometer.svg").is_file()
    import shutil

    shutil.rmtree(project / "handouts" / "fever-children")
    (project / "output" / "en" / "fever-children.large-print.pdf").unlink()  # already deleted by hand
    result = cli.invoke(main, ["build", "--project", str(project), "--layout", "letter", "--lang", "en", "--prune",
                               "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "pruned   en/fever-children.pdf" in result.output
    assert "pruned   en/fever-children.large-print.pdf" in result.output  # every layout, built now or not
    assert not list((project / "output").rglob("fever-children*.pdf"))
    assert not (project / "output" / "web" / "fever-children").exists()  # its web pages and their images
    assert "pruned   web/fever-children/en.html" in result.output
    assert (project / "output" / "web" / "site.css").is_file()  # the site's shared files are no handout's
    manifest = json.loads((project / "output" / "manifest.json").read_text())
    kept = ["en/vertebroplasty.large-print.pdf", "en/vertebroplasty.pdf"]
    pdfs = sorted(path for path, entry in manifest["outputs"].items() if entry["kind"] == "pdf")
    assert pdfs == kept and all((project / "output" / path).is_file() for path in kept)
    assert {entry.get("handout") for entry in manifest["outputs"].values() if entry["kind"] != "site"} == {
        "vertebroplasty"}


def test_shards_partition_the_plan_and_merge(project: Path, cli: CliRunner, tmp_path: Path) -> None:
    config = load_project(project)
    layouts = {name: load_layout(config.layouts_dir, name) for name in ("letter", "a4")}
    languages = {"vertebroplasty": ["en", "fr"], "fever-children": ["en", "fr"]}
    targets = plan(config, ["vertebroplasty", "fever-children"], ["en", "fr"], layouts, languages, web=True,
                   electronic={"vertebroplasty": False, "fever-children": True})
    assert {t.path for t in targets if t.kind != "pdf"} == {
        "web/fever-children/en.html", "web/fever-children/fr.html", "web/site.css"}
    shards = [{t.path for t in targets if in_shard(t, (k, 3))} for k in (1, 2, 3)]
    assert set().union(*shards) == {t.path for t in targets}
    assert sum(len(s) for s in shards) == len(targets)

    manifests = []
    for k in (1, 2):
        copy = tmp_path / f"runner{k}"
        import shutil

        shutil.copytree(project, copy)
        result = cli.invoke(main, ["build", "--project", str(copy), "--shard", f"{k}/2", "--layout", "letter",
                                   "-j", "1"])
        assert result.exit_code == 0, result.output
        manifests.append(copy / "output" / "manifest.json")
    merged = tmp_path / "manifest.json"
    result = cli.invoke(main, ["manifest", "merge", *map(str, manifests), "-o", str(merged)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(merged.read_text())["outputs"]) == 4
    assert cli.invoke(main, ["build", "--shard", "3/2", "--project", str(project)]).exit_code == 2


def test_commands_that_do_not_render_do_not_import_weasyprint(project: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import main\n"
        "for args in (['--help'], ['check'], ['status'], ['layouts'], ['new', 'hand-washing']):\n"
        f"    result = CliRunner().invoke(main, args + ['--project', {str(project)!r}] if args != ['--help'] else args)\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        "    assert 'weasyprint' not in sys.modules, f'{args} imported weasyprint'\n"
        "    assert 'pypdf' not in sys.modules, f'{args} imported pypdf'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_outputs_are_readable_by_others_and_bilingual_order_is_in_the_digest(project: Path, cli: CliRunner) -> None:
    assert cli.invoke(main, ["build", "fever-children", "--layout", "bilingual", "--lang", "fr",
                             "--project", str(project), "-j", "1"]).exit_code == 0
    pdf = project / "output" / "bilingual" / "fever-children.pdf"
    assert pdf.stat().st_mode & 0o044 == 0o044  # shareable, like any file the user makes (umask 022)
    assert (project / "output" / "manifest.json").stat().st_mode & 0o044 == 0o044
    french_first = pdf.read_bytes()
    result = cli.invoke(main, ["build", "fever-children", "--layout", "bilingual", "--project", str(project), "-j", "1"])
    assert "built    bilingual/fever-children.pdf" in result.output  # English first now: not "up to date"
    assert pdf.read_bytes() != french_first


def test_a_handout_with_errors_is_not_built_and_the_others_are(project: Path, cli: CliRunner) -> None:
    """README: "a handout with errors is not built and the others are" (without --strict)."""
    en = project / "handouts" / "vertebroplasty" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("revised: 2014-05-01", "revised: 2014-13-01"),
                  encoding="utf-8")
    result = cli.invoke(main, ["build", "--project", str(project), "--layout", "letter", "--lang", "fr", "-j", "1"])
    assert result.exit_code == 1
    assert "error: handouts/vertebroplasty/en.md:" in result.stderr and '"2014-13-01" has no month 13' in result.stderr
    assert "1 built, 0 skipped, 0 failed" in result.output
    assert sorted(p.relative_to(project / "output").as_posix() for p in project.glob("output/**/*.pdf")) == [
        "fr/fever-children.pdf"]


def test_strict_build_builds_nothing_when_a_check_warns(project: Path, cli: CliRunner) -> None:
    """README: with --strict, a warning in one handout (vertebroplasty's review of 2019-12-01 is
    overdue) means nothing is built, fever-children included."""
    result = cli.invoke(main, ["build", "--strict", "--project", str(project), "-j", "1"])
    assert result.exit_code == 1
    assert "error: handouts/vertebroplasty/handout.yml:8:3: 'review.date': review overdue since 2022-12-01" \
        in result.stderr
    assert "Nothing was built: 1 problem(s), and --strict treats warnings as errors." in result.output
    assert not (project / "output").exists()


def test_a_long_running_process_sees_edited_css_and_labels(project: Path) -> None:
    """`handouts watch` keeps one warm renderer: an edited layout or label must still take effect."""
    from pipeline.publish import workers

    config = load_project(project)
    build(config, ["fever-children"], ["en"], ["letter"], jobs=1)
    warm = workers._state[("renderer", project)]
    build(config, ["fever-children"], ["fr"], ["letter"], jobs=1)
    assert workers._state[("renderer", project)] is warm  # fonts and parsed CSS kept between builds
    font = project / "fonts" / "AtkinsonHyperlegible-Regular.ttf"
    os.utime(font, ns=(font.stat().st_atime_ns, font.stat().st_mtime_ns + 10**9))
    build(config, ["fever-children"], ["fr"], ["letter"], jobs=1, force=True)
    assert workers._state[("renderer", project)] is not warm  # fonts/ changed: a new renderer
    (project / "layouts" / "letter" / "style.css").write_text("@import url(../base.css);\n@page { size: A4; }\n")
    labels = project / "layouts" / "locales" / "en.yml"
    labels.write_text(labels.read_text().replace('sources: Sources', 'sources: References'))
    assert build(config, ["fever-children"], ["en"], ["letter"], jobs=1).count("built") == 1
    pdf = project / "output" / "en" / "fever-children.pdf"
    page = pypdf.PdfReader(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "References" in text


def test_layout_all_builds_every_layout(tmp_path: Path, cli: CliRunner) -> None:
    """README: `--layout all` builds every layout in layouts/, not only handouts.yml's list."""
    root = good_project(tmp_path)
    meta = root / "handouts" / "sample" / "handout.yml"
    meta.write_text(meta.read_text(encoding="utf-8") + "pages: {half-page: 1, bilingual: 1}\n", encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "all", "--lang", "fr", "--project", str(root), "-j", "1"])
    assert result.exit_code == 0, result.output
    # Over its budget in half-page: said once, by the half-page PDF, not again by the booklet made of its pages.
    assert result.output.count("'pages.half-page': fr half-page: 3 pages, over its budget of 1 by about ") == 1, \
        result.output
    assert "booklet: " not in result.output
    assert re.search(r"'pages\.bilingual': fr bilingual: \d pages, over its budget of 1 by about \d+ lines \(shorten "
                     r"the French and English texts by about", result.output), result.output
    names = available(root / "layouts")
    assert set(names) == {"letter", "a4", "large-print", "photocopy", "booklet", "half-page", "bilingual"}
    outputs = json.loads((root / "output" / "manifest.json").read_text())["outputs"]
    assert sorted(entry["layout"] for entry in outputs.values() if entry["kind"] == "pdf") == sorted(names)
    assert "web/sample/fr.html" in outputs  # 'all' is every print layout and the web edition
    assert "bilingual/sample.pdf" in outputs and "fr/sample.large-print.pdf" in outputs
    assert outputs["bilingual/sample.pdf"]["languages"] == ["fr", "en"]
    # The booklet: the half-page PDF's pages imposed two to a landscape side; it says it is print only.
    booklet = outputs["fr/sample.booklet.pdf"]
    assert booklet["verify"] == "pass before imposition (half-page)" and booklet["pdfua"] is False
    reader = pypdf.PdfReader(root / "output" / "fr" / "sample.booklet.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    assert reader.metadata.title == outputs["fr/sample.pdf"]["title"]
    assert reader.metadata.subject == ("Livret pour impression seulement, non accessible : l’édition accessible "
                                       "est output/fr/sample.half-page.pdf.")
    assert outputs["fr/sample.pdf"]["languages"] == ["fr"] and outputs["fr/sample.pdf"]["verify"] == "pass"


def test_manifest_merge_refuses_two_builds_of_one_output(tmp_path: Path, cli: CliRunner) -> None:
    """Two shards that built the same PDF with different bytes (different sources): the merge is
    refused, naming the manifest and the output, and nothing is written."""
    entry = {"path": "en/sample.pdf", "handout": "sample", "lang": "en", "layout": "letter", "sha256": "a" * 64}
    first, second = tmp_path / "shard1.json", tmp_path / "shard2.json"
    first.write_text(json.dumps({"version": 1, "outputs": {"en/sample.pdf": entry}}))
    second.write_text(json.dumps({"version": 1, "outputs": {"en/sample.pdf": {**entry, "sha256": "b" * 64}}}))
    merged = tmp_path / "manifest.json"
    result = cli.invoke(main, ["manifest", "merge", str(first), str(second), "-o", str(merged)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {second}: en/sample.pdf differs from the one in an earlier manifest "
                             "(were the shards built from the same sources?)\n")
    assert not merged.exists()
    # A file that is not a manifest is named, with what is wrong with it.
    second.write_text('{"outputs": ')
    result = cli.invoke(main, ["manifest", "merge", str(first), str(second), "-o", str(merged)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {second}: not a handouts manifest (Expecting")
    # An entry that is not one is named, with its beginning.
    second.write_text(json.dumps({"version": 1, "outputs": {"en/other.pdf": ["a list", "x" * 60]}}))
    result = cli.invoke(main, ["manifest", "merge", str(first), str(second), "-o", str(merged)])
    assert result.exit_code == 1
    shown = '["a list", "' + "x" * 28  # its first 40 characters as JSON
    assert result.output == f"Error: {second}: en/other.pdf is not a manifest entry (it is {shown})\n"
    # The same output with the same bytes in both (a retried shard) merges.
    second.write_text(first.read_text())
    assert cli.invoke(main, ["manifest", "merge", str(first), str(second), "-o", str(merged)]).exit_code == 0
    assert list(json.loads(merged.read_text())["outputs"]) == ["en/sample.pdf"]


def test_a_rebuild_with_nothing_changed_parses_no_markdown(tmp_path: Path, monkeypatch) -> None:
    """README: a no-op rebuild reads metadata and hashes and parses no Markdown."""
    from markdown_it import MarkdownIt

    project = load_project(good_project(tmp_path))
    assert build(project, ["sample"], ["en", "fr"], ["letter"]).count("built") == 2
    parsed = []
    original = MarkdownIt.parse
    monkeypatch.setattr(MarkdownIt, "parse", lambda self, *args, **kwargs: parsed.append(args) or original(
        self, *args, **kwargs))
    noop = build(project, ["sample"], ["en", "fr"], ["letter"])
    assert (noop.count("built"), noop.count("skipped")) == (0, 2)
    assert parsed == []
    # The probe counts: an edited body is parsed again (both languages: the parity check reads both).
    en = tmp_path / "handouts" / "sample" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("Wash your hands often", "Wash your hands"),
                  encoding="utf-8")
    assert build(project, ["sample"], ["en", "fr"], ["letter"]).count("built") >= 1 and parsed


def test_the_web_edition_s_manifest_entries_say_what_was_published(project: Path) -> None:
    """A page's entry names its title, the pictures it brought (with their digests) and its input
    digest, so a no-op build skips it; the site's entry its stylesheet's size and its fonts."""
    config = load_project(project)
    build(config, ["fever-children"], ["en"], ["web", "letter"])
    output = project / "output"
    entries = json.loads((output / "manifest.json").read_text())["outputs"]
    pdf = entries["en/fever-children.pdf"]  # what the library site, status and the print table read
    assert (pdf["number"], pdf["title"], pdf["revised"], pdf["languages"]) == (
        "61420", "Fever in babies and children", "2024-05-20", ["en"])
    assert pdf["bytes"] == (output / "en" / "fever-children.pdf").stat().st_size
    assert [review["date"] for review in pdf["reviews"]] == ["2024-06-01"]
    page = entries["web/fever-children/en.html"]
    assert page["title"] == "Fever in babies and children"
    picture = "web/fever-children/thermometer.svg"
    assert page["files"] == {picture: hashlib.sha256((output / picture).read_bytes()).hexdigest()}
    site = entries["web/site.css"]
    assert site["bytes"] == (output / "web" / "site.css").stat().st_size
    assert site["files"] and all(hashlib.sha256((output / name).read_bytes()).hexdigest() == digest
                                 for name, digest in site["files"].items())
    again = build(config, ["fever-children"], ["en"], ["web", "letter"])
    assert (again.count("built"), again.count("skipped")) == (0, 3)


def test_the_edited_handout_s_language_is_built_first(project: Path) -> None:
    """What a saved file affects is built first (serve and watch pass it): its web page, then its
    default-layout PDF; then every web page, every default-layout PDF, and the rest."""
    config = load_project(project)

    def order(first: set[tuple[str, str]]) -> list[str]:
        summary = build(config, ["fever-children"], ["en", "fr"], ["letter", "large-print", "web"], jobs=1, force=True,
                        first=first)
        return [o.target.path for o in summary.outcomes if o.status == "built"]

    assert order({("fever-children", "fr")}) == [
        "web/fever-children/fr.html", "fr/fever-children.pdf", "fr/fever-children.large-print.pdf",
        "web/fever-children/en.html", "en/fever-children.pdf", "en/fever-children.large-print.pdf", "web/site.css"]
    assert order(set()) == [
        "web/fever-children/en.html", "web/fever-children/fr.html", "en/fever-children.pdf", "fr/fever-children.pdf",
        "en/fever-children.large-print.pdf", "fr/fever-children.large-print.pdf", "web/site.css"]


def test_over_its_page_budget_a_pdf_is_published_with_a_warning_and_with_strict_is_not(tmp_path: Path,
                                                                                     cli: CliRunner) -> None:
    root = good_project(tmp_path)
    meta = root / "handouts" / "sample" / "handout.yml"
    meta.write_text(meta.read_text(encoding="utf-8") + "pages: {letter: 1}\n", encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "letter", "--lang", "en", "--project", str(root), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"'pages\.letter': en letter: 2 pages, over its budget of 1 by about \d+ lines \(shorten the "
                     r"English text by about \d+ lines, or raise the budget\)", result.output), result.output
    entry = json.loads((root / "output" / "manifest.json").read_text())["outputs"]["en/sample.pdf"]
    assert (entry["pages"], entry["page_budget"], entry["duplex"], entry["sheets"]) == (2, 1, "long-edge", 1)
    published = (root / "output" / "en" / "sample.pdf").read_bytes()

    for lang in ("en", "fr"):
        source = root / "handouts" / "sample" / f"{lang}.md"
        source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "letter", "--strict", "--project", str(root), "-j", "1"])
    assert result.exit_code == 1
    assert "failed   en/sample.pdf: not published (the previous file is kept), --strict: " in result.output
    assert "failed   fr/sample.pdf: not published, --strict: " in result.output
    assert (root / "output" / "en" / "sample.pdf").read_bytes() == published
    assert not (root / "output" / "fr" / "sample.pdf").exists()

    meta.write_text(meta.read_text(encoding="utf-8").replace("pages: {letter: 1}", "pages: {letter: 3}"),
                    encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "letter", "--strict", "--project", str(root), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "2 built, 0 skipped, 0 failed" in result.output


def test_a_booklet_names_its_accessible_edition_when_that_is_the_default_layout(tmp_path: Path,
                                                                                cli: CliRunner) -> None:
    root = good_project(tmp_path)
    config = root / "handouts.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nlayout: letter\n", "\nlayout: half-page\n"),
                      encoding="utf-8")
    result = cli.invoke(main, ["build", "--layout", "booklet", "--lang", "en", "--project", str(root), "-j", "1"])
    assert result.exit_code == 0, result.output
    note = pypdf.PdfReader(root / "output" / "en" / "sample.booklet.pdf").metadata.subject
    assert note == "Print-only booklet, not accessible: the accessible edition is output/en/sample.pdf."

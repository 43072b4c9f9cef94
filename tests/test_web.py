"""The web edition without a browser: HTML editions, and how the build keeps them (in the manifest,
incremental, stat first, withdrawn when the license forbids). The library site: test_library.py;
the pages in Chromium with axe-core: test_web_browser.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tinyhtml5

from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.project.layouts import load_layout
from pipeline.publish.build import build
from pipeline.render import typography
from pipeline.render.html import render_html
from pipeline.source.model import load_handout
from pipeline.web.page import render_page

from .conftest import ROOT, copy_project

NS = "{http://www.w3.org/1999/xhtml}"
SITE = "https://811.novascotia.ca/handouts/"
FIXTURES = Path(__file__).parent / "fixtures" / "web" / "handouts"
LANG_TAGS = {"en": "en-CA", "fr-CA": "fr-CA", "fr": "fr-CA"}


def parse(path: Path):
    return tinyhtml5.parse(path.read_text(encoding="utf-8"))


def find(root, tag: str, **attrs) -> list:
    return [e for e in root.iter(NS + tag) if all(e.get(k.rstrip("_")) == v for k, v in attrs.items())]


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


class Opened:
    """The files this process opens while it is switched on (Python's audit hook for open())."""

    hooked = False
    paths: list[str] | None = None

    def __enter__(self) -> list[str]:
        if not Opened.hooked:
            sys.addaudithook(lambda event, args: Opened.paths.append(str(args[0]))
                             if event == "open" and Opened.paths is not None and isinstance(args[0], (str, Path))
                             else None)
            Opened.hooked = True
        Opened.paths = []
        return Opened.paths

    def __exit__(self, *exc) -> None:
        Opened.paths = None


# --- the HTML edition ---------------------------------------------------------------------------

def test_only_handouts_that_may_be_shared_electronically_get_one(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())["outputs"]
    pages = {path: entry for path, entry in manifest.items() if entry["kind"] == "html"}
    assert set(pages) == {"web/fever-children/en.html", "web/fever-children/fr.html"}  # vertebroplasty: print only
    assert not (built / "web" / "vertebroplasty").exists()
    for path, entry in pages.items():
        assert entry["sha256"] and entry["bytes"] == (built / path).stat().st_size and entry["input_digest"]
        assert entry["files"] == {"web/fever-children/thermometer.svg": entry["files"]["web/fever-children/thermometer.svg"]}
    assert (built / "web/fever-children/thermometer.svg").read_bytes() == (
        ROOT / "handouts/fever-children/thermometer.svg").read_bytes()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_is_the_handout_with_its_landmarks_links_and_metadata(built: Path, lang: str) -> None:
    other = {"en": "fr", "fr": "en"}[lang]
    path = built / "web" / "fever-children" / f"{lang}.html"
    root = parse(path)
    project = load_project(built.parent)
    handout, _ = load_handout(project, "fever-children")
    front = handout.versions[lang].front
    french = project.config.typography.fr
    assert root.get("lang") == LANG_TAGS[lang]
    assert [text(h) for h in find(root, "h1")] == [typography.apply(front.title, lang, french)]
    # Landmarks, and a skip link first to the main content.
    body = root.find(f"{NS}body")
    first_link = next(body.iter(NS + "a"))
    assert first_link.get("href") == "#main" and find(root, "main", id="main")
    assert find(root, "header") and find(root, "footer") and len(find(root, "nav")) == 1
    # The other language: a link in the site's header, in that language.
    language = find(root, "nav")[0].find(f".//{NS}a")
    assert language.get("href") == f"{other}.html" and language.get("hreflang") == LANG_TAGS[other]
    assert language.get("lang") == LANG_TAGS[other]
    # Metadata for people and search engines.
    head = root.find(f"{NS}head")
    meta = {m.get("name"): m.get("content") for m in head.iter(NS + "meta") if m.get("name")}
    assert meta["description"] == typography.apply(front.summary, lang, french)
    assert meta["viewport"] == "width=device-width, initial-scale=1"
    links = [(link.get("rel"), link.get("hreflang"), link.get("href")) for link in head.iter(NS + "link")]
    assert ("canonical", None, f"{SITE}web/fever-children/{lang}.html") in links
    assert {(h, u) for r, h, u in links if r == "alternate"} == {
        ("en-CA", f"{SITE}web/fever-children/en.html"), ("fr-CA", f"{SITE}web/fever-children/fr.html")}
    # What the PDF prints: the call-outs, the nurse line, sources, About with the license's words.
    assert len(find(root, "div", class_="callout")) == 1
    contact = find(root, "aside", class_="contact")[0]
    assert [a.get("href") for a in contact.iter(NS + "a")] == ["tel:811", "tel:+18667707763"]
    license = project.config.licenses["ogl-ns"]
    about = text(find(root, "section", class_="about")[0])
    for words in (license.copyright[lang], license.notice[lang], project.config.disclaimer[lang]):
        assert typography.apply(words, lang, french) in about
    assert find(root, "section", class_="sources")[0].find(f".//{NS}cite") is not None
    # Images with their alt text and caption; tables with header scopes, each in a scrollable region.
    image = find(root, "img")[0]
    assert image.get("alt") == handout.meta.images["thermometer.svg"].alt[lang]
    assert image.get("src") == "thermometer.svg" and (path.parent / "thermometer.svg").is_file()
    assert find(root, "figcaption")
    assert all(th.get("scope") == "col" for th in root.iter(NS + "th")) and find(root, "th")
    regions = find(root, "div", class_="table-scroll")
    assert regions and all(r.get("role") == "region" and r.get("tabindex") == "0" and r.get("aria-label")
                           for r in regions)
    # Each PDF of handouts.yml's layouts, named in words.
    prints = find(root, "section", class_="print")[0]
    expected = {"en": ["Letter size (PDF)", "A4 size (PDF)", "Large print (PDF)", "For photocopying (PDF)"],
                "fr": ["Format lettre (PDF)", "Format A4 (PDF)", "Gros caractères (PDF)", "Pour photocopie (PDF)"]}
    assert [text(a) for a in prints.iter(NS + "a")] == expected[lang]
    hrefs = [a.get("href") for a in prints.iter(NS + "a")]
    assert hrefs[0] == f"../../{lang}/fever-children.pdf" and (path.parent / hrefs[0]).resolve().is_file()
    assert hrefs[2] == f"../../{lang}/fever-children.large-print.pdf"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_needs_no_script_and_nothing_from_elsewhere(built: Path, lang: str) -> None:
    path = built / "web" / "fever-children" / f"{lang}.html"
    root = parse(path)
    assert not list(root.iter(NS + "script"))
    for element in root.iter():
        url = element.get("src") or (element.get("href") if element.tag in (NS + "link",) else None)
        if url is None or element.get("rel") in ("canonical", "alternate"):
            continue
        assert not re.match(r"^[a-z]+:|^/", url), f"{element.tag} loads {url}"
        assert (path.parent / url).resolve().is_file(), url
    css = (built / "web" / "site.css").read_text()
    for url in re.findall(r"url\(([^)]+)\)", css):
        assert not re.match(r"^[a-z]+:|^/", url) and (built / "web" / url).is_file(), url
    assert "@media print" in css and "font-display: swap" in css
    assert (built / "web" / "fonts" / "OFL.txt").is_file()  # the fonts' license goes with them


def test_the_body_is_the_pdfs_body(project: Path) -> None:
    """Rendered by the same code from the same page model: the handout's body and About block
    are the PDF's markup, tables aside (wrapped so they scroll on a phone)."""
    config = load_project(project)
    handout, _ = load_handout(config, "fever-children")
    for lang in ("en", "fr"):
        pdf, _ = render_html(config, handout, lang, load_layout(config.layouts_dir, "letter"))
        page, _ = render_page(config, handout, lang, [load_layout(config.layouts_dir, "letter")])

        def part(html: str, start: str, end: str) -> str:
            return html[html.index(start):html.index(end, html.index(start))]

        web_body = re.sub(r'<div class="table-scroll"[^>]*>(<table>.*?</table>)</div>', r"\1",
                          part(page.html, '<div class="body">', '<section class="sources">'), flags=re.S)
        assert web_body == part(pdf.html, '<div class="body">', '<section class="sources">')
        about = part(pdf.html, '<section class="about">', '<p class="qr">')
        assert about in page.html


def test_phrases_in_another_language_keep_their_language(tmp_path: Path) -> None:
    root = copy_project(tmp_path, ())
    shutil.copytree(FIXTURES / "arm-cast", root / "handouts" / "arm-cast")
    config = load_project(root)
    handout, _ = load_handout(config, "arm-cast")
    for lang, phrase, tag in (("en", "plâtre", "fr"), ("fr", "cast", "en")):
        page, _ = render_page(config, handout, lang, [])
        spans = [s for s in tinyhtml5.parse(page.html).iter(NS + "span") if s.get("lang")]
        assert [(text(s), s.get("lang")) for s in spans] == [(phrase, tag)]
        assert not find(tinyhtml5.parse(page.html), "section", class_="print")  # no layouts given: no PDFs


# --- building it --------------------------------------------------------------------------------

def _settled(root: Path) -> None:
    """Sources last saved an hour ago (a file saved in the last two seconds is always read again:
    a second save within the file system's clock tick could keep its time and size)."""
    for path in root.rglob("*"):
        os.utime(path, (time.time() - 3600, time.time() - 3600))


def test_a_no_op_build_reads_no_source_and_no_output(project: Path) -> None:
    _settled(project)
    config = load_project(project)
    slugs = ["fever-children", "vertebroplasty"]
    assert build(config, slugs, ["en", "fr"], ["web"]).count("built") == 3
    with Opened() as opened:
        noop = build(config, slugs, ["en", "fr"], ["web"])
    assert (noop.count("built"), noop.count("skipped")) == (0, 3)
    read = sorted({Path(p).relative_to(project).as_posix() for p in opened if Path(p).is_relative_to(project)})
    assert read == ["output/.lock", "output/.state.json", "output/manifest.json"], read
    assert [p.kind for p in noop.problems] == ["review-overdue"]  # warnings are still reported, from the cache

    # Touched but unchanged: read again (its time changed), nothing rebuilt.
    _settled(project)
    source = project / "handouts" / "fever-children" / "en.md"
    source.write_bytes(source.read_bytes())
    with Opened() as opened:
        touched = build(config, slugs, ["en", "fr"], ["web"])
    assert touched.count("built") == 0 and str(source) in opened


def test_an_english_edit_rebuilds_no_french_output(project: Path) -> None:
    """An English edit rebuilds a French output only when the French's own text depends on it:
    when the French becomes stale, its About block says which English it translates (issue 15);
    once it is stale, further English edits leave it alone."""
    config = load_project(project)
    assert build(config, ["fever-children"], ["en", "fr"], ["letter", "web"]).count("built") == 5
    source = project / "handouts" / "fever-children" / "en.md"
    text_ = source.read_text().replace("revised: 2024-05-20", "revised: 2024-09-01")
    source.write_text(text_.replace("A fever is common in children.", "A fever is very common in children."))
    edited = build(config, ["fever-children"], ["en", "fr"], ["letter", "web"])
    assert sorted(o.target.path for o in edited.outcomes if o.status == "built") == [
        "en/fever-children.pdf", "fr/fever-children.pdf", "web/fever-children/en.html", "web/fever-children/fr.html"]
    manifest = json.loads((project / "output" / "manifest.json").read_text())["outputs"]
    assert manifest["fr/fever-children.pdf"]["translation"] == "stale"  # the English moved on
    assert "texte anglais révisé le 20" in (project / "output" / "web" / "fever-children" / "fr.html").read_text()
    french = {p: (project / "output" / p).read_bytes() for p in ("fr/fever-children.pdf", "web/fever-children/fr.html")}
    source.write_text(source.read_text().replace("very common", "quite common"))
    edited = build(config, ["fever-children"], ["en", "fr"], ["letter", "web"])
    assert sorted(o.target.path for o in edited.outcomes if o.status == "built") == [
        "en/fever-children.pdf", "web/fever-children/en.html"]
    assert "quite common" in (project / "output" / "web" / "fever-children" / "en.html").read_text()
    build(config, ["fever-children"], ["fr"], ["letter", "web"], force=True)
    for path, data in french.items():  # skipping them was right: rebuilt, they are the same bytes
        assert (project / "output" / path).read_bytes() == data


def test_a_missing_image_or_page_is_rebuilt(project: Path) -> None:
    config = load_project(project)
    build(config, ["fever-children"], ["en", "fr"], ["web"])
    (project / "output" / "web" / "fever-children" / "thermometer.svg").unlink()
    (project / "output" / "web" / "fonts" / "OFL.txt").write_text("changed")
    again = build(config, ["fever-children"], ["en", "fr"], ["web"])
    assert sorted(o.target.path for o in again.outcomes if o.status == "built") == [
        "web/fever-children/en.html", "web/fever-children/fr.html", "web/site.css"]
    assert (project / "output" / "web" / "fonts" / "OFL.txt").read_bytes() == (ROOT / "fonts" / "OFL.txt").read_bytes()


def test_a_license_that_stops_permitting_electronic_use_withdraws_the_pages(project: Path) -> None:
    config = load_project(project)
    build(config, ["fever-children", "vertebroplasty"], ["en", "fr"], ["web"])
    assert (project / "output" / "web" / "fever-children" / "en.html").is_file()
    settings = project / "handouts.yml"
    settings.write_text(settings.read_text().replace("permits: [print, photocopy, electronic]",
                                                     "permits: [print, photocopy]"))
    build(load_project(project), ["fever-children", "vertebroplasty"], ["en", "fr"], ["web"])
    assert not (project / "output" / "web" / "fever-children").exists()
    manifest = json.loads((project / "output" / "manifest.json").read_text())["outputs"]
    assert [entry["kind"] for entry in manifest.values()] == ["site"]
    assert "fever-children" not in (project / "output" / "web-files.txt").read_text()
    assert "href=\"web/fever-children" not in (project / "output" / "index.html").read_text()


def test_status_reads_only_what_changed(project: Path) -> None:
    from pipeline.publish.status import collect

    config = load_project(project)
    build(config, ["fever-children", "vertebroplasty"], ["en", "fr"], ["web"])
    first = collect(config)  # scores readability once, and keeps it
    with Opened() as opened:
        again = collect(config)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in first]
    assert not [p for p in opened if p.endswith((".md", "handout.yml", ".pdf", ".html"))], opened
    source = project / "handouts" / "fever-children" / "fr.md"
    source.write_text(source.read_text().replace("translates: 2024-05-20", "translates: 2023-01-01"))
    with Opened() as opened:
        rows = {row.slug: row for row in collect(config)}
    assert rows["fever-children"].translation["fr"] == "stale"
    assert not [p for p in opened if "vertebroplasty" in p]


def test_a_warm_status_and_a_no_op_build_start_light_and_write_nothing(project: Path) -> None:
    """On a large library start-up is most of a warm `status` or no-op build (make bench). Neither
    loads what only reading a handout or writing a date needs (Pillow, lxml, Babel), and a
    `status` with nothing new to keep neither takes the output lock nor rewrites the state."""
    shutil.rmtree(project / "handouts" / "vertebroplasty")  # one handout is enough, and half the build
    _settled(project)
    build(load_project(project), ["fever-children"], ["en", "fr"], ["letter", "web"])
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import main\n"
        "command = sys.argv[2:] + ['--project', sys.argv[1]]\n"
        "result = CliRunner().invoke(main, command)\n"
        "assert result.exit_code == 0, result.output\n"
        "print(' '.join(sorted(name for name in ('PIL', 'lxml', 'babel', 'filelock') if name in sys.modules)))\n")

    def loaded(*command: str) -> str:
        return subprocess.run([sys.executable, "-c", code, str(project), *command], capture_output=True, text=True,
                              check=True).stdout.strip()

    loaded("status")  # the first one reads each handout to score its readability, and keeps the scores
    state = project / "output" / ".state.json"
    kept = state.stat().st_mtime_ns
    assert loaded("status") == ""
    assert loaded("build", "--layout", "letter", "--layout", "web", "-j", "2") == "filelock"
    assert state.stat().st_mtime_ns == kept


def test_the_web_layout_builds_the_web_edition_alone(project: Path, cli) -> None:
    result = cli.invoke(main, ["build", "--project", str(project), "--layout", "web", "-j", "1"])
    assert result.exit_code == 0, result.output
    made = json.loads((project / "output" / "manifest.json").read_text())["outputs"]
    assert sorted(made) == ["web/fever-children/en.html", "web/fever-children/fr.html", "web/site.css"]
    wrong = cli.invoke(main, ["build", "--project", str(project), "--layout", "webb"])
    assert wrong.exit_code == 2 and 'there is no layout "webb"' in wrong.output


def test_shards_merge_into_one_site(project: Path, cli, tmp_path: Path) -> None:
    """Each CI runner builds its shard; their output folders are copied together, the manifests
    merged, and the library site written from the merged manifest."""
    site = tmp_path / "site"
    shutil.copytree(project, site)
    shards = []
    for k in (1, 2):
        runner = tmp_path / f"runner{k}"
        shutil.copytree(project, runner)
        result = cli.invoke(main, ["build", "--project", str(runner), "--layout", "web", "--shard", f"{k}/2"])
        assert result.exit_code == 0, result.output
        shutil.move(runner / "output" / "manifest.json", tmp_path / f"manifest-{k}.json")
        shards.append(str(tmp_path / f"manifest-{k}.json"))
        shutil.copytree(runner / "output", site / "output", dirs_exist_ok=True)
    result = cli.invoke(main, ["manifest", "merge", *shards, "--project", str(site)])
    assert result.exit_code == 0, result.output
    assert "wrote the library site from it: index.html, index.fr.html, sitemap.xml, web-files.txt" in result.output
    index = (site / "output" / "index.html").read_text()
    assert 'href="web/fever-children/en.html"' in index and 'href="web/fever-children/fr.html"' in index
    listed = (site / "output" / "web-files.txt").read_text().split()
    assert {"web/fever-children/en.html", "web/fever-children/fr.html", "web/site.css"} <= set(listed)
    assert all((site / "output" / path).is_file() for path in listed)


@pytest.mark.parametrize(("settings", "message"), [
    ('site_url: "https://example.org/handouts/"\nweb_url: "https://example.org/{slug}/{lang}"\n',
     "give site_url (the QR code then links to the handout's page on that site) or web_url, not both"),
    ('site_url: "https://example.org/handouts"\n', "'site_url':"),
    # Only {slug} and {lang}, as they are: a format spec pads the address to 5,000 characters (a QR
    # code too long to print), an attribute probes the objects it is formatted with (issue 11).
    *[(f'web_url: "https://example.org/{field}"\n', "'web_url': may use only the placeholders {slug} and {lang}")
      for field in ("{slug:>5000}", "{slug.__class__}", "{lang!r}", "{slug[0]}", "{0}", "{", "{name}")],
])
def test_one_address_for_the_site(project: Path, cli, settings: str, message: str) -> None:
    config = project / "handouts.yml"
    config.write_text(re.sub(r"^site_url: .*\n", "", config.read_text(), flags=re.M) + settings)
    result = cli.invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1 and message in result.output, result.output

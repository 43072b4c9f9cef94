"""Sources + manifest → output/index.html: the handout library page (static, accessible, bilingual titles).

Written at the end of every build; cheap (no rendering, no WeasyPrint). The page works without
JavaScript: every handout is listed, and the filter box, which needs JavaScript, only appears
when the script runs. Nothing is loaded from elsewhere: styles and script are inline.

License rule: a PDF is linked only if its handout's license permits "electronic" use
(handouts.yml, licenses.*.permits). Any other handout is listed as "Print only", with its number
and titles but no link, no summary and no text of it. output/web-files.txt lists the files the
page links (and the page itself): the only files of output/ that may be put on a web site.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from ..project.config import Project
from ..project.locales import LANG_TAGS, long_date
from ..render import typography
from .manifest import atomic_write
from .status import Row, collect

INDEX = "index.html"
WEB_FILES = "web-files.txt"
LANG_NAMES = {"en": "English", "fr": "Français"}
STATUS_TEXT = {"current": "Current", "due soon": "Review due soon", "overdue": "Review overdue"}

_TEMPLATE = """<!DOCTYPE html>
<html lang="en-CA">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Patient handouts · {{ org.en }}</title>
<style>
:root { color-scheme: light; --ink: #1a1a1a; --accent: #0b4a80; --line: #8a8f98; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.5 "Atkinson Hyperlegible", system-ui, sans-serif; color: var(--ink); background: #fff; }
.skip { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: #fff; color: var(--accent); }
.skip:focus { left: .5rem; top: .5rem; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { border-bottom: 3px solid var(--accent); padding-top: 1rem; }
.org { font-weight: bold; color: var(--accent); margin: 0; }
h1 { color: var(--accent); margin: .25rem 0 1rem; line-height: 1.2; }
h1 span { display: block; font-size: .65em; font-weight: normal; }
a { color: var(--accent); text-decoration: underline; }
a:hover { text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.filter { margin: 1rem 0; }
.filter label { display: block; font-weight: bold; }
.filter input { font: inherit; padding: .4rem .5rem; width: min(30rem, 100%); border: 2px solid #555b66; border-radius: 4px; color: var(--ink); background: #fff; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
caption { text-align: left; font-weight: bold; font-size: 1.25rem; padding: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .6rem .5rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--ink); }
tbody th { font-weight: normal; }
.title-en { font-weight: bold; display: block; }
.title-fr { display: block; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: .25rem; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 4px; border: 1px solid currentColor; }
.s-current { color: #175c2c; background: #e8f5ec; }
.s-due-soon { color: #6b4200; background: #fff3d4; }
.s-overdue { color: #8f1414; background: #fdecec; }
.s-stale, .s-missing { color: #5b2a86; background: #f3ecfa; }
td p { margin: 0 0 .25rem; }
.print-only { font-weight: bold; }
footer { font-size: .9375rem; padding-bottom: 2rem; }
[hidden] { display: none !important; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to the list of handouts</a>
<header>
<p class="org">{{ org.en }} <span lang="fr-CA">· {{ org.fr }}</span></p>
<h1>Patient handouts <span lang="fr-CA">Documents d’information pour les patients</span></h1>
</header>
<main id="main">
<p>{{ rows|length }} handout{{ "" if rows|length == 1 else "s" }}. Open a PDF to read or print it. Handouts marked
<strong>Print only</strong> may not be shared electronically: ask a staff member for a printed copy.</p>
<div class="filter" id="filter-box" hidden>
<label for="filter">Filter handouts (number, title or status)</label>
<input type="search" id="filter" name="filter" autocomplete="off" aria-describedby="filter-count">
<p id="filter-count" role="status" aria-live="polite"></p>
</div>
<table id="handouts">
<caption>Handouts by number, with their review status</caption>
<thead>
<tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">PDF files</th><th scope="col">Last review</th><th scope="col">Status</th></tr>
</thead>
<tbody>
{% for row in rows %}
<tr data-search="{{ row.search }}">
<td>{{ row.number }}</td>
<th scope="row">
{% for lang, title in row.titles %}<span class="title-{{ lang }}" lang="{{ lang_tags[lang] }}">{{ title }}</span>
{% endfor %}
</th>
<td>
{% if not row.electronic %}
<p class="print-only">Print only</p><p>The license does not allow electronic copies.</p>
{% elif row.links %}
<ul class="plain">
{% for link in row.links %}<li><a href="{{ link.href }}" hreflang="{{ link.lang_tag }}" lang="{{ link.lang_tag }}" type="application/pdf">{{ link.text }}</a></li>
{% endfor %}
</ul>
{% else %}
<p>Not built yet</p>
{% endif %}
</td>
<td>{% if row.reviewed %}<time datetime="{{ row.reviewed }}">{{ row.reviewed_text }}</time>{% endif %}<br>Next review: <time datetime="{{ row.review_due }}">{{ row.review_due_text }}</time></td>
<td><ul class="plain">
{% for class, text in row.states %}<li><span class="badge {{ class }}">{{ text }}</span></li>
{% endfor %}
</ul></td>
</tr>
{% endfor %}
</tbody>
</table>
<p id="no-match" hidden>No handout matches the filter.</p>
</main>
<footer>
<p>Made by the handouts pipeline from the handouts’ sources. Every PDF is tagged for screen readers (PDF/UA-1).</p>
</footer>
<script>
(function () {
  var box = document.getElementById("filter-box");
  var input = document.getElementById("filter");
  var count = document.getElementById("filter-count");
  var none = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#handouts tbody tr"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase().trim();
  }
  function apply() {
    var words = fold(input.value).split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    none.hidden = shown > 0;
    count.textContent = words.length ? "Showing " + shown + " of " + rows.length + " handouts." : "";
  }
  input.addEventListener("input", apply);
  box.hidden = false;
}());
</script>
</body>
</html>
"""


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _size(size: int, lang: str) -> str:
    unit = "Ko" if lang == "fr" else "KB"
    return f"{max(1, round(size / 1024))}\u00a0{unit}"


def _link(entry: dict, default_layout: str) -> dict:
    lang = entry["lang"]
    layout = "" if entry["layout"] == default_layout else f", {entry['layout']}"
    pages = entry.get("pages") or 0
    if lang == "fr":
        detail = f"PDF, {pages}\u00a0page{'s' if pages > 1 else ''}, {_size(entry.get('bytes', 0), lang)}"
    else:
        detail = f"PDF, {pages}\u00a0page{'s' if pages != 1 else ''}, {_size(entry.get('bytes', 0), lang)}"
    # A bilingual PDF is named by all its languages ("English / Français, bilingual").
    names = " / ".join(LANG_NAMES.get(each, each) for each in entry.get("languages") or [lang])
    return {"href": entry["path"], "lang": lang, "layout": entry["layout"], "lang_tag": LANG_TAGS.get(lang, lang),
            "text": f"{names}{layout} ({detail})"}


def _view(project: Project, row: Row) -> dict:

    states = [(f"s-{row.review.replace(' ', '-')}", STATUS_TEXT.get(row.review, row.review))]
    for lang, state in row.translation.items():
        if state in ("stale", "missing"):
            name = {"fr": "French", "en": "English"}.get(lang, lang)
            states.append((f"s-{state}", f"{name} translation {state}" if state == "stale" else f"{name} missing"))
    links = []
    if row.electronic:
        links = [_link(entry, project.config.layout) for entry in row.outputs
                 if entry.get("built") and entry.get("verify") == "pass"]
        order = {lang: index for index, lang in enumerate(project.config.languages)}
        links.sort(key=lambda link: (order.get(link["lang"], 99), link["layout"] != project.config.layout,
                                     link["layout"]))
    titles = [(lang, typography.apply(row.titles[lang], lang, project.config.typography.fr))
              for lang in project.config.languages if lang in row.titles]
    search = " ".join([row.number, row.slug] + [t for _, t in titles] + [text for _, text in states]
                      + (["print only"] if not row.electronic else []))
    reviewed = dt.date.fromisoformat(row.reviewed) if row.reviewed else None
    due = dt.date.fromisoformat(row.review_due) if row.review_due else None
    return {"number": row.number, "titles": titles, "electronic": row.electronic, "links": links, "states": states,
            "search": _fold(search), "reviewed": row.reviewed, "review_due": row.review_due,
            "reviewed_text": long_date(reviewed, "en") if reviewed else "",
            "review_due_text": long_date(due, "en") if due else ""}


def render_index(project: Project, today: dt.date | None = None) -> tuple[str, list[str]]:
    """The page's HTML, and the output/ files it links (the ones that may go on the web)."""
    rows = [row for row in collect(project, today, readability=False) if not row.error]
    rows.sort(key=lambda row: (row.number, row.slug))
    views = [_view(project, row) for row in rows]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    html = env.from_string(_TEMPLATE).render(rows=views, lang_tags=LANG_TAGS,
                                             org=project.config.organization.name)
    files = [INDEX] + sorted(link["href"] for view in views for link in view["links"])
    return html, files


def write_index(project: Project, today: dt.date | None = None) -> Path:
    """Write output/index.html and output/web-files.txt (atomically)."""

    html, files = render_index(project, today)
    out = project.output_dir / INDEX
    atomic_write(out, html.encode("utf-8"))
    atomic_write(project.output_dir / WEB_FILES, ("\n".join(files) + "\n").encode("utf-8"))
    return out

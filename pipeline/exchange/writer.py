"""Recognised facts, the Markdown body and the images → the text of handout.yml, LANG.md and IMPORT.md,
with every point that needs a person located at its line in the new sources."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..project.config import Project
from ..project.files import parse_yaml
from ..project.locales import SOURCE_LANGUAGE
from .dates import FoundDate
from .document import Extracted, Fact, Point
from .images import Images
from .language import name as language_name
from .licenses import Choice, yaml_text

TODO_TEXT = {"en": "TODO: in English", "fr": "TODO: en français"}


def _date_of(fact: Fact | None) -> dt.date | None:
    return fact.value.date if fact is not None and isinstance(fact.value, FoundDate) else None


def _reading(name: str, fact: Fact | None) -> str:
    if fact is None or not isinstance(fact.value, FoundDate):
        return ""
    found = fact.value
    if found.reading:
        return found.reading
    if found.month_only:
        return f'"{found.text}" names no day: the 1st of the month is written'
    return ""


def library_translations(project: Project) -> dict[str, dict[str, str]]:
    """Review bodies and organizations other handouts already name in several languages, by each language's text."""
    known: dict[str, dict[str, str]] = {}
    folder = project.handouts_dir
    for meta in sorted(folder.glob("*/handout.yml")) if folder.is_dir() else []:
        try:
            doc, _ = parse_yaml(meta.read_text(encoding="utf-8"), meta)
        except (OSError, UnicodeDecodeError):
            continue
        review = doc.data.get("review") if doc is not None and isinstance(doc.data, dict) else None
        for key in ("body", "organization"):
            texts = review.get(key) if isinstance(review, dict) else None
            if isinstance(texts, dict) and all(isinstance(t, str) and "TODO" not in t for t in texts.values()):
                for text in texts.values():
                    known.setdefault(text.casefold(), {k: str(v) for k, v in texts.items()})
    return known


def front_matter(ex: Extracted, body: str, translates: dt.date | None, today: dt.date) -> str:
    facts = ex.facts
    title = facts["title"].value if "title" in facts else "TODO: the title"
    summary = facts.get("summary")
    if summary is None and ex.head.get("description"):
        summary = facts["summary"] = Fact(ex.head["description"], ex.origin(None, ex.head["description"]),
                                          "from the page's description")
    if summary is None:
        lines = body.split("\n")
        at = next((i for i, line in enumerate(lines) if line and not line.startswith(("#", "-", "|", ":::", "!", ">", "TODO"))
                   and not re.match(r"\d+\. ", line) and (i + 1 == len(lines) or not lines[i + 1])), None)
        first = lines[at] if at is not None else ""
        sentences = re.split(r"(?<=[.!?])\s+", first)
        plain = "\\" not in first and "*" not in first and "[" not in first
        if plain and first and len(sentences) <= 2 and len(first) <= 250:
            # The opening paragraph is the summary: printed under the title, so not printed twice.
            body = "\n".join(lines[:at] + lines[at + 2:])
            text, note = first, "the body's first paragraph, moved out of the body"
        else:
            text, note = " ".join(sentences[:2]) if len(" ".join(sentences[:2])) <= 250 else sentences[0], \
                "the first sentences of the body"
        summary = facts["summary"] = Fact(re.sub(r"\\(.)", r"\1", text) or
                                          "TODO: one or two sentences about what this handout covers", None, note)
        ex.points.append(Point(f"the summary is {note}: check that it says what the handout covers", None,
                               ("front", "summary")))
    keywords = facts.get("keywords")
    if keywords is None and ex.head.get("keywords"):
        keywords = facts["keywords"] = Fact([k.strip() for k in ex.head["keywords"].split(",") if k.strip()],
                                            ex.origin(None, ex.head["keywords"]), "from the page's keywords")
    author = facts["author"].value if "author" in facts else None
    if author is None:
        ex.points.append(Point("no author was found (\"Written by …\")", None, ("front", "author")))
    revised = _date_of(facts.get("revised"))
    if revised is None:
        ex.points.append(Point("no revision date was found: today's date is written", None, ("front", "revised")))
    elif _reading("revised", facts.get("revised")):
        ex.points.append(Point(f"revised: {_reading('revised', facts.get('revised'))}", facts["revised"].origin,
                               ("front", "revised")))
    lines = ["---", f"title: {yaml_text(title)}", f"summary: {yaml_text(summary.value)}"]
    words = keywords.value if keywords else []
    lines.append(f"keywords: [{', '.join(yaml_text(k) for k in words)}]")
    lines.append(f"author: {yaml_text(author or ('TODO: Rédigé par …' if ex.lang == 'fr' else 'TODO: Written by …'))}")
    lines.append(f"revised: {(revised or today).isoformat()}" + ("" if revised else "   # TODO: the date of this text's last change"))
    if translates is not None:
        lines.append(f"translates: {translates.isoformat()}")
    return "\n".join(lines + ["---", "", body])


def _localized(value: str | None, lang: str, languages: list[str], known: dict[str, dict[str, str]],
               ex: Extracted, what: str, at: tuple) -> str:
    """A {en: …, fr: …} flow mapping: the text found, other languages from the library or a TODO."""
    if value is None:
        texts = {l: f"TODO: {what}" for l in languages}
    else:
        texts = dict(known.get(value.casefold(), {}))
        texts[lang] = value
        for other in languages:
            if other not in texts:
                texts[other] = f"{TODO_TEXT[other]}: {value}"
                ex.points.append(Point(f"{what}: write it in {language_name(other)}", None, ("yml", at + (other,)),
                                       translation=True))
    return "{" + ", ".join(f"{l}: {yaml_text(texts[l])}" for l in languages) + "}"


def handout_yml(ex: Extracted, project: Project, choice: Choice, images: Images, today: dt.date,
                known: dict[str, dict[str, str]]) -> str:
    """`known`: the library's texts in several languages (library_translations), for this handout's review."""
    facts, lang, languages = ex.facts, ex.lang, list(project.config.languages)
    lines = [f"# Facts that do not depend on language. Imported from {ex.display}: see IMPORT.md.", ""]
    number = facts.get("number")
    lines.append(f"number: {yaml_text(number.value) if number else chr(34) + 'TODO' + chr(34) + '   # TODO: the handout number'}")
    if number is None:
        ex.points.append(Point("no handout number was found", None, ("yml", ("number",))))
    created = _date_of(facts.get("created"))
    # Unknown, the handout is taken to be as old as its text's revision (a creation date may not
    # come after it), else today's.
    revised = _date_of(facts.get("revised"))
    lines.append(f"created: {(created or revised or today).isoformat()}"
                 + ("" if created else "   # TODO: the date this handout was first written"))
    if created is None:
        said = "the revision date" if revised else "today's date"
        ex.points.append(Point(f"no creation date was found: {said} is written", None, ("yml", ("created",))))
    elif _reading("created", facts.get("created")):
        ex.points.append(Point(f"created: {_reading('created', facts['created'])}", facts["created"].origin,
                               ("yml", ("created",))))
    lines.append(f"license: {choice.name}" + ("   # TODO: check the license" if "copyright" not in facts else ""))
    review = facts.get("review")
    value = review.value if review else {"body": None, "organization": None, "date": None}
    if review is None:
        ex.points.append(Point("no clinical review was found (\"Reviewed by …, Month Year\")", None, ("yml", ("review",))))
    elif value["organization"] is None:
        ex.points.append(Point("the review names no organization", review.origin, ("yml", ("review", "organization"))))
    if review and _reading("review", Fact(value["date"], review.origin)):
        ex.points.append(Point(f"review date: {_reading('review', Fact(value['date'], review.origin))}", review.origin,
                               ("yml", ("review", "date"))))
    lines += ["review:",
              "  body: " + _localized(value["body"], lang, languages, known, ex, "the reviewing group", ("review", "body")),
              "  organization: " + _localized(value["organization"], lang, languages, known, ex, "the organization",
                                              ("review", "organization")),
              f"  date: {(value['date'].date if value['date'] else today).isoformat()}"
              + ("" if value["date"] else "   # TODO: the date of the clinical review")]
    lines.append("sources:" + ("" if ex.sources else " []"))
    for source in ex.sources:
        reference = source.value
        lines.append(f"  - authors: [{', '.join(yaml_text(a) for a in reference['authors'])}]")
        lines.append(f"    title: {yaml_text(reference['title'])}")
        if reference.get("publication"):
            lines.append(f"    publication: {yaml_text(reference['publication'])}")
        if reference.get("date"):
            lines.append(f"    date: {reference['date'].isoformat()}")
        if reference.get("url"):
            lines.append(f"    url: {reference['url']}")
    lines.append("images:" + ("" if images.files else " {}"))
    for name, image in images.files.items():
        lines.append(f"  {name}:")
        if image.alt == "":
            lines.append("    decorative: true")
            ex.points.append(Point(f"{name} has an empty alt text on the page, so it is marked decorative: give it alt "
                                   "text if it shows something the text does not say", image.origin, ("yml", ("images", name))))
            continue
        lines.append("    alt:")
        for other in languages:
            if other == lang and image.alt:
                lines.append(f"      {other}: {yaml_text(image.alt)}")
            else:
                describe = {"en": "TODO: describe the picture in English", "fr": "TODO: décrivez l'image en français"}
                lines.append(f"      {other}: {yaml_text(describe[other])}")
                ex.points.append(Point(f"{name} has no alt text in {language_name(other)}", image.origin if other == lang else None,
                                       ("yml", ("images", name, "alt", other)), translation=other != lang))
    return "\n".join(lines) + "\n"


def locate(point: Point, files: dict[str, tuple[Path, str]]) -> str:
    """Where a point is in the new sources: "handouts/SLUG/en.md:12", or "" when it is nowhere in particular."""
    if point.at is None:
        return ""
    kind, where = point.at
    key = {"yml": "handout.yml", "front": "md", "body": "md", "config": "config"}[kind]
    if key not in files:
        return ""
    path, text = files[key]
    if kind in ("yml", "config"):
        doc, _ = parse_yaml(text, path)
        return f"{path}:{doc.mark(tuple(where))[0]}" if doc is not None else str(path)
    if kind == "front":
        end = text.find("\n---", 3)
        doc, _ = parse_yaml(text[4:end], path, line_offset=1)
        return f"{path}:{doc.mark((where,))[0]}" if doc is not None else str(path)
    start = text.find("\n---", 3) + 4
    at = text.find(str(where), start)
    return f"{path}:{text.count(chr(10), 0, at) + 1}" if at >= 0 else str(path)


def report_section(ex: Extracted, file_name: str, files: dict[str, tuple[Path, str]], check_lines: list[str],
                   left_out: list[str]) -> str:
    """IMPORT.md's section for one language: what was recognised and from where, what needs a person, what was left out."""
    lang = language_name(ex.lang)
    lines = [f"## {lang}: {file_name} from {ex.display}", "",
             f"Read as {lang} ({ex.lang_origin}).", "", "### Recognised", ""]
    order = ("title", "summary", "keywords", "author", "revised", "created", "number", "review", "copyright",
             "permission", "disclaimer", "contact")
    for key in order:
        fact = ex.facts.get(key)
        if fact is None:
            continue
        value = fact.value
        if isinstance(value, FoundDate):
            value = value.date.isoformat()
        elif key == "review":
            value = ", ".join(str(v) for v in (value["body"], value["organization"],
                                               value["date"].date.isoformat()) if v)
        elif key == "copyright":
            value = value["holder"]
        elif isinstance(value, list):
            value = "; ".join(value)
        where = f", from {fact.origin}" if fact.origin else ""
        lines.append(f"- {key}: {_one_line(str(value))}{where}" + (f" ({fact.note})" if fact.note else ""))
    for source in ex.sources:
        lines.append(f"- source: {_one_line(source.value['title'])}, from {source.origin}")
    lines += ["", "### Needs a person", ""]
    todo = [p for p in ex.points if not p.translation] + [p for p in ex.points if p.translation]
    for point in todo:
        place = locate(point, files)
        origin = f" (from {point.origin})" if point.origin else ""
        lines.append(f"- [ ] {place + ': ' if place else ''}{point.message}{origin}")
    if not todo:
        lines.append("Nothing.")
    lines += ["", "### Left out of the body", ""] + [f"- {_one_line(item)}" for item in left_out + ex.notes]
    lines += ["", "### What `handouts check` says", ""] + ([f"- {line}" for line in check_lines] or ["Nothing."])
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def merge_report(existing: str | None, slug: str, section: str, lang: str) -> str:
    """IMPORT.md with this language's section replaced (or added), the others kept."""
    head = (f"# Import notes: {slug}\n\nWritten by `handouts import`: for each language, what was recognised in its "
            "source and from where, what needs a person (file:line in the new sources) and what was left out. "
            "Delete this file once every point is done.\n")
    sections: dict[str, str] = {}
    if existing:
        for part in re.split(r"(?m)^(?=## )", existing)[1:]:
            key = SOURCE_LANGUAGE if part.startswith("## English") else "fr" if part.startswith("## French") else part
            sections[key] = part.rstrip() + "\n"
    sections[lang] = section
    ordered = [sections[k] for k in sorted(sections, key=lambda k: (k != SOURCE_LANGUAGE, k))]
    return head + "\n" + "\n".join(ordered)

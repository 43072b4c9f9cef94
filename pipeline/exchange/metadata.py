"""An extracted article → its metadata recognised and taken out of the body: title, dates, author, sources,
review, number, copyright and permission, disclaimer, the nurse-line call-out; question headings and warnings shaped."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..project.config import Project
from .constructs import callout_kind
from .dates import find_date, numeric_order
from .document import Extracted, Fact, Point
from .patterns import (AUTHOR, CONTACT_WORDS, COPYRIGHT, COPYRIGHT_WORDS, CREATED, DISCLAIMER, EMERGENCY, NUMBER,
                       PERMISSION, PERMISSION_USE, QUESTION, REVIEW, REVISED, SOURCES_HEADING, WARNING, fold)
from .references import looks_like_reference, parse_reference

BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "address", "blockquote",
          "section", "figcaption", "caption", "center", "pre", "article", "main", "aside", "figure", "ul", "ol", "table"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Facts the page gives once; a second, different one is reported, and the first is kept.
SINGLE = ("author", "revised", "created", "number", "review", "copyright", "disclaimer")


def block_lines(element: lxml_html.HtmlElement) -> list[str]:
    """The text of a block, one string per line (<br> breaks lines), spaces collapsed."""
    parts: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> None:
        if node.tag == "br":
            parts.append("\n")
        elif isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(" ".join(block_lines(element)).split())


def leaf_blocks(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Blocks that hold text and no other block, in reading order."""
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag in BLOCKS and e is not root
            and not any(isinstance(d.tag, str) and d.tag in BLOCKS for d in e.iterdescendants())
            and text_of(e)]


def _inside(element: lxml_html.HtmlElement, *tags: str) -> bool:
    return any(a.tag in tags for a in element.iterancestors())


def _title(ex: Extracted) -> None:
    h1s = list(ex.root.iter("h1"))
    if h1s:
        title = text_of(h1s[0])
        ex.facts["title"] = Fact(title, ex.origin(h1s[0], title))
        h1s[0].drop_tree()
        if len(h1s) > 1:  # sections are h1 (Word's Heading 1 under a Title): every heading goes one level down
            for heading in list(ex.root.iter(*HEADINGS)):
                heading.tag = f"h{min(int(heading.tag[1]) + 1, 6)}"
    elif ex.head.get("title"):
        title = re.split(r"\s+[|–—-]\s+", ex.head["title"])[0].strip()
        ex.facts["title"] = Fact(title, ex.origin(None, ex.head["title"]), "from the page's <title>: it has no <h1>")
        ex.points.append(Point("the title was taken from the page's <title>: check it", ex.origin(None, ex.head["title"]),
                               ("front", "title")))


def _only_bold(p: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    children = [c for c in p if isinstance(c.tag, str)]
    if (len(children) == 1 and children[0].tag in ("strong", "b") and not (p.text or "").strip()
            and not (children[0].tail or "").strip()):
        return children[0]
    return None


def _shape(ex: Extracted) -> None:
    """Bold questions standing alone become headings; bold warnings become call-outs."""
    levels: dict[lxml_html.HtmlElement, int] = {}
    level = 1
    for element in ex.root.iter():
        if element.tag in HEADINGS:
            level = int(element.tag[1])
        elif element.tag == "p":
            levels[element] = level
    for p, before in levels.items():
        if _inside(p, "li", "td", "th", "blockquote"):
            continue
        bold = _only_bold(p)
        first = next((c for c in p if isinstance(c.tag, str)), None)
        leading = first is not None and first.tag in ("strong", "b") and not (p.text or "").strip()
        text = fold(text_of(first)) if leading else ""
        if leading and WARNING.match(text) and not any(callout_kind(a) for a in p.iterancestors()):
            kind = "emergency" if EMERGENCY.search(fold(text_of(p))) else "warning"
            box = lxml_html.Element("div", {"class": f"callout-{kind}", "data-recognised": "bold warning"})
            p.addprevious(box)
            box.append(p)
            if bold is not None:
                bold.drop_tag()
        elif bold is not None:
            text = fold(text_of(p))
            if QUESTION.match(text) or SOURCES_HEADING.match(text):
                p.tag = f"h{min(max(before, 1) + 1, 6)}"
                bold.drop_tag()


def _contact_numbers(project: Project) -> list[re.Pattern[str]]:
    patterns = []
    for contact in project.config.contacts:
        digits = re.sub(r"\D", "", contact.number)
        patterns.append(re.compile(r"(?<!\d)" + r"[\s.-]?".join(digits) + r"(?!\d)"))
    return patterns


def _review(text: str, lang: str, order: str | None) -> dict | None:
    found = find_date(text, lang, order)
    parts = [p.strip(" .") for p in re.split(r",\s*", text.replace(found.text, "") if found else text) if p.strip(" .")]
    body = organization = None
    rest = []
    for part in parts:
        match = REVIEW.search(fold(part))
        if match and body is None:
            words = part.split()
            by = next(i for i, w in enumerate(words) if fold(w) in ("by", "par"))
            body = re.sub(r"^(?:the|le|la|les|l')\s*", "", " ".join(words[by + 1:]), flags=re.I).strip()
        elif not re.fullmatch(r"(?:le|on|en)?\s*", part, re.I):
            rest.append(part)
    if body and rest:
        organization = rest[0]
    return {"body": body, "organization": organization, "date": found} if body and found else None


def _copyright(text: str) -> tuple[str, str, str]:
    """A copyright line → (holder, the copyright sentence, the rest of the line)."""
    sentence, *rest = re.split(r"(?<=[.!])\s+(?=[A-ZÀ-Ý])", text, maxsplit=1)
    holder = COPYRIGHT_WORDS.sub(" ", sentence)
    holder = re.sub(r"^\W*(?:by\s+|par\s+)?(?:the\s+)?", "", " ".join(holder.split()), flags=re.I).strip(" .,;:")
    return holder, sentence.strip(), " ".join(rest).strip()


class _Reader:
    """The line-by-line recogniser over one article."""

    def __init__(self, ex: Extracted, project: Project) -> None:
        self.ex = ex
        self.contacts = _contact_numbers(project)
        self.order = numeric_order(block_lines(ex.root))
        self.permission: list[str] = []

    def fact(self, name: str, value, element, text: str, note: str = "") -> None:
        origin = self.ex.origin(element, text)
        if name in self.ex.facts and name in SINGLE:
            kept = self.ex.facts[name]
            furniture = any(a.get("data-furniture") for a in [element, *element.iterancestors()])
            if kept.value != value and not furniture:  # a site's own footer does not contradict the article
                self.ex.points.append(Point(f"a second {name} was found and left out: check which is right "
                                            f"(kept {kept.origin})", origin))
            return
        self.ex.facts[name] = Fact(value, origin, note)

    def line(self, text: str, element, in_sources: bool) -> bool:
        """Recognise one line; True when it is metadata (and so leaves the body)."""
        folded = fold(text)
        lang = self.ex.lang
        short = len(text) < 400
        if short and any(p.search(text) for p in self.contacts) and CONTACT_WORDS.search(folded):
            self.ex.facts.setdefault("contact", Fact([], self.ex.origin(element, text)))
            self.ex.facts["contact"].value.append(text)
            return True
        if short and REVIEW.search(folded):
            review = _review(text, lang, self.order)
            if review:
                self.fact("review", review, element, text)
                return True
        if short and AUTHOR.match(folded):
            self.fact("author", text.rstrip(" ."), element, text)
            return True
        for name, pattern in (("revised", REVISED), ("created", CREATED)):
            found = find_date(text, lang, self.order) if short and pattern.match(folded) else None
            if found:
                self.fact(name, found, element, text)
                return True
        if short and COPYRIGHT.search(folded):
            holder, sentence, rest = _copyright(text)
            self.fact("copyright", {"holder": holder, "text": sentence}, element, text)
            if rest and PERMISSION.search(fold(rest)):
                self.permission.append(rest)
                self.ex.facts.setdefault("permission", Fact("", self.ex.origin(element, rest)))
            return True
        if short and PERMISSION.search(folded) and PERMISSION_USE.search(folded) and element.tag != "li":
            self.permission.append(text)
            self.ex.facts.setdefault("permission", Fact("", self.ex.origin(element, text)))
            return True
        if len(text) < 600 and DISCLAIMER.search(folded) and element.tag not in ("li", "td", "th"):
            self.fact("disclaimer", text, element, text)
            return True
        number = NUMBER.match(folded) if element.tag in ("p", "div") and not _inside(element, "table", "li") else None
        if number:
            self.fact("number", number.group(1).upper(), element, text)
            return True
        if in_sources and looks_like_reference(text):
            reference = parse_reference(text, lang, self.order)
            origin = self.ex.origin(element, text)
            if reference is None:
                reference = {"authors": ["TODO: the authors"], "title": text}
                self.ex.points.append(Point("this source could not be split into authors, title, publication and "
                                            "date: write them", origin, ("yml", ("sources", len(self.ex.sources)))))
            elif reference.get("date_note"):
                self.ex.points.append(Point(f"source date: {reference['date_note']}", origin,
                                            ("yml", ("sources", len(self.ex.sources), "date"))))
            reference.pop("date_note", None)
            self.ex.sources.append(Fact(reference, origin))
            return True
        return False


def recognise(ex: Extracted, project: Project) -> None:
    """Find the metadata in the article, record where each came from, and take it out of the body."""
    _title(ex)
    _shape(ex)
    reader = _Reader(ex, project)
    in_sources = False
    for element in leaf_blocks(ex.root):
        if ex.root not in element.iterancestors():
            continue  # removed with an earlier block
        if element.tag in HEADINGS:
            in_sources = bool(SOURCES_HEADING.match(fold(text_of(element))))
            if in_sources or (element.tag != "h1" and reader.line(text_of(element), element, False)):
                element.drop_tree()
            continue
        lines = block_lines(element)
        recognised = [reader.line(line, element, in_sources) for line in lines]
        if all(recognised):
            element.drop_tree()
        elif any(recognised):
            ex.points.append(Point("metadata was recognised in a block that also has other text: the whole block "
                                   "stays in the body; remove the metadata from it", ex.origin(element, lines[0]),
                                   ("body", lines[next(i for i, r in enumerate(recognised) if not r)][:40])))
        if in_sources and not any(recognised):
            in_sources = False
    if reader.permission:
        ex.facts["permission"].value = " ".join(reader.permission)
    if "copyright" not in ex.facts:
        for chrome in ex.chrome:
            for element in leaf_blocks(chrome):
                text = text_of(element)
                if COPYRIGHT.search(fold(text)) and len(text) < 300:
                    holder, sentence, _ = _copyright(text)
                    ex.facts["copyright"] = Fact({"holder": holder, "text": sentence}, ex.origin(element, text),
                                                 "from the site's footer: the article has no copyright line")
                    break
            if "copyright" in ex.facts:
                break
    for furniture in list(ex.root.iter()):
        if isinstance(furniture.tag, str) and furniture.get("data-furniture") and furniture.getparent() is not None:
            left = text_of(furniture)
            if left:
                ex.notes.append(f"left out, from {furniture.get('data-furniture')}: {left[:200]}")
            furniture.drop_tree()
    prune(ex.root)
    normalise_headings(ex.root)


def prune(root: lxml_html.HtmlElement) -> None:
    """Remove containers left empty (a list whose items were all sources, a div that held the dates)."""
    for element in reversed([e for e in root.iter() if isinstance(e.tag, str) and e is not root]):
        if element.tag in ("img", "br", "hr", "td", "th", "tr") or element.getparent() is None:
            continue
        if not element.text_content().strip() and element.find(".//img") is None:
            element.drop_tree()


def normalise_headings(root: lxml_html.HtmlElement) -> None:
    """Sections start at h2 (the title is the only h1) and never skip a level."""
    stack: list[int] = []
    for heading in [e for e in root.iter(*HEADINGS)]:
        level = int(heading.tag[1])
        while stack and stack[-1] >= level:
            stack.pop()
        stack.append(level)
        heading.tag = f"h{min(len(stack) + 1, 6)}"

"""A citation as sites write it → a source for handout.yml (authors, title, publication, date, url), or None."""

from __future__ import annotations

import re

from .dates import find_date
from .patterns import DEGREES, URL

# "Title by A Author, MD; B Author, MD (Publication 08/15/02, https://…)"
_BY = re.compile(r"^(?P<title>.+?)\s+by\s+(?P<authors>.+?)\s*\((?P<rest>[^()]+)\)\s*\.?$", re.S)
# Vancouver: "Leduc D, Woods S. Title. Publication; 2015. https://…"
_VANCOUVER = re.compile(r"^(?P<authors>(?:[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s[A-Z]{1,3}(?:,\s*|\.\s+|\s+and\s+))+)"
                        r"(?P<title>[^.]+[.?])\s+(?P<rest>.+)$")
# APA-like: "Leduc, D., & Woods, S. (2015). Title. Publication. https://…"
_APA = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4})[^)]*\)\.\s+(?P<title>[^.]+[.?])\s*(?P<rest>.*)$")


def _initials(name: str) -> str:
    """"TA Predey" → "T. A. Predey"; "Leduc D" → "D. Leduc"; "T. A. Predey" stays."""
    name = " ".join(DEGREES.sub("", name).split()).strip(" ,.;")
    front = re.match(r"^([A-Z]{1,3})\s+(\S.+)$", name)
    back = re.match(r"^(\S.+?)\s+([A-Z]{1,3})$", name)
    if front:
        initials, surname = front.groups()
    elif back:
        surname, initials = back.groups()
    else:
        return name
    return " ".join(f"{letter}." for letter in initials) + " " + surname


def _authors(text: str) -> list[str]:
    text = DEGREES.sub("", text)
    parts = re.split(r"\s*;\s*|\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*", text)
    return [_initials(part) for part in parts if part.strip(" .,")]


def _apa_authors(text: str) -> list[str]:
    """"Leduc, D., & Woods, S. J." → ["D. Leduc", "S. J. Woods"]."""
    names = []
    for surname, initials in re.findall(r"([A-Z][\w'’-]+),\s*((?:[A-Z]\.\s*)+)", text):
        names.append(" ".join(re.findall(r"[A-Z]\.", initials)) + " " + surname)
    return names


def _publication(rest: str, lang: str, order: str | None) -> tuple[str | None, object, str | None]:
    url = URL.search(rest)
    found = find_date(rest, lang, order)
    text = rest
    for part in (url.group(0) if url else "", found.text if found else ""):
        if part:
            text = text.replace(part, " ")
    text = re.sub(r"\b(?:19|20)\d{2}\b.*$", "", text) if found is None else text
    publication = " ".join(text.replace(";", " ").split()).strip(" ,.;:")
    return publication or None, found, url.group(0) if url else None


def parse_reference(text: str, lang: str, order: str | None = None) -> dict | None:
    """The parts of one citation; None when it is not one of the forms handouts use."""
    text = " ".join(text.split())
    for pattern in (_BY, _APA, _VANCOUVER):
        match = pattern.match(text)
        if not match:
            continue
        authors = (_apa_authors(match.group("authors")) if pattern is _APA else _authors(match.group("authors")))
        if not authors:
            continue
        publication, found, url = _publication(match.group("rest"), lang, order)
        reference: dict = {"authors": authors, "title": match.group("title").strip(" .")}
        if publication:
            reference["publication"] = publication
        if found is not None:
            reference["date"] = found.date
            if found.reading or found.month_only:
                reference["date_note"] = found.reading or f'"{found.text}" names no day: the 1st is written'
        if url:
            reference["url"] = url
        return reference
    return None


def looks_like_reference(text: str) -> bool:
    """A line worth reading as a citation: it has a web address, a year or " by "."""
    return bool(URL.search(text) or re.search(r"\b(?:19|20)\d{2}\b", text) or " by " in text)

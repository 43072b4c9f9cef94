"""A Word document (.docx) → its article as HTML (mammoth), with its pictures, its footer's lines and which
tables mark row headers; encrypted, damaged and zip-bomb files refused before anything is unpacked."""

from __future__ import annotations

import io
import re
import zipfile

import lxml.etree
import mammoth
from lxml import html as lxml_html
from mammoth.docx.files import InvalidFileReferenceError

from .document import Extracted, InputError
from .images import MAX_IMAGE_BYTES
from .language import guess_language, language_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1], "r": "http://schemas.openxmlformats.org/package/2006/relationships"}
# A real handout unpacks to a few megabytes; these bound what a hostile file can make us unpack.
MAX_ENTRIES = 2_000
MAX_UNPACKED = 100_000_000
MAX_RATIO = 200
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => div.callout-note > p:fresh
"""
_XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _open(data: bytes, display: str) -> zipfile.ZipFile:
    """The document's ZIP container, after the checks that keep a hostile file from costing anything."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(display, "is password-protected: it cannot be read",
                             "open it in Word, remove the password (File > Info > Protect Document), save and import again")
        raise InputError(display, "is an old Word 97-2003 document (.doc), not a .docx",
                         "open it in Word and save it as a Word Document (.docx)")
    if not data.startswith(b"PK\x03\x04"):
        raise InputError(display, "is not a Word document: a .docx file is a ZIP package, and this is not one")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise InputError(display, "is damaged: it is not a complete .docx package",
                         "open it in Word and save it again, or import an earlier copy") from None
    unpacked = sum(entry.file_size for entry in entries)
    if (len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED
            or any(e.file_size > MAX_RATIO * max(e.compress_size, 1) and e.file_size > 1_000_000 for e in entries)):
        raise InputError(display, f"would unpack to {unpacked / 1_000_000:,.0f} MB in {len(entries)} files: "
                         "it is not a handout (a zip bomb?) and was not opened")
    if "word/document.xml" not in archive.namelist():
        raise InputError(display, "is not a Word document: it has no word/document.xml")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise InputError(display, f"is not a safe Word document: {entry.filename} declares XML entities")
    return archive


def _xml(archive: zipfile.ZipFile, name: str, display: str):
    try:
        return lxml.etree.fromstring(archive.read(name), _XML_PARSER)
    except KeyError:
        return None
    except (lxml.etree.XMLSyntaxError, zipfile.BadZipFile, ValueError):
        raise InputError(display, f"is damaged: {name} cannot be read", "open it in Word and save it again") from None


def _first_column_styles(styles) -> set[str]:
    """Table styles that draw a first column differently (Table Design → First Column shows in them)."""
    if styles is None:
        return set()
    return {s.get(f"{W}styleId") for s in styles.iter(f"{W}style")
            if s.find(f"{W}tblStylePr[@{W}type='firstCol']") is not None}


def _row_headers(document, styles) -> list[bool]:
    """Per table, in document order: does the document mark its first column as row headers? Word's
    "First Column" table option, where the table's style or the cells' bold text shows it."""
    special = _first_column_styles(styles)
    marked = []
    for table in document.iter(f"{W}tbl"):
        look = table.find(f"{W}tblPr/{W}tblLook")
        flag = look is not None and (look.get(f"{W}firstColumn") in ("1", "true", "on")
                                     or int(look.get(f"{W}val") or "0", 16) & 0x0080 != 0)
        style = table.find(f"{W}tblPr/{W}tblStyle")
        rows = table.findall(f"{W}tr")[1:]
        first_cells = [row.find(f"{W}tc") for row in rows]
        bold = bool(first_cells) and all(
            cell is not None and cell.findall(f".//{W}r") and all(r.find(f"{W}rPr/{W}b") is not None
                                                               for r in cell.findall(f".//{W}r") if r.find(f"{W}t") is not None)
            for cell in first_cells)
        marked.append(flag and ((style is not None and style.get(f"{W}val") in special) or bold))
    return marked


def _footer_lines(archive: zipfile.ZipFile, display: str) -> list[str]:
    rels = _xml(archive, "word/_rels/document.xml.rels", display)
    lines: list[str] = []
    for rel in (rels.iter(f"{{{NS['r']}}}Relationship") if rels is not None else []):
        if rel.get("Type", "").endswith("/footer"):
            footer = _xml(archive, "word/" + rel.get("Target", "").lstrip("/").removeprefix("word/"), display)
            for paragraph in (footer.iter(f"{W}p") if footer is not None else []):
                text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
                if text.strip() and text.strip() not in lines:
                    lines.append(" ".join(text.split()))
    return lines


def _slim(archive: zipfile.ZipFile, styles, display: str) -> bytes:
    """The package again with only the styles the text uses (and those they are based on): Word keeps
    hundreds of styles in every document, and mammoth's XML parser takes most of its time reading them."""
    used: set[str] = set()
    for name in ("word/document.xml", "word/numbering.xml", "word/footnotes.xml", "word/endnotes.xml"):
        part = _xml(archive, name, display)
        for kind in ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink"):
            used |= {e.get(f"{W}val") for e in (part.iter(f"{W}{kind}") if part is not None else [])}
    by_id = {style.get(f"{W}styleId"): style for style in styles.iter(f"{W}style")}
    pending = list(used)
    while pending:
        style = by_id.get(pending.pop())
        for link in ([] if style is None else [style.find(f"{W}basedOn"), style.find(f"{W}link"), style.find(f"{W}next")]):
            if link is not None and link.get(f"{W}val") not in used:
                used.add(link.get(f"{W}val"))
                pending.append(link.get(f"{W}val"))
    for style_id, style in by_id.items():
        if style_id not in used and style.get(f"{W}default") not in ("1", "true"):
            style.getparent().remove(style)
    for latent in styles.findall(f"{W}latentStyles"):
        styles.remove(latent)
    slim = io.BytesIO()
    with zipfile.ZipFile(slim, "w", zipfile.ZIP_STORED) as out:
        for entry in archive.infolist():
            data = lxml.etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if entry.filename == "word/styles.xml" else archive.read(entry)
            out.writestr(entry.filename, data)
    return slim.getvalue()


def _declared_language(styles) -> str:
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang") if styles is not None else None
    return lang.get(f"{W}val", "") if lang is not None else ""


def read_word(data: bytes, display: str, lang: str | None) -> Extracted:
    archive = _open(data, display)
    document = _xml(archive, "word/document.xml", display)
    styles = _xml(archive, "word/styles.xml", display)
    core = _xml(archive, "docProps/core.xml", display)
    embedded: dict[str, bytes] = {}

    def picture(image) -> dict[str, str]:
        try:
            with image.open() as stream:
                blob = stream.read(MAX_IMAGE_BYTES + 1)
        except InvalidFileReferenceError as error:  # linked, not embedded: mammoth opens no outside file
            linked = re.search(r"external image '(.*?)'", str(error))
            return {"src": linked.group(1) if linked else "", "data-linked": "true"}
        key = f"docx:image{len(embedded) + 1}"
        embedded[key] = blob if len(blob) <= MAX_IMAGE_BYTES else b""
        return {"src": key}

    marked = _row_headers(document, styles)
    language = _declared_language(styles)
    package = _slim(archive, styles, display) if styles is not None else data
    try:
        result = mammoth.convert_to_html(io.BytesIO(package), style_map=STYLE_MAP, external_file_access=False,
                                         convert_image=mammoth.images.img_element(picture))
    except InputError:
        raise
    except Exception as error:  # a damaged part deep inside: mammoth's own errors vary by part
        raise InputError(display, f"is damaged and cannot be converted ({type(error).__name__}: {error})",
                         "open it in Word and save it again") from None
    root = lxml_html.fragment_fromstring(result.value or "<p></p>", create_parent="div")
    text = " ".join(root.text_content().split())
    if not text:
        pictures = len(list(root.iter("img")))
        raise InputError(display, "has no text" + (f", only {pictures} picture{'s' if pictures != 1 else ''} (a scanned document?)" if pictures else
                                                    ": it is empty"), "import the document that has the handout's text")
    footer = _footer_lines(archive, display)
    if footer:
        box = lxml_html.Element("div", {"data-furniture": "the document's footer"})
        for line in footer:
            lxml.etree.SubElement(box, "p").text = line
        root.append(box)
    chosen = language_of(lang, language) or guess_language(text)
    title = ""
    if core is not None:
        title = " ".join("".join(core.findtext("{http://purl.org/dc/elements/1.1/}title") or "").split())
    ex = Extracted(display, chosen[0], chosen[1], root, has_lines=False, head={"title": title} if title else {},
                   embedded=embedded, row_headers=marked)
    ignored = sorted({m.message for m in result.messages if "style" not in m.message.lower()})
    ex.notes += [f"Word: {message}" for message in ignored]
    return ex

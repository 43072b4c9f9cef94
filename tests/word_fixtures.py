"""Word documents for the import tests, made with python-docx from the YAML descriptions in
tests/fixtures/import/word/ (styles, lists with their nesting as Word writes them, tables, pictures with
alt text, footers), and the broken ones (empty, pictures only, password-protected, damaged, zip bomb)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from msoffcrypto.format.ooxml import OOXMLFile
import yaml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches

HERE = Path(__file__).resolve().parent / "fixtures" / "import" / "word"
COLOURS = {"blue": (40, 90, 160), "green": (30, 120, 60), "grey": (120, 120, 120)}


def png(colour: str, width: int = 60, height: int = 40) -> bytes:
    """A small real PNG of one colour (each colour gives different bytes, the same colour the same)."""
    raw = b"".join(b"\x00" + bytes(COLOURS[colour]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _numbering(document: docx.document.Document, kind: str, number_id: int) -> None:
    """A multi-level list definition as Word makes one (bullets or 1. a. i.), and one list using it."""
    numbering = document.part.numbering_part.element
    formats = [("bullet", "•"), ("bullet", "◦"), ("bullet", "▪")] if kind == "bullet" else \
        [("decimal", "%1."), ("lowerLetter", "%2."), ("lowerRoman", "%3.")]
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(formats))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number_id}">'
                         f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number_id}"><w:abstractNumId w:val="{number_id}"/></w:num>'))


def _list_paragraph(paragraph, number_id: int, level: int) -> None:
    properties = paragraph._p.get_or_add_pPr()
    properties.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{number_id}"/></w:numPr>'))


def _table(document, spec: dict) -> None:
    rows = spec["rows"]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            run = table.cell(r, c).paragraphs[0].add_run(str(text))
            run.bold = bool(spec.get("bold_first_column") and c == 0 and r > 0) or (spec.get("header") and r == 0)
    if spec.get("header"):
        row_properties = table.rows[0]._tr.get_or_add_trPr()
        row_properties.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = parse_xml(f'<w:tblLook {nsdecls("w")}/>')
        table._tbl.tblPr.append(look)
    look.set(qn("w:firstColumn"), "1" if spec.get("first_column") else "0")
    look.set(qn("w:firstRow"), "1" if spec.get("header") else "0")
    look.set(qn("w:val"), "04A0" if spec.get("first_column") else "0420")


def build(spec: dict, path: Path) -> Path:
    """A .docx as described: body items are paragraphs (style, text or runs), list items, tables and images."""
    document = docx.Document()
    if spec.get("language"):
        defaults = document.styles.element.find(qn("w:docDefaults"))
        run_properties = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        lang = run_properties.find(qn("w:lang"))
        if lang is None:
            lang = parse_xml(f'<w:lang {nsdecls("w")}/>')
            run_properties.append(lang)
        lang.set(qn("w:val"), spec["language"])
    number_id, previous_list = 100, None
    for item in spec.get("body", []):
        if "list" in item:
            if previous_list != item["list"] or item.get("restart"):
                number_id += 1
                _numbering(document, item["list"], number_id)
            previous_list = item["list"]
            paragraph = document.add_paragraph(item["text"])
            _list_paragraph(paragraph, number_id, item.get("level", 0))
            continue
        previous_list = None
        if "table" in item:
            _table(document, item["table"])
        elif "image" in item:
            shape = document.add_paragraph().add_run().add_picture(io.BytesIO(png(item["image"])), width=Inches(2))
            shape._inline.docPr.set("name", item.get("name", "Picture"))
            if item.get("alt"):
                shape._inline.docPr.set("descr", item["alt"])
        else:
            paragraph = document.add_paragraph(style=item.get("style"))
            for run in item.get("runs") or [{"text": item["text"]}]:
                paragraph.add_run(run["text"]).bold = run.get("bold")
    footer = document.sections[0].footer
    for index, line in enumerate(spec.get("footer", [])):
        paragraph = footer.paragraphs[0] if index == 0 else footer.add_paragraph()
        paragraph.text = line
    document.save(path)
    return path


def build_all(dest: Path) -> dict[str, Path]:
    """Every described document, as NAME.docx in `dest`."""
    return {spec.stem: build(yaml.safe_load(spec.read_text(encoding="utf-8")), dest / f"{spec.stem}.docx")
            for spec in sorted(HERE.glob("*.yml"))}


def broken(dest: Path) -> dict[str, Path]:
    """Word files that must be refused with a clean message."""
    made = {}
    empty = docx.Document()
    made["empty"] = dest / "empty.docx"
    empty.save(made["empty"])
    pictures = docx.Document()
    pictures.add_paragraph().add_run().add_picture(io.BytesIO(png("grey")), width=Inches(2))
    made["image-only"] = dest / "image-only.docx"
    pictures.save(made["image-only"])
    good = build({"body": [{"text": "Wash your hands often with soap and water for twenty seconds, then dry them."}]},
                 dest / "plain.docx")
    made["password"] = dest / "password.docx"
    with open(good, "rb") as plain, open(made["password"], "wb") as encrypted:
        OOXMLFile(plain).encrypt("secret", encrypted)
    made["damaged"] = dest / "damaged.docx"
    made["damaged"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    made["zip-bomb"] = dest / "zip-bomb.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(made["zip-bomb"], "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in source.infolist():
            bomb.writestr(entry, source.read(entry))
        with bomb.open("word/media/filler.bin", "w") as filler:  # 120 MB of zeros, about 120 KB packed
            block = bytes(1 << 20)
            for _ in range(120):
                filler.write(block)
    made["entities"] = dest / "entities.docx"  # "billion laughs": entities that expand without end
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(made["entities"], "w", zipfile.ZIP_DEFLATED) as hostile:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>', 1)
            hostile.writestr(entry, data)
    made["not-word"] = dest / "not-word.docx"
    made["not-word"].write_text("This is a text file that someone named .docx by mistake.\n", encoding="utf-8")
    return made

"""What a PDF paints, read from its content streams, for tests.

Colours: fill, stroke and text colours (the colour operators in each colour space), shadings
(gradients), patterns, Form XObjects (SVG pictures) and images (colour space, then every sample
when the space has colour channels). Text: every run's printed size (font size through the text
and transformation matrices), baseline, and the structure element it belongs to."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject

# (where, what, colour space family, components): one painted colour.
Colour = tuple[str, str, str, tuple[float, ...]]


def _space(resources: DictionaryObject, name: Any) -> Any:
    """A colour space operand (a device name or a resource name) as its definition."""
    if str(name) in ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern", "/G", "/RGB", "/CMYK"):
        return NameObject({"/G": "/DeviceGray", "/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK"}.get(str(name), str(name)))
    spaces = (resources.get("/ColorSpace") or DictionaryObject()).get_object()
    return spaces[str(name)].get_object()


def family(space: Any) -> tuple[str, int]:
    """A colour space's family and number of components."""
    space = space.get_object() if hasattr(space, "get_object") else space
    if isinstance(space, ArrayObject):
        kind = str(space[0])
        if kind == "/ICCBased":
            channels = int(space[1].get_object()["/N"])
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}[channels], channels
        if kind in ("/Indexed", "/Separation", "/DeviceN", "/Pattern"):
            return kind, 1
        return kind, 3
    kind = str(space)
    return kind, {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4}.get(kind, 0)


def is_grey(kind: str, values: tuple[float, ...]) -> bool:
    """A colour with no hue: equal RGB channels, CMYK with black ink only, or any grey."""
    if kind == "/DeviceGray":
        return True
    if kind == "/DeviceRGB":
        return max(values) - min(values) < 1e-6
    if kind == "/DeviceCMYK":
        return max(values[:3]) < 1e-6
    return False


def _image(where: str, image: Any) -> Iterator[Colour]:
    kind, _ = family(image.get("/ColorSpace", NameObject("/DeviceGray")))
    if image.get("/ImageMask"):
        return  # a stencil: painted in the current fill colour, already read
    if kind == "/DeviceGray":
        yield where, "image", kind, (0.0,)
        return
    pil = image.decode_as_image().convert("RGB")
    hues = {pixel for pixel in pil.get_flattened_data() if not pixel[0] == pixel[1] == pixel[2]}
    yield where, "image", kind, tuple(float(c) / 255 for c in next(iter(hues))) if hues else (0.0, 0.0, 0.0)


def _shading(where: str, shading: Any) -> Iterator[Colour]:
    shading = shading.get_object()
    kind, channels = family(shading["/ColorSpace"])
    functions = shading.get("/Function")
    todo = list(functions) if isinstance(functions, ArrayObject) else [functions] if functions else []
    while todo:
        function = todo.pop().get_object()
        for key in ("/C0", "/C1"):
            if key in function:
                yield where, "shading", kind, tuple(float(v) for v in function[key])
        todo.extend(function.get("/Functions") or [])
        if "/Range" in function and int(function.get("/FunctionType", 0)) == 0:
            yield where, "sampled shading", kind, (0.0, 1.0, 2.0)  # sampled colours: not checked, so not grey
    if "/Function" not in shading:
        yield where, "shading without function", kind, (0.0, 1.0, 2.0)


def _pattern(where: str, pattern: Any, reader: pypdf.PdfReader) -> Iterator[Colour]:
    pattern = pattern.get_object()
    if int(pattern.get("/PatternType", 1)) == 2:
        yield from _shading(where, pattern["/Shading"])
    else:
        yield from _stream(where, pattern, pattern.get("/Resources", DictionaryObject()).get_object(), reader)


def _stream(where: str, content: Any, resources: DictionaryObject, reader: pypdf.PdfReader,
            seen: set[int] | None = None) -> Iterator[Colour]:
    seen = set() if seen is None else seen
    spaces = {"fill": NameObject("/DeviceGray"), "stroke": NameObject("/DeviceGray")}
    tags: list[str] = []
    base = where
    fixed = {"g": ("fill", "/DeviceGray"), "G": ("stroke", "/DeviceGray"), "rg": ("fill", "/DeviceRGB"),
             "RG": ("stroke", "/DeviceRGB"), "k": ("fill", "/DeviceCMYK"), "K": ("stroke", "/DeviceCMYK")}
    for operands, operator in ContentStream(content, reader).operations:
        op = operator.decode()
        if op in ("BDC", "BMC"):
            tags.append(str(operands[0]))
        elif op == "EMC" and tags:
            tags.pop()
        # Colours painted inside a picture (tagged Figure content) say so.
        where = f"{base} figure" if "/Figure" in tags else base
        if op in fixed:
            what, kind = fixed[op]
            yield where, what, kind, tuple(float(v) for v in operands)
        elif op in ("cs", "CS"):
            spaces["fill" if op == "cs" else "stroke"] = _space(resources, operands[0])
        elif op in ("sc", "scn", "SC", "SCN"):
            what = "fill" if op in ("sc", "scn") else "stroke"
            kind, _ = family(spaces[what])
            if kind == "/Pattern":
                patterns = resources["/Pattern"].get_object()
                yield from _pattern(f"{where} pattern {operands[-1]}", patterns[str(operands[-1])], reader)
            else:
                yield where, what, kind, tuple(float(v) for v in operands)
        elif op == "sh":
            yield from _shading(where, resources["/Shading"].get_object()[str(operands[0])])
        elif op == "Do":
            ref = resources["/XObject"].get_object().raw_get(str(operands[0]))
            xobject = ref.get_object()
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            if xobject["/Subtype"] == "/Image":
                yield from _image(f"{where} image {operands[0]}", xobject)
            else:
                inner = xobject.get("/Resources", resources).get_object()
                yield from _stream(f"{where} form {operands[0]}", xobject, inner, reader, seen)
        elif op == "BI":
            yield where, "inline image", "unknown", (0.0, 1.0, 2.0)


def colours(path: Path) -> list[Colour]:
    """Every colour painted on every page of the PDF at `path`."""
    reader = pypdf.PdfReader(path)
    found: list[Colour] = []
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources", DictionaryObject()).get_object()
        found.extend(_stream(f"page {number}", page.get_contents(), resources, reader))
    return found


def not_grey(path: Path) -> list[Colour]:
    return [colour for colour in colours(path) if not is_grey(colour[2], colour[3])]


# --- text -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Run:
    """One text-showing operator: where, how big as printed, and what it belongs to."""

    page: int
    size: float          # points, as printed
    x: float
    y: float             # baseline, points from the bottom of the sheet
    artifact: bool       # inside /Artifact marked content (running header or footer)
    element: int | None  # object number of its structure element (None: untagged)
    block: str           # that element's nearest block-level structure type: P, H1, LBody, TD...
    raised: bool = False  # a superscript: no larger than the run before it, a little above its baseline


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """PDF matrix product a × b ([a b c d e f])."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


_INLINE = {"/Span", "/Link", "/Lbl", "/Em", "/Strong", "/Quote", "/Reference", "/Code", "/NonStruct"}


def _blocks(reader: pypdf.PdfReader) -> dict[tuple[int, int], tuple[int, str]]:
    """(StructParents key, MCID) → (element object number, its block type), from the ParentTree."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        return {}
    nums = root.get_object()["/ParentTree"].get_object().get("/Nums", [])
    found = {}
    for index in range(0, len(nums), 2):
        value = nums[index + 1].get_object()
        if not isinstance(value, ArrayObject):
            continue
        for mcid, ref in enumerate(value):
            if ref is None or not hasattr(ref, "idnum"):
                continue
            element = ref.get_object()
            while str(element.get("/S")) in _INLINE and "/P" in element:
                ref = element.raw_get("/P")
                element = ref.get_object()
            found[(int(nums[index]), mcid)] = (ref.idnum, str(element.get("/S")))
    return found


def text_runs(path: Path) -> list[Run]:
    """Every run of text on every page, in painting order."""
    reader = pypdf.PdfReader(path)
    blocks = _blocks(reader)
    runs = []
    for number, page in enumerate(reader.pages, start=1):
        key = page.get("/StructParents")
        ctm, stack, tags = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
        tm = line = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        size, leading = 0.0, 0.0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            op = operator.decode()
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == "BT":
                tm = line = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
            elif op == "Tm":
                tm = line = [float(v) for v in operands]
            elif op in ("Td", "TD"):
                if op == "TD":
                    leading = -float(operands[1])
                tm = line = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], line)
            elif op in ("T*", "'", '"'):
                tm = line = _multiply([1, 0, 0, 1, 0, -leading], line)
            elif op == "TL":
                leading = float(operands[0])
            elif op == "Tf":
                size = float(operands[1])
            elif op in ("BDC", "BMC"):
                mcid = operands[1].get("/MCID") if op == "BDC" and isinstance(operands[1], DictionaryObject) else None
                tags.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif op == "EMC" and tags:
                tags.pop()
            if op in ("Tj", "TJ", "'", '"'):
                matrix = _multiply(tm, ctm)
                printed = size * math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
                mcid = next((m for _, m in reversed(tags) if m is not None), None)
                element, block = blocks.get((int(key), mcid), (None, "")) if key is not None and mcid is not None \
                    else (None, "")
                run = Run(number, round(printed, 2), round(matrix[4], 2), round(matrix[5], 2),
                          any(tag == "/Artifact" for tag, _ in tags), element, block)
                before = runs[-1] if runs else None
                if (before is not None and before.page == number and run.size <= before.size
                        and 0 < run.y - before.y < before.size / 2):  # "1er": the ending raised
                    run = dataclasses.replace(run, raised=True)
                runs.append(run)
    return runs


def line_spacings(runs: list[Run], skip: tuple[str, ...] = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")) -> list[
        tuple[float, Run]]:
    """(distance between consecutive baselines ÷ text size, run) for the lines of each tagged
    block of running text on each page (headings skipped: they are set tighter on purpose)."""
    lines: dict[tuple[int, int], dict[float, float]] = {}
    first: dict[tuple[int, int], Run] = {}
    for run in runs:
        if run.artifact or run.raised or run.element is None or run.block in skip:
            continue
        key = (run.page, run.element)
        baselines = lines.setdefault(key, {})
        baselines[run.y] = max(baselines.get(run.y, 0.0), run.size)
        first.setdefault(key, run)
    spacings = []
    for key, baselines in lines.items():
        ys = sorted(baselines)
        for low, high in zip(ys, ys[1:]):
            if high - low > 0.5:  # the same line, drawn in two runs
                spacings.append(((high - low) / max(baselines[low], baselines[high]), first[key]))
    return spacings

"""Picture bytes → the same picture in greys for copiers: SVG colours rewritten (lines dark, fills
light), raster images through Pillow with their contrast stretched."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

import tinycss2
from tinycss2.color5 import parse_color

SVG_NS = "http://www.w3.org/2000/svg"
# Serialize with the usual prefixes (ElementTree would otherwise write ns0:svg, ns1:href).
ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")

# The colour properties WeasyPrint's SVG renderer reads; `color` feeds currentColor.
_LINE_PROPERTIES = {"stroke", "color"}
_FILL_PROPERTIES = {"fill", "stop-color", "flood-color", "lighting-color"}
_TEXT_ELEMENTS = {"text", "tspan", "textPath"}
# An SVG served without its file extension.
_XML = re.compile(rb"(\xef\xbb\xbf)?\s*<(\?xml|svg[\s>]|!DOCTYPE svg)")


class PictureError(ValueError):
    """A picture that cannot be turned to greys (so it cannot be printed as the layout promises)."""


def lightness(red: float, green: float, blue: float) -> float:
    """CIE L* (0 black – 100 white) of an sRGB colour with channels 0–1."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    y = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def _grey_channel(lightness_value: float) -> int:
    """The 0–255 sRGB grey of a CIE lightness."""
    value = (lightness_value + 16) / 116
    y = value ** 3 if value ** 3 > 216 / 24389 else lightness_value * 27 / 24389
    srgb = 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055
    return round(max(0.0, min(1.0, srgb)) * 255)


def tone(lightness_value: float, role: str) -> float:
    """The grey (CIE L*) a colour of lightness `lightness_value` becomes in its role: line, text
    or fill. A copier turns mid-tones to mud, so tones move apart: lines go dark unless they were
    light highlights, text goes dark unless it was nearly white, fills go light unless they
    were dark, and then darker. Order is kept within each role."""
    if role == "text":
        return lightness_value * 0.4 if lightness_value < 90 else 95 + (lightness_value - 90) * 0.5
    if role == "line":
        return lightness_value * 0.5 if lightness_value < 75 else 88 + (lightness_value - 75) * 0.48
    return lightness_value * 0.6 if lightness_value < 40 else 70 + (lightness_value - 40) * 0.5


def _grey_token(token: object, role: str) -> str | None:
    """A CSS colour token as a grey (CSS text), or None when it is not a colour."""
    color = parse_color(token)
    if color is None or isinstance(color, str):  # not a colour, or currentcolor
        return None
    red, green, blue = color.to("srgb").coordinates
    channel = _grey_channel(tone(lightness(*(max(0.0, min(1.0, c)) for c in (red, green, blue))), role))
    if color.alpha < 1:
        return f"rgb({channel} {channel} {channel} / {color.alpha:g})"
    return f"#{channel:02x}{channel:02x}{channel:02x}"


def _grey_value(value: str | list, role: str) -> str:
    """A property value (text or tokens) with every colour in it made grey."""
    tokens = tinycss2.parse_component_value_list(value) if isinstance(value, str) else value
    out = []
    for token in tokens:
        grey = _grey_token(token, role) if token.type in ("ident", "hash", "function") else None
        out.append(grey if grey is not None else token.serialize())
    return "".join(out).strip()


def _role(name: str, text_element: bool) -> str:
    if text_element and name == "fill":
        return "text"
    return "line" if name in _LINE_PROPERTIES else "fill"


def _grey_declarations(declarations: list, text_element: bool) -> str:
    parts = []
    for node in declarations:
        if node.type == "declaration" and node.lower_name in _LINE_PROPERTIES | _FILL_PROPERTIES:
            important = " !important" if node.important else ""
            parts.append(f"{node.name}: {_grey_value(node.value, _role(node.lower_name, text_element))}{important}")
        elif node.type == "declaration":
            parts.append(f"{node.name}: {tinycss2.serialize(node.value).strip()}"
                         + (" !important" if node.important else ""))
    return "; ".join(parts)


def _grey_stylesheet(text: str) -> str:
    """A <style> element's CSS with the colours of every rule made grey."""
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {_grey_declarations(declarations, False)} }}")
        elif rule.type == "at-rule" and rule.content is not None:  # @media, @supports: rules inside
            out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()} "
                       f"{{ {_grey_stylesheet(tinycss2.serialize(rule.content))} }}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return "\n".join(out)


def grey_svg(data: bytes) -> bytes:
    """An SVG document with every colour (attributes, style attributes, <style> rules) in greys."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise PictureError(f"not a readable SVG ({error})") from None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rpartition("}")[2]
        text_element = local in _TEXT_ELEMENTS
        for name in _LINE_PROPERTIES | _FILL_PROPERTIES:
            if name in element.attrib:
                element.set(name, _grey_value(element.get(name), _role(name, text_element)))
        if "style" in element.attrib:
            declarations = tinycss2.parse_blocks_contents(element.get("style"), skip_comments=True,
                                                          skip_whitespace=True)
            element.set("style", _grey_declarations(declarations, text_element))
        if local == "style" and element.text:
            element.text = _grey_stylesheet(element.text)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def grey_raster(data: bytes) -> bytes | None:
    """A raster image as a greyscale PNG (transparency kept), its tones stretched to the full
    range; None when Pillow does not recognise it as an image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # PNG keeps no EXIF orientation
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
            grey = ImageOps.autocontrast(image.convert("L"), cutoff=0.5)
            if alpha:
                grey = Image.merge("LA", (grey, image.getchannel("A")))
            out = io.BytesIO()
            grey.save(out, format="PNG", optimize=False)
            return out.getvalue()
    except UnidentifiedImageError:
        return None
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PictureError(f"not a readable image ({error})") from None


def greyscale(data: bytes, mime: str) -> tuple[bytes, str]:
    """Any picture in greys, with its (new) media type; other resources (fonts, style sheets) unchanged."""
    if mime.startswith(("font/", "text/")):
        return data, mime
    if mime == "image/svg+xml" or _XML.match(data):
        return grey_svg(data), "image/svg+xml"
    grey = grey_raster(data)
    return (data, mime) if grey is None else (grey, "image/png")

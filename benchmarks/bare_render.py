"""The engine's floor: WeasyPrint alone, one warm process, no pipeline (benchmark helper).

Usage: python bare_render.py HTML_DIR CSS_FILE FONTS_DIR
Prints the mean milliseconds per PDF over every *.html in HTML_DIR (after one warm-up render).
"""

import sys
import time
from pathlib import Path

html_dir, css_file, fonts_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

fonts = FontConfiguration()
css = CSS(filename=str(css_file), font_config=fonts)
files = sorted(html_dir.glob("*.html"))


def render(file: Path) -> bytes:
    base = html_dir / file.stem.rsplit(".", 1)[0]
    return HTML(string=file.read_text(), base_url=base.as_uri() + "/").write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1")


render(files[0])
start = time.perf_counter()
for file in files:
    render(file)
print(f"{(time.perf_counter() - start) / len(files) * 1000:.1f}")

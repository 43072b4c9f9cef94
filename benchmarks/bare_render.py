"""The engine's floor: WeasyPrint alone, one warm process, no pipeline (benchmark helper).

Usage: python bare_render.py HTML_DIR CSS_FILE HANDOUTS_DIR
Prints the mean milliseconds per PDF over every *.html in HTML_DIR (SLUG.LANG.html, after one
warm-up render); each document's images are resolved in HANDOUTS_DIR/SLUG/, as in the pipeline.
"""

import logging
import sys
import time
from pathlib import Path

html_dir, css_file, handouts_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

fonts = FontConfiguration()
css = CSS(filename=str(css_file), font_config=fonts)
files = sorted(html_dir.glob("*.html"))


def render(file: Path) -> bytes:
    base = handouts_dir / file.stem.rsplit(".", 1)[0]
    return HTML(string=file.read_text(), base_url=base.as_uri() + "/").write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1")



class _Fail(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        # A resource that failed to load would make the floor look cheaper than it is.
        raise SystemExit(f"bare render was not clean: {record.getMessage()}")


logging.getLogger("weasyprint").addHandler(_Fail(logging.WARNING))
render(files[0])
start = time.perf_counter()
for file in files:
    render(file)
print(f"{(time.perf_counter() - start) / len(files) * 1000:.1f}")

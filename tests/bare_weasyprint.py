"""Render documents with plain WeasyPrint (no pipeline repairs): the "before" of test_repair.

Run in its own process because the pipeline's repairs, once installed, apply process-wide.
Usage: python bare_weasyprint.py CASES.json OUT_DIR BASE_DIR CSS_FILE
"""

import json
import sys
from pathlib import Path

from weasyprint import CSS, HTML

cases = json.loads(Path(sys.argv[1]).read_text())
out, base, css = Path(sys.argv[2]), Path(sys.argv[3]), CSS(filename=sys.argv[4])
for name, html in cases.items():
    HTML(string=html, base_url=base.as_uri() + "/").write_pdf(
        out / f"{name}.pdf", stylesheets=[css], pdf_variant="pdf/ua-1")

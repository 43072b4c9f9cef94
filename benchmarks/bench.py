"""Benchmark the build on a synthetic corpus (run by `make bench`, not by the tests).

Generates 100 handouts × 2 languages of realistic content (three sections of prose, lists, a
table, an image, a call-out: two pages of body, three pages with the "About this handout" block) in a temporary folder and prints, in one run: bare WeasyPrint, the
`weasyprint` command line per document, our full build with --jobs 1 and 2, the cost of a
copy-fitting try, a no-op rebuild, a one-handout edit rebuild and the build's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORDS = ("you your bone pain doctor nurse call help take rest walk sleep water food day week hour "
         "medicine care spine back body heal break feel better worse often sometimes most many few "
         "ask tell keep stop start make sure need can may will should").split()
MOTS = ("vous votre os douleur médecin infirmière appel aide prendre repos marcher dormir eau repas "
        "jour semaine heure médicament soins colonne dos corps guérir fracture sentir mieux pire "
        "souvent parfois plupart beaucoup peu demander dire garder arrêter commencer besoin pouvoir").split()


def sentence(rng: random.Random, words: list[str], length: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(length))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, words: list[str], lang: str) -> str:
    parts = []
    for section in range(3):
        parts.append(f"## {sentence(rng, words, 4)[:-1]} ?" if lang == "fr" else f"## {sentence(rng, words, 4)[:-1]}?")
        parts.append(" ".join(sentence(rng, words, rng.randint(8, 14)) for _ in range(3)))
        parts.append("\n".join(f"- {sentence(rng, words, rng.randint(4, 9))}" for _ in range(3)))
        if section == 1:
            parts.append('![](figure.svg "' + sentence(rng, words, 6) + '")')
        if section == 2:
            parts.append("| " + " | ".join(sentence(rng, words, 2)[:-1] for _ in range(3)) + " |\n|---|---|---|\n"
                         + "\n".join("| " + " | ".join(f"{rng.randint(1, 99)} mg" for _ in range(3)) + " |"
                                     for _ in range(4)))
        if section == 0:
            parts.append("::: callout\n" + sentence(rng, words, 14) + "\n:::")
            parts.append("\n".join(f"{i}. {sentence(rng, words, 6)}" for i in range(1, 4)))
    return "\n\n".join(parts) + "\n"


def make_corpus(dest: Path, count: int) -> None:
    shutil.copy(ROOT / "handouts.yml", dest / "handouts.yml")
    config = (dest / "handouts.yml").read_text()
    (dest / "handouts.yml").write_text(config.split("\nlayouts:")[0] + "\nlayouts: [letter]\n"
                                       if "\nlayouts:" in config else config)
    for folder in ("layouts", "fonts"):
        shutil.copytree(ROOT / folder, dest / folder)
    image = ROOT / "handouts" / "vertebroplasty" / "spine.svg"
    for n in range(count):
        rng = random.Random(n)
        folder = dest / "handouts" / f"topic-{n:03d}"
        folder.mkdir(parents=True)
        shutil.copy(image, folder / "figure.svg")
        (folder / "handout.yml").write_text(
            f'number: "{70000 + n}"\ncreated: 2024-01-15\nlicense: ogl-ns\n'
            "review: {body: {en: Clinical Services Working Group, fr: Groupe de travail sur les services cliniques},"
            " organization: {en: Nova Scotia Telecare, fr: Télésoins Nouvelle-Écosse}, date: 2025-06-01}\n"
            "sources:\n  - {authors: [Example Author], title: An example source, publication: Example Journal,"
            " date: 2020-01-01, url: 'https://example.org/a'}\n"
            "images:\n  figure.svg: {alt: {en: A drawing of the spine., fr: Un dessin de la colonne.}}\n")
        for lang, words in (("en", WORDS), ("fr", MOTS)):
            extra = "translates: 2025-05-01\n" if lang == "fr" else ""
            (folder / f"{lang}.md").write_text(
                f"---\ntitle: {sentence(rng, words, 5)[:-1]}\nsummary: {sentence(rng, words, 15)}\n"
                f"keywords: [{words[0]}, {words[1]}]\nauthor: {sentence(rng, words, 4)}\nrevised: 2025-05-01\n"
                f"{extra}---\n\n" + body(rng, words, lang), encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB, largest process) of a command."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True,
                         check=True).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    return float(out[0]), int(out[1]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handouts", type=int, default=100)
    parser.add_argument("--naive-sample", type=int, default=10, help="documents run through the weasyprint CLI")
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs for each timing")
    args = parser.parse_args()
    handouts = BIN / "handouts"
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        corpus = Path(tmp)
        make_corpus(corpus, args.handouts)
        pdfs = args.handouts * 2

        # The HTML our pipeline renders, for the bare engine and the naive command line.
        html_dir = corpus / "html"
        html_dir.mkdir()
        subprocess.run([sys.executable, "-c", (
            "import sys; from pathlib import Path\n"
            "from pipeline.project.config import load_project; from pipeline.source.model import load_handout, handout_slugs\n"
            "from pipeline.project.layouts import load_layout; from pipeline.render.html import render_html\n"
            "p = load_project(Path(sys.argv[1])); lay = load_layout(p.layouts_dir, 'letter')\n"
            "for slug in handout_slugs(p):\n"
            "    h, _ = load_handout(p, slug)\n"
            "    for lang in ('en', 'fr'):\n"
            "        r, _ = render_html(p, h, lang, lay)\n"
            "        (Path(sys.argv[2]) / f'{slug}.{lang}.html').write_text(r.html)\n"),
            str(corpus), str(html_dir)], check=True)
        for file in html_dir.glob("*.html"):  # the naive way resolves images beside the HTML
            shutil.copy(corpus / "handouts" / file.name.split(".")[0] / "figure.svg", html_dir / "figure.svg")
        # This machine's speed drifts by ±10% over minutes: each timing is the best of `--runs`.
        bare = min(float(subprocess.run(
            [sys.executable, str(Path(__file__).parent / "bare_render.py"), str(html_dir),
             str(corpus / "layouts" / "letter" / "style.css"), str(corpus / "handouts")],
            capture_output=True, text=True, check=True).stdout) for _ in range(args.runs))

        # Our renderer alone (sandbox, project fonts, structure repairs), same HTML, same warm process
        # conditions: what the repairs cost against bare WeasyPrint.
        repaired = min(float(subprocess.run([sys.executable, "-c", (
            "import sys, time; from pathlib import Path\n"
            "from pipeline.project.config import load_project; from pipeline.project.layouts import load_layout\n"
            "from pipeline.render.pdf import Renderer\n"
            "p = load_project(Path(sys.argv[1])); lay = load_layout(p.layouts_dir, 'letter'); r = Renderer(p)\n"
            "files = sorted(Path(sys.argv[2]).glob('*.html'))\n"
            "def go(f): return r.render(f.read_text(), lay, p.handouts_dir / f.name.split('.')[0], f, b'0' * 16)\n"
            "go(files[0]); t = time.perf_counter()\n"
            "for f in files: go(f)\n"
            "print((time.perf_counter() - t) / len(files) * 1000)\n"),
            str(corpus), str(html_dir)], capture_output=True, text=True, check=True).stdout) for _ in range(args.runs))

        # Copy-fitting: what one more try costs (every step at once, then the fewest that save the
        # page), on each document made one page over budget; and how many of the corpus's documents
        # the real budgets (handouts.yml) send there.
        fitting = min((tuple(float(x) for x in subprocess.run([sys.executable, "-c", (
            "import sys, time; from pathlib import Path\n"
            "from pipeline.project.config import load_project; from pipeline.project.layouts import load_layout\n"
            "from pipeline.render.pdf import Renderer; from pipeline.render.fit import Goal\n"
            "p = load_project(Path(sys.argv[1])); lay = load_layout(p.layouts_dir, 'letter'); r = Renderer(p)\n"
            "files = sorted(Path(sys.argv[2]).glob('*.html'))\n"
            "base = lambda f: p.handouts_dir / f.name.split('.')[0]\n"
            "fills = [r.measure(f.read_text(), lay, base(f)) for f in files]\n"
            "real = Goal(p.config.page_budget.get('letter'), p.config.last_page_fill)\n"
            "tried = sum(fill.wants_fit(real) for fill in fills)\n"
            "t = time.perf_counter()\n"
            "for f in files: r.typeset(f.read_text(), lay, base(f), f, b'0' * 16)\n"
            "plain = time.perf_counter() - t; t = time.perf_counter(); layouts = saved = 0\n"
            "for f, fill in zip(files, fills):\n"
            "    done = r.typeset(f.read_text(), lay, base(f), f, b'0' * 16, Goal(fill.pages - 1, 0))\n"
            "    layouts += done.layouts; saved += done.pages < fill.pages\n"
            "fitted = time.perf_counter() - t\n"
            "print(plain / len(files) * 1000, fitted / len(files) * 1000, layouts / len(files), saved, tried)\n"),
            str(corpus), str(html_dir)], capture_output=True, text=True, check=True).stdout.split()))
            for _ in range(args.runs))

        sample = sorted(html_dir.glob("*.html"))[: args.naive_sample]
        start = time.perf_counter()
        for file in sample:
            subprocess.run([str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "-s",
                            str(corpus / "layouts" / "letter" / "style.css"), str(file), str(file.with_suffix(".pdf"))],
                           check=True, capture_output=True)
        naive = (time.perf_counter() - start) / len(sample) * 1000

        jobs1, rss1 = min(timed([str(handouts), "build", "--force", "--jobs", "1"], corpus) for _ in range(args.runs))
        jobs2, rss2 = min(timed([str(handouts), "build", "--force", "--jobs", "2"], corpus) for _ in range(args.runs))
        noop, _ = timed([str(handouts), "build", "--jobs", "2"], corpus)
        edited = corpus / "handouts" / "topic-007" / "en.md"
        edited.write_text(edited.read_text() + "\nOne more sentence for the benchmark.\n")
        one, _ = timed([str(handouts), "build", "--jobs", "2"], corpus)

    ours1, ours2 = jobs1 / pdfs * 1000, jobs2 / pdfs * 1000
    rows = [
        ("bare WeasyPrint, one warm process", f"{bare:.0f} ms/PDF", "the engine's floor"),
        ("our renderer alone (sandbox, project fonts, structure repairs)", f"{repaired:.0f} ms/PDF",
         f"repairs cost {repaired - bare:+.0f} ms ({(repaired - bare) / bare:+.0%}) against bare"),
        (f"weasyprint command line per document ({len(sample)} sampled)", f"{naive:.0f} ms/PDF",
         f"ours is {naive / ours1:.1f}× faster with --jobs 1, {naive / ours2:.1f}× with --jobs 2 (target ≥ 8×)"),
        ("our build --jobs 1 (render + repair + verify + manifest)", f"{ours1:.0f} ms/PDF",
         f"{ours1 / bare:.2f}× bare WeasyPrint (target ≤ 1.5×)"),
        ("our build --jobs 2", f"{ours2:.0f} ms/PDF", f"{jobs1 / jobs2:.2f}× faster than --jobs 1 (target ≥ 1.7×)"),
        ("copy-fitting tried (each document made one page over budget)", f"{fitting[1]:.0f} ms/PDF",
         f"{fitting[1] - fitting[0]:+.0f} ms ({(fitting[1] - fitting[0]) / fitting[0]:+.0%}) against {fitting[0]:.0f} "
         f"without: {fitting[2]:.1f} layouts a PDF, {fitting[3]:.0f} of {pdfs} saved a page; handouts.yml's "
         f"budgets send {fitting[4]:.0f} of {pdfs} there"),
        (f"no-op rebuild of {pdfs} PDFs", f"{noop:.2f} s", "target < 1 s"),
        ("rebuild after editing one handout", f"{one:.2f} s", "target < 2 s"),
        ("peak memory (largest process)", f"{max(rss1, rss2)} MiB", "target < 400 MB"),
    ]
    print(f"handouts benchmark, {dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; {args.handouts} handouts × 2 languages = {pdfs} PDFs; "
          f"best of {args.runs} runs")
    print()
    print("| measure | result | compared |")
    print("| --- | --- | --- |")
    for row in rows:
        print(f"| {' | '.join(row)} |")


if __name__ == "__main__":
    main()

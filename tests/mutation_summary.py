"""mutmut's results → a table per module for docs/testing.md, and the survivors still to explain.

Run by `make mutation` after `mutmut run`. Mutants listed in tests/fixtures/mutations/equivalent.yml
(name → why the change cannot alter behaviour) are left out of the score; every other survivor
is printed, to be killed by a new test or explained there.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "tests" / "fixtures" / "mutations" / "equivalent.yml"
# A timeout is a mutant that made the tests hang: CI would stop it, so it counts as caught.
CAUGHT = {"killed", "timeout", "segfault", "caught by type check"}


def results() -> dict[str, str]:
    """Every mutant mutmut knows of → its status ("killed", "survived", "no tests", ...)."""
    out = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "results", "--all", "true"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^\s*(pipeline\.\S+): (.+?)\s*$", out, re.M))


def module(mutant: str) -> str:
    return re.split(r"\.x(?:_|ǁ)", mutant, maxsplit=1)[0]


def main() -> None:
    statuses = results()
    equivalent = yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or {}
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    open_survivors = []
    for mutant, status in sorted(statuses.items()):
        counts = rows[module(mutant)]
        if status == "not checked":
            counts["not checked"] += 1
        elif status in CAUGHT:
            counts["killed"] += 1
        elif mutant in equivalent:
            counts["equivalent"] += 1
        else:
            counts["survived" if status == "survived" else status] += 1
            open_survivors.append(f"{mutant}: {status}")
    print("| module | mutants | killed | equivalent | survived | no tests | killed of non-equivalent |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = collections.Counter()
    for name, counts in sorted(rows.items()):
        total.update(counts)
        print(_row(f"`{name}`", counts))
    print(_row("**all**", total))
    stale = sorted(name for name in equivalent if statuses.get(name) not in ("survived", "no tests", "not checked"))
    if stale:
        print("\nListed as equivalent but no longer surviving (or gone): update equivalent.yml")
        print("\n".join(f"  {name}: {statuses.get(name, 'not a mutant now')}" for name in stale))
    if open_survivors:
        print(f"\n{len(open_survivors)} survivor(s) to kill with a test or explain in equivalent.yml:")
        print("\n".join(f"  {line}" for line in open_survivors))


def _row(name: str, counts: collections.Counter) -> str:
    checked = sum(counts.values()) - counts["not checked"]
    scored = checked - counts["equivalent"]
    score = f"{100 * counts['killed'] / scored:.1f} %" if scored else "-"
    unchecked = f" ({counts['not checked']} not checked)" if counts["not checked"] else ""
    return (f"| {name} | {checked}{unchecked} | {counts['killed']} | {counts['equivalent']} | {counts['survived']}"
            f" | {counts['no tests']} | {score} |")


if __name__ == "__main__":
    main()

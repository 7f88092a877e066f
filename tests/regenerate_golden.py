"""Rewrite the golden files in ``tests/golden/`` from what the tool prints today.

Run from the repository root after an intended change to the output, then
review ``git diff tests/golden`` before committing:

    python tests/regenerate_golden.py            # every case
    python tests/regenerate_golden.py sin_x2     # some cases
"""

from __future__ import annotations

import sys

from golden_cases import CASES, FORMATS, GOLDEN_DIR, golden_path, run_case


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    GOLDEN_DIR.mkdir(exist_ok=True)
    for case in names or list(CASES):
        for fmt in FORMATS:
            path = golden_path(case, fmt)
            path.write_text(run_case(case, fmt), encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""chainrule's benchmarks: one command, one machine, one Markdown report.

    python benchmarks/run.py            # the full run (about 7 minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer sizes and repeats, short time limits (under 3 minutes)
    python benchmarks/run.py --render-only --save-before "commit abc1234, before issue N"

writes ``docs/performance.md`` (``--output`` to write elsewhere): the machine,
the date, the command, the targets met or missed, one table per part. How a
case is timed is in ``harness``, what is timed in ``workloads``,
``measurements`` and ``processes``, the page in ``report``, ``figures`` and
``targets``. ``benchmarks/before.json`` (``--save-before``) keeps the targets of an earlier
run, which the page shows beside this run's.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Log  # noqa: E402
from benchmarks.measurements import PARTS, Plan, Results, collect  # noqa: E402
from benchmarks.report import render  # noqa: E402
from benchmarks.targets import targets  # noqa: E402

BEFORE = HERE / "before.json"


def last_run(plan: Plan) -> Path:
    """Where a run's figures are kept for ``--render-only`` (ignored by git), one file per plan."""
    return HERE / (".last-run.pickle" if plan.name == "full" else f".last-run-{plan.name}.pickle")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_report(res: Results, output: Path, *, notes: Path | None) -> None:
    """Write the page of ``res`` to ``output``, with the closing ``notes`` if that file exists, and
    the targets kept in ``before.json`` beside this run's."""
    before = json.loads(BEFORE.read_text(encoding="utf-8")) if BEFORE.exists() else None
    closing = notes.read_text(encoding="utf-8") if notes and notes.exists() else ""
    text = render(res, notes=closing, before=before)
    _write_atomically(output, (text + "\n").encode("utf-8"))


def save_before(res: Results, label: str) -> None:
    """Keep the targets of ``res`` in ``before.json``, as the figures later pages compare with."""
    rows = [{"target": what, "met": met, "figures": figures} for what, met, figures in targets(res)]
    data = {"label": label, "plan": res.plan.name, "targets": rows}
    _write_atomically(BEFORE, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def measure_and_report(
    plan: Plan, parts: Sequence[str], output: Path, *, notes: Path | None, log: Log, keep: Path | None = None
) -> Results:
    """Run ``parts`` of ``plan``, keep the figures in ``keep`` (if given), and write the page."""
    res = collect(plan, parts, log)
    if keep is not None:
        _write_atomically(keep, pickle.dumps(res))
    write_report(res, output, notes=notes)
    return res


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats, short time limits")
    parser.add_argument("--output", "-o", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}"
    )
    parser.add_argument("--notes", type=Path, default=HERE / "notes.md", help="closing notes to append")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--render-only", action="store_true", help="redo the page from the last run's figures"
    )
    parser.add_argument(
        "--save-before", metavar="LABEL", help="keep this run's targets in before.json, labelled LABEL"
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    start = time.perf_counter()
    log: Log = (
        (lambda message: None)
        if args.quiet
        else (
            lambda message: print(
                f"{time.perf_counter() - start:5.0f} s  {message}", file=sys.stderr, flush=True
            )
        )
    )
    plan = Plan.quick() if args.quick else Plan.full()
    if args.render_only:
        if not last_run(plan).exists():
            parser.error(f"no figures kept from an earlier run ({last_run(plan).name}); run without it first")
        res = pickle.loads(last_run(plan).read_bytes())  # noqa: S301 - our own file, written above
        if args.save_before:
            save_before(res, args.save_before)
        write_report(res, args.output, notes=args.notes)
        log(f"wrote {args.output} from {last_run(plan).name}")
        return 0
    res = measure_and_report(plan, parts, args.output, notes=args.notes, log=log, keep=last_run(plan))
    if args.save_before:
        save_before(res, args.save_before)
        write_report(res, args.output, notes=args.notes)
    log(f"wrote {args.output} in {res.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

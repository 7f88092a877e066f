"""Parts 3 and 4, whole processes: CLI start-up against a bare ``import sympy``, and worksheets."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import workloads
from benchmarks.harness import (
    Log,
    Timing,
    brief,
    over,
    process_env,
    time_process,
    time_processes,
    top_imports,
)
from benchmarks.workloads import Plan

ROOT = Path(__file__).resolve().parent.parent


def chainrule_command() -> list[str]:
    """The installed ``chainrule`` script next to this Python (not a shell shim), else ``-m``."""
    script = Path(sys.executable).with_name("chainrule")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "chainrule"]


#: The library's whole derivation, verified, as a program (what the CLI does, without typer).
VERIFIED_PROGRAM = "import chainrule; print(chainrule.derive('sin(x**2)').verify().to_text())"

#: The processes part 3 times, as the report shows them, by name. The CLI verifies by default.
CLI_COMMANDS = {
    "cli": 'chainrule derive "sin(x**2)" -f text',
    "unverified": 'chainrule derive "sin(x**2)" -f text --no-verify',
    "verified": f'python -c "{VERIFIED_PROGRAM}"',
    "bare": 'python -c "import sympy"',
}


@dataclass(frozen=True, kw_only=True)
class CliResult:
    timings: dict[str, Timing]  # by the names of CLI_COMMANDS
    runs: int
    top_imports: list[tuple[str, float]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return over(self.timings["cli"], self.timings["bare"])


def run_cli(plan: Plan, log: Log) -> CliResult:
    commands = {
        "cli": [*chainrule_command(), "derive", "sin(x**2)", "-f", "text"],
        "unverified": [*chainrule_command(), "derive", "sin(x**2)", "-f", "text", "--no-verify"],
        "verified": [sys.executable, "-c", VERIFIED_PROGRAM],
        "bare": [sys.executable, "-c", "import sympy"],
    }
    timings = time_processes(commands, runs=plan.cli_runs, timeout=plan.process_timeout, cwd=ROOT)
    try:
        importtime = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import chainrule.cli"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=plan.process_timeout,
            env=process_env(),
        ).stderr
    except subprocess.TimeoutExpired:
        importtime = ""
    log(f"  cli: ours {brief(timings['cli'])}, bare import sympy {brief(timings['bare'])}")
    return CliResult(timings=timings, runs=plan.cli_runs, top_imports=top_imports(importtime))


@dataclass(frozen=True, kw_only=True)
class WorksheetResult:
    exercises: int
    by_jobs: dict[int, Timing]  # --jobs 1 and --jobs 2


def run_worksheet(plan: Plan, log: Log) -> WorksheetResult:
    by_jobs: dict[int, Timing] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "exercises.txt"
        lines = workloads.worksheet_lines(plan.worksheet_exercises)
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for jobs in (1, 2):
            out = Path(tmp) / f"sheet-{jobs}.md"
            args = [*chainrule_command(), "worksheet", str(source), "--jobs", str(jobs), "-o", str(out)]
            by_jobs[jobs] = time_process(args, timeout=plan.process_timeout, cwd=ROOT)
            log(f"  worksheet --jobs {jobs}: {brief(by_jobs[jobs])}")
    return WorksheetResult(exercises=plan.worksheet_exercises, by_jobs=by_jobs)

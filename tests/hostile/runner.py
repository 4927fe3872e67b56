"""Run the hostile-input corpus through ``mapper check`` and classify every case.

- **complete**: exit 0 or 1, and the output is there (stdout, or every file in ``--out``
  with no staging folder left behind);
- **error**: exit 2 with one line, ``mapper: error: …``, naming the file or option at fault
  (or click's own usage message for a bad option), no traceback, no "unexpected";
- **defect**: anything else: a traceback, "unexpected", a line break inside the error, an
  error naming nothing, another exit code, or no answer within :data:`TIMEOUT` seconds.

``python -m tests.hostile.runner --seed 1 --per-class 40`` runs a larger corpus (``make fuzz``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from click.testing import CliRunner

from mapper.cli.main import cli
from tests.hostile.corpus import Case, corpus, materialise

TIMEOUT = 30  # seconds per case; a FIFO used to block forever
AS_OF = "2026-11-23"


@dataclass(frozen=True)
class Outcome:
    case: str
    kind: str  # complete | error | defect
    exit_code: int | None
    detail: str


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: Case, folder: Path, reference: Path | None) -> Outcome:
    """Write the case into ``folder``, run it there, and classify what happened."""
    materialise(case, folder)
    base = ["check", "--as-of", AS_OF]
    if reference is not None:
        base += ["--reference", str(reference)]
    runner = CliRunner()
    with contextlib.chdir(folder):
        try:
            with _deadline(TIMEOUT):
                result = runner.invoke(cli, [*base, *case.args], catch_exceptions=True)
        except TimeoutError as exc:
            return Outcome(case.name, "defect", None, str(exc))
    return classify(case, folder, result.exit_code, result.stdout, result.stderr, result.exception)


def classify(
    case: Case,
    folder: Path,
    code: int,
    stdout: str,
    stderr: str,
    exception: BaseException | None,
) -> Outcome:
    """The outcome of one run (see the module docstring)."""

    def outcome(kind: str, detail: str) -> Outcome:
        return Outcome(case.name, kind, code, detail)

    if exception is not None and not isinstance(exception, SystemExit):
        return outcome("defect", f"raised {type(exception).__name__}: {exception}")
    if "Traceback" in stdout + stderr:
        return outcome("defect", "traceback")
    if code in (0, 1):
        if "--out" in case.args:
            out = folder / case.args[case.args.index("--out") + 1]
            names = {p.name for p in out.iterdir()} if out.is_dir() else set()
            if not names or any(n.startswith(".mapper") for n in names):
                return outcome("defect", f"--out holds {sorted(names)}")
        elif not stdout.strip():
            return outcome("defect", "exit 0/1 and no output")
        return outcome("complete", "")
    if code != 2:
        return outcome("defect", f"exit {code}: {stderr.strip()[-300:]}")
    lines = [line for line in stderr.splitlines() if line.strip()]
    if lines and lines[0].startswith("Usage:") and any(x.startswith("Error:") for x in lines):
        return outcome("error", lines[-1])  # click's usage error for a bad option
    if len(lines) != 1 or not lines[0].startswith("mapper: error: "):
        return outcome("defect", f"not one error line: {stderr.strip()[:300]!r}")
    line = lines[0]
    if "unexpected" in line:
        return outcome("defect", line)
    named = {*case.files, *case.fifos, *case.links, *case.args}
    names = {Path(n).parts[0] for n in named if n and not n.startswith("-")}
    if not any(name in line for name in names):
        return outcome("defect", f"names no file or value: {line}")
    return outcome("error", line)


def run_corpus(seed: int, per_class: int, reference: Path | None) -> list[Outcome]:
    outcomes = []
    for case in corpus(seed, per_class):
        with tempfile.TemporaryDirectory(prefix="mapper-fuzz-") as folder:
            outcomes.append(run_case(case, Path(folder), reference))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--reference", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run_corpus(args.seed, args.per_class, args.reference)
    tally = Counter(o.kind for o in outcomes)
    for o in outcomes:
        if o.kind == "defect":
            print(f"DEFECT {o.case} (exit {o.exit_code}): {o.detail}")
    print(
        f"seed {args.seed}: {len(outcomes)} cases, {tally['complete']} complete, "
        f"{tally['error']} clear errors, {tally['defect']} defects "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 1 if tally["defect"] else 0


if __name__ == "__main__":
    sys.exit(main())

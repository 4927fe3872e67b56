"""Issue 18 #4: an input error must exit 2, never abort at exit (134), even under load.

Runs ``mapper check`` on a header-only CSV ``--runs`` times in fresh processes while
``--busy`` processes keep the cores busy, and fails unless every run exits 2.
``make fuzz`` runs it; before the fix 4 runs in 15 aborted at load ~8.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

BUSY = "while True: pass"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--busy", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "header_only.csv"
        catalog.write_text("医保编码,通用名称\n", "utf-8")
        busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.busy)]
        try:
            codes = Counter(
                subprocess.run(
                    [sys.executable, "-m", "mapper", "check", str(catalog)],
                    capture_output=True,
                    check=False,
                ).returncode
                for _ in range(args.runs)
            )
        finally:
            for process in busy:
                process.kill()
                process.wait()
    print(f"{args.runs} runs with {args.busy} busy processes: exit codes {dict(codes)}")
    return 0 if codes == Counter({2: args.runs}) else 1


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark shares: the machine description and a peak-memory reading taken
inside the measured subprocess."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# Prepended to each subprocess runner. VmHWM belongs to the exec'd process; ru_maxrss can carry
# the parent's peak over fork (the parent has usually just generated a large input).
PEAK_RSS = """
def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
"""


def machine() -> str:
    """Cores, memory, CPU model and Python version, for a benchmark row."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem_gb:.0f} GB, {cpu}, Python {platform.python_version()}"


def run_measured(runner: str, *args: str | Path) -> dict[str, Any]:
    """Run a measurement script in a fresh interpreter; its last line of output is JSON."""
    out = subprocess.run(
        [sys.executable, "-c", runner, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result

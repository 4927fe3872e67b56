"""The core install stays light: importing mapper (and its CLI) imports neither GX nor pandas."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import mapper, mapper.cli.main, mapper.integrations, mapper.integrations.columns
mapper.cli.main.cli(["gx", "--help"], standalone_mode=False)
heavy = sorted(m for m in ("great_expectations", "pandas") if m in sys.modules)
print(",".join(heavy) or "none")
"""


def test_import_mapper_loads_no_gx_and_no_pandas() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "none"

"""A tiny run of the GX benchmark script, so it cannot rot (timing is not asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_gx


def test_bench_gx_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_gx.main(["--rows", "2000", "--data", str(tmp_path)]) == 0
    row = capsys.readouterr().out.strip().splitlines()[-1]
    assert "| 2,000 |" in row and "| 1 |" in row  # rows, largest value set

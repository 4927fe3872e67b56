"""A tiny run of the benchmark script, so it cannot rot (timing is not asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_check
from bench.generate import generate_catalog


def test_generated_catalog_has_a_realistic_mix() -> None:
    frame = generate_catalog(5_000, seed=7)
    assert frame.height == 5_000
    codes = frame.get_column("国家医保编码")
    assert 0.01 < codes.null_count() / frame.height < 0.06
    assert frame.get_column("院内编码").n_unique() < frame.height  # some duplicate ids


def test_bench_script_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_check.main(["--rows", "3000", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| 3,000 |" in out and "rows" not in out.splitlines()[-1].split("|")[1]

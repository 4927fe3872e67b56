"""A tiny run of the stage benchmark (bench/bench_stages.py), so it cannot rot.

Timings are not asserted: only that every stage and baseline is measured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import bench_stages


def test_tiny_stage_benchmark_times_every_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_stages.main(["--tiny", "--data", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert table.startswith(f"{bench_stages.scale.TINY_ROWS:,} rows;")
    rows = {
        cells[0]: cells[1:]
        for line in table.splitlines()
        if (cells := [c.strip() for c in line.strip("|").split("|")])[0] and line.startswith("| ")
    }
    for stage in (
        "– first pass",
        "– product check",
        "– row rules",
        "– sink findings.parquet",
        "– sink items.parquet",
        "– sink cash_items.parquet",
        "– result (summary)",
        "read + write: no rule at all",
    ):
        wall = rows[stage][0]
        assert re.fullmatch(r"\d+\.\d\d", wall), (stage, wall)
    assert rows["floor (scan, regex, join, sink)"][2] == "1.00"
    total = float(rows["`mapper.stream.check_to`, in all"][0])
    staged = [float(v[0]) for k, v in rows.items() if k.startswith("– ")]
    assert sum(staged) == pytest.approx(total, abs=0.02)  # the stages add up to the whole

"""A tiny run of the stage benchmark (bench/bench_stages.py), so it cannot rot.

Timings are not asserted, only that every stage and baseline is measured, that the stages fit
inside the check they are part of, and that the table shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import bench_stages, national
from bench.bench_scale import TINY_CONSUMABLES, TINY_DRUGS, TINY_ROWS


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("national")
    store = national.reference_store(TINY_DRUGS, TINY_CONSUMABLES, data=data)
    catalog = national.write_catalog(TINY_ROWS, store, data=data)
    return bench_stages.measure(catalog.csv, store, data)


def test_every_stage_is_timed_inside_the_check(measured: dict[str, Any]) -> None:
    check = measured["check"]
    assert check["rows"] == TINY_ROWS
    assert set(check["stages"]) == {
        "first pass",
        "product check",
        "row rules",
        "sink findings.parquet",
        "sink items.parquet",
        "sink cash_items.parquet",
        "result (summary)",
    }
    walls = [wall for wall, _ in check["stages"].values()]
    assert all(wall > 0 for wall in walls)
    # The stages are disjoint parts of check_to: together they take less than all of it.
    assert sum(walls) < check["seconds"]
    assert check["rewrite"] > 0 and 0 < check["peak_mb"] < 4096


def test_baselines_read_and_write_the_same_catalog(measured: dict[str, Any]) -> None:
    assert measured["read"]["rows"] == measured["floor"]["rows"] == TINY_ROWS
    assert measured["read"]["seconds"] > 0 and measured["floor"]["seconds"] > 0


def test_table_shows_each_stage_against_the_floor(measured: dict[str, Any]) -> None:
    table = bench_stages.report(measured)
    assert table.startswith(f"{TINY_ROWS:,} rows;")
    rows = {
        line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")[1:]]
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| what")
    }
    assert rows["floor (scan, regex, join, sink)"][2] == "1.00"
    assert "– sink items.parquet" in rows and "read + write: no rule at all" in rows
    rest = float(rows[bench_stages.REST][0])
    assert rest >= 0


def test_tiny_run_prints_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_stages.main(["--tiny", "--data", str(tmp_path)]) == 0
    assert "| – product check |" in capsys.readouterr().out

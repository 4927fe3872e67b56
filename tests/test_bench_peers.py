"""A tiny run of the issue-19 peers (bench/peers.py), so they cannot rot: both peers run on a
generated catalog and agree with each other on every count of the core subset. Skipped where
the ``bench`` extra (duckdb, pandera) is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import national
from bench.measure import PEAK_RSS, run_measured
from bench.peers import DUCKDB_RUNNER, PANDERA_RUNNER, runner_args

pytest.importorskip("duckdb")
pytest.importorskip("pandera")


def test_duckdb_and_pandera_agree_on_the_core_subset(tmp_path: Path) -> None:
    store = national.reference_store(2_000, 5_000, data=tmp_path)
    catalog = national.write_catalog(3_000, store, data=tmp_path).csv
    extra = runner_args(str(store), "2026-11-23")
    runs = {
        name: run_measured(PEAK_RSS + runner, catalog, extra[0], tmp_path / name, *extra[1:])
        for name, runner in (("duck", DUCKDB_RUNNER), ("pandera", PANDERA_RUNNER))
    }
    duck, pandera = runs["duck"]["counts"], runs["pandera"]["counts"]
    assert duck["rows"] == pandera["rows"] == 3_000
    assert duck["malformed"] == pandera["shaped"] > 0
    assert duck["unknown"] == pandera["known"] > 0
    assert duck["maker_differs"] == pandera["same_maker"] > 0
    # pandera counts not-yet-valid codes with the revoked ones.
    assert 0 < duck["revoked"] <= pandera["valid_on_date"]

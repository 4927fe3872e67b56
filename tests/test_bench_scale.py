"""A tiny run of the issue-7 scale benchmark (bench/bench_scale.py), so it cannot rot.

Timings are not asserted: only that every measured number is there and positive, and that
the generated catalog has the planted mix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from bench import bench_scale, national
from mapper.codes import SYSTEMS

DRUGS, CONSUMABLES = bench_scale.TINY_DRUGS, bench_scale.TINY_CONSUMABLES


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return national.reference_store(DRUGS, CONSUMABLES, data=tmp_path_factory.mktemp("national"))


def test_store_holds_every_line_type_with_unique_codes(store: Path) -> None:
    sizes = national.store_sizes(store)
    assert sizes["drug"] == DRUGS and sizes["consumable"] == CONSUMABLES
    assert {"service", "herbal"} <= set(sizes)
    codes = pl.scan_parquet(store / "*" / "*.parquet").select("code").collect()["code"]
    assert codes.n_unique() == codes.len() == sum(sizes.values())


def test_catalog_has_the_planted_mix(store: Path) -> None:
    frame, mix = national.generate_catalog(20_000, store, hidden=True)
    assert frame.height == mix["rows"] == 20_000
    assert list(frame.select(national.COLUMNS).columns) == list(national.COLUMNS)
    code = frame["国家医保编码"]
    pattern = "^(?:" + "|".join(s.regex[4:-2] for s in SYSTEMS.values()) + ")$"
    lines = frame.filter(pl.col("_label") != "excluded")
    assert 0.02 < lines["国家医保编码"].null_count() / lines.height < 0.04  # ~3 % uncoded
    malformed = code.drop_nulls().str.contains(pattern).not_().sum() / frame.height
    assert 0.01 < malformed < 0.035  # ~2 % malformed (truncated, bad char, case/space)
    shares = {s: n / lines.height for s, n in mix["by_system"].items()}
    assert shares["drug"] == pytest.approx(0.6, abs=0.05)
    assert shares["consumable"] == pytest.approx(0.3, abs=0.05)
    excluded = frame.filter(pl.col("_label") == "excluded")
    assert excluded.height > 0 and excluded["国家医保编码"].null_count() == excluded.height
    ids = frame["院内编码"]
    assert 0 < ids.is_duplicated().sum() < 0.02 * frame.height  # planted duplicates only
    institution = ids.str.split("-").list.first()
    assert institution.n_unique() == mix["institutions"] > 1
    names = frame["项目名称"]
    assert names.str.contains("（").any() and frame["规格"].str.contains("毫克|毫升").any()


def test_tiny_benchmark_records_a_table(tmp_path: Path) -> None:
    docs = tmp_path / "BENCHMARKS.md"
    docs.write_text("# Benchmarks\n\nintro\n\n## Readers\n\nold\n", "utf-8")
    argv = ["--tiny", "--data", str(tmp_path / "data"), "--docs", str(docs), "--record"]
    assert bench_scale.main(argv) == 0
    text = docs.read_text("utf-8")
    assert text.count(bench_scale.BEGIN) == 1 and text.count(bench_scale.SECTION) == 1
    assert text.index(bench_scale.SECTION) < text.index("## Readers")
    block = text.split(bench_scale.BEGIN)[1].split(bench_scale.END)[0]
    rows = [line for line in block.splitlines() if re.match(r"\| [\d,]+ \|", line)]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    numbers = [float(c.replace(",", "")) for c in cells if re.fullmatch(r"[\d,.]+", c)]
    assert len(numbers) >= 10 and all(n > 0 for n in numbers)
    assert "Targets (issue 7)" in block and "mapper check" in block
    result = json.loads((tmp_path / "data" / "scale-last.json").read_text("utf-8"))
    run = result["runs"][str(bench_scale.TINY_ROWS)]
    assert run["check"]["items"] == bench_scale.TINY_ROWS  # every line checked once
    assert run["check"]["findings"] > 0 and run["floor"]["rows"] == bench_scale.TINY_ROWS


def test_record_replaces_the_block_on_rerun(tmp_path: Path) -> None:
    docs = tmp_path / "BENCHMARKS.md"
    docs.write_text("# Benchmarks\n\nintro\n\n## Readers\n\nold\n", "utf-8")
    bench_scale.record(docs, "first")
    bench_scale.record(docs, "second")
    text = docs.read_text("utf-8")
    assert "first" not in text and text.count("second") == 1
    assert text.count(bench_scale.SECTION) == 1 and text.endswith("## Readers\n\nold\n")


def test_catalog_written_in_chunks_is_one_file_each(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(national, "CHUNK_ROWS", 600)  # several chunks, as at 10M rows
    catalog = national.write_catalog(3_000, store, data=tmp_path)
    csv = pl.read_csv(catalog.csv, infer_schema=False)
    parquet = pl.read_parquet(catalog.parquet).cast(pl.String)
    assert csv.height == parquet.height == 3_000 and csv.columns == list(national.COLUMNS)
    assert csv.drop("单价").equals(parquet.drop("单价"))
    assert catalog.mix["institutions"] > 2 and sum(catalog.mix["planted"].values()) == 3_000
    assert not list(tmp_path.glob(".*"))  # no temporary files left
    again = national.write_catalog(3_000, store, data=tmp_path)  # cached: the same files
    assert again.csv == catalog.csv and again.mix == catalog.mix

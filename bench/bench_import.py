"""Reference import throughput: a generated national drug release (default 300,000 rows).

    python bench/bench_import.py --rows 300000 [--xlsx] [--record]

The release is written in the published 28-column layout (Chinese headers, GBK CSV; with
``--xlsx`` also an XLSX, slow to write) from the shipped drug records, seeded: every shipped
code's last 9 digits (spec, package, enterprise) are replaced by a running number, so all codes
are well-formed and unique. Each import runs in a fresh subprocess into an empty store, through
``mapper.reference.importer.import_release`` (read, validate, write Parquet, manifest); peak RSS
is that process's ``VmHWM``. Target: under 30 s for 300,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402
from tests.fixtures.releases.make_releases import DRUG_HEADERS  # noqa: E402

RUNNER = (
    PEAK_RSS
    + """
import json, sys, time
from mapper.reference.importer import import_release
t0 = time.perf_counter()
r = import_release(sys.argv[1], "drug", "2027-06", store=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": r.entry.rows if r.entry else 0,
                  "rejected": r.rows_rejected, "peak_mb": peak_rss_mb()}))
"""
)


def generate_release(rows: int, seed: int = 7) -> pl.DataFrame:
    """A drug release in the published layout, every column text."""
    shipped = pl.read_parquet(REPO / "reference_codes" / "2026-11" / "drug.parquet")
    picks = shipped.sample(rows, with_replacement=True, seed=seed)
    text = {h: pl.lit("") for h in DRUG_HEADERS}
    parts = pl.col("package").str.extract_groups(r"^(\d+)([^\d/]+)/(.+)$")
    code = pl.col("code")
    running = pl.int_range(pl.len()).cast(pl.String).str.zfill(9)
    text |= {
        "药品代码": code.str.slice(0, code.str.len_chars() - 9) + running,
        "数据来源": pl.lit("国家药监局"),
        "注册名称": pl.col("name"),
        "注册剂型": pl.col("dosage_form"),
        "剂型": pl.col("dosage_form"),
        "注册规格": pl.col("spec"),
        "规格": pl.col("spec"),
        "最小包装数量": parts.struct.field("1"),
        "最小制剂单位": parts.struct.field("2"),
        "最小包装单位": parts.struct.field("3"),
        "药品企业": pl.col("manufacturer"),
        "生产企业": pl.col("manufacturer"),
        "批准文号": pl.col("approval_no"),
        "药品本位码": pl.col("base_code"),
        "上市药品持有人": pl.col("manufacturer"),
        "市场状态": pl.col("market_status"),
        "医保药品名称": pl.col("generic_name"),
        "2025版甲乙类": pl.col("payment_category") + "类",
        "编号": (pl.int_range(pl.len()) + 1).cast(pl.String),
        "开始日期": pl.col("valid_from").cast(pl.String),
        "结束日期": pl.col("valid_to").cast(pl.String),
    }
    return picks.select(expr.fill_null("").alias(h) for h, expr in text.items())


def write_inputs(rows: int, folder: Path, xlsx: bool) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"gbk-csv": folder / f"release_{rows}_gbk.csv"}
    if xlsx:
        paths["xlsx"] = folder / f"release_{rows}.xlsx"
    if all(p.exists() for p in paths.values()):
        return paths
    frame = generate_release(rows)
    paths["gbk-csv"].write_bytes(frame.write_csv().encode("gbk"))
    if xlsx:
        frame.write_excel(paths["xlsx"], worksheet="药品", autofit=False)
    return paths


def measure(path: Path) -> dict[str, float]:
    store = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        return run_measured(RUNNER, path, store / "store")
    finally:
        shutil.rmtree(store, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--xlsx", action="store_true", help="also write and import an XLSX")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    paths = write_inputs(args.rows, args.data, args.xlsx)
    print(f"inputs ready in {time.perf_counter() - t0:.1f}s")
    command = f"python bench/bench_import.py --rows {args.rows}" + (" --xlsx" if args.xlsx else "")
    lines = []
    for what, path in paths.items():
        r = measure(path)
        assert r["rows"] == args.rows and r["rejected"] == 0, r
        size = path.stat().st_size / 1e6
        line = (
            f"| {dt.date.today()} | `reference import` drug, {what} | {args.rows:,} | "
            f"{r['seconds']:.2f} | {args.rows / r['seconds']:,.0f} | {r['peak_mb']:.0f} | "
            f"{size:.0f} MB | {machine()} | `{command}` |"
        )
        print(line)
        lines.append(line)
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The bare-polars floor: lazy scan, one code-shape regex, a join with the reference, sink.

    python bench/bench_floor.py --rows 1000000 [--record]

The same generated catalog as bench_check.py; what a hand-written polars job does at minimum
for the format and membership checks, so mapper's full rule set can be compared with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.generate import write_catalog  # noqa: E402
from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402

RUNNER = (
    PEAK_RSS
    + """
import json, sys, time
import polars as pl
from mapper.codes import SYSTEMS
from mapper.reference import load_reference


t0 = time.perf_counter()
pattern = "^(?:" + "|".join(s.regex[4:-2] for s in SYSTEMS.values()) + ")$"
ref = load_reference().scan().select("code", "valid_to")
catalog = pl.scan_csv(sys.argv[1], infer_schema=False)
out = (
    catalog.with_columns(well_formed=pl.col("国家医保编码").str.contains(pattern))
    .join(ref, left_on="国家医保编码", right_on="code", how="left")
    .with_columns(known=pl.col("valid_to").is_not_null() | pl.col("well_formed"))
)
out.sink_parquet(sys.argv[2])
seconds = time.perf_counter() - t0
rows = pl.scan_parquet(sys.argv[2]).select(pl.len()).collect().item()
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_rss_mb()}))
"""
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    path = args.data / f"catalog_{args.rows}.csv"
    if not path.exists():
        write_catalog(args.rows, path)
    with tempfile.TemporaryDirectory() as tmp:
        r = run_measured(RUNNER, path, Path(tmp) / "out.parquet")
    row = (
        f"| {dt.date.today()} | bare polars floor (scan, regex, join, sink) | csv | "
        f"{int(r['rows']):,} | {r['seconds']:.2f} | {r['rows'] / r['seconds']:,.0f} | "
        f"{r['peak_mb']:,.0f} | {machine()} | `python bench/bench_floor.py --rows {args.rows}` |"
    )
    print(row)
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

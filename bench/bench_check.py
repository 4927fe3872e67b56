"""Benchmark the full rule set on a generated catalog: rows/s and peak memory.

    python bench/bench_check.py --rows 1000000            # prints a Markdown table row
    python bench/bench_check.py --rows 1000000 --record   # also appends it to docs/BENCHMARKS.md

Each measurement runs in a fresh subprocess so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.generate import write_catalog  # noqa: E402
from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402

RUNNER = (
    PEAK_RSS
    + """
import json, sys, time, datetime as dt
import mapper
t0 = time.perf_counter()
result = mapper.check(sys.argv[1], as_of=dt.date(2026, 11, 23))
seconds = time.perf_counter() - t0
peak_mb = peak_rss_mb()
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": result.summary.rows_read,
                  "findings": result.findings.height}))
"""
)


def measure(path: Path) -> dict[str, float]:
    return run_measured(RUNNER, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    path = args.data / f"catalog_{args.rows}.{args.format}"
    t0 = time.perf_counter()
    if not path.exists():
        write_catalog(args.rows, path)
    generated = time.perf_counter() - t0
    result = measure(path)
    rate = result["rows"] / result["seconds"]
    row = (
        f"| {dt.date.today()} | full rule set, `mapper.check` | {args.format} | "
        f"{int(result['rows']):,} | {result['seconds']:.2f} | {rate:,.0f} | "
        f"{result['peak_mb']:,.0f} | {machine()} | "
        f"`python bench/bench_check.py --rows {args.rows} --format {args.format}` |"
    )
    print(f"generated in {generated:.1f}s; findings: {int(result['findings']):,}")
    print(row)
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

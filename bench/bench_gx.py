"""Benchmark the great-expectations path on a generated catalog: rows/s and peak memory.

    python bench/bench_gx.py --rows 1000000            # prints a Markdown table row
    python bench/bench_gx.py --rows 1000000 --record   # also appends it to docs/BENCHMARKS.md

Measures what ``mapper gx run CATALOG --docs DIR`` does: the enriched pandas frame
(``mapper.integrations.gx.enriched_frame``: every rule, payment, ``to_pandas``), then the suite
run by GX Core on one pandas batch, with Data Docs built. Needs the ``gx`` extra. Each
measurement runs in a fresh subprocess so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.generate import write_catalog  # noqa: E402
from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402

RUNNER = (
    PEAK_RSS
    + """
import json, sys, tempfile, time, datetime as dt
from pathlib import Path
t0 = time.perf_counter()
from mapper.integrations import gx as mgx
mgx._gx()
t1 = time.perf_counter()
frame = mgx.enriched_frame(sys.argv[1], as_of=dt.date(2026, 11, 23))
t2 = time.perf_counter()
suite = mgx.expectation_suite(sys.argv[2])
with tempfile.TemporaryDirectory() as docs:
    run = mgx.validate(frame, suite, docs_dir=Path(docs))
t3 = time.perf_counter()
print(json.dumps({
    "import": t1 - t0, "enrich": t2 - t1, "gx": t3 - t2, "seconds": t3 - t1,
    "peak_mb": peak_rss_mb(), "rows": len(frame), "expectations": len(run.outcomes),
    "failed": sum(not o.success for o in run.outcomes),
    "largest_value_set": mgx.largest_value_set(suite),
}))
"""
)


def measure(path: Path, kind: str) -> dict[str, float]:
    return run_measured(RUNNER, path, kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--kind", choices=["pharmacy", "hospital"], default="hospital")
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    path = args.data / f"catalog_{args.rows}.{args.format}"
    if not path.exists():
        write_catalog(args.rows, path)
    r = measure(path, args.kind)
    rate = r["rows"] / r["seconds"]
    row = (
        f"| {dt.date.today()} | `enriched_frame` + suite `mapper-{args.kind}` in GX, Data Docs "
        f"| {args.format} | {int(r['rows']):,} | {r['seconds']:.1f} (enrich {r['enrich']:.1f}, "
        f"GX {r['gx']:.1f}) | {rate:,.0f} | {r['peak_mb']:,.0f} | "
        f"{int(r['expectations'])} ({int(r['failed'])} failed) | {int(r['largest_value_set'])} "
        f"| {machine()} | `python bench/bench_gx.py --rows {args.rows} --format {args.format}` |"
    )
    print(f"GX import {r['import']:.1f}s (not counted)")
    print(row)
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

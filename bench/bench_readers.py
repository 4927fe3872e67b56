"""Reader throughput: a GBK CSV and an XLSX of the same generated catalog (default 200,000 rows).

    python bench/bench_readers.py --rows 200000 [--record]

Each read runs in a fresh subprocess (peak RSS is its own) through `mapper.read_catalog`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.generate import generate_catalog  # noqa: E402
from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402

RUNNER = (
    PEAK_RSS
    + """
import json, sys, time
from mapper import read_catalog
t0 = time.perf_counter()
cat = read_catalog(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": cat.rows, "source": cat.source,
                  "peak_mb": peak_rss_mb()}))
"""
)


def write_inputs(rows: int, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    frame = generate_catalog(rows)
    paths = {"gbk-csv": folder / f"readers_{rows}_gbk.csv", "xlsx": folder / f"readers_{rows}.xlsx"}
    if not paths["gbk-csv"].exists():
        text = frame.write_csv()
        paths["gbk-csv"].write_bytes(text.encode("gbk", errors="replace"))
    if not paths["xlsx"].exists():
        frame.write_excel(paths["xlsx"], worksheet="目录", autofit=False)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    paths = write_inputs(args.rows, args.data)
    print(f"inputs ready in {time.perf_counter() - t0:.1f}s")
    rows_out = []
    for kind, path in paths.items():
        r = run_measured(RUNNER, path)
        rows_out.append(
            f"| {dt.date.today()} | read {kind} ({r['source']}) | {int(r['rows']):,} | "
            f"{r['seconds']:.2f} | {r['rows'] / r['seconds']:,.0f} | {r['peak_mb']:,.0f} | "
            f"{path.stat().st_size / 2**20:,.0f} MB | {machine()} | "
            f"`python bench/bench_readers.py --rows {args.rows}` |"
        )
    print("\n".join(rows_out))
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as handle:
            handle.write(
                "\n## Readers\n\n| date | what | rows | seconds | rows/s | peak MB | file | machine"
                " | command |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                + "\n".join(rows_out)
                + "\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

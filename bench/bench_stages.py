"""Issue 7: where the streamed check's time goes, next to what reading and writing alone cost.

    python bench/bench_stages.py                    # the cached 10M-row national catalog
    python bench/bench_stages.py --rows 1000000
    python bench/bench_stages.py --tiny             # seconds: what tests/test_bench_stages.py runs

The same generated data as bench/bench_scale.py (cached under bench/data/national/). Each
measurement runs in a fresh interpreter:

* stages: ``mapper.stream.check_to`` with each stage timed, wall and CPU (first pass, product
  check, row rules, second pass with its three Parquet sinks, result), then the three output
  files read back and written again from memory: what writing them costs with no rule at all.
* read: the CSV, every column as text, by polars' streaming engine: the least any check reads.
* floor: bench_scale's floor (scan, code-shape regex, join, sink) on the same file.

Read + rewrite is a lower bound of any check that writes the same outputs; against the floor it
says how much room a target such as "within 1.5x of the floor" leaves for the rules.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import bench_scale as scale  # noqa: E402
from bench import national  # noqa: E402
from bench.measure import PEAK_RSS, machine, run_measured  # noqa: E402

STAGES_RUNNER = (
    PEAK_RSS
    + """
import datetime as dt, json, resource, sys, time
from pathlib import Path
import polars as pl
import mapper.pipeline.driver as driver
import mapper.stream as stream
from mapper.checking import Setup

catalog, store, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
stages = {}

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def timing(function, label):
    def run(*args, **kwargs):
        wall, used = time.perf_counter(), cpu()
        try:
            return function(*args, **kwargs)
        finally:
            spent = stages.setdefault(label(*args), [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += cpu() - used
    return run

def timed(owner, name, label):
    setattr(owner, name, timing(getattr(owner, name), lambda *args: label))

timed(driver, "first_pass_exact", "first pass")
timed(Setup, "check_products", "product check")
timed(Setup, "check_rows", "row rules")
timed(Setup, "result", "result (summary)")
sink = pl.LazyFrame.sink_parquet
# A sink pulls what the second pass computes for it.
pl.LazyFrame.sink_parquet = timing(sink, lambda frame, path, *args: "sink " + Path(path).name)
t0 = time.perf_counter()
result = stream.check_to(catalog, out, store, as_of=dt.date.fromisoformat(sys.argv[4]))
seconds = time.perf_counter() - t0
peak = peak_rss_mb()  # the check's own, before the outputs are read back
pl.LazyFrame.sink_parquet = sink
rewrite = 0.0
for path in result.written.values():
    frame = pl.read_parquet(path)
    t1 = time.perf_counter()
    frame.lazy().sink_parquet(out / ("again-" + path.name))
    rewrite += time.perf_counter() - t1
print(json.dumps({"seconds": seconds, "stages": stages, "rewrite": rewrite,
                  "rows": result.summary.rows_read, "peak_mb": peak}))
"""
)

# What check_to spends outside the timed stages.
REST = "– the rest (reference, opening the catalog, candidate rows, pass set-up)"

READ_RUNNER = """
import json, sys, time
import polars as pl
t0 = time.perf_counter()
rows = pl.scan_csv(sys.argv[1], infer_schema=False).collect(engine="streaming").height
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": rows}))
"""


def measure(catalog: Path, store: Path, scratch: Path) -> dict[str, Any]:
    """Stages, read and floor on ``catalog``, each in a fresh interpreter."""
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        stages = run_measured(STAGES_RUNNER, catalog, store, Path(tmp) / "out", scale.AS_OF)
        floor_out = Path(tmp) / "floor.parquet"
        floor = run_measured(scale.FLOOR_RUNNER, catalog, store, floor_out, scale.CODE_COLUMN)
    read = run_measured(READ_RUNNER, catalog)
    return {"check": stages, "read": read, "floor": floor}


def report(measured: dict[str, Any]) -> str:
    """A Markdown table: each stage and each baseline, in seconds and as a multiple of the floor."""
    check, floor = measured["check"], measured["floor"]["seconds"]
    rows = [("`mapper.stream.check_to`, in all", check["seconds"], None)]
    rows += [(f"– {name}", wall, cpu) for name, (wall, cpu) in check["stages"].items()]
    staged = sum(wall for wall, _ in check["stages"].values())
    rows.append((REST, check["seconds"] - staged, None))
    read, rewrite = measured["read"]["seconds"], check["rewrite"]
    rows += [
        ("read the CSV, every column as text (streaming)", read, None),
        ("write the three outputs again, from memory", rewrite, None),
        ("read + write: no rule at all", read + rewrite, None),
        ("floor (scan, regex, join, sink)", floor, None),
    ]
    lines = [
        f"{check['rows']:,} rows; {machine()}; check peak {check['peak_mb']:,.0f} MB",
        "",
        "| what | wall s | CPU s | × floor |",
        "| --- | --- | --- | --- |",
    ]
    for name, wall, cpu in rows:
        used = f"{cpu:.2f}" if cpu is not None else "—"
        lines.append(f"| {name} | {wall:.2f} | {used} | {wall / floor:.2f} |")
    lines += [
        "",
        "A sink's time includes computing what it writes: the second pass is pulled by them.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=scale.TARGET_ROWS)
    parser.add_argument("--data", type=Path, default=national.DATA)
    parser.add_argument("--tiny", action="store_true", help="a seconds-long run")
    args = parser.parse_args(argv)
    drugs, consumables, rows = national.DRUGS, national.CONSUMABLES, args.rows
    if args.tiny:
        drugs, consumables, rows = scale.TINY_DRUGS, scale.TINY_CONSUMABLES, scale.TINY_ROWS
    store = national.reference_store(drugs, consumables, national.SEED, args.data)
    catalog = national.write_catalog(rows, store, national.SEED, args.data)
    print(report(measure(catalog.csv, store, args.data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

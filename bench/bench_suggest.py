"""Benchmark ``mapper.suggest``: uncoded items against a national-scale synthetic reference.

    python bench/bench_suggest.py                       # 10,000 items, 300,000 drug records
    python bench/bench_suggest.py --items 10000 --drugs 300000 --record   # append to BENCHMARKS

The reference comes from :func:`bench.scale_reference.scale_reference` (seeded) and the items
from :func:`bench.eval_suggest.perturb` over a sample of its records, written as a CSV catalog
without codes. The timed call is the whole ``mapper.suggest.suggest`` (catalog read, selecting
the items, building the blocking index over the release, candidates, scoring), in a fresh
subprocess so the peak RSS is its own (taken after that call). Then the index build alone, and
suggest again with that index passed in (``index=``: a prebuilt index for the release).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.eval_suggest import perturb  # noqa: E402
from bench.measure import machine, run_measured  # noqa: E402
from bench.scale_reference import scale_reference, write_store  # noqa: E402

RUNNER = """
import json, resource, sys, time, datetime as dt
from mapper.reference import load_reference
from mapper.suggest import suggest, build_index
as_of = dt.date(2026, 11, 23)
ref = load_reference(sys.argv[2])
t0 = time.perf_counter()
out = suggest(sys.argv[1], ref, k=5, as_of=as_of)
seconds = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t1 = time.perf_counter()
index = build_index(ref, as_of)
index_seconds = time.perf_counter() - t1
t2 = time.perf_counter()
suggest(sys.argv[1], ref, k=5, as_of=as_of, index=index)
warm_seconds = time.perf_counter() - t2
load = open("/proc/loadavg").read().split()[0]
print(json.dumps({"seconds": seconds, "index_seconds": index_seconds, "peak_mb": peak_mb,
                  "warm_seconds": warm_seconds, "load": load,
                  "items": out["row"].n_unique(), "rows": out.height}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--drugs", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = scale_reference(args.drugs, seed=args.seed)
        write_store(reference, root / "store")
        lines = perturb(reference.sample(args.items, seed=args.seed), args.seed)
        catalog = root / "catalog.csv"
        lines.drop("label").write_csv(catalog)
        stats = run_measured(RUNNER, catalog, root / "store")
    rate = stats["items"] / stats["seconds"]
    command = "python bench/bench_suggest.py " + (
        f"--items {args.items} --drugs {args.drugs} --seed {args.seed}"
    )
    warm = stats["items"] / stats["warm_seconds"]
    line = (
        f"| {dt.date.today()} | {stats['items']:,} | {reference.height:,} | "
        f"{stats['seconds']:.2f} | {rate:,.0f} | {stats['index_seconds']:.2f} | {warm:,.0f} | "
        f"{stats['peak_mb']:,.0f} | {machine()}, load {stats['load']} | `{command}` |"
    )
    print(line)
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark ``mapper.suggest``: uncoded items against a national-scale synthetic reference.

    python bench/bench_suggest.py                       # 10,000 items, 300,000 drug records
    python bench/bench_suggest.py --repeat 5            # five fresh runs, and their median
    python bench/bench_suggest.py --lines perturb       # the evaluation's perturbed lines
    python bench/bench_suggest.py --items 10000 --drugs 300000 --record   # append to BENCHMARKS

The reference comes from :func:`bench.scale_reference.scale_reference` (seeded) and the items
from a sample of its records, written as a CSV catalog without codes: by default as tills
write them (:func:`bench.eval_real.till_lines`: no code and no 批准文号, pack appended in the
tills' styles, maker with or without its legal form, form shortened or missing), so every line
goes through fuzzy matching; ``--lines perturb`` uses :func:`bench.eval_suggest.perturb`
(trade names, full width, a quarter keeping their 批准文号). The timed call is the whole
``mapper.suggest.suggest`` (catalog read, selecting the items, building the blocking index
over the release, candidates, scoring), in a fresh subprocess so the peak RSS is its own (taken
after that call), with the CPU seconds it used (user + system, both cores: what the call costs
whatever else the machine runs). Then the index build alone, and suggest again with that
index passed in (``index=``: a prebuilt index for the release).
Each repetition is a pair run under the same load: a first-ever call for the release (empty
key cache, ``$MAPPER_CACHE`` in the temporary directory: the release is keyed and stored,
:mod:`mapper.suggest.key_cache`), then a later call in a new process (keys read back).
``--repeat N`` runs N pairs and prints each run and the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.eval_real import till_lines  # noqa: E402
from bench.eval_suggest import perturb  # noqa: E402
from bench.measure import machine, run_measured  # noqa: E402
from bench.scale_reference import scale_reference, write_store  # noqa: E402

KINDS = ("first call", "keys cached")
RUNNER = """
import json, resource, sys, time, datetime as dt
from mapper.reference import load_reference
from mapper.suggest import suggest, build_index
as_of = dt.date(2026, 11, 23)
ref = load_reference(sys.argv[2])
def cpu():
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime
t0, c0 = time.perf_counter(), cpu()
out = suggest(sys.argv[1], ref, k=5, as_of=as_of)
seconds, cpu_seconds = time.perf_counter() - t0, cpu() - c0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t1 = time.perf_counter()
index = build_index(ref, as_of)
index_seconds = time.perf_counter() - t1
t2 = time.perf_counter()
suggest(sys.argv[1], ref, k=5, as_of=as_of, index=index)
warm_seconds = time.perf_counter() - t2
load = open("/proc/loadavg").read().split()[0]
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds,
                  "index_seconds": index_seconds, "peak_mb": peak_mb,
                  "warm_seconds": warm_seconds, "load": load,
                  "items": out["row"].n_unique(), "rows": out.height}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--drugs", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--lines", choices=("till", "perturb"), default="till")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs; the median is shown")
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = scale_reference(args.drugs, seed=args.seed)
        write_store(reference, root / "store")
        if args.lines == "till":  # records a till line can be written from (as eval_real)
            usable = reference.drop_nulls(["name", "spec", "dosage_form", "manufacturer"])
            sample = usable.sample(args.items, seed=args.seed).with_columns(trade=None)
            lines = till_lines(sample, args.seed)
        else:
            lines = perturb(reference.sample(args.items, seed=args.seed), args.seed)
        catalog = root / "catalog.csv"
        lines.drop("label").write_csv(catalog)
        # Paired under the same load: a first-ever call (empty key cache: the release keyed
        # and stored), then a later one (any new process: the keys read back).
        cache = root / "cache"
        os.environ["MAPPER_CACHE"] = str(cache)
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            for kind in KINDS:
                runs[kind].append(run_measured(RUNNER, catalog, root / "store"))
                print(_row(args, reference.height, runs[kind][-1], kind), flush=True)
    lines_out = []
    for kind in KINDS:
        if args.repeat > 1:
            median: dict[str, Any] = {
                key: statistics.median(float(run[key]) for run in runs[kind])
                for key in ("seconds", "cpu_seconds", "index_seconds", "warm_seconds",
                            "peak_mb", "items")
            }  # fmt: skip
            median["load"] = "/".join(str(run["load"]) for run in runs[kind])
            lines_out.append(_row(args, reference.height, median, f"{kind}, median of"))
        else:
            lines_out.append(_row(args, reference.height, runs[kind][0], kind))
    print("\n".join(lines_out))
    if args.record:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines_out) + "\n")
    return 0


def _row(args: argparse.Namespace, records: int, stats: dict[str, Any], what: str) -> str:
    """One BENCHMARKS.md table line for a run (or the median of several)."""
    what = f"{what} {args.repeat} runs, " if what.endswith("median of") else f"{what}, "
    rate = stats["items"] / stats["seconds"]
    warm = stats["items"] / stats["warm_seconds"]
    command = "python bench/bench_suggest.py " + (
        f"--items {args.items} --drugs {args.drugs} --seed {args.seed} --lines {args.lines}"
        + (f" --repeat {args.repeat}" if args.repeat > 1 else "")
    )
    return (
        f"| {dt.date.today()} | {int(stats['items']):,} ({args.lines}) | {records:,} | "
        f"{stats['seconds']:.2f} | {rate:,.0f} | {stats['cpu_seconds']:.2f} | "
        f"{stats['index_seconds']:.2f} | {warm:,.0f} | "
        f"{stats['peak_mb']:,.0f} | {machine()}, {what}load {stats['load']} | `{command}` |"
    )


if __name__ == "__main__":
    raise SystemExit(main())

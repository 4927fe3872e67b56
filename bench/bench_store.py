"""What verifying a reference store's files costs when a release is opened (issue 18).

    python bench/bench_store.py                  # the shipped store and a 300k + 2M store
    python bench/bench_store.py --drugs 50000 --consumables 0

For each store: its size, the cold SHA-256 of every file (what ``load_reference`` does the
first time a process opens a release; later opens of unchanged files are a stat each), the
same release opened again (cached), and reading the release's records, for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.measure import machine  # noqa: E402
from bench.scale_reference import scale_reference, write_store  # noqa: E402
from mapper.reference import integrity  # noqa: E402
from mapper.reference.store import load_reference  # noqa: E402


def measure(root: Path, label: str) -> None:
    size = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    integrity._verified.clear()
    start = time.perf_counter()
    ref = load_reference(root)  # hashes every file of the release (cold)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    load_reference(root)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    rows = ref.scan().collect().height
    read = time.perf_counter() - start
    print(
        f"| {label} | {rows:,} | {size / 2**20:.1f} MB | {cold * 1000:.0f} ms "
        f"({size / 2**20 / cold:.0f} MB/s) | {warm * 1000:.1f} ms | {read * 1000:.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drugs", type=int, default=300_000)
    parser.add_argument("--consumables", type=int, default=2_000_000)
    args = parser.parse_args()
    print(machine())
    print("| store | records | Parquet | open, cold (hash) | open again | read all records |")
    print("| --- | --- | --- | --- | --- | --- |")
    measure(REPO / "reference_codes", "shipped 2026-11")
    with tempfile.TemporaryDirectory() as tmp:
        frame = scale_reference(args.drugs, args.consumables)
        root = write_store(frame, Path(tmp) / "store")
        measure(root, f"scale ({args.drugs:,} drugs + {args.consumables:,} consumables)")


if __name__ == "__main__":
    main()

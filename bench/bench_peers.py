"""Issue 19: the streamed check beside its peers and the text floor, paired, in one run.

    python bench/bench_peers.py                       # 1M and 10M rows, once each
    python bench/bench_peers.py --rows 1000000 --repeat 3
    python bench/bench_peers.py --record              # also writes docs/BENCHMARKS.md

Per catalog size, each round runs, one after the other in fresh interpreters (so that each
sees the same load): the check (bench_scale's command: the full rule set, streamed, writing
Parquet), DuckDB and pandera-polars doing the core subset (bench/peers.py), and the text
floor (polars reads every column as text and writes it to Parquet: the least any check that
reads the file and writes a table of its rows costs). Medians over the rounds are reported,
with check/peer and check/floor ratios. The same generated data as bench_scale (cached in
bench/data/national/); the peers need the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
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
from bench.peers import DUCKDB_RUNNER, PANDERA_RUNNER, runner_args  # noqa: E402

BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"
SECTION = "## Peers: issue 19 targets"
TARGET_PEER = 1.0  # check seconds / peer seconds
TARGET_TEXT_FLOOR = 2.5  # check seconds / text-floor seconds, at 10M
TARGET_PEAK_MB = 2048
TARGET_GROWTH = 1.5

TEXT_FLOOR_RUNNER = (
    PEAK_RSS
    + """
import json, sys, time
import polars as pl
t0 = time.perf_counter()
pl.scan_csv(sys.argv[1], infer_schema=False).sink_parquet(sys.argv[2])
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb()}))
"""
)


def one_round(catalog: Path, store: Path, scratch: Path) -> dict[str, dict[str, Any]]:
    """Check, DuckDB, pandera and the text floor, one after the other."""
    extra = runner_args(str(store), scale.AS_OF)
    out: dict[str, dict[str, Any]] = {"check": scale.measure_check(catalog, store, scratch)}
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        for name, runner in (("duckdb", DUCKDB_RUNNER), ("pandera", PANDERA_RUNNER)):
            target = Path(tmp) / f"{name}.parquet"
            out[name] = run_measured(PEAK_RSS + runner, catalog, *extra[:1], target, *extra[1:])
        out["text_floor"] = run_measured(TEXT_FLOOR_RUNNER, catalog, Path(tmp) / "text.parquet")
    return out


def median(rounds: list[dict[str, dict[str, Any]]], name: str, what: str) -> float:
    return statistics.median(r[name][what] for r in rounds)


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Measured {result['date']} by `{result['command']}` on {result['machine']}; 1-minute "
        f"load average {result['load'][0]:.2f} at the start, {result['load'][1]:.2f} at the end. "
        "The machine was shared with other engineers' work while this ran: figures move with "
        f"it. Medians of {result['repeat']} paired round(s) (check, DuckDB, pandera, text floor "
        "one after the other in fresh interpreters).",
        "",
        "Core subset (bench/peers.py): code shape per system, membership in the release, "
        "validity on the check date, manufacturer compared without company suffixes. The "
        "check runs the full rule set (bench_scale's command, streamed, Parquet outputs). "
        "Text floor: polars reads every column as text and writes Parquet.",
        "",
        "| rows | check s | check peak MB | DuckDB s | pandera s | text floor s "
        "| check/DuckDB | check/pandera | check/text floor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    runs: dict[int, list[dict[str, dict[str, Any]]]] = result["runs"]
    for rows, rounds in runs.items():
        check = median(rounds, "check", "seconds")
        duck, pand = median(rounds, "duckdb", "seconds"), median(rounds, "pandera", "seconds")
        floor = median(rounds, "text_floor", "seconds")
        peak = median(rounds, "check", "peak_mb")
        lines.append(
            f"| {rows:,} | {check:.2f} | {peak:,.0f} | {duck:.2f} | {pand:.2f} | {floor:.2f} "
            f"| {check / duck:.2f} | {check / pand:.2f} | {check / floor:.2f} |"
        )
    lines += ["", "Counts (first round): the peers' agree with the check's rules."]
    for rows, rounds in runs.items():
        first = rounds[0]
        lines.append(
            f"- {rows:,}: DuckDB {first['duckdb']['counts']}; pandera failure cases "
            f"{first['pandera']['counts']}; check findings {first['check'].get('findings')}"
        )
    lines += ["", "Targets (issue 19):", ""] + [f"- {t}" for t in targets(runs)]
    lines += ["", "`make bench` reruns it and rewrites this block."]
    return "\n".join(scale._wrap(line) for line in lines)


def targets(runs: dict[int, list[dict[str, dict[str, Any]]]]) -> list[str]:
    lines = []
    for rows, rounds in runs.items():
        check = median(rounds, "check", "seconds")
        for peer in ("duckdb", "pandera"):
            ratio = check / median(rounds, peer, "seconds")
            lines.append(
                f"{scale._verdict(ratio <= TARGET_PEER)} check/{peer} <= {TARGET_PEER} at "
                f"{rows:,} rows: {ratio:.2f}"
            )
    big, base = runs.get(scale.TARGET_ROWS), runs.get(scale.BASE_ROWS)
    if big:
        ratio = median(big, "check", "seconds") / median(big, "text_floor", "seconds")
        peak = median(big, "check", "peak_mb")
        lines += [
            f"{scale._verdict(ratio <= TARGET_TEXT_FLOOR)} check at 10M <= "
            f"{TARGET_TEXT_FLOOR}x the text floor: {ratio:.2f}x",
            f"{scale._verdict(peak < TARGET_PEAK_MB)} peak memory at 10M < 2 GB: {peak:,.0f} MB",
        ]
    if big and base:
        growth = median(big, "check", "peak_mb") / median(base, "check", "peak_mb")
        lines.append(
            f"{scale._verdict(growth < TARGET_GROWTH)} peak memory grows < {TARGET_GROWTH}x "
            f"from 1M to 10M: {growth:.2f}x"
        )
    return lines


def record(doc: Path, block: str) -> None:
    """Put ``block`` between the peers markers of ``doc`` (adding the section if missing)."""
    text = doc.read_text("utf-8") if doc.exists() else "# Benchmarks\n"
    wrapped = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + wrapped + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{wrapped}\n"
    doc.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[scale.BASE_ROWS, scale.TARGET_ROWS])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", type=Path, default=national.DATA)
    parser.add_argument("--docs", type=Path, default=scale.DOCS)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    load = os.getloadavg()[0]
    store = national.reference_store(data=args.data)
    runs: dict[int, list[dict[str, dict[str, Any]]]] = {}
    for rows in sorted(set(args.rows)):
        catalog = national.write_catalog(rows, store, data=args.data).csv
        for k in range(args.repeat):
            measured = one_round(catalog, store, args.data)
            runs.setdefault(rows, []).append(measured)
            brief = {name: round(m["seconds"], 2) for name, m in measured.items()}
            print(f"{rows:,} round {k + 1}: {brief}", flush=True)
    result = {
        "date": str(dt.date.today()),
        "machine": machine(),
        "load": (load, os.getloadavg()[0]),
        "command": " ".join(["python bench/bench_peers.py", *given]),
        "repeat": args.repeat,
        "runs": runs,
    }
    block = report(result)
    print(block)
    (args.data / "peers-last.json").write_text(json.dumps(result, indent=1, default=str), "utf-8")
    if args.record:
        record(args.docs, block)
        print(f"recorded in {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

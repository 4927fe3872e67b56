"""Evaluate ``mapper suggest`` on REAL drug records: lines as tills write them, scored strictly.

    python bench/eval_real.py                        # every usable record, no code, no 批准文号
    python bench/eval_real.py --keep-approval 0.5    # half the lines keep their 批准文号
    python bench/eval_real.py --record               # also append to docs/BENCHMARKS.md

The labelled set is built at run time from ``../shared/data/nhsa_drug_records_sample.csv``
(real NHSA records; never copied into the repo), cleaned by the same rules the shipped store
uses (``reference_codes/snapshot_real.py``: the file was parsed out of PDFs, see its 清洗标记
column). A record is usable when the raw row is unflagged and cleaning kept its name, spec,
dosage form and manufacturer, and its code is valid on the check date in the shipped release
(which holds those records). Each becomes one catalog line the way pharmacy and HIS exports
write it (:func:`till_lines`): the spec as published or refolded (克/g, 每袋装 dropped), the pack
appended in the styles tills use (``*24片``, ``×12片/盒``, ``*12片*2板``) or left off, a trade
name in brackets, the maker with or without its legal form, the form shortened or missing, the
unit; the code removed and the approval number removed (or kept on a share of lines).

Two readings. **strict**: the first candidate is the record itself. **indistinguishable**: it
is the record or agrees with it on every field the line carries. A strict miss is acceptable
only when the tool says so: the first candidate is marked ambiguous and the record is among the
candidates tied with it (``misses_marked``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "reference_codes"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from bench.eval_suggest import EQUAL_KEYS, judged  # noqa: E402
from mapper.reference import Reference, load_reference  # noqa: E402
from mapper.suggest import build_index, suggest  # noqa: E402
from mapper.suggest.engine import prepare_items  # noqa: E402
from mapper.suggest.index import ReferenceIndex  # noqa: E402
from mapper.suggest.review import add_status  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
SEED = 20261205
RECORDS = Path("data") / "nhsa_drug_records_sample.csv"
LEGAL = ("股份有限公司", "有限责任公司", "有限公司")
UNIT_SWAPS = (("g", "克"), ("mg", "毫克"), ("ml", "毫升"), ("克", "g"), ("毫升", "ml"))


def shared_dir() -> Path:
    """``$MAPPER_SHARED``, else ``../shared`` beside the repository (as CI checks it out)."""
    return Path(os.environ.get("MAPPER_SHARED", REPO.parent / "shared"))


def real_records(shared: Path, reference: Reference) -> pl.DataFrame:
    """Cleaned real drug records a line can single out, valid on the check date."""
    import snapshot_real  # reference_codes/: the store's own cleaning rules

    raw = pl.read_csv(shared / RECORDS, infer_schema=False).select(
        code=pl.col("医保药品编码").str.strip_chars(),
        flagged=pl.col("清洗标记").is_not_null(),
        trade=pl.col("产品名称").str.replace_all(r"\s+", ""),
    )
    cleaned = pl.DataFrame(snapshot_real.build_drug(shared, Counter()), infer_schema_length=None)
    valid = build_index(reference, AS_OF).records.select("code")
    usable = pl.all_horizontal(
        pl.col(c).is_not_null() for c in ("name", "spec", "dosage_form", "manufacturer")
    )
    return (
        cleaned.join(raw.unique("code"), on="code")
        .join(valid, on="code", how="semi")
        .filter(usable & ~pl.col("flagged"))
        .sort("code")
    )


def _count_unit(package: str | None) -> tuple[int, str, str] | None:
    found = re.match(r"^(\d+)([^\d/]+)/(.+)$", package or "")
    return (int(found.group(1)), found.group(2), found.group(3)) if found else None


def _spec(spec: str, package: str | None, rng: np.random.Generator, sparse: float) -> str:
    out = spec
    if rng.random() < 0.3:  # refolded: the same strength written another way
        for old, new in UNIT_SWAPS:
            if re.search(rf"\d{old}", out):
                out = re.sub(rf"(\d){old}", rf"\g<1>{new}", out, count=1)
                break
        if rng.random() < 0.5:
            out = re.sub(r"^每(?:袋|支|粒|片|丸|瓶|包)?(?:装|重)", "", out)
    pack = _count_unit(package)
    if pack is None or rng.random() < sparse:  # no pack on the line
        return out
    roll = rng.random()
    n, unit, box = pack
    if roll < 0.35:
        return f"{out}*{n}{unit}"
    if roll < 0.7:
        return f"{out}×{n}{unit}/{box}"
    if roll < 0.85 and unit == "片" and n % 2 == 0 and n >= 12:
        return f"{out}*{n // 2}片*2板"
    return f"{out} {n}{unit}/{box}"


def _maker(maker: str, rng: np.random.Generator, sparse: float) -> str | None:
    if rng.random() < sparse:
        return None
    if rng.random() < 0.4:
        for legal in LEGAL:
            if maker.endswith(legal):
                return maker[: -len(legal)]
    return maker


def till_lines(
    records: pl.DataFrame, seed: int = SEED, keep_approval: float = 0.0, sparse: float = 0.0
) -> pl.DataFrame:
    """One catalog line per record, written as tills write them; ``label`` is the true code.

    ``keep_approval``: share of lines keeping their 批准文号. ``sparse``: share of lines that
    drop the pack from the spec, and (drawn apart) the maker: lines that cannot single out one
    of a product's packagings or makers.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for rec in records.iter_rows(named=True):
        name = rec["name"]
        trade = rec["trade"]
        if trade and trade not in {"无", name} and rng.random() < 0.3:
            name = f"{name}({trade})"
        form = rec["dosage_form"]
        roll = rng.random()
        form = None if roll < 0.25 else (form[:-1] if roll < 0.4 and form.endswith("剂") else form)
        rows.append({
            "院内编码": f"R{len(rows):06d}",
            "药品名称": name,
            "规格": _spec(rec["spec"], rec["package"], rng, sparse),
            "剂型": form,
            "生产企业": _maker(rec["manufacturer"], rng, sparse),
            "批准文号": rec["approval_no"] if rng.random() < keep_approval else None,
            "单位": rec["unit"] if rng.random() < 0.7 else None,
            "医保编码": None,
            "类别": "中成药" if rec["code"].startswith("Z") else "西药",
            "label": rec["code"],
        })  # fmt: skip
    return pl.DataFrame(rows, schema_overrides={c: pl.String for c in rows[0]})


def score_lines(
    lines: pl.DataFrame, reference: Reference, index: ReferenceIndex | None = None, k: int = 5
) -> dict[str, float]:
    """Run suggest on ``lines`` and score it against their labels."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.csv"
        lines.drop("label").write_csv(path)
        t0 = time.perf_counter()
        out = add_status(suggest(path, reference, k=k, as_of=AS_OF, index=index))
        seconds = time.perf_counter() - t0
        from mapper.catalog import read_catalog

        catalog = read_catalog(path).frame
    truth = lines.with_columns(row=pl.int_range(2, pl.len() + 2, dtype=pl.Int64)).select(
        "row", "label"
    )
    said = prepare_items(
        catalog.with_columns(
            problem=pl.lit("COD001"), code_system=pl.lit(None, pl.String),
            line_kind=pl.lit("drug"),
        )
    ).select("row", *[pl.col(c).is_not_null().alias(f"has_{c}") for c in EQUAL_KEYS])  # fmt: skip
    ranked = judged(out, truth, said, reference)
    n = truth.height
    first = ranked.filter(pl.col("rank") == 1)
    top5 = ranked.filter(pl.col("rank") <= k)
    # A strict miss is marked when the first candidate is ambiguous and the label is tied with it.
    tied_with_first = ranked.join(first.select("row", first_tie=pl.col("tie")), on="row").filter(
        pl.col("status").eq("ambiguous") & (pl.col("tie") == pl.col("first_tie"))
    )
    misses = first.filter(~pl.col("strict"))
    marked = misses.filter(pl.col("status") == "ambiguous").join(
        tied_with_first.filter(pl.col("strict")).select("row"), on="row", how="semi"
    )
    return {
        "items": n,
        "seconds": seconds,
        "precision_at_1_strict": first["strict"].sum() / n,
        "recall_at_5_strict": top5.group_by("row").agg(pl.col("strict").any())["strict"].sum() / n,
        "precision_at_1_indistinguishable": first["same"].sum() / n,
        "recall_at_5_indistinguishable": (
            top5.group_by("row").agg(pl.col("same").any())["same"].sum() / n
        ),
        "strict_misses": misses.height,
        "misses_marked_ambiguous": marked.height,
        "auto": first.filter(pl.col("status") == "auto").height / n,
        "auto_wrong": first.filter((pl.col("status") == "auto") & ~pl.col("strict")).height,
    }


def evaluate(
    items: int | None = None, seed: int = SEED, keep_approval: float = 0.0, sparse: float = 0.0
) -> dict[str, float]:
    """Build the set from ../shared and score suggest on it (``items`` records, or all)."""
    reference = load_reference()
    records = real_records(shared_dir(), reference)
    if items is not None and items < records.height:
        records = records.sample(items, seed=seed, shuffle=True)
    return score_lines(till_lines(records, seed, keep_approval, sparse), reference)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--items", type=int, default=None, help="sample this many (default all)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep-approval", type=float, default=0.0)
    parser.add_argument("--sparse", type=float, default=0.0)
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    stats = evaluate(args.items, args.seed, args.keep_approval, args.sparse)
    for key, value in stats.items():
        print(f"{key:>34}: {value:.4f}" if isinstance(value, float) else f"{key:>34}: {value}")
    if args.record:
        command = "python bench/eval_real.py" + "".join(
            f" --{k.replace('_', '-')} {v}"
            for k, v in (
                ("items", args.items),
                ("keep_approval", args.keep_approval),
                ("sparse", args.sparse),
            )
            if v
        )
        line = (
            f"| {dt.date.today()} | {stats['items']:,} | {args.keep_approval:.0%} | "
            f"{args.sparse:.0%} | "
            f"{stats['precision_at_1_strict']:.3f} | {stats['recall_at_5_strict']:.3f} | "
            f"{stats['precision_at_1_indistinguishable']:.3f} | "
            f"{stats['misses_marked_ambiguous']} of {stats['strict_misses']} | "
            f"{stats['auto']:.3f} ({stats['auto_wrong']} wrong) | `{command}` |\n"
        )
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as fh:
            fh.write(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Evaluate ``mapper suggest`` on a labelled set built from the reference: precision@1, recall@5.

    python bench/eval_suggest.py                   # 3,000 items from the shipped release
    python bench/eval_suggest.py --items 3000 --record   # also append to docs/BENCHMARKS.md

Each item is a valid reference record written the way real catalogs differ from the national
table (:func:`perturb`): trade names and full-width brackets in the name, unit spellings
(毫克/mg, 克/g, 毫升/ml), full-width digits, the pack size appended to the spec, 剂 dropped from
the form, manufacturers without their legal form or missing, and most identifiers missing (a
catalog with the 批准文号 is the easy case). The label is the record's code. A first candidate
counts as right when it is the record, or a record the reference itself cannot tell apart from
it (same name, spec, form, package, unit, manufacturer and identifiers: codes differing only in
an index no catalog carries); the strict figure counts only the record itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mapper.catalog import read_catalog  # noqa: E402
from mapper.reference import Reference, load_reference  # noqa: E402
from mapper.suggest import suggest  # noqa: E402
from mapper.suggest.engine import prepare_items  # noqa: E402
from mapper.suggest.index import build_index  # noqa: E402
from mapper.suggest.keys import add_keys  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
SEED = 20261123
LINE_TYPE = {"drug": "西药", "herbal": "中药饮片", "preparation": "医疗机构制剂",
             "consumable": "医用耗材", "service": "医疗服务项目"}  # fmt: skip
BRANDS = ("999", "仁和", "同仁堂", "白云山", "修正", "葵花", "康恩贝", "华润")
UNIT_SWAPS = (("mg", "毫克"), ("ml", "毫升"), ("g", "克"), ("毫克", "mg"), ("克", "g"))
FULL = str.maketrans("0123456789()", "０１２３４５６７８９（）")
LEGAL = ("股份有限公司", "有限责任公司", "有限公司")
# Normalised keys (mapper.suggest.keys) two records must share to be indistinguishable.
EQUAL_KEYS = ("spec_core", "pack", "form_key", "mfr_key", "appr_key", "gtin", "unit_key")


def _name(name: str, rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.2:
        return f"{name}({BRANDS[rng.integers(len(BRANDS))]})"  # trade name in brackets
    if roll < 0.3:
        return f"{BRANDS[rng.integers(len(BRANDS))]}牌{name}"  # brand prefix
    if roll < 0.45:
        return name.translate(FULL)
    if roll < 0.55 and name.endswith("片") and not name.endswith("片剂"):
        return name + "剂"  # 片 → 片剂 spelled out
    if roll < 0.6 and len(name) > 4:
        return name[:-2] + " " + name[-2:]  # a stray space
    return name


def _spec(
    spec: str | None, form: str | None, package: str | None, rng: np.random.Generator
) -> str | None:
    if spec is None:
        return None
    out = spec
    for old, new in UNIT_SWAPS:
        if old in out and rng.random() < 0.5:
            out = out.replace(old, new, 1)
            break
    if rng.random() < 0.3:
        out = out.replace("每袋装", "").replace("每粒装", "").replace("每片重", "")
    pack = re.match(r"^(\d+)([^\d/]+)", package or "")
    if pack and rng.random() < 0.4:  # the record's own pack size, as tills append it
        out = f"{out}{'*' if rng.random() < 0.5 else '×'}{pack.group(1)}{pack.group(2)}"
    if rng.random() < 0.15:
        out = out.translate(FULL)
    return out


def _maker(maker: str | None, rng: np.random.Generator) -> str | None:
    if maker is None:
        return None
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.5:
        for legal in LEGAL:
            if maker.endswith(legal):
                return maker[: -len(legal)]
    return maker


def perturb(records: pl.DataFrame, seed: int = SEED) -> pl.DataFrame:
    """Catalog lines (Chinese headers, no code) written from reference records the way real
    catalogs differ; ``label`` keeps each line's true code.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for rec in records.iter_rows(named=True):
        form = rec["dosage_form"]
        keep_id = rng.random() < 0.25  # a quarter of the lines carry their 批准文号
        rows.append({
            "院内编码": f"E{len(rows):06d}",
            "项目名称": _name(rec["name"], rng),
            "规格": _spec(rec["spec"], form, rec["package"], rng),
            "剂型": None if form is None or rng.random() < 0.3
            else (form[:-1] if form.endswith("剂") and rng.random() < 0.5 else form),
            "生产企业": _maker(rec["manufacturer"], rng),
            "批准文号": rec["approval_no"].replace("国药准字", "")
            if keep_id and rec["approval_no"] else None,
            "药品本位码": rec["base_code"] if keep_id and rng.random() < 0.3 else None,
            "计价单位": rec["unit"],
            "国家医保编码": None,
            "项目类别": LINE_TYPE[rec["system"]],
            "label": rec["code"],
        })  # fmt: skip
    return pl.DataFrame(rows, schema_overrides={c: pl.String for c in rows[0]})


def labelled_records(reference: Reference, items: int, seed: int = SEED) -> pl.DataFrame:
    """``items`` records valid on the check date, every item system in proportion.

    Only records a catalog line could single out: those with a manufacturer (and, for drugs,
    a spec); services and herbal pieces as they are. About a third of the shipped drug rows
    carry only a name (parsed from PDFs), and no matcher can pick one of 30 bare
    ``他达拉非片`` rows over another.
    """
    index = build_index(reference, AS_OF)
    codes = index.records.select("code")
    records = reference.scan().collect().join(codes, on="code", how="semi")
    complete = (pl.col("system") == "service") | (
        pl.col("manufacturer").is_not_null()
        & ((pl.col("system") != "drug") | pl.col("spec").is_not_null())
    )
    records = records.filter(complete)
    return records.sample(min(items, records.height), seed=seed, shuffle=True)


def items_from(lines: pl.DataFrame) -> pl.DataFrame:
    """The catalog frame of the perturbed lines, with the line kind suggest gives them."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.csv"
        lines.drop("label").write_csv(path)
        frame = read_catalog(path).frame
    kind = {v: k for k, v in LINE_TYPE.items()}
    return frame.with_columns(
        problem=pl.lit("COD001"),
        code_system=pl.lit(None, pl.String),
        line_kind=pl.col("line_type").replace_strict(kind, default="unknown"),
    )


def evaluate(reference: Reference, items: int, seed: int = SEED, k: int = 5) -> dict[str, float]:
    """Run suggest on a perturbed labelled set and score it."""
    records = labelled_records(reference, items, seed)
    lines = perturb(records, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "labelled.csv"
        lines.drop("label").write_csv(path)
        t0 = time.perf_counter()
        out = suggest(path, reference, k=k, as_of=AS_OF)
        seconds = time.perf_counter() - t0
    truth = lines.with_columns(row=pl.int_range(2, pl.len() + 2, dtype=pl.Int64)).select(
        "row", "label", has_id=pl.col("批准文号").is_not_null() | pl.col("药品本位码").is_not_null()
    )
    # What the line says, keyed like the records: a field the line leaves empty cannot tell
    # two records apart, so a candidate agreeing with the label on every field the line has is
    # an equally right answer (the "same" figures); "strict" counts only the label itself.
    said = prepare_items(
        items_from(lines).with_columns(row=pl.int_range(2, pl.len() + 2, dtype=pl.Int64))
    ).select("row", *[pl.col(c).is_not_null().alias(f"has_{c}") for c in EQUAL_KEYS])
    ranked = judged(out, truth, said, reference)
    first = ranked.filter(pl.col("rank") == 1)
    n = truth.height
    exact = first.filter(pl.col("has_id"))
    return {
        "items": n,
        "seconds": seconds,
        "precision_at_1": first["same"].sum() / n,
        "precision_at_1_strict": first["strict"].sum() / n,
        "recall_at_5": ranked.group_by("row").agg(pl.col("same").any())["same"].sum() / n,
        "recall_at_5_strict": (
            ranked.group_by("row").agg(pl.col("strict").any())["strict"].sum() / n
        ),
        "precision_at_1_fuzzy_only": first.filter(~pl.col("has_id"))["same"].mean() or 0.0,
        "exact_first": exact.filter(pl.col("matched_on") != "fuzzy").height / max(exact.height, 1),
        "with_identifier": exact.height,
    }


def judged(
    out: pl.DataFrame, truth: pl.DataFrame, said: pl.DataFrame, reference: Reference
) -> pl.DataFrame:
    """Suggestions joined to their labels (``truth``: row, label) with ``strict`` (the label
    itself) and ``same`` (the label, or a record agreeing with it on every key the line has:
    ``said`` holds ``has_<key>`` per row).
    """
    keyed = add_keys(reference.scan().collect(), second_name="generic_name", package="package")
    compared = ("nkey", *EQUAL_KEYS)
    cand = keyed.select("code", *[pl.col(c).alias(f"c_{c}") for c in compared])
    label = keyed.select(
        pl.col("code").alias("label"), *[pl.col(c).alias(f"l_{c}") for c in compared]
    )
    agree = pl.all_horizontal(
        ~pl.col(f"has_{c}") | pl.col(f"c_{c}").eq_missing(pl.col(f"l_{c}")) for c in EQUAL_KEYS
    ) & pl.col("c_nkey").eq_missing(pl.col("l_nkey"))
    return (
        out.join(truth, on="row")
        .join(said, on="row", how="left")
        .join(cand, on="code", how="left")
        .join(label, on="label", how="left")
        .with_columns(
            strict=pl.col("code") == pl.col("label"),
            same=(pl.col("code") == pl.col("label")) | agree.fill_null(False),
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--record", action="store_true", help="append to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    stats = evaluate(load_reference(), args.items, args.seed)
    for key, value in stats.items():
        print(f"{key:>28}: {value:.4f}" if isinstance(value, float) else f"{key:>28}: {value}")
    if args.record:
        command = f"python bench/eval_suggest.py --items {args.items} --seed {args.seed}"
        line = (
            f"| {dt.date.today()} | labelled set, shipped release 2026-11 | {stats['items']:,} | "
            f"{stats['precision_at_1']:.3f} ({stats['precision_at_1_strict']:.3f} strict) | "
            f"{stats['recall_at_5']:.3f} ({stats['recall_at_5_strict']:.3f} strict) | "
            f"{stats['exact_first']:.3f} of {stats['with_identifier']} | `{command}` |\n"
        )
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as fh:
            fh.write(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Seeded synthetic catalogs for benchmarks, built from the shipped reference (no downloads).

A catalog row is a reference record written the way catalogs write it, with a realistic mix
of problems: uncoded items, malformed, unknown, revoked codes, another product's attributes,
duplicate ids.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.reference import load_reference

ITEM_SYSTEMS = ("drug", "herbal", "preparation", "consumable", "service")
CATEGORY = {
    "drug": "西药",
    "herbal": "中药饮片",
    "preparation": "医疗机构制剂",
    "consumable": "医用耗材",
    "service": "医疗服务项目",
}


def generate_catalog(rows: int, seed: int = 20261123) -> pl.DataFrame:
    """A catalog of ``rows`` rows with Chinese headers, drawn from the shipped reference."""
    ref = load_reference().scan().filter(pl.col("system").is_in(ITEM_SYSTEMS)).collect()
    picked = ref.sample(n=rows, with_replacement=True, seed=seed, shuffle=True)
    rnd = pl.int_range(pl.len(), dtype=pl.Int64).hash(seed) % 1000
    code = pl.col("code")
    problem_code = (
        pl.when(rnd < 30).then(pl.lit(None, pl.String))  # 3% uncoded
        .when(rnd < 45).then(code.str.slice(0, pl.len().cast(pl.Int64) * 0 + 12))  # truncated
        .when(rnd < 60).then(code.str.slice(0, 1) + pl.lit("Q") + code.str.slice(2))  # bad char
        .when(rnd < 75).then(code.str.slice(0, code.str.len_chars() - 5) + pl.lit("99999"))
        .when(rnd < 85).then(pl.lit(" ") + code.str.to_lowercase())  # unnormalised
        .otherwise(code)
    )  # fmt: skip
    spec = pl.when((rnd >= 85) & (rnd < 95)).then(pl.lit("999mg")).otherwise(pl.col("spec"))
    return picked.select(
        院内编码=pl.format("L{}", pl.int_range(pl.len(), dtype=pl.Int64) % (rows - rows // 200)),
        项目名称=pl.col("name"),
        规格=spec,
        剂型=pl.col("dosage_form"),
        生产企业=pl.col("manufacturer"),
        批准文号=pl.col("approval_no"),
        单价=(rnd.cast(pl.Float64) / 10 + 1).round(2).cast(pl.String),
        国家医保编码=problem_code,
        项目类别=pl.col("system").replace_strict(CATEGORY, return_dtype=pl.String),
    )


def write_catalog(rows: int, path: Path, seed: int = 20261123) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = generate_catalog(rows, seed)
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)
    return path

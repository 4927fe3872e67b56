"""A retail till's export with the category split most POS systems use (药品 / 非药品, OTC and
处方药, 器械, 保健食品, 食品, 中药饮片), built from the pharmacy sample: the same items and planted
problems, filed the way a till files them. Writes pos_export_gbk.csv and pos_export_planted.csv.

    python sample_catalogs/make_pos_export.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "pharmacy_catalog_gbk.csv"

# How a till files what the pharmacy sample calls 西药 … 日用品. Medicines alternate between the
# prescription-status categories tills use; goods outside insurance go under 非药品 or 食品.
POS_CATEGORY = {
    "中成药": "药品",
    "中药饮片": "中药饮片",
    "医疗器械": "器械",
    "消毒用品": "非药品",
    "日用品": "非药品",
    "保健食品": "保健食品",
    "滋补品": "食品",
}
WESTERN = ("处方药", "甲类OTC", "乙类非处方药", "RX")


def main() -> None:
    text = SOURCE.read_bytes().decode("gbk")
    frame = pl.read_csv(text.encode("utf-8"), infer_schema=False)
    western = pl.int_range(pl.len()) % len(WESTERN)
    category = (
        pl.when(pl.col("商品类别") == "西药")
        .then(pl.lit(list(WESTERN)).list.get(western))
        .otherwise(pl.col("商品类别").replace_strict(POS_CATEGORY, default=pl.col("商品类别")))
    )
    frame = frame.with_columns(category.alias("商品类别"))
    out = frame.write_csv(line_terminator="\r\n")
    (HERE / "pos_export_gbk.csv").write_bytes(out.encode("gbk"))
    # The same items on the same rows: the same planted problems.
    shutil.copyfile(HERE / "pharmacy_catalog_planted.csv", HERE / "pos_export_planted.csv")
    print(f"pos_export: {frame.height} rows; categories {sorted(set(frame['商品类别']))}")


if __name__ == "__main__":
    main()

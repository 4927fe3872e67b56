"""Ranking by everything the line carries: written agreement, packs, and ties reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.reference import Reference
from mapper.suggest import suggest
from mapper.suggest.index import ReferenceIndex
from mapper.suggest.review import add_status
from tests.suggest.conftest import AS_OF


def _siblings(index: ReferenceIndex) -> pl.DataFrame:
    """Pairs of one maker's records of one product and strength whose spec is written two ways
    (``每袋装12g`` / ``12g``): equal after folding, different as written."""
    records = index.records.filter(
        (pl.col("system") == "drug") & pl.col("manufacturer").is_not_null()
        & pl.col("spec").is_not_null() & pl.col("strength").is_not_null()
    )  # fmt: skip
    pairs = records.join(records, on=["nkey", "mfr_key", "strength"], suffix="_b").filter(
        (pl.col("spec_text") != pl.col("spec_text_b")) & (pl.col("code") < pl.col("code_b"))
    )
    return pairs.unique(["nkey", "mfr_key"], keep="first").sort("code").head(12)


def test_exact_written_spec_outranks_agreement_after_folding(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    pairs = _siblings(shipped_index)
    assert pairs.height >= 5
    rows = ["商品编码,通用名称,规格,生产企业,医保编码,商品类别"]
    wanted = {}
    for i, (rec, spec_b) in enumerate(
        pairs.select(pl.struct("name", "spec", "manufacturer", "code"), "spec_b").iter_rows()
    ):
        for j, spec in enumerate((rec["spec"], spec_b)):
            rows.append(f'{i}{j},{rec["name"]},"{spec}",{rec["manufacturer"]},,中成药')
        wanted[2 + 2 * i] = rec["code"]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = suggest(path, shipped, as_of=AS_OF, index=shipped_index)
    first = got.filter(pl.col("rank") == 1)
    for row, code in wanted.items():
        line = first.filter(pl.col("row") == row).row(0, named=True)
        assert line["code"] == code, line  # the record written as the line writes it
        assert line["exact_score"] == 1.0


def test_ties_are_reported_with_the_deciding_field(
    sample_suggestions: dict[str, pl.DataFrame],
) -> None:
    # Pharmacy row 76: 小儿感冒颗粒 每袋装4g with no pack; the maker has 8 packagings of it.
    frame = add_status(sample_suggestions["pharmacy"]).filter(pl.col("row") == 76)
    tied = frame.filter(pl.col("status") == "ambiguous")
    assert tied.height == tied["tied"][0] == 8 > 5  # every one shown, not the top 5 only
    assert set(tied["decide_by"]) == {"package"}
    message = tied["tie"][0]
    assert "同一产品 8种包装" in message and "choose by 最小包装" in message
    assert "6袋/盒" in message
    assert frame.filter(pl.col("status") == "auto").is_empty()


def test_pack_in_the_spec_decides_between_packagings(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    records = shipped_index.records.filter(
        (pl.col("nkey") == "小儿感冒颗粒") & (pl.col("spec") == "每袋装4g")
        & pl.col("package").is_not_null()
    )  # fmt: skip
    assert records["mfr_key"].n_unique() == 1 and records.height >= 3
    target = records.sort("code").row(1, named=True)
    count = target["package"].split("袋")[0]
    path = tmp_path / "c.csv"
    path.write_text(
        "商品编码,通用名称,规格,生产企业,单位,医保编码,商品类别\n"
        f"1,小儿感冒颗粒,每袋装4g*{count}袋,{target['manufacturer']},盒,,中成药\n",
        encoding="utf-8",
    )
    got = add_status(suggest(path, shipped, as_of=AS_OF, index=shipped_index))
    first = got.row(0, named=True)
    assert (first["code"], first["status"]) == (target["code"], "auto")
    assert first["pack_score"] == 1.0

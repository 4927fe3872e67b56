"""Ranking by everything the line carries: written agreement, packs, and ties reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mapper.reference import Reference
from mapper.suggest import build_index, suggest
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


def _refold(spec: pl.Expr) -> pl.Expr:
    """The strength written the other way: g ↔ 克, ml ↔ 毫升 (one spelling of one value)."""
    return (
        pl.when(spec.str.contains(r"\dg"))
        .then(spec.str.replace(r"(\d)g", "${1}克"))
        .when(spec.str.contains(r"\d克"))
        .then(spec.str.replace(r"(\d)克", "${1}g"))
        .when(spec.str.contains(r"\dml"))
        .then(spec.str.replace(r"(\d)ml", "${1}毫升"))
        .otherwise(spec.str.replace(r"(\d)毫升", "${1}ml"))
    )


def test_records_told_apart_only_by_how_the_spec_is_written_are_never_auto(
    tmp_path: Path, shipped: Reference
) -> None:
    # The real release has one maker registering one product twice, same packaging, under two
    # approval numbers, its spec written 每袋装12g on one and 每袋装12克 on the other. A line
    # written like either cannot tell them apart: the way a till writes 克 is no evidence.
    # Real records of several makers, each given such a twin (its own code and 批准文号).
    frame = shipped.scan().collect()
    records = (
        frame.filter(
            (pl.col("system") == "drug")
            & pl.col("package").is_not_null()
            & pl.col("manufacturer").is_not_null()
            & pl.col("approval_no").is_not_null()
            & pl.col("spec").str.contains(r"\d(?:g|克|ml|毫升)")
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= AS_OF))
            & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= AS_OF))
        )
        .unique("name", keep="first", maintain_order=True)
        .unique("manufacturer", keep="first", maintain_order=True)
        .head(8)
    )
    assert records.height == 8
    twins = records.with_columns(
        code=pl.col("code").str.slice(0, pl.col("code").str.len_chars() - 2) + "99",
        approval_no=pl.col("approval_no").str.slice(0, 6) + "99999999",
        spec=_refold(pl.col("spec")),
        base_code=None,
    )
    assert twins.join(frame, on="code", how="semi").is_empty()
    index = build_index(pl.concat([frame, twins]), AS_OF)
    lines = ["商品编码,通用名称,规格,剂型,生产企业,单位,医保编码,商品类别"]
    for i, rec in enumerate(twins.iter_rows(named=True)):  # written as the twin writes it
        count = rec["package"].split("/")[0]
        lines.append(
            f'{i},{rec["name"]},"{rec["spec"]}*{count}",{rec["dosage_form"] or ""},'
            f"{rec['manufacturer']},{rec['unit'] or ''},,西药"
        )
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = add_status(suggest(path, shipped, as_of=AS_OF, index=index))
    for row, rec in enumerate(twins.iter_rows(named=True), start=2):
        item = got.filter(pl.col("row") == row)
        pair = item.filter(pl.col("code").is_in([rec["code"], records["code"][row - 2]]))
        assert pair.height == 2, item  # both shown …
        assert set(pair["status"]) == {"ambiguous"}  # … neither auto
        assert pair["tie"].n_unique() == 1 and pair["decide_by"][0] == "approval_no"
        assert "请按批准文号选择" in pair["tie"][0] and rec["approval_no"] in pair["tie"][0]
        first = item.row(0, named=True)  # the record written as the line writes it leads
        assert (first["code"], first["status"]) == (rec["code"], "ambiguous"), first

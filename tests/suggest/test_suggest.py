"""suggest: which items get candidates, exact keys first, the samples' uncoded drugs, memory."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from mapper.errors import ConfigError
from mapper.normalize import approval_key, name_key, spec_key, strength_mg
from mapper.reference import Reference
from mapper.suggest import SUGGESTION_COLUMNS, remember, save_memory, suggest
from mapper.suggest.index import ReferenceIndex
from tests.suggest.conftest import AS_OF, SAMPLES

EXACT = ("approval_no", "base_code", "registration_no", "udi_di", "memory")


def test_shape_and_scores(sample_suggestions: dict[str, pl.DataFrame]) -> None:
    for frame in sample_suggestions.values():
        assert tuple(frame.columns) == SUGGESTION_COLUMNS
        scores = frame["score"].drop_nulls()
        assert scores.min() >= 0 and scores.max() <= 1  # type: ignore[operator]
        # Top 5, and beyond them only candidates tied with the first (all a reviewer must
        # choose from).
        beyond = frame.filter(pl.col("rank") > 5)
        assert beyond["tied"].null_count() == 0
        firsts = frame.filter(pl.col("rank") == 1).select("row", first=pl.col("score"))
        assert (
            (beyond.join(firsts, on="row").select(pl.col("score") == pl.col("first")))
            .to_series()
            .all()
        )


def test_only_failing_items_and_no_other_goods(sample_suggestions: dict[str, pl.DataFrame]) -> None:
    pharmacy = sample_suggestions["pharmacy"]
    assert pharmacy["problem"].null_count() == 0
    # 消毒用品 / 保健食品 / 滋补品 / 日用品 lines have no national code: nothing to suggest.
    assert not set(pharmacy["row"]) & {30, 64, 95, 97, 161, 211, 250, 288, 298, 374, 384, 395}
    assert {76, 167, 335, 85, 294}.issubset(set(pharmacy["row"]))


def test_exact_keys_rank_first(sample_suggestions: dict[str, pl.DataFrame]) -> None:
    for frame in sample_suggestions.values():
        ranked = frame.drop_nulls("rank").with_columns(exact=pl.col("matched_on").is_in(EXACT))
        # Within each item, no fuzzy candidate ranks above an exact-key one.
        order = ranked.group_by("row").agg(
            last_exact=pl.col("rank").filter("exact").max(),
            first_fuzzy=pl.col("rank").filter(~pl.col("exact")).min(),
        )
        broken = order.filter(pl.col("last_exact") > pl.col("first_fuzzy"))
        assert broken.is_empty(), broken


def _uncoded_drug_rows(name: str) -> list[int]:
    planted = pl.read_csv(SAMPLES / f"{name}_catalog_planted.csv")
    rows = planted.filter(
        (pl.col("rule") == "COD001") & pl.col("note").str.starts_with("no national code")
    )["row"]
    from mapper.catalog import read_catalog

    cat = read_catalog(SAMPLES / f"{name}_catalog_gbk.csv").frame
    drugs = cat.filter(
        pl.col("row").is_in(rows.implode()) & pl.col("line_type").is_in(["西药", "中成药"])
    )
    return drugs["row"].to_list()


@pytest.mark.parametrize("name", ["pharmacy", "hospital"])
def test_sample_uncoded_drugs_get_their_code_first(
    name: str, sample_suggestions: dict[str, pl.DataFrame], shipped: Reference
) -> None:
    """Expectation derived without the matcher: the reference records with the row's approval
    number, name and strength (the generator copies a record into each uncoded line).
    """
    from mapper.catalog import read_catalog

    rows = _uncoded_drug_rows(name)
    assert len(rows) >= 3
    cat = read_catalog(SAMPLES / f"{name}_catalog_gbk.csv").frame
    ref = shipped.scan().filter(pl.col("system") == "drug").collect()
    keys = {
        "a": lambda c: approval_key(pl.col(c)),
        "n": lambda c: name_key(pl.col(c)),
        "s": lambda c: strength_mg(spec_key(pl.col(c))),
    }
    ref_keyed = ref.select(
        "code", a=keys["a"]("approval_no"), n=keys["n"]("name"), s=keys["s"]("spec")
    )
    firsts = sample_suggestions[name].filter(pl.col("rank") == 1)
    for row in rows:
        line = cat.filter(pl.col("row") == row).select(
            a=keys["a"]("approval_no"), n=keys["n"]("name"), s=keys["s"]("spec")
        )
        right = ref_keyed.join(line, on=["a", "n", "s"], nulls_equal=True)["code"].to_list()
        assert right, f"row {row}: no reference record carries its values"
        top = firsts.filter(pl.col("row") == row)
        assert top.height == 1 and top["code"][0] in right, (row, top["code"].to_list(), right)
        assert top["matched_on"][0] == "approval_no"


def test_fuzzy_only_item_without_identifiers(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "商品编码,通用名称,规格,剂型,生产厂家,医保编码,商品类别\n"
        "1,他达拉非片,20毫克*12片,薄膜衣片,广州朗圣药业,,西药\n",
        encoding="utf-8",
    )
    got = suggest(path, shipped, as_of=AS_OF, index=shipped_index)
    first = got.row(0, named=True)
    assert first["matched_on"] == "fuzzy"
    assert first["cand_name"] == "他达拉非片"
    assert "广州朗圣药业" in first["cand_manufacturer"]
    # Name, strength, pack, form and maker agree but the line writes them differently
    # (20毫克 vs 20mg): high, short of an exact written match.
    assert 0.85 <= first["score"] < 1


def test_bad_gtin_is_not_an_exact_key(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    ref = (
        shipped.scan()
        .filter(pl.col("base_code").is_not_null())
        .head(1)
        .collect()
        .row(0, named=True)
    )
    good = ref["base_code"]
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    path = tmp_path / "c.csv"
    rows = [f"{i},某药,,,,,{code},,西药" for i, code in enumerate((good, bad))]
    path.write_text(
        "商品编码,通用名称,规格,剂型,生产厂家,批准文号,药品本位码,医保编码,商品类别\n"
        + "\n".join(rows) + "\n", encoding="utf-8"
    )  # fmt: skip
    got = suggest(path, shipped, as_of=AS_OF, index=shipped_index).filter(pl.col("rank") == 1)
    assert got.filter(pl.col("row") == 2)["matched_on"][0] == "base_code"
    assert got.filter(pl.col("row") == 3)["matched_on"].to_list() in ([], ["fuzzy"])


def test_memory_is_reused(
    tmp_path: Path, shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "商品编码,通用名称,规格,剂型,生产厂家,医保编码,商品类别\n"
        "1,小儿感冒颗粒(９９９),12克,颗粒,,,中成药\n",
        encoding="utf-8",
    )
    before = suggest(path, shipped, as_of=AS_OF, index=shipped_index)
    chosen = before.filter(pl.col("rank") == 3)["code"][0]  # a reviewer picked the third
    memory = remember(
        pl.DataFrame(schema={"key": pl.String, "code": pl.String}).with_columns(
            *[pl.lit(None, pl.String).alias(c) for c in
              ("name", "spec", "manufacturer", "approval_no", "approved_on")]
        ),
        pl.DataFrame({"name": ["小儿感冒颗粒（999）"], "spec": ["12g"], "manufacturer": [None],
                      "approval_no": [None], "code": [chosen]}),
    )  # fmt: skip
    file = save_memory(memory, tmp_path / "memory.parquet")
    after = suggest(path, shipped, as_of=AS_OF, index=shipped_index, memory=file)
    first = after.row(0, named=True)
    assert (first["code"], first["matched_on"], first["rank"]) == (chosen, "memory", 1)


def test_k_must_be_positive(shipped: Reference) -> None:
    with pytest.raises(ConfigError):
        suggest(SAMPLES / "pharmacy_catalog_gbk.csv", shipped, k=0)


@pytest.mark.parametrize("name", ["pharmacy", "hospital"])
def test_planted_code_fixes_are_found(
    name: str, sample_suggestions: dict[str, pl.DataFrame]
) -> None:
    """Mistyped, malformed and cut codes: the generator's fix is a candidate, nearly always
    the first (a 20-char consumable code may lose to its 27-char release code).
    """
    planted = pl.read_csv(SAMPLES / f"{name}_catalog_planted.csv").filter(
        pl.col("rule").is_in(["COD002", "REF001"])
    )
    fixes = planted.select(
        "row", fix=pl.col("note").str.extract(r"fix: ([0-9A-Z]{10,})", 1)
    ).drop_nulls()
    got = sample_suggestions[name].join(fixes, on="row")
    found = got.filter(pl.col("code") == pl.col("fix"))
    assert set(found["row"]) == set(fixes["row"])
    firsts = found.filter(pl.col("rank") == 1).height
    assert firsts >= fixes.height - 1

"""Normalisers: properties (idempotent, width- and case-blind) and real catalog spellings."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapper import normalize as nz

KEYS = [nz.base_key, nz.name_key, nz.spec_key, nz.dosage_form_key, nz.manufacturer_key]


def apply(fn, values: list[str | None]) -> list[str | None]:  # type: ignore[no-untyped-def]
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String}).select(fn(pl.col("v")))["v"].to_list()
    )


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("fn", KEYS, ids=lambda f: f.__name__)
@given(st.text(alphabet=st.sampled_from("阿莫西林胶囊片剂0123456789.gmgMLx*() （）"), max_size=20))
def test_keys_are_idempotent(fn, text: str) -> None:  # type: ignore[no-untyped-def]
    once = apply(fn, [text])[0]
    if once is not None:
        assert apply(fn, [once])[0] == once


@given(st.text(alphabet=st.sampled_from("ABCXYZabc0123456789()*.-"), min_size=1, max_size=20))
def test_full_width_and_case_do_not_matter(text: str) -> None:
    a, b, c = apply(nz.base_key, [text, to_full_width(text), text.upper()])
    assert a == b == c.lower() if c is not None else a == b


@given(st.decimals(min_value="0.001", max_value="5000", places=3))
def test_strength_units_agree(value) -> None:  # type: ignore[no-untyped-def]
    mg = float(value)

    def plain(x: float) -> str:  # specs never use scientific notation
        return f"{x:.9f}".rstrip("0").rstrip(".")

    specs = [f"{plain(mg)}mg", f"{plain(mg)}毫克", f"{plain(mg / 1000)}g", f"{plain(mg * 1000)}ug"]
    keys = apply(nz.spec_key, specs)
    frame = pl.DataFrame({"k": keys})
    strengths = frame.select(s=nz.strength_mg(pl.col("k")))["s"].to_list()
    assert all(s is not None and abs(s - mg) <= mg * 1e-6 for s in strengths), (specs, strengths)


@pytest.mark.parametrize(
    ("fn", "a", "b"),
    [
        (nz.spec_key, "0.25g×24粒", "0.25g*24粒"),
        (nz.spec_key, "每袋装1.5克", "1.5g"),
        (nz.dosage_form_key, "片剂", "片"),
        (nz.dosage_form_key, "注射液", "注射剂"),
        (nz.manufacturer_key, "修正药业集团股份有限公司", "修正药业"),
        (nz.approval_key, "国药准字 Z20063237", "Z20063237"),
        (nz.name_key, "阿莫西林胶囊（阿莫仙）", "阿莫西林胶囊(阿莫仙)"),
        (nz.code_key, " xa01abd075a002010100483 ", "XA01ABD075A002010100483"),
        (nz.code_key, "001102000010000-110200001", "001102000010000"),
        (nz.code_key, "X-A01AB-D075-A002-01-01-00483", "XA01ABD075A002010100483"),
        (nz.code_key, "'ZD03AAA0043010100166", "ZD03AAA0043010100166"),
    ],
)
def test_real_spellings_fold_together(fn, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    ka, kb = apply(fn, [a, b])
    assert ka == kb or (ka and kb and (ka in kb or kb in ka)), (ka, kb)


def test_blank_is_null() -> None:
    assert apply(nz.base_key, ["", "   ", None]) == [None, None, None]


@given(st.text(alphabet=st.sampled_from("0123456789ABCXZ-. xa'=\""), max_size=30))
def test_fast_path_codes_are_those_code_clean_leaves_unchanged(text: str) -> None:
    from mapper.engine import CLEAN_CODE

    frame = pl.DataFrame({"c": [text]})
    out = frame.select(
        fast=pl.col("c").str.contains(CLEAN_CODE), clean=nz.code_clean(pl.col("c"))
    ).row(0)
    if out[0]:
        assert out[1] == text


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ('="001102000010000"', "001102000010000"),
        ("X-G02CAL073B001010100353", "XG02CAL073B001010100353"),
        (" x-g02cal073b001010100353 ", "XG02CAL073B001010100353"),
    ],
)
def test_excel_text_formula_and_hyphens(raw: str, key: str) -> None:
    assert apply(nz.code_key, [raw]) == [key]


def test_memo_gives_what_folding_each_frame_gives() -> None:
    """Across chunks a memo looks values up instead of folding them again; the keys are the
    same, including values that fold to nothing ("/" has no name key)."""
    memo = nz.Memo()
    chunks = [
        pl.DataFrame({"name": ["阿莫西林胶囊", "/", "布洛芬（缓释）", None]}),
        pl.DataFrame({"name": ["布洛芬（缓释）", "/", "维生素C片", "阿莫西林胶囊"]}),
        pl.DataFrame({"name": ["维生素C片"]}),
    ]
    exprs = {"name_key": nz.name_key(pl.col("name"))}
    for chunk in chunks:
        with_memo = chunk.with_columns(nz.map_distinct(chunk, "name", exprs, memo))
        without = chunk.with_columns(nz.map_distinct(chunk, "name", exprs))
        assert with_memo.equals(without)
    # Each value is kept once, however many chunks had it.
    (table,) = memo._tables.values()
    assert sorted(table.get_column("name").to_list()) == sorted(
        ["阿莫西林胶囊", "/", "布洛芬（缓释）", "维生素C片"]
    )


def test_memo_keeps_different_folds_of_a_column_apart() -> None:
    memo = nz.Memo()
    frame = pl.DataFrame({"spec": ["0.25g*24粒"]})
    spec = nz.map_distinct(frame, "spec", {"k": nz.spec_key(pl.col("spec"))}, memo)
    name = nz.map_distinct(frame, "spec", {"k": nz.name_key(pl.col("spec"))}, memo)
    assert frame.select(spec).item() == "0.25g*24粒"
    assert frame.select(name).item() == "025g24粒"

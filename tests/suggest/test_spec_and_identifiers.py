"""Property tests: the spec parser and the GS1 check digit."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper.suggest import gtin_check_digit, is_valid_gtin, parse_specs
from mapper.suggest.identifiers import gtin_valid

MASS = {"mg": 1.0, "毫克": 1.0, "g": 1000.0, "克": 1000.0, "ug": 0.001, "微克": 0.001}
PACK_UNITS = ("片", "粒", "袋", "支", "丸")
FULL = str.maketrans("0123456789", "０１２３４５６７８９")

strength = st.decimals(min_value="0.01", max_value="999", places=2).map(
    lambda d: format(d.normalize(), "f")
)


@settings(max_examples=60, deadline=None)
@given(
    value=strength,
    unit=st.sampled_from(sorted(MASS)),
    pack=st.integers(1, 500),
    pack_unit=st.sampled_from(PACK_UNITS),
    sep=st.sampled_from(["*", "×", "x", "X", "/"]),
    box=st.sampled_from(["", "/盒", "/瓶"]),
    head=st.sampled_from(["", "每袋装", "每片重", "每粒装"]),
    full_width=st.booleans(),
)
def test_spec_strength_and_pack(
    value: str, unit: str, pack: int, pack_unit: str, sep: str, box: str, head: str,
    full_width: bool,
) -> None:  # fmt: skip
    text = f"{head}{value}{unit}{sep}{pack}{pack_unit}{box}"
    if full_width:
        text = text.translate(FULL)
    parsed = parse_specs([text]).row(0, named=True)
    assert parsed["pack"] == pack
    assert parsed["strength_dim"] == "mass"
    assert abs(parsed["strength"] - float(value) * MASS[unit]) <= 1e-9 * max(1.0, float(value))


@settings(max_examples=40, deadline=None)
@given(value=strength, unit=st.sampled_from(sorted(MASS)))
def test_spec_without_pack_has_no_pack(value: str, unit: str) -> None:
    parsed = parse_specs([f"{value}{unit}"]).row(0, named=True)
    assert parsed["pack"] is None
    assert parsed["spec_core"] is not None


def test_spec_examples() -> None:
    got = parse_specs(["0.25g*24片/盒", "每袋装6克×10袋", "10ml:0.5g", "切段", None])
    assert got["strength"].to_list() == [250.0, 6000.0, 10.0, None, None]
    assert got["pack"].to_list() == [24, 10, None, None, None]
    assert got["spec_core"].to_list() == ["0.25g", "6g", "10ml:0.5g", "切段", None]


@settings(max_examples=200, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_gtin_check_digit_round_trip(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    valid = len(code) in (8, 12, 13, 14)
    assert is_valid_gtin(code) is valid
    wrong = body + str((int(code[-1]) + 1) % 10)
    assert not is_valid_gtin(wrong)
    frame = pl.DataFrame({"c": [code, wrong]}).select(gtin_valid(pl.col("c")))
    assert frame.to_series().to_list() == [valid, False]


@settings(max_examples=100, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=13, max_size=13), pos=st.integers(0, 12))
def test_gtin_detects_any_single_digit_error(body: str, pos: int) -> None:
    code = body + str(gtin_check_digit(body))
    typo = code[:pos] + str((int(code[pos]) + 1) % 10) + code[pos + 1 :]
    assert not is_valid_gtin(typo)


def test_known_base_codes() -> None:
    assert is_valid_gtin("86902816000048")  # a real 本位码 (docs/code-systems.md §7)
    assert not is_valid_gtin("86902816000049")
    assert not is_valid_gtin("8690281600004甲")


@settings(max_examples=60, deadline=None)
@given(
    per_board=st.integers(1, 60),
    boards=st.integers(1, 10),
    sep=st.sampled_from(["*", "×", "x"]),
    loose=st.booleans(),
)
def test_pack_parts_multiply(per_board: int, boards: int, sep: str, loose: bool) -> None:
    lead = " " if loose else sep
    parsed = parse_specs([f"0.25g{lead}{per_board}片{sep}{boards}板"]).row(0, named=True)
    assert parsed["pack"] == per_board * boards
    assert parsed["strength"] == 250.0
    assert parsed["spec_text"] == "0.25g"


def test_spec_text_keeps_how_the_spec_is_written() -> None:
    got = parse_specs(["每袋装12g ×6袋", "12g*6袋/盒", "0.3g×2板", "0.25g(24片/盒)", "每袋装 12克"])
    assert got["spec_text"].to_list() == ["每袋装12g", "12g", "0.3g", "0.25g", "每袋装12克"]
    # A count of boards alone is no dose count; a bracketed or spaced pack is one.
    assert got["pack"].to_list() == [6, 6, None, 24, None]

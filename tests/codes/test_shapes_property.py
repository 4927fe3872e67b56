"""Property tests for every code shape: generated codes parse; any single corruption is
explained at the right position or as a wrong length."""

from __future__ import annotations

import string

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper.codes import SYSTEMS, explain_expr, parse_code, well_formed_expr
from mapper.codes.base import CodeShape

SHAPES = [shape for system in SYSTEMS.values() for shape in system.shapes]
CLASS_CHARS = {"d": string.digits, "l": string.ascii_uppercase, "a": string.digits + "A"}


def code_for(shape: CodeShape) -> st.SearchStrategy[str]:
    parts = [st.sampled_from(CLASS_CHARS.get(c, c)) for c in shape.template]
    return st.tuples(*parts).map("".join)


valid_codes = st.sampled_from(SHAPES).flatmap(lambda s: st.tuples(st.just(s), code_for(s)))


def explain(code: str) -> str | None:
    frame = pl.DataFrame({"c": [code]})
    ok = frame.select(well_formed_expr(pl.col("c"))).item()
    return None if ok else frame.select(explain_expr(pl.col("c"))).item()


@given(valid_codes)
def test_generated_codes_parse_into_their_segments(pair: tuple[CodeShape, str]) -> None:
    _shape, code = pair
    parsed = parse_code(code)
    assert parsed is not None
    assert "".join(parsed.segments.values()) == code
    assert list(parsed.segments) == [s.name for s in parsed.shape.segments]
    assert explain(code) is None


@settings(max_examples=150)
@given(valid_codes, st.data())
def test_a_wrong_character_is_located(pair: tuple[CodeShape, str], data: st.DataObject) -> None:
    shape, code = pair
    positions = [i for i, c in enumerate(shape.template) if c in ("d", "l") and i > 0]
    i = data.draw(st.sampled_from(positions))
    wrong = "X" if shape.template[i] == "d" else "7"
    corrupted = code[:i] + wrong + code[i + 1 :]
    if parse_code(corrupted) is not None:  # the corruption happens to fit another system
        return
    reason = explain(corrupted)
    assert reason is not None
    assert f"第{i + 1}位" in reason or "位，实为" in reason


@given(valid_codes, st.integers(min_value=1, max_value=3))
def test_a_truncated_code_reports_its_length(pair: tuple[CodeShape, str], cut: int) -> None:
    _shape, code = pair
    short = code[:-cut]
    if parse_code(short) is not None:
        return
    reason = explain(short)
    assert reason is not None
    assert f"实为{len(short)}位" in reason or "无法识别" in reason or "第" in reason


@given(st.text(max_size=30))
def test_explaining_never_fails_on_arbitrary_text(text: str) -> None:
    frame = pl.DataFrame({"c": [text]})
    out = frame.select(ok=well_formed_expr(pl.col("c")), why=explain_expr(pl.col("c")))
    assert out["ok"][0] in (True, False)

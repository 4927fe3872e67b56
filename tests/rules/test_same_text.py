"""The attribute rules skip folding where the catalog has the reference's very text
(``AttributeRule.same_text``); that short-cut must never change a rule's verdict."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper import normalize
from mapper.engine import CATALOG_KEYS, REFERENCE_KEYS
from mapper.rules import RULES, CheckContext
from mapper.rules.attributes import AttributeRule

CTX = CheckContext(as_of=__import__("datetime").date(2026, 11, 23))
# Texts that fold to nothing ("/", "-", "（）") next to ones that do not.
TEXT = st.one_of(
    st.none(),
    st.sampled_from(["/", "-", "（）", "阿莫西林胶囊", "0.25g*24粒", "250mg", "华北制药", "H2006"]),
    st.text(alphabet="/-（）阿莫g0.5m ", max_size=5),
)
COLUMNS = (*CATALOG_KEYS, *REFERENCE_KEYS)
ROW = st.fixed_dictionaries({c: TEXT for c in COLUMNS})


def verdicts(frame: pl.DataFrame, rule: AttributeRule, shortcut: bool) -> list[bool]:
    """The rule's condition with the short-cut, or as if every row were folded and compared."""
    if shortcut:
        expr = rule.condition(CTX)
    else:
        both = pl.col(rule.field).is_not_null() & pl.col(rule.ref_column).is_not_null()
        expr = pl.col("ref_found") & both & ~rule.agrees().fill_null(True)
        if rule.code == "ATT002":
            expr = expr & pl.col("ref_spec").str.contains("[0-9]").fill_null(False)
    return frame.select(expr.fill_null(False)).to_series().to_list()


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=8))
def test_same_text_never_changes_a_verdict(rows: list[dict[str, str | None]]) -> None:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String)).with_columns(
        ref_found=pl.lit(True)
    )
    folded = normalize.add_keys(frame, {**CATALOG_KEYS, **REFERENCE_KEYS})
    for cls in RULES.values():
        if issubclass(cls, AttributeRule):
            rule = cls()
            assert verdicts(folded, rule, True) == verdicts(folded, rule, False), rule.code


def test_placeholder_trade_name_is_not_agreement() -> None:
    """A "/" trade name equal to a "/" generic name says nothing: the names still differ."""
    frame = pl.DataFrame(
        {
            "name": ["布洛芬缓释胶囊"],
            "trade_name": ["/"],
            "ref_name": ["阿莫西林胶囊"],
            "ref_generic_name": ["/"],
        }
    ).with_columns(ref_found=pl.lit(True))
    folded = normalize.add_keys(
        frame, {c: k for c, k in {**CATALOG_KEYS, **REFERENCE_KEYS}.items() if c in frame.columns}
    )
    assert frame.select(RULES["ATT001"]().same_text()).item() is False
    assert folded.select(RULES["ATT001"]().condition(CTX)).item() is True

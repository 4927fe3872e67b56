"""Every real national code gathered in ../shared/data must parse (CODES.md)."""

from __future__ import annotations

import polars as pl
import pytest

from mapper.codes import SYSTEMS, parse_code, system_expr, well_formed_expr
from tests.support import SHARED

DATA = SHARED / "data"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared/data is not beside the repo")


def _drug_codes() -> list[str]:
    return (DATA / "real_drug_codes.txt").read_text("utf-8").split()


def _service_codes() -> list[str]:
    frame = pl.read_csv(DATA / "real_service_codes.tsv", separator="\t", infer_schema=False)
    return frame.get_column("code").to_list()


def test_every_real_drug_code_parses() -> None:
    codes = _drug_codes()
    assert len(codes) == 9616
    failures = [c for c in codes if parse_code(c) is None]
    assert failures == []
    shapes = {parse_code(c).shape.key for c in codes}  # type: ignore[union-attr]
    assert shapes == {"western-drug", "patent-drug"}


def test_every_real_service_code_parses() -> None:
    codes = _service_codes()
    assert len(codes) == 1960
    assert [c for c in codes if parse_code(c) is None] == []
    assert {parse_code(c).system.key for c in codes} == {"service"}  # type: ignore[union-attr]


def test_vectorised_checks_agree_with_parser_on_real_codes() -> None:
    frame = pl.DataFrame({"code": _drug_codes() + _service_codes()})
    out = frame.select(ok=well_formed_expr(pl.col("code")), system=system_expr(pl.col("code")))
    assert out.get_column("ok").all()
    counts = dict(out.group_by("system").len().iter_rows())
    assert counts == {"drug": 9616, "service": 1960}


def test_real_drug_record_codes_parse_and_enterprise_matches_base_code() -> None:
    records = pl.read_csv(DATA / "nhsa_drug_records_sample.csv", infer_schema=False)
    codes = records.get_column("医保药品编码").to_list()
    assert all(parse_code(c) is not None for c in codes)
    # CODES.md: a domestic drug code's last 5 characters equal digits 4-8 of its 本位码.
    pairs = records.select(
        ent=pl.col("医保药品编码").str.slice(-5),
        base=pl.col("药品本位码").str.extract(r"^(869\d{11})", 1),
    ).drop_nulls()
    agree = (pairs["ent"] == pairs["base"].str.slice(3, 5)).mean()
    assert agree is not None and agree > 0.99


@pytest.mark.parametrize("system", list(SYSTEMS.values()), ids=lambda s: s.key)
def test_documented_examples_parse(system) -> None:  # type: ignore[no-untyped-def]
    for shape in system.shapes:
        for example in shape.examples:
            parsed = parse_code(example)
            assert parsed is not None and parsed.shape is shape

"""The shipped sample catalogs: every planted problem is found, nothing else is an error, and
the counts add up (issue: mapper check foundation, 'Done when')."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import mapper
from tests.support import REPO

SAMPLES = REPO / "sample_catalogs"
AS_OF = dt.date(2026, 11, 23)
CATALOGS = [
    ("pharmacy_catalog_gbk.csv", "pharmacy_catalog_planted.csv"),
    ("pharmacy_catalog.xlsx", "pharmacy_catalog_planted.csv"),
    ("hospital_catalog_gbk.csv", "hospital_catalog_planted.csv"),
    ("hospital_catalog.xlsx", "hospital_catalog_planted.csv"),
    # The pharmacy catalog filed as a till files it (药品/非药品, OTC, Rx, 器械, 食品 …).
    ("pos_export_gbk.csv", "pos_export_planted.csv"),
]


@pytest.fixture(scope="module", params=CATALOGS, ids=[c for c, _ in CATALOGS])
def checked(request: pytest.FixtureRequest) -> tuple[mapper.CheckResult, pl.DataFrame]:
    catalog, planted = request.param
    result = mapper.check(SAMPLES / catalog, as_of=AS_OF)
    return result, pl.read_csv(SAMPLES / planted, infer_schema=False)


def test_every_planted_problem_is_found(checked: tuple[mapper.CheckResult, pl.DataFrame]) -> None:
    result, planted = checked
    found = set(result.findings.select("row", "rule").iter_rows())
    wanted = {(int(r), rule) for r, rule in planted.select("row", "rule").iter_rows()}
    assert wanted - found == set()


def test_no_error_outside_the_planted_rows(
    checked: tuple[mapper.CheckResult, pl.DataFrame],
) -> None:
    result, planted = checked
    rows = {int(r) for r in planted.get_column("row")}
    stray = result.findings.filter(~pl.col("row").is_in(list(rows)))
    assert stray.is_empty(), stray.head(5)


def test_every_row_is_an_item_and_counts_add_up(
    checked: tuple[mapper.CheckResult, pl.DataFrame],
) -> None:
    result, _ = checked
    items, summary = result.items, result.summary
    assert items.get_column("row").to_list() == list(range(2, 2 + summary.rows_read))
    assert sum(summary.by_status.values()) == summary.rows_read
    assert int(summary.by_line_type["items"].sum()) == summary.rows_read
    per_rule = dict(summary.by_rule.select("rule", "findings").iter_rows())
    assert sum(per_rule.values()) == result.findings.height
    # Item status is derived from the findings: an item is ok exactly when it has none.
    with_findings = set(result.findings.get_column("row"))
    ok_rows = set(items.filter(pl.col("status") == "ok").get_column("row"))
    assert ok_rows.isdisjoint(with_findings)
    assert len(ok_rows) + len(with_findings) == summary.rows_read


def test_csv_and_xlsx_give_the_same_findings() -> None:
    for stem in ("pharmacy", "hospital"):
        a = mapper.check(SAMPLES / f"{stem}_catalog_gbk.csv", as_of=AS_OF).findings
        b = mapper.check(SAMPLES / f"{stem}_catalog.xlsx", as_of=AS_OF).findings
        assert a.select("row", "rule").rows() == b.select("row", "rule").rows()


def test_uncoded_pharmacy_goods_are_told_to_settle_in_cash_not_to_map() -> None:
    result = mapper.check(SAMPLES / "pharmacy_catalog_gbk.csv", as_of=AS_OF)
    goods = result.items.filter(pl.col("rules").str.contains("COD006"))
    assert {"消毒用品", "医疗器械", "保健食品", "滋补品", "日用品"} <= set(goods["category"])
    assert goods["non_insured_goods"].all() and not goods["personal_account_payable"].any()
    messages = result.findings.filter(pl.col("rule") == "COD006").get_column("message")
    assert messages.str.contains("自费").all() and not messages.str.contains("请对码").any()
    # The uncoded medicines are the ones told to map a code.
    uncoded = result.items.filter(pl.col("rules").str.contains("COD001"))
    assert set(uncoded["category"]) == {"中成药"}
    # Goods outside insurance are outside 贯标率's denominator, and the verdict says so.
    s = result.summary
    assert s.insured_items == s.rows_read - goods.height
    assert s.readiness is not None and s.readiness.non_insured_goods == goods.height


def test_sample_files_named_in_readme_exist() -> None:
    readme = (SAMPLES / "README.md").read_text("utf-8")
    for name in ("pharmacy_catalog_gbk.csv", "hospital_catalog.xlsx", "broken_ragged_rows.csv"):
        assert name in readme
        assert Path(SAMPLES / name).exists()

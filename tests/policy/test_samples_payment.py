"""Payment on the shipped pharmacy sample, and what switching --policy changes."""

from __future__ import annotations

import datetime as dt

import polars as pl

import mapper
from tests.support import REPO

SAMPLE = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"
AS_OF = dt.date(2026, 11, 23)
EXCLUDED_CATEGORIES = {"消毒用品", "医疗器械", "保健食品", "滋补品"}


def items(policy: str) -> pl.DataFrame:
    return mapper.check(SAMPLE, as_of=AS_OF, policy=policy).items


def test_planted_excluded_goods_lose_the_personal_account() -> None:
    harbin, huzhou = items("harbin-2021"), items("huzhou-2022")
    # Harbin gives the notice's reason, "no national code" (PAY001), first; Huzhou its class
    # rule, whatever the code (PAY004).
    for frame, classes, reason in (
        (harbin, {"disinfection", "small_device"}, "PAY001"),
        (huzhou, {"tonic", "health_product"}, "PAY004"),
    ):
        excluded = frame.filter(pl.col("category").is_in(list(EXCLUDED_CATEGORIES)))
        assert excluded.height >= 15
        assert not excluded.get_column("personal_account_payable").any()
        by_class = excluded.filter(pl.col("goods_class").is_in(list(classes)))
        assert by_class.height > 0
        assert set(by_class.get_column("personal_account_reason")) == {reason}
        assert by_class.get_column("non_insured_goods").all()


def test_correctly_coded_jia_yi_drugs_are_payable() -> None:
    for policy in ("national", "harbin-2021", "huzhou-2022"):
        frame = items(policy)
        good = frame.filter(
            (pl.col("line_type") == "drug")
            & pl.col("coded_ok")
            & pl.col("ref_payment_category").is_in(["甲", "乙"])
        )
        assert good.height > 250
        assert good.get_column("pooled_fund_payable").all()
        assert good.get_column("personal_account_payable").all()


def test_switching_policy_changes_exactly_where_the_profiles_disagree() -> None:
    harbin, huzhou = items("harbin-2021"), items("huzhou-2022")
    cols = ["pooled_fund_payable", "personal_account_payable"]
    changed = set(
        harbin.select("row", *cols)
        .join(huzhou.select("row", *cols), on="row", suffix="_hz")
        .filter(
            (pl.col("pooled_fund_payable") != pl.col("pooled_fund_payable_hz"))
            | (pl.col("personal_account_payable") != pl.col("personal_account_payable_hz"))
        )
        .get_column("row")
    )
    # Where they disagree, from the profiles: Huzhou's class rule denies both funds to coded,
    # valid tonics/health products/cosmetics; the national 养生保健消费 rule (which Harbin
    # inherits) already denies them the personal account, so only a cosmetic or the pooled
    # fund of such goods Harbin would pay can differ.
    coded_goods = (
        pl.col("goods_class").is_in(["tonic", "health_product", "cosmetic"])
        & pl.col("coded_ok")
        & pl.col("code").is_not_null()
    )
    tonics = harbin.filter(coded_goods)
    assert tonics.height > 0, "the sample should hold a coded tonic"
    assert not tonics.get_column("personal_account_payable").any()
    expected = set(
        harbin.filter(
            coded_goods & ((pl.col("goods_class") == "cosmetic") | pl.col("pooled_fund_payable"))
        ).get_column("row")
    )
    assert changed == expected

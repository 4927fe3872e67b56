"""Line types from the category values real tills and HIS systems export, and from the other
signals when the category says nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import mapper
from mapper.line_types import EXPECTED_SYSTEM, LINE_TYPE_OF_SYSTEM, line_type_of
from mapper.reference import Reference
from tests.support import write_catalog_csv

AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("category", "line_type"),
    [
        # Retail POS exports
        ("药品", "drug"), ("非药品", "other"), ("OTC", "drug"), ("甲类OTC", "drug"),
        ("乙类非处方药", "drug"), ("非处方药", "drug"), ("处方药", "drug"), ("RX", "drug"),
        ("双跨", "drug"), ("西药", "drug"), ("中成药", "drug"), ("中药饮片", "herbal"),
        ("器械", "consumable"), ("医疗器械（二类）", "consumable"), ("家用器械", "consumable"),
        ("保健食品", "other"), ("日用品", "other"), ("消毒用品", "other"), ("食品", "other"),
        ("参茸滋补", "other"), ("计生用品", "other"), ("化妆品", "other"), ("非医保", "other"),
        ("非医保药品", "drug"), ("非医疗器械", "other"), ("非药品(器械)", "consumable"),
        ("non-drug", "other"),
        # Hospital HIS charge categories
        ("西药费", "drug"), ("中成药费", "drug"), ("中草药费", "herbal"),
        ("卫生材料费", "consumable"), ("检查费", "service"), ("化验费", "service"),
        ("治疗费", "service"), ("床位费", "service"), ("医疗机构制剂", "preparation"),
        ("101", "drug"), ("301", "consumable"),
        # Says nothing: the line type then comes from the code, the sheet or the name
        ("其他费", "unknown"), ("其他", "unknown"), ("", "unknown"), (None, "unknown"),
        # A bare 中药 is 中成药 or 饮片
        ("中药", "tcm"),
    ],
)  # fmt: skip
def test_real_category_values(category: str | None, line_type: str) -> None:
    assert line_type_of(category) == line_type


def test_expected_systems_come_from_the_code_systems() -> None:
    assert EXPECTED_SYSTEM["tcm"] == "drug|herbal"
    for system, line_type in LINE_TYPE_OF_SYSTEM.items():
        assert system in EXPECTED_SYSTEM[line_type].split("|")


def test_without_a_category_column_every_signal_is_used(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    """No 类别 column (a normal HIS export): the code's system, else the goods classifier;
    each item says which signal decided, and nothing is left unknown that could be told."""
    path = write_catalog_csv(
        tmp_path / "his.csv",
        [
            {"院内编码": "H1", "通用名": "地喹氯铵含片", "医保编码": "XA01ABD075A002010100483"},
            {
                "院内编码": "H2",
                "通用名": "一次性使用无菌注射器",
                "医保编码": "C1405010000000012345",
            },
            {"院内编码": "H3", "通用名": "普通门诊诊查费", "医保编码": "001102000010000"},
            {"院内编码": "H4", "通用名": "84消毒液 1L", "医保编码": ""},
            {"院内编码": "H5", "通用名": "阿莫西林胶囊", "医保编码": ""},
        ],
    )
    items = mapper.check(path, tiny_reference, as_of=AS_OF).items
    got = items.select("line_type", "line_type_source").rows()
    assert got == [
        ("drug", "code"),
        ("consumable", "code"),
        ("service", "code"),
        ("other", "name"),
        ("unknown", "none"),
    ]


def test_four_row_no_category_catalog_is_not_ready(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    """The issue's case: one uncoded 阿莫西林胶囊 among coded items, no 类别 column."""
    path = tmp_path / "four.csv"
    path.write_text(
        "院内编码,通用名,规格,生产企业,医保编码,单价\n"
        "1,地喹氯铵含片,0.25mg,汕头经济特区明治医药有限公司,XA01ABD075A002010100483,12.5\n"
        "2,阿莫西林胶囊,0.25g,,,3.2\n"
        "3,艾附暖宫丸,6g,北京同仁堂股份有限公司同仁堂制药厂,ZD03AAA0043010100166,20\n"
        "4,普通门诊诊查费,次,,001102000010000,10\n",
        encoding="utf-8",
    )
    result = mapper.check(path, tiny_reference, as_of=AS_OF)
    readiness = result.summary.readiness
    assert readiness is not None and not result.summary.institution_ready
    assert readiness.insured_not_coded >= 1 and readiness.unknown_line_type == 1
    assert any("unknown line type" in r for r in readiness.reasons())
    # The money has no quantity column: unknown, not ¥0.
    assert "no quantity column" in result.summary.amount_basis
    payment = result.summary.payment
    assert payment is not None and payment["personal_account_amount_lost"].is_null().all()


def test_a_zero_percent_sheet_is_not_ready(tiny_reference: Reference, tmp_path: Path) -> None:
    path = write_catalog_csv(
        tmp_path / "services.csv",
        [{"项目编码": f"S{i}", "项目名称": "诊查费", "医保编码": ""} for i in range(3)],
    )
    result = mapper.check(path, tiny_reference, as_of=AS_OF)
    assert result.summary.coded_rate == 0.0 and not result.summary.institution_ready


def test_ignoring_cod001_cannot_make_a_catalog_ready(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    path = write_catalog_csv(
        tmp_path / "c.csv", [{"通用名称": "阿莫西林胶囊", "商品类别": "西药", "医保编码": ""}]
    )
    result = mapper.check(path, tiny_reference, as_of=AS_OF, ignore=["COD001"])
    assert result.findings.is_empty() and not result.summary.institution_ready


def test_pos_export_goods_lose_the_personal_account_and_drugs_keep_it(
    tiny_reference: Reference, tmp_path: Path
) -> None:
    """A till's 药品/非药品 split with 器械/保健食品/日用品/消毒用品/食品/OTC categories: every
    uncoded excluded good gets its class and loses the personal account; no correctly
    coded drug loses it."""
    rows = [
        {"商品编码": "1", "通用名称": "84消毒液 1L", "商品类别": "非药品", "医保编码": ""},
        {"商品编码": "2", "通用名称": "电子血压计", "商品类别": "非药品", "医保编码": ""},
        {"商品编码": "3", "通用名称": "欧姆龙血糖试纸", "商品类别": "器械", "医保编码": ""},
        {"商品编码": "4", "通用名称": "汤臣倍健蛋白粉", "商品类别": "保健食品", "医保编码": ""},
        {"商品编码": "5", "通用名称": "云南白药牙膏", "商品类别": "日用品", "医保编码": ""},
        {"商品编码": "6", "通用名称": "75%酒精", "商品类别": "消毒用品", "医保编码": ""},
        {"商品编码": "7", "通用名称": "即食燕窝", "商品类别": "食品", "医保编码": ""},
        {"商品编码": "8", "通用名称": "地喹氯铵含片", "商品类别": "甲类OTC",
         "医保编码": "XA01ABD075A002010100483"},
        {"商品编码": "9", "通用名称": "艾附暖宫丸", "商品类别": "药品",
         "医保编码": "ZD03AAA0043010100166"},
    ]  # fmt: skip
    items = mapper.check(
        write_catalog_csv(tmp_path / "pos.csv", rows), tiny_reference, as_of=AS_OF
    ).items
    goods, drugs = items.head(7), items.tail(2)
    assert goods["non_insured_goods"].all() and not goods["personal_account_payable"].any()
    assert goods.head(4)["goods_class"].to_list() == [
        "disinfection", "small_device", "small_device", "health_product",
    ]  # fmt: skip
    assert drugs["personal_account_payable"].all() and drugs["pooled_fund_payable"].all()
    assert drugs["line_type"].to_list() == ["drug", "drug"]

"""The goods classifier on real-looking item names, near misses, and the lexicon's shape."""

from __future__ import annotations

import polars as pl
import pytest

from mapper.line_types import classify_lines
from mapper.policy import lexicon

CATEGORY = {"drug": "西药", "consumable": "医用耗材", "herbal": "中药饮片", "other": ""}


def classify(
    name: str,
    category: str = "",
    approval: str = "",
    line_type: str = "other",
    code_system: str | None = None,
    code_known: bool = False,
    payment_category: str | None = None,
) -> tuple[str | None, str | None]:
    """The goods class the check gives an enriched product (``line_type`` names the kind
    of category the line is filed under, when ``category`` gives none)."""
    frame = pl.DataFrame(
        {"name": [name], "line_type": [category or CATEGORY[line_type]],
         "approval_no": [approval], "code_system": [code_system],
         "code_well_formed": [code_known], "ref_found": [code_known],
         "ref_payment_category": [payment_category]},
        schema={"name": pl.String, "line_type": pl.String, "approval_no": pl.String,
                "code_system": pl.String, "code_well_formed": pl.Boolean,
                "ref_found": pl.Boolean, "ref_payment_category": pl.String},
    )  # fmt: skip
    row = classify_lines(frame).row(0, named=True)
    return row["goods_class"], row["class_term"]


@pytest.mark.parametrize(
    ("name", "klass", "term"),
    [
        ("海氏海诺75%酒精消毒液500ml", "disinfection", "75%酒精"),
        ("利尔康碘伏消毒液", "disinfection", "碘伏"),
        ("稳健酒精棉片 100片", "disinfection", "酒精棉片"),
        ("欧姆龙电子血压计HEM-7124", "small_device", "血压计"),
        ("鱼跃水银体温计", "small_device", "体温计"),
        ("三诺血糖试纸50支", "small_device", "血糖试纸"),
        ("汤臣倍健蛋白粉450g", "health_product", "蛋白粉"),
        ("东阿阿胶250g", "tonic", "阿胶"),
        ("即食燕窝礼盒", "tonic", "燕窝"),
        ("西洋参片（花旗参）", "tonic", "西洋参"),
        ("重睑成形术（双眼皮）", "cosmetic", "重睑成形"),
    ],
)
def test_excluded_goods_are_recognised(name: str, klass: str, term: str) -> None:
    assert classify(name) == (klass, term)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("阿胶补血口服液", {"line_type": "drug", "code_system": "drug", "code_known": True}),
        ("阿胶补血口服液", {}),  # a dosage-form word follows the term: a drug, not a tonic
        ("人参健脾丸", {}),
        ("维生素C片", {"approval": "国药准字H13022373", "line_type": "drug"}),
        ("碘伏棉签（医用）", {"approval": "国械注准20163640001", "line_type": "consumable"}),
        ("阿莫西林胶囊", {}),
        (
            "石斛",
            {
                "line_type": "herbal",
                "code_system": "herbal",
                "code_known": True,
                "payment_category": "甲",
            },
        ),  # a 甲类 herbal piece is a medicine
    ],
)
def test_near_misses_are_not_excluded(name: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    klass, _ = classify(name, **kwargs)
    # 碘伏棉签 on a 医用耗材 line: a consumable the hospital codes, not a pharmacy's
    # disinfectant (under 消毒用品 or 非药品 it is one: test_pos_categories).
    assert klass is None


def test_self_paid_herbal_tonic_stays_a_tonic() -> None:
    klass, term = classify(
        "冬虫夏草", line_type="herbal", code_system="herbal", code_known=True, payment_category="丙"
    )
    assert (klass, term) == ("tonic", "冬虫夏草")


def test_category_wins_over_drug_evidence() -> None:
    assert classify("维生素C咀嚼片", category="保健食品", approval="国药准字H1") == (
        "health_product",
        "类别:保健食品",
    )


def test_lexicon_shape() -> None:
    keys = [c.key for c in lexicon()]
    assert keys == ["disinfection", "small_device", "health_product", "tonic", "cosmetic"]
    for cls in lexicon():
        assert cls.terms and cls.label and cls.label_en
        assert len(set(cls.terms)) == len(cls.terms), f"duplicate term in {cls.key}"

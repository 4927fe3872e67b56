"""The catalog fields mapper understands, the headers that name them, and the line types.

Header matching ignores case, full/half width, spaces and brackets, so ``医保编码``,
``医保编码（国家）`` and ``YB CODE`` style variants are all found; the first alias in each list
that a catalog has wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A catalog field: its canonical name, what it means and the headers that name it."""

    name: str
    label: str
    aliases: tuple[str, ...]


# fmt: off
FIELDS: tuple[Field, ...] = (
    Field(
        "code",
        "国家医保编码 national code",
        (
            "国家医保编码", "医保编码", "国家编码", "医保代码", "医保目录编码", "国家医保代码",
            "医保贯标码", "贯标码", "贯标编码", "国家贯标码", "医保项目编码", "医保药品编码",
            "国家医保药品编码", "医保耗材编码", "医保对照编码", "对照编码", "医保码", "国家医保码",
            "医保国家码", "医保国家编码", "医保编号", "贯标代码", "医保贯标编码", "医保目录代码",
            "医保目录编号", "国家医保目录编码", "医保对码", "医保对码编码", "医保统一编码",
            "医保信息业务编码", "国家医保信息业务编码", "ybbm", "ybdm", "gjybbm", "national_code",
            "nhsa_code", "insurance_code", "code",
        ),
    ),
    Field(
        "item_id",
        "本地编码 local item id",
        (
            "院内编码", "本地编码", "商品编码", "商品编号", "药品编码", "项目编码", "内部编码",
            "his编码", "收费编码", "物资编码", "货号", "item_id", "local_id", "local_code", "id",
        ),
    ),
    Field(
        "name",
        "名称 name",
        (
            "通用名称", "通用名", "药品通用名", "药品名称", "项目名称", "医保项目名称", "品名",
            "名称", "商品名称", "商品名", "产品名称", "耗材名称", "name", "generic_name",
            "item_name",
        ),
    ),
    Field("trade_name", "商品名 trade name", ("商品名称", "商品名", "产品名称", "trade_name")),
    Field("spec", "规格 specification", ("规格", "规格型号", "药品规格", "型号规格", "spec")),
    Field("dosage_form", "剂型 dosage form", ("剂型", "药品剂型", "dosage_form", "form")),
    Field(
        "manufacturer",
        "生产企业 manufacturer",
        (
            "生产企业", "生产厂家", "厂家", "生产厂商", "厂商", "生产单位", "药品生产企业",
            "上市许可持有人", "manufacturer", "producer",
        ),
    ),
    Field(
        "approval_no",
        "批准文号/注册证号 approval number",
        (
            "批准文号", "批准文号/注册证号", "注册证号", "注册证编号", "批准文号注册证号",
            "医疗器械注册证号", "approval_no", "approval_number", "registration_no",
        ),
    ),
    Field("base_code", "药品本位码 drug base code", ("药品本位码", "本位码", "base_code")),
    Field("unit", "单位 unit", ("单位", "计价单位", "包装单位", "最小包装单位", "unit")),
    Field(
        "unit_price",
        "单价 unit price",
        ("单价", "零售价", "售价", "价格", "零售单价", "收费标准", "unit_price", "price"),
    ),
    Field(
        "quantity",
        "数量 quantity sold",
        ("月销量", "销量", "销售数量", "数量", "使用数量", "quantity", "sales_qty"),
    ),
    Field(
        "line_type",
        "类别 line type",
        (
            "项目类别", "类别", "商品类别", "收费类别", "药品类别", "分类",
            "商品分类", "line_type", "category", "list_type",
        ),
    ),
    # The workbook sheet a row was read from (null for CSV and Parquet): filled by the
    # reader, never matched from a header. A product column, so a line type can come from it.
    Field("sheet", "工作表 sheet", ()),
)

# fmt: on

FIELD_NAMES = tuple(f.name for f in FIELDS)
# What differs from row to row of one product (with the row number); no product rule reads these.
ROW_FIELDS = ("row", "item_id", "unit_price", "quantity")
REQUIRED_FIELDS = ("code",)


def normalise_header(header: str) -> str:
    """Fold a header for matching: NFKC, lower case, no spaces, brackets or punctuation."""
    # NFKC again after folding case: lower-casing can undo a composition (O + ¯ → ō).
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", header).casefold())
    # And once more after dropping separators, which can bring combining marks together.
    return unicodedata.normalize("NFKC", re.sub(r"[\s()\[\]{}<>:：_\-·.*/\\]+", "", text))


# ---------------------------------------------------------------------------------------------
# Line types. Keys follow the national interface's list_type numbering where one exists.
# ---------------------------------------------------------------------------------------------
LINE_TYPES: dict[str, str] = {
    "drug": "西药中成药 (101/104)",
    "herbal": "中药饮片 (102)",
    "preparation": "医疗机构制剂 (103)",
    "service": "医疗服务项目 (201)",
    "consumable": "医用耗材 (301)",
    "tcm": "中药 (中成药或饮片)",
    "other": "非医保类商品 (保健品、消杀用品、日用品等)",
    "unknown": "未标明类别",
}

# Checked in order, first hit wins, on the folded category text. Longer, more specific
# words come first (中药饮片 before 中药, 医疗器械 before 器械).
# fmt: off
LINE_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("101", "drug"), ("104", "drug"), ("102", "herbal"), ("103", "preparation"),
    ("201", "service"), ("301", "consumable"),
    ("医疗机构制剂", "preparation"), ("院内制剂", "preparation"), ("自制制剂", "preparation"),
    ("制剂", "preparation"),
    ("中药饮片", "herbal"), ("配方颗粒", "herbal"), ("饮片", "herbal"), ("草药", "herbal"),
    ("中成药", "drug"), ("西药", "drug"), ("化学药", "drug"), ("生物制品", "drug"),
    ("民族药", "drug"), ("药品", "drug"),
    ("医疗服务", "service"), ("服务项目", "service"), ("诊疗", "service"), ("检查", "service"),
    ("检验", "service"), ("治疗", "service"), ("手术", "service"), ("护理", "service"),
    ("床位", "service"), ("诊查", "service"),
    ("医用耗材", "consumable"), ("卫生材料", "consumable"), ("耗材", "consumable"),
    ("材料", "consumable"), ("医疗器械", "consumable"), ("器械", "consumable"),
    ("保健", "other"), ("滋补", "other"), ("消毒", "other"), ("消杀", "other"),
    ("日用", "other"), ("食品", "other"), ("化妆", "other"), ("个人护理", "other"),
    ("母婴", "other"), ("百货", "other"), ("其他", "other"), ("其它", "other"),
    # A bare 中药 means 中成药 in many pharmacies and 饮片 in others: either code is right.
    ("中药", "tcm"),
    ("drug", "drug"), ("herbal", "herbal"), ("preparation", "preparation"),
    ("service", "service"), ("consumable", "consumable"), ("other", "other"),
)

# fmt: on

# The code systems each line type may carry ("|"-separated); other/unknown lines may carry any.
EXPECTED_SYSTEM: dict[str, str] = {
    "drug": "drug",
    "herbal": "herbal",
    "tcm": "drug|herbal",
    "preparation": "preparation",
    "service": "service",
    "consumable": "consumable",
}


def line_type_of(category: str | None) -> str:
    """Map a catalog's category text (类别) to a line type key."""
    if category is None:
        return "unknown"
    folded = normalise_header(category)
    if not folded:
        return "unknown"
    for keyword, line_type in LINE_TYPE_KEYWORDS:
        if keyword in folded:
            return line_type
    return "unknown"

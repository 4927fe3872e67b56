"""How tills and hospital systems write an item differently from the reference, and the
uncoded goods a pharmacy sells.

Every function here is a *benign* variation: a checker that normalises properly must still see
the local value as equal to the reference value. make_samples.py records each use in
``<catalog>_variants.csv`` so a false positive can be traced to the variation that caused it.
"""

from __future__ import annotations

import re

_UNIT_SWAP = {"mg": "毫克", "g": "克", "ml": "毫升", "毫克": "mg", "克": "g", "毫升": "ml"}
_QTY = re.compile(r"(\d(?:\.\d+)?)(毫克|毫升|克|mg|ml|g)(?![a-zA-Z])")
_HEAD = re.compile(r"^每(?:袋|支|粒|片|丸|瓶|包)(?:装|重)")
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司)$")
SHORT_FORMS = {
    "颗粒剂": "颗粒",
    "胶囊剂": "胶囊",
    "片剂": "片",
    "糖浆剂": "糖浆",
    "软膏剂": "软膏",
    "乳膏剂": "乳膏",
}
APPROVAL_PREFIX = "国药准字"


def fullwidth_brackets(text: str) -> str:
    """(…) -> （…）, as Chinese input methods type them."""
    return text.replace("(", "（").replace(")", "）")


def alt_units(spec: str) -> str:
    """mg <-> 毫克, g <-> 克, ml <-> 毫升 on every quantity."""
    return _QTY.sub(lambda m: m.group(1) + _UNIT_SWAP[m.group(2)], spec)


def drop_head(spec: str) -> str:
    """'每袋装6g' -> '6g'."""
    return _HEAD.sub("", spec)


def with_pack(spec: str, package: str) -> str:
    """'0.25g' + '24粒/盒' -> '0.25g*24粒', the way a till prints strength and pack size."""
    return f"{spec}*{package.split('/')[0]}"


def short_maker(maker: str) -> str:
    """'修正药业集团股份有限公司' -> '修正药业集团': the legal form dropped."""
    return _LEGAL_FORM.sub("", maker)


def bare_approval(approval: str) -> str:
    """'国药准字Z20063237' -> 'Z20063237'."""
    return approval.removeprefix(APPROVAL_PREFIX)


def has_alt_units(spec: str) -> bool:
    return bool(_QTY.search(spec))


def can_shorten_maker(maker: str) -> bool:
    return bool(_LEGAL_FORM.search(maker)) and len(short_maker(maker)) >= 4


# Goods a retail pharmacy sells that carry no national code: (category, name, spec, maker,
# licence number, unit, price).
UNCODED_GOODS: tuple[tuple[str, str, str, str, str, str, float], ...] = (
    (
        "消毒用品",
        "医用酒精75%",
        "500ml",
        "山东康洁消毒用品有限公司",
        "鲁卫消证字(2016)第0031号",
        "瓶",
        9.8,
    ),
    (
        "消毒用品",
        "碘伏消毒液",
        "100ml",
        "江西洁康消毒制品有限公司",
        "赣卫消证字(2018)第0107号",
        "瓶",
        6.5,
    ),
    (
        "消毒用品",
        "酒精棉片",
        "100片/盒",
        "浙江安洁卫生用品有限公司",
        "浙卫消证字(2019)第0045号",
        "盒",
        12.0,
    ),
    (
        "消毒用品",
        "84消毒液",
        "500ml",
        "河北净安消毒制品有限公司",
        "冀卫消证字(2015)第0022号",
        "瓶",
        8.9,
    ),
    (
        "医疗器械",
        "电子血压计",
        "上臂式",
        "广东瑞康医疗器械有限公司",
        "粤械注准20182070123",
        "台",
        268.0,
    ),
    (
        "医疗器械",
        "医用电子体温计",
        "笔式",
        "江苏康健医疗用品有限公司",
        "苏械注准20192070456",
        "支",
        29.0,
    ),
    (
        "医疗器械",
        "血糖试纸",
        "50片/盒",
        "湖南瑞安生物科技有限公司",
        "湘械注准20172400321",
        "盒",
        98.0,
    ),
    (
        "医疗器械",
        "一次性使用医用口罩",
        "10只/袋",
        "河南安康医疗科技有限公司",
        "豫械注准20202140987",
        "袋",
        5.0,
    ),
    ("保健食品", "蛋白粉", "400g", "广州健源营养食品有限公司", "国食健注G20150123", "罐", 198.0),
    (
        "保健食品",
        "维生素C咀嚼片",
        "60片",
        "江苏维康生物科技有限公司",
        "食健备G201932000456",
        "瓶",
        39.0,
    ),
    (
        "保健食品",
        "鱼油软胶囊",
        "1g*100粒",
        "山东海健生物工程有限公司",
        "国食健注G20140789",
        "瓶",
        128.0,
    ),
    ("滋补品", "阿胶", "250g", "山东东阿同泰阿胶有限公司", "", "盒", 680.0),
    ("滋补品", "燕窝", "50g", "厦门金燕食品有限公司", "", "盒", 1280.0),
    ("滋补品", "西洋参片", "100g", "吉林长白参业有限公司", "", "盒", 368.0),
    ("滋补品", "冬虫夏草", "5g", "青海雪域虫草有限公司", "", "盒", 1980.0),
    ("日用品", "婴儿湿巾", "80片", "福建恒洁卫生用品有限公司", "", "包", 12.9),
)

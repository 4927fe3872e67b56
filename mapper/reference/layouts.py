"""Published layouts of the national release files: which Chinese header fills which column.

Each code system has one :class:`Layout`. A :class:`Source` names the published headers a
reference column is read from (the first header a file has wins; headers match after removing
spaces, full-width brackets are folded). Published columns no Source claims are kept verbatim in
the record's ``extra`` column (a JSON object, header → cell text), so nothing a release carries
is lost. See docs/reference-releases.md for the same tables in prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Where one reference column comes from in a published file."""

    column: str
    headers: tuple[str, ...]
    required: bool = False  # the header must exist and every row must have a value
    # Regex alternatives matched against the whole header (e.g. "2025版甲乙类").
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """The published layout of one system's release file."""

    system: str
    sources: tuple[Source, ...]
    # Derived drug package "10片/盒" from 最小包装数量, 最小制剂单位, 最小包装单位.
    package_parts: tuple[str, str, str] | None = None
    generic_from_name: bool = True  # fill generic_name with name where the file has none

    def source(self, column: str) -> Source | None:
        """The Source of a reference column, if the layout reads it."""
        return next((s for s in self.sources if s.column == column), None)


PAYMENT = Source(
    "payment_category",
    ("甲乙类", "甲乙丙类", "甲乙丙类标识", "医保类别", "支付类别"),
    patterns=(r"(?:\d{4}版)?甲乙丙?类(?:标识)?",),
)
VALID_FROM = Source(
    "valid_from", ("开始日期", "有效开始日期", "生效日期", "有效期开始", "开始时间")
)
VALID_TO = Source("valid_to", ("结束日期", "有效结束日期", "失效日期", "有效期结束", "结束时间"))
MARKET = Source("market_status", ("市场状态", "状态", "有效标志"))
COMMON = (PAYMENT, VALID_FROM, VALID_TO, MARKET)

# fmt: off
LAYOUTS: dict[str, Layout] = {
    "drug": Layout(
        "drug",
        (
            Source("code", ("药品代码", "国家药品代码", "医保药品代码"), required=True),
            Source("name", ("注册名称",), required=True),
            Source("generic_name", ("医保药品名称", "通用名", "通用名称")),
            Source("dosage_form", ("剂型", "注册剂型")),
            Source("spec", ("规格", "注册规格")),
            Source("unit", ("最小包装单位",)),
            Source("manufacturer", ("生产企业", "生产企业名称")),
            Source("approval_no", ("批准文号",)),
            Source("base_code", ("药品本位码",)),
            *COMMON,
        ),
        package_parts=("最小包装数量", "最小制剂单位", "最小包装单位"),
    ),
    "herbal": Layout(
        "herbal",
        (
            Source("code", ("国家中药饮片代码", "中药饮片代码", "饮片代码"), required=True),
            Source("name", ("名称", "饮片名称", "中药饮片名称"), required=True),
            Source("generic_name", ("药材名称",)),
            Source("spec", ("炮制方法", "规格")),
            Source("package", ("包装规格", "包装")),
            Source("unit", ("计价单位", "单位")),
            Source("manufacturer", ("生产企业", "生产企业名称")),
            *COMMON,
        ),
    ),
    "preparation": Layout(
        "preparation",
        (
            Source("code", ("制剂代码", "医疗机构制剂代码"), required=True),
            Source("name", ("名称", "制剂名称"), required=True),
            Source("dosage_form", ("剂型",)),
            Source("spec", ("规格",)),
            Source("package", ("包装",)),
            Source("unit", ("最小包装单位", "计价单位", "单位")),
            Source("manufacturer", ("申请人单位", "配制单位")),
            Source("approval_no", ("批准文号", "制剂批准文号")),
            *COMMON,
        ),
    ),
    "consumable": Layout(
        "consumable",
        (
            # A 27-character release file lists products; its 20位码 stays in ``extra``.
            Source("code", ("27位码", "耗材代码", "20位码"), required=True),
            Source("name", ("单件产品名称",), required=True),
            Source("generic_name", ("医保通用名",)),
            Source("spec", ("规格型号", "规格")),
            Source("unit", ("计价单位", "最小销售单位", "单位")),
            Source("manufacturer", ("耗材企业", "生产企业")),
            Source("approval_no", ("注册备案号", "注册证编号")),
            Source("base_code", ("UDI", "UDI-DI")),
            *COMMON,
        ),
    ),
    "service": Layout(
        "service",
        (
            Source("code", ("项目代码", "国家项目代码", "医疗服务项目代码"), required=True),
            Source("name", ("项目名称",), required=True),
            Source("unit", ("计价单位",)),
            *COMMON,
        ),
    ),
    "institution": Layout(
        "institution",
        (
            Source("code", ("机构代码", "医药机构代码", "定点医药机构代码"), required=True),
            Source("name", ("机构名称", "医药机构名称", "定点医药机构名称"), required=True),
            *COMMON,
        ),
        generic_from_name=False,
    ),
}
# fmt: on


def header_key(header: str) -> str:
    """A published header as matched: no spaces, ASCII brackets."""
    return re.sub(r"\s+", "", header).replace("（", "(").replace("）", ")")


def match_headers(layout: Layout, headers: list[str]) -> dict[str, str]:
    """Reference column → the file header it is read from (first listed header wins)."""
    by_key = {header_key(h): h for h in headers}
    out: dict[str, str] = {}
    for src in layout.sources:
        hit = next((by_key[header_key(h)] for h in src.headers if header_key(h) in by_key), None)
        if hit is None:
            hit = next(
                (h for h in headers for p in src.patterns if re.fullmatch(p, header_key(h))),
                None,
            )
        if hit is not None and hit not in out.values():
            out[src.column] = hit
    return out

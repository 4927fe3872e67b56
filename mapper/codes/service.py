"""Medical service items (医疗服务项目, 15 digits).

Structure: prefix 2 (``00``; ``01`` for newer items) · national price-item code 9 · sub-item 2 ·
surcharge/discount slot 2. Provinces append their own price code after a hyphen
(``001102000010000-110200001``); mapper checks the national part before the hyphen.
Every one of the 1,960 real codes in shared/data/real_service_codes.tsv fits.
Sources: docs/code-systems.md §5.
"""

import polars as pl

from mapper.codes.base import CodeShape, CodeSystem, Segment

ITEM = CodeShape(
    key="service-item",
    label="医疗服务项目",
    segments=(
        Segment("prefix", "前缀", "dd"),
        Segment("price_item", "价格项目码", "ddddddddd"),
        Segment("sub_item", "子项", "dd"),
        Segment("surcharge", "加收/减收", "dd"),
    ),
    examples=("001102000010000", "001216000010100", "002503020030000"),
)

SYSTEM = CodeSystem(
    key="service",
    label="医疗服务项目",
    shapes=(ITEM,),
    source="NHSA 医疗服务项目分类与代码; verified on 1,960 real codes (docs/code-systems.md §5)",
    line_types=("service",),
)


def lost_leading_zeros_expr(code: pl.Expr) -> pl.Expr:
    """True where a service code looks like a spreadsheet turned it into a number."""
    return code.str.contains(r"^[1-9][0-9]{11,13}$")

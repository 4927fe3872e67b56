"""Medical consumables (医用耗材, ``C``: 20-character national code, 27-character release code).

Structure: C · level-1 class 2 · level-2 class 2 · level-3 class 2 · generic-name class 3 ·
material 2 · feature 3 · enterprise 5 (20 characters); the release code appends a 7-digit
product serial (27 characters). Sources: docs/code-systems.md §4.
"""

from mapper.codes.base import CodeShape, CodeSystem, Segment

_SEGMENTS = (
    Segment("system", "系统码C", "C"),
    Segment("class_1", "一级分类", "dd"),
    Segment("class_2", "二级分类", "dd"),
    Segment("class_3", "三级分类", "dd"),
    Segment("generic_name", "医保通用名", "ddd"),
    Segment("material", "材质", "dd"),
    Segment("feature", "特征", "ddd"),
    Segment("enterprise", "企业码", "ddddd"),
)

NATIONAL_20 = CodeShape(key="consumable-20", label="医用耗材(20位)", segments=_SEGMENTS)

RELEASE_27 = CodeShape(
    key="consumable-27",
    label="医用耗材(27位)",
    segments=(*_SEGMENTS, Segment("product", "产品码", "ddddddd")),
    examples=("C09100100000000211790000049",),
)

SYSTEM = CodeSystem(
    key="consumable",
    label="医用耗材",
    shapes=(NATIONAL_20, RELEASE_27),
    source="NHSA 医保医用耗材分类与代码 (docs/code-systems.md §4)",
    line_types=("consumable",),
)

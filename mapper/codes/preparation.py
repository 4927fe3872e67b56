"""Hospital preparations (医疗机构制剂, ``J``, 16 characters).

Preparation codes are issued by provinces. The published structure is thin: ``J`` followed by
15 digits (province 2 · institution 4 · class 2 · efficacy 2 · sequence 5). Treat the shape as
provisional; docs/code-systems.md §3 records what is confirmed.
"""

from mapper.codes.base import CodeShape, CodeSystem, Segment

PREPARATION = CodeShape(
    key="hospital-preparation",
    label="医疗机构制剂",
    segments=(
        Segment("system", "系统码J", "J"),
        Segment("province", "省份", "dd"),
        Segment("institution", "机构码", "dddd"),
        Segment("preparation_class", "制剂分类", "dd"),
        Segment("efficacy_class", "功效分类", "dd"),
        Segment("sequence", "顺序码", "ddddd"),
    ),
)

SYSTEM = CodeSystem(
    key="preparation",
    label="医疗机构制剂",
    shapes=(PREPARATION,),
    source="province-issued; provisional shape (docs/code-systems.md §3)",
    line_types=("preparation",),
)

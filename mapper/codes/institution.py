"""Designated institutions (定点医疗机构, ``H``) and retail pharmacies (定点零售药店, ``P``).

Structure: H or P · administrative division 6 (GB/T 2260) · sequence 5, 12 characters.
Sources: docs/code-systems.md §6.
"""

from mapper.codes.base import CodeShape, CodeSystem, Segment

_BODY = (
    Segment("division", "行政区划", "dddddd"),
    Segment("sequence", "顺序码", "ddddd"),
)

HOSPITAL = CodeShape(
    key="medical-institution",
    label="定点医疗机构",
    segments=(Segment("system", "机构类型H", "H"), *_BODY),
    examples=("H45012400011",),
)
PHARMACY = CodeShape(
    key="retail-pharmacy",
    label="定点零售药店",
    segments=(Segment("system", "机构类型P", "P"), *_BODY),
    examples=("P33052200672",),
)

SYSTEM = CodeSystem(
    key="institution",
    label="定点医药机构",
    shapes=(HOSPITAL, PHARMACY),
    source="NHSA 定点医疗机构/定点零售药店 代码 (docs/code-systems.md §6)",
)

"""Herbal decoction pieces (中药饮片, ``T``, 10 characters).

Structure: T · standard source 2 (00 national pharmacopoeia, else the province's
administrative-division prefix for a provincial processing standard) · efficacy class 2 ·
name code 5. Confidence and sources: docs/code-systems.md §2.
"""

from mapper.codes.base import CodeShape, CodeSystem, Segment

PIECE = CodeShape(
    key="herbal-piece",
    label="中药饮片",
    segments=(
        Segment("system", "系统码T", "T"),
        Segment("standard_source", "标准来源", "dd"),
        Segment("efficacy_class", "功效分类", "dd"),
        Segment("name", "饮片名称码", "ddddd"),
    ),
    examples=("T001700368",),
)

SYSTEM = CodeSystem(
    key="herbal",
    label="中药饮片",
    shapes=(PIECE,),
    source="NHSA 医保中药饮片分类与代码 (docs/code-systems.md §2)",
    line_types=("herbal",),
)

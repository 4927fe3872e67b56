"""Western drugs (西药, ``X``, 23 chars) and Chinese patent drugs (中成药, ``Z``, 20 chars).

Structure (医保药品分类与代码, NHSA 医保信息业务编码标准):
X · class 5 (ATC-like: letter, 2 digits, 2 letters) · generic-name code 4 (pinyin initial + 3
digits) · dosage-form code 4 (letter + 3 digits) · spec 2 · package 2 · enterprise 5.
Z · class 5 (ZA 内科, ZB 外科 …) · name code 5 (letter + 4 digits; the dosage form is part of the
name) · spec 2 · package 2 · enterprise 5.
The drug code has no check digit. Sources: see docs/code-systems.md (drug section); every one of
the 9,616 real codes in shared/data/real_drug_codes.txt fits (tests/codes/test_real_codes.py).
"""

from mapper.codes.base import CodeShape, CodeSystem, Segment

WESTERN = CodeShape(
    key="western-drug",
    label="西药",
    segments=(
        Segment("system", "系统码X", "X"),
        Segment("drug_class", "药品分类", "lddll"),
        Segment("generic_name", "通用名码", "lddd"),
        Segment("dosage_form", "剂型码", "lddd"),
        Segment("spec", "规格码", "dd"),
        Segment("package", "包装码", "dd"),
        Segment("enterprise", "企业码", "ddddd"),
    ),
    examples=("XA01ABD075A002010100483", "XL02BBA326A001010102180"),
)

PATENT = CodeShape(
    key="patent-drug",
    label="中成药",
    segments=(
        Segment("system", "系统码Z", "Z"),
        Segment("drug_class", "药品分类", "lddll"),
        Segment("name", "药品名称码", "ldddd"),
        Segment("spec", "规格码", "dd"),
        Segment("package", "包装码", "dd"),
        Segment("enterprise", "企业码", "ddddd"),
    ),
    examples=("ZD03AAA0043010100166", "ZA04CAE0023010100166"),
)

SYSTEM = CodeSystem(
    key="drug",
    label="西药/中成药",
    shapes=(WESTERN, PATENT),
    source="NHSA 医保药品分类与代码; verified on 9,616 real codes (docs/code-systems.md §1)",
    line_types=("drug",),
)

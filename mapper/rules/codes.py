"""COD: is there a national code, is it well formed, and is it of the right system?"""

from __future__ import annotations

import polars as pl

from mapper.codes import SYSTEMS, explain_expr
from mapper.line_types import non_insured_expr
from mapper.policy.classify import class_labels
from mapper.rules import register
from mapper.rules.base import CheckContext, Rule, Severity

SYSTEM_LABELS = {key: system.label for key, system in SYSTEMS.items()}


def _system_label(expr: pl.Expr) -> pl.Expr:
    """Chinese labels of one system key or of several joined by "|" (drug|herbal)."""
    labels = expr.str.split("|").list.eval(
        pl.element().replace_strict(SYSTEM_LABELS, default=pl.element(), return_dtype=pl.String)
    )
    return labels.list.join("或")


@register
class MissingCode(Rule):
    """Insured item has no national code (未对码).

    ## What it does
    Flags catalog rows whose national-code cell is empty or blank, on lines that must carry
    a code: drugs, herbal pieces, preparations, consumables, service items, and lines whose
    kind the catalog does not say. Goods that have no national code at all (消毒液, 保健品 …)
    are COD006, not this.

    ## Why is this bad?
    After go-live the national platform settles only items that carry a national code.
    An uncoded item cannot be paid from the pooled fund (统筹基金) or the personal account
    (个人账户), and an institution that has not mapped its insured items has not finished
    贯标 (readiness counts them).

    ## Example
    | 商品编码 | 通用名称 | 商品类别 | 医保编码 |
    | --- | --- | --- | --- |
    | 100231 | 阿莫西林胶囊 | 西药 | |

    ## How to fix
    Map the item to its national code (对码), e.g. with `mapper suggest`.
    """

    code = "COD001"
    name = "missing-code"
    severity = Severity.ERROR
    field = "code"
    message = (
        "未填写国家医保编码，上线后不能使用医保统筹基金或个人账户支付，请对码 / "
        "No national code: after go-live this item cannot be paid from the pooled fund or the "
        "personal account; map it to its national code"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_key").is_null() & ~non_insured_expr()

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit("国家医保编码 national code")


@register
class MalformedCode(Rule):
    """Code does not fit the structure of any national code system.

    ## What it does
    Checks the code against the published structure of its system (chosen by its first
    character) and says which position is wrong or that the length is wrong.

    ## Why is this bad?
    The national platform rejects a malformed code when the item is uploaded or settled,
    so the item cannot be paid by insurance. Typical causes: a typed letter O for the digit
    0, a truncated copy, or a spreadsheet that dropped the leading zeros of a service code.

    ## Example
    `XA01ABD075A0020101004O3` (the letter O at position 22), `1102000010000` (13 digits).

    ## How to fix
    Copy the code again from the national database, keeping it as text.
    """

    code = "COD002"
    name = "malformed-code"
    severity = Severity.ERROR
    field = "code"
    message = "国家医保编码“{actual}”格式错误 / malformed national code: {expected}"

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return (
            pl.col("code_key").is_not_null()
            & ~pl.col("code_well_formed")
            & ~UnverifiedPreparationCode.applies()
        )

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return explain_expr(pl.col("code_key"))


@register
class WrongCodeSystem(Rule):
    """Code belongs to another code system than the catalog line's type.

    ## What it does
    Compares the system of a well-formed code (drug, herbal piece, preparation, consumable,
    service item) with the line type the catalog gives (类别/项目类别).

    ## Why is this bad?
    A drug line settled with a consumable code (or the reverse) is a wrong mapping: the
    platform prices and pays it under the wrong catalog, or rejects it.

    ## Example
    | 项目类别 | 项目名称 | 国家医保编码 |
    | --- | --- | --- |
    | 西药 | 阿莫西林胶囊 | C1405010000000012345 |

    ## How to fix
    Use the code from the matching national catalog, or correct the line type.
    """

    code = "COD003"
    name = "wrong-code-system"
    severity = Severity.ERROR
    field = "code"
    message = (
        "类别为{expected}，但编码“{code_key}”属于{actual} / the line type needs a {expected} "
        "code but '{code_key}' is a {actual} code"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return (
            pl.col("code_system").is_not_null()
            & pl.col("expected_system").is_not_null()
            & ~pl.col("expected_system").str.split("|").list.contains(pl.col("code_system"))
        )

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return _system_label(pl.col("expected_system"))

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return _system_label(pl.col("code_system"))


@register
class UnnormalisedCode(Rule):
    """Code has spaces, full-width characters, lower case or quote marks around it.

    ## What it does
    Flags codes that only match the national code after cleaning: surrounding or inner
    spaces, full-width letters or digits (ＸＡ０１…), lower-case letters, or a leading
    apostrophe left by a spreadsheet.

    ## Why is this bad?
    The platform compares codes character by character; an uncleaned code is rejected on
    upload even though the intended code is right. mapper checks the cleaned code.

    ## Example
    ` xa01abd075a002010100483 ` instead of `XA01ABD075A002010100483`.

    ## How to fix
    Replace the cell with the cleaned code shown as expected.
    """

    code = "COD004"
    name = "unnormalised-code"
    severity = Severity.WARNING
    field = "code"
    message = (
        "编码含空格、全角或小写字符，应写为“{expected}” / the code has spaces, full-width or "
        "lower-case characters; write it as '{expected}'"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_clean").is_not_null() & (pl.col("code") != pl.col("code_clean"))

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_clean")


@register
class UnverifiedPreparationCode(Rule):
    """Hospital-preparation line whose code does not fit the provisional preparation shape.

    ## What it does
    On a 医疗机构制剂 line, a code that fits no known shape and is not in the reference is
    reported as a warning, not as a malformed code (COD002).

    ## Why is this bad?
    Preparation codes are issued by provinces and their national structure is not
    confirmed (docs/code-systems.md §3); mapper checks them against a provisional shape
    (`J` + 15 digits). A code outside it may be a valid provincial code — or a typo.

    ## Example
    | 项目类别 | 项目名称 | 国家医保编码 |
    | --- | --- | --- |
    | 医疗机构制剂 | 清热解毒合剂 | ZJ3301001 |

    ## How to fix
    Check the code against the provincial preparation catalog; if it is right, load that
    catalog into the reference store so the code is known.
    """

    code = "COD005"
    name = "unverified-preparation-code"
    severity = Severity.WARNING
    field = "code"
    message = (
        "医疗机构制剂编码“{code_key}”不符合暂定格式且不在编码库中，请与省级制剂目录核对 / "
        "preparation code '{code_key}' fits no known shape and is not in the reference; verify "
        "it against the provincial preparation catalog"
    )

    @staticmethod
    def applies() -> pl.Expr:
        return (
            (pl.col("line_kind") == "preparation")
            & pl.col("code_key").is_not_null()
            & ~pl.col("code_well_formed")
            & ~pl.col("ref_found")
        )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return self.applies()

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit("J + 15 digits (provisional) or a code in the reference")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        return pl.col("code_key")


@register
class NonInsuredGoods(Rule):
    """Goods outside medical insurance: no national code exists, settle in cash (自费).

    ## What it does
    Flags uncoded items recognised as goods that have no national code: a goods class from
    the item's category or name (消杀类用品, 小型器械, 保健品, 滋补品, 非功能性整形美容; the
    lexicon in `mapper/policy/lexicon.toml`) or a line the catalog files as non-medical goods
    (非药品, 日用品, 食品). Medicines (an approval number, a 西药/中成药 line) and lines the
    catalog files under an insured kind are never recognised by name alone.

    ## Why is this bad?
    It is not a mapping failure: these goods have no national code to map to, so after
    go-live they cannot be paid from the personal account or the pooled fund ("药店经营的消杀类
    用品、小型器械等均没有国家编码，无法使用个人账户支付", Harbin FAQ). The till must settle them
    in cash. They are outside the 贯标率 denominator and listed in the cash items output.

    ## Example
    | 商品编码 | 通用名称 | 商品类别 | 医保编码 |
    | --- | --- | --- | --- |
    | 7806119 | 84消毒液 1L | 非药品 | |

    ## How to fix
    Mark the item for cash settlement (自费) in the till before go-live; do not map it. If
    it is in fact a medicine or a coded consumable, give it its category and national code.
    """

    code = "COD006"
    name = "non-insured-goods"
    severity = Severity.WARNING
    field = "code"
    message = (
        "无国家医保编码的非医保商品，上线后个人账户/统筹基金不可支付，请按自费（现金）结算 / "
        "Goods without a national code: after go-live neither the personal account nor the "
        "pooled fund pays for them; settle them in cash"
    )

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return non_insured_expr()

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.lit("自费结算 cash settlement")

    def actual(self, ctx: CheckContext) -> pl.Expr:
        label = pl.col("goods_class").replace_strict(class_labels(), default=None)
        return pl.coalesce(
            pl.format("{}（{}）", label, pl.col("class_term")),
            pl.format("类别:{}", pl.col("line_type")),
            pl.lit("非医保商品"),
        )

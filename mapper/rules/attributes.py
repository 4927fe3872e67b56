"""ATT: do the catalog's attributes agree with the reference record of its code?

Both sides are folded by :mod:`mapper.normalize` (the engine adds ``<field>_key`` and
``ref_<field>_key`` columns) before comparing, so full-width
brackets, case, spaces, unit spellings and company suffixes never cause a finding. A rule only
compares when both sides have a value: an empty catalog cell is not a disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from mapper import normalize as nz
from mapper.rules import register
from mapper.rules.base import ROW_KEYS, CheckContext, Rule, Severity


class AttributeRule(Rule):
    """Shared shape of the attribute rules: compare a catalog field with a reference column."""

    ref_column: str
    severity = Severity.WARNING
    message = (
        "{label}与国家编码库不一致：编码库为“{expected}”，目录为“{actual}” / {label_en} differs "
        "from the reference record: reference '{expected}', catalog '{actual}'"
    )

    def folds(self) -> tuple[str, ...]:
        """The columns whose ``<column>_key`` (comparison key) :meth:`agrees` reads."""
        return (self.field, self.ref_column)

    def agrees(self) -> pl.Expr:
        """True where the folded values agree: by default one key contains the other."""
        return nz.either_contains(pl.col(f"{self.field}_key"), pl.col(f"{self.ref_column}_key"))

    def same_text(self) -> pl.Expr:
        """True where the catalog has the reference's very text (then :meth:`agrees` holds:
        for these rules two null keys agree)."""
        return (pl.col(self.field) == pl.col(self.ref_column)).fill_null(False)

    def compares(self) -> pl.Expr:
        """True where the folded values must be compared: a reference record, a value on both
        sides, and not the same text. The engine folds only these rows' values."""
        both = pl.col(self.field).is_not_null() & pl.col(self.ref_column).is_not_null()
        return pl.col("ref_found") & both & ~self.same_text()

    def condition(self, ctx: CheckContext) -> pl.Expr:
        return self.compares() & ~self.agrees().fill_null(True)

    def expected(self, ctx: CheckContext) -> pl.Expr:
        return pl.col(self.ref_column)

    def findings(
        self, enriched: pl.LazyFrame, ctx: CheckContext, keys: Sequence[str] = ROW_KEYS
    ) -> pl.LazyFrame:
        label, label_en = LABELS[self.field]
        return super().findings(
            enriched.with_columns(label=pl.lit(label), label_en=pl.lit(label_en)), ctx, keys
        )


LABELS = {
    "name": ("名称", "name"),
    "spec": ("规格", "specification"),
    "dosage_form": ("剂型", "dosage form"),
    "manufacturer": ("生产企业", "manufacturer"),
    "approval_no": ("批准文号/注册证号", "approval number"),
}


@register
class NameMismatch(AttributeRule):
    """Item name differs from the reference record's registered or generic name.

    ## What it does
    Compares the catalog's name (and trade name, where the catalog has one) with the
    reference record's registered name and generic name. One containing the other counts as
    agreement (`阿莫西林胶囊(阿莫仙)` agrees with `阿莫西林胶囊`).

    ## Why is this bad?
    A code whose product has another name almost always means the item was mapped to the
    wrong product, so settlement records the wrong drug.

    ## Example
    Catalog `布洛芬缓释胶囊` mapped to the code of `对乙酰氨基酚片`.

    ## How to fix
    Re-map the item to the code of the product it really is.
    """

    code = "ATT001"
    name = "name-mismatch"
    field = "name"
    ref_column = "ref_name"

    def folds(self) -> tuple[str, ...]:
        return ("name", "trade_name", "ref_name", "ref_generic_name")

    def same_text(self) -> pl.Expr:
        # Only text with a letter or digit: name_key folds "/" or "-" to nothing, and two
        # empty keys do not agree (a "/" trade name says nothing about the product).
        pairs = [(a, b) for a in ("name", "trade_name") for b in ("ref_name", "ref_generic_name")]
        return pl.any_horizontal(
            [
                ((pl.col(a) == pl.col(b)) & pl.col(a).str.contains(r"[\p{L}\p{N}]")).fill_null(
                    False
                )
                for a, b in pairs
            ]
        )

    def agrees(self) -> pl.Expr:
        local = [pl.col("name_key"), pl.col("trade_name_key")]
        ref = [pl.col("ref_name_key"), pl.col("ref_generic_name_key")]
        return pl.any_horizontal(
            [nz.either_contains(a, b).fill_null(False) for a in local for b in ref]
        )


@register
class SpecMismatch(AttributeRule):
    """Specification (strength) differs from the reference record.

    ## What it does
    Compares the set of strengths after folding units (`250毫克` = `250mg` = `0.25g`;
    `2ml:100mg` = `100mg/2ml`; one side naming fewer strengths agrees); where no strength
    can be read on both sides, one spec containing the other counts as agreement, so a pack
    size suffix (`0.25g*24粒`) is fine.

    ## Why is this bad?
    Each strength has its own national code; a wrong strength means the wrong code and a
    wrong price.

    ## Example
    Catalog `0.5g*12片` mapped to the code of the `0.25g` product.

    ## How to fix
    Pick the code of the product with the catalog's strength.
    """

    code = "ATT002"
    name = "spec-mismatch"
    field = "spec"
    ref_column = "ref_spec"

    def compares(self) -> pl.Expr:
        # A reference spec without a number (净制, 切片: how a herbal piece is processed) says
        # nothing about the catalog's pack size or strength.
        return super().compares() & pl.col("ref_spec").str.contains("[0-9]").fill_null(False)

    def agrees(self) -> pl.Expr:
        local = pl.col("spec_strengths").str.split("|")
        ref = pl.col("ref_spec_strengths").str.split("|")
        both_parsed = (pl.col("spec_strengths") != "") & (pl.col("ref_spec_strengths") != "")
        # One side may name fewer strengths (0.1g against 5ml:0.1g): a subset agrees.
        subset = (local.list.set_difference(ref).list.len() == 0) | (
            ref.list.set_difference(local).list.len() == 0
        )
        return (
            pl.when(both_parsed.fill_null(False))
            .then(subset)
            .otherwise(nz.either_contains(pl.col("spec_key"), pl.col("ref_spec_key")))
        )


@register
class DosageFormMismatch(AttributeRule):
    """Dosage form differs from the reference record.

    ## What it does
    Compares dosage forms after folding synonyms (`片剂` = `片`, `注射液` = `注射剂`); one
    containing the other counts as agreement (`薄膜衣片` agrees with `片剂`).

    ## Why is this bad?
    Tablets, capsules and injections of one drug have different national codes.

    ## Example
    Catalog `胶囊剂` mapped to the code of a tablet (`片剂`).

    ## How to fix
    Pick the code of the product with the catalog's dosage form.
    """

    code = "ATT003"
    name = "dosage-form-mismatch"
    field = "dosage_form"
    ref_column = "ref_dosage_form"


@register
class ManufacturerMismatch(AttributeRule):
    """Manufacturer differs from the reference record.

    ## What it does
    Compares manufacturers after dropping company suffixes (股份有限公司, 有限公司, 制药厂 …);
    one containing the other counts as agreement, so a shortened name is fine.

    ## Why is this bad?
    The last five characters of a drug code identify the enterprise: the same drug from
    another maker has another code, and often another price.

    ## Example
    Catalog `华北制药股份有限公司` mapped to a code of `石药集团欧意药业有限公司`.

    ## How to fix
    Pick the code registered to the catalog's manufacturer.
    """

    code = "ATT004"
    name = "manufacturer-mismatch"
    field = "manufacturer"
    ref_column = "ref_manufacturer"


@register
class ApprovalNumberMismatch(AttributeRule):
    """Approval or registration number differs from the reference record.

    ## What it does
    Compares the letter-and-digits core of the drug approval number (批准文号, `国药准字H20067255`
    → `H20067255`) or device registration number (注册证编号).

    ## Why is this bad?
    The approval number identifies one product of one maker: a different number means the
    code belongs to another product. This is the strongest sign of a wrong mapping, so it is
    an error, not a warning.

    ## Example
    Catalog `国药准字H20067255` mapped to a code whose record has `国药准字H44021234`.

    ## How to fix
    Look the approval number up in the national database and use the code it lists.
    """

    code = "ATT005"
    name = "approval-number-mismatch"
    field = "approval_no"
    ref_column = "ref_approval_no"
    severity = Severity.ERROR

    def agrees(self) -> pl.Expr:
        return pl.col("approval_no_key") == pl.col("ref_approval_no_key")

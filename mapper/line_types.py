"""Line types: what kind of line an item is (drug, herbal piece, service …), from every signal
the catalog gives, and the code systems each kind must carry.

The category vocabulary is data (``line_types.toml``); which code system a line type expects
comes from the code systems themselves (:attr:`mapper.codes.base.CodeSystem.line_types`).
When the category is missing or says nothing, the line type comes from the code's system,
then from the sheet's name, then from the goods classifier (a name recognised as 消毒液 or
保健品 is a non-insured line); ``line_type_source`` records which signal decided.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

from mapper.codes import SYSTEMS
from mapper.fields import normalise_header
from mapper.normalize import Memo
from mapper.policy.classify import classify

LINE_TYPES: dict[str, str] = {
    "drug": "西药中成药 (101/104)",
    "herbal": "中药饮片 (102)",
    "preparation": "医疗机构制剂 (103)",
    "service": "医疗服务项目 (201)",
    "consumable": "医用耗材 (301)",
    "tcm": "中药 (中成药或饮片)",
    "other": "非医保类商品 (保健品、消杀用品、日用品等)",
    "unknown": "未标明类别",
}

# Line types a catalog line must carry a national code for (unknown: not known not to).
INSURED = ("drug", "herbal", "tcm", "preparation", "consumable", "service", "unknown")
# Lines whose items are insured whatever their name says: a name alone (纱布, 口罩) does not
# make a 卫生材料 line's item goods outside insurance.
CODED_LINES = ("drug", "preparation", "consumable", "service")


def _expected_systems() -> dict[str, str]:
    """Line type → the code systems its items may carry ("|"-separated), from the systems."""
    out: dict[str, list[str]] = {}
    for system in SYSTEMS.values():
        for line_type in system.line_types:
            out.setdefault(line_type, []).append(system.key)
    # A bare 中药 line is either a 中成药 (drug code) or a 饮片 (herbal code).
    out["tcm"] = [*out["drug"], *out["herbal"]]
    return {line_type: "|".join(systems) for line_type, systems in out.items()}


EXPECTED_SYSTEM: dict[str, str] = _expected_systems()
# The line type a well-formed code of each system says its item is.
LINE_TYPE_OF_SYSTEM: dict[str, str] = {
    system.key: system.line_types[0] for system in SYSTEMS.values() if system.line_types
}


@dataclass(frozen=True)
class Vocabulary:
    """The category words, in the order they are tried, and the negations."""

    words: tuple[tuple[str, str], ...]  # (folded word, line type)
    negations: tuple[str, ...]
    negated: str


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = (resources.files("mapper") / "line_types.toml").read_text("utf-8")
    data = tomllib.loads(text)
    words = tuple(
        (normalise_header(word), group["line_type"])
        for group in data["groups"]
        for word in group["words"]
    )
    unknown = {lt for _, lt in words} - set(LINE_TYPES)
    if unknown:  # pragma: no cover - the shipped file is tested
        raise ValueError(f"line_types.toml names unknown line types: {sorted(unknown)}")
    return Vocabulary(
        words=words,
        negations=tuple(normalise_header(n) for n in data["negations"]),
        negated=data["negated"],
    )


def line_type_of(category: str | None) -> str:
    """The line type a category text (类别) names; ``unknown`` when it names none.

    A word right after a negation (非药品, 非医疗器械) names what the line is not: it is
    masked, and the rest of the text is read; a category that only denies (非药品) is a
    line of goods outside insurance (``other``).
    """
    if category is None:
        return "unknown"
    text = normalise_header(category)
    vocab = vocabulary()
    denied = False
    masked = True
    while masked:
        masked = False
        for word, line_type in vocab.words:
            at = text.find(word)
            if at < 0:
                continue
            negation = next((n for n in vocab.negations if text[:at].endswith(n)), None)
            if negation is None:
                return line_type
            # Masked with a character no word holds, so 非医疗器械 does not leave 器械 behind.
            start, end = at - len(negation), at + len(word)
            text = text[:start] + "\0" * (end - start) + text[end:]
            denied = masked = True
            break
    return vocab.negated if denied else "unknown"


def category_line_types(categories: pl.Series) -> dict[str | None, str]:
    """Each distinct category text's line type (the vocabulary runs once per distinct value)."""
    return {value: line_type_of(value) for value in categories.unique().to_list()}


def classify_lines(products: pl.DataFrame, memo: Memo | None = None) -> pl.DataFrame:
    """Add ``line_kind``, ``line_type_source``, ``expected_system``, ``goods_class`` and
    ``class_term`` to enriched products (code system and reference record joined).

    The line type comes from the strongest signal that says something: the category column
    (``line_type``), the system of a well-formed code, the sheet's name (``sheet``, where
    the catalog has one), else a goods class recognised in the name makes it a line of goods
    outside insurance (``other``). A goods class recognised in the name only is dropped where
    the line is evidently insured: a medicine (:func:`drug_evidence`) or a line of a kind in
    :data:`CODED_LINES` (纱布 on a 卫生材料 line is a consumable to code).
    """
    category_kind = pl.col("line_type").replace_strict(
        category_line_types(products.get_column("line_type")), return_dtype=pl.String
    )
    if "sheet" in products.columns:
        sheet_kind = pl.col("sheet").replace_strict(
            category_line_types(products.get_column("sheet")), return_dtype=pl.String
        )
    else:
        sheet_kind = pl.lit("unknown")
    from_code = pl.when(pl.col("code_well_formed")).then(
        pl.col("code_system").replace_strict(
            LINE_TYPE_OF_SYSTEM, default=None, return_dtype=pl.String
        )
    )
    told = [
        ("category", pl.when(category_kind != "unknown").then(category_kind)),
        ("code", from_code),
        ("sheet", pl.when(sheet_kind != "unknown").then(sheet_kind)),
    ]
    kind: pl.Expr = pl.lit("unknown")
    source: pl.Expr = pl.lit("none")
    for name, expr in reversed(told):  # reversed: the strongest signal wins
        kind = pl.when(expr.is_not_null()).then(expr).otherwise(kind)
        source = pl.when(expr.is_not_null()).then(pl.lit(name)).otherwise(source)
    # Not herbal lines: a 丙类 冬虫夏草 piece is a tonic whatever its code (Huzhou).
    insured_line = pl.col("line_kind").is_in(CODED_LINES)
    by_name_only = ~pl.col("class_term").fill_null("").str.starts_with("类别:")
    overridden = by_name_only & (drug_evidence() | insured_line)
    named_goods = (pl.col("line_kind") == "unknown") & pl.col("goods_class").is_not_null()
    return (
        classify(products, memo, category="line_type")
        .lazy()
        .with_columns(line_kind=kind, line_type_source=source)
        .with_columns(
            pl.when(overridden).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("goods_class", "class_term")
        )
        .with_columns(
            line_kind=pl.when(named_goods).then(pl.lit("other")).otherwise("line_kind"),
            line_type_source=pl.when(named_goods)
            .then(pl.lit("name"))
            .otherwise("line_type_source"),
        )
        .with_columns(
            expected_system=pl.col("line_kind").replace_strict(
                EXPECTED_SYSTEM, default=None, return_dtype=pl.String
            )
        )
        .collect()
    )


def non_insured_expr() -> pl.Expr:
    """True for enriched products that are goods outside insurance: no code, and a goods
    class (消毒液, 保健品 …) or a line the catalog files as non-medical goods (非药品, 日用品).
    These are settled in cash after go-live, not mapped (COD006, not COD001)."""
    return pl.col("code_key").is_null() & (
        pl.col("goods_class").is_not_null() | (pl.col("line_kind") == "other")
    )


def drug_evidence() -> pl.Expr:
    """True where enriched products are evidently medicines: an approval number, a drug code
    the release holds, or a herbal code the release pays for (甲/乙)."""
    approval = pl.col("approval_no").fill_null("").str.contains("国药准字|[HZSBJ][0-9]{8}")
    known = pl.col("code_well_formed") & pl.col("ref_found")
    drug_code = known & (pl.col("code_system") == "drug")
    paid_herbal = (
        known
        & (pl.col("code_system") == "herbal")
        & pl.col("ref_payment_category").is_in(["甲", "乙"])
    )
    return (approval | drug_code | paid_herbal).fill_null(False)

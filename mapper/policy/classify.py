"""Recognise the classes of goods a policy excludes (消杀类用品, 小型器械, 保健品, 滋补品,
非功能性整形美容) from an item's name and category, where no reference record can tell.

The lexicon is data (lexicon.toml). Matching is vectorised: one regular expression per class,
run once per distinct name and category, reporting the term that fired.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

from mapper import normalize


@dataclass(frozen=True)
class GoodsClass:
    key: str
    label: str
    label_en: str
    terms: tuple[str, ...]
    categories: tuple[str, ...]
    not_before: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> tuple[GoodsClass, ...]:
    """The maintained lexicon, in the order classes are tried."""
    text = (resources.files("mapper.policy") / "lexicon.toml").read_text("utf-8")
    data = tomllib.loads(text)["classes"]
    return tuple(
        GoodsClass(
            key=key,
            label=spec["label"],
            label_en=spec["label_en"],
            terms=tuple(t.lower() for t in spec["terms"]),
            categories=tuple(spec.get("categories", ())),
            not_before=tuple(spec.get("not_before", ())),
        )
        for key, spec in data.items()
    )


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _term_match(name_key: pl.Expr, cls: GoodsClass) -> pl.Expr:
    """The first term of ``cls`` in the name, unless a drug word follows it (阿胶补血口服液)."""
    found = name_key.str.extract(f"({_alternation(cls.terms)})", 1)
    if not cls.not_before:
        return found
    after = name_key.str.extract(f"(?:{_alternation(cls.terms)})(.*)$", 1)
    drug_like = after.str.contains(_alternation(cls.not_before))
    return pl.when(drug_like.fill_null(False)).then(None).otherwise(found)


def name_match_exprs(name: pl.Expr) -> dict[str, pl.Expr]:
    """``name_class`` and ``name_term``: the first class whose term occurs in the name."""
    name_key = normalize.base_key(name)
    klass: pl.Expr = pl.lit(None, pl.String)
    term: pl.Expr = pl.lit(None, pl.String)
    for cls in reversed(lexicon()):  # reversed: the first class in the lexicon wins
        hit = _term_match(name_key, cls)
        klass = pl.when(hit.is_not_null()).then(pl.lit(cls.key)).otherwise(klass)
        term = pl.when(hit.is_not_null()).then(hit).otherwise(term)
    return {"name_class": klass, "name_term": term}


def category_match_expr(category: pl.Expr) -> pl.Expr:
    """The class a catalog category names (保健食品 → health_product), else null."""
    out: pl.Expr = pl.lit(None, pl.String)
    for cls in reversed(lexicon()):
        if cls.categories:
            hit = category.str.contains(_alternation(cls.categories))
            out = pl.when(hit).then(pl.lit(cls.key)).otherwise(out)
    return out


def classify(
    frame: pl.DataFrame, memo: normalize.Memo | None = None, category: str = "category"
) -> pl.DataFrame:
    """Add ``goods_class`` and ``class_term`` from ``name`` and the ``category`` column.

    A category match (保健食品, 消毒用品 …) is strong and reported as ``类别:<category>``;
    otherwise the first class whose term occurs in the name. Computed per distinct name and
    per distinct category (once per check with ``memo``).
    """
    by_name = normalize.map_distinct(frame, "name", name_match_exprs(pl.col("name")), memo)
    by_category = normalize.map_distinct(
        frame, category, {"category_class": category_match_expr(pl.col(category))}, memo
    )
    category_class = by_category[0]
    return (
        frame.lazy()
        .with_columns(
            goods_class=pl.coalesce(category_class, by_name[0]),
            class_term=pl.when(category_class.is_not_null())
            .then(pl.format("类别:{}", pl.col(category)))
            .otherwise(by_name[1]),
        )
        .collect()
    )


def class_labels() -> dict[str, str]:
    return {c.key: c.label for c in lexicon()}

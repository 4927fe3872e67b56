"""Specification strings parsed into strength and pack size.

Catalogs write the strength and the pack in one cell (``0.25g*24片/盒``, ``每袋装6克×10袋``,
``0.5g*12片*2板``, ``10ml:0.5g``), the reference keeps them apart (``spec`` = ``0.25g``,
``package`` = ``24片/盒``). Matching compares the parts: strength in a common base (mg or ml),
pack count (the product of the counts: ``*12片*2板`` is 24), and what is left of the spec once
the pack is cut off. ``spec_text`` is the spec as written, only white space removed and the
pack cut off: agreeing on it is stronger evidence than agreeing after folding.
"""

from __future__ import annotations

import polars as pl

from mapper.normalize import spec_key, strength_dimension, strength_mg

# Counting words a pack is made of (片, 粒, 袋 …) and the containers they come in (板, 盒 …).
PACK_UNITS = "片粒袋支丸瓶贴枚包盒板剂只个条张块"
CONTAINERS = "板盒"
_PART = rf"[*/][0-9]+[{PACK_UNITS}]"
# "…*24片", "…*24片/盒", "…/24片", "…*12片*2板" at the end of a spec key.
PACK_SUFFIX = rf"(?:{_PART})+(?:/[^0-9*/]{{1,2}})?$"
# A package cell on its own: "24片/盒", "10袋", "1丸/盒".
PACKAGE = rf"^([0-9]+)[{PACK_UNITS}](?:/[^0-9]{{1,2}})?$"
# The same suffix in raw text (half- or full-width signs, x or ×), for ``spec_text``.
_RAW_PART = rf"\s*[*/×xX＊／]\s*[0-9]+\s*[{PACK_UNITS}]"
RAW_PACK_SUFFIX = rf"(?:{_RAW_PART})+(?:\s*/\s*[^0-9*/]{{1,2}})?\s*$"


def pack_count(spec_key_expr: pl.Expr) -> pl.Expr:
    """Pack size appended to a spec key: the product of its counts (``0.25g*24片/盒`` → 24,
    ``0.5g*12片*2板`` → 24), else null."""
    suffix = spec_key_expr.str.extract(f"({PACK_SUFFIX})", 1)
    counts = suffix.str.extract_all(r"[0-9]+").list.eval(pl.element().cast(pl.Int64))
    # "×2板" alone counts boxes or boards of an unknown size, not doses: no pack count.
    only_containers = suffix.str.extract(r"^[*/][0-9]+(.)", 1).is_in(list(CONTAINERS))
    product = counts.list.eval(pl.element().product()).list.first()
    return pl.when(suffix.is_not_null() & ~only_containers).then(product)


def package_count(package: pl.Expr) -> pl.Expr:
    """Pack size of a reference ``package`` cell (``24片/盒`` → 24), else null."""
    return spec_key(package).str.extract(PACKAGE, 1).cast(pl.Int64, strict=False)


def spec_core(spec_key_expr: pl.Expr) -> pl.Expr:
    """The spec key without its pack suffix (``0.25g*24片/盒`` → ``0.25g``)."""
    out = spec_key_expr.str.replace(PACK_SUFFIX, "")
    return pl.when(out.str.len_chars() > 0).then(out)


def spec_text(spec: pl.Expr) -> pl.Expr:
    """The spec as written, white space removed and the pack suffix cut off
    (``每袋装12g ×6袋`` → ``每袋装12g``); null when nothing is left."""
    out = (
        spec.str.replace(_LOOSE_PACK, "")
        .str.replace(RAW_PACK_SUFFIX, "")
        .str.replace_all(r"\s+", "")
    )
    return pl.when(out.str.len_chars() > 0).then(out)


# A pack set off by a space or in brackets ("0.25g 24片/盒", "0.25g(24片/盒)") rather than by a
# multiplication sign: folding removes spaces and brackets, which would run it into the strength.
_LOOSE_PACK = rf"[\s(（]+((?:[0-9]+[{PACK_UNITS}][*×xX]?)+(?:/[^0-9*/()（）\s]{{1,2}})?)[)）]?\s*$"


def _separated(spec: pl.Expr) -> pl.Expr:
    """``spec`` with a loosely attached pack suffix joined by ``*`` like the others."""
    return spec.str.normalize("NFKC").str.replace(_LOOSE_PACK, "*$1")


def spec_parts(spec: pl.Expr) -> dict[str, pl.Expr]:
    """Columns parsed from a raw spec: ``spec_core``, ``spec_text``, ``strength`` (mg or ml),
    ``strength_dim`` (mass/volume) and ``pack`` (count), each null where the spec does not say.
    """
    key = spec_key(_separated(spec))
    core = spec_core(key)
    return {
        "spec_core": core,
        "spec_text": spec_text(spec),
        "strength": strength_mg(core),
        "strength_dim": strength_dimension(core),
        "pack": pack_count(key),
    }


def parse_specs(specs: list[str | None]) -> pl.DataFrame:
    """Parse a list of spec strings (one row each): handy for tests and exploration."""
    frame = pl.DataFrame({"spec": specs}, schema={"spec": pl.String})
    return frame.with_columns(**spec_parts(pl.col("spec")))

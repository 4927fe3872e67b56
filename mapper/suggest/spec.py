"""Specification strings parsed into strength and pack size.

Catalogs write the strength and the pack in one cell (``0.25g*24片/盒``, ``每袋装6克×10袋``,
``10ml:0.5g``), the reference keeps them apart (``spec`` = ``0.25g``, ``package`` = ``24片/盒``).
Matching compares the parts: strength in a common base (mg or ml), pack count, and what is left
of the spec once the pack is cut off.
"""

from __future__ import annotations

import polars as pl

from mapper.normalize import spec_key, strength_dimension, strength_mg

# Counting words a pack is made of (片, 粒, 袋 …): "24片", "10袋".
PACK_UNITS = "片粒袋支丸瓶贴枚包盒板粒剂只个条张块贴"
_PACK = rf"([0-9]+)[{PACK_UNITS}]"
# "…*24片", "…*24片/盒", "…/24片" at the end of a spec key.
PACK_SUFFIX = rf"[*/]{_PACK}(?:/[^0-9*/]{{1,2}})?$"
# A package cell on its own: "24片/盒", "10袋", "1丸/盒".
PACKAGE = rf"^{_PACK}(?:/[^0-9]{{1,2}})?$"


def pack_count(spec_key_expr: pl.Expr) -> pl.Expr:
    """Pack size appended to a spec key (``0.25g*24片/盒`` → 24), else null."""
    return spec_key_expr.str.extract(PACK_SUFFIX, 1).cast(pl.Int64, strict=False)


def package_count(package: pl.Expr) -> pl.Expr:
    """Pack size of a reference ``package`` cell (``24片/盒`` → 24), else null."""
    return spec_key(package).str.extract(PACKAGE, 1).cast(pl.Int64, strict=False)


def spec_core(spec_key_expr: pl.Expr) -> pl.Expr:
    """The spec key without its pack suffix (``0.25g*24片/盒`` → ``0.25g``)."""
    out = spec_key_expr.str.replace(PACK_SUFFIX, "")
    return pl.when(out.str.len_chars() > 0).then(out)


def spec_parts(spec: pl.Expr) -> dict[str, pl.Expr]:
    """Columns parsed from a raw spec: ``spec_core``, ``strength`` (mg or ml), ``strength_dim``
    (mass/volume) and ``pack`` (count), each null where the spec does not say.
    """
    key = spec_key(spec)
    core = spec_core(key)
    return {
        "spec_core": core,
        "strength": strength_mg(core),
        "strength_dim": strength_dimension(core),
        "pack": pack_count(key),
    }


def parse_specs(specs: list[str | None]) -> pl.DataFrame:
    """Parse a list of spec strings (one row each): handy for tests and exploration."""
    frame = pl.DataFrame({"spec": specs}, schema={"spec": pl.String})
    return frame.with_columns(**spec_parts(pl.col("spec")))

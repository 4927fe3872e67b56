"""Comparison keys for catalog items and reference records, computed once per distinct value.

Both sides get the same columns so every later step compares like with like:
``nkey`` (name), ``gkey`` (a second name: the record's generic name or the item's trade name),
``spec_core``/``strength``/``strength_dim``/``pack``, ``form_key``, ``mfr_key``, ``appr_key``
(批准文号 / 注册证编号 core) and ``gtin`` (本位码 or UDI-DI, only when its check digit holds).
``name_text``, ``spec_text``, ``form_text`` and ``mfr_text`` are the values as written, only
white space removed: the exact textual agreement that outranks agreement after folding.
"""

from __future__ import annotations

import polars as pl

from mapper.normalize import (
    base_key,
    dosage_form_key,
    manufacturer_key,
    map_distinct,
    name_key,
)
from mapper.suggest.identifiers import digits, gtin_valid
from mapper.suggest.spec import package_count, spec_parts

KEY_COLUMNS = (
    "nkey", "gkey", "spec_core", "strength", "strength_dim", "pack", "form_key", "mfr_key",
    "appr_key", "gtin", "unit_key", *(f"{f}_text" for f in ("name", "spec", "form", "mfr")),
)  # fmt: skip


def _distinct(frame: pl.DataFrame, column: str, exprs: dict[str, pl.Expr]) -> list[pl.Expr]:
    """Per distinct value where values repeat (names, makers); directly where they hardly do
    (approval numbers, 本位码), since a lookup table as long as the column costs more.
    """
    if frame.get_column(column).n_unique() * 4 > frame.height * 3:
        return [expr.alias(name) for name, expr in exprs.items()]
    return map_distinct(frame, column, exprs)


def add_keys(frame: pl.DataFrame, *, second_name: str, package: str | None = None) -> pl.DataFrame:
    """Add the key columns to ``frame`` (which has name, spec, dosage_form, manufacturer,
    approval_no, base_code, unit and ``second_name``). ``package`` names a column whose pack count
    fills ``pack`` where the spec gives none (reference records keep the pack there).
    """
    spec = pl.col("spec")
    exprs: list[pl.Expr] = [
        *_distinct(frame, "name", {"nkey": name_key(pl.col("name")), "name_text": _text("name")}),
        *_distinct(frame, second_name, {"gkey": name_key(pl.col(second_name))}),
        *_distinct(frame, "spec", spec_parts(spec)),
        *_distinct(
            frame,
            "dosage_form",
            {"form_key": dosage_form_key(pl.col("dosage_form")), "form_text": _text("dosage_form")},
        ),
        *_distinct(
            frame,
            "manufacturer",
            {
                "mfr_key": manufacturer_key(pl.col("manufacturer")),
                "mfr_text": _text("manufacturer"),
            },
        ),
        *_distinct(frame, "approval_no", {"_appr": _approval_text(pl.col("approval_no"))}),
        *_distinct(frame, "base_code", {"_digits": digits(pl.col("base_code"))}),
        *_distinct(frame, "unit", {"unit_key": base_key(pl.col("unit"))}),
    ]
    if package is not None:
        exprs.extend(_distinct(frame, package, {"package_pack": package_count(pl.col(package))}))
    # Two steps: each later expression reads a column, so nothing is folded twice.
    out = (
        frame.with_columns(exprs)
        .with_columns(
            appr_key=pl.col("_appr").str.extract(APPROVAL_CORE, 1),
            gtin=pl.when(gtin_valid(pl.col("_digits"))).then(pl.col("_digits")),
        )
        .drop("_appr", "_digits")
    )
    if package is not None:
        out = out.with_columns(pack=pl.coalesce("pack", "package_pack")).drop("package_pack")
    # A second name equal to the first adds nothing to compare.
    return out.with_columns(gkey=pl.when(pl.col("gkey") != pl.col("nkey")).then(pl.col("gkey")))


# The approval core (国药准字H20067255 → H20067255, 国械注准20173460123 → 20173460123); as
# mapper.normalize.approval_key, but null when there is no such core.
APPROVAL_CORE = r"([A-Z]?[0-9]{8,})"


def _approval_text(expr: pl.Expr) -> pl.Expr:
    return expr.str.normalize("NFKC").str.to_uppercase().str.replace_all(r"\s+", "")


def _text(column: str) -> pl.Expr:
    """The value as written, only white space removed (null when empty)."""
    out = pl.col(column).str.replace_all(r"\s+", "")
    return pl.when(out.str.len_chars() > 0).then(out)

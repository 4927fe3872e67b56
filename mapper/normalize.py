"""Chinese-aware text normalisation as polars expressions.

Catalog text and reference text differ in ways that do not change meaning: full-width vs
half-width characters, case, spaces, unit spellings (毫克/mg), pack-size suffixes, company
suffixes. Each ``*_key`` function folds one kind of attribute to a comparison key; the
attribute rules compare keys, never raw text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import polars as pl

# fmt: off
# Replacements applied in order after NFKC + lower case. Longer spellings first.
UNIT_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("毫克", "mg"), ("微克", "ug"), ("μg", "ug"), ("µg", "ug"), ("mcg", "ug"), ("克", "g"),
    ("毫升", "ml"), ("升", "l"), ("国际单位", "iu"), ("万单位", "万u"), ("单位", "u"),
    ("×", "*"), ("x", "*"), ("：", ":"), ("，", ","), ("；", ";"),
)
_MASS_FACTORS = {"mg": 1.0, "g": 1000.0, "ug": 0.001, "kg": 1_000_000.0}
_VOLUME_FACTORS = {"ml": 1.0, "l": 1000.0}

COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "总公司", "公司", "集团", "制药厂",
    "药厂", "厂",
)

# Applied after every 剂 is dropped (片剂 → 片, 颗粒剂 → 颗粒). Each pattern absorbs repeats and
# its replacement matches itself, so the key is idempotent.
DOSAGE_FORM_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"口服(?:溶液|液)+", "口服液"), (r"注射(?:液|用)+", "注射"), (r"胶丸|胶囊", "胶囊"),
    (r"滴眼液+", "滴眼"), (r"(?:冻干)?粉针|无菌粉末", "注射"), (r"^冲$", "颗粒"),
)

# fmt: on


def base_key(expr: pl.Expr) -> pl.Expr:
    """NFKC (full-width → half-width), lower case, no white space. Empty becomes null."""
    out = expr.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"\s+", "")
    return pl.when(out.str.len_chars() > 0).then(out)


def code_clean(expr: pl.Expr) -> pl.Expr:
    """The code as the platform expects it: half-width, upper case, no spaces or quote marks.

    Unwraps Excel's text formula (``="001102000010000"``) and its apostrophe text marker, and
    drops the hyphens some prints put between drug-code segments (``X-J01CA-A040-…``). A
    provincial suffix on a service code (``…-110200001``) is kept: it is part of the
    provincial code.
    """
    out = (
        expr.str.normalize("NFKC")
        .str.to_uppercase()
        .str.replace_all(r"[\s\u200b\ufeff]+", "")
        .str.replace(r'^=?"(.*)"$', "$1")
        .str.strip_chars("'\"`")
    )
    out = pl.when(out.str.contains(r"^[XZ]-")).then(out.str.replace_all("-", "")).otherwise(out)
    return pl.when(out.str.len_chars() > 0).then(out)


def code_key(expr: pl.Expr) -> pl.Expr:
    """The national code to look up: :func:`code_clean` without a provincial suffix
    (``001102000010000-110200001`` → ``001102000010000``)."""
    return code_clean(expr).str.replace(r"^([0-9]{15})-.*$", "$1")


def name_key(expr: pl.Expr) -> pl.Expr:
    """Item names: base key without brackets, punctuation and their trade-name contents."""
    out = base_key(expr).str.replace_all(r"[()\[\]{}<>\"'“”‘’·,.、;:/\\\-_*]", "")
    return pl.when(out.str.len_chars() > 0).then(out)


def spec_key(expr: pl.Expr) -> pl.Expr:
    """Specifications: units spelled one way, 每X装/重/含 wording dropped."""
    out = base_key(expr)
    for old, new in UNIT_SPELLINGS:
        out = out.str.replace_all(old, new, literal=True)
    out = out.str.replace_all(r"每[^0-9]{0,4}?(装|重|含)", "").str.replace_all(r"[()\[\]]", "")
    return pl.when(out.str.len_chars() > 0).then(out)


def strength_mg(spec_key_expr: pl.Expr) -> pl.Expr:
    """The first strength in a spec key in a common base (mg for mass, ml for volume)."""
    parts = spec_key_expr.str.extract_groups(r"([0-9]+(?:\.[0-9]+)?)(mg|ug|kg|g|ml|l)(?:[^a-z]|$)")
    value = parts.struct.field("1").cast(pl.Float64, strict=False)
    unit = parts.struct.field("2")
    factor = unit.replace_strict(
        {**_MASS_FACTORS, **_VOLUME_FACTORS}, default=None, return_dtype=pl.Float64
    )
    return value * factor


def strength_dimension(spec_key_expr: pl.Expr) -> pl.Expr:
    """'mass' or 'volume' for the strength found by :func:`strength_mg`."""
    unit = spec_key_expr.str.extract(r"[0-9]+(?:\.[0-9]+)?(mg|ug|kg|g|ml|l)(?:[^a-z]|$)", 1)
    return unit.replace_strict(
        {**dict.fromkeys(_MASS_FACTORS, "mass"), **dict.fromkeys(_VOLUME_FACTORS, "volume")},
        default=None,
        return_dtype=pl.String,
    )


_STRENGTH = r"[0-9]+(?:\.[0-9]+)?(?:mg|ug|kg|g|ml|l)(?:[^a-z]|$)"


def strengths(spec_key_expr: pl.Expr) -> pl.Expr:
    """Every strength in a spec key as sorted ``m<mg>`` / ``v<ml>`` tokens joined by ``|``.

    ``2ml:100mg``, ``100mg/2ml`` and ``100毫克:2毫升`` all give ``m100.0|v2.0``; pack counts
    (``*24粒``) carry no unit and are left out. (Text, not a list, so it maps per distinct
    value like the other keys; split it on ``|`` to compare sets.)
    """
    token = pl.element().str.extract(r"([0-9]+(?:\.[0-9]+)?)", 1).cast(pl.Float64, strict=False)
    unit = pl.element().str.extract(r"(mg|ug|kg|g|ml|l)", 1)
    factor = unit.replace_strict(
        {**_MASS_FACTORS, **_VOLUME_FACTORS}, default=None, return_dtype=pl.Float64
    )
    dim = unit.replace_strict(
        {**dict.fromkeys(_MASS_FACTORS, "m"), **dict.fromkeys(_VOLUME_FACTORS, "v")},
        default=None,
        return_dtype=pl.String,
    )
    as_text = pl.concat_str([dim, (token * factor).round(6).cast(pl.String)])
    found = spec_key_expr.str.extract_all(_STRENGTH).list.eval(as_text).list.unique().list.sort()
    return found.list.join("|")


def dosage_form_key(expr: pl.Expr) -> pl.Expr:
    """Dosage forms: 剂 dropped (片剂 → 片), synonyms folded (注射液/注射用 → 注射)."""
    out = base_key(expr).str.replace_all(r"[()\[\]剂]", "")
    for pattern, new in DOSAGE_FORM_SYNONYMS:
        out = out.str.replace_all(pattern, new)
    return pl.when(out.str.len_chars() > 0).then(out)


def manufacturer_key(expr: pl.Expr) -> pl.Expr:
    """Manufacturers: brackets dropped, company suffixes stripped from the end."""
    out = base_key(expr).str.replace_all(r"[()\[\]]", "")
    suffixes = "|".join(COMPANY_SUFFIXES)
    # Twice: "…药业集团股份有限公司" loses 股份有限公司 then 集团.
    out = out.str.replace(f"(?:{suffixes})$", "").str.replace(f"(?:{suffixes})$", "")
    return pl.when(out.str.len_chars() > 0).then(out)


def approval_key(expr: pl.Expr) -> pl.Expr:
    """Approval / registration numbers: the letter+digits core (国药准字H20067255 → H20067255)."""
    base = base_key(expr).str.to_uppercase()
    core = base.str.extract(r"([A-Z]?[0-9]{8,})", 1)
    return pl.coalesce(core, base)


def either_contains(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """True where one key contains the other (null where either is null)."""
    return left.str.contains(right, literal=True) | right.str.contains(left, literal=True)


def strength_columns(key_column: str, key: pl.Expr) -> dict[str, pl.Expr]:
    """Strength value and dimension columns named after a spec key column."""
    return {
        key_column.replace("_key", "_mg"): strength_mg(key),
        key_column.replace("_key", "_dim"): strength_dimension(key),
        key_column.replace("_key", "_strengths"): strengths(key),
    }


# Which key function folds which kind of attribute.
ATTRIBUTE_KEYS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "name": name_key,
    "trade_name": name_key,
    "generic_name": name_key,
    "spec": spec_key,
    "dosage_form": dosage_form_key,
    "manufacturer": manufacturer_key,
    "approval_no": approval_key,
}


def _computed(frame: pl.DataFrame, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
    # Lazily: the query optimiser computes a shared subexpression (the base key under every
    # key, the spec key under its strengths) once; an eager with_columns computes it per use.
    return frame.lazy().with_columns(**exprs).collect()


class Memo:
    """Values computed per distinct text, kept across the chunks of one check.

    A streamed check enriches its products chunk by chunk, and the same names, specs and
    makers occur in every chunk: with a memo each distinct value is folded once per check.
    A table is kept per source column and computed expressions (the expressions themselves
    are part of the key, so a different fold of the same column never reads another's values).
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, ...], pl.DataFrame] = {}

    def computed(
        self, distinct: pl.DataFrame, column: str, exprs: dict[str, pl.Expr]
    ) -> pl.DataFrame:
        """``exprs`` for the values of ``distinct`` (one column, distinct non-null values):
        those computed before are looked up, only the others are computed (and kept)."""
        key = (column, *(f"{name}={e.meta.serialize(format='json')}" for name, e in exprs.items()))
        known = self._tables.get(key)
        if known is None:
            table = _computed(distinct, exprs)
            self._tables[key] = table.with_columns(pl.lit(True).alias(_KEPT))
            return table
        looked_up = distinct.join(known, on=column, how="left")
        kept = pl.col(_KEPT).is_not_null()
        fresh = _computed(looked_up.filter(~kept).select(column), exprs)
        self._tables[key] = pl.concat([known, fresh.with_columns(pl.lit(True).alias(_KEPT))])
        # Only this frame's values: the mapping back then hashes a chunk's values, not all.
        return pl.concat([looked_up.filter(kept).drop(_KEPT), fresh])


_KEPT = "__memo_kept__"


def map_distinct(
    frame: pl.DataFrame, column: str, exprs: dict[str, pl.Expr], memo: Memo | None = None
) -> list[pl.Expr]:
    """Expressions giving ``exprs`` (written over ``column``) for every row of ``frame``.

    Each expression is evaluated once per distinct value (once per check with ``memo``) and
    mapped back with a hash lookup: catalogs repeat the same names, specs, makers and codes
    many times, and string folding is the costly part of a check.
    """
    distinct = frame.select(pl.col(column).unique()).drop_nulls()
    computed = (
        distinct.with_columns(**exprs) if memo is None else memo.computed(distinct, column, exprs)
    )
    return [
        pl.col(column)
        .replace_strict(computed.get_column(column), computed.get_column(name), default=None)
        .alias(name)
        for name in exprs
    ]


def add_keys(
    frame: pl.DataFrame,
    columns: dict[str, str],
    where: dict[str, pl.Expr] | None = None,
    memo: Memo | None = None,
) -> pl.DataFrame:
    """Add ``<column>_key`` for each column (mapped to its attribute kind).

    Spec columns also get ``<column>_mg`` and ``<column>_dim`` (strength and its dimension).
    With ``where``, a column's values are folded only on the rows its expression selects
    (other rows get the key of a value they share with those, or that ``memo`` holds from an
    earlier chunk, else null: callers read keys only on the selected rows).
    """
    added: list[pl.Expr] = []
    # Every column's row selection in one pass over the frame (not a filtered copy of it
    # per column).
    masks = frame.lazy().select(**where).collect() if where else None
    for column, kind in columns.items():
        key_name = f"{column}_key"
        exprs = {key_name: ATTRIBUTE_KEYS[kind](pl.col(column))}
        if kind == "spec":
            exprs.update(strength_columns(key_name, ATTRIBUTE_KEYS[kind](pl.col(column))))
        values = frame.select(column)
        if where is not None:
            chosen = masks.get_column(column) if masks is not None and column in where else False
            values = values.filter(chosen)
        added.extend(map_distinct(values, column, exprs, memo))
    return frame.with_columns(added)


# The release columns the attribute rules compare, with the kind of key that folds each.
# `mapper reference import` folds them once, into ``<column>_key`` (and a spec's strength
# columns) beside the records, stamped with KEYS_STAMP; a check reads them back only while the
# stamp matches (any change to this module changes it), else folds the release's text itself.
REFERENCE_FOLDS = {
    "name": "name",
    "generic_name": "generic_name",
    "spec": "spec",
    "dosage_form": "dosage_form",
    "manufacturer": "manufacturer",
    "approval_no": "approval_no",
}
KEYS_STAMP = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
KEYS_METADATA = "mapper.keys"  # the Parquet key-value metadata holding the stamp


def folded_names(column: str, kind: str) -> list[str]:
    """The columns :func:`add_keys` adds for ``column`` folded as ``kind``."""
    key = f"{column}_key"
    if kind != "spec":
        return [key]
    return [key, *strength_columns(key, ATTRIBUTE_KEYS[kind](pl.col(column)))]


def reference_keys(records: pl.DataFrame) -> pl.DataFrame:
    """``records`` (in the reference schema) with the comparison keys of
    :data:`REFERENCE_FOLDS` added, folded once per distinct value."""
    return add_keys(records, {c: k for c, k in REFERENCE_FOLDS.items() if c in records.columns})

"""``suggest``: ranked national-code candidates for the items that need one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import polars as pl

from mapper.api import check
from mapper.catalog import Catalog, read_catalog
from mapper.line_types import EXPECTED_SYSTEM
from mapper.normalize import code_key
from mapper.reference import Reference, load_reference
from mapper.suggest.candidates import PAIR_SCHEMA, exact_pairs, fuzzy_pairs
from mapper.suggest.index import DISPLAY, ITEM_SYSTEMS, ReferenceIndex, build_index
from mapper.suggest.keys import KEY_COLUMNS, add_keys
from mapper.suggest.memory import load_memory, memory_pairs
from mapper.suggest.score import FIELDS, agrees_everywhere, evidence, field_scores, weighted
from mapper.suggest.ties import mark_ties

EXACT_WEIGHT = 0.05  # share of the score given to agreement as written (see rank_candidates)
TIERS = {"memory": 0, "exact": 1, "fuzzy": 2}
ITEM_COLUMNS = ("row", "sheet", "item_id", "name", "trade_name", "spec", "dosage_form",
                "manufacturer", "approval_no", "base_code", "unit", "unit_price", "quantity",
                "code", "line_type")  # fmt: skip

# The frame ``suggest`` returns: one row per item and candidate.
SUGGESTION_COLUMNS = (
    "row", "sheet", "item_id", "item_name", "item_spec", "item_dosage_form", "item_manufacturer",
    "item_approval_no", "item_code", "item_unit_price", "item_quantity", "value", "problem",
    "rank", "code", "score", "matched_on",
    "agreed", "differed", "agrees", "tied", "decide_by", "tie", *(f"{f}_score" for f in FIELDS),
    "exact_score", "cand_name", "cand_spec",
    "cand_dosage_form", "cand_package", "cand_manufacturer", "cand_approval_no",
    "cand_market_status",
)  # fmt: skip


def items_needing_codes(cat: Catalog, ref: Reference, as_of: date, all_items: bool) -> pl.DataFrame:
    """Catalog rows to suggest for, with ``problem`` (error rules found on the row).

    Uncoded items and items whose code fails an error-level check; every item with
    ``all_items``. Lines of goods that have no national code (line type ``other``) are left out.
    """
    frame = cat.frame.select(ITEM_COLUMNS)
    result = check(cat, ref, as_of=as_of)
    problems = (
        result.findings.filter(pl.col("severity") == "error")
        .group_by("row")
        .agg(problem=pl.col("rule").unique(maintain_order=True).str.join(","))
    )
    # The line type as the check decided it (category, code, sheet or name): goods outside
    # insurance (消毒液, 保健品 …: COD006, settled in cash) get no suggestion.
    kinds = result.items.select("row", "code_system", pl.col("line_type").alias("line_kind"))
    frame = frame.join(problems, on="row", how="left", maintain_order="left").join(
        kinds, on="row", how="left", maintain_order="left"
    )
    if not all_items:
        frame = frame.filter(pl.col("problem").is_not_null())
    return frame.filter(pl.col("line_kind") != "other")


def prepare_items(frame: pl.DataFrame) -> pl.DataFrame:
    """Key the items, number them (``iid``) and list the code systems each may map to: the
    line type's system, plus the system of the item's own code when that differs (a COD003
    line is as likely to carry the wrong category as the wrong code).
    """
    systems = {kind: system.split("|") for kind, system in EXPECTED_SYSTEM.items()}
    expected = pl.col("line_kind").replace_strict(
        systems, default=list(ITEM_SYSTEMS), return_dtype=pl.List(pl.String)
    )
    return add_keys(frame, second_name="trade_name").with_columns(
        iid=pl.int_range(pl.len(), dtype=pl.UInt32),
        systems=pl.when(pl.col("code_system").is_in(ITEM_SYSTEMS))
        .then(pl.concat_list(expected, pl.col("code_system")).list.unique(maintain_order=True))
        .otherwise(expected),
        code_key=code_key(pl.col("code")),
    )


def rank_candidates(
    items: pl.DataFrame, pairs: pl.DataFrame, index: ReferenceIndex, k: int
) -> pl.DataFrame:
    """Score every pair, order each item's candidates, mark ties and keep the top ``k`` (and
    every candidate tied with the first, so a reviewer sees all they must choose from).

    Memory candidates come first, then exact-key ones, then fuzzy ones; within a tier by
    score. **score = 0.95·similarity + 0.05·exact**: 1.0 when every field the line carries
    agrees and is written exactly as the record writes it; exact agreement outranks agreement
    after folding. Candidates of one tier with the same similarity cannot be told apart by
    anything the line carries: they are marked (:mod:`mapper.suggest.ties`), kept together
    (placed by the best score among them) and ordered within by score (as written first),
    market status (上市 first) and code.
    """
    tiered = (
        pairs.with_columns(
            tier=pl.when(pl.col("matched_on") == "memory")
            .then(TIERS["memory"])
            .when(pl.col("matched_on").is_not_null())
            .then(TIERS["exact"])
            .otherwise(TIERS["fuzzy"])
        )
        .sort("tier")
        .unique(["iid", "rid"], keep="first")
    )
    i_cols = [c for c in (*KEY_COLUMNS, "code_key")]
    r_cols = [*KEY_COLUMNS, "code"]
    joined = tiered.join(
        items.select("iid", *[pl.col(c).alias(f"i_{c}") for c in i_cols]), on="iid"
    ).join(index.records.select("rid", *[pl.col(c).alias(f"r_{c}") for c in r_cols]), on="rid")
    scored = weighted(field_scores(joined)).with_columns(
        score=(
            (1 - EXACT_WEIGHT) * pl.col("similarity")
            + EXACT_WEIGHT * pl.col("exact_score").fill_null(0.0)
        ).round(4),
        matched_on=pl.col("matched_on").fill_null("fuzzy"),
        agrees=agrees_everywhere(),
    )
    # Tied: the same similarity after folding. Agreement as written orders tied candidates
    # (the record written as the line writes it first) but does not untie them: ``每袋装12g`` and
    # ``每袋装12克`` are one strength, and tills refold units at will.
    scored = scored.with_columns(tie_key=pl.col("similarity").round(4))
    ordered = (
        mark_ties(scored, index.records)
        .join(index.records.select("rid", "market_rank"), on="rid")
        .with_columns(_group_best=pl.col("score").max().over("iid", "tier", "tie_key"))
        .sort(
            ["iid", "tier", "_group_best", "tie_key", "score", "market_rank", "r_code"],
            descending=[False, False, True, True, True, False, False],
        )
        .drop("_group_best")
    )
    position = pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("iid")
    with_first = (
        (pl.col("tier") == pl.col("tier").first())
        & (pl.col("tie_key") == pl.col("tie_key").first())
    ).over("iid")
    return (
        ordered.with_columns(rank=position)
        .filter((pl.col("rank") <= k) | (with_first & pl.col("tied").is_not_null()))
        .with_columns(**evidence())
    )


def suggest(
    catalog: Catalog | str | Path,
    reference: Reference | str | Path | None = None,
    *,
    k: int = 5,
    all_items: bool = False,
    memory: str | Path | pl.DataFrame | None = None,
    as_of: date | None = None,
    release: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    index: ReferenceIndex | None = None,
) -> pl.DataFrame:
    """Propose national codes for a catalog's uncoded and failing items.

    Returns one row per item and candidate (``rank`` 1…``k``) with ``code``, ``score`` in
    [0, 1], ``matched_on`` (``memory``, ``approval_no``, ``base_code``, ``registration_no``,
    ``udi_di`` or ``fuzzy``), the evidence (``agreed``, ``differed``, one ``<field>_score``
    per field) and the candidate's reference values (``cand_*``). An item with no candidate
    has one row with a null ``rank`` and ``code``. ``all_items`` suggests for every item;
    ``memory`` is a mapping-memory file or frame; ``index`` reuses a
    :func:`~mapper.suggest.build_index` built for the same release and date.
    """
    if k < 1:
        from mapper.errors import ConfigError

        raise ConfigError(f"k must be at least 1, got {k}")
    cat = (
        catalog
        if isinstance(catalog, Catalog)
        else read_catalog(
            catalog, encoding=encoding, sheet=sheet, columns=columns, code_optional=True
        )
    )
    ref = reference if isinstance(reference, Reference) else load_reference(reference, release)
    as_of = as_of or date.today()
    items = prepare_items(items_needing_codes(cat, ref, as_of, all_items))
    index = index or build_index(ref, as_of)
    remembered = memory if isinstance(memory, pl.DataFrame) else load_memory(memory)
    pairs = pl.concat(
        [
            memory_pairs(items, remembered, index.records),
            exact_pairs(items, index),
            fuzzy_pairs(items, index),
        ]
    ).cast(PAIR_SCHEMA)  # type: ignore[arg-type]
    ranked = rank_candidates(items, pairs, index, k)
    return present(items, ranked, index)


def value_at_stake() -> pl.Expr:
    """``value``: unit price × quantity where the catalog has both, else the price (what a
    reviewer should start from); null where the catalog has no price."""
    price = _number("unit_price")
    return pl.coalesce(price * _number("quantity"), price).round(2).alias("value")


def _number(column: str) -> pl.Expr:
    """A catalog text column as a number (``1,234.50`` → 1234.5), null where it is none."""
    text = pl.col(column).cast(pl.String).str.replace_all(r"[,，\s¥￥元]", "")
    return text.cast(pl.Float64, strict=False)


def present(items: pl.DataFrame, ranked: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """The public frame: item values, candidate, scores and evidence, in item then rank order."""
    cand = index.records.select(
        "rid", *[pl.col(c).alias(f"cand_{c}") for c in DISPLAY if c not in {"code", "system"}]
    )
    item_view = items.select(
        "iid",
        "row",
        "sheet",
        "item_id",
        *[pl.col(c).alias(f"item_{c}") for c in
          ("name", "spec", "dosage_form", "manufacturer", "approval_no", "code", "unit_price",
           "quantity")],
        value_at_stake(),
        "problem",
    )  # fmt: skip
    body = ranked.select(
        "iid", "rid", "rank", code="r_code", score="score", matched_on="matched_on",
        agreed="agreed", differed="differed", agrees="agrees", tied="tied", decide_by="decide_by",
        tie="tie", **{f"{f}_score": pl.col(f"{f}_score").round(3) for f in (*FIELDS, "exact")},
    ).join(cand, on="rid", how="left")  # fmt: skip
    return (
        item_view.join(body, on="iid", how="left")
        .sort("iid", "rank", nulls_last=True)
        .select(SUGGESTION_COLUMNS)
    )

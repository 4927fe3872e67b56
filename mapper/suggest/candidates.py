"""Candidate generation: exact keys (hash joins) and fuzzy names (bigram blocking, rapidfuzz).

Items arrive keyed (:mod:`mapper.suggest.keys`) with ``iid`` and the list of code ``systems``
their line type allows. Each step returns ``(iid, rid, matched_on)`` pairs; nothing here loops
over records in Python.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz, process

from mapper.normalize import either_contains
from mapper.suggest.index import ReferenceIndex, bigrams

PRE_NAMES = 40  # names kept per query after counting shared bigrams …
NAMES = 5  # … and after scoring them with rapidfuzz
PAIR_SCHEMA = {"iid": pl.UInt32, "rid": pl.UInt32, "matched_on": pl.String, "prior": pl.Float64}
SHORTLIST = 15  # fuzzy records per item kept for full scoring, by a cheap equality pre-score …
SHORTLIST_TIES = 60  # … and all tied with the best one, up to this many: a tie is shown whole

# Item key column → record key column → what the evidence calls it.
EXACT_KEYS = (("appr_key", "approval_no"), ("gtin", "base_code"))


def exact_pairs(items: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """Records sharing an approval / registration number or a valid 本位码 / UDI-DI with an
    item, in a system the item's line allows. ``matched_on`` names the key (for consumables
    ``registration_no`` and ``udi_di``).
    """
    parts = []
    for key, label in EXACT_KEYS:
        left = items.select("iid", "systems", key).drop_nulls(key).explode("systems")
        found = left.join(
            index.records.select("rid", "system", key),
            left_on=["systems", key],
            right_on=["system", key],
        )
        consumable = {"approval_no": "registration_no", "base_code": "udi_di"}[label]
        parts.append(
            found.select(
                "iid",
                "rid",
                matched_on=pl.when(pl.col("systems") == "consumable")
                .then(pl.lit(consumable))
                .otherwise(pl.lit(label)),
                prior=pl.lit(1.0),
            )
        )
    return pl.concat(parts).cast(PAIR_SCHEMA).unique(["iid", "rid"], keep="first")  # type: ignore[arg-type]


def queries(items: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Distinct ``(system, name)`` queries (``qid``) and which items ask each."""
    asked = (
        pl.concat([items.select("iid", "systems", name=pl.col(c)) for c in ("nkey", "gkey")])
        .drop_nulls("name")
        .explode("systems")
        .rename({"systems": "system"})
        .unique()
    )
    distinct = (
        asked.select("system", "name")
        .unique(maintain_order=True)
        .with_columns(qid=pl.int_range(pl.len(), dtype=pl.UInt32))
    )
    return distinct, asked.join(distinct, on=["system", "name"]).select("qid", "iid")


def name_pairs(qs: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """The best reference names for each query: blocked on shared bigrams (stop grams only
    for queries with nothing else), scored with rapidfuzz ``ratio`` (containment counts as
    95); top ``NAMES`` kept.
    """
    grams = bigrams(qs, "name").select("qid", "system", "gram")
    stats = index.grams.select("system", "gram", "stop").unique(["system", "gram"])
    classified = grams.join(stats, on=["system", "gram"])
    useful = classified.with_columns(informative=(~pl.col("stop")).any().over("qid")).filter(
        pl.col("stop") != pl.col("informative")
    )
    hits = (
        useful.select("qid", "system", "gram")
        .join(index.grams.select("system", "gram", "nid"), on=["system", "gram"])
        .group_by("qid", "nid")
        .agg(shared=pl.len())
        .sort("qid", "shared", "nid", descending=[False, True, False])
        .group_by("qid", maintain_order=True)
        .head(PRE_NAMES)
        .select("qid", "nid")
    )
    same = qs.join(index.names, on=["system", "name"]).select("qid", "nid")
    pairs = (
        pl.concat([hits, same])
        .unique()
        .join(qs.select("qid", query="name"), on="qid")
        .join(index.names.select("nid", target="name"), on="nid")
    )
    if pairs.is_empty():
        return pairs.select("qid", "nid", pl.lit(0.0).alias("score"))
    # Indel ratio, or 95 where one name contains the other (a brand prefix, a trade name in
    # brackets): as good as WRatio for choosing names, at a sixth of its cost.
    scores = process.cpdist(
        pairs.get_column("query").to_list(),
        pairs.get_column("target").to_list(),
        scorer=fuzz.ratio,
        workers=-1,
    )
    contained = either_contains(pl.col("query"), pl.col("target")).fill_null(False)
    return (
        pairs.with_columns(score=pl.Series(scores, dtype=pl.Float64))
        .with_columns(
            score=pl.when(contained).then(pl.max_horizontal("score", 95.0)).otherwise("score")
        )
        .sort("qid", "score", "nid", descending=[False, True, False])
        .group_by("qid", maintain_order=True)
        .head(NAMES)
        .select("qid", "nid", "score")
    )


# Equality pre-score: cheap hash comparisons that decide which records get full scoring.
PRE_WEIGHTS = {"strength": 0.2, "mfr_key": 0.15, "form_key": 0.1, "pack": 0.05, "unit_key": 0.03}


def fuzzy_pairs(items: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """Records whose name is among the best names for one of the item's names, short-listed
    to ``SHORTLIST`` per item by name score plus equal strength / maker / form / pack / unit.
    """
    qs, asked = queries(items)
    best = name_pairs(qs, index)
    named = best.join(asked, on="qid")
    pairs = (
        pl.concat([_small_names(named, index), _big_names(named, items, index)])
        .group_by("iid", "rid")
        .agg(name=pl.col("score").max() / 100.0)
    )
    cols = list(PRE_WEIGHTS)
    # Compared as 64-bit hashes: the join then moves integers, not strings.
    joined = pairs.join(
        items.select("iid", *[_hashed(c).alias(f"i_{c}") for c in cols]), on="iid"
    ).join(index.records.select("rid", *[_hashed(c).alias(f"r_{c}") for c in cols]), on="rid")
    prior = 0.45 * pl.col("name") + pl.sum_horizontal(
        (pl.col(f"i_{c}") == pl.col(f"r_{c}")).fill_null(False).cast(pl.Float64) * w
        for c, w in PRE_WEIGHTS.items()
    )
    return (
        # The tiny rid term breaks ties the same way on every run.
        # The best SHORTLIST by pre-score, and every record tied with the best one (up to
        # SHORTLIST_TIES): a line without maker or pack ties with every maker's or packaging's
        # record, and that tie is only honest when shown whole. The tiny rid term orders
        # records the same way on every run.
        joined.select("iid", "rid", prior=prior)
        .with_columns(
            order=(pl.col("prior") - pl.col("rid").cast(pl.Float64) * 1e-15)
            .rank("ordinal", descending=True)
            .over("iid"),
            top=pl.col("prior") == pl.col("prior").max().over("iid"),
        )
        .filter(
            (pl.col("order") <= SHORTLIST) | (pl.col("top") & (pl.col("order") <= SHORTLIST_TIES))
        )
        .select("iid", "rid", pl.lit(None, pl.String).alias("matched_on"), "prior")
        .cast(PAIR_SCHEMA)  # type: ignore[arg-type]
    )


def _small_names(named: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """Every record of a name with at most ``BIG_NAME`` records."""
    small = index.name_records.filter(~pl.col("big"))
    return named.join(small.select("nid", "rid"), on="nid").select("iid", "rid", "score")


def _big_names(named: pl.DataFrame, items: pl.DataFrame, index: ReferenceIndex) -> pl.DataFrame:
    """Records of a popular name (阿莫西林胶囊 has hundreds of makers): only those sharing the
    item's manufacturer or strength, or, for an item with neither, the first ``BIG_NAME``.
    """
    big = index.name_records.filter(pl.col("big"))
    hits = named.join(big.select("nid").unique(), on="nid").join(
        items.select("iid", "mfr_key", "strength"), on="iid"
    )
    by_maker = hits.join(big, on=["nid", "mfr_key"]).select("iid", "rid", "score")
    by_strength = hits.join(big, on=["nid", "strength"]).select("iid", "rid", "score")
    blind = (
        hits.filter(pl.col("mfr_key").is_null() & pl.col("strength").is_null())
        .join(big.filter(pl.col("head")), on="nid")
        .select("iid", "rid", "score")
    )
    return pl.concat([by_maker, by_strength, blind])


def _hashed(column: str) -> pl.Expr:
    """A null-preserving 64-bit hash of a key column (numbers pass through as floats)."""
    col = pl.col(column)
    return pl.when(col.is_not_null()).then(col.hash(seed=7))

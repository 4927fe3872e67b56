"""The blocking index over one reference release: what keeps suggest from comparing every item
with every record.

Records valid on the check date are keyed once (:mod:`mapper.suggest.keys`). Their names —
registered and generic — become a table of distinct ``(system, name key)`` entries, each indexed
by its character bigrams. A query name then meets only the names that share an informative
bigram with it in the same code system; bigrams that occur in more than ``STOP_SHARE`` of a
system's names (``颗粒``, ``小儿``) carry no information and are used only when a name has no
other. Exact keys (approval number, 本位码 / UDI-DI) are hash joins on the record table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from mapper.reference import Reference
from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.suggest.key_cache import cached_keys
from mapper.suggest.keys import add_keys

# Systems an item line can be mapped to (institutions are not catalog items).
ITEM_SYSTEMS = ("drug", "herbal", "preparation", "consumable", "service")
STOP_SHARE = 0.005  # a bigram in more than 0.5 % of a system's names is a stop gram …
STOP_MIN = 50  # … unless that is fewer than this many names (small systems keep their grams)
BIG_NAME = 100  # a name with more records than this is blocked again by maker and strength
MARKET_RANK = {"上市": 0, "未上市": 1, "停产": 2, "停用": 3}

# Reference columns shown next to a candidate.
DISPLAY = ("code", "system", "name", "spec", "dosage_form", "package", "manufacturer",
           "approval_no", "market_status")  # fmt: skip


def bigrams(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """One row per distinct character bigram of ``column`` (a one-character value is its own)."""
    length = pl.col(column).str.len_chars()
    return (
        frame.with_columns(pos=pl.int_ranges(0, pl.max_horizontal(length - 1, 1)))
        .explode("pos")
        .with_columns(gram=pl.col(column).str.slice(pl.col("pos"), 2))
        .drop("pos")
        .unique()
    )


@dataclass
class ReferenceIndex:
    """Keyed records, their distinct names and the bigram index over those names."""

    records: pl.DataFrame  # rid, reference display columns, key columns, market_rank
    names: pl.DataFrame  # nid, system, name
    name_records: pl.DataFrame  # nid, rid, mfr_key, strength, big, head
    grams: pl.DataFrame  # system, gram, nid, stop
    as_of: date | None

    @property
    def size(self) -> int:
        return self.records.height


def build_index(
    reference: Reference | pl.DataFrame | pl.LazyFrame, as_of: date | None = None
) -> ReferenceIndex:
    """Index the records of ``reference`` valid on ``as_of`` (all records when None).

    ``reference`` is a loaded store release or a frame in the reference schema.
    """
    columns = [c for c in REFERENCE_SCHEMA if c in DISPLAY or c in _KEYED]

    def keyed(raw: pl.DataFrame) -> pl.DataFrame:
        items = raw.filter(pl.col("system").is_in(ITEM_SYSTEMS))
        return add_keys(items, second_name="generic_name", package="package")

    # Keys are per record, whatever the date: computed over the whole release (kept on disk for
    # a store release, mapper.suggest.key_cache), then the date picks the records.
    if isinstance(reference, Reference):
        records = cached_keys(reference, columns, keyed)
    else:
        records = keyed(reference.lazy().select(columns).collect())
    if as_of is not None:
        records = records.filter(
            (pl.col("valid_from").is_null() | (pl.col("valid_from") <= as_of))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= as_of))
        )
    records = records.unique(subset="code", keep="first", maintain_order=True).with_columns(
        rid=pl.int_range(pl.len(), dtype=pl.UInt32),
        market_rank=pl.col("market_status").replace_strict(
            MARKET_RANK, default=9, return_dtype=pl.Int8
        ),
    )
    record_names = (
        pl.concat(
            [records.select("rid", "system", name=pl.col(column)) for column in ("nkey", "gkey")]
        )
        .drop_nulls("name")
        .unique()
    )
    names = (
        record_names.select("system", "name")
        .unique(maintain_order=True)
        .with_columns(nid=pl.int_range(pl.len(), dtype=pl.UInt32))
    )
    name_records = (
        record_names.join(names, on=["system", "name"])
        .join(records.select("rid", "mfr_key", "strength", "market_rank"), on="rid")
        .sort("nid", "market_rank", "rid")
        .with_columns(
            big=pl.len().over("nid") > BIG_NAME,
            head=pl.int_range(pl.len()).over("nid") < BIG_NAME,
        )
        .select("nid", "rid", "mfr_key", "strength", "big", "head")
    )
    grams = bigrams(names, "name").select("system", "gram", "nid")
    share = grams.group_by("system", "gram").agg(df=pl.len())
    limits = names.group_by("system").agg(
        limit=pl.max_horizontal(pl.len() * STOP_SHARE, pl.lit(STOP_MIN))
    )
    stop = share.join(limits, on="system").select(
        "system", "gram", stop=pl.col("df") > pl.col("limit")
    )
    grams = grams.join(stop, on=["system", "gram"])
    return ReferenceIndex(records, names, name_records, grams, as_of)


_KEYED = ("generic_name", "base_code", "unit", "valid_from", "valid_to")

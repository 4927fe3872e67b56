"""The engine's reference lookup (only the codes asked for, one record per code) and its
positions of product keys in the sorted keys."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from mapper.engine import positions, reference_lookup
from mapper.reference import load_reference
from tests.support import fixture_records, write_store


def test_lookup_has_the_asked_codes_once_each(tmp_path: Path) -> None:
    release, records = fixture_records()
    first, second = records[0], records[1]
    # The same code listed twice in a release: the first record listed is the one used.
    again = {**first, "name": first["name"] + "（重复）"}
    ref = load_reference(write_store(tmp_path / "store", {release: [*records, again]}))
    asked = pl.Series([first["code"], first["code"], second["code"], "C0000000000000000000", None])
    lookup = reference_lookup(ref, asked)
    assert sorted(lookup.get_column("code_key").to_list()) == sorted(
        [first["code"], second["code"]]
    )
    by_code = {r["code_key"]: r for r in lookup.iter_rows(named=True)}
    assert by_code[first["code"]]["ref_name"] == first["name"]
    assert lookup.get_column("ref_found").all()


def test_lookup_of_distinct_codes_is_the_records(tmp_path: Path) -> None:
    release, records = fixture_records()
    ref = load_reference(write_store(tmp_path / "store", {release: records}))
    codes = pl.Series([r["code"] for r in records])
    lookup = reference_lookup(ref, codes)
    assert lookup.height == codes.n_unique()


KEYS = st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=60)


@given(sorted_keys=KEYS, keys=KEYS)
def test_positions_are_the_binary_search_in_the_keys_order(
    sorted_keys: list[int], keys: list[int]
) -> None:
    known = pl.Series(sorted(sorted_keys), dtype=pl.UInt64)
    asked = pl.Series(keys, dtype=pl.UInt64)
    expected = known.search_sorted(asked, side="left")
    assert positions(known, asked).to_list() == expected.to_list()


def test_positions_of_keys_that_are_there_find_them() -> None:
    known = pl.Series([3, 8, 15, 2**63, 2**64 - 1], dtype=pl.UInt64)
    asked = pl.Series([2**64 - 1, 3, 15, 15, 2**63, 8], dtype=pl.UInt64)
    found = positions(known, asked)
    assert known.gather(found).to_list() == asked.to_list()
    assert found.to_list() == [4, 0, 2, 2, 3, 1]


def test_reference_columns_are_derived_from_the_rules_that_run() -> None:
    """The release columns looked up are those the selected rules' expressions read (or fold
    into comparison keys), plus what items, payment and line classification read."""
    import datetime as dt

    from mapper.pipeline.plan import reference_columns
    from mapper.rules import CheckContext, select_rules

    ctx = CheckContext(as_of=dt.date(2026, 11, 23))
    every = reference_columns(select_rules(), ctx)
    assert {"generic_name", "manufacturer", "approval_no", "valid_to"} <= set(every)
    assert "package" not in every and "source" not in every  # no rule reads these
    without_att = reference_columns(select_rules(ignore=["ATT"]), ctx)
    # ATT001 alone compares the generic name; items still show the reference name.
    assert "generic_name" not in without_att and "name" in without_att
    assert set(without_att) < set(every)

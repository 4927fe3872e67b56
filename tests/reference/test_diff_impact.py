"""diff, impact and check across the two fixture releases give exactly the planted changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

import mapper
from mapper.reference.diff import diff_counts, diff_releases
from mapper.reference.history import code_history
from mapper.reference.impact import release_impact
from mapper.reference.store import load_reference
from tests.reference.conftest import RELEASES, planted

CATALOG = RELEASES / "catalog.csv"
AS_OF = date(2027, 1, 1)
# The finding a planted change makes appear (+) or disappear (-) for a catalog line that
# uses the code with its 2026-12 attributes; payment category and unit change no finding.
EFFECT = {
    ("revoked", None): "+REF001",
    ("revoked", "valid_to"): "+REF002",
    ("added", None): "-REF001",
    ("changed", "spec"): "+ATT002",
    ("changed", "manufacturer"): "+ATT004",
    ("changed", "approval_no"): "+ATT005",
    ("changed", "name"): "+ATT001",
}


def _rows(frame: pl.DataFrame) -> set[tuple[object, ...]]:
    return set(frame.select("system", "code", "change", "field", "old", "new").rows())


def test_diff_gives_exactly_the_planted_changes(release_store: Path) -> None:
    diff = diff_releases("2026-12", "2027-01", store=release_store)
    expected = {tuple(c[k] for k in ("system", "code", "change", "field", "old", "new"))
                for c in planted()}  # fmt: skip
    assert _rows(diff) == expected and diff.height == len(planted())


def test_diff_counts_and_system_filter(release_store: Path) -> None:
    counts = diff_counts(diff_releases("2026-12", "2027-01", store=release_store))
    assert counts.rows() == [
        ("drug", "added", 4), ("drug", "changed", 9), ("drug", "revoked", 5),
        ("service", "added", 2), ("service", "changed", 2), ("service", "revoked", 1),
    ]  # fmt: skip
    only = diff_releases("2026-12", "2027-01", store=release_store, systems=["service"])
    assert set(only.get_column("system")) == {"service"}


def test_diff_of_a_release_with_itself_is_empty(release_store: Path) -> None:
    assert diff_releases("2027-01", "2027-01", store=release_store).is_empty()


def _expected_effects() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in planted():
        effect = EFFECT.get((c["change"], c["field"]))
        if effect:
            out.setdefault(c["code"], set()).add(effect)
    return out


def test_check_against_either_release_differs_exactly_where_planted(release_store: Path) -> None:
    results = [
        mapper.check(CATALOG, load_reference(release_store, r), as_of=AS_OF)
        for r in ("2026-12", "2027-01")
    ]
    keyed = [
        set(r.findings.join(r.items.select("row", "code"), on="row")
            .select("code", "rule").rows())
        for r in results
    ]  # fmt: skip
    before, after = keyed
    effects: dict[str, set[str]] = {}
    for code, rule in after - before:
        effects.setdefault(code, set()).add(f"+{rule}")
    for code, rule in before - after:
        effects.setdefault(code, set()).add(f"-{rule}")
    assert effects == _expected_effects()


def test_impact_lists_the_planted_items(release_store: Path) -> None:
    impact = release_impact(CATALOG, "2026-12", "2027-01", store=release_store)
    by_code = {r["code"]: r for r in impact.iter_rows(named=True)}
    effects = _expected_effects()
    payment = {c["code"] for c in planted() if c["field"] == "payment_category"}
    assert set(by_code) == set(effects) | payment
    for code, row in by_code.items():
        added = {f"+{r}" for r in (row["rules_added"] or "").split(", ") if r}
        resolved = {f"-{r}" for r in (row["rules_resolved"] or "").split(", ") if r}
        assert added | resolved == effects.get(code, set()), code
    assert {c for c, r in by_code.items() if r["impact"] == "changes"} >= payment
    breaks = {c for c, r in by_code.items() if r["impact"] == "breaks"}
    assert breaks == {c for c, e in effects.items() if e & {"+REF001", "+REF002", "+ATT005"}}
    assert all("医保类别 乙 → 甲" in by_code[c]["detail"] for c in payment)


def test_show_gives_the_history_across_releases(release_store: Path) -> None:
    end_dated = next(c["code"] for c in planted() if c["field"] == "valid_to")
    history = code_history(end_dated.lower() + " ", release_store)
    assert history.get_column("release").to_list() == ["2026-12", "2027-01"]
    assert history.get_column("valid_to").to_list() == [None, date(2026, 12, 31)]
    assert history.get_column("market_status").to_list() == ["上市", "停用"]
    assert code_history("XA00AAA000A000000000000", release_store).is_empty()

"""A small version of ``bench/eval_real.py``: suggest on REAL drug records, scored strictly.

The labelled set is built from ``../shared/data/nhsa_drug_records_sample.csv`` at test time
(never copied into the repo); figures for the whole set are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import pytest

from bench.eval_real import RECORDS, SEED, real_records, score_lines, shared_dir, till_lines
from mapper.reference import Reference
from mapper.suggest.index import ReferenceIndex

pytestmark = pytest.mark.skipif(
    not (shared_dir() / RECORDS).exists(),
    reason=f"needs the real records in {shared_dir() / RECORDS} (../shared beside the clone)",
)


def test_real_records_without_code_or_approval_number(
    shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    records = real_records(shared_dir(), shipped).sample(400, seed=SEED, shuffle=True)
    lines = till_lines(records, SEED, keep_approval=0.0)
    assert lines["批准文号"].null_count() == lines.height
    got = score_lines(lines, shipped, shipped_index)
    assert got["precision_at_1_strict"] >= 0.90
    assert got["recall_at_5_strict"] >= 0.98
    # Every line that does not get its own record first is told it is ambiguous.
    assert got["misses_marked_ambiguous"] == got["strict_misses"]
    assert got["precision_at_1_indistinguishable"] >= 0.99


def test_real_records_with_some_approval_numbers(
    shipped: Reference, shipped_index: ReferenceIndex
) -> None:
    records = real_records(shared_dir(), shipped).sample(300, seed=SEED + 1, shuffle=True)
    got = score_lines(till_lines(records, SEED + 1, keep_approval=0.5), shipped, shipped_index)
    assert got["precision_at_1_strict"] >= 0.90
    assert got["auto_wrong"] == 0
    assert got["misses_marked_ambiguous"] == got["strict_misses"]

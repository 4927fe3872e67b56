"""The hostile-input corpus (tests/hostile/corpus.py) inside ``make test``: every case ends in
a complete output or one clear error line, never a defect. ``make fuzz`` runs a larger one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.hostile.corpus import GENERATORS, corpus
from tests.hostile.runner import Outcome, run_case

PER_CLASS = 6
SEED = 20261205


@pytest.fixture(scope="module")
def outcomes(tiny_store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    return [
        run_case(case, tmp_path_factory.mktemp("case"), tiny_store)
        for case in corpus(SEED, PER_CLASS)
    ]


def test_no_case_is_a_defect(outcomes: list[Outcome]) -> None:
    defects = [f"{o.case}: {o.detail}" for o in outcomes if o.kind == "defect"]
    assert defects == []


def test_the_corpus_covers_every_class_with_both_outcomes(outcomes: list[Outcome]) -> None:
    assert len(outcomes) == PER_CLASS * len(GENERATORS)
    kinds = Counter(o.kind for o in outcomes)
    assert kinds["complete"] > 0 and kinds["error"] > 0


def test_the_corpus_is_reproducible() -> None:
    first, again = corpus(7, 2), corpus(7, 2)
    assert [(c.name, c.args, c.files) for c in first] == [(c.name, c.args, c.files) for c in again]

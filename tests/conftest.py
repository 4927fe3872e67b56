from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from mapper.reference import Reference, load_reference
from tests.support import fixture_records, write_store

# Timing is for benchmarks, not tests: no per-example deadline (CI machines are shared).
settings.register_profile("mapper", deadline=None)
settings.load_profile("mapper")


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    release, records = fixture_records()
    return write_store(tmp_path_factory.mktemp("store"), {release: records})


@pytest.fixture(scope="session")
def tiny_reference(tiny_store: Path) -> Reference:
    return load_reference(tiny_store)

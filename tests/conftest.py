from __future__ import annotations

from pathlib import Path

import pytest

from mapper.reference import Reference, load_reference
from tests.support import fixture_records, write_store


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    release, records = fixture_records()
    return write_store(tmp_path_factory.mktemp("store"), {release: records})


@pytest.fixture(scope="session")
def tiny_reference(tiny_store: Path) -> Reference:
    return load_reference(tiny_store)

"""A store holding the two fixture releases (2026-12, 2027-01), imported once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mapper.reference.importer import import_release
from mapper.reference.manifest import read_manifest
from mapper.reference.writing import LOCK

RELEASES = Path(__file__).resolve().parents[1] / "fixtures" / "releases"
FILES = (
    ("drug_2026-12.csv", "drug", "2026-12"),
    ("service_2026-12.xlsx", "service", "2026-12"),
    ("drug_2027-01.xlsx", "drug", "2027-01"),
    ("service_2027-01.csv", "service", "2027-01"),
)


def import_fixtures(store: Path) -> Path:
    for name, system, release in FILES:
        result = import_release(RELEASES / name, system, release, store=store)
        assert result.imported, result.problems
    return store


def planted() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((RELEASES / "planted.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def release_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_fixtures(tmp_path_factory.mktemp("releases"))


def stored(root: Path, release: str, system: str) -> Path:
    """The file the store's manifest lists for ``release``'s ``system``."""
    entry = read_manifest(root).find(release, system)
    assert entry is not None, (release, system)
    return root / entry.path


def snapshot(root: Path) -> tuple[bytes, list[str]]:
    """The manifest's bytes and every file under the store (but the lock file, which only
    says an import ran): equal means untouched."""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name != LOCK)
    manifest = (root / "manifest.json").read_bytes() if (root / "manifest.json").exists() else b""
    return manifest, files

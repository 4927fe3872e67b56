"""The keyed release kept on disk: read back equal, never stale, never in the way."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mapper.reference import Reference
from mapper.suggest import build_index
from mapper.suggest.key_cache import cache_dir
from tests.suggest.conftest import AS_OF


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("suggest-keys-*.parquet"))


def test_keys_are_stored_once_and_read_back_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: Reference
) -> None:
    monkeypatch.setenv("MAPPER_CACHE", "off")
    assert cache_dir() is None
    fresh = build_index(shipped, AS_OF)
    monkeypatch.setenv("MAPPER_CACHE", str(tmp_path / "cache"))
    first = build_index(shipped, AS_OF)
    (stored,) = _files(tmp_path / "cache")
    stamp = stored.stat().st_mtime_ns
    second = build_index(shipped, None)  # another date: the same keys, filtered otherwise
    again = build_index(shipped, AS_OF)
    assert _files(tmp_path / "cache") == [stored] and stored.stat().st_mtime_ns == stamp
    for index in (first, again):
        assert_frame_equal(index.records, fresh.records)
        assert_frame_equal(index.names.drop("nid"), fresh.names.drop("nid"), check_row_order=False)
    assert second.size >= fresh.size


def test_a_changed_release_or_a_torn_file_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: Reference
) -> None:
    monkeypatch.setenv("MAPPER_CACHE", str(tmp_path / "cache"))
    build_index(shipped, AS_OF)
    (stored,) = _files(tmp_path / "cache")
    stored.write_bytes(b"not parquet")  # a crash elsewhere, a foreign file
    assert build_index(shipped, AS_OF).size > 0
    assert pl.read_parquet(stored).height > 0  # recomputed and replaced
    # A store whose files changed (here: one system's file dropped) gets its own entry.
    smaller = dataclasses.replace(shipped, entries=shipped.entries[:-1])
    build_index(smaller, AS_OF)
    assert len(_files(tmp_path / "cache")) == 2


def test_a_cache_that_cannot_be_written_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: Reference
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("MAPPER_CACHE", str(blocked / "cache"))
    assert build_index(shipped, AS_OF).size > 0

"""Reference-side comparison keys are folded once, at import, stamped with the folding that
made them; a check reads them while the stamp matches and folds the text itself otherwise,
with the same findings either way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import mapper
from mapper import normalize
from mapper.engine import reference_lookup
from mapper.reference import load_reference
from mapper.reference.writing import write_records

SAMPLES = Path(__file__).resolve().parents[2] / "sample_catalogs"
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def keyed_store(tmp_path: Path) -> Path:
    """The shipped release rewritten as `reference import` writes files: keys and stamp."""
    shipped = load_reference()
    root = tmp_path / "store"
    for entry in shipped.entries:
        target = root / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_records(pl.read_parquet(shipped.root / entry.path), target)
    manifest = (shipped.root / "manifest.json").read_text("utf-8")
    # The files changed: the manifest's hashes are dropped (an entry without one is trusted).
    data = json.loads(manifest)
    for entry in data["entries"]:
        entry["sha256"] = ""
    (root / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return root


def test_import_writes_keys_with_the_folding_stamp(keyed_store: Path) -> None:
    ref = load_reference(keyed_store)
    path = ref.root / ref.entries[0].path
    assert pl.read_parquet_metadata(path)[normalize.KEYS_METADATA] == normalize.KEYS_STAMP
    assert {"name_key", "spec_key", "spec_strengths", "manufacturer_key"} <= set(ref.folded())
    codes = pl.read_parquet(path).get_column("code").head(50)
    lookup = reference_lookup(ref, codes, ["name", "spec"])
    assert {"ref_name_key", "ref_spec_key", "ref_spec_strengths"} <= set(lookup.columns)
    assert "ref_manufacturer_key" not in lookup.columns  # only the columns looked up
    records = pl.read_parquet(path)
    expected = records.select(normalize.manufacturer_key(pl.col("manufacturer")))
    assert_frame_equal(
        records.select("manufacturer_key"), expected.rename({"manufacturer": "manufacturer_key"})
    )


@pytest.mark.parametrize("name", ["hospital_catalog_gbk.csv", "pharmacy_catalog_gbk.csv"])
def test_checks_read_the_keys_while_the_stamp_matches(
    keyed_store: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = load_reference(keyed_store)
    keyed = mapper.check(SAMPLES / name, ref, as_of=AS_OF)
    monkeypatch.setattr(normalize, "KEYS_STAMP", "another folding")
    assert ref.folded() == []  # a stale stamp: the check folds the release's text itself
    folded_now = mapper.check(SAMPLES / name, ref, as_of=AS_OF)
    assert_frame_equal(keyed.findings, folded_now.findings)
    assert_frame_equal(keyed.items, folded_now.items)
    assert keyed.findings.filter(pl.col("rule").str.starts_with("ATT")).height > 0

"""Importing published release files: mapping, manifest, validation, atomicity."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from mapper.errors import InputError
from mapper.reference import writing
from mapper.reference.importer import import_release
from mapper.reference.integrity import sha256_of
from mapper.reference.store import load_reference
from tests.reference.conftest import RELEASES, import_fixtures, snapshot, stored
from tests.support import REPO

SHIPPED = REPO / "reference_codes" / "2026-11"
ROUND_TRIP = (
    "name", "generic_name", "spec", "dosage_form", "package", "unit", "manufacturer",
    "approval_no", "base_code", "payment_category", "valid_from", "valid_to", "market_status",
)  # fmt: skip


def test_published_layout_maps_back_to_the_records_it_came_from(release_store: Path) -> None:
    imported = pl.read_parquet(stored(release_store, "2026-12", "drug"))
    shipped = pl.read_parquet(SHIPPED / "drug.parquet").filter(
        pl.col("code").is_in(imported.get_column("code").implode())
    )
    assert imported.height == 300 == shipped.height
    cols = ["code", *ROUND_TRIP]
    assert imported.select(cols).sort("code").equals(shipped.select(cols).sort("code"))


def test_unmapped_published_columns_are_kept_in_extra(release_store: Path) -> None:
    record = pl.read_parquet(stored(release_store, "2026-12", "drug")).row(0, named=True)
    extra = json.loads(record["extra"])
    assert extra["数据来源"] == "国家药监局"
    assert {"商品名称", "注册剂型", "包装材质", "上市药品持有人", "曾用码"} <= set(extra)
    assert record["source"] == "nhsa:drug_2026-12.csv"


def test_manifest_lists_every_file_with_its_hash_and_release_dates(release_store: Path) -> None:
    data = json.loads((release_store / "manifest.json").read_text("utf-8"))
    assert data["default_release"] == "2027-01"
    assert data["releases"] == {
        "2026-12": {"published": "2026-12-01"},
        "2027-01": {"published": "2027-01-01"},
    }
    by_key = {(e["release"], e["system"]): e for e in data["entries"]}
    assert set(by_key) == {(r, s) for r in ("2026-12", "2027-01") for s in ("drug", "service")}
    for entry in data["entries"]:
        path = release_store / entry["path"]
        assert entry["sha256"] == sha256_of(path)
        assert entry["rows"] == pl.read_parquet(path).height
        assert entry["imported_at"] and entry["source_file"]
    assert by_key[("2027-01", "drug")]["rows"] == 301  # 300 - 3 dropped + 4 added


def test_imported_release_loads_for_checking(release_store: Path) -> None:
    ref = load_reference(release_store, "2027-01")
    assert sorted(ref.systems) == ["drug", "service"] and ref.rows == 301 + 151


# (file, expected (row, published header) problems)
BROKEN = {
    "broken_codes.csv": [
        (4, "药品代码"), (7, "药品代码"), (9, "药品代码"), (11, "开始日期"),
        (13, "2025版甲乙类"), (15, "注册名称"),
    ],
    "broken_duplicates.csv": [(6, "药品代码"), (17, "药品代码")],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_reported_row_by_row_and_store_untouched(name: str, tmp_path: Path) -> None:
    store = import_fixtures(tmp_path / "store")
    before = snapshot(store)
    result = import_release(RELEASES / name, "drug", "2027-02", store=store)
    assert not result.imported
    assert result.problems.select("row", "column").rows() == BROKEN[name]
    assert result.problems.get_column("reason").str.contains(" / ").all()  # bilingual
    assert snapshot(store) == before


def test_reasons_name_what_is_wrong(tmp_path: Path) -> None:
    result = import_release(RELEASES / "broken_codes.csv", "drug", "2027-02", store=tmp_path)
    reasons = dict(zip(result.problems["row"], result.problems["reason"], strict=True))
    assert "20 characters, this has 19" in reasons[4]
    assert "a herbal code, not a drug code" in reasons[7]
    assert "missing code" in reasons[9]
    assert not (tmp_path / "manifest.json").exists()


def test_missing_column_is_an_input_error_and_store_untouched(tmp_path: Path) -> None:
    store = import_fixtures(tmp_path / "store")
    before = snapshot(store)
    with pytest.raises(InputError, match="no column for name") as err:
        import_release(RELEASES / "broken_columns.csv", "drug", "2027-02", store=store)
    assert err.value.column == "注册名称"
    assert snapshot(store) == before


def test_skip_bad_rows_imports_the_rest_and_reports_them(tmp_path: Path) -> None:
    result = import_release(
        RELEASES / "broken_codes.csv", "drug", "2027-02", store=tmp_path, skip_bad_rows=True
    )
    assert result.imported and result.rows_rejected == 6
    assert result.entry is not None and result.entry.rows == 14


def test_same_release_and_system_twice_needs_replace(tmp_path: Path) -> None:
    import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=tmp_path)
    with pytest.raises(InputError, match="--replace"):
        import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=tmp_path)
    again = import_release(
        RELEASES / "drug_2027-01.xlsx", "drug", "2026-12", store=tmp_path, replace=True
    )
    assert again.entry is not None and load_reference(tmp_path, "2026-12").rows == 301


def test_one_release_has_one_published_date(tmp_path: Path) -> None:
    import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=tmp_path)
    with pytest.raises(InputError, match="published 2026-12-01"):
        import_release(
            RELEASES / "service_2026-12.xlsx", "service", "2026-12",
            store=tmp_path, published=date(2026, 12, 15),
        )  # fmt: skip


def test_release_name_without_a_date_needs_published(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--published"):
        import_release(RELEASES / "drug_2026-12.csv", "drug", "winter", store=tmp_path)


@pytest.mark.parametrize("existing_release", [False, True])
def test_failure_while_writing_the_manifest_rolls_back(
    existing_release: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    shutil.copytree(REPO / "reference_codes", store, ignore=shutil.ignore_patterns("*.py", "*.md"))
    if existing_release:
        import_release(RELEASES / "service_2026-12.xlsx", "service", "2026-12", store=store)
    before = snapshot(store)

    def fail(root: Path, data: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writing, "_write_manifest", fail)
    with pytest.raises(OSError, match="disk full"):
        import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=store)
    assert snapshot(store) == before

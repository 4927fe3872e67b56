"""Picking the release in force on a date, per system; naming a release for check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mapper.errors import InputError
from mapper.reference import open_reference, reference_in_force
from mapper.reference.importer import import_release
from mapper.reference.store import release_date
from tests.reference.conftest import RELEASES


@pytest.fixture
def partial_store(tmp_path: Path) -> Path:
    """2026-12 holds drug and service; 2027-01 holds only drug."""
    for name, system, release in (
        ("drug_2026-12.csv", "drug", "2026-12"),
        ("service_2026-12.xlsx", "service", "2026-12"),
        ("drug_2027-01.xlsx", "drug", "2027-01"),
    ):
        import_release(RELEASES / name, system, release, store=tmp_path)
    return tmp_path


def _picked(store: Path, day: date) -> dict[str, str]:
    return {e.system: e.release for e in reference_in_force(store, day).entries}


def test_each_system_takes_its_newest_release_published_by_the_date(partial_store: Path) -> None:
    assert _picked(partial_store, date(2026, 12, 15)) == {"drug": "2026-12", "service": "2026-12"}
    assert _picked(partial_store, date(2027, 1, 1)) == {"drug": "2027-01", "service": "2026-12"}
    ref = reference_in_force(partial_store, date(2027, 3, 1))
    assert ref.release == "2026-12 (service) + 2027-01 (drug)"


def test_no_release_in_force_before_the_first_is_an_error(partial_store: Path) -> None:
    with pytest.raises(InputError, match="no release in force on 2026-11-30"):
        reference_in_force(partial_store, date(2026, 11, 30))


def test_undated_releases_are_in_force_since_always(tmp_path: Path, tiny_store: Path) -> None:
    # The shipped store and test stores have no published dates.
    assert reference_in_force(tiny_store, date(2000, 1, 1)).entries


def test_open_reference_takes_a_folder_or_a_release_name(partial_store: Path) -> None:
    assert open_reference(partial_store).release == "2027-01"  # the default release
    assert open_reference(partial_store, "2026-12").release == "2026-12"
    assert open_reference(partial_store, as_of=date(2026, 12, 2)).release == "2026-12"
    assert open_reference("2026-11").release == "2026-11"  # a release of the default store
    with pytest.raises(InputError, match="neither a store folder nor a release"):
        open_reference("1999-01")


def test_release_date_from_name() -> None:
    assert release_date("2026-12") == date(2026, 12, 1)
    assert release_date("2026-12-15") == date(2026, 12, 15)
    assert release_date("2026-13") is None and release_date("v7") is None

"""The store under SIGKILL and concurrent imports: a reader sees the old release or the new one,
whole, and every import that says "imported" is listed.

Each import runs ``mapper reference import`` in a subprocess whose :data:`writing.on_step` hook
kills it (SIGKILL, no cleanup) or stalls it at one of :data:`writing.STEPS`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from mapper.errors import InputError
from mapper.reference import writing
from mapper.reference.importer import import_release
from mapper.reference.manifest import MANIFEST, read_manifest
from mapper.reference.store import load_reference, reference_in_force
from tests.reference.conftest import RELEASES

# The hook: kill this process at the step named by argv[1], or touch argv[1]'s file and sleep.
HOOKED_CLI = """
import os, signal, sys, time
from pathlib import Path
from mapper.reference import writing
action, step = sys.argv[1].split(":")
def hook(name):
    if name != step:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    Path(action).touch()
    time.sleep(1.5)
writing.on_step = hook
from mapper.cli.main import cli
cli(sys.argv[2:], prog_name="mapper")
"""
NEW_FILE = RELEASES / "service_2027-01.csv"  # 151 records; the base store's 2026-12 has 150


def mapper_import(hook: str, store: Path, release: str, *extra: str) -> subprocess.Popen[str]:
    args = ["reference", "import", str(NEW_FILE), "--system", "service", "--release", release]
    return subprocess.Popen(
        [sys.executable, "-c", HOOKED_CLI, hook, *args, "--store", str(store), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("base")
    import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=store)
    import_release(RELEASES / "service_2026-12.xlsx", "service", "2026-12", store=store)
    return store


@pytest.fixture
def store(base_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base_store, tmp_path / "store"))


def stalled_import(store: Path, release: str, step: str, marker: Path) -> subprocess.Popen[str]:
    """An import that has reached ``step`` and sleeps there (holding the lock)."""
    proc = mapper_import(f"{marker}:{step}", store, release)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc


def services(store: Path, release: str) -> pl.DataFrame:
    ref = load_reference(store, release)
    return ref.scan().filter(pl.col("system") == "service").collect().sort("code")


def leftovers(store: Path) -> set[str]:
    """Files of the store the manifest does not list (bookkeeping aside)."""
    listed = {e.path for e in read_manifest(store).entries} | {MANIFEST, writing.LOCK}
    files = {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file()}
    staging = {p.name for p in store.iterdir() if p.name.startswith(writing.STAGING)}
    return (files - listed) | staging


@pytest.mark.parametrize("replace", [False, True], ids=["new-release", "replace"])
@pytest.mark.parametrize("step", writing.STEPS)
def test_sigkill_at_any_step_leaves_the_old_or_the_new_release_whole(
    step: str, replace: bool, store: Path
) -> None:
    release = "2026-12" if replace else "2027-01"
    old = services(store, "2026-12")
    proc = mapper_import(f"kill:{step}", store, release, *(["--replace"] if replace else []))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -9, err  # killed at that step, not finished or failed

    committed = writing.STEPS.index(step) >= writing.STEPS.index("committed")
    in_force = reference_in_force(store, date(2027, 6, 1))  # opens, files verified
    assert in_force.scan().collect().height == in_force.rows
    now = services(store, release) if committed or replace else None
    if committed:
        assert now is not None and now.height == 151
        assert len(read_manifest(store).entries) == (2 if replace else 3)
    elif replace:
        assert now is not None and now.equals(old)  # the old file, still listed and intact
    else:
        with pytest.raises(InputError, match="has no release '2027-01'"):
            load_reference(store, "2027-01")

    # The next import cleans what the killed one left and lists both.
    import_release(RELEASES / "drug_2027-01.xlsx", "drug", "2027-02", store=store)
    assert leftovers(store) == set()
    assert {"2026-12", "2027-02"} <= set(read_manifest(store).releases)


def test_concurrent_imports_wait_for_each_other_and_both_are_listed(
    store: Path, tmp_path: Path
) -> None:
    first = stalled_import(store, "2027-01", "moved", tmp_path / "first-holds-the-lock")
    second = mapper_import("none:none", store, "2027-02")
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert all("imported 151 service records" in out for out, _ in outs)
    manifest = read_manifest(store)
    assert {"2027-01", "2027-02"} <= set(manifest.releases)
    assert leftovers(store) == set()


def test_an_import_that_cannot_get_the_lock_refuses_clearly(store: Path, tmp_path: Path) -> None:
    other = stalled_import(store, "2027-01", "locked", tmp_path / "holds")
    try:
        with (
            pytest.raises(InputError, match="another import is writing this store"),
            writing.store_lock(store, timeout=0.2),
        ):
            pass
    finally:
        other.communicate(timeout=120)
    assert other.returncode == 0

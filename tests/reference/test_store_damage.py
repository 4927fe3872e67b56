"""A damaged store (manifest or files) is one clear line naming the file, exit 2: never a
traceback, never "unexpected", never a check against the wrong records."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper.cli.main import cli
from mapper.errors import InputError
from mapper.reference.importer import import_release
from mapper.reference.manifest import parse_manifest, read_manifest
from mapper.reference.store import load_reference
from tests.reference.conftest import RELEASES
from tests.support import REPO

SAMPLE = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"
DRUG = "2026-11/drug.parquet"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    shutil.copytree(REPO / "reference_codes", root, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return root


def manifest(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "manifest.json").read_text("utf-8"))
    return data


def set_manifest(root: Path, data: Any) -> None:
    (root / "manifest.json").write_text(json.dumps(data), "utf-8")


def edit_entry(root: Path, **changes: Any) -> None:
    data = manifest(root)
    entry = data["entries"][0]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    set_manifest(root, data)


MANIFESTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "list": (lambda r: set_manifest(r, []), "it is a list, not an object"),
    "null": (lambda r: set_manifest(r, None), "it is null, not an object"),
    "entries-not-a-list": (
        lambda r: set_manifest(r, {**manifest(r), "entries": {"a": 1}}),
        "'entries' is not a list",
    ),
    "entry-not-an-object": (
        lambda r: set_manifest(r, {**manifest(r), "entries": [5]}),
        "entry 1 is not an object",
    ),
    "entry-without-release": (lambda r: edit_entry(r, release=None), "entry 1 'release'"),
    "entry-without-path": (lambda r: edit_entry(r, path=None), "entry 1 'path'"),
    "path-outside-the-store": (
        lambda r: edit_entry(r, path="../../etc/passwd"),
        "is not a file inside the store",
    ),
    "rows-not-a-count": (lambda r: edit_entry(r, rows="many"), "'rows' must be a count"),
    "impossible-date": (
        lambda r: set_manifest(
            r, {**manifest(r), "releases": {"2026-11": {"published": "2026-13-45"}}}
        ),
        "is not YYYY-MM-DD",
    ),
    "not-json": (
        lambda r: (r / "manifest.json").write_bytes(b'{"entries": [\xff'),
        "is not valid JSON",
    ),
    "newer-format": (lambda r: set_manifest(r, {**manifest(r), "format": 9}), "format 9"),
}


def flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def unrelated_frame(path: Path) -> None:
    pl.DataFrame({"code": ["X"], "name": ["not a reference"]}).write_parquet(path)


FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "corrupt": (flip_bytes, "does not match the SHA-256"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:1000]), "does not match the SHA-256"),
    "not-parquet": (lambda p: p.write_text("code,name\n"), "does not match the SHA-256"),
    "unrelated-frame": (unrelated_frame, "does not match the SHA-256"),
    "missing": (lambda p: p.unlink(), "is listed in the store's manifest but missing"),
    "a-folder": (lambda p: (p.unlink(), p.mkdir()), "is not a file"),
}


def one_clear_line(result: Any, names: str, says: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("mapper: error: ") and names in lines[0] and says in lines[0]
    assert "unexpected" not in lines[0] and "Traceback" not in result.output


@pytest.mark.parametrize("case", sorted(MANIFESTS))
@pytest.mark.parametrize("command", ["check", "list"])
def test_a_malformed_manifest_is_one_line_naming_it(store: Path, case: str, command: str) -> None:
    damage, says = MANIFESTS[case]
    damage(store)
    args = (
        ["check", str(SAMPLE), "--reference", str(store)]
        if command == "check"
        else ["reference", "list", "--store", str(store)]
    )
    one_clear_line(CliRunner().invoke(cli, args), str(store / "manifest.json"), says)


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_damaged_reference_file_is_one_line_naming_it(store: Path, case: str) -> None:
    damage, says = FILES[case]
    damage(store / DRUG)
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--reference", str(store)])
    one_clear_line(result, str(store / DRUG), says)


@pytest.mark.parametrize("case", ["truncated", "not-parquet"])
def test_without_a_hash_a_broken_file_is_still_one_line(store: Path, case: str) -> None:
    edit_entry(store, sha256=None)  # a hand-made store: only the footer can be checked
    FILES[case][0](store / DRUG)
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--reference", str(store)])
    one_clear_line(result, str(store / DRUG), "is not a readable Parquet file")


def test_a_file_replaced_by_an_unrelated_frame_is_never_checked_against(store: Path) -> None:
    unrelated_frame(store / DRUG)
    with pytest.raises(Exception, match="SHA-256"):
        load_reference(store)


def test_show_and_diff_verify_the_files_they_read(tmp_path: Path) -> None:
    root = tmp_path / "store"
    import_release(RELEASES / "drug_2026-12.csv", "drug", "2026-12", store=root)
    import_release(RELEASES / "drug_2027-01.xlsx", "drug", "2027-01", store=root)
    entry = read_manifest(root).find("2026-12", "drug")
    assert entry is not None
    damaged = entry.path
    flip_bytes(root / damaged)
    runner = CliRunner()
    for args in (["show", "X"], ["diff", "2026-12", "2027-01"]):
        result = runner.invoke(cli, ["reference", *args, "--store", str(root)])
        one_clear_line(result, str(root / damaged), "does not match the SHA-256")


def test_verify_hashes_every_file_and_names_the_damaged_ones(store: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["reference", "verify", "--store", str(store), "--format", "csv"])
    assert clean.exit_code == 0, clean.output
    assert pl.read_csv(clean.stdout.encode()).get_column("ok").all()
    flip_bytes(store / "2026-11" / "service.parquet")
    result = runner.invoke(cli, ["reference", "verify", "--store", str(store), "--format", "csv"])
    assert result.exit_code == 2
    report = pl.read_csv(result.stdout.encode())
    assert report.filter(~pl.col("ok")).get_column("path").to_list() == ["2026-11/service.parquet"]
    assert "1 of 6 files damaged" in result.stderr


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(["release", "system", "path", "rows", "sha256", "source_file"])
ENTRY = st.dictionaries(FIELDS, JSON | st.just("2026-11") | st.just("a/b.parquet"), max_size=6)
MANIFEST_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "format": st.just(1) | JSON,
        "default_release": JSON,
        "entries": st.lists(ENTRY | JSON, max_size=4) | JSON,
        "releases": st.dictionaries(st.text(max_size=8), st.dictionaries(
            st.just("published"), st.text(max_size=12) | JSON, max_size=1), max_size=3) | JSON,
    },
)  # fmt: skip


@given(data=MANIFEST_LIKE | JSON)
@settings(max_examples=300, deadline=None)
def test_any_json_is_a_manifest_or_one_input_error(data: Any) -> None:
    try:
        manifest = parse_manifest(data, "store/manifest.json")
    except InputError as exc:
        assert str(exc).startswith("store/manifest.json: ") and "\n" not in str(exc)
        return
    for entry in manifest.entries:  # what parsing lets through, the store can use as is
        assert entry.release and entry.system and entry.path and entry.rows >= 0
        assert entry.release in manifest.published

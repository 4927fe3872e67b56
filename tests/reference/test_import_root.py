"""Where ``mapper reference import`` writes when no store is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli.main import cli
from mapper.errors import ConfigError
from mapper.reference import store


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed mapper: the shipped store is package data in site-packages."""
    package = tmp_path / "site-packages" / "mapper"
    shipped = package / "reference_codes"
    shipped.mkdir(parents=True)
    (shipped / "manifest.json").write_text('{"releases": []}', encoding="utf-8")
    monkeypatch.setattr(store.resources, "files", lambda name: package)
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    return shipped


def test_an_installed_mapper_refuses_to_import_into_its_package_data(installed: Path) -> None:
    with pytest.raises(ConfigError, match="--store DIR or \\$MAPPER_REFERENCE"):
        store.import_root(None)


def test_a_named_store_or_the_environment_is_used(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own"
    assert store.import_root(own) == own
    monkeypatch.setenv(store.ENV_VAR, str(own))
    assert store.import_root(None) == own


def test_the_cli_says_how_to_name_a_store(installed: Path, tmp_path: Path) -> None:
    release = tmp_path / "drugs.csv"
    release.write_text("x\n1\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["reference", "import", str(release), "--system", "drug", "--release", "2026-12"]
    )
    assert result.exit_code == 2
    assert "import into a store of your own with --store DIR" in result.output
    assert "Traceback" not in result.output
    assert not (installed / "2026-12").exists()

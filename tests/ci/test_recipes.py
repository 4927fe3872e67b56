"""docs/ci.md's recipes, run as a CI user runs them: the wheel built from this checkout,
installed in a fresh virtual environment (no source tree, no reference_codes/ next to it), then
the pre-commit hook's command (from .pre-commit-hooks.yaml) and the GitHub Actions steps (from
the workflow in docs/ci.md) on a catalog whose findings are all in the baseline (pass), and on
the same catalog with a new problem (fail, printing only the findings and the verdict).

Slow (``python -m build`` and a pip install with mapper's dependencies: about a minute with a
warm pip cache); ``make test`` runs it, ``pytest -m 'not slow'`` skips it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import polars as pl
import pytest
import yaml

from tests.support import REPO

pytestmark = pytest.mark.slow

SAMPLE = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"
CONFIG = """\
[project]
name = "our-catalogs"

[tool.mapper]
baseline = "mapper-baseline.json"
fail-on = "error"
as-of = 2026-11-23
"""
VERDICT_PASS = "All checks passed! 全部检查通过"
FINDING_LINE = re.compile(r"^catalogs/pharmacy\.csv:\d+: [A-Z]{3}\d{3} \[(error|warning|info)\] ")


def sh(
    command: str | list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    args = ["bash", "-e", "-c", command] if isinstance(command, str) else command
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def store_files() -> set[str]:
    """The files of the shipped store a wheel must carry, under ``mapper/reference_codes/``."""
    manifest = json.loads((REPO / "reference_codes" / "manifest.json").read_text("utf-8"))
    listed = {e["path"] for e in manifest["entries"]}
    return {f"mapper/reference_codes/{name}" for name in {"manifest.json", *listed}}


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh venv with the wheel ``python -m build`` makes (sdist, then the wheel built from
    the sdist) installed; the environment to run its mapper in."""
    work = tmp_path_factory.mktemp("recipes")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = dist.glob("mapper-*.whl")
    assert store_files() <= wheel_files(wheel)
    # Only the store: the scripts that build the snapshot are no modules of mapper.
    assert not any(
        n.startswith("mapper/reference_codes/") and n.endswith(".py") for n in wheel_files(wheel)
    )
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    install = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("MAPPER_REFERENCE", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = ""
    return env


def test_pip_wheel_carries_the_store(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-w", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("mapper-*.whl")
    assert store_files() <= wheel_files(wheel)


def hook_command() -> list[str]:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["pass_filenames"] is True
    return shlex.split(hook["entry"])


def workflow_steps() -> list[str]:
    """The `run:` steps of the workflow in docs/ci.md after mapper is installed."""
    text = (REPO / "docs" / "ci.md").read_text("utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/catalog\.yml\n.*?)```", text, re.S)
    assert block, "docs/ci.md has no GitHub Actions workflow"
    steps = yaml.safe_load(block.group(1))["jobs"]["mapper"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0].startswith("pip install mapper")  # done above, from the built wheel
    return runs[1:]


def user_repo(root: Path, env: dict[str, str]) -> Path:
    """A repository with one catalog and a baseline accepting every finding it has today."""
    (root / "catalogs").mkdir(parents=True)
    (root / "catalogs" / "pharmacy.csv").write_bytes(SAMPLE.read_bytes())
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    accepted = sh("mapper check catalogs/ --write-baseline mapper-baseline.json", root, env)
    assert accepted.returncode == 0, accepted.stderr
    return root


def add_problem(catalog: Path) -> str:
    """Blank one coded item's national code (a new COD001); returns its item id."""
    frame = pl.read_csv(io.StringIO(catalog.read_bytes().decode("gbk")), infer_schema=False)
    once = pl.col("商品编码").is_unique()
    coded = frame.filter(pl.col("医保编码").is_not_null() & once & (pl.col("商品类别") == "西药"))
    item = coded.get_column("商品编码")[0]
    changed = frame.with_columns(
        pl.when(pl.col("商品编码") == item)
        .then(None)
        .otherwise(pl.col("医保编码"))
        .alias("医保编码")
    )
    catalog.write_bytes(changed.write_csv().encode("gbk"))
    return item


def test_installed_wheel_finds_its_reference_store(
    installed: dict[str, str], tmp_path: Path
) -> None:
    # No reference_codes/ anywhere near: the store inside the installed package is used.
    result = sh(
        ["mapper", "check", str(SAMPLE), "--as-of", "2026-11-23", "-q"], tmp_path, installed
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Found 37 findings")
    missing = sh(
        ["mapper", "check", str(SAMPLE)], tmp_path, {**installed, "MAPPER_REFERENCE": str(tmp_path)}
    )
    assert missing.returncode == 2
    assert "--reference" in missing.stderr and "$MAPPER_REFERENCE" in missing.stderr
    assert "reference =" in missing.stderr and "Traceback" not in missing.stderr


def test_pre_commit_and_actions_recipes(installed: dict[str, str], tmp_path: Path) -> None:
    repo = user_repo(tmp_path / "repo", installed)
    hook = [*hook_command(), "catalogs/pharmacy.csv"]

    # Only accepted findings: the hook and the workflow pass, and say so in one line.
    clean = sh(hook, repo, installed)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, VERDICT_PASS + "\n", "")
    for step in workflow_steps():
        ran = sh(step, repo, installed)
        assert ran.returncode == 0, (step, ran.stdout, ran.stderr)
        if "--output-format github" in step:
            assert ran.stdout == ""  # no annotation: nothing new
            assert VERDICT_PASS in ran.stderr
    sarif = (repo / "mapper.sarif").read_text("utf-8")
    assert '"helpUri": "https://' in sarif  # rule links resolve outside this repository

    # A new problem: the hook fails printing that finding and the verdict, nothing else.
    item = add_problem(repo / "catalogs" / "pharmacy.csv")
    failed = sh(hook, repo, installed)
    assert failed.returncode == 1, failed.stderr
    lines = failed.stdout.splitlines()
    assert len(lines) == 2 and FINDING_LINE.match(lines[0]), failed.stdout
    assert f"COD001 [error] item {item}:" in lines[0]
    assert lines[1].startswith("Found 1 finding: 1 error")
    assert failed.stderr == ""

    steps = workflow_steps()
    annotate = next(s for s in steps if "--output-format github" in s)
    ran = sh(annotate, repo, installed)
    assert ran.returncode == 1
    (annotation,) = ran.stdout.splitlines()
    assert annotation.startswith("::error file=catalogs/pharmacy.csv,line=")
    assert "title=COD001 missing-code" in annotation
    assert "(see https://" in annotation and "rules.md#cod001-missing-code)" in annotation
    assert ran.stderr.strip().splitlines()[-1].startswith("Found 1 finding")
    upload = next(s for s in steps if "sarif" in s)
    assert sh(upload, repo, installed).returncode == 0  # --exit-zero: the upload still runs
    assert '"ruleId": "COD001"' in (repo / "mapper.sarif").read_text("utf-8")

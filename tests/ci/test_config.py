"""Config discovery and precedence (flag > config file > default), severity overrides and
`mapper config show`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import mapper
from mapper.config import find_config, load_config
from mapper.errors import ConfigError
from tests.ci.conftest import AS_OF, SAMPLE, run

PYPROJECT = """\
[project]
name = "clinic-catalog"

[tool.mapper]
select = ["ATT"]
fail-on = "warning"
as-of = 2026-11-23

[tool.mapper.severity]
ATT004 = "error"
"""


def _findings(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_found_from_a_subdirectory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    sub = tmp_path / "catalogs" / "2026"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_config() == tmp_path / "pyproject.toml"
    config = load_config()
    assert config.select == ("ATT",) and config.fail_on == "warning"
    assert config.as_of == date(2026, 11, 23)
    assert config.source("select") == str(tmp_path / "pyproject.toml")
    assert config.source("ignore") == "default"


def test_nearest_file_wins_and_mapper_toml_before_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.mapper]\nselect = ["COD"]\n', "utf-8")
    assert find_config(inner) == inner / "pyproject.toml"
    (inner / "mapper.toml").write_text('select = ["REF"]\n', "utf-8")
    assert find_config(inner) == inner / "mapper.toml"
    assert load_config(start=inner).select == ("REF",)


def test_pyproject_without_tool_mapper_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert find_config(tmp_path) is None
    assert load_config(start=tmp_path).path is None


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.mapper]\nfail_on = 'warning'\n", "utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: unknown key 'tool.mapper.fail_on'"):
        load_config(start=tmp_path)
    (tmp_path / "mapper.toml").write_text("selekt = ['COD']\n", "utf-8")
    with pytest.raises(ConfigError, match=r"mapper.toml: unknown key 'selekt'.*'select'"):
        load_config(start=tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail-on = 'sometimes'\n", "fail-on must be one of"),
        ("select = 3\n", "must be a list"),
        ("[severity]\nATT004 = 'fatal'\n", "is not one of"),
        ("[severity]\nNOPE01 = 'error'\n", "unknown rule"),
        ("as-of = 'tomorrow'\n", "must be a date"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "mapper.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(start=tmp_path)


def test_check_uses_config_and_flags_override_it() -> None:
    Path("pyproject.toml").write_text(PYPROJECT, "utf-8")
    # From the file: only ATT rules, as of 2026-11-23, ATT004 raised to error, fail on warning.
    result = run("check", SAMPLE, "--format", "jsonl")
    found = _findings(result.stdout)
    assert {f["rule"][:3] for f in found} == {"ATT"}
    assert {f["severity"] for f in found if f["rule"] == "ATT004"} == {"error"}
    assert result.exit_code == 1
    # Flags win: --select replaces the file's list, --fail-on its threshold.
    result = run("check", SAMPLE, "--select", "ATT001", "--fail-on", "error", "--format", "jsonl")
    assert [f["rule"] for f in _findings(result.stdout)] == ["ATT001"]
    assert result.exit_code == 0


def test_explicit_config_file_and_missing_one(tmp_path: Path) -> None:
    conf = tmp_path / "ci.toml"
    conf.write_text('select = ["CAT001"]\n', "utf-8")
    result = run("check", SAMPLE, *AS_OF, "--config", conf, "--format", "jsonl")
    assert {f["rule"] for f in _findings(result.stdout)} == {"CAT001"}
    missing = run("check", SAMPLE, *AS_OF, "--config", tmp_path / "nope.toml")
    assert missing.exit_code == 2 and "no such config file" in missing.stderr


def test_unknown_key_exits_2_naming_it() -> None:
    Path("mapper.toml").write_text("fail_on = 'warning'\n", "utf-8")
    result = run("check", SAMPLE, *AS_OF)
    assert result.exit_code == 2
    assert "mapper.toml: unknown key 'fail_on' (did you mean 'fail-on'?)" in result.stderr


def test_column_map_from_config_merges_with_flags(tmp_path: Path) -> None:
    catalog = tmp_path / "renamed.csv"
    text = SAMPLE.read_bytes().decode("gbk").replace("医保编码", "国家码", 1)
    catalog.write_text(text, "utf-8")
    as_json = ("--format", "json", "--fail-on", "never")
    found = json.loads(run("check", catalog, *AS_OF, *as_json).stdout)
    assert found["columns"]["code"] == {"header": "国家码", "found_by": "values"}  # no alias
    Path("mapper.toml").write_text('[columns]\ncode = "国家码"\n', "utf-8")
    named = json.loads(run("check", catalog, *AS_OF, *as_json).stdout)
    assert named["columns"]["code"] == {"header": "国家码", "found_by": "option"}
    config = load_config().override(columns={"name": "商品名称"})
    assert config.columns == {"code": "国家码", "name": "商品名称"}


def test_severity_override_changes_findings_items_summary_and_exit() -> None:
    plain = mapper.check(SAMPLE, as_of=date(2026, 11, 23), select=["ATT004"])
    raised = mapper.check(
        SAMPLE, as_of=date(2026, 11, 23), select=["ATT004"], severity={"ATT004": "error"}
    )
    assert plain.findings.get_column("severity").to_list() == ["warning"]
    assert raised.findings.get_column("severity").to_list() == ["error"]
    assert plain.summary.by_status["warning"] == 1 and raised.summary.by_status["error"] == 1
    assert raised.summary.by_rule.get_column("severity").to_list() == ["error"]
    assert (plain.exit_code(), raised.exit_code()) == (0, 1)
    lowered = mapper.check(
        SAMPLE, as_of=date(2026, 11, 23), select=["COD001"], severity={"missing-code": "info"}
    )
    assert set(lowered.findings.get_column("severity")) == {"info"}
    assert lowered.exit_code("warning") == 0


def test_config_show_prints_values_and_sources(tmp_path: Path) -> None:
    Path("pyproject.toml").write_text(PYPROJECT, "utf-8")
    result = run("config", "show")
    assert result.exit_code == 0
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines()}
    assert str(Path("pyproject.toml").resolve()) in result.stdout.splitlines()[0]
    assert '["ATT"]' in lines["select"] and "pyproject.toml" in lines["select"]
    assert '{ATT004 = "error"}' in lines["severity"]
    assert lines["ignore"].endswith("# default")
    data = json.loads(run("config", "show", "--json").stdout)
    assert data["settings"]["fail-on"] == {"value": "warning", "source": data["file"]}
    assert data["settings"]["policy"]["source"] == "default"


def test_policy_is_carried_through() -> None:
    Path("mapper.toml").write_text('policy = "harbin-2021"\nas-of = 2026-11-23\n', "utf-8")
    report = json.loads(run("check", SAMPLE, "--format", "json").stdout)
    assert report["policy"] == "harbin-2021"

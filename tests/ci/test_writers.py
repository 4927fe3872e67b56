"""The CI output formats: GitHub annotations, JUnit XML (validated against the Ant JUnit XSD),
SARIF 2.1.0 (validated against the OASIS JSON schema) and JSON Lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from mapper.rules import RULES
from mapper.writers.github import escape_data, escape_property
from tests.ci.conftest import AS_OF, SAMPLE, run

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "schemas"
ANNOTATION = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),"
    r"title=(?P<title>[^:]+)::(?P<message>.+)$"
)


@pytest.fixture(scope="module")
def report() -> list[dict[str, object]]:
    return list(json.loads(run("check", SAMPLE, *AS_OF, "--format", "json").stdout)["findings"])


def _out(fmt: str) -> str:
    result = run("check", SAMPLE, *AS_OF, "--format", fmt)
    assert result.exit_code == 1
    return result.stdout


def test_github_annotations(report: list[dict[str, object]]) -> None:
    lines = _out("github").splitlines()
    assert len(lines) == len(report)
    for line, finding in zip(lines, report, strict=True):
        m = ANNOTATION.match(line)
        assert m, line
        assert m["level"] == {"error": "error", "warning": "warning"}[str(finding["severity"])]
        assert m["file"] == str(SAMPLE).replace(":", "%3A")
        assert int(m["line"]) == finding["row"]
        rule = RULES[str(finding["rule"])]
        assert m["title"] == f"{rule.code} {rule.name}"
        assert rule.url() in m["message"]


def test_github_escaping() -> None:
    assert escape_data("50% off\r\nnext") == "50%25 off%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_junit_validates_against_xsd(report: list[dict[str, object]]) -> None:
    schema = xmlschema.XMLSchema(SCHEMAS / "JUnit.xsd")
    text = _out("junit")
    schema.validate(text)
    doc = schema.to_dict(text)
    suites = doc["testsuite"]
    assert [s["@id"] for s in suites] == list(range(len(suites)))
    assert sum(s["@failures"] for s in suites) == len(report)
    cod001 = next(s for s in suites if s["@name"] == "COD001 missing-code")
    assert cod001["@failures"] == sum(f["rule"] == "COD001" for f in report)
    assert "docs/rules.md#cod001-missing-code" in cod001["testcase"][0]["failure"]["$"]
    clean = next(s for s in suites if s["@failures"] == 0)  # a rule with nothing to report
    assert clean["@tests"] == 1 and "failure" not in clean["testcase"][0]


def test_junit_survives_characters_xml_cannot_hold(tmp_path: Path) -> None:
    catalog = tmp_path / "ctl.csv"
    catalog.write_text("商品编码,通用名称,医保编码\n1,a\x01b,BAD\x02CODE\n", "utf-8")
    result = run("check", catalog, *AS_OF, "--format", "junit")
    assert result.exit_code == 1
    xmlschema.XMLSchema(SCHEMAS / "JUnit.xsd").validate(result.stdout)


def test_sarif_validates_against_schema(report: list[dict[str, object]]) -> None:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    log = json.loads(_out("sarif"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    assert all(r["helpUri"] == RULES[r["id"]].url() for r in rules)
    results = run_["results"]
    assert len(results) == len(report)
    for res, finding in zip(results, report, strict=True):
        assert res["ruleId"] == finding["rule"]
        assert rules[res["ruleIndex"]]["id"] == finding["rule"]
        assert res["level"] == finding["severity"]  # error/warning map to themselves
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == finding["row"]
        assert RULES[str(finding["rule"])].url() in res["message"]["text"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == SAMPLE.as_uri()  # an absolute catalog path is a file: URI


def test_sarif_relative_catalog_and_info_level(tmp_path: Path) -> None:
    (Path("mapper.toml")).write_text('[severity]\nCOD001 = "info"\n', "utf-8")
    local = Path("catalog_gbk.csv")
    local.write_bytes(SAMPLE.read_bytes())
    log = json.loads(run("check", local, *AS_OF, "--select", "COD001", "--format", "sarif").stdout)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    result = log["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "catalog_gbk.csv", "uriBaseId": "%SRCROOT%"}
    assert result["level"] == "note"


def test_jsonl_one_finding_per_line(report: list[dict[str, object]]) -> None:
    lines = _out("jsonl").splitlines()
    assert len(lines) == len(report)
    for line, finding in zip(lines, report, strict=True):
        record = json.loads(line)
        assert {k: record[k] for k in finding} == finding
        assert record["url"] == RULES[str(finding["rule"])].url()
        assert record["name"] == RULES[str(finding["rule"])].name
        assert record["fingerprint"].startswith(f"{finding['rule']}:{finding['item_id'] or ''}:")


def test_out_writes_one_file_per_new_writer(tmp_path: Path) -> None:
    result = run("check", SAMPLE, *AS_OF, "--out", tmp_path, "--fail-on", "never")
    assert result.exit_code == 0
    for name in ("report.sarif", "junit.xml", "annotations.txt", "findings.jsonl"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "annotations.txt").read_text("utf-8") == _out("github")


def test_empty_result_renders_valid_documents(tmp_path: Path) -> None:
    args = ("check", SAMPLE, *AS_OF, "--select", "COD003", "--ignore", "COD003")
    assert run(*args, "--format", "github").stdout == ""
    assert run(*args, "--format", "jsonl").stdout == ""
    xmlschema.XMLSchema(SCHEMAS / "JUnit.xsd").validate(run(*args, "--format", "junit").stdout)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    log = json.loads(run(*args, "--format", "sarif").stdout)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    assert log["runs"][0]["results"] == []


def test_every_writer_is_registered() -> None:
    from mapper.writers import WRITERS

    assert {"github", "junit", "sarif", "jsonl"} <= set(WRITERS)

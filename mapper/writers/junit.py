"""JUnit XML, which every CI server shows as a test report: one test suite per rule that ran,
one failed test case per finding (a rule with no finding has one passing case). The layout
follows the Apache Ant JUnit schema (``testsuites`` → ``testsuite`` with ``properties``,
``system-out`` and ``system-err``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import polars as pl

from mapper.result import CATALOG, CheckResult
from mapper.rules import RULES
from mapper.writers import register
from mapper.writers.base import Writer

# Characters XML 1.0 cannot hold at all, even escaped; a catalog cell may contain them.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(value: object) -> str:
    return NOT_XML.sub("\ufffd", "" if value is None else str(value))


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")


def _suite(root: ET.Element, index: int, code: str, findings: pl.DataFrame, meta: dict[str, str],
           timestamp: str, docs_url: str | None) -> None:  # fmt: skip
    rule = RULES.get(code)
    docs = rule.url(docs_url) if rule else ""
    title = f"{code} {rule.name}" if rule else code
    suite = ET.SubElement(
        root,
        "testsuite",
        name=title,
        package="mapper",
        id=str(index),
        timestamp=timestamp,
        hostname="localhost",
        tests=str(max(findings.height, 1)),
        failures=str(findings.height),
        errors="0",
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    for key, value in {**meta, "docs": docs}.items():
        ET.SubElement(props, "property", name=key, value=_x(value))
    classname = f"mapper.{code}"
    if findings.is_empty():
        _case(suite, classname, "no findings")
    for f in findings.iter_rows(named=True):
        catalog = f.get(CATALOG) or meta["catalog"]  # several files: each finding's own
        where = f"{catalog} " if CATALOG in f else ""
        case = _case(
            suite, classname, _x(f"{where}row {f['row']} item {f['item_id'] or '-'} {f['field']}")
        )
        failure = ET.SubElement(case, "failure", message=_x(f["message"]), type=f["severity"])
        failure.text = _x(
            "\n".join(
                [
                    f["message"],
                    f"catalog: {catalog}, row {f['row']}, item {f['item_id'] or '-'}",
                    f"field: {f['field']}",
                    f"expected: {f['expected'] if f['expected'] is not None else ''}",
                    f"actual: {f['actual'] if f['actual'] is not None else ''}",
                    f"docs: {docs}",
                ]
            )
        )
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""


def junit_xml(result: CheckResult) -> str:
    """The check as a JUnit XML document."""
    root = ET.Element("testsuites")
    meta = {k: "" if v is None else str(v) for k, v in result.meta().items() if k != "rules"}
    timestamp = datetime.now().replace(microsecond=0).isoformat()
    by_rule = result.findings.partition_by("rule", as_dict=True, maintain_order=True)
    codes = sorted(set(result.rules) | {str(key[0]) for key in by_rule})
    empty = result.findings.clear()
    for index, code in enumerate(codes):
        findings = by_rule.get((code,), empty)
        # By file (in the order given), then row.
        order = [pl.col(CATALOG).replace_strict(result.catalogs, range(len(result.catalogs)))]
        findings = findings.sort([*order, "row"] if result.several else "row")
        _suite(root, index, code, findings, meta, timestamp, result.docs_url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@register
class JunitWriter(Writer):
    name = "junit"
    description = "junit.xml: one test suite per rule, one failed test case per finding"

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        path = out_dir / "junit.xml"
        path.write_text(self.render(result), encoding="utf-8")
        return [path]

    def render(self, result: CheckResult) -> str:
        return junit_xml(result)

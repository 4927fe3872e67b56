"""Every rule is documented in ruff's shape, and docs/rules.md is up to date."""

from __future__ import annotations

import re

import pytest

from mapper.rules import DOC_SECTIONS, RULES, Severity, get_rule
from mapper.rules.docs import rules_markdown
from tests.support import REPO


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_and_docstring(code: str) -> None:
    cls = RULES[code]
    assert re.fullmatch(r"[A-Z]{3}\d{3}", cls.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", cls.name)
    assert isinstance(cls.severity, Severity)
    assert " / " in cls.message, "messages carry Chinese and English"
    assert re.search(r"[\u4e00-\u9fff]", cls.message)
    doc = cls.__doc__ or ""
    positions = [doc.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{code} docstring lacks a section"
    assert positions == sorted(positions)
    assert get_rule(cls.name) is cls and get_rule(code.lower()) is cls


def test_names_are_unique() -> None:
    names = [cls.name for cls in RULES.values()]
    assert len(names) == len(set(names))


def test_docs_page_is_generated_from_the_rules() -> None:
    page = (REPO / "docs" / "rules.md").read_text("utf-8")
    assert page == rules_markdown(), "run `make docs` to regenerate docs/rules.md"

"""Data Docs are built, and their pages show the suite's expectations and the failures."""

from __future__ import annotations

import html
import re

from tests.gx.conftest import Validated


def _text(path_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path_html))


def test_index_links_the_suite_and_the_validation(validated: Validated) -> None:
    index = validated.run.docs_index
    assert index is not None and index.exists()
    page = index.read_text("utf-8")
    assert f"mapper-{validated.kind}" in page


def test_suite_page_lists_every_expectation(validated: Validated) -> None:
    pages = list((validated.docs / "expectations").glob("*.html"))
    assert len(pages) == 1
    text = _text(pages[0].read_text("utf-8"))
    for o in validated.run.outcomes:
        if o.rule:
            assert o.rule in text, o.rule
        assert o.column in text, o.column
    assert "missing-code" in text and "未对码" in text


def test_validation_page_shows_failures(validated: Validated) -> None:
    pages = list((validated.docs / "validations").rglob("*.html"))
    assert len(pages) == 1
    text = _text(pages[0].read_text("utf-8"))
    assert "COD001 missing-code" in text
    assert "code_in_reference" in text

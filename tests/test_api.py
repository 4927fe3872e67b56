"""The Python API's arguments: dates as ``date`` or ISO text, anything else refused up front."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import mapper
from mapper.errors import ConfigError
from tests.support import REPO

PHARMACY = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"


def test_as_of_as_iso_text_equals_as_date() -> None:
    as_text = mapper.check(PHARMACY, as_of="2026-11-23")
    as_date = mapper.check(PHARMACY, as_of=date(2026, 11, 23))
    as_datetime = mapper.check(PHARMACY, as_of=datetime(2026, 11, 23, 15, 30))
    assert as_text.as_of == as_date.as_of == as_datetime.as_of == date(2026, 11, 23)
    assert as_text.findings.equals(as_date.findings)
    assert as_text.findings.equals(as_datetime.findings)
    # The date matters: the sample's revoked codes are judged on it.
    later = mapper.check(PHARMACY, as_of="2030-01-01", select=["REF"])
    assert (
        later.findings.height
        != as_date.findings.filter(as_date.findings["rule"].str.starts_with("REF")).height
    )


@pytest.mark.parametrize("text", ["2026/11/23", "23.11.2026", "yesterday", "2026-13-01", ""])
def test_unreadable_date_text_is_one_clear_error(text: str) -> None:
    with pytest.raises(ConfigError, match="YYYY-MM-DD") as error:
        mapper.check(PHARMACY, as_of=text)
    assert f"'{text}'" in str(error.value)


@pytest.mark.parametrize("value", [20261123, 2026.11, ("2026", "11", "23"), object()])
def test_other_types_are_refused_before_the_check(value: object) -> None:
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date, a datetime or ISO text"):
        mapper.check(PHARMACY, as_of=value)  # type: ignore[arg-type]

"""Reading moments: ``--as-of`` values and the notices' own way of writing dates (24时)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapper.policy.moments import CHINA, as_moment, parse_moment, stated_moments


def cst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


HUZHOU_SUSPENDED = (
    "会导致2022年2月10日23时-2022年2月14日24时，暂停医保实时结算（含医保电子凭证），包括本地、"
    "省市异地、跨省异地的门诊、住院、购药、互联网诊疗等所有医保实时交易结算"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-10-22", date(2021, 10, 22)),
        ("2021-10-22T20:00", datetime(2021, 10, 22, 20)),
        ("2021-10-22 20:00", datetime(2021, 10, 22, 20)),
        ("2022-02-14T24:00", datetime(2022, 2, 15)),
        ("2022-02-14T24:00:00+08:00", datetime(2022, 2, 15, tzinfo=CHINA)),
        ("2022-02-10T15:00Z", datetime(2022, 2, 10, 15, tzinfo=CHINA.utc)),
    ],
)
def test_parse_moment(text: str, expected: date) -> None:
    assert parse_moment(text) == expected


@pytest.mark.parametrize("text", ["2021-10-32", "22/10/2021", "2021-10-22T25:00", "tomorrow", ""])
def test_parse_moment_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_moment(text)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 30)))
def test_parse_moment_round_trips_and_24_ends_the_day(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    assert parse_moment(moment.isoformat(timespec="minutes")) == moment
    aware = moment.replace(tzinfo=CHINA)
    assert parse_moment(aware.isoformat()) == aware
    day = moment.date()
    assert as_moment(parse_moment(f"{day}T24:00")) == as_moment(day + timedelta(days=1))
    assert as_moment(day) == datetime(day.year, day.month, day.day, tzinfo=CHINA)


def test_stated_moments_reads_the_notices_clock() -> None:
    assert stated_moments(HUZHOU_SUSPENDED) == {cst("2022-02-10T23:00"), cst("2022-02-15T00:00")}
    assert stated_moments("2022年2月15日起，……恢复") == {cst("2022-02-15T00:00")}

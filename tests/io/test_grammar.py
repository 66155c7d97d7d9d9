import pytest

from lean_social.domain.timefmt import format_hhmm, parse_hhmm
from lean_social.io.grammar import parse_days, parse_list, parse_lunch, parse_weekly


def test_days_ranges_lists_and_russian() -> None:
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("mon+thu") == (0, 3)
    assert parse_days("mon-wed+sat") == (0, 1, 2, 5)
    assert parse_days("пн+чт") == (0, 3)


@pytest.mark.parametrize(
    "text",
    [
        "fri-mon",  # range runs backwards
        "mon+",  # empty day
        "monday",  # not an abbreviation
    ],
)
def test_bad_days(text: str) -> None:
    with pytest.raises(ValueError, match="day"):
        parse_days(text)


def test_weekly_pattern_several_parts_and_windows() -> None:
    pattern = parse_weekly("mon-fri 09:00-12:00,15:00-18:00; sat 10:00-12:00")
    assert [str(w) for w in pattern.on(0)] == ["09:00-12:00", "15:00-18:00"]
    assert [str(w) for w in pattern.on(5)] == ["10:00-12:00"]
    assert pattern.on(6) == ()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("mon-fri 18:00-09:00", "ends before it starts"),  # late < early
        ("mon-fri 09:00-12:00; mon 11:00-13:00", "overlap"),  # two windows on Monday overlap
        ("mon-fri", "needs days and a time window"),  # no window at all
        ("mon-fri 9-18", "HH:MM"),  # hours without minutes
        ("mon-fri 09:00-25:00", "not a clock time"),  # past midnight
        ("", "empty"),  # nothing
    ],
)
def test_bad_weekly_patterns(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_weekly(text)


def test_lunch_and_lists() -> None:
    lunch = parse_lunch("12:00-14:00 45")
    assert lunch is not None
    assert lunch.duration_min == 45
    assert lunch.latest_start == parse_hhmm("13:15")
    assert parse_lunch("") is None
    assert parse_list("nurse+driver") == ("nurse", "driver")
    assert parse_list("") == ()
    with pytest.raises(ValueError, match="does not fit"):
        parse_lunch("12:00-12:30 45")


def test_hhmm_round_trip() -> None:
    assert parse_hhmm("24:00") == 86400
    assert format_hhmm(parse_hhmm("07:05")) == "07:05"
    assert format_hhmm(parse_hhmm("07:05") + 59) == "07:05"  # rounds down to the minute


def test_touching_windows_merge() -> None:
    """Home 09:00-11:00 and 11:00-13:00 is home 09:00-13:00: a three-hour visit fits."""
    pattern = parse_weekly("mon-fri 09:00-11:00; mon 11:00-13:00")
    assert [str(w) for w in pattern.on(0)] == ["09:00-13:00"]
    assert [str(w) for w in pattern.on(1)] == ["09:00-11:00"]

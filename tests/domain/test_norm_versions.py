"""Versions of the time norms (``domain.norms``): which one a week uses, and a problem planned with one."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SERVICES
from lean_social import InvalidInputError, Problem
from lean_social.domain.norms import BASE_NORMS, NormVersion, UnknownNormsError, in_effect, norms_of

DECREE = NormVersion.of("decree-2027", dt.date(2027, 1, 1), "regional decree", {"FOOD": 45})
CALIBRATED = NormVersion.of("calibrated", dt.date(2027, 2, 1), "calibration run", {"DISH": 12, "BP": 8})


def problem(*versions: NormVersion) -> Problem:
    return Problem(services=SERVICES, clients=(), programmes=(), workers=(), norm_versions=versions)


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (dt.date(2026, 12, 28), BASE_NORMS),  # the week before the decree
        (dt.date(2027, 1, 1), BASE_NORMS),  # the decree's Friday: its week began under the base
        (dt.date(2027, 1, 3), BASE_NORMS),  # still that week
        (dt.date(2027, 1, 4), "decree-2027"),  # the first Monday after it
        (dt.date(2027, 2, 1), "calibrated"),  # a Monday it takes effect on: that very week
        (dt.date(2027, 2, 3), "calibrated"),
        (dt.date(2031, 5, 5), "calibrated"),  # the latest stays in effect
    ],
)
def test_the_version_in_effect_is_the_latest_on_or_before_the_weeks_monday(day: dt.date, version: str) -> None:
    assert problem(DECREE, CALIBRATED).norms_in_effect(day).name == version


def test_a_version_keeps_the_norms_it_does_not_name_from_the_one_before() -> None:
    versions = problem(CALIBRATED, DECREE).norm_versions  # in any order: by their dates
    assert [v.name for v in versions] == [BASE_NORMS, "decree-2027", "calibrated"]
    assert norms_of(versions, BASE_NORMS) == {"FOOD": 40, "DISH": 10, "BP": 15}
    assert norms_of(versions, "decree-2027") == {"FOOD": 45, "DISH": 10, "BP": 15}
    assert norms_of(versions, "calibrated") == {"FOOD": 45, "DISH": 12, "BP": 8}
    assert in_effect(versions, dt.date(2026, 1, 5)).source == "services.csv"


def test_with_norms_gives_the_services_the_versions_minutes_and_back() -> None:
    data = problem(DECREE, CALIBRATED)
    calibrated = data.with_norms("calibrated")
    assert {s.code: s.norm_min for s in calibrated.services} == {"FOOD": 45, "DISH": 12, "BP": 8}
    assert calibrated.norms == CALIBRATED and data.norms.name == BASE_NORMS
    assert calibrated.with_norms(BASE_NORMS) == data  # the base is kept, whatever the services carry


def test_an_unknown_version_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownNormsError, match=r"'decree'.*base \(services.csv.*decree-2027 \(regional decree"):
        problem(DECREE).with_norms("decree")


def test_versions_a_problem_cannot_use_are_refused() -> None:
    unknown = NormVersion.of("x", dt.date(2027, 3, 1), "decree", {"WALK": 30})
    same_day = NormVersion.of("y", DECREE.effective, "decree", {"FOOD": 50})
    with pytest.raises(InvalidInputError) as info:
        problem(DECREE, unknown, same_day)
    assert {(p.column, p.value) for p in info.value.problems} == {("code", "WALK"), ("effective", "2027-01-01")}
    with pytest.raises(ValueError, match=r"1\.\.480 minutes"):
        NormVersion.of("z", DECREE.effective, "decree", {"FOOD": 0})

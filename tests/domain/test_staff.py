"""Staff in full-time equivalents and caseloads by Order 725's method, checked by hand on a tiny week."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import SERVICES, client, every_monday, problem, worker
from lean_social import Absence, Problem, ProgrammeItem
from lean_social.domain.capacity import LOAD_BAND, OTHER_WORK_MIN_PER_DAY, TIME_USE_COEFFICIENT, week_capacity
from lean_social.domain.staff import (
    CASELOAD_COLUMNS,
    STAFF_COLUMNS,
    Caseload,
    Scenario,
    Staff,
    fte,
    fte_week_h,
    mode_shares,
    week_work,
    worker_days,
)

MONDAY = dt.date(2026, 12, 7)


def _week() -> Problem:
    """One walking worker 08:00-17:00 (45 min lunch) on weekdays; A wants FOOD and DISH on Mondays
    (40 + 10 min), B FOOD on Wednesdays (40 min)."""
    return problem(
        [client("A", lat=47.514, lon=42.153), client("B", lat=47.520, lon=42.160)],
        [worker("W1")],
        [
            *every_monday("A", "FOOD", "DISH"),
            ProgrammeItem(client_id="B", service_code="FOOD", times=1, per="week", days=(2,)),
        ],
    )


def test_the_time_use_coefficient_is_order_725s_and_stated_once() -> None:
    assert TIME_USE_COEFFICIENT == 0.925  # exactly the double of 0.925: (480 - 36) / 480 rounds to it
    assert TIME_USE_COEFFICIENT == (8 * 60 - OTHER_WORK_MIN_PER_DAY) / (8 * 60)  # K = (8 - 0.6) / 8
    assert LOAD_BAND[1] == TIME_USE_COEFFICIENT
    assert fte_week_h() == pytest.approx(37.0)  # 40 h x 0.925
    assert fte(74.0) == pytest.approx(2.0)


def test_fte_of_a_tiny_week_by_hand() -> None:
    tiny = _week()
    work = week_work(tiny, MONDAY)["D1"]
    assert dict(work.visits_by_client) == {"A": 1, "B": 1}
    assert work.service_min == 90  # 40 + 10 + 40
    available = week_capacity(tiny, MONDAY)[0].available_h
    assert available == pytest.approx(38.25)  # (540 - 45 lunch - 36 other work) min x 5 days / 60
    staff = Staff.of(work, scenario="current", workers=1, travel_min_per_visit=12.0, available_h=available)
    assert staff.travel_h == pytest.approx(0.4)  # 2 visits x 12 min
    assert staff.demand_h == pytest.approx(1.9)  # 1.5 h of services + 0.4 h of travel
    assert staff.fte_needed == pytest.approx(1.9 / 37)  # 0.0514
    assert staff.fte_present == pytest.approx(38.25 / 37)  # 1.0338
    assert staff.gap_fte == pytest.approx((1.9 - 38.25) / 37)  # -0.9824: staff to spare
    assert tuple(staff.as_dict()) == STAFF_COLUMNS


def test_caseload_by_hand() -> None:
    work = week_work(_week(), MONDAY)["D1"]
    load = Caseload.of(work, scenario="current", mode="foot", workers=1, travel_min_per_visit=12.0)
    assert load.service_min_per_client == 45 and load.visits_per_client == 1
    assert load.minutes_per_client == 57
    assert load.clients_per_fte == pytest.approx(37 * 60 / 57)  # 38.9 clients this light
    assert tuple(load.as_dict()) == CASELOAD_COLUMNS
    empty = dataclasses.replace(load, service_min_per_client=0.0, visits_per_client=0.0)
    assert empty.clients_per_fte is None


def test_more_clients_scale_the_work_and_keep_each_clients_share() -> None:
    work = week_work(_week(), MONDAY)["D1"]
    more = work.scaled(1.1)
    assert more.visits == pytest.approx(2.2) and more.service_min == pytest.approx(99.0)
    assert more.clients == work.clients


def test_mode_shares_follow_the_workers_hours_and_worker_days_count_absences() -> None:
    tiny = dataclasses.replace(
        _week(),
        workers=(worker("W1"), worker("W2", mode="bike")),
        absences=(Absence(worker_id="W2", start=MONDAY, end=MONDAY + dt.timedelta(days=1)),),
    )
    assert mode_shares(tiny, MONDAY, "D1") == pytest.approx({"foot": 5 / 8, "bike": 3 / 8})
    assert worker_days(tiny, MONDAY, "D1") == (8, 5)
    assert mode_shares(tiny, MONDAY, "nowhere") == {}


def test_a_scenario_changes_norms_and_modes() -> None:
    tiny = _week()
    slower = tuple(dataclasses.replace(s, norm_min=60) if s.code == "FOOD" else s for s in SERVICES)
    changed = Scenario(name="x", services=slower, modes=(("foot", "bike"),)).apply(tiny)
    assert week_work(changed, MONDAY)["D1"].service_min == 130  # 60 + 10 + 60: demand follows the norms
    assert {w.mode for w in changed.workers} == {"bike"}
    assert week_work(tiny, MONDAY)["D1"].service_min == 90  # the data itself unchanged


@pytest.mark.parametrize("factor", [0.0, -0.1, float("nan"), float("inf")])
def test_a_scenario_refuses_a_factor_that_is_no_number_of_clients(factor: float) -> None:
    with pytest.raises(ValueError, match="clients' factor"):
        Scenario(name="x", clients_factor=factor)


def test_a_scenario_refuses_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="travel modes"):
        Scenario(name="x", modes=(("foot", "plane"),))  # type: ignore[arg-type]

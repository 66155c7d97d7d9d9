"""Every reason a planner writes reads as Russian, with its ids, dates, names and numbers kept.

The sentences come from three places: the examples of ``tests/domain/test_reasons.py`` (read from its
source, so a new example there is checked here too), a call of every builder of ``domain/reasons.py``
(a builder without one fails the test), and one example per sentence the planners write themselves
(the comment names the module). Two small re-plans add the sentences as the planners really write them.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest

from conftest import WORK, client, problem, worker
from lean_social import Absence, ClientAbsence, Holiday, Problem, ProgrammeItem
from lean_social.domain import reasons
from lean_social.domain.calendar import off_duty_reason
from lean_social.domain.timefmt import WEEKDAYS
from lean_social.outputs import reason_text as reason_text_module
from lean_social.outputs.reason_text import _SHAPES, change_text, kind_text, reason_text
from lean_social.planning.week import plan_week
from lean_social.replanning import changes as changes_module
from lean_social.replanning.replan import replan_week

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
THURSDAY = MONDAY + dt.timedelta(days=3)
WEEK = [MONDAY + dt.timedelta(days=k) for k in range(7)]
SICK = Absence(worker_id="W1", start=WEDNESDAY, end=THURSDAY, reason="больничный")
AWAY = ClientAbsence(client_id="C1", start=WEDNESDAY, end=THURSDAY + dt.timedelta(days=10), reason="в больнице")
HOLIDAY = Holiday(date=THURSDAY, name="День Конституции")

#: Words of the examples that stay as written: skill codes and an absence's own words (ids such as W1
#: or D1 are too short to look like a word left in English).
KEPT = ("nurse", "cook", "hospital")


def calendar_problem() -> Problem:
    """C1 is away from Wednesday, Thursday is a holiday, W1 is sick; no worker has a shift at weekends."""
    return problem(
        [client("C1", lat=47.51, lon=42.15)],
        [worker("W1"), worker("W2")],
        [],
        holidays=(HOLIDAY,),
        absences=(SICK,),
        client_absences=(AWAY,),
    )


def built() -> dict[str, list[str]]:
    """Builder of ``domain/reasons.py`` → the sentences it writes, every branch and weekday."""
    p = calendar_problem()
    closed = f"; {reasons.holiday_on(HOLIDAY)}; {reasons.client_away(AWAY)}"
    return {
        "public_holiday": [reasons.public_holiday(HOLIDAY), reasons.public_holiday(Holiday(date=THURSDAY))],
        "holiday_on": [reasons.holiday_on(Holiday(date=d, name="Новый год")) for d in WEEK],
        "client_away": [reasons.client_away(AWAY), reasons.client_away(dataclasses.replace(AWAY, reason=""))],
        "not_at_home": [reasons.not_at_home(d) for d in WEEK],
        "closed_day": [
            reasons.closed_day(p, "C1", THURSDAY),  # the holiday
            reasons.closed_day(p, "C1", WEDNESDAY),  # the absence
            reasons.closed_day(p, "C1", MONDAY + dt.timedelta(days=12)),  # a Saturday, not at home
        ],
        "fewer_visits": [
            reasons.fewer_visits(2, 3, "this week", 2),
            reasons.fewer_visits(1, 2, f"from {WEDNESDAY}", 1),
            reasons.fewer_visits(1, 21, "this week", 21, closed),
        ],
        "no_day_at_home": [reasons.no_day_at_home(), reasons.no_day_at_home(closed)],
        "no_pattern": [reasons.no_pattern(3, fixed=False), reasons.no_pattern(5, fixed=True)],
        "no_primary": [reasons.no_primary("D1")],
        "no_substitute": [
            *(reasons.no_substitute("W1", d) for d in WEEK),
            reasons.no_substitute("W1", WEDNESDAY, off_duty_reason(p, p.worker("W1"), WEDNESDAY)),
            reasons.no_substitute("W1", WEEK[5], off_duty_reason(p, p.worker("W1"), WEEK[5])),
        ],
        "nobody_stands_in": [
            reasons.nobody_stands_in(f"W1 {off_duty_reason(p, p.worker('W1'), WEDNESDAY)}", {"nurse"}),
            reasons.nobody_stands_in("W2 has no shift on sat", {"nurse", "cook"}),
            reasons.nobody_stands_in("W2 cannot make it", set()),
            reasons.nobody_stands_in(reasons.worker_gone("W9"), set()),
        ],
        "worker_gone": [reasons.worker_gone("W9")],
    }


#: Not builders of a sentence: the kinds, and ``spacing``, a part of ``fewer_visits``'s sentence.
NOT_BUILDERS = {"ReasonKind", "kind_of", "count_kinds", "spacing"}

#: One example per sentence the planners write outside the catalogue.
WRITTEN = [
    # domain/calendar.py, as the assigned worker's reason (planning/compile.py)
    "assigned worker W1 is absent (больничный) 2026-12-09..2026-12-10",
    "assigned worker W1 is absent 2026-12-09..2026-12-10",
    *(f"assigned worker W2 has no shift on {d}" for d in WEEKDAYS),
    # planning/compile.py
    "assigned worker W1 belongs to department D2",
    "no worker on duty in department D1 has skill nurse",
    "no worker on duty in department D1 has skill cook, nurse",
    "assigned worker W1 lacks skill nurse",
    "no worker of department D1 is on duty",  # and planning/week.py
    "the visit (95 min) is longer than every window the client is at home",
    "no window when the client is at home leaves room for the lunch break of an eligible worker",
    "no window when the client is at home fits the shift of an eligible worker, with travel",
    # planning/day.py
    "assigned worker W1 already has the maximum of 8 visits",
    "substitute W3 (for W1) already has the maximum of 6 visits",
    "assigned worker W1 has no room left around the lunch break within the client's hours",
    "substitute W3 (for W1) has no room left around the lunch break within the client's hours",
    "assigned worker W1 has no room left in the day within the client's hours",
    "substitute W3 (for W1) has no room left in the day within the client's hours",
    "every eligible worker (W1, W2) already has the maximum number of visits",
    "no eligible worker has room left around the lunch break within the client's hours",
    "no worker of department D1 on duty may make the visit",
    "no eligible worker has room left in the day within the client's hours",
    # domain/demand.py
    "not enough days at home this week for every visit",
    "the fixed day is closed: public holiday (День Конституции)",
    "the fixed day is closed: client is away 2026-12-09..2026-12-20 (в больнице)",
    "the fixed day is closed: client is not at home on Saturdays",
    # replanning/replan.py
    "client is away and no other day of the week is open",
    "client is away, and no worker is on duty on the other days that keep the spacing",
    "due on 2026-12-08, before the re-planned days, and not in the published plan",
    "not placed in the published plan; re-plan the week to place it",
    "no longer in the programme",
    "due on its fixed day 2026-12-08, before the re-planned days (from 2026-12-09)",
    "due on its day this week 2026-12-08, before the re-planned days (from 2026-12-09)",
    "no worker on duty that day",
    # replanning/staffing.py: why_not, and why_nobody's own sentences
    "W1 is absent (больничный) 2026-12-09..2026-12-10",
    "W1 has no shift on sat",
    "W1 is absent (отпуск) 2026-12-09..2026-12-10, and so is the client's substitute: W3 has no shift on fri",
    "W1 has no shift on sat, and the client's substitute W3 lacks skill nurse",
    "W1 cannot make it, and the client's substitute W3 lacks skill cook, nurse",
    # replanning/changes.py
    "re-routed to W2",
    "the client's worker is now W3 (was W1)",  # changes.list_changes, a client moved for good
    "client away that day",
    "client away that day; on 2026-12-10: assigned worker W1 has no room left in the day within the client's hours",
    "client away that day; on 2026-12-10: not fitted in",
    "new in the programme",
    "not in the published plan",
    "new in the programme, not planned: no 3 days a week fit the client's days at home with the required spacing",
]


def catalogue_examples() -> list[str]:
    """The reasons ``test_kind_of_each_reason`` lists, read from its source (not run), bar "other"."""
    source = (Path(__file__).parents[1] / "domain" / "test_reasons.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == "test_kind_of_each_reason":
            (mark,) = node.decorator_list
            assert isinstance(mark, ast.Call)
            rows: list[tuple[str, str]] = ast.literal_eval(mark.args[1])
            return [reason for reason, kind in rows if kind != "other"]
    msg = "test_kind_of_each_reason not found"
    raise AssertionError(msg)


def every_sentence() -> list[str]:
    return [*catalogue_examples(), *(s for sentences in built().values() for s in sentences), *WRITTEN]


def assert_russian(english: str, russian: str) -> None:
    """Nothing English left but the kept words; every id, date and number of the English still there."""
    left = russian
    for kept in KEPT:
        left = left.replace(kept, "")
    assert not re.search(r"[A-Za-z]{3,}", left), (english, russian)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", russian), (english, russian)
    for iso in re.findall(r"\d{4}-\d{2}-\d{2}", english):
        assert dt.date.fromisoformat(iso).strftime("%d.%m.%Y") in russian, (english, russian)
    for token in re.findall(r"\b[A-Z]+\d+\b", re.sub(r"\d{4}-\d{2}-\d{2}", "", english)):
        assert token in russian, (english, russian)
    for number in re.findall(r"\b\d+\b", re.sub(r"\d{4}-\d{2}-\d{2}", "", english)):
        assert re.search(rf"(?<![\d.]){number}(?![\d.])", russian), (english, number, russian)


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("public holiday (Новый год)", "праздничный день (Новый год)"),
        (
            "client is away 2026-12-09..2026-12-20 (в больнице)",
            "получатель отсутствует 09.12.2026–20.12.2026 (в больнице)",
        ),
        ("client is not at home on Saturdays", "получателя нет дома по субботам"),
        ("client is not at home on Wednesdays", "получателя нет дома по средам"),
        (
            "assigned worker W1 already has the maximum of 8 visits",
            "у закреплённого работника W1 уже максимум посещений: 8",
        ),
        ("assigned worker W2 has no shift on tue", "у закреплённого работника W2 нет смены во вторник"),
        (
            "assigned worker W1 is away on wed 2026-12-09 and no substitute with the skills is on duty",
            "закреплённый работник W1 отсутствует в среду 09.12.2026, а замещающего работника с нужными навыками "
            "на смене нет",
        ),
        (
            "W2 is absent (sick) 2026-12-09..2026-12-11, and no substitute with skill nurse is on duty",
            "работник W2 отсутствует (sick) 09.12.2026–11.12.2026, а замещающего работника с навыком nurse "
            "на смене нет",
        ),
        (
            "the fixed day is closed: Thursday 2026-12-10 is a public holiday (День Конституции)",
            "фиксированный день закрыт: четверг 10.12.2026 — праздничный день (День Конституции)",
        ),
        (
            "only 2 of the 3 visits fit the client's days at home this week with at least 2 days between visits"
            "; Thursday 2026-12-10 is a public holiday; client is away 2026-12-08..2026-12-10",
            "на этой неделе в дни, когда получатель дома, помещается только 2 из 3 посещений, если между посещениями "
            "не менее 2 дней; четверг 10.12.2026 — праздничный день; получатель отсутствует 08.12.2026–10.12.2026",
        ),
        (
            "only 1 of the 2 visits fit the client's days at home from 2026-12-09",
            "с 09.12.2026 в дни, когда получатель дома, помещается только 1 из 2 посещений",
        ),
        (
            "no 1 days a week fit the client's days at home with the required spacing",
            "нельзя выбрать 1 день в неделю с нужным промежутком среди дней, когда получатель дома",
        ),
        (
            "substitute W3 (for W1) has no room left in the day within the client's hours",
            "у замещающего работника W3 (вместо W1) не осталось времени в течение дня в часы, когда получатель дома",
        ),
        (
            "W1 has no shift on sat, and the client's substitute W3 lacks skill cook, nurse",
            "у работника W1 нет смены в субботу, а у замещающего работника получателя W3 нет навыков cook, nurse",
        ),
        (
            "new in the programme, not planned: client is not at home on Sundays",
            "новый получатель в программе, посещение не запланировано: получателя нет дома по воскресеньям",
        ),
    ],
)
def test_a_reason_reads_in_russian(english: str, russian: str) -> None:
    assert reason_text(english, "ru") == russian
    assert reason_text(english, "en") == english


@pytest.mark.parametrize("english", every_sentence())
def test_no_sentence_a_planner_writes_is_left_in_english(english: str) -> None:
    assert_russian(english, reason_text(english, "ru"))
    assert reason_text(english, "en") == english  # the English is the machine files' sentence, as written


def test_every_builder_of_the_catalogue_has_an_example() -> None:
    # A builder added to reasons.py without a sentence here would go untranslated unnoticed.
    assert set(built()) == set(reasons.__all__) - NOT_BUILDERS
    assert all(built().values())


class Traced:
    """A shape's pattern that notes each sentence (or part of one) it matches."""

    def __init__(self, pattern: re.Pattern[str], used: set[str]) -> None:
        self.pattern, self.used = pattern, used

    def fullmatch(self, text: str) -> re.Match[str] | None:
        match = self.pattern.fullmatch(text)
        if match is not None:
            self.used.add(self.pattern.pattern)
        return match


def test_every_shape_is_used_by_some_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    # A shape no planner's sentence takes, whole or as a part, is a stale row (or an example missing above).
    used: set[str] = set()
    monkeypatch.setattr(reason_text_module, "_SHAPES", tuple((Traced(e, used), r) for e, r in _SHAPES))
    for english in every_sentence():
        reason_text(english, "ru")
    assert [e.pattern for e, _ in _SHAPES if e.pattern not in used] == []


@pytest.mark.parametrize(
    "english",
    [
        "something no rule writes",
        "client is away sometime",  # a known opening, an unknown rest
        "",
    ],
)
def test_a_sentence_of_no_known_shape_stays_as_written(english: str) -> None:
    assert reason_text(english, "ru") == english


Replan = Callable[[], tuple[Problem, list[str]]]


def nurse_away() -> tuple[Problem, list[str]]:
    """W1, the only nurse, is away from Wednesday: the visit is cancelled for want of a substitute."""
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W1", skills=("nurse",)), worker("W2")],
        [ProgrammeItem(client_id="A", service_code="BP", times=1, days=(3,))],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    sick = dataclasses.replace(p, absences=(dataclasses.replace(SICK, end=WEDNESDAY + dt.timedelta(days=4)),))
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    return sick, [u.reason for u in new.unassigned] + [c.reason for c in changes]


def substitute_full() -> tuple[Problem, list[str]]:
    """W1 is away on Wednesday; W2 may make two visits a day and has two: one visit is dropped."""
    clients = [
        client("A0", lat=47.515, lon=42.155, worker_id="W1"),
        client("B0", lat=47.516, lon=42.156, worker_id="W2"),
        client("B1", lat=47.517, lon=42.154, worker_id="W2"),
    ]
    p = problem(
        clients,
        [worker("W1"), worker("W2", lat=47.5155, lon=42.1555, max_visits=2)],
        [ProgrammeItem(client_id=c.id, service_code="FOOD", times=1, days=(2,)) for c in clients],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    sick = dataclasses.replace(p, absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY),))
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    return sick, [u.reason for u in new.unassigned] + [c.reason for c in changes]


@pytest.mark.parametrize("replan", [nurse_away, substitute_full])
def test_the_reasons_of_a_real_replan_read_in_russian(replan: Replan) -> None:
    _, written = replan()
    assert written  # each of these re-plans leaves a visit out and lists its changes
    for english in written:
        assert_russian(english, reason_text(english, "ru"))


def test_every_kind_of_reason_and_of_change_has_words() -> None:
    for kind in get_args(reasons.ReasonKind):
        assert kind_text(kind, "ru") != kind_text(kind, "en")
        assert not re.search(r"[A-Za-z]", kind_text(kind, "ru"))
    # Every kind changes.py may write: a new kind there needs its words here.
    kinds = set(get_args(changes_module.ChangeKind))
    assert set(re.findall(r'kind="([\w-]+)"', inspect.getsource(changes_module))) <= kinds
    for kind in kinds:
        assert not re.search(r"[A-Za-z]", change_text(kind, "ru"))
        assert change_text(kind, "en") == kind
    with pytest.raises(KeyError):
        change_text("renamed", "ru")

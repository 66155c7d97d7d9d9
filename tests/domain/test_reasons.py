"""Every reason a planner rule writes has a kind, so run.json and the summary can count them."""

from __future__ import annotations

import datetime as dt

import pytest

from lean_social import ClientAbsence, Holiday, Problem, plan_week
from lean_social.domain import reasons
from lean_social.domain.reasons import count_kinds, kind_of

THURSDAY = dt.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("public holiday (Новый год)", "holiday"),  # day.plan_day on a holiday
        ("client is away 2026-12-08..2026-12-10 (hospital)", "client-away"),  # demand.away_text
        ("client is not at home on Saturdays", "client-away"),  # compile._window_reason
        ("assigned worker W2 is absent (больничный) 2026-12-09..2026-12-11", "worker-absent"),
        ("assigned worker W2 has no shift on sat", "worker-absent"),
        ("no worker on duty in department D1 has skill nurse", "skill"),  # the skill, not the duty
        ("assigned worker W1 lacks skill nurse", "skill"),
        ("assigned worker W1 already has the maximum of 8 visits", "visit-limit"),
        ("no window when the client is at home leaves room for the lunch break of an eligible worker", "lunch"),
        ("assigned worker W1 has no room left around the lunch break within the client's hours", "lunch"),
        ("the visit (95 min) is longer than every window the client is at home", "hours"),
        ("no window when the client is at home fits the shift of an eligible worker, with travel", "hours"),
        ("assigned worker W1 has no room left in the day within the client's hours", "no-room"),
        ("no 3 days a week fit the client's days at home with the required spacing", "spacing"),
        ("no worker on duty that day", "worker-absent"),  # replan: nobody at all
        ("no eligible worker has room left in the day within the client's hours", "no-room"),  # day._drop_reason
        ("no eligible worker has room left around the lunch break within the client's hours", "lunch"),
        ("every eligible worker (W1, W2) already has the maximum number of visits", "visit-limit"),
        ("the client has no day at home this week that is not a public holiday", "spacing"),
        ("only 2 of the 3 visits fit the client's days at home this week", "spacing"),
        ("something no rule writes", "other"),
    ],
)
def test_kind_of_each_reason(reason: str, kind: str) -> None:
    assert kind_of(reason) == kind


@pytest.mark.parametrize(
    ("reason", "kind", "text"),
    [
        (reasons.public_holiday(Holiday(date=THURSDAY, name="x")), "holiday", "public holiday (x)"),
        (reasons.public_holiday(Holiday(date=THURSDAY)), "holiday", "public holiday"),
        (
            reasons.client_away(ClientAbsence(client_id="C1", start=THURSDAY, end=THURSDAY, reason="h")),
            "client-away",
            "client is away 2026-12-10..2026-12-10 (h)",
        ),
        (reasons.not_at_home(THURSDAY), "client-away", "client is not at home on Thursdays"),
        (
            reasons.fewer_visits(2, 3, "this week", 2),
            "spacing",
            "only 2 of the 3 visits fit the client's days at home this week with at least 2 days between visits",
        ),
        (reasons.no_day_at_home(), "spacing", "the client has no day at home this week that is not a public holiday"),
        (
            reasons.no_pattern(3, fixed=False),
            "spacing",
            "no 3 days a week fit the client's days at home with the required spacing",
        ),
        (
            reasons.no_pattern(3, fixed=True),
            "spacing",
            "the programme's fixed days fall on a holiday or a day the client is away",
        ),
        (reasons.no_primary("D1"), "worker-absent", "no worker of department D1 can take the client"),
        (
            reasons.no_substitute("W1", THURSDAY),
            "worker-absent",
            "assigned worker W1 is away on thu 2026-12-10 and no substitute with the skills is on duty",
        ),
    ],
)
def test_each_catalogue_sentence_reads_as_written_and_has_its_kind(reason: str, kind: str, text: str) -> None:
    # The texts are the published ones: a plan read back from its files keeps its kinds.
    assert reason == text
    assert kind_of(reason) == kind


def test_every_reason_of_the_demo_week_has_a_kind(demo: Problem) -> None:
    # Whatever the demo week leaves out, no reason falls outside the known kinds.
    monday = dt.date(2026, 12, 7)
    week = plan_week(demo, monday, time_limit=0)
    kinds = count_kinds(u.reason for u in week.unassigned)
    assert "other" not in kinds, [u.reason for u in week.unassigned]
    assert sum(kinds.values()) == len(week.unassigned)

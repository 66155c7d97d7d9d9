"""Reading a published plan against the week's demand: which published entry stands for which visit."""

from __future__ import annotations

import datetime as dt

from lean_social.replanning.published import Entry, Owed, match

MONDAY = dt.date(2026, 12, 7)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def test_fixed_visits_pair_by_date_and_closed_ones_only_with_listed_entries() -> None:
    # Mon/Wed/Fri fixed, Monday closed: Monday's listed entry goes to the closed visit, Wednesday's and
    # Friday's visits to their own days, whatever their order in the list.
    owed = [Owed(date=day(2), services=("FOOD",)), Owed(date=day(4), services=("FOOD",))]
    owed.append(Owed(date=day(0), services=("FOOD",), closed="holiday"))
    listed = [
        Entry(date=day(4), services=("FOOD",), worker_id="W1"),
        Entry(date=day(0), services=("FOOD",), worker_id=None, reason="holiday"),
        Entry(date=day(2), services=("FOOD",), worker_id="W1"),
    ]
    pairs, left = match(owed, listed, holds=lambda _: True)
    assert [(o.date, e.date if e else None) for o, e in pairs] == [(day(2), day(2)), (day(4), day(4)), (day(0), day(0))]
    assert left == []


def test_flexible_visits_pair_by_services_and_a_closed_one_never_takes_a_visit() -> None:
    owed = [
        Owed(date=None, services=("FOOD",)),
        Owed(date=None, services=("FOOD", "DISH")),
        Owed(date=None, services=("FOOD",), closed="only 2 of the 3 visits fit"),
    ]
    listed = [
        Entry(date=day(0), services=("FOOD",), worker_id="W1"),
        Entry(date=day(3), services=("FOOD", "DISH"), worker_id="W1"),
        Entry(date=day(4), services=("FOOD",), worker_id="W1"),  # the client is now away on Fridays
    ]
    pairs, left = match(owed, listed, holds=lambda d: d != day(4))
    assert [e.date if e else None for _, e in pairs] == [day(0), day(3), None]
    assert left == [listed[2]]  # cancelled: a visit the week cannot hold is listed, not made

"""The week's weights, each stated once: what the week planner trades against what.

Two phases price a week. The week search (``week_search``) holds the objective proper, in minutes of
a worker's time so that the terms trade off readably; its weights carry plain names. The greedy first
choice (``week.choose_week``) places each client once against a cheaper proxy, kilometres of spread
among a day's clients rather than tours, so the same ideas need other values there; those weights carry
the prefix ``GREEDY_``. A weight the two phases share has one name and one value.
"""

from __future__ import annotations

__all__ = [
    "BALANCE_WEIGHT",
    "BAND_WEIGHT",
    "FILL",
    "GREEDY_EVEN_DAY_WEIGHT",
    "GREEDY_PREFERENCE_WEIGHT",
    "GREEDY_PRIMARY_FILL",
    "GREEDY_STABILITY_BONUS",
    "GREEDY_UNEVEN_WEIGHT",
    "GREEDY_UNSERVED_COST",
    "MOVE_COST",
    "OVERLOAD_WEIGHT",
    "PREFERENCE_COST",
    "STABILITY_BONUS",
    "SUBSTITUTE_COST",
    "UNEVEN_WEIGHT",
    "UNSERVED_COST",
    "WEEK_BALANCE_WEIGHT",
]

# Both phases.

#: Per minute a worker-day's load is over its capacity. In the search, minutes of walking per minute over
#: ``FILL`` of the hours after lunch; in the greedy choice, kilometres of spread per minute over them
#: (the same 10: a minute over costs as much as the detour it would save).
OVERLOAD_WEIGHT = 10.0
#: A visit by someone other than the client's own worker: continuity is worth more than a short walk.
SUBSTITUTE_COST = 60.0

# The week search: minutes of a worker's time.

#: Share of a worker-day's hours after lunch that tours may fill; the rest absorbs windows and lunch.
FILL = 0.9
#: Load squared over capacity per worker-day: convex, so of two days with the same travel the evener
#: wins, across a worker's days and across workers.
BALANCE_WEIGHT = 0.3
#: Per minute a worker's week of service and travel is over the top of ``capacity.LOAD_BAND`` of
#: contracted hours. Only the top: a week under the band would be "fixed" by walking more, which is worse.
BAND_WEIGHT = 1.0
#: As ``BALANCE_WEIGHT``, over a worker's week against contracted hours: evens load across workers.
WEEK_BALANCE_WEIGHT = 1.0
#: A day of unevenness in a client's week (Mon/Wed leaves a 5-day gap to the next Monday) costs this.
UNEVEN_WEIGHT = 5.0
#: Minutes of travel a week a new list must save per client moved before the client changes worker.
MOVE_COST = 20.0
#: A visit on a day the client would rather not have (``Client.preferred_days``): half an hour of walking
#: a week, more than the unevenness of any spaced pattern, so a wish beats the planner's taste.
PREFERENCE_COST = 30.0
#: Minutes of travel a week that keeping last week's worker and weekdays is worth to a client.
STABILITY_BONUS = 20.0
#: A visit nobody can make: more than any walk, so the search never trades a visit for travel.
UNSERVED_COST = 10_000.0

# The greedy choice: kilometres of spread and shares of capacity, a proxy of the tours.

#: A day of unevenness in a client's week (Tue/Thu leaves a 5-day gap, Mon/Thu at most 4); higher than
#: the search's because the proxy's other terms are larger.
GREEDY_UNEVEN_WEIGHT = 20.0
#: Worth of keeping a client's weekdays from last week against balance and grouping.
GREEDY_STABILITY_BONUS = 50.0
#: A visit on a day the client would rather not have: more than the unevenness of any spaced pattern
#: (3 days), so a wish beats the planner's taste.
GREEDY_PREFERENCE_WEIGHT = 80.0
#: Share of a worker's week of hours after lunch a primary worker is filled to before the overload counts:
#: below the search's ``FILL`` since substitutes' visits land on the same weeks later.
GREEDY_PRIMARY_FILL = 0.85
#: Per whole day's capacity a worker-day's load takes: evens a worker's days.
GREEDY_EVEN_DAY_WEIGHT = 30.0
#: A visit of a pattern on a day nobody can make it: any pattern that serves is better.
GREEDY_UNSERVED_COST = 1e6

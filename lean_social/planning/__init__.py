"""Planning use cases: a department-day compiled into a routing instance, the day plan, the week plan
(greedy choice, week search, their weights in ``objective``, the substitute policy, moves before
listing, room within the clients' hours) and the redraw of client lists."""

"""Planning use cases: a department-day compiled into a routing instance, the day plan, the week plan
(greedy choice, week search, moves before listing, room within the clients' hours) and the redraw of
client lists."""

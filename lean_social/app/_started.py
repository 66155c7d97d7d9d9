"""When this package began to import: the command line's time limit counts from here, so that importing
the solvers and pandas (about a second, more on a busy machine) is inside the budget a user waits for.
The operating system's start time of the process is no measure: a shell that runs ``pip install ... &&
lean-social ...`` hands its own process, started before the install, to the last command."""

import time

STARTED = time.perf_counter()

"""Generate demo time-study observations for the Volgodonsk centre: ``data/observed/observed_visits.csv``.

The visits are drawn from a known "true" time per service (``TRUE_MINUTES``) that differs from the
official norm in ``data/volgodonsk/services.csv``, as in life: some services take longer than the decree
says, some less, some just what it says. Calibration (``lean_social.domain.calibration``) must recover
these times within its intervals; the tests check that on observations made in memory by ``observe``.

How a visit is made:

- the visits are the programmes' own (``lean_social.domain.demand.visits_for_day``: one visit per client
  and day, bundling every service due), on the working days of ``WEEKS`` weeks from ``FIRST_MONDAY``
  (holidays and the workers' absences left out), and a time study observes a random sample of them;
- each service takes its true time × lognormal noise (σ = ``NOISE``, mean one), the visit the sum;
- a few workers are systematically slower or faster (``WORKER_EFFECTS``, ±10 %);
- ``OUTLIER_SHARE`` of the visits are recorded wrongly: half interrupted (a quarter to a half of the
  true span), half with the end written late (one to three hours more);
- the worker's day runs from about 08:30, visit after visit with 10-30 minutes of travel between, and the
  spans are clock minutes (``HH:MM``), as an observer writes them.

Standard library only for the randomness (``random.Random``), so that the same seed writes the same bytes
on any Python:

    python data/generate_observations.py                 # 1,000 visits -> data/observed/
    python data/generate_observations.py --visits 300 --out /tmp/observed
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script from a checkout: the library beside it
    sys.path.insert(0, str(HERE.parent))

from lean_social import Problem, read_folder  # noqa: E402
from lean_social.domain.demand import visits_for_day  # noqa: E402
from lean_social.domain.observed import ObservedVisit  # noqa: E402
from lean_social.domain.timefmt import format_hhmm  # noqa: E402
from lean_social.io.writers import write_csv  # noqa: E402

__all__ = [
    "DEFAULT_SEED",
    "TRUE_MINUTES",
    "WORKER_EFFECTS",
    "observe",
    "observed_rows",
]

DEFAULT_SEED = 20261130
DEFAULT_VISITS = 1000
DEMO = HERE / "volgodonsk"
DEFAULT_OUT = HERE / "observed"
FIRST_MONDAY = dt.date(2026, 11, 2)
WEEKS = 4

#: What each service really takes, in minutes (official norm in the comment). Above the norm: shopping
#: for food, cleaning and escorting (queues, stairs, a slow walk); below: paying bills and buying
#: medicines (the pharmacy and the bank are next door), blood pressure; the rest as decreed.
TRUE_MINUTES: Mapping[str, float] = {
    "FOOD": 48.0,  # 40
    "COOK": 45.0,  # 45
    "DISH": 10.0,  # 10
    "GOODS": 35.0,  # 35
    "LAUNDRY": 40.0,  # 40
    "POST": 24.0,  # 30
    "ESCORT": 95.0,  # 80
    "TALK": 30.0,  # 30
    "CLEAN": 52.0,  # 40
    "BILLS": 23.0,  # 30
    "MEDS": 25.0,  # 30
    "BP": 8.0,  # 10
    "PILLS": 10.0,  # 10
    "DOCTOR": 15.0,  # 15
    "WALK": 30.0,  # 30
}
#: Workers whose visits run systematically longer (slower) or shorter, as a fraction of the true span.
WORKER_EFFECTS: Mapping[str, float] = {"W03": 0.10, "W12": -0.10, "W21": 0.08}
#: σ of each service's lognormal noise: a visit of several services varies by a few percent.
NOISE = 0.10
OUTLIER_SHARE = 0.03
COLUMNS = ("worker_id", "client_id", "date", "start", "end", "services")
_DAY_START_MIN = 8 * 60 + 30
_LAST_MINUTE = 24 * 60 - 1


def observe(
    problem: Problem,
    *,
    visits: int = DEFAULT_VISITS,
    seed: int = DEFAULT_SEED,
    true_minutes: Mapping[str, float] = TRUE_MINUTES,
    worker_effects: Mapping[str, float] = WORKER_EFFECTS,
    noise: float = NOISE,
    outlier_share: float = OUTLIER_SHARE,
    first_monday: dt.date = FIRST_MONDAY,
) -> tuple[ObservedVisit, ...]:
    """``visits`` observed visits of ``problem``'s programmes, in date, worker and time order."""
    rng = random.Random(seed)
    pool = _programme_visits(problem, first_monday, visits)
    sample = sorted(rng.sample(range(len(pool)), min(visits, len(pool))))
    by_day: dict[tuple[dt.date, str], list[tuple[str, tuple[str, ...]]]] = {}
    for i in sample:
        day, worker_id, client_id, services = pool[i]
        by_day.setdefault((day, worker_id), []).append((client_id, services))
    observed = []
    for (day, worker_id), day_visits in sorted(by_day.items()):
        clock = _DAY_START_MIN + rng.randint(0, 20)
        for client_id, services in day_visits:
            minutes = _span(rng, services, true_minutes, worker_effects.get(worker_id, 0.0), noise, outlier_share)
            start = min(clock, _LAST_MINUTE - 1)
            end = min(start + max(1, round(minutes)), _LAST_MINUTE)
            observed.append(
                ObservedVisit(
                    worker_id=worker_id,
                    client_id=client_id,
                    date=day,
                    start_s=start * 60,
                    end_s=end * 60,
                    services=services,
                )
            )
            clock = end + rng.randint(10, 30)
    return tuple(observed)


def _programme_visits(
    problem: Problem, first_monday: dt.date, wanted: int
) -> list[tuple[dt.date, str, str, tuple[str, ...]]]:
    """The programmes' visits on working days, week by week until there are twice ``wanted`` to sample
    from (and at least ``WEEKS`` weeks): (date, worker, client, services)."""
    holidays = {holiday.date for holiday in problem.holidays}
    pool: list[tuple[dt.date, str, str, tuple[str, ...]]] = []
    week = 0
    while week < WEEKS or len(pool) < 2 * wanted:
        for offset in range(5):
            day = first_monday + dt.timedelta(days=7 * week + offset)
            if day in holidays:
                continue
            for visit in visits_for_day(problem, day):
                if visit.worker_id is None or _away(problem, visit.worker_id, day):
                    continue
                pool.append((day, visit.worker_id, visit.client_id, visit.services))
        week += 1
    return pool


def _away(problem: Problem, worker_id: str, day: dt.date) -> bool:
    return any(a.worker_id == worker_id and a.start <= day <= a.end for a in problem.absences)


def _span(
    rng: random.Random,
    services: Sequence[str],
    true_minutes: Mapping[str, float],
    worker_effect: float,
    noise: float,
    outlier_share: float,
) -> float:
    """A visit's recorded minutes: each service's true time × lognormal noise of mean one, the worker's
    effect, and now and then a recording gone wrong."""
    minutes = sum(true_minutes[code] * rng.lognormvariate(-(noise**2) / 2, noise) for code in services)
    minutes *= 1.0 + worker_effect
    if rng.random() < outlier_share:
        if rng.random() < 0.5:  # interrupted: called away, the rest left for another day
            minutes *= rng.uniform(0.25, 0.5)
        else:  # the end written late, from memory
            minutes += rng.uniform(60.0, 180.0)
    return minutes


def observed_rows(observed: Sequence[ObservedVisit]) -> list[dict[str, str]]:
    """The rows of ``observed_visits.csv``."""
    return [
        {
            "worker_id": visit.worker_id,
            "client_id": visit.client_id,
            "date": visit.date.isoformat(),
            "start": format_hhmm(visit.start_s),
            "end": format_hhmm(visit.end_s),
            "services": "+".join(visit.services),
        }
        for visit in observed
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write demo time-study observations of the Volgodonsk centre.")
    parser.add_argument("--visits", type=int, default=DEFAULT_VISITS, help="visits observed (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data", type=Path, default=DEMO, help="the data folder (default data/volgodonsk)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default data/observed)")
    args = parser.parse_args(argv)
    if args.visits < 1:
        parser.error("--visits must be at least 1")
    observed = observe(read_folder(args.data), visits=args.visits, seed=args.seed)
    path = write_csv(args.out / "observed_visits.csv", observed_rows(observed), COLUMNS)
    days = len({visit.date for visit in observed})
    spread = math.fsum(visit.minutes for visit in observed) / len(observed)
    print(f"{path}: {len(observed)} visits on {days} days, {spread:.1f} minutes on average")


if __name__ == "__main__":
    main()

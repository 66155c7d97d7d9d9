"""Write the demo centre's hand-made plan: the week a planner would have made before lean_social.

    python data/make_hand_plan.py                       # -> data/hand_plan/schedule.csv, unassigned.csv
    python data/make_hand_plan.py --out /tmp/hand_plan

The plan itself is ``benchmarks.hand_plan`` (fixed client lists, the programme's first days, list order,
timed from the shift start, lunch at the start of its window): the same hand plan the week benchmark
measures the lean effect against. It is written as ``schedule.csv`` with a byte order mark, as a
planner's file from Excel would be, so ``read_baseline`` and ``compare`` take it as they take the
centre's own; ``unassigned.csv`` beside it lists the visits the hand plan leaves out (a worker away, a
list that runs past the shift), with why.
Deterministic: the same data writes byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository's benchmarks package holds the hand plan

from benchmarks.hand_plan import hand_plan  # noqa: E402
from lean_social import read_folder  # noqa: E402
from lean_social.io.writers import write_csv  # noqa: E402
from lean_social.schedule import SCHEDULE_COLUMNS, UNASSIGNED_COLUMNS  # noqa: E402

DEMO = ROOT / "data" / "volgodonsk"
DEFAULT_OUT = ROOT / "data" / "hand_plan"
MONDAY = dt.date(2026, 12, 7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEMO, help="the centre's data folder (default: the demo)")
    parser.add_argument("--monday", type=dt.date.fromisoformat, default=MONDAY, help="the week's Monday")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the folder to write schedule.csv into")
    args = parser.parse_args()
    plan = hand_plan(read_folder(args.data), args.monday)
    args.out.mkdir(parents=True, exist_ok=True)
    path = write_csv(args.out / "schedule.csv", plan.schedule.rows(), SCHEDULE_COLUMNS)
    write_csv(args.out / "unassigned.csv", plan.schedule.unassigned_rows(), UNASSIGNED_COLUMNS)
    print(
        f"{path}: {plan.schedule.served} visits on {len(plan.schedule.routes)} worker-days, "
        f"{len(plan.broken)} of them late for a window, the lunch or the shift end; "
        f"{len(plan.schedule.unassigned)} visits left out (unassigned.csv)"
    )


if __name__ == "__main__":
    main()

"""``lean-social``: the command line. The only module that configures logging or prints.

Exit codes: 0 planned; 1 invalid input (every problem listed on stderr); 2 usage; 3 the plan failed its
own independent check (a bug: please report it with run.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from lean_social import __version__
from lean_social.errors import InvalidInputError
from lean_social.run import run_day, run_lists, run_replan, run_week

__all__ = ["main"]

EXIT_OK, EXIT_INVALID_INPUT, EXIT_USAGE, EXIT_CHECK_FAILED = 0, 1, 2, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date in the form YYYY-MM-DD: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _monday(text: str) -> dt.date:
    day = _date(text)
    if day.weekday() != 0:
        msg = f"a week is given by its Monday; {day} is a {day.strftime('%A')}"
        raise argparse.ArgumentTypeError(msg)
    return day


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        msg = f"must be a positive number of seconds: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lean-social", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="plan a day or a week for every department of a data folder")
    plan.add_argument("data_dir", help="folder with services.csv, clients.csv, programmes.csv, workers.csv")
    when = plan.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_date, help="day to plan, YYYY-MM-DD")
    when.add_argument("--week", type=_monday, help="week to plan, given by its Monday, YYYY-MM-DD")
    plan.add_argument("--out", required=True, help="output folder (created if missing)")
    plan.add_argument(
        "--time-limit",
        type=_positive,
        default=None,
        help="search budget in seconds for the whole run, shared by departments and days "
        "(default 30 for a day, 120 for a week)",
    )
    plan.add_argument("--seed", type=int, default=0, help="search seed; same seed, same plan (default 0)")
    _add_export_options(plan)
    replan = sub.add_parser("replan", help="re-plan the rest of a published week after a change in the data")
    replan.add_argument("data_dir", help="the data folder as it is now (new absence, new client, ...)")
    replan.add_argument("--week", required=True, type=_monday, help="the week's Monday, YYYY-MM-DD")
    replan.add_argument("--plan", required=True, help="schedule.json of the published plan")
    replan.add_argument(
        "--from",
        dest="from_date",
        required=True,
        type=_date,
        help="first day that may change, YYYY-MM-DD; earlier days stay as published",
    )
    replan.add_argument("--out", required=True, help="output folder (created if missing)")
    replan.add_argument("--time-limit", type=_positive, default=60.0, help="search budget in seconds (default 60)")
    replan.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    _add_export_options(replan)
    lists = sub.add_parser(
        "lists",
        help="propose new client lists (закрепление) so that each worker's clients live near each other",
    )
    lists.add_argument("data_dir", help="the data folder")
    lists.add_argument("--week", required=True, type=_monday, help="a typical week's Monday, YYYY-MM-DD")
    lists.add_argument("--out", required=True, help="output folder (created if missing)")
    lists.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    lists.add_argument(
        "--pseudonymise", action="store_true", help="pseudonymous client ids in lists.csv; no clients.csv"
    )
    return parser


def _add_export_options(command: argparse.ArgumentParser) -> None:
    """The same export options for ``plan`` and ``replan``: both write the same files through run.py."""
    command.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace client ids in the exports by keyed pseudonyms "
        "(key from LEAN_SOCIAL_PSEUDONYM_KEY, else a fresh random key)",
    )
    command.add_argument(
        "--map-tiles",
        default=None,
        help="map background, e.g. OpenStreetMap (off by default: no network requests)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "replan" and not 0 <= (args.from_date - args.week).days < 7:
        parser.error(f"--from {args.from_date} is not in the week of {args.week}")
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "plan":
        options = _export_options(args)
        try:
            if args.week is not None:
                result = run_week(args.data_dir, args.week, args.out, time_limit=args.time_limit or 120.0, **options)
                what = f"the week of {args.week}"
            else:
                result = run_day(args.data_dir, args.date, args.out, time_limit=args.time_limit or 30.0, **options)
                what = str(args.date)
        except InvalidInputError as exc:
            print(f"lean-social: invalid input in {args.data_dir}\n{exc}", file=sys.stderr)
            return EXIT_INVALID_INPUT
        served = sum(len(r.stops) for r in result.schedule.routes)
        print(
            f"planned {what}: {served} visits served, {len(result.schedule.unassigned)} unassigned; "
            f"outputs in {result.out_dir}",
            file=sys.stderr,
        )
        return _checked(result.violations)
    if args.command == "replan":
        options = _export_options(args)
        try:
            result = run_replan(
                args.data_dir, args.week, args.plan, args.from_date, args.out, time_limit=args.time_limit, **options
            )
        except InvalidInputError as exc:
            print(f"lean-social: invalid input in {args.data_dir} or {args.plan}\n{exc}", file=sys.stderr)
            return EXIT_INVALID_INPUT
        print(
            f"re-planned the week of {args.week} from {args.from_date}: "
            f"{result.schedule.info.get('changes', 0)} changes; outputs in {result.out_dir}",
            file=sys.stderr,
        )
        return _checked(result.violations)
    if args.command == "lists":
        try:
            proposal = run_lists(
                args.data_dir,
                args.week,
                args.out,
                seed=args.seed,
                pseudonymise=args.pseudonymise,
                pseudonym_key=os.environ.get("LEAN_SOCIAL_PSEUDONYM_KEY"),
            )
        except InvalidInputError as exc:
            print(f"lean-social: invalid input in {args.data_dir}\n{exc}", file=sys.stderr)
            return EXIT_INVALID_INPUT
        print(
            f"proposed new lists: {len(proposal.proposal.moves)} of {len(proposal.proposal.problem.clients)} "
            f"clients change worker; outputs in {proposal.out_dir}",
            file=sys.stderr,
        )
        return EXIT_OK
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _export_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "seed": args.seed,
        "pseudonymise": args.pseudonymise,
        "pseudonym_key": os.environ.get("LEAN_SOCIAL_PSEUDONYM_KEY"),
        "map_tiles": args.map_tiles,
    }


def _checked(violations: Sequence[object]) -> int:
    """Exit code 3 with a pointer to run.json if the plan failed its own check, else 0."""
    if violations:
        print(f"lean-social: the plan failed {len(violations)} checks; see run.json", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``lean-social``: the command line. The only module that configures logging or prints.

Exit codes, for a cron job or a script to act on:

- 0: planned; ``--out`` holds the new plan, the one before it is in ``.OUT.previous`` beside it.
- 1: invalid input, every problem listed on stderr with file, row and column; ``--out`` untouched.
- 2: usage: a bad option or value (a time limit of ``inf``, a negative seed, a ``--norms`` version the
  data lacks) or an ``--out`` that cannot take a plan (a file, the data folder, a folder of other files);
  found before planning, ``--out`` untouched.
- 3: the plan failed its own independent check (a bug: please report it); ``--out`` untouched, the failing
  plan and its run.json set aside in ``OUT.failed-<time>``, named on stderr.
- 4: internal error (a bug, or a file the system would not read or write); one line on stderr, the
  traceback with ``--debug``; ``--out`` untouched.
- 5: another run is writing into the same ``--out``; nothing done, try again when it has finished.

``lean-social nightly`` adds:

- 6: some departments failed (their reasons in ``summary.csv`` and the log); the others have their plans.
- 7: every department failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from lean_social.app._started import STARTED
from lean_social.app.capacity import check_scenario, run_capacity
from lean_social.app.geocode import run_geocode
from lean_social.app.nightly import read_config, run_nightly
from lean_social.app.norms import run_norms
from lean_social.app.photo import run_photo
from lean_social.app.run import run_day, run_lists, run_replan, run_week
from lean_social.app.settings import (
    DEFAULT_TIME_LIMITS,
    MAX_SEED,
    MAX_TIME_LIMIT_S,
    OUTPUT_KINDS,
    check_outputs,
    check_seed,
    check_time_limit,
)
from lean_social.app.terminal import TerminalProgress, summary_lines
from lean_social.domain.norms import UnknownNormsError
from lean_social.errors import InvalidInputError, OutputFolderError, OutputLockedError
from lean_social.io.folder import read_folder
from lean_social.io.writers import CSV_SEPARATORS
from lean_social.outputs.capacity_report import summary_lines as capacity_lines
from lean_social.outputs.kpi import Comparison
from lean_social.outputs.labels import DEFAULT_LANG, LANGS, Lang, Words, word
from lean_social.planning.progress import reporting
from lean_social.record import ReplanRecord
from lean_social.schedule import Schedule
from lean_social.travel.detour import DEFAULT_MIN_M, building_points, detour_factors
from lean_social.travel.streets import StreetTravel
from lean_social.version import __version__

__all__ = ["main"]

#: The lines a run ends with, on stderr: Russian by default, as the summary is.
_WORDS: Words = {
    "planned_day": ("план на {day}", "planned {day}"),
    "planned_week": ("план на неделю с {day}", "planned the week of {day}"),
    "done": (
        "выполнено посещений: {served}, не назначено: {unassigned}; файлы в {out}",
        "{served} visits served, {unassigned} unassigned; outputs in {out}",
    ),
    "norms_done": (
        "нормы по {visits} наблюдённым посещениям: поднять {raise_}, снизить {lower}, оставить {keep}, "
        "мало данных {few}; отчёт и services.csv в {out}",
        "norms from {visits} observed visits: raise {raise_}, lower {lower}, keep {keep}, not enough data "
        "{few}; the report and services.csv in {out}",
    ),
    "night_done": (
        "ночь: спланировано отделений {done} из {total}; сводка в {summary}",
        "night: {done} of {total} departments planned; summary in {summary}",
    ),
    "replanned": (
        "неделя с {week} перепланирована с {start}: изменений: {changes}; файлы в {out}",
        "re-planned the week of {week} from {start}: {changes} changes; outputs in {out}",
    ),
    "compared": ("сравнение с базовым планом {file}:", "against the baseline plan {file}:"),
}

EXIT_OK, EXIT_INVALID_INPUT, EXIT_USAGE, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_LOCKED = 0, 1, 2, 3, 4, 5
EXIT_SOME_FAILED, EXIT_ALL_FAILED = 6, 7
#: The calibration's verdicts, by the names the summary's words use.
_VERDICTS = {"raise": "raise_", "lower": "lower", "keep": "keep", "not enough data": "few"}


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


def _time_limit(text: str) -> float:
    """Seconds of search, as ``run.check_time_limit`` takes them (``inf`` would never stop, ``1e309`` is inf)."""
    try:
        return check_time_limit(float(text))
    except ValueError:
        msg = f"must be a number of seconds above 0 and at most {MAX_TIME_LIMIT_S:.0f}: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _seed(text: str) -> int:
    """A seed as ``run.check_seed`` takes it: a whole number every engine takes."""
    try:
        return check_seed(int(text))
    except ValueError:
        msg = f"must be a whole number from 0 to {MAX_SEED}: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lean-social", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    parser.add_argument(
        "-v", "--debug", action="store_true", help="show the traceback of an internal error (exit code 4)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="plan a day or a week for every department of a data folder")
    plan.add_argument("data_dir", help="folder with services.csv, clients.csv, programmes.csv, workers.csv")
    when = plan.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_date, help="day to plan, YYYY-MM-DD")
    when.add_argument("--week", type=_monday, help="week to plan, given by its Monday, YYYY-MM-DD")
    plan.add_argument("--out", required=True, help="output folder (created if missing)")
    plan.add_argument(
        "--time-limit",
        type=_time_limit,
        default=None,
        help="search budget in seconds for the whole run, shared by departments and days "
        "(default 30 for a day, 120 for a week)",
    )
    plan.add_argument("--seed", type=_seed, default=0, help="search seed; same seed, same plan (default 0)")
    _add_streets_option(plan)
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
    replan.add_argument("--time-limit", type=_time_limit, default=None, help="search budget in seconds (default 60)")
    replan.add_argument("--seed", type=_seed, default=0, help="search seed (default 0)")
    _add_streets_option(replan)
    _add_export_options(replan)
    norms = sub.add_parser("norms", help="calibrate the services' time norms from observed visits (хронометраж)")
    norms.add_argument("data_dir", help="the data folder whose services.csv holds the norms")
    norms.add_argument(
        "--observed", default=None, help="observed_visits.csv (default: the data folder's observed_visits.csv)"
    )
    norms.add_argument("--out", required=True, help="output folder (created if missing)")
    norms.add_argument("--seed", type=_seed, default=0, help="seed of the bootstrap (default 0)")
    norms.add_argument("--csv-sep", type=_choice(CSV_SEPARATORS), default=",", help="',' (default) or ';'")
    norms.add_argument(
        "--lang", type=_choice(LANGS), default=DEFAULT_LANG, help="language of the summary and norms_report.html"
    )
    norms.add_argument(
        "--norms",
        default=None,
        metavar="VERSION",
        help="the norms version to judge the estimates against (default: the one in effect on the last observed day)",
    )
    photo = sub.add_parser("photo", help="the work-day photo: observed visits against the plan, with lean wastes")
    photo.add_argument("data_dir", help="the data folder the plan was made from")
    photo.add_argument(
        "--observed", default=None, help="observed_visits.csv (default: the data folder's observed_visits.csv)"
    )
    photo.add_argument("--plan", required=True, help="the plan's folder (its schedule.json or schedule.csv)")
    photo.add_argument("--out", required=True, help="output folder (created if missing)")
    photo.add_argument("--csv-sep", type=_choice(CSV_SEPARATORS), default=",", help="',' (default) or ';'")
    _add_streets_option(photo)
    photo.add_argument(
        "--lang", type=_choice(LANGS), default=DEFAULT_LANG, help="language of photo.html and the summary"
    )
    capacity = sub.add_parser(
        "capacity", help="staff needed per department (full-time equivalents), caseloads and what-if scenarios"
    )
    capacity.add_argument("data_dir", help="the data folder")
    capacity.add_argument("--week", required=True, type=_monday, help="the week's Monday, YYYY-MM-DD")
    capacity.add_argument("--out", required=True, help="output folder (created if missing)")
    capacity.add_argument(
        "--scenario",
        action="append",
        type=_scenario,
        default=None,
        help="a what-if beside the current state, changes joined by commas: norms=VERSION (of norms.csv) or "
        "norms=PATH (a services.csv), "
        "clients=+10%%, mode=foot:bike; repeat for several (default: clients=+10%% and mode=foot:bike)",
    )
    capacity.add_argument("--csv-sep", type=_choice(CSV_SEPARATORS), default=",", help="',' (default) or ';'")
    _add_streets_option(capacity)
    capacity.add_argument("--lang", type=_choice(LANGS), default=DEFAULT_LANG, help="language of the page and summary")
    geocode = sub.add_parser(
        "geocode", help="clients' and workers' coordinates from their addresses (an OpenStreetMap extract, offline)"
    )
    geocode.add_argument("data_dir", help="the data folder whose clients.csv (and workers.csv) hold addresses")
    geocode.add_argument("--osm", default=None, help="an OpenStreetMap extract: .osm, .osm.gz or .osm.pbf")
    geocode.add_argument(
        "--geocoder",
        default=None,
        help="a server of your own, nominatim:URL or photon:URL, for what the extract does not match; "
        "nominatim:public or photon:public only with --user-agent",
    )
    geocode.add_argument("--user-agent", default=None, help="how the server is told who asks (a public one needs it)")
    geocode.add_argument("--city", default="", help="city added to what the server is sent, e.g. 'Москва'")
    geocode.add_argument(
        "--cache", default=None, help="folder of the server's answers (default: .geocode_cache beside --out)"
    )
    geocode.add_argument(
        "--min-delay", type=_delay, default=1.0, help="seconds between requests to the server (default 1)"
    )
    geocode.add_argument("--overwrite", action="store_true", help="geocode rows that already have coordinates")
    geocode.add_argument("--out", required=True, help="output folder (created if missing)")
    geocode.add_argument("--csv-sep", type=_choice(CSV_SEPARATORS), default=",", help="',' (default) or ';'")
    geocode.add_argument("--lang", type=_choice(LANGS), default=DEFAULT_LANG, help="language of the summary")
    nightly = sub.add_parser("nightly", help="plan every department of every centre a configuration names")
    nightly.add_argument("config", help="the night's configuration, a TOML file (see data/nightly.toml)")
    nightly.add_argument("--workers", type=_positive, default=None, help="local processes (default: the config's)")
    nightly.add_argument("--dask", default=None, help="address of a Dask scheduler, tcp://HOST:PORT")
    nightly.add_argument("--today", type=_date, default=None, help="plan as if today were this date, YYYY-MM-DD")
    detour = sub.add_parser(
        "detour", help="how much longer the streets of an OpenStreetMap extract are than straight lines, per mode"
    )
    detour.add_argument("streets", metavar="FILE", help="an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf)")
    detour.add_argument(
        "--data", default=None, help="measure between this data folder's clients (default: the extract's buildings)"
    )
    detour.add_argument("--points", type=_positive, default=300, help="buildings drawn from the extract (default 300)")
    detour.add_argument("--seed", type=_seed, default=0, help="seed of the draw (default 0)")
    detour.add_argument("--lang", type=_choice(LANGS), default=DEFAULT_LANG, help="language of the table")
    lists = sub.add_parser(
        "lists",
        help="propose new client lists (закрепление) so that each worker's clients live near each other",
    )
    lists.add_argument("data_dir", help="the data folder")
    lists.add_argument("--week", required=True, type=_monday, help="a typical week's Monday, YYYY-MM-DD")
    lists.add_argument("--out", required=True, help="output folder (created if missing)")
    lists.add_argument("--seed", type=_seed, default=0, help="search seed (default 0)")
    lists.add_argument(
        "--pseudonymise", action="store_true", help="pseudonymous client ids in lists.csv; no clients.csv"
    )
    return parser


def _add_streets_option(command: argparse.ArgumentParser) -> None:
    """``--streets``: travel along an OpenStreetMap extract's streets instead of straight lines."""
    command.add_argument(
        "--streets",
        default=None,
        metavar="FILE",
        help="an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) of the area: travel along its streets "
        "(footpaths for walkers, one-way streets for cars) instead of straight lines x 1.3; its graphs are "
        "cached in $LEAN_SOCIAL_CACHE (default ~/.cache/lean_social)",
    )


def _add_export_options(command: argparse.ArgumentParser) -> None:
    """The same export options for ``plan`` and ``replan``: both write the same files through app/run.py."""
    command.add_argument(
        "--reproducible",
        action="store_true",
        help="stop every search on a count of work instead of the clock: "
        "same data and seed give the same plan on any machine",
    )
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
    command.add_argument(
        "--lang",
        type=_choice(LANGS),
        default=DEFAULT_LANG,
        help=f"language of what people read: maps, route sheets, workbook, calendars, summary "
        f"({', '.join(LANGS)}; default {DEFAULT_LANG})",
    )
    command.add_argument(
        "--csv-sep",
        type=_choice(CSV_SEPARATORS),
        default=",",
        help="separator of the CSV files: ',' (default) or ';' for Excel in a Russian locale",
    )
    command.add_argument(
        "--outputs",
        type=_outputs,
        default=OUTPUT_KINDS,
        help=f"comma-separated, what to write besides the plan's CSV and JSON files "
        f"(default all: {','.join(OUTPUT_KINDS)}; 'none' for the plan alone)",
    )
    command.add_argument(
        "--baseline",
        default=None,
        help="a plan to compare with (the centre's own hand plan, last week's): its schedule.csv or "
        "schedule.json, or its folder; writes comparison.csv and shows the before/after table at the end",
    )
    command.add_argument(
        "--norms",
        default=None,
        help="the version of the time norms to plan with, as norms.csv names it ('base': services.csv's own); "
        "default: the version in effect in the planned week (a re-plan: its published plan's)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a whole number, 1 or more: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _choice(options: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            msg = f"must be one of {' '.join(repr(o) for o in options)}: {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return text

    return parse


def _scenario(text: str) -> str:
    """A capacity scenario as ``app.capacity.check_scenario`` takes it (a norms file that exists)."""
    try:
        return check_scenario(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _outputs(text: str) -> frozenset[str]:
    names = [] if text.strip() == "none" else [n.strip() for n in text.split(",") if n.strip()]
    try:
        return frozenset(check_outputs(names))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "replan" and not 0 <= (args.from_date - args.week).days < 7:
        parser.error(f"--from {args.from_date} is not in the week of {args.week}")
    # At a terminal the progress bar tells how the run goes and the summary what it made: the log's
    # per-department lines would break the bar. In a log file (cron, the nightly job) they are the record.
    logging.basicConfig(
        level=logging.WARNING if args.quiet or sys.stderr.isatty() else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return _command(args)
    except InvalidInputError as exc:
        given = [getattr(args, k, None) for k in ("data_dir", "config", "plan", "baseline", "observed")]
        where = " or ".join(str(g) for g in given if g is not None)
        print(f"lean-social: invalid input in {where}\n{exc}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    except OutputLockedError as exc:
        print(f"lean-social: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except OutputFolderError as exc:
        print(f"lean-social: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UnknownNormsError as exc:  # --norms names a version the data lacks: a bad option's value
        print(f"lean-social: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug or a system failure: one line, not a traceback a planner cannot read
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        kind = "could not read or write a file" if isinstance(exc, OSError) else "internal error"
        out = getattr(args, "out", "the plans")
        print(
            f"lean-social: {kind}: {type(exc).__name__}: {exc}; nothing written to {out}; "
            f"please report it with the log{'' if args.debug else ' (rerun with --debug for the traceback)'}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _command(args: argparse.Namespace) -> int:
    if args.command in ("plan", "replan") and not args.quiet:
        kind = "replan" if args.command == "replan" else "week" if args.week else "day"
        limit = None if args.reproducible else args.time_limit or DEFAULT_TIME_LIMITS[kind]
        progress = TerminalProgress(sys.stderr, time_limit=limit, lang=args.lang, started=STARTED)
        try:
            with reporting(progress):
                return _run_command(args)
        finally:
            progress.close()
    return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    if args.command == "plan":
        options = _export_options(args)
        if args.week is not None:
            result = run_week(args.data_dir, args.week, args.out, **options)
            what = word("planned_week", args.lang, _WORDS).format(day=args.week)
        else:
            result = run_day(args.data_dir, args.date, args.out, **options)
            what = word("planned_day", args.lang, _WORDS).format(day=args.date)
        if result.violations:
            return _check_failed(len(result.violations), args.out, result.out_dir)
        done = word("done", args.lang, _WORDS).format(
            served=result.schedule.served, unassigned=len(result.schedule.unassigned), out=args.out
        )
        print(f"{what}: {done}", file=sys.stderr)
        _summary(result.schedule, args.lang)
        _comparison(result.comparison, args.baseline, args.lang)
        return EXIT_OK
    if args.command == "replan":
        options = _export_options(args)
        result = run_replan(args.data_dir, args.week, args.plan, args.from_date, args.out, **options)
        if result.violations:
            return _check_failed(len(result.violations), args.out, result.out_dir)
        record = result.schedule.info
        changes = record.changes if isinstance(record, ReplanRecord) else 0
        text = word("replanned", args.lang, _WORDS)
        print(text.format(week=args.week, start=args.from_date, changes=changes, out=args.out), file=sys.stderr)
        _summary(result.schedule, args.lang)
        _comparison(result.comparison, args.baseline, args.lang)
        return EXIT_OK
    if args.command == "nightly":
        return _nightly(args)
    if args.command == "norms":
        calibrated = run_norms(
            args.data_dir,
            args.out,
            observed=args.observed,
            seed=args.seed,
            csv_sep=args.csv_sep,
            lang=args.lang,
            norms=args.norms,
        ).calibration
        counts = {name: sum(1 for e in calibrated.services if e.verdict == v) for v, name in _VERDICTS.items()}
        text = word("norms_done", args.lang, _WORDS).format(visits=calibrated.visits, out=args.out, **counts)
        print(text, file=sys.stderr)
        return EXIT_OK
    if args.command == "photo":
        return _photo(args)
    if args.command == "capacity":
        return _capacity(args)
    if args.command == "geocode":
        return _geocode(args)
    if args.command == "detour":
        return _detour(args)
    if args.command == "lists":
        proposal = run_lists(
            args.data_dir,
            args.week,
            args.out,
            seed=args.seed,
            pseudonymise=args.pseudonymise,
            pseudonym_key=os.environ.get("LEAN_SOCIAL_PSEUDONYM_KEY"),
        )
        print(
            f"proposed new lists: {len(proposal.proposal.moves)} of {len(proposal.proposal.problem.clients)} "
            f"clients change worker; outputs in {args.out}",
            file=sys.stderr,
        )
        return EXIT_OK
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


#: The line ``lean-social photo`` ends with.
_PHOTO_WORDS: Words = {
    "photo_done": (
        "фотография рабочего дня: сравнено с планом рабочих дней {compared} из {days}, потери {waste} мин; "
        "файлы в {out}",
        "work-day photo: {compared} of {days} worker-days compared with the plan, {waste} min of waste; "
        "outputs in {out}",
    ),
    "photo_unplanned": (
        "дни наблюдений без дня плана ({count}): {dates}",
        "observed dates the plan has no day for ({count}): {dates}",
    ),
}


def _photo(args: argparse.Namespace) -> int:
    """``lean-social photo``: the photo written, its summary and the observed dates the plan lacks on stderr."""
    photo = run_photo(
        args.data_dir,
        args.out,
        plan=args.plan,
        observed=args.observed,
        lang=args.lang,
        csv_sep=args.csv_sep,
        streets=args.streets,
    ).photo
    text = word("photo_done", args.lang, _PHOTO_WORDS).format(
        compared=photo.total.observed.days,
        days=len(photo.days),
        waste=round(sum(photo.total.waste.values())),
        out=args.out,
    )
    print(text, file=sys.stderr)
    if photo.unplanned_dates:
        dates = ", ".join(d.isoformat() for d in photo.unplanned_dates)
        print(
            word("photo_unplanned", args.lang, _PHOTO_WORDS).format(count=len(photo.unplanned_dates), dates=dates),
            file=sys.stderr,
        )
    return EXIT_OK


def _capacity(args: argparse.Namespace) -> int:
    """Staff and caseloads for the week, the scenarios side by side; the summary on stderr."""
    result = run_capacity(
        args.data_dir,
        args.week,
        args.out,
        scenarios=args.scenario,
        lang=args.lang,
        csv_sep=args.csv_sep,
        streets=args.streets,
    )
    for line in capacity_lines(args.week, result.scenarios, result.staff, result.caseloads, args.out, args.lang):
        print(line, file=sys.stderr)
    return EXIT_OK


#: The line ``lean-social geocode`` ends with.
_GEOCODE_WORDS: Words = {
    "geocode_done": (
        "адреса: найдено {matched}, найдено приблизительно {fuzzy}, на проверку {review}, не найдено {failed}, "
        "координаты уже были {kept}; файлы и geocode_review.csv в {out}",
        "addresses: {matched} matched, {fuzzy} fuzzy, {review} to review, {failed} failed, {kept} kept; "
        "the files and geocode_review.csv in {out}",
    ),
}


def _delay(text: str) -> float:
    """Seconds between a geocoder's requests: a number from 0 to an hour."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:  # nan fails both
        msg = f"must be a number of seconds from 0 to 3600: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _geocode(args: argparse.Namespace) -> int:
    """Addresses to coordinates; the counts on stderr, never an address (those are in the review file)."""
    try:
        result = run_geocode(
            args.data_dir,
            args.out,
            osm=args.osm,
            geocoder=args.geocoder,
            user_agent=args.user_agent,
            city=args.city,
            cache=args.cache,
            overwrite=args.overwrite,
            min_delay_s=args.min_delay,
            csv_sep=args.csv_sep,
        )
    except ValueError as exc:
        if isinstance(exc, InvalidInputError):
            raise
        print(f"lean-social geocode: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(word("geocode_done", args.lang, _GEOCODE_WORDS).format(out=args.out, **result.counts), file=sys.stderr)
    return EXIT_OK


#: ``lean-social detour``'s table.
_DETOUR_WORDS: Words = {
    "detour_head": (
        "коэффициент извилистости (по улицам / по прямой), пары точек не ближе {min_m:.0f} м, {source}:",
        "detour factor (street / straight-line distance), pairs at least {min_m:.0f} m apart, {source}:",
    ),
    "detour_row": (
        "{mode}: медиана {median:.2f}, квартили {q1:.2f}-{q3:.2f} ({pairs} пар, {places} точек)",
        "{mode}: median {median:.2f}, quartiles {q1:.2f}-{q3:.2f} ({pairs} pairs, {places} places)",
    ),
    "foot": ("пешком", "on foot"),
    "bike": ("велосипед", "bicycle"),
    "car": ("автомобиль", "car"),
    "detour_buildings": ("здания из выгрузки: {count}", "{count} buildings of the extract"),
    "detour_clients": ("получатели из {data}: {count}", "{count} clients of {data}"),
    "detour_use": (
        "для расчёта без выгрузки: GeodesicTravel(detour_factor=медиана пешком)",
        "to plan without an extract: GeodesicTravel(detour_factor=the walking median)",
    ),
}


def _detour(args: argparse.Namespace) -> int:
    """The detour factor per mode on the extract, between its buildings or a data folder's clients."""
    try:
        travel = StreetTravel(args.streets)
    except FileNotFoundError as exc:
        print(f"lean-social: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.data is not None:
        places = [c.location for c in read_folder(args.data).clients]
        source = word("detour_clients", args.lang, _DETOUR_WORDS).format(count=len(places), data=args.data)
    else:
        places = building_points(travel.extract, args.points, seed=args.seed)
        source = word("detour_buildings", args.lang, _DETOUR_WORDS).format(count=len(places))
    print(word("detour_head", args.lang, _DETOUR_WORDS).format(min_m=DEFAULT_MIN_M, source=source))
    for factor in detour_factors(travel, places):
        row = {**dataclasses.asdict(factor), "mode": word(factor.mode, args.lang, _DETOUR_WORDS)}
        print("  " + word("detour_row", args.lang, _DETOUR_WORDS).format(**row))
    print(word("detour_use", args.lang, _DETOUR_WORDS))
    return EXIT_OK


def _nightly(args: argparse.Namespace) -> int:
    """A night of the region: exit 0 when every department has its plan, 6 when some failed, 7 when all."""
    config = read_config(args.config)
    if args.workers is not None:  # local processes asked for on the command line: not the config's cluster
        config = dataclasses.replace(config, workers=args.workers, dask=None)
    if args.dask is not None:
        config = dataclasses.replace(config, dask=args.dask)
    progress = None
    if not args.quiet:
        progress = TerminalProgress(sys.stderr, time_limit=None, lang=config.lang, what=("night", "departments"))
    try:
        result = run_nightly(config, today=args.today, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    failed = result.failed
    for outcome in failed:
        first = outcome.message.splitlines()[0] if outcome.message else ""
        print(f"lean-social: {outcome.centre}/{outcome.department}: {outcome.status}: {first}", file=sys.stderr)
    print(
        word("night_done", config.lang, _WORDS).format(
            done=len(result.outcomes) - len(failed), total=len(result.outcomes), summary=result.summary
        ),
        file=sys.stderr,
    )
    if not failed:
        return EXIT_OK
    return EXIT_ALL_FAILED if len(failed) == len(result.outcomes) else EXIT_SOME_FAILED


def _summary(schedule: Schedule, lang: Lang) -> None:
    for line in summary_lines(schedule, lang):
        print(f"  {line}", file=sys.stderr)


def _comparison(comparison: Comparison | None, baseline: str | None, lang: Lang) -> None:
    """The before/after table under the summary: the figure's name left, the numbers right-aligned."""
    if comparison is None:
        return
    print(f"  {word('compared', lang, _WORDS).format(file=baseline)}", file=sys.stderr)
    table = comparison.table()
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        cells = [line[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(line[1:], widths[1:], strict=True))]
        print(f"    {'  '.join(cells).rstrip()}", file=sys.stderr)


def _export_options(args: argparse.Namespace) -> dict[str, Any]:
    given = {} if args.time_limit is None else {"time_limit": args.time_limit}  # else the run's default
    return {
        **given,
        "started": STARTED,
        "seed": args.seed,
        "pseudonymise": args.pseudonymise,
        "pseudonym_key": os.environ.get("LEAN_SOCIAL_PSEUDONYM_KEY"),
        "map_tiles": args.map_tiles,
        "reproducible": args.reproducible,
        "lang": args.lang,
        "csv_sep": args.csv_sep,
        "outputs": args.outputs,
        "baseline": args.baseline,
        "norms": args.norms,
        "streets": args.streets,
    }


def _check_failed(count: int, out: str, aside: object) -> int:
    """Exit code 3: the plan broke rules it was built to keep, so it does not replace the plan in --out."""
    print(
        f"lean-social: the plan failed {count} of its own checks (a bug: please report it); nothing written "
        f"to {out}; the failing plan and its run.json are in {aside}",
        file=sys.stderr,
    )
    return EXIT_CHECK_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``lean-social photo``: the work-day photo (фотография рабочего дня) of observed visits against a plan.

Reads the data folder, the observed visits (``io.observed``) and a plan folder as ``lean-social plan``
writes it (its ``schedule.json``, else its ``schedule.csv``, read as a baseline plan is), sets each
observed worker-day against the plan's (``outputs.photo``) and writes, as one whole folder
(``io.outfolder``):

- ``photo_workers.csv``: a row per observed worker-day, the minutes of each part of the day observed and
  planned, and of each waste; ``status`` says whether the plan had the day to compare with;
- ``photo_departments.csv``: the compared worker-days summed per department;
- ``waste.csv``: a row per waste event (which worker, day, client, category, kind, minutes);
- ``photo.html``: the page a lean review reads (``outputs.photo_report``), Russian by default;
- ``run.json``: versions, inputs' digests, settings, counts and the observed dates the plan has no day for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lean_social.app.run import _read_baseline, check_on_streets, input_hashes, travel_model, travel_record
from lean_social.domain.workday import OVER_TOLERANCE_MIN, OVER_TOLERANCE_SHARE
from lean_social.io.folder import read_folder
from lean_social.io.observed import OBSERVED_FILE, read_observed_visits
from lean_social.io.outfolder import OutputFolder
from lean_social.io.writers import atomic_write_text, write_csv, write_json
from lean_social.outputs.labels import DEFAULT_LANG, Lang, check_lang
from lean_social.outputs.photo import DAY_COLUMNS, DEPARTMENT_COLUMNS, WASTE_COLUMNS, Photo, work_day_photo
from lean_social.outputs.photo_report import photo_html
from lean_social.travel.streets import StreetTravel
from lean_social.version import versions

__all__ = ["PhotoResult", "run_photo"]


@dataclass(frozen=True, slots=True)
class PhotoResult:
    photo: Photo
    out_dir: Path
    files: tuple[Path, ...]


def run_photo(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    plan: str | Path,
    observed: str | Path | None = None,
    lang: Lang = DEFAULT_LANG,
    csv_sep: str = ",",
    streets: str | Path | None = None,
) -> PhotoResult:
    """The photo of ``observed`` (default: the data folder's ``observed_visits.csv``) against ``plan`` (a
    plan folder, or its ``schedule.json`` or ``schedule.csv``), written to ``out_dir``.

    Bad input (the data, the observations, a missing or broken plan) raises InvalidInputError before
    anything is written; ``out_dir`` is then left as it was. ``streets`` (an OpenStreetMap extract) measures
    the observed walks on its streets, as a plan made with ``--streets`` measured its own; without it, in
    straight lines."""
    data_dir, out_dir, plan = Path(data_dir), Path(out_dir), Path(plan)
    lang = check_lang(lang)
    observed_path = Path(observed) if observed is not None else data_dir / OBSERVED_FILE
    with OutputFolder(out_dir, data_dir=data_dir) as folder:
        hashes = input_hashes(data_dir)
        problem = read_folder(data_dir)
        visits = read_observed_visits(observed_path, problem)
        travel = travel_model(None if streets is None else Path(streets), problem)
        if isinstance(travel, StreetTravel):
            check_on_streets(travel, problem, None)
        schedule = _read_baseline(plan, problem, travel)
        photo = work_day_photo(visits, schedule, problem, travel=travel)
        stage = folder.stage()
        files = [
            write_csv(stage / "photo_workers.csv", photo.day_rows(), DAY_COLUMNS, sep=csv_sep),
            write_csv(stage / "photo_departments.csv", photo.department_rows(), DEPARTMENT_COLUMNS, sep=csv_sep),
            write_csv(stage / "waste.csv", photo.waste_rows(), WASTE_COLUMNS, sep=csv_sep),
            atomic_write_text(stage / "photo.html", photo_html(photo, problem, lang=lang)),
        ]
        statuses: dict[str, int] = {}
        for day in photo.days:
            statuses[day.status] = statuses.get(day.status, 0) + 1
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "settings": {
                "observed": str(observed_path),
                "plan": str(plan),
                "lang": lang,
                "travel": travel_record(travel),
                "over_tolerance": {"min": OVER_TOLERANCE_MIN, "share": OVER_TOLERANCE_SHARE},
            },
            "observed_visits": len(visits),
            "worker_days": statuses,
            "unplanned_dates": [day.isoformat() for day in photo.unplanned_dates],
            "waste_min": {c: round(m, 1) for c, m in photo.total.waste.items()},
        }
        files.append(write_json(stage / "run.json", run_info))
        final = folder.commit()
    return PhotoResult(photo=photo, out_dir=final, files=tuple(final / f.relative_to(stage) for f in files))

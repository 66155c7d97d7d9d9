"""``lean-social norms``: the services' time norms calibrated from observed visits (хронометраж).

Reads the data folder and the observed visits, estimates each service's minutes (``domain.calibration``:
robust non-negative least squares on visit totals, bootstrap intervals, worker effects) and writes, as
one whole folder (``io.outfolder``):

- ``norms_report.csv``: ``code,name,norm_min,estimate_min,low_min,high_min,observations,verdict``, the
  verdict keep / raise / lower / not enough data;
- ``workers.csv``: each worker's effect (how much longer or shorter their visits run than the typical
  worker's), which is why one worker's times alone never set a norm;
- ``norms_report.html``: the same for people, Russian by default (``lang``), with the workers' effects and
  pictures of the estimates against the norms and of the fit (``outputs.norms_report``);
- ``services.csv``: the data's file with ``norm_min`` set to the proposal where the evidence is enough,
  every other cell as it was, ready to review and drop into the data folder;
- ``norms.csv``: the same proposal as a version of the norms (``domain.norms.proposed_version``), to add
  to the data folder's ``norms.csv`` instead, so that plans can be made and compared with either;
- ``run.json``: versions, inputs' digests, settings, counts.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lean_social.app.run import input_hashes
from lean_social.app.settings import check_seed
from lean_social.domain.calibration import REPORT_COLUMNS, Calibration, calibrate
from lean_social.domain.model import Problem
from lean_social.domain.norms import NormVersion, proposed_version
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.tables import INPUT_COLUMNS, norm_rows
from lean_social.io.folder import read_folder
from lean_social.io.lists_file import services_csv_with_norms
from lean_social.io.observed import OBSERVED_FILE, read_observed_visits
from lean_social.io.outfolder import OutputFolder
from lean_social.io.writers import atomic_write_bytes, atomic_write_text, write_csv, write_json
from lean_social.outputs.labels import DEFAULT_LANG, Lang
from lean_social.outputs.norms_report import norms_report
from lean_social.version import versions

__all__ = ["NormsResult", "run_norms"]

WORKER_COLUMNS = ("worker_id", "visits", "effect")


@dataclass(frozen=True, slots=True)
class NormsResult:
    calibration: Calibration
    out_dir: Path
    files: tuple[Path, ...]


def run_norms(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    observed: str | Path | None = None,
    seed: int = 0,
    bootstrap: int = 200,
    csv_sep: str = ",",
    lang: Lang = DEFAULT_LANG,
    norms: str | None = None,
) -> NormsResult:
    """Calibrate the norms of ``data_dir``'s services from ``observed`` (default: the data folder's
    ``observed_visits.csv``) and write the report and the proposed ``services.csv`` to ``out_dir``.

    ``out_dir`` may not be the data folder nor inside it: its ``services.csv`` would be taken for the
    data's. The estimates are judged against the norms version ``norms`` (default: the one in effect on
    the last observed day, the norms the observed workers were working to), and ``run.json`` says which.
    Bad input raises InvalidInputError, an unknown version UnknownNormsError, before anything is written."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    check_seed(seed)
    observed_path = Path(observed) if observed is not None else data_dir / OBSERVED_FILE
    with OutputFolder(out_dir, data_dir=data_dir, data_may_hold_out=False) as folder:
        hashes = input_hashes(data_dir)
        problem = read_folder(data_dir)
        visits = read_observed_visits(observed_path, problem)
        if norms is not None or visits:
            problem = problem.with_norms(norms or problem.norms_in_effect(max(v.date for v in visits)).name)
        clock = time.perf_counter()
        result = calibrate(visits, problem.services, seed=seed, bootstrap=bootstrap)
        wall = time.perf_counter() - clock
        services_csv = services_csv_with_norms(data_dir / "services.csv", result.proposed_norms())
        stage = folder.stage()
        files = [
            write_csv(stage / "norms_report.csv", result.rows(), REPORT_COLUMNS, sep=csv_sep),
            atomic_write_text(
                stage / "norms_report.html", norms_report(result, visits, lang=lang, norms=problem.norms)
            ),
            write_csv(
                stage / "workers.csv",
                [{"worker_id": w.worker_id, "visits": w.visits, "effect": w.effect} for w in result.workers],
                WORKER_COLUMNS,
                sep=csv_sep,
            ),
            atomic_write_bytes(stage / "services.csv", services_csv),
            write_csv(
                stage / "norms.csv",
                norm_rows([_version(problem, result, visits, observed_path)]),
                INPUT_COLUMNS["norms"],
                sep=csv_sep,
            ),
        ]
        verdicts: dict[str, int] = {}
        for estimate in result.services:
            verdicts[estimate.verdict] = verdicts.get(estimate.verdict, 0) + 1
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "norms": problem.norms.as_dict(),
            "settings": {
                "norms": norms,
                "observed": str(observed_path),
                "seed": seed,
                "bootstrap": bootstrap,
                "level": result.level,
                "lang": lang,
            },
            "observed_visits": result.visits,
            "verdicts": verdicts,
            "timings_s": {"calibrate_s": round(wall, 3)},
        }
        files.append(write_json(stage / "run.json", run_info))
        final = folder.commit()
    return NormsResult(calibration=result, out_dir=final, files=tuple(final / f.relative_to(stage) for f in files))


def _version(problem: Problem, result: Calibration, visits: Sequence[ObservedVisit], observed: Path) -> NormVersion:
    """The proposal as a version of the norms, its source naming the observations it was made from."""
    digest = hashlib.sha256(observed.read_bytes()).hexdigest()[:8]
    until = max(v.date for v in visits)
    source = f"calibration run on {observed.name} sha256 {digest}"
    return proposed_version(problem.services, result.proposed_norms(), observed_until=until, source=source)

"""Calibration recovers known service times from bundled, noisy, partly mis-recorded visits.

Observations are made in memory by ``data/generate_observations.py``'s ``observe`` from its
``TRUE_MINUTES`` (which differ from the demo's norms), so every expectation here is the truth the data
was drawn from, not a number read off a previous run.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import generate_observations
import numpy as np
import pytest

from lean_social import Problem
from lean_social.domain.calibration import REPORT_COLUMNS, Calibration, _t_quantile, calibrate, nnls
from lean_social.domain.observed import ObservedVisit

#: Enough resamples for stable 90 % intervals, few enough to keep the file at a second or two.
BOOTSTRAP = 150
#: Visits carrying a service for its estimate to be held within 1.5 min of the truth (the first test).
WELL_SEEN = 30


gen = generate_observations
TRUE: dict[str, float] = dict(gen.TRUE_MINUTES)


@pytest.fixture(scope="module")
def observed(demo: Problem) -> tuple[ObservedVisit, ...]:
    visits: tuple[ObservedVisit, ...] = gen.observe(demo, visits=1000, seed=7)
    return visits


@pytest.fixture(scope="module")
def calibration(demo: Problem, observed: tuple[ObservedVisit, ...]) -> Calibration:
    return calibrate(observed, demo.services, seed=1, bootstrap=BOOTSTRAP)


def _mean_abs_error(result: Calibration) -> float:
    """Over the services with a verdict, the rare ones included."""
    errors = [abs(_est(result, e.code) - TRUE[e.code]) for e in result.services if e.verdict != "not enough data"]
    return sum(errors) / len(errors)


def test_each_true_time_lies_inside_its_interval(demo: Problem, observed: tuple[ObservedVisit, ...]) -> None:
    """Every service with a verdict (seen in ``min_observations`` = 10 visits or more, the thinly seen
    BILLS and WALK included) holds its true time, at 99 %: nine services judged at 90 % would each miss
    one time in ten by design, so asking all of them to hold the truth asks for the wider level. Measured
    by ``benchmarks/calibration.py`` (30 data seeds of 1,000 visits): at 90 % the services seen in fewer
    than 20 visits hold their truth in 94 % of the cases and all in 95 %; the plain percentile interval
    that came before held it in 89 % and 91 %, and for WALK and BILLS on data seeds 0-19 in only 70 % and
    50 %. The mean absolute error over the nine services judged here is 0.9 min (0.7 min on average over
    the benchmark's seeds)."""
    calibration = calibrate(observed, demo.services, seed=1, bootstrap=200, level=0.99)
    judged = [e for e in calibration.services if e.verdict != "not enough data"]
    assert len(judged) >= 8
    assert any(e.observations < 20 for e in judged)  # the thinly seen are held to the truth too
    outside = [
        f"{e.code} ({e.observations} visits): true {TRUE[e.code]} not in {e.low_min:.1f}..{e.high_min:.1f}"
        for e in judged
        if e.low_min is None or e.high_min is None or not e.low_min <= TRUE[e.code] <= e.high_min
    ]
    mae = _mean_abs_error(calibration)
    assert outside == [], f"mean absolute error {mae:.2f} min over {len(judged)} services; {outside}"
    assert mae < 1.5, f"mean absolute error {mae:.2f} min over {len(judged)} services"
    well_seen = [abs(_est(calibration, e.code) - TRUE[e.code]) for e in judged if e.observations >= WELL_SEEN]
    assert len(well_seen) >= 6 and max(well_seen) < 1.5, well_seen


def test_t_quantile_is_students() -> None:
    """The t interval's quantile against the printed tables (two-sided 90 % and 95 %)."""
    table = {1: (6.3138, 12.7062), 2: (2.9200, 4.3027), 5: (2.0150, 2.5706), 9: (1.8331, 2.2622)}
    table |= {30: (1.6973, 2.0423), 1000: (1.6464, 1.9623)}
    for df, (t90, t95) in table.items():
        assert _t_quantile(0.90, df) == pytest.approx(t90, abs=1e-4), df
        assert _t_quantile(0.95, df) == pytest.approx(t95, abs=1e-4), df


def test_intervals_narrow_with_more_visits(demo: Problem) -> None:
    few = calibrate(gen.observe(demo, visits=150, seed=3), demo.services, seed=1, bootstrap=60)
    many = calibrate(gen.observe(demo, visits=1000, seed=3), demo.services, seed=1, bootstrap=60)
    for code in ("FOOD", "DISH", "MEDS"):
        narrow, wide = many.service(code), few.service(code)
        assert narrow.high_min is not None and narrow.low_min is not None
        assert wide.high_min is not None and wide.low_min is not None
        assert narrow.high_min - narrow.low_min < wide.high_min - wide.low_min, code


def _corrupt(observed: Sequence[ObservedVisit], share: float) -> list[ObservedVisit]:
    """Every ``1/share``-th visit recorded wrongly: alternately cut to a third, or ended 150 min late."""
    step = round(1 / share)
    out = []
    for i, visit in enumerate(observed):
        if i % step == 0:
            span = visit.end_s - visit.start_s
            end = visit.start_s + max(60, span // 3) if (i // step) % 2 else visit.end_s + 150 * 60
            visit = dataclasses.replace(visit, end_s=min(end, 24 * 3600))
        out.append(visit)
    return out


def test_outliers_do_not_drag_the_estimates(demo: Problem) -> None:
    clean = gen.observe(demo, visits=800, seed=11, outlier_share=0.0)
    dirty = _corrupt(clean, 0.04)
    before = calibrate(clean, demo.services, bootstrap=0)
    after = calibrate(dirty, demo.services, bootstrap=0)
    codes = [e.code for e in before.services if e.observations >= 50]
    moves = {c: abs(_est(after, c) - _est(before, c)) for c in codes}
    assert max(moves.values()) < 1.0, moves
    # The same data by plain least squares (no reweighting): the outliers do drag it, so the check above
    # measures the robustness, not data too easy to be hurt.
    plain = {c: abs(v - _est(before, c)) for c, v in _plain_fit(dirty, demo).items() if c in codes}
    assert max(plain.values()) > 3.0, plain


def _est(result: Calibration, code: str) -> float:
    value = result.service(code).estimate_min
    assert value is not None
    return value


def _plain_fit(observed: Sequence[ObservedVisit], problem: Problem) -> dict[str, float]:
    codes = [s.code for s in problem.services if any(s.code in v.services for v in observed)]
    design = np.array([[v.services.count(c) for c in codes] for v in observed], dtype=float)
    spans = np.array([v.minutes for v in observed])
    times = nnls(design.T @ design, design.T @ spans)
    return dict(zip(codes, (float(t) for t in times), strict=True))


def test_worker_effects_are_found_and_taken_out(calibration: Calibration) -> None:
    for worker_id, truth in gen.WORKER_EFFECTS.items():
        effect = calibration.worker(worker_id).effect
        assert effect is not None and abs(effect - truth) < 0.04, (worker_id, effect, truth)
    others = [w for w in calibration.workers if w.worker_id not in gen.WORKER_EFFECTS and w.effect is not None]
    assert len(others) >= 20
    assert all(abs(w.effect) < 0.06 for w in others if w.effect is not None), others


def test_verdicts_against_the_norms(demo: Problem, calibration: Calibration) -> None:
    verdicts = {e.code: e.verdict for e in calibration.services}
    assert verdicts["FOOD"] == verdicts["CLEAN"] == "raise"  # truly 48 and 52 against 40
    assert verdicts["MEDS"] == verdicts["BILLS"] == "lower"  # truly 25 and 23 against 30
    assert verdicts["DISH"] == verdicts["COOK"] == "keep"  # truly as decreed
    assert verdicts["TALK"] == "not enough data"  # no programme has it: never observed
    talk = calibration.service("TALK")
    assert talk.observations == 0 and talk.estimate_min is None
    scarce = [e for e in calibration.services if 0 < e.observations < 10]
    assert scarce and all(e.verdict == "not enough data" for e in scarce)
    assert set(verdicts.values()) == {"keep", "raise", "lower", "not enough data"}
    proposed = calibration.proposed_norms()
    assert proposed["FOOD"] == round(_est(calibration, "FOOD"))
    assert proposed["COOK"] == demo.service("COOK").norm_min
    assert proposed["TALK"] == demo.service("TALK").norm_min
    assert set(proposed) == {s.code for s in demo.services}


def test_report_rows(calibration: Calibration, demo: Problem) -> None:
    rows = calibration.rows()
    assert [r["code"] for r in rows] == [s.code for s in demo.services]
    assert all(tuple(r) == REPORT_COLUMNS for r in rows)
    food = next(r for r in rows if r["code"] == "FOOD")
    assert food["estimate_min"] == round(_est(calibration, "FOOD"), 1)
    talk = next(r for r in rows if r["code"] == "TALK")
    assert (talk["estimate_min"], talk["low_min"], talk["observations"]) == ("", "", 0)


def test_deterministic_for_a_seed(demo: Problem, observed: tuple[ObservedVisit, ...]) -> None:
    part = observed[:300]
    first = calibrate(part, demo.services, seed=5, bootstrap=40)
    assert calibrate(part, demo.services, seed=5, bootstrap=40) == first
    other = calibrate(part, demo.services, seed=6, bootstrap=40)
    assert [e.estimate_min for e in other.services] == [e.estimate_min for e in first.services]
    assert [e.low_min for e in other.services] != [e.low_min for e in first.services]


def test_unknown_service_and_empty_input_are_refused(demo: Problem, observed: tuple[ObservedVisit, ...]) -> None:
    with pytest.raises(ValueError, match="XYZ"):
        calibrate([dataclasses.replace(observed[0], services=("XYZ",))], demo.services)
    with pytest.raises(ValueError, match="at least one"):
        calibrate([], demo.services)
    with pytest.raises(ValueError, match="resamples"):
        calibrate(observed, demo.services, bootstrap=-1)
    with pytest.raises(ValueError, match="level"):
        calibrate(observed, demo.services, level=90)


def test_observed_visit_checks_itself(observed: tuple[ObservedVisit, ...]) -> None:
    visit = observed[0]
    assert visit.minutes == (visit.end_s - visit.start_s) / 60
    with pytest.raises(ValueError, match="before it starts"):
        dataclasses.replace(visit, end_s=visit.start_s)
    with pytest.raises(ValueError, match="no service"):
        dataclasses.replace(visit, services=())


@pytest.mark.parametrize("seed", range(12))
def test_nnls_matches_brute_force(seed: int) -> None:
    """Lawson-Hanson against the definition: the best of the unconstrained fits on every subset of
    variables that comes out non-negative."""
    rng = np.random.default_rng(seed)
    design = rng.normal(size=(12, 4))
    target = rng.normal(size=12) * 3
    best, best_cost = np.zeros(4), float(target @ target)
    for size in range(1, 5):
        for subset in itertools.combinations(range(4), size):
            cols = list(subset)
            z = np.zeros(4)
            z[cols] = np.linalg.lstsq(design[:, cols], target, rcond=None)[0]
            cost = float(np.sum((design @ z - target) ** 2))
            if np.all(z >= 0) and cost < best_cost:
                best, best_cost = z, cost
    found = nnls(design.T @ design, design.T @ target)
    assert np.all(found >= 0)
    assert np.allclose(found, best, atol=1e-8), (found, best)
    # A warm start from any guess of the positive set gives the same answer.
    assert np.allclose(nnls(design.T @ design, design.T @ target, passive=rng.random(4) < 0.5), best, atol=1e-8)

"""Calibrate the time norms from observed visits: what each service really takes, and how sure we are.

A time study records visits, not services: a visit's span covers every service done in it, plus the
worker's own pace, plus noise. Each service's time is therefore a fit, ``span ≈ (1 + worker effect) ×
Σ service times``, solved as non-negative least squares (a service takes no negative time) on the visits'
spans. Three things keep the fit honest:

- **Outliers.** A visit interrupted by a call-out, or one whose end was written an hour late, must not
  drag an estimate. The fit is iteratively reweighted: Huber weights first (a safe start from the plain
  fit), then Tukey's bisquare, which gives a visit far off the rest no weight at all. Residuals are
  relative (divided by the fitted span), since a two-hour visit varies by more minutes than a short one.
- **Workers.** A slower or faster worker would bias the services they happen to do most. Each worker's
  effect is the median relative residual of their visits; it is reported and divided out of their spans
  before the final fit (workers with fewer than ``min_observations`` visits keep no effect).
- **Uncertainty.** Each estimate gets a bootstrap interval (visits resampled with replacement, the whole
  procedure rerun), so that the verdict against the official norm — keep, raise or lower — is drawn only
  where the evidence says so; a service seen in too few visits is "not enough data" whatever its
  estimate. The plain percentile interval is too narrow for a service seen in 10-20 visits (measured
  with ``data/generate_observations.py``: its 90 % intervals held the truth in 85 % of such cases over
  100 data sets of 100 visits; 50-70 % for WALK and BILLS on some seeds of 1,000 visits), because the bootstrap
  understates a spread measured on few visits and the robust, non-negative fit is biased there. So the
  interval (``_interval``) is the wider of the percentile interval and a Student t interval on the
  resamples' standard error (degrees of freedom: the service's visits less one), each end then moved
  out by the bias the resamples show; see ``benchmarks/calibration.py`` for its coverage.

Pure numpy: the systems are tiny (one unknown per service, a few dozen at most), so Lawson and Hanson's
active-set NNLS on the normal equations costs microseconds and no solver library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from lean_social.domain.model import Service
from lean_social.domain.observed import ObservedVisit

__all__ = [
    "REPORT_COLUMNS",
    "Calibration",
    "ServiceEstimate",
    "Verdict",
    "WorkerEffect",
    "calibrate",
    "nnls",
]

Verdict = Literal["keep", "raise", "lower", "not enough data"]
REPORT_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "norm_min",
    "estimate_min",
    "low_min",
    "high_min",
    "observations",
    "verdict",
)

_Vector = npt.NDArray[np.float64]
_Matrix = npt.NDArray[np.float64]

#: Tuning constants of the robust weights, in units of the residuals' robust scale: the textbook values
#: that keep 95 % efficiency when the noise is normal (Huber 1.345, Tukey's bisquare 4.685).
_HUBER_C = 1.345
_TUKEY_C = 4.685
#: MAD × 1.4826 estimates the standard deviation of normal noise.
_MAD_TO_SIGMA = 1.4826
_HUBER_STEPS = 5
_MAX_STEPS = 50
#: Minutes: a fit that moves no estimate by more than this has converged.
_CONVERGED_MIN = 1e-4
#: Rounds of "estimate the worker effects, take them out, fit again": the second round corrects the
#: effects for the bias the biased workers left in the first fit; more change nothing measurable.
_WORKER_ROUNDS = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceEstimate:
    """One service's calibrated time. ``estimate_min``, ``low_min`` and ``high_min`` are ``None`` for a
    service no observed visit carries."""

    code: str
    name: str
    norm_min: int
    estimate_min: float | None
    low_min: float | None
    high_min: float | None
    observations: int
    verdict: Verdict

    def row(self) -> dict[str, object]:
        """A line of ``norms_report.csv`` (minutes to one decimal; empty where nothing was observed)."""

        def shown(value: float | None) -> object:
            return "" if value is None else round(value, 1)

        return {
            "code": self.code,
            "name": self.name,
            "norm_min": self.norm_min,
            "estimate_min": shown(self.estimate_min),
            "low_min": shown(self.low_min),
            "high_min": shown(self.high_min),
            "observations": self.observations,
            "verdict": self.verdict,
        }

    @property
    def proposed_min(self) -> int:
        """The norm to use: the rounded estimate where the interval lies wholly off the norm, else the
        norm itself (an interval that holds the norm is no reason to change a decree's number)."""
        if self.verdict in ("raise", "lower") and self.estimate_min is not None:
            return max(1, round(self.estimate_min))
        return self.norm_min


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerEffect:
    """How much longer (positive) or shorter a worker's visits run than the fitted services say, as a
    fraction: 0.1 is 10 % slower. ``None`` when the worker has too few visits to tell."""

    worker_id: str
    visits: int
    effect: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    services: tuple[ServiceEstimate, ...]
    workers: tuple[WorkerEffect, ...]
    visits: int
    #: The intervals' intended coverage, 0.9 for 90 % (see ``_interval``).
    level: float

    def rows(self) -> list[dict[str, object]]:
        """The report's lines, in catalogue order, with the columns of ``REPORT_COLUMNS``."""
        return [estimate.row() for estimate in self.services]

    def proposed_norms(self) -> dict[str, int]:
        """Service code → the norm to plan with (see ``ServiceEstimate.proposed_min``)."""
        return {estimate.code: estimate.proposed_min for estimate in self.services}

    def service(self, code: str) -> ServiceEstimate:
        for estimate in self.services:
            if estimate.code == code:
                return estimate
        raise KeyError(code)

    def worker(self, worker_id: str) -> WorkerEffect:
        for effect in self.workers:
            if effect.worker_id == worker_id:
                return effect
        raise KeyError(worker_id)

    def fitted_minutes(self, visit: ObservedVisit) -> float:
        """The span the fit gives ``visit``: ``(1 + worker effect) × Σ service times`` (the model of the
        module's docstring; a worker not judged, or not in the calibration, counts as typical). Set
        against the visit's observed span, it shows how well the fit holds and which visits it set aside.
        ValueError for a service the calibration has no estimate of (no visit carried it)."""
        total = 0.0
        for code in visit.services:
            estimate = self.service(code).estimate_min
            if estimate is None:
                msg = f"no estimate of service {code}: no calibrated visit carries it"
                raise ValueError(msg)
            total += estimate
        effect = next((w.effect for w in self.workers if w.worker_id == visit.worker_id), None)
        return (1.0 + (effect or 0.0)) * total


def calibrate(
    observed: Sequence[ObservedVisit],
    services: Iterable[Service],
    *,
    seed: int = 0,
    bootstrap: int = 200,
    min_observations: int = 10,
    level: float = 0.9,
) -> Calibration:
    """Each service's time from the observed visits' spans, with a bootstrap interval and a verdict
    against its norm. Deterministic for a given ``seed``. ``bootstrap=0`` gives the estimates alone (no
    interval, so every verdict is "not enough data"): the quick look, or a test of the point estimate."""
    catalogue = tuple(services)
    if not observed:
        msg = "calibration needs at least one observed visit"
        raise ValueError(msg)
    if bootstrap < 0:
        msg = f"the number of bootstrap resamples must be 0 or more, got {bootstrap}"
        raise ValueError(msg)
    if not 0 < level < 1:
        msg = f"the interval's level must lie between 0 and 1, got {level}"
        raise ValueError(msg)
    index = {service.code: i for i, service in enumerate(catalogue)}
    unknown = sorted({code for visit in observed for code in visit.services if code not in index})
    if unknown:
        msg = f"observed visits name services not in the catalogue: {', '.join(unknown)}"
        raise ValueError(msg)
    counts = np.zeros((len(observed), len(catalogue)))
    for row, visit in enumerate(observed):
        for code in visit.services:
            counts[row, index[code]] += 1
    carried = (counts > 0).sum(axis=0)
    seen = np.flatnonzero(carried)
    design = counts[:, seen]
    spans = np.array([visit.minutes for visit in observed])
    worker_ids = sorted({visit.worker_id for visit in observed})
    worker_of = np.array([worker_ids.index(visit.worker_id) for visit in observed])

    times, effects = _fit(design, spans, worker_of, len(worker_ids), min_observations)
    rng = np.random.default_rng(seed)
    samples = np.full((bootstrap, len(seen)), np.nan)
    for b in range(bootstrap):
        pick = rng.integers(0, len(observed), len(observed))
        present = design[pick].sum(axis=0) > 0
        fitted, _ = _fit(design[pick][:, present], spans[pick], worker_of[pick], len(worker_ids), min_observations)
        samples[b, present] = fitted

    estimates = []
    for i, service in enumerate(catalogue):
        where = np.flatnonzero(seen == i)
        if where.size == 0:
            estimates.append(_estimate(service, None, None, None, 0, min_observations))
            continue
        column = samples[:, where[0]]
        estimate, observations = float(times[where[0]]), int(carried[i])
        low, high = _interval(estimate, column[np.isfinite(column)], observations, level)
        estimates.append(_estimate(service, estimate, low, high, observations, min_observations))
    visits_per_worker = np.bincount(worker_of, minlength=len(worker_ids))
    workers = tuple(
        WorkerEffect(
            worker_id=worker_id,
            visits=int(visits_per_worker[k]),
            effect=float(effects[k]) if visits_per_worker[k] >= min_observations else None,
        )
        for k, worker_id in enumerate(worker_ids)
    )
    return Calibration(services=tuple(estimates), workers=workers, visits=len(observed), level=level)


def _interval(
    estimate: float, resampled: _Vector, observations: int, level: float
) -> tuple[float, float] | tuple[None, None]:
    """The interval of one service's time from its bootstrap resamples (``None``s without two of them).

    Three parts, each for a reason measured on generated data (module docstring): the percentile
    interval (it follows a skewed spread, as a time near zero has); a Student t interval on the
    resamples' standard error with the service's visits less one as degrees of freedom (on few visits
    the spread itself is uncertain, which the percentiles ignore); the wider of the two, then each end
    moved out by the bias the resamples show, ``|mean of resamples − estimate|`` (the robust
    non-negative fit of a thinly observed service is biased, and an interval around a biased estimate
    must reach past it). Never below zero: a service takes no negative time."""
    if resampled.size < 2:
        return None, None
    tail = (1 - level) / 2 * 100
    # Past a thousand degrees of freedom t is within 0.1 % of its limit (a hair wide), and the exact
    # series costs a term per two of them.
    spread = _t_quantile(level, min(max(1, observations - 1), 1000)) * float(np.std(resampled, ddof=1))
    bias = abs(float(np.mean(resampled)) - estimate)
    low = min(float(np.percentile(resampled, tail)), estimate - spread) - bias
    high = max(float(np.percentile(resampled, 100 - tail)), estimate + spread) + bias
    return max(0.0, low), high


def _t_quantile(level: float, df: int) -> float:
    """``t`` with ``P(|T| ≤ t) = level`` for Student's T with ``df`` degrees of freedom: bisection on
    the exact distribution function for whole ``df`` (Abramowitz and Stegun 26.7.3-4), no library."""
    low, high = 0.0, 1.0
    while _t_within(high, df) < level:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_within(middle, df) < level else (low, middle)
    return (low + high) / 2


def _t_within(t: float, df: int) -> float:
    """``P(|T| ≤ t)`` for Student's T with ``df`` (a whole number, 1 or more) degrees of freedom."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos = math.sin(theta), math.cos(theta)
    if df % 2:  # odd: (2/π)(θ + sin θ (cos θ + 2/3 cos³ θ + … + (2·4…(df−3))/(1·3…(df−2)) cos^(df−2) θ))
        term = total = sin * cos if df > 1 else 0.0
        for k in range(3, df - 1, 2):
            term *= (k - 1) / k * cos * cos
            total += term
        return 2 / math.pi * (theta + total)
    term = total = 1.0  # even: sin θ (1 + 1/2 cos² θ + … + (1·3…(df−3))/(2·4…(df−2)) cos^(df−2) θ)
    for k in range(2, df - 1, 2):
        term *= (k - 1) / k * cos * cos
        total += term
    return sin * total


def _estimate(
    service: Service,
    estimate: float | None,
    low: float | None,
    high: float | None,
    observations: int,
    min_observations: int,
) -> ServiceEstimate:
    verdict: Verdict
    if estimate is None or low is None or high is None or observations < min_observations:
        verdict = "not enough data"
    elif low > service.norm_min:
        verdict = "raise"
    elif high < service.norm_min:
        verdict = "lower"
    else:
        verdict = "keep"
    return ServiceEstimate(
        code=service.code,
        name=service.name,
        norm_min=service.norm_min,
        estimate_min=estimate,
        low_min=low,
        high_min=high,
        observations=observations,
        verdict=verdict,
    )


def _fit(
    design: _Matrix, spans: _Vector, worker_of: npt.NDArray[np.int_], workers: int, min_observations: int
) -> tuple[_Vector, _Vector]:
    """Service times and worker effects (fractions; 0 for a worker with too few visits): a robust fit,
    then rounds of taking each worker's median relative residual out of their spans and fitting again."""
    effects = np.zeros(workers)
    times = _robust_nnls(design, spans)
    visits = np.bincount(worker_of, minlength=workers)
    for _ in range(_WORKER_ROUNDS):
        fitted = np.maximum(design @ times, 1.0)
        ratio = spans / fitted
        judged = np.flatnonzero(visits >= min_observations)
        for k in judged:
            effects[k] = float(np.median(ratio[worker_of == k])) - 1.0
        if judged.size:  # relative to the typical worker: the services' times are the typical worker's
            typical = float(np.median(1.0 + effects[judged]))
            effects[judged] = (1.0 + effects[judged]) / typical - 1.0
        times = _robust_nnls(design, spans / (1.0 + effects[worker_of]), start=times)
    return times, effects


def _robust_nnls(design: _Matrix, spans: _Vector, *, start: _Vector | None = None) -> _Vector:
    """Iteratively reweighted NNLS on relative residuals: Huber weights, then Tukey's bisquare."""
    times = nnls(design.T @ design, design.T @ spans) if start is None else start
    for step in range(_MAX_STEPS):
        fitted = np.maximum(design @ times, 1.0)
        relative = (spans - fitted) / fitted
        scale = _MAD_TO_SIGMA * float(np.median(np.abs(relative - np.median(relative))))
        scaled = np.abs(relative) / max(scale, 1e-6)
        if step < _HUBER_STEPS:
            robust = np.minimum(1.0, _HUBER_C / np.maximum(scaled, 1e-12))
        else:
            robust = np.where(scaled < _TUKEY_C, (1 - (scaled / _TUKEY_C) ** 2) ** 2, 0.0)
        weights = robust / fitted**2
        weighted = design * weights[:, None]
        updated = nnls(design.T @ weighted, weighted.T @ spans, passive=times > 0)
        moved = float(np.max(np.abs(updated - times)))
        times = updated
        if moved < _CONVERGED_MIN and step >= _HUBER_STEPS:
            break
    return times


def nnls(gram: _Matrix, rhs: _Vector, *, passive: npt.NDArray[np.bool_] | None = None) -> _Vector:
    """``argmin ‖Ax − y‖, x ≥ 0`` given ``gram = AᵀA`` and ``rhs = Aᵀy``: Lawson and Hanson's active-set
    method (1974). ``passive`` is a guess of the variables that end up positive (the previous solution in
    a reweighting loop): if solving on it alone meets the optimality conditions, that is the answer."""
    n = rhs.size
    tol = 1e-10 * max(1.0, float(np.max(np.abs(rhs))) if n else 1.0)
    if passive is not None and passive.any():
        guess = _solve_on(gram, rhs, passive)
        if np.all(guess[passive] > 0) and np.all((rhs - gram @ guess)[~passive] <= tol):
            return guess
    x = np.zeros(n)
    free = np.zeros(n, dtype=bool)
    for _ in range(3 * n + 1):
        gradient = rhs - gram @ x
        if free.all() or float(np.max(np.where(free, -math.inf, gradient))) <= tol:
            break
        free[int(np.argmax(np.where(free, -math.inf, gradient)))] = True
        while True:
            z = _solve_on(gram, rhs, free)
            if np.all(z[free] > tol):
                x = z
                break
            blocking = free & (z <= tol)
            alpha = float(np.min(x[blocking] / np.maximum(x[blocking] - z[blocking], 1e-300)))
            x = x + alpha * (z - x)
            free &= x > tol
            x[~free] = 0.0
            if not free.any():
                break
    return x


def _solve_on(gram: _Matrix, rhs: _Vector, free: npt.NDArray[np.bool_]) -> _Vector:
    """The least-squares solution with only the ``free`` variables allowed to be non-zero (lstsq, so a
    rank-deficient set — two services always done together — still gives an answer)."""
    z = np.zeros(rhs.size)
    idx = np.flatnonzero(free)
    z[idx] = np.linalg.lstsq(gram[np.ix_(idx, idx)], rhs[idx], rcond=None)[0]
    return z

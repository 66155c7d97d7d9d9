"""``norms_report.html``: the calibrated norms as a planner or a head of department reads them.

``norms_report.csv`` is for machines; this page is for the people who decide whether a norm changes.
It shows, per service, the decreed norm, what the time study says the service takes, how sure that is
(the interval), on how many visits it rests and the verdict in words, coloured; each worker's effect
(a worker whose visits run long or short is not a reason to change a norm); and two pictures: every
service's norm against its estimate and interval, and every visit's observed span against the span the
fit gives it, where the visits the robust fit set aside stand off the diagonal.

The page is static and offline, as the route sheets are: no JavaScript, nothing fetched from anywhere
(the pictures are inlined PNGs), a Content-Security-Policy that forbids anything else, and every value
from the data ``html.escape``'d.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from lean_social.domain.calibration import Calibration, ServiceEstimate, Verdict
from lean_social.domain.norms import NormVersion
from lean_social.domain.observed import ObservedVisit
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, number_text, word
from lean_social.outputs.page import escape, static_page
from lean_social.outputs.plots import estimate_intervals, observed_against_fitted

__all__ = ["VERDICT_COLOURS", "norms_report"]

_WORDS: Words = {
    "judged_against": (
        "Оценки сравниваются с нормами версии {version}.",
        "The estimates are set against the norms of version {version}.",
    ),
    "title": ("Нормы времени по данным хронометража", "Time norms from the time study"),
    "summary": (
        "Наблюдённых посещений: {visits}. Интервалы — {level} %: истинное время услуги лежит в интервале "
        "с этой вероятностью. Норму стоит изменить, только если интервал целиком выше или ниже неё.",
        "Observed visits: {visits}. Intervals at {level} %: the service's true time lies inside its interval "
        "with this probability. A norm is worth changing only where the interval lies wholly above or below it.",
    ),
    "services": ("Услуги", "Services"),
    "code": ("Код", "Code"),
    "service": ("Услуга", "Service"),
    "norm": ("Норма, мин", "Norm, min"),
    "estimate": ("Оценка, мин", "Estimate, min"),
    "interval": ("Интервал, мин", "Interval, min"),
    "observations": ("Посещений с услугой", "Visits with the service"),
    "verdict": ("Вывод", "Verdict"),
    "proposed": ("Предлагаемая норма, мин", "Proposed norm, min"),
    "workers": ("Работники", "Workers"),
    "worker": ("Работник", "Worker"),
    "visits": ("Посещений", "Visits"),
    "effect": ("Отклонение от типичного темпа", "Pace against the typical worker"),
    "workers_note": (
        "Положительное отклонение — посещения работника длятся дольше, чем у типичного работника; оно "
        "исключено из оценок услуг. Работник с малым числом посещений не оценивается.",
        "A positive figure: the worker's visits run longer than the typical worker's; it is taken out of the "
        "services' estimates. A worker with few visits is not judged.",
    ),
    "not_judged": ("мало посещений", "too few visits"),
    "fit": ("Насколько расчёт сходится с наблюдениями", "How well the fit holds"),
    "intervals_alt": (
        "Норма и оценка с интервалом для каждой услуги",
        "Each service's norm, and its estimate with its interval",
    ),
    "fit_alt": (
        "Наблюдённая длительность посещений против расчётной",
        "Observed visit spans against the fitted spans",
    ),
    "keep": ("оставить норму", "keep the norm"),
    "raise": ("повысить норму", "raise the norm"),
    "lower": ("снизить норму", "lower the norm"),
    "not enough data": ("мало данных", "not enough data"),
}

#: One colour per verdict, in the table and the picture alike (Okabe-Ito, colour-blind safe): a norm too
#: low is the planner's risk (orange), one too high is slack (blue), a kept one is green.
VERDICT_COLOURS: dict[Verdict, str] = {
    "raise": "#D55E00",
    "lower": "#0072B2",
    "keep": "#009E73",
    "not enough data": "#999999",
}

# Fixed text: nothing from the data is in it.
_CSS = """
* { box-sizing: border-box; }
html { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif; font-size: 11pt;
  color: #000; background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1040px; padding: 16px; }
h1 { font-size: 18pt; margin: 0 0 8px 0; }
h2 { font-size: 14pt; margin: 20px 0 8px 0; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #999; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #e6e6e6; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; }
td.verdict { font-weight: bold; white-space: nowrap; }
td.verdict span { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 6px;
  vertical-align: -0.1em; border: 1px solid #000; }
img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.note { color: #333; }
"""


_e = escape


def _minutes(value: float | None, lang: Lang) -> str:
    return "—" if value is None else number_text(value, lang)


def _effect(effect: float | None, lang: Lang) -> str:
    """``+10,0 %``: a worker's pace against the typical worker's; words where too few visits tell."""
    if effect is None:
        return _e(word("not_judged", lang, _WORDS))
    percent = round(effect * 100, 1) + 0.0  # + 0.0: no "-0,0" for a worker a hair faster than typical
    return f"{'+' if percent > 0 else ''}{number_text(percent, lang)} %"


def _service_row(estimate: ServiceEstimate, lang: Lang) -> str:
    interval = (
        "—"
        if estimate.low_min is None or estimate.high_min is None
        else f"{_minutes(estimate.low_min, lang)} – {_minutes(estimate.high_min, lang)}"
    )
    colour = VERDICT_COLOURS[estimate.verdict]
    cells = [
        f"<td>{_e(estimate.code)}</td>",
        f"<td>{_e(estimate.name)}</td>",
        f'<td class="num">{estimate.norm_min}</td>',
        f'<td class="num">{_minutes(estimate.estimate_min, lang)}</td>',
        f'<td class="num">{interval}</td>',
        f'<td class="num">{estimate.observations}</td>',
        f'<td class="verdict" style="color: {colour}"><span style="background: {colour}"></span>'
        f"{_e(word(estimate.verdict, lang, _WORDS))}</td>",
        f'<td class="num">{estimate.proposed_min}</td>',
    ]
    return f'<tr data-verdict="{_e(estimate.verdict)}">{"".join(cells)}</tr>'


def _header(keys: Sequence[str], lang: Lang) -> str:
    return "<tr>" + "".join(f"<th>{_e(word(k, lang, _WORDS))}</th>" for k in keys) + "</tr>"


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


def _intervals_png(calibration: Calibration, lang: Lang) -> bytes:
    services = calibration.services
    return estimate_intervals(
        [f"{s.code} {s.name}" for s in services],
        [float(s.norm_min) for s in services],
        [s.estimate_min for s in services],
        [None if s.low_min is None or s.high_min is None else (s.low_min, s.high_min) for s in services],
        [VERDICT_COLOURS[s.verdict] for s in services],
        legend=[(word(v, lang, _WORDS), colour) for v, colour in VERDICT_COLOURS.items()],
        lang=lang,
    )


def _judged_against(norms: NormVersion | None, lang: Lang) -> str:
    if norms is None:
        return ""
    text = word("judged_against", lang, _WORDS).format(version=f"{norms.name} ({norms.source})")
    return f'<p class="note">{_e(text)}</p>\n'


def norms_report(
    calibration: Calibration,
    observed: Sequence[ObservedVisit],
    *,
    lang: Lang = DEFAULT_LANG,
    norms: NormVersion | None = None,
) -> str:
    """The page: ``calibration`` of ``observed`` (the visits it was made from, for the fit picture),
    against the norms of version ``norms`` (named on the page: with several versions in the data a
    reader must know which norms "raise" and "lower" are about)."""
    level = number_text(calibration.level * 100, lang, digits=0)
    services = "\n".join(_service_row(s, lang) for s in calibration.services)
    workers = "\n".join(
        f'<tr><td>{_e(w.worker_id)}</td><td class="num">{w.visits}</td>'
        f'<td class="num">{_effect(w.effect, lang)}</td></tr>'
        for w in calibration.workers
    )
    fitted = [calibration.fitted_minutes(visit) for visit in observed]
    body = (
        f"<h1>{_e(word('title', lang, _WORDS))}</h1>\n"
        f'<p class="note">{_e(word("summary", lang, _WORDS).format(visits=calibration.visits, level=level))}</p>\n'
        + _judged_against(norms, lang)
        + f"<h2>{_e(word('services', lang, _WORDS))}</h2>\n<table>\n"
        + _header(("code", "service", "norm", "estimate", "interval", "observations", "verdict", "proposed"), lang)
        + f"\n{services}\n</table>\n"
        + _image(_intervals_png(calibration, lang), word("intervals_alt", lang, _WORDS))
        + f"\n<h2>{_e(word('workers', lang, _WORDS))}</h2>\n"
        + f'<p class="note">{_e(word("workers_note", lang, _WORDS))}</p>\n<table>\n'
        + _header(("worker", "visits", "effect"), lang)
        + f"\n{workers}\n</table>\n"
        + f"<h2>{_e(word('fit', lang, _WORDS))}</h2>\n"
        + _image(
            observed_against_fitted([v.minutes for v in observed], fitted, lang=lang), word("fit_alt", lang, _WORDS)
        )
        + "\n"
    )
    return static_page(word("title", lang, _WORDS), body, lang=lang, css=_CSS)

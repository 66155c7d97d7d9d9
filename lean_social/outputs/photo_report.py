"""``photo.html``: the work-day photo (``outputs.photo``) as a page a lean review reads, in Russian by
default: the picture of each worker's mean day observed against planned, the time use and the wastes per
department and per worker, the observed worker-days the plan has no day for, and what each waste means.

Static and offline: no script, nothing loaded from elsewhere (the picture is an inlined PNG), every text
escaped, and a Content-Security-Policy that would stop a script or a request were one ever to slip in.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Sequence

from lean_social.domain.model import Problem
from lean_social.domain.workday import WASTES
from lean_social.outputs.kpi import KPI_WORDS, TIME_PARTS, TimeUse
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, date_text, number_text, word
from lean_social.outputs.page import escape, static_page
from lean_social.outputs.photo import Photo, PhotoDay, PhotoTotal
from lean_social.outputs.plots import photo_bars

__all__ = ["PHOTO_WORDS", "photo_html"]

#: Words of the photo's page; the parts of the day are ``kpi.KPI_WORDS``', as on the plan's figures.
PHOTO_WORDS: Words = {
    "title": ("Фотография рабочего дня", "Work-day photo"),
    "compared": (
        "Сравнено рабочих дней с планом: {compared} из {observed} наблюдённых.",
        "Worker-days compared with the plan: {compared} of {observed} observed.",
    ),
    "figure": ("Рабочий день по работникам", "Working day by worker"),
    "departments": ("По отделениям", "By department"),
    "workers": ("По работникам", "By worker"),
    "time_note": (
        "Минуты в среднем за рабочий день: наблюдение / план.",
        "Minutes of a mean worker-day: observed / planned.",
    ),
    "waste": ("Потери (муда), минут всего", "Waste (muda), minutes in total"),
    "not_compared": ("Дни без плана", "Days without a plan"),
    "not_compared_note": (
        "Наблюдённые рабочие дни, которых нет в плане; в суммы выше они не входят.",
        "Observed worker-days the plan has no day for; they are left out of the sums above.",
    ),
    "no_plan_day": ("нет дня плана", "no plan day"),
    "off_in_plan": ("по плану не на смене", "off duty in the plan"),
    "none": ("нет", "none"),
    "definitions": ("Как считается", "How it is measured"),
    "department": ("Отделение", "Department"),
    "worker": ("Работник", "Worker"),
    "date": ("Дата", "Date"),
    "status": ("Почему", "Why"),
    "days": ("Дней", "Days"),
    "worker_days": ("Рабочих дней", "Worker-days"),
    "visits": ("Посещений", "Visits"),
    "client_share": ("У получателей, %", "With clients, %"),
    "total": ("Всего", "Total"),
    "per_day": ("На день", "Per day"),
    "waiting": ("Ожидание", "Waiting"),
    "walking": ("Лишние переходы", "Walking"),
    "rework": ("Переделка", "Rework"),
    "over_processing": ("Сверх нормы", "Over-processing"),
    "def_parts": (
        "Услуги — записанное время посещений; дорога — путь между местами по модели, с которой планирует "
        "планировщик, но не дольше промежутка; обед — по графику работника; ожидание — промежутки сверх "
        "дороги и обеда; прочее — остальное время смены (документы, отделение).",
        "Service: the recorded spans; travel: the way between places by the planner's travel model, never "
        "more than the gap; lunch: the worker's; waiting: the gaps beyond travel and lunch; other: the rest "
        "of the shift (paperwork, the office).",
    ),
    "def_waiting": (
        "Ожидание: простой между посещениями сверх дороги и обеда, в том числе ранний приход (получатель "
        "ещё не принимает).",
        "Waiting: idle time between visits beyond travel and lunch, early arrivals (the client not yet "
        "available) included.",
    ),
    "def_walking": (
        "Лишние переходы: дорога в наблюдённом порядке посещений сверх дороги по тем же адресам в порядке плана.",
        "Walking: travel in the observed order of visits above the travel to the same places in the plan's order.",
    ),
    "def_rework": (
        "Переделка: повторное посещение того же получателя в тот же день сверх плана, или услуга, уже "
        "оказанная ему в этот день (по норме).",
        "Rework: another visit to the same client the same day beyond the plan, or a service already done "
        "for them that day (at its norm).",
    ),
    "def_over_processing": (
        "Сверх нормы: посещение дольше суммы норм его услуг больше чем на допуск (5 мин или 15 % нормы); "
        "считается всё превышение нормы.",
        "Over-processing: a visit longer than its services' norms by more than the tolerance (5 min or 15 % "
        "of the norm); the whole excess over the norm counts.",
    ),
}

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 1.5em auto; max-width: 70em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eee; font-weight: normal; }
img { max-width: 100%; }
.note { color: #555; }
"""
_PARTS = tuple(p for p in TIME_PARTS if p != "overtime")


_e = escape


def photo_html(photo: Photo, problem: Problem, *, lang: Lang = DEFAULT_LANG) -> str:
    """The page, as text: ``photo_report``'s docstring says what it holds."""
    compared = photo.total.observed.days
    names = {w.id: f"{w.id} {w.name}" if w.name != w.id else w.id for w in problem.workers}
    workers = list(photo.workers.items())
    surnames = {
        w.id: f"{w.id} {w.name.split()[0]}" if w.name.split() and w.name != w.id else w.id for w in problem.workers
    }
    picture = photo_bars(
        [surnames.get(w, w) for w, _ in workers],
        [_mean(t.observed) for _, t in workers],
        [_mean(t.planned) for _, t in workers],
        lang=lang,
    )
    body = [
        f"<h1>{_e(word('title', lang, PHOTO_WORDS))}</h1>",
        f"<p>{_e(word('compared', lang, PHOTO_WORDS).format(compared=compared, observed=len(photo.days)))}</p>",
        f"<h2>{_e(word('figure', lang, PHOTO_WORDS))}</h2>",
        f'<p><img alt="{_e(word("figure", lang, PHOTO_WORDS))}" '
        f'src="data:image/png;base64,{base64.b64encode(picture).decode("ascii")}"></p>',
        f"<h2>{_e(word('departments', lang, PHOTO_WORDS))}</h2>",
        f'<p class="note">{_e(word("time_note", lang, PHOTO_WORDS))}</p>',
        _time_table("department", list(photo.departments.items()), lang),
        f"<h2>{_e(word('waste', lang, PHOTO_WORDS))}</h2>",
        _waste_table("department", [*photo.departments.items(), (word("total", lang, PHOTO_WORDS), photo.total)], lang),
        f"<h2>{_e(word('workers', lang, PHOTO_WORDS))}</h2>",
        f'<p class="note">{_e(word("time_note", lang, PHOTO_WORDS))}</p>',
        _time_table("worker", [(names.get(w, w), t) for w, t in workers], lang),
        _waste_table("worker", [(names.get(w, w), t) for w, t in workers], lang),
        f"<h2>{_e(word('not_compared', lang, PHOTO_WORDS))}</h2>",
        _not_compared(photo, lang),
        f"<h2>{_e(word('definitions', lang, PHOTO_WORDS))}</h2>",
        "<ul>",
        *(f"<li>{_e(word(f'def_{key}', lang, PHOTO_WORDS))}</li>" for key in ("parts", *WASTES)),
        "</ul>",
    ]
    return static_page(word("title", lang, PHOTO_WORDS), "\n".join(body) + "\n", lang=lang, css=_CSS)


def _mean(use: TimeUse) -> dict[str, float]:
    """Minutes of each part in a mean worker-day of ``use``."""
    return {p: use.part(p) / use.days if use.days else 0.0 for p in TIME_PARTS}


def _row(cells: Iterable[object], cell: str = "td") -> str:
    return "<tr>" + "".join(f"<{cell}>{_e(c)}</{cell}>" for c in cells) + "</tr>"


def _time_table(who: str, totals: Sequence[tuple[str, PhotoTotal]], lang: Lang) -> str:
    head = [
        word(who, lang, PHOTO_WORDS),
        word("days", lang, PHOTO_WORDS),
        word("visits", lang, PHOTO_WORDS),
        *(word(p, lang, KPI_WORDS) for p in _PARTS),
        word("client_share", lang, PHOTO_WORDS),
    ]
    lines = [_row(head, "th")]
    for name, total in totals:
        observed, planned = _mean(total.observed), _mean(total.planned)
        lines.append(
            _row(
                [
                    name,
                    total.observed.days,
                    f"{total.observed.visits} / {total.planned.visits}",
                    *(f"{observed[p]:.0f} / {planned[p]:.0f}" for p in _PARTS),
                    f"{number_text(100 * total.observed.client_share, lang)} / "
                    f"{number_text(100 * total.planned.client_share, lang)}",
                ]
            )
        )
    return "<table>\n" + "\n".join(lines) + "\n</table>"


def _waste_table(who: str, totals: Sequence[tuple[str, PhotoTotal]], lang: Lang) -> str:
    head = [
        word(who, lang, PHOTO_WORDS),
        *(word(c, lang, PHOTO_WORDS) for c in WASTES),
        word("total", lang, PHOTO_WORDS),
        word("per_day", lang, PHOTO_WORDS),
    ]
    lines = [_row(head, "th")]
    for name, total in totals:
        days = total.observed.days
        waste = sum(total.waste.values())
        per_day = number_text(waste / days, lang) if days else "—"
        lines.append(_row([name, *(f"{total.waste[c]:.0f}" for c in WASTES), f"{waste:.0f}", per_day]))
    return "<table>\n" + "\n".join(lines) + "\n</table>"


def _not_compared(photo: Photo, lang: Lang) -> str:
    """The observed worker-days left out of the sums, a line per date and reason: a month observed against
    a week's plan would otherwise list hundreds of worker-days."""
    groups: dict[tuple[dt.date, str], list[PhotoDay]] = {}
    for day in photo.not_compared:
        groups.setdefault((day.date, day.status), []).append(day)
    if not groups:
        return f"<p>{_e(word('none', lang, PHOTO_WORDS))}</p>"
    head = [word(k, lang, PHOTO_WORDS) for k in ("date", "worker_days", "visits", "status")]
    lines = [_row(head, "th")]
    lines += [
        _row([date_text(day, lang), len(days), sum(d.observed.visits for d in days), word(status, lang, PHOTO_WORDS)])
        for (day, status), days in sorted(groups.items())
    ]
    note = f'<p class="note">{_e(word("not_compared_note", lang, PHOTO_WORDS))}</p>'
    return note + "\n<table>\n" + "\n".join(lines) + "\n</table>"

"""``capacity.html`` and the terminal summary of ``lean-social capacity``: staff and caseloads, the
current state and each what-if side by side, in Russian by default.

The page is static and offline (no script, nothing fetched, every text escaped) so that it can be
mailed to a centre's head and opened anywhere; its figures are those of ``staff.csv`` and
``caseload.csv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from lean_social.domain.capacity import TIME_USE_COEFFICIENT
from lean_social.domain.staff import FULL_TIME_WEEK_H, Caseload, Scenario, Staff, fte_week_h
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, date_text, number_text, word
from lean_social.outputs.page import escape, static_page

__all__ = ["CAPACITY_WORDS", "capacity_html", "scenario_text", "summary_lines"]

CAPACITY_WORDS: Words = {
    "title": ("Штат и нагрузка на неделю с {week}", "Staff and caseloads for the week of {week}"),
    "staff": ("Штат, ставок", "Staff, full-time equivalents"),
    "caseload": (
        "Сколько получателей может обслуживать один работник на полную ставку",
        "Clients one full-time worker can carry",
    ),
    "department": ("Отделение", "Department"),
    "total": ("Всего", "Total"),
    "workers": ("Работников", "Workers"),
    "visits": ("Посещений", "Visits"),
    "service_h": ("Услуги, ч", "Services, h"),
    "travel_min": ("Дорога на посещение, мин", "Travel per visit, min"),
    "demand_h": ("Нужно, ч", "Needed, h"),
    "available_h": ("Есть, ч", "Present, h"),
    "fte_needed": ("Нужно ставок", "FTE needed"),
    "fte_present": ("Есть ставок", "FTE present"),
    "gap": ("Не хватает (+) / лишние (−)", "Short (+) / spare (−)"),
    "details": ("Подробно", "In detail"),
    "mode": ("Как добирается", "Travel"),
    "minutes_per_client": ("Минут на получателя в неделю", "Minutes per client a week"),
    "clients_per_fte": ("Получателей на ставку", "Clients per FTE"),
    "foot": ("пешком", "on foot"),
    "bike": ("на велосипеде", "by bicycle"),
    "transit": ("на автобусе", "by bus"),
    "car": ("на машине", "by car"),
    "current": ("сейчас", "now"),
    "norms": ("нормы из {path}", "norms of {path}"),
    "clients": ("получателей {percent:+g} %", "{percent:+g} % clients"),
    "modes": ("{before} → {after}", "{before} → {after}"),
    "method": (
        "Метод: приказ Минтруда России от 15.10.2015 № 725. Нужно ставок = время работы (нормы услуг "
        "посещений недели плюс ожидаемая дорога) / (рабочее время ставки {week_h:g} ч × коэффициент "
        "использования рабочего времени {k}) = часы / {fte_h} ч. Есть ставок: часы работников отделения "
        "на посещения в эту неделю (смена без обеда и прочей работы, без отсутствий и праздников) в тех же "
        "единицах. Дорога на посещение оценена по адресам получателей и способу передвижения: путь до "
        "ближайшего получателя, которого посещают в тот же день, и путь от места начала работы и обратно, "
        "поделённый на посещения дня.",
        "Method: Order 725 of the Russian Ministry of Labour (15.10.2015). FTE needed = work time (the "
        "norms of the week's visits plus the expected travel) / (a full-time week of {week_h:g} h × the "
        "time-use coefficient {k}) = hours / {fte_h} h. FTE present: the department's workers' hours for "
        "visits this week (shift less lunch and other work, absences and holidays off) in the same units. "
        "Travel per visit is estimated from the clients' places and the travel mode: the way to the nearest "
        "client visited the same day, and the way from the start and back shared over the day's visits.",
    ),
    "summary_head": (
        "штат на неделю с {week}: нужно / есть ставок; файлы в {out}",
        "staff for the week of {week}: FTE needed / present; outputs in {out}",
    ),
    "summary_line": (
        "{scenario}: нужно {needed}, есть {present} ({gap})",
        "{scenario}: needed {needed}, present {present} ({gap})",
    ),
    "caseload_line": ("получателей на ставку ({scenario}): {loads}", "clients per FTE ({scenario}): {loads}"),
}

_CSS = """
body { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 10pt; margin: 1em; }
.side { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
table { border-collapse: collapse; margin-bottom: 1em; }
caption { font-weight: bold; text-align: left; padding: 0.3em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
td.short { color: #b00; }
p.method { max-width: 60em; color: #333; }
"""


_e = escape


def scenario_text(scenario: Scenario, lang: Lang) -> str:
    """A scenario as a planner says it: 'получателей +10 %, пешком → на велосипеде'."""
    parts = []
    if scenario.services is not None:
        parts.append(word("norms", lang, CAPACITY_WORDS).format(path=scenario.norms_from))
    if scenario.clients_factor != 1.0:
        percent = round((scenario.clients_factor - 1) * 100, 1)
        parts.append(word("clients", lang, CAPACITY_WORDS).format(percent=percent))
    for before, after in scenario.modes:
        parts.append(
            word("modes", lang, CAPACITY_WORDS).format(
                before=word(before, lang, CAPACITY_WORDS), after=word(after, lang, CAPACITY_WORDS)
            )
        )
    return ", ".join(parts) or word("current", lang, CAPACITY_WORDS)


def _gap(value: float, lang: Lang) -> str:
    text = number_text(abs(value), lang)
    return f"+{text}" if value > 0.05 else f"−{text}" if value < -0.05 else text


def _staff_table(scenario: Scenario, rows: Sequence[Staff], lang: Lang) -> str:
    heads = ("department", "visits", "travel_min", "demand_h", "available_h", "fte_needed", "fte_present", "gap")
    head = "".join(f"<th>{_e(word(h, lang, CAPACITY_WORDS))}</th>" for h in heads)
    body = []
    for row in rows:
        body.append(
            "<tr>"
            f"<td>{_e(row.department)}</td>"
            f'<td class="n">{number_text(row.visits, lang, 0)}</td>'
            f'<td class="n">{number_text(row.travel_min_per_visit, lang)}</td>'
            f'<td class="n">{number_text(row.demand_h, lang)}</td>'
            f'<td class="n">{number_text(row.available_h, lang)}</td>'
            f'<td class="n">{number_text(row.fte_needed, lang)}</td>'
            f'<td class="n">{number_text(row.fte_present, lang)}</td>'
            f'<td class="n{" short" if row.gap_fte > 0.05 else ""}">{_gap(row.gap_fte, lang)}</td>'
            "</tr>"
        )
    needed, present = sum(r.fte_needed for r in rows), sum(r.fte_present for r in rows)
    body.append(
        f'<tr class="total"><td>{_e(word("total", lang, CAPACITY_WORDS))}</td>'
        f'<td class="n">{number_text(sum(r.visits for r in rows), lang, 0)}</td><td></td>'
        f'<td class="n">{number_text(sum(r.demand_h for r in rows), lang)}</td>'
        f'<td class="n">{number_text(sum(r.available_h for r in rows), lang)}</td>'
        f'<td class="n">{number_text(needed, lang)}</td><td class="n">{number_text(present, lang)}</td>'
        f'<td class="n">{_gap(needed - present, lang)}</td></tr>'
    )
    caption = _e(scenario_text(scenario, lang))
    return f"<table><caption>{caption}</caption><tr>{head}</tr>{''.join(body)}</table>"


def _caseload_table(scenario: Scenario, rows: Sequence[Caseload], lang: Lang) -> str:
    heads = ("department", "mode", "workers", "travel_min", "minutes_per_client", "clients_per_fte")
    head = "".join(f"<th>{_e(word(h, lang, CAPACITY_WORDS))}</th>" for h in heads)
    body = []
    for row in rows:
        per_fte = row.clients_per_fte
        body.append(
            "<tr>"
            f"<td>{_e(row.department)}</td><td>{_e(word(row.mode, lang, CAPACITY_WORDS))}</td>"
            f'<td class="n">{row.workers}</td>'
            f'<td class="n">{number_text(row.travel_min_per_visit, lang)}</td>'
            f'<td class="n">{number_text(row.minutes_per_client, lang, 0)}</td>'
            f'<td class="n">{"" if per_fte is None else number_text(per_fte, lang)}</td>'
            "</tr>"
        )
    caption = _e(scenario_text(scenario, lang))
    return f"<table><caption>{caption}</caption><tr>{head}</tr>{''.join(body)}</table>"


def _compare_staff(scenarios: Sequence[Scenario], staff: Sequence[Staff], lang: Lang) -> str:
    """Departments down, each scenario's FTE needed and gap across, the totals last."""
    departments = list(dict.fromkeys(r.department for r in staff))
    top = "".join(f'<th colspan="2">{_e(scenario_text(s, lang))}</th>' for s in scenarios)
    sub = "".join(
        f"<th>{_e(word('fte_needed', lang, CAPACITY_WORDS))}</th><th>{_e(word('gap', lang, CAPACITY_WORDS))}</th>"
        for _ in scenarios
    )
    body = []
    for department in [*departments, None]:
        cells = []
        for scenario in scenarios:
            picked = [r for r in staff if r.scenario == scenario.name and department in (None, r.department)]
            needed, gap = sum(r.fte_needed for r in picked), sum(r.gap_fte for r in picked)
            cells.append(
                f'<td class="n">{number_text(needed, lang)}</td>'
                f'<td class="n{" short" if gap > 0.05 else ""}">{_gap(gap, lang)}</td>'
            )
        name = word("total", lang, CAPACITY_WORDS) if department is None else department
        kind = ' class="total"' if department is None else ""
        body.append(f"<tr{kind}><td>{_e(name)}</td>{''.join(cells)}</tr>")
    head = f'<tr><th rowspan="2">{_e(word("department", lang, CAPACITY_WORDS))}</th>{top}</tr><tr>{sub}</tr>'
    return f"<table>{head}{''.join(body)}</table>"


def _compare_caseloads(scenarios: Sequence[Scenario], caseloads: Sequence[Caseload], lang: Lang) -> str:
    """Department and mode down (the modes someone travels by now), each scenario's travel per visit
    and clients per FTE across."""
    current = [c for c in caseloads if c.scenario == scenarios[0].name and c.workers]
    rows = {(c.scenario, c.department, c.mode): c for c in caseloads}
    top = "".join(f'<th colspan="2">{_e(scenario_text(s, lang))}</th>' for s in scenarios)
    travel_head, per_fte_head = (_e(word(k, lang, CAPACITY_WORDS)) for k in ("travel_min", "clients_per_fte"))
    sub = f"<th>{travel_head}</th><th>{per_fte_head}</th>" * len(scenarios)
    body = []
    for now in current:
        cells = []
        for scenario in scenarios:
            row = rows.get((scenario.name, now.department, now.mode))
            per_fte = None if row is None else row.clients_per_fte
            travel = "" if row is None else number_text(row.travel_min_per_visit, lang)
            load = "" if per_fte is None else number_text(per_fte, lang)
            cells.append(f'<td class="n">{travel}</td><td class="n">{load}</td>')
        body.append(
            f"<tr><td>{_e(now.department)}</td><td>{_e(word(now.mode, lang, CAPACITY_WORDS))}</td>"
            f'<td class="n">{now.workers}</td>{"".join(cells)}</tr>'
        )
    heads = "".join(
        f'<th rowspan="2">{_e(word(h, lang, CAPACITY_WORDS))}</th>' for h in ("department", "mode", "workers")
    )
    return f"<table><tr>{heads}{top}</tr><tr>{sub}</tr>{''.join(body)}</table>"


def capacity_html(
    week_start: dt.date,
    scenarios: Sequence[Scenario],
    staff: Sequence[Staff],
    caseloads: Sequence[Caseload],
    *,
    lang: Lang = DEFAULT_LANG,
) -> str:
    """The page: staff and caseloads with the scenarios side by side, the method, then each scenario's
    tables in detail."""
    title = word("title", lang, CAPACITY_WORDS).format(week=date_text(week_start, lang))
    staff_tables = "".join(_staff_table(s, [r for r in staff if r.scenario == s.name], lang) for s in scenarios)
    caseload_tables = "".join(
        _caseload_table(s, [r for r in caseloads if r.scenario == s.name], lang) for s in scenarios
    )
    method = word("method", lang, CAPACITY_WORDS).format(
        week_h=FULL_TIME_WEEK_H, k=number_text(TIME_USE_COEFFICIENT, lang, 3), fte_h=number_text(fte_week_h(), lang)
    )
    details = _e(word("details", lang, CAPACITY_WORDS))
    body = (
        f"<h1>{_e(title)}</h1>\n"
        f"<h2>{_e(word('staff', lang, CAPACITY_WORDS))}</h2>\n{_compare_staff(scenarios, staff, lang)}\n"
        f"<h2>{_e(word('caseload', lang, CAPACITY_WORDS))}</h2>\n{_compare_caseloads(scenarios, caseloads, lang)}\n"
        f'<p class="method">{_e(method)}</p>\n'
        f'<h2>{details}: {_e(word("staff", lang, CAPACITY_WORDS))}</h2>\n<div class="side">{staff_tables}</div>\n'
        f'<h2>{details}: {_e(word("caseload", lang, CAPACITY_WORDS))}</h2>\n<div class="side">{caseload_tables}</div>\n'
    )
    return static_page(title, body, lang=lang, css=_CSS)


def summary_lines(
    week_start: dt.date,
    scenarios: Sequence[Scenario],
    staff: Sequence[Staff],
    caseloads: Sequence[Caseload],
    out: str,
    lang: Lang = DEFAULT_LANG,
) -> list[str]:
    """The terminal's few lines: FTE needed and present per scenario, and the current caseload of each
    department by its workers' modes."""
    lines = [word("summary_head", lang, CAPACITY_WORDS).format(week=date_text(week_start, lang), out=out)]
    for scenario in scenarios:
        rows = [r for r in staff if r.scenario == scenario.name]
        needed, present = sum(r.fte_needed for r in rows), sum(r.fte_present for r in rows)
        lines.append(
            "  "
            + word("summary_line", lang, CAPACITY_WORDS).format(
                scenario=scenario_text(scenario, lang),
                needed=number_text(needed, lang),
                present=number_text(present, lang),
                gap=_gap(needed - present, lang),
            )
        )
    current = scenarios[0]
    loads = [
        f"{c.department} {word(c.mode, lang, CAPACITY_WORDS)} {number_text(per_fte, lang)}"
        for c in caseloads
        if c.scenario == current.name and c.workers and (per_fte := c.clients_per_fte) is not None
    ]
    lines.append(
        "  "
        + word("caseload_line", lang, CAPACITY_WORDS).format(
            scenario=scenario_text(current, lang), loads="; ".join(loads)
        )
    )
    return lines

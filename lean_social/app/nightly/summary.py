"""The region's morning report: one row per department, figures per centre, failures with their reasons,
as CSV for programs and as an HTML page for the administrator (Russian by default, no script)."""

from __future__ import annotations

from collections.abc import Sequence

from lean_social.app.nightly.department import DepartmentOutcome
from lean_social.outputs.labels import Lang, Words, date_text, number_text, word
from lean_social.outputs.page import escape, static_page

__all__ = ["SUMMARY_COLUMNS", "summary_html", "summary_rows"]

SUMMARY_COLUMNS = (
    "centre",
    "department",
    "week",
    "days",
    "status",
    "served",
    "unassigned",
    "unassigned_by_reason",
    "travel_min_per_visit",
    "seconds",
    "message",
)

_WORDS: Words = {
    "title": ("Ночное планирование", "Nightly planning"),
    "centre": ("Центр", "Centre"),
    "department": ("Отделение", "Department"),
    "week": ("Неделя с", "Week of"),
    "days": ("Дни", "Days"),
    "status": ("Итог", "Status"),
    "served": ("Посещений", "Visits"),
    "unassigned": ("Не назначено", "Unassigned"),
    "travel": ("Дорога, мин на посещение", "Travel, min per visit"),
    "seconds": ("Время, с", "Time, s"),
    "message": ("Сообщение", "Message"),
    "total": ("Итого", "Total"),
    "failed_n": ("отделений с ошибкой", "departments failed"),
    "planned": ("спланировано", "planned"),
    "replanned": ("перепланировано", "re-planned"),
    "reused": ("без изменений", "unchanged"),
    "invalid-input": ("ошибка в данных", "invalid input"),
    "failed": ("сбой", "failed"),
}


_CSS = """
body { font: 14px/1.4 sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; }
tr.bad td { background: #fde8e8; }
tr.total td { font-weight: bold; background: #f2f2f2; }
"""


def _reasons(outcome: DepartmentOutcome) -> str:
    return "; ".join(f"{kind} {n}" for kind, n in outcome.unassigned_by_reason.items())


#: Lines of a department's message on the page; the whole of it is in summary.csv and the log.
_MESSAGE_LINES = 6


def _message_cell(message: str) -> str:
    lines = message.splitlines()
    shown = [escape(line) for line in lines[:_MESSAGE_LINES]]
    if len(lines) > _MESSAGE_LINES:
        shown.append("…")
    return f"<td>{'<br>'.join(shown)}</td>"


def summary_rows(outcomes: Sequence[DepartmentOutcome]) -> list[dict[str, object]]:
    """``summary.csv``'s rows, centre and department order, stable English values for programs."""
    return [
        {
            "centre": o.centre,
            "department": o.department,
            "week": o.week.isoformat(),
            "days": " ".join(d.isoformat() for d in o.days),
            "status": o.status,
            "served": o.served,
            "unassigned": o.unassigned,
            "unassigned_by_reason": _reasons(o),
            "travel_min_per_visit": o.travel_min_per_visit if o.travel_min_per_visit is not None else "",
            "seconds": o.seconds,
            "message": o.message,
        }
        for o in sorted(outcomes, key=lambda o: (o.centre, o.department))
    ]


def summary_html(outcomes: Sequence[DepartmentOutcome], *, lang: Lang, night: str) -> str:
    """The administrator's page: failures first, then every department, a total per centre."""

    def w(key: str) -> str:
        return word(key, lang, _WORDS)

    def cell(value: object, *, number: bool = False) -> str:
        return f"<td{' class=n' if number else ''}>{escape(str(value))}</td>"

    ordered = sorted(outcomes, key=lambda o: (o.ok, o.centre, o.department))
    head = "".join(
        f"<th>{escape(w(k))}</th>"
        for k in (
            "centre",
            "department",
            "week",
            "days",
            "status",
            "served",
            "unassigned",
            "travel",
            "seconds",
            "message",
        )
    )
    rows = []
    for o in ordered:
        travel = number_text(o.travel_min_per_visit, lang) if o.travel_min_per_visit is not None else "—"
        rows.append(
            f"<tr class={'ok' if o.ok else 'bad'}>"
            + cell(o.centre)
            + cell(o.department)
            + cell(date_text(o.week, lang))
            + cell(", ".join(date_text(d, lang) for d in o.days))
            + cell(w(o.status))
            + cell(o.served, number=True)
            + cell(o.unassigned, number=True)
            + cell(travel, number=True)
            + cell(number_text(o.seconds, lang), number=True)
            + _message_cell(o.message)
            + "</tr>"
        )
    for centre in sorted({o.centre for o in outcomes}):
        mine = [o for o in outcomes if o.centre == centre]
        failed = sum(1 for o in mine if not o.ok)
        rows.append(
            "<tr class=total>"
            + cell(f"{w('total')}: {centre}")
            + cell(len(mine), number=True)
            + "<td></td><td></td>"
            + cell(f"{failed} {w('failed_n')}")
            + cell(sum(o.served for o in mine), number=True)
            + cell(sum(o.unassigned for o in mine), number=True)
            + "<td></td><td></td><td></td></tr>"
        )
    title = f"{w('title')} {night}"
    body = (
        f"<h1>{escape(title)}</h1>\n<table><thead><tr>{head}</tr></thead><tbody>\n"
        + "".join(rows)
        + "\n</tbody></table>\n"
    )
    return static_page(title, body, lang=lang, css=_CSS)

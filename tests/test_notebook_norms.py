"""The head's notebook (notebooks/norms_and_capacity.ipynb) runs from top to bottom offline and shows what
its text says it shows: FOOD's norm to be raised, both versions' plans valid, more service time under the
calibrated norms, the observed days the plan has no day for, the staff under the three scenarios and the
norms report written.

It runs as ``test_notebook.py`` runs the planners' notebook (``execute``: the same setup cell, offline,
the committed file checked to carry no outputs), with a small count of search work.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import generate_observations
import nbformat
import pytest
from test_notebook import _cell, _texts, execute

import lean_social as ls
from conftest import DEMO
from lean_social.outputs.labels import date_text, word
from lean_social.outputs.photo_report import PHOTO_WORDS

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "norms_and_capacity.ipynb"
OBSERVED = DEMO.parent / "observed" / "observed_visits.csv"
#: Two plans of the week: about 15 s here at 2 (the notebook's own 10, about 40 s).
WORK = 2
SCENARIOS = ("clients=+10%", "mode=foot:bike", "norms=calibrated-2026-11")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    folder = tmp_path_factory.mktemp("notebook-norms")
    parameters = {
        "DATA": f"Path({str(DEMO)!r})",
        "OBSERVED": f"Path({str(OBSERVED)!r})",
        "WORK": str(WORK),
        "OUT": f"Path({str(folder / 'out')!r})",
    }
    return execute(NOTEBOOK, parameters, folder), folder / "out"


def _monday(nb: nbformat.NotebookNode) -> dt.date:
    (found,) = re.findall(r"^MONDAY = dt\.date\((\d+), (\d+), (\d+)\)", _cell(nb, "MONDAY = ").source, re.M)
    return dt.date(*map(int, found))


def _row(shown: str, label: str) -> list[str]:
    """The cells of the HTML table's row whose first cell (index or data) is ``label``."""
    (row,) = [r for r in shown.split("<tr")[1:] if re.search(rf"<t[hd]>{re.escape(label)}</t[hd]>", r)]
    return [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_notebook_runs_without_errors(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert outputs
    assert all(o.output_type != "error" for o in outputs)
    assert not any(o.output_type == "stream" and o.name == "stderr" for o in outputs)


def test_calibration_table_raises_food(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    shown = _texts(_cell(nb, "ls.calibrate("), "text/html")
    # index, code, norm, estimate, low, high, observations, verdict, proposed
    _, code, norm, estimate, low, high, _, verdict, proposed = _row(shown, "FOOD")
    true = generate_observations.TRUE_MINUTES["FOOD"]
    assert (code, int(norm), verdict) == ("FOOD", 40, "повысить норму")
    assert int(norm) < float(low) <= true <= float(high)
    assert int(proposed) == round(float(estimate))
    assert _row(shown, "TALK")[7] == "мало данных"  # no visit carries it
    assert _texts(_cell(nb, "estimate_intervals("), "image/png")


def test_workers_pace_shows_the_slow_worker(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    shown = _texts(_cell(nb, "calibration.workers"), "text/html")
    for worker, effect in generate_observations.WORKER_EFFECTS.items():
        assert float(_row(shown, worker)[3]) == pytest.approx(100 * effect, abs=4)


def test_norms_report_is_written(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, out = executed
    report = out / "norms" / "norms_report.html"
    assert report.is_file()
    printed = _texts(_cell(nb, "ls.run_norms("), "text/plain")
    assert str(report.parent.resolve()) in printed and "norms_report.html" in printed


def test_both_versions_plan_validly_and_calibrated_take_longer(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    assert "base" in _texts(_cell(nb, "problem.norms_in_effect("), "text/plain")
    printed = _texts(_cell(nb, "ls.validate("), "text/plain")
    assert printed.count("нарушений: 0") == 2, printed
    assert "<table" in _texts(_cell(nb, "ls.compare("), "text/html")
    totals = _texts(_cell(nb, 'totals.loc["разница"]'), "text/html")
    header = _row(totals, "")[1:]
    change = dict(zip(header, map(float, _row(totals, "разница")[1:]), strict=True))
    assert change["service_min"] > 0  # the same visits take longer
    assert change["office_min"] < 0  # fewer minutes left over
    assert change["visits"] + change["unassigned"] == 0  # the same week's visits, fewer of them fit


def test_photo_lists_the_days_without_a_plan(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    monday = _monday(nb)
    observed = {v.date for v in ls.read_observed_visits(OBSERVED, ls.read_folder(DEMO))}
    later = sorted(d for d in observed if d > monday + dt.timedelta(days=6))
    assert later  # the three weeks after the planned one
    (line,) = [s for s in _texts(_cell(nb, "photo.unplanned_dates"), "text/plain").splitlines() if "без плана" in s]
    assert line.split(": ", 1)[1].split(", ") == [date_text(d, "ru") for d in later]
    assert "<table" in _texts(_cell(nb, "ls.work_day_photo("), "text/html")
    waste = _texts(_cell(nb, 'groupby("category")'), "text/html")
    assert html.escape(word("waiting", "ru", PHOTO_WORDS)) in waste
    assert _texts(_cell(nb, "photo_bars("), "image/png")


def test_capacity_sets_the_scenarios_side_by_side(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, out = executed
    need = _texts(_cell(nb, "ls.run_capacity("), "text/html")
    header = _row(need, "scenario")
    assert header[1:] == ["current", *(html.escape(s) for s in SCENARIOS), "fte_present"]
    for department in ("D1", "D2", "D3"):
        current, more, bike, norms, present = map(float, _row(need, department)[1:])
        assert more > current and norms > current and bike <= current and present > 0
    assert _row(_texts(_cell(nb, "capacity.caseloads"), "text/html"), "scenario")[-4:] == ["current", *SCENARIOS]
    assert (out / "capacity" / "staff.csv").is_file()
    assert "× 0,925 = 37 ч" in _texts(_cell(nb, "TIME_USE_COEFFICIENT,"), "text/plain")

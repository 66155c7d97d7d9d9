"""The planners' notebook (notebooks/plan_week.ipynb) runs from top to bottom offline and shows what its
text says it shows: the map with Leaflet inlined, the before/after figures, the new worker after a re-plan.

The kernel is ``python3`` as jupyter_client resolves it for this interpreter: ipykernel (a dev extra)
provides that kernelspec, and a spec whose command is ``python`` runs as ``sys.executable``. A setup cell
puts the lean_social under test first on the kernel's path (the kernel runs in a temporary folder, where
an installed copy would win) and checks the interpreter and the package. Nothing is installed.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from openpyxl import load_workbook

import lean_social
from conftest import DEMO
from lean_social.outputs.kpi import FIGURES, KPI_WORDS, Comparison
from lean_social.outputs.labels import word

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "plan_week.ipynb"
#: A small count of search work: the notebook's own (20) takes about 30 s to plan the week here.
WORK = 2

#: Run first in the kernel: every Python-level way out to the network raises, so that a cell which
#: fetches anything fails the test; the kernel's own ZeroMQ channels are already open and not Python's.
_SETUP = f"""
import socket, sys
sys.path.insert(0, {str(Path(lean_social.__file__).parent.parent)!r})  # the lean_social under test
import lean_social

assert sys.executable == {sys.executable!r}, sys.executable
assert lean_social.__file__ == {lean_social.__file__!r}, lean_social.__file__

def _offline(*args, **kwargs):
    raise OSError("the notebook must need no network")

socket.socket.connect = _offline
socket.socket.connect_ex = _offline
socket.create_connection = _offline
socket.getaddrinfo = _offline
"""

#: A script or stylesheet fetched from a host, in an output's HTML (Leaflet's own attribution link,
#: an <a> in its script text, fetches nothing).
_FETCHED = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def execute(notebook: Path, parameters: dict[str, str], folder: Path) -> nbformat.NotebookNode:
    """``notebook`` run offline in ``folder`` with each ``NAME = value`` line of its one cell tagged
    "parameters" rewritten as ``parameters`` say, after checking that it was committed with no outputs."""
    nb = nbformat.read(notebook, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    source = tagged[0].source
    for name, value in parameters.items():
        source, n = re.subn(rf"^{name} = .*$", f"{name} = {value}", source, flags=re.M)
        assert n == 1, name
    tagged[0].source = source
    nb.cells.insert(0, nbformat.v4.new_code_cell(_SETUP))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    folder = tmp_path_factory.mktemp("notebook")
    parameters = {
        "DATA": f"Path({str(DEMO)!r})",
        "HAND_PLAN": f"Path({str(DEMO.parent / 'hand_plan' / 'schedule.csv')!r})",
        "WORK": str(WORK),
    }
    return execute(NOTEBOOK, parameters, folder), folder


def _cell(nb: nbformat.NotebookNode, snippet: str) -> Any:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and snippet in c.source]
    return cell


def _texts(cell: Any, mime: str) -> str:
    """Every output of the cell in ``mime`` (``text/plain`` takes streams too), joined."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and mime == "text/plain":
            parts.append(output.text)
        elif "data" in output and mime in output.data:
            parts.append(output.data[mime])
    return "\n".join(parts)


def test_notebook_needs_no_network(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            for value in output.get("data", {}).values():
                text = value if isinstance(value, str) else ""
                # the map's page sits escaped in an iframe's srcdoc: look at it unescaped too
                assert not _FETCHED.search(text) and not _FETCHED.search(html.unescape(text))


def test_map_cell_shows_leaflet_inline(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    page = html.unescape(_texts(_cell(nb, "ls.week_map("), "text/html"))
    assert "leaflet" in page.lower()
    assert "L.map(" in page or "L.map (" in page  # Leaflet's code is in the page, not fetched


def test_summary_and_plan_cells_show_tables(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    assert "<table" in _texts(_cell(nb, "problem = ls.read_folder("), "text/html")
    assert "worker_id" in _texts(_cell(nb, 'problem.frames()["clients"]'), "text/html")
    assert "Нарушений: 0" in _texts(_cell(nb, "ls.validate("), "text/plain")
    assert _texts(_cell(nb, "ls.day_bars("), "image/png")


def test_comparison_cell_shows_the_figures(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    shown = _texts(_cell(nb, "ls.compare("), "text/html")
    for title in Comparison(rows=(), lang="ru").header():
        assert title in shown
    for figure in FIGURES:
        assert html.escape(word(figure, "ru", KPI_WORDS)) in shown


def test_replan_shows_the_new_worker(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    ((client, worker),) = re.findall(r'^CLIENT, NEW_WORKER = "(\w+)", "(\w+)"', _cell(nb, "ls.reassign(").source, re.M)
    shown = _texts(_cell(nb, "ls.replan_week("), "text/html")
    rows = [row for row in shown.split("<tr")[1:] if f">{client}<" in row]
    assert rows  # the client has visits from Wednesday on, each now with the new worker, for good
    assert all(
        ">new-worker<" in row and f">{worker}<" in row and ">новый закреплённый работник<" in row for row in rows
    )


def test_exports_are_written(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, folder = executed
    out = folder / "выгрузка"
    printed = _texts(_cell(nb, "ls.plan_workbook("), "text/plain")
    (count,) = re.findall(r"Маршрутных листов: (\d+)", printed)
    sheets = sorted(out.glob("*.html"))
    assert len(sheets) == int(count) > 0
    ((client, worker),) = re.findall(r'^CLIENT, NEW_WORKER = "(\w+)", "(\w+)"', _cell(nb, "ls.reassign(").source, re.M)
    assert client in "".join(p.read_text(encoding="utf-8") for p in sheets if worker in p.name)
    book = load_workbook(out / "план_недели.xlsx")
    assert len(book.sheetnames) >= 3  # the summary, a sheet per day, the unassigned

"""docs/benchmarks.md is shared by several benchmarks: each rewrites only its own marked section."""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nEach section is written by the script named in it; re-run that script to refresh it.\n"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip() or "?"
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()}"


def versions(*packages: str) -> str:
    out = []
    for name in packages:
        try:
            out.append(f"{name} {version(name)}")
        except Exception:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def write_section(name: str, body: str) -> Path:
    """Replace the text between this section's markers, or append the section."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(DOC)
    return DOC


def results_rows(path: Path, *, resume: bool) -> list[dict[str, Any]]:
    """The rows of a results file (JSON lines) a run resumes from (``--resume``); without it none, and the
    file emptied for the new run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not resume:
        path.write_text("")
        return []
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def append_row(path: Path, row: dict[str, Any]) -> None:
    """One row more in a results file, written as it comes, so that a run stopped halfway can resume."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def run_arguments(parser: argparse.ArgumentParser, results: Path) -> None:
    """The options of a benchmark that runs engines instance by instance into a results file it can resume
    (``run_instances``), and ``--worker``, the run of one engine inside its own tree."""
    parser.add_argument("--results", type=Path, default=results)
    parser.add_argument("--resume", action="store_true", help="skip instances already in the results file")
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)


#: What a benchmark says of an ``--earlier`` that is not a checkout of the project (``is_checkout``).
NOT_A_CHECKOUT = "--earlier must name a checkout of lean_social (git worktree add --detach PATH COMMIT)"


def is_checkout(tree: Path) -> bool:
    """Whether ``tree`` holds the project, for an engine to be run from it."""
    return (tree / "lean_social").is_dir()


def run_instances(
    path: Path,
    rows: list[dict[str, Any]],
    names: Sequence[str],
    engines: Sequence[tuple[dict[str, Any], Path]],
    measure: Callable[[Path, str], Iterable[dict[str, Any]]],
) -> None:
    """Each instance of ``names`` that ``rows`` lacks a run of the engine labelled "now" for, measured by
    each engine in turn (``measure`` on its tree); each row is given that engine's labels, added to
    ``rows`` and written to the results file at ``path`` as it comes, so a run stopped halfway resumes
    (``results_rows``)."""
    done = {r["instance"] for r in rows if r["engine"] == "now"}
    for name in names:
        if name in done:
            continue
        for labels, tree in engines:
            for row in measure(tree, name):
                row.update(labels)
                rows.append(row)
                append_row(path, row)
        print(name, [(r["engine"], r["cost"]) for r in rows if r["instance"] == name], flush=True)

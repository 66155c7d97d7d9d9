"""The versions a plan is made with: this package's and those of the interpreter, the solvers and NumPy,
recorded in every ``run.json`` so that a plan can be traced to the code that made it (a plan that
differs after an upgrade of OR-Tools or PyVRP is then explained, not a mystery)."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "versions"]


def _installed(name: str, default: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return default


#: This package's version; a source tree that was never installed says so.
__version__ = _installed("lean_social", "0+unknown")


def versions() -> dict[str, str]:
    """Versions of lean_social, Python, OR-Tools, PyVRP and NumPy, by name."""
    return {
        "lean_social": __version__,
        "python": platform.python_version(),
        "ortools": _installed("ortools", "not installed"),
        "pyvrp": _installed("pyvrp", "not installed"),
        "numpy": _installed("numpy", "not installed"),
    }

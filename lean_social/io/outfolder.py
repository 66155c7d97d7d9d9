"""One plan per output folder, swapped in whole: a planner opening ``--out`` at any moment, or the
nightly job killed at any moment, finds exactly one complete plan, never the files of two runs mixed.

A run writes every output into a staging folder beside ``--out`` and swaps it in at the end::

    plans/.week.lock           the lock: one run at a time into plans/week (never removed)
    plans/.week.new-1f3a9c2e   the staging folder of the run in progress
    plans/week                 the plan
    plans/.week.previous       the plan before it, removed by the next run that succeeds
    plans/week.failed-20261207T031500   a plan that failed its own check, set aside for a bug report

Where the system offers an atomic exchange of two names (Linux's ``renameat2``), ``--out`` is never
missing; elsewhere it is renamed to ``.previous`` and the staging folder to ``--out``, and a run killed
between the two leaves ``--out`` missing beside ``.previous``, which the next run (and ``find_plan_file``,
for a reader) takes as the last good plan.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import secrets
import shutil
import sys
from pathlib import Path
from types import TracebackType

from lean_social.errors import OutputFolderError, OutputLockedError

__all__ = ["OutputFolder", "find_plan_file", "previous_of"]

log = logging.getLogger(__name__)

#: the file every plan folder holds, and the only sign that a folder is one lean-social may replace
MARKER = "run.json"

#: lock descriptors held by this process, closed in a forked child (a solver process) so that the lock
#: dies with the run that took it, even if an orphaned child lives on
_HELD_LOCKS: set[int] = set()
_at_fork_registered = False


def previous_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.previous")


def _lock_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.lock")


def _staging_prefix(out: Path) -> str:
    return f".{out.name}.new-"


def find_plan_file(path: str | Path) -> Path:
    """``path`` (a file in a plan folder), or the same file in the folder's ``.previous`` sibling if a run
    was stopped in the middle of swapping the folder: the last good plan, read without the lock."""
    path = Path(path)
    if path.exists() or path.parent.exists():
        return path
    fallback = previous_of(path.parent) / path.name
    if fallback.is_file():
        log.warning("%s is missing (a run was interrupted while replacing it); reading %s", path, fallback)
        return fallback
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every file and folder under ``root`` on disk before the swap publishes it."""
    for folder, _, names in os.walk(root):
        for name in names:
            fd = os.open(Path(folder) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one step (Linux renameat2); False where the system or the file
    system cannot, and the caller falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # not offered by this file system or kernel
        return False
    raise OSError(code, os.strerror(code), str(a))


def _close_locks_in_child() -> None:
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


def _is_plan_folder(path: Path) -> bool:
    """Empty, or holding a run.json that lean-social wrote: the folders a swap may move aside and the next
    run delete. Anything else (a home folder given by mistake) is refused, not replaced."""
    if not any(path.iterdir()):
        return True
    try:
        info = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(info, dict) and "lean_social" in info


class OutputFolder:
    """The output folder of one run, as a context manager: checks and locks it on entry, hands out a
    staging folder, and on ``commit()`` swaps it in; what was not committed is removed on exit.

    ::

        with OutputFolder(out, data_dir=data) as folder:    # refuses a file, the data folder, a lock
            ...plan...
            stage = folder.stage()                          # write every output under stage
            final = folder.commit()                         # or folder.set_aside() for a failed plan
    """

    def __init__(self, out: str | Path, *, data_dir: str | Path | None = None, data_may_hold_out: bool = True) -> None:
        self.given = Path(out)
        self.path = Path(os.path.realpath(out))  # a symlink to a plan folder swaps the folder it points to
        self._data_dir = None if data_dir is None else Path(os.path.realpath(data_dir))
        self._data_may_hold_out = data_may_hold_out
        self._lock_fd: int | None = None
        self._stage: Path | None = None

    def __enter__(self) -> OutputFolder:
        self._check()  # before the lock, so that a wrong --out leaves no lock file beside it either
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._recover()
            self._check()  # again: the folder may have changed while another run held the lock
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if self._stage is not None:
                shutil.rmtree(self._stage, ignore_errors=True)
                self._stage = None
        finally:
            self._unlock()

    def _refuse(self, why: str) -> None:
        msg = f"output folder {self.given}: {why}"
        raise OutputFolderError(msg)

    def _check(self) -> None:
        if not self.path.name:
            self._refuse("the root of the file system cannot be a plan folder")
        if self.path.exists() and not self.path.is_dir():
            self._refuse("is a file, not a folder")
        data = self._data_dir
        if data is not None and self.path == data:
            self._refuse("is the data folder; give a folder of its own, which each run replaces whole")
        if data is not None and self.path in data.parents:
            self._refuse(f"holds the data folder {data}, which replacing the plan would move away")
        if data is not None and not self._data_may_hold_out and data in self.path.parents:
            self._refuse(f"is inside the data folder {data}; give a folder outside it")
        if self.path.is_dir() and not _is_plan_folder(self.path):
            self._refuse(
                "holds files lean-social did not write (no run.json of a plan): give a new or empty folder, "
                "since a plan folder is replaced whole"
            )

    def _lock(self) -> None:
        global _at_fork_registered
        lock = _lock_of(self.path)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", errors="replace").strip()
            os.close(fd)
            by = f" (process {holder})" if holder.isdigit() else ""
            msg = f"output folder {self.given} is being written by another lean-social run{by}; try again when it ends"
            raise OutputLockedError(msg) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        if not _at_fork_registered:
            os.register_at_fork(after_in_child=_close_locks_in_child)
            _at_fork_registered = True
        _HELD_LOCKS.add(fd)
        self._lock_fd = fd

    def _unlock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is None:
            return
        _HELD_LOCKS.discard(fd)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the last descriptor releases the flock

    def _recover(self) -> None:
        """Undo what a killed run left: the last good plan back in place, staging folders removed."""
        previous = previous_of(self.path)
        if not self.path.exists() and previous.is_dir():
            previous.rename(self.path)
            _fsync_dir(self.path.parent)
            log.warning("restored %s from %s, left by an interrupted run", self.given, previous.name)
        prefix = _staging_prefix(self.path)
        for entry in self.path.parent.iterdir():
            if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)

    def stage(self) -> Path:
        """A new, empty folder beside ``--out`` (same file system, so the swap is a rename) to write into."""
        if self._lock_fd is None:
            msg = "OutputFolder.stage() outside its with-block"
            raise RuntimeError(msg)
        if self._stage is None:
            while True:
                candidate = self.path.with_name(_staging_prefix(self.path) + secrets.token_hex(4))
                try:
                    candidate.mkdir(0o777)  # the umask decides, as for any folder the user makes
                except FileExistsError:
                    continue
                self._stage = candidate
                break
        return self._stage

    def commit(self) -> Path:
        """Swap the staging folder in as ``--out``; the plan it replaces becomes ``.previous``."""
        stage = self._take_stage()
        _fsync_tree(stage)
        previous = previous_of(self.path)
        if previous.exists():
            shutil.rmtree(previous)
        if not self.path.exists():
            stage.rename(self.path)
        elif _exchange(stage, self.path):
            stage.rename(previous)  # the old plan, now under the staging name
        else:
            self.path.rename(previous)
            stage.rename(self.path)  # a kill before this line: the next run restores .previous
        _fsync_dir(self.path.parent)
        self._stage = None
        return self.path

    def set_aside(self) -> Path:
        """Move the staging folder beside ``--out`` as ``OUT.failed-<time>``, leaving ``--out`` as it was:
        a plan that failed its own check must not replace a good one, but is kept for the bug report."""
        stage = self._take_stage()
        _fsync_tree(stage)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.failed-{stamp}")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{self.path.name}.failed-{stamp}-{number}")
        stage.rename(target)
        _fsync_dir(self.path.parent)
        self._stage = None
        return target

    def _take_stage(self) -> Path:
        """The staging folder to publish; it stays ours (removed on exit) until the rename succeeded."""
        if self._stage is None or self._lock_fd is None:
            msg = "nothing staged to commit"
            raise RuntimeError(msg)
        return self._stage

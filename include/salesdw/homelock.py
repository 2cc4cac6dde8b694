"""One writer per SALESDW_HOME: a second run is refused at once, naming the one that holds it.

DuckDB allows one writing process per database file, and a run is many processes (Airflow
runs each DAG in a child). Without a lock of its own, a second ``salesdw run`` on the same
home meets DuckDB's lock error halfway through, or waits on task retries. The lock is an
advisory ``flock`` on ``$SALESDW_HOME/.lock``: the kernel releases it when its process dies,
so a lock left by a killed run is never mistaken for a live one. The file also says who holds
it (pid, command, start time) so that the refusal can name them.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from salesdw.config import Settings

HELD_ENV = "SALESDW_HOME_LOCK_HELD"
"""Set for the children of the process that holds the lock, so that they do not wait on it."""


class HomeLocked(RuntimeError):
    """Another process writes this home; the message says which and since when."""


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    since: str

    def describe(self) -> str:
        return f"process {self.pid} ({self.command}) since {self.since}"


WRITE_ERRORS = frozenset({errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.EROFS})
"""The errors of a path under SALESDW_HOME that cannot be written: one line, no traceback."""


def cannot_write(exc: OSError) -> str:
    """One line: which path, what is wrong with it, and what to do."""
    what = {
        errno.ENOTDIR: "a parent of it is a file, not a folder",
        errno.EEXIST: "a file is where a folder is needed",
        errno.EROFS: "the file system is read-only",
    }.get(exc.errno, f"this user (uid {os.getuid()}) lacks write permission on it")
    home = os.environ.get("SALESDW_HOME", "./.salesdw")
    return (
        f"cannot write {exc.filename}: {exc.strerror} ({what}); SALESDW_HOME is {home}: make "
        "it a folder this user can read, write and enter (e.g. chown it, chmod u+rwx), or "
        "set SALESDW_HOME to another one"
    )


def lock_path(settings: Settings) -> Path:
    return settings.home / ".lock"


def current_holder(settings: Settings) -> Holder | None:
    """Who writes this home now, or None when nobody does (a lock left by a dead process is
    not held: the kernel released it)."""
    path = lock_path(settings)
    if not path.exists():
        return None
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(path)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


@contextmanager
def hold(settings: Settings, command: str) -> Iterator[None]:
    """Hold the home's writer lock for the duration of ``command``, or raise HomeLocked."""
    if os.environ.get(HELD_ENV) == str(settings.home):
        yield  # our parent holds it
        return
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        handle = lock_path(settings).open("a+")
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and exc.filename != str(settings.home) else ""
        raise HomeLocked(
            f"cannot write SALESDW_HOME {settings.home}{where}: {exc.strerror} (it must be a "
            "folder this user can read, write and enter: create it, chown it or chmod u+rwx, "
            "or set SALESDW_HOME to a folder you can write)"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(lock_path(settings))
            who = holder.describe() if holder else "another process"
            raise HomeLocked(
                f"{settings.home} is in use by {who}: wait for it to finish, or use another "
                "SALESDW_HOME"
            ) from None
        stale = _read_holder(lock_path(settings))
        if stale is not None and stale.pid != os.getpid():
            print(
                f"salesdw: a lock left by {stale.describe()}, which is no longer running, "
                "was cleared",
                file=sys.stderr,
            )
        handle.seek(0)
        handle.truncate()
        holder = Holder(os.getpid(), command, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        handle.write(json.dumps(holder.__dict__))
        handle.flush()
        previous = os.environ.get(HELD_ENV)
        os.environ[HELD_ENV] = str(settings.home)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(HELD_ENV, None)
            else:
                os.environ[HELD_ENV] = previous
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()


def _read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text() or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Holder(
        int(data.get("pid", 0)), str(data.get("command", "?")), str(data.get("since", "?"))
    )

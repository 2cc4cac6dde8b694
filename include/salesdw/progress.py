"""Progress events of a long run, written as they happen.

`salesdw run` starts its Airflow runner with ``SALESDW_PROGRESS_FILE`` set to a file of its
own. Whatever runs inside (the runner between DAG runs, the load tasks, dbt, the master-data
run, the gate) appends one JSON line per event there, and `salesdw run` shows each one as it
arrives (salesdw.orchestration.progress_view). Without the variable, as in a scheduler's
worker, ``emit`` does nothing and the same code only logs.

A line is ``{"at": <unix time>, "kind": ..., "message": ..., <fields>}``; ``message`` is the
plain sentence shown to people, the other fields are for views that count (DAG runs done
out of the expected total, dbt nodes done out of the step's total).
"""

from __future__ import annotations

import json
import os
import time

PROGRESS_FILE_ENV = "SALESDW_PROGRESS_FILE"


def emit(kind: str, message: str, **fields: object) -> None:
    """Append one event for whoever follows this run (nothing when nobody does)."""
    path = os.environ.get(PROGRESS_FILE_ENV)
    if not path:
        return
    line = json.dumps({"at": time.time(), "kind": kind, "message": message, **fields})
    # one write of one line, in append mode: a reader never sees half a line
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


class Throttle:
    """Lets an event through at most once per ``seconds`` (always the first and the last):
    dbt reports hundreds of nodes, a follower needs a line every few seconds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last = float("-inf")

    def ready(self, final: bool = False) -> bool:
        now = time.monotonic()
        if final or now - self._last >= self.seconds:
            self._last = now
            return True
        return False

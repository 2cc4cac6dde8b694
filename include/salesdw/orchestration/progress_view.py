"""What `salesdw run` shows while its Airflow runner works (salesdw.progress writes it).

On a terminal, a rich progress bar over the run's DAG runs, with the time elapsed, an
estimate of the time left and the latest event (a dbt node count, a master-data phase)
beside it; loads, finished DAG runs and the gate's verdict are printed above the bar as they
happen. When the output is not a terminal (CI, a log, a pipe), each event is one plain line,
``[m:ss] message``, flushed at once so that a follower sees it while the run goes on.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# events printed above the bar on a terminal; the others only replace its description
LASTING = ("entity_loaded", "gate")


class ProgressView:
    """Follows a progress file: call ``poll`` while the run goes on, ``close`` at its end."""

    def __init__(self, path: Path, stream: TextIO | None = None) -> None:
        self.path = path
        self.stream = stream or sys.stdout
        self.began = time.monotonic()
        self._offset = 0
        self._bar: Progress | None = None
        if self.stream.isatty():
            self._bar = Progress(
                TextColumn("[bold]DAG runs"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(file=self.stream),
                transient=True,
            )
            self._task = self._bar.add_task("starting Airflow", total=None)
            self._bar.start()

    def poll(self) -> None:
        """Show the events written since the last call (complete lines only)."""
        if not self.path.exists():
            return
        with self.path.open("r", encoding="utf-8") as fh:
            fh.seek(self._offset)
            chunk = fh.read()
        end = chunk.rfind("\n") + 1
        self._offset += len(chunk[:end].encode("utf-8"))
        for line in chunk[:end].splitlines():
            if line.strip():
                self._show(json.loads(line))

    def close(self) -> None:
        """Show what is left and take the bar away (the summary follows)."""
        self.poll()
        if self._bar is not None:
            self._bar.stop()

    def _show(self, event: dict) -> None:
        message = event["message"]
        if self._bar is None:
            elapsed = int(time.monotonic() - self.began)
            self.stream.write(f"[{elapsed // 60}:{elapsed % 60:02d}] {message}\n")
            self.stream.flush()
            return
        if event["kind"] == "dag_run":
            self._bar.update(self._task, total=event["total"], completed=event["done"])
        if event["kind"] in LASTING or (
            event["kind"] == "dag_run" and message.endswith(("success", "failed"))
        ):
            self._bar.console.print(message)
        self._bar.update(self._task, description=message)

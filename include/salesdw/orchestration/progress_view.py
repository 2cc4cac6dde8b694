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
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column

# events printed above the bar on a terminal (with those marked final, a step's last word);
# the others only replace its description
LASTING = ("entity_loaded", "gate")

# The estimate of the time left counts work units, not DAG runs: an ingestion run is one
# unit, and the transform run (dbt, master data, dbt, gate) as much as TRANSFORM_SHARE times
# all the ingestion runs together, as measured by bench/quality.py (ingestion about a third
# of a run at scales 1 and 10, docs/benchmarks.md). Its four steps each advance a quarter.
TRANSFORM_SHARE = 2
TRANSFORM_STEPS = {"dbt_build_upstream": 0, "master_data": 1, "dbt_build_marts": 2, "gate": 3}


class ProgressView:
    """Follows a progress file: call ``poll`` while the run goes on, ``close`` at its end."""

    def __init__(self, path: Path, stream: TextIO | None = None) -> None:
        self.path = path
        self.stream = stream or sys.stdout
        self.began = time.monotonic()
        self._offset = 0
        self._runs = (0, 0)  # DAG runs done, expected
        self._transform_step = 0
        self._bar: Progress | None = None
        if self.stream.isatty():
            self._bar = Progress(
                TextColumn("[bold]DAG runs"),
                BarColumn(bar_width=24),
                TextColumn("{task.fields[runs]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                TextColumn(
                    "{task.description}",
                    markup=False,
                    table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
                ),
                console=Console(file=self.stream),
                transient=True,
                expand=True,
            )
            self._task = self._bar.add_task("starting Airflow", total=None, runs="")
            self._bar.start()

    def poll(self) -> None:
        """Show the events written since the last call (complete lines only)."""
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            chunk = fh.read()
        end = chunk.rfind(b"\n") + 1
        self._offset += end
        for line in chunk[:end].decode("utf-8").splitlines():
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
        self._advance(event)
        if (
            event["kind"] in LASTING
            or event.get("final")
            or (event["kind"] == "dag_run" and message.endswith(("success", "failed")))
        ):
            # sources' text (a file name with brackets) is never rich markup
            self._bar.console.print(message, markup=False, highlight=False)
        self._bar.update(self._task, description=message)

    def _advance(self, event: dict) -> None:
        """Move the bar by work units (see TRANSFORM_SHARE)."""
        if event["kind"] == "dag_run":
            self._runs = (event["done"], event["total"])
            self._transform_step = 0
        done, total = self._runs
        if not total:
            return
        ingest_runs = max(1, total - 1)
        transform_units = TRANSFORM_SHARE * ingest_runs
        if done < total - 1:
            completed = done
        elif done == total:
            completed = ingest_runs + transform_units
        else:  # the transform run is going: count its steps that have started
            step = event.get("step") or event["kind"]
            self._transform_step = max(self._transform_step, TRANSFORM_STEPS.get(step, 0))
            completed = ingest_runs + transform_units * self._transform_step / 4
        self._bar.update(
            self._task,
            total=ingest_runs + transform_units,
            completed=completed,
            runs=f"{done}/{total}",
        )

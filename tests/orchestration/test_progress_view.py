"""The terminal view of `salesdw run`'s progress, fed a progress file written by hand.

One day, so 3 ingestion DAG runs and the transform run (4 DAG runs). The estimate counts
work units: each ingestion run 1, the transform 2 x 3 = 6 (TRANSFORM_SHARE), its four steps
a quarter each; so 9 units in all."""

from __future__ import annotations

import io
import json
import re

from salesdw.orchestration.progress_view import ProgressView


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _write(path, *events) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for kind, message, fields in events:
            fh.write(json.dumps({"at": 0, "kind": kind, "message": message, **fields}) + "\n")


def _units(view: ProgressView) -> tuple[float, float]:
    task = view._bar.tasks[0]
    return task.completed, task.total


def test_the_bar_moves_by_work_units_and_keeps_the_lasting_lines(tmp_path):
    path = tmp_path / "progress.jsonl"
    screen = Terminal()
    view = ProgressView(path, stream=screen)
    _write(
        path,
        ("dag_run", "DAG run 1 of 4: ingest_erp 2026-01-05", {"done": 0, "total": 4}),
        ("entity_loaded", "erp/subscriptions 2026-01-05: 3 rows loaded", {}),
        ("entity_loaded", "crm/notes 2026-01-05: 0 rows loaded, 1 rejected [bad].csv", {}),
        ("dag_run", "DAG run 3 of 4: ingest_support 2026-01-05 success", {"done": 3, "total": 4}),
    )
    view.poll()
    assert _units(view) == (3, 9)
    _write(
        path,
        ("dag_run", "DAG run 4 of 4: transform 2026-01-05", {"done": 3, "total": 4}),
        ("master_data", "master data: 10 records blocked", {}),
    )
    view.poll()
    assert _units(view) == (3 + 6 * 1 / 4, 9)
    _write(path, ("gate", "gate: PUBLISHED", {}))
    view.poll()
    assert _units(view) == (3 + 6 * 3 / 4, 9)
    # half a line (the writer is still writing it) waits for its end
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"at": 0, "kind": "dag_run", "message": "DAG run 4 of 4: transform 2026-01-05 su')
    view.poll()
    assert _units(view) == (3 + 6 * 3 / 4, 9)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('ccess", "done": 4, "total": 4}\n')
    view.poll()
    assert _units(view) == (9, 9)
    view.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    for line in (
        "erp/subscriptions 2026-01-05: 3 rows loaded",
        "crm/notes 2026-01-05: 0 rows loaded, 1 rejected [bad].csv",
        "DAG run 3 of 4: ingest_support 2026-01-05 success",
        "gate: PUBLISHED",
        "DAG run 4 of 4: transform 2026-01-05 success",
    ):
        assert line in shown


def test_without_a_terminal_each_event_is_one_plain_line(tmp_path):
    path = tmp_path / "progress.jsonl"
    out = io.StringIO()
    view = ProgressView(path, stream=out)
    _write(
        path,
        ("dag_run", "DAG run 1 of 4: ingest_erp 2026-01-05", {"done": 0, "total": 4}),
        ("dbt", "dbt_build_upstream: 50 of 144 dbt nodes done", {"step": "dbt_build_upstream"}),
    )
    view.close()
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "DAG run 1 of 4: ingest_erp 2026-01-05",
        "dbt_build_upstream: 50 of 144 dbt nodes done",
    ]
    assert all(line.startswith("[0:0") for line in lines)

"""Run the ingestion DAGs through Airflow for a range of extract dates, then (with
--transform) the transform DAG once (a child process).

Started by `salesdw run` with AIRFLOW_HOME set (see airflow_home.py). For each date and each
DAG (or, with --catch-up, once per DAG for the whole range) it calls ``dag.test()``: Airflow
creates a real DAG run in its metadata database and runs every task through its task runner,
with retries, pools and skips. One process serves the whole range, so Airflow and the DAG
files are loaded once. It prints one JSON line per DAG run, which `salesdw run` reads back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from salesdw import progress
from salesdw.config import Settings
from salesdw.orchestration.names import INGEST_DAG_IDS as DAG_IDS
from salesdw.orchestration.names import TRANSFORM_DAG_ID, state_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--result", required=True, help="file to append JSON lines to")
    parser.add_argument("--transform", action="store_true", help="then run the transform DAG once")
    parser.add_argument(
        "--catch-up",
        action="store_true",
        help="one run per DAG for the whole range (param extract_from) instead of one a day",
    )
    args = parser.parse_args(argv)

    from airflow.dag_processing.dagbag import DagBag

    settings = Settings.from_env()
    bag = DagBag(dag_folder=str(settings.dags_folder))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    days = 1 if args.catch_up else (args.end - args.start).days + 1
    planned = [
        (dag_id, day, {"extract_from": args.start.isoformat()} if args.catch_up else None)
        for day in (
            [args.end]
            if args.catch_up
            else [args.start + dt.timedelta(days=i) for i in range(days)]
        )
        for dag_id in DAG_IDS
    ]
    if args.transform:
        # scheduled on the raw assets; here one run catches up with the whole range
        planned.append((TRANSFORM_DAG_ID, args.end, None))
    with open(args.result, "a", encoding="utf-8") as out:
        for index, (dag_id, day, conf) in enumerate(planned, start=1):
            what = f"{dag_id} {day}" if conf is None else f"{dag_id} {args.start} to {day}"
            progress.emit(
                "dag_run",
                f"DAG run {index} of {len(planned)}: {what}",
                done=index - 1,
                total=len(planned),
            )
            logical = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            run = bag.get_dag(dag_id).test(logical_date=logical, run_conf=conf)
            _report(out, dag_id, day, run)
            progress.emit(
                "dag_run",
                f"DAG run {index} of {len(planned)}: {what} {state_name(run.state)}",
                done=index,
                total=len(planned),
            )
    return 0


def _report(out, dag_id: str, day: dt.date, run) -> None:
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    out.write(
        json.dumps(
            {
                "dag_id": dag_id,
                "date": day.isoformat(),
                "run_id": run.run_id,
                "state": str(run.state),
                "tasks": states,
            }
        )
        + "\n"
    )
    out.flush()


if __name__ == "__main__":
    sys.exit(main())

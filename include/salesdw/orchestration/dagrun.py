"""Run the ingestion DAGs through Airflow for a range of extract dates (a child process).

Started by `salesdw run` with AIRFLOW_HOME set (see airflow_home.py). For each date and each
DAG it calls ``dag.test()``: Airflow creates a real DAG run in its metadata database and runs
every task through its task runner, with retries, pools and skips. One process serves the
whole range, so Airflow and the DAG files are loaded once. It prints one JSON line per DAG
run, which `salesdw run` reads back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from salesdw.orchestration.names import INGEST_DAG_IDS as DAG_IDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--result", required=True, help="file to append JSON lines to")
    args = parser.parse_args(argv)

    from airflow.dag_processing.dagbag import DagBag

    from salesdw.config import Settings

    settings = Settings.from_env()
    bag = DagBag(dag_folder=str(settings.dags_folder))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    day = args.start
    with open(args.result, "a", encoding="utf-8") as out:
        while day <= args.end:
            logical = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            for dag_id in DAG_IDS:
                dag = bag.get_dag(dag_id)
                run = dag.test(logical_date=logical)
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
            day += dt.timedelta(days=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time a master-data run (matching, stable ids, state written) at 10k, 100k and 1M records.

    python bench/dedup_speed.py --sizes 10000 100000 1000000 [--methods M ...]
                                [--record docs/benchmarks.md]

Records are synthetic *normalised* client records (the matcher's input, the columns of
intermediate.int_client_records_normalized), written straight into a fresh DuckDB file: this
times the matcher, not dbt. Each real client has one to three records across erp, crm and
support; names are two or three words from a 20,000-word vocabulary drawn with a Zipf-like
skew (so common words make large blocks, as real names do), some records carry a typo, a
SIREN, a corporate domain, a phone, a street and postcode, as in the generated sample.

Four methods run on the same records, each in a fresh process on its own copy, so each peak
RSS is that run's own (DuckDB's memory included; its memory_limit stays at its default, 80% of
RAM), and the last column gives each one's time over salesdw's, measured in the same run:

- salesdw: `salesdw.mdm.run.run_master_data` (matching, stable ids, state written) with the
  packaged matching.yml;
- salesdw, Splink scoring: the same with `scorer: splink` (Splink scores salesdw's pairs);
- Splink alone, like matching.yml: the same comparisons, weights and blocking keys (less the
  one that needs a cap), Splink's blocking and clustering (bench/splink_like.py);
- Splink, untuned: the typical setup of bench/dedup_accuracy.py (EM training).

Pairwise precision and recall against the synthetic truth show that the work done is real.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from recording import record

COLUMNS = """
    record_key varchar, source_system varchar, source_entity varchar, source_id varchar,
    first_seen_on date, company_name varchar, name_norm varchar, siren varchar,
    domains varchar[], phone varchar, street varchar, postcode varchar, city varchar,
    linked_record_key varchar, name_key varchar, street_number varchar, is_unmatchable boolean,
    name_place varchar
"""
SYSTEMS = [("erp", "customers"), ("crm", "accounts"), ("support", "organizations")]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def synthetic_records(n_records: int, seed: int = 7):
    """At least n_records records and, for each, its true client (vectorised draws)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list(LETTERS))
    vocab = ["".join(rng.choice(letters, size=rng.integers(4, 10))) for _ in range(20000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 0.8
    weights /= weights.sum()
    n_clients = n_records  # more than needed: the loop stops at n_records
    word_ids = rng.choice(len(vocab), size=(n_clients, 3), p=weights)
    n_words = rng.integers(2, 4, size=n_clients)
    has_siren = rng.random(n_clients) < 0.6
    sirens = rng.integers(100000000, 999999999, size=n_clients)
    has_domain = rng.random(n_clients) < 0.6
    has_phone = rng.random(n_clients) < 0.5
    phones = rng.integers(100000000, 999999999, size=n_clients)
    postcodes = rng.integers(1000, 95999, size=n_clients)
    numbers = rng.integers(1, 200, size=n_clients)
    street_words = rng.choice(len(vocab), size=n_clients)
    street_kinds = rng.choice(["rue", "av", "bd", "ch", "pl"], size=n_clients)
    days = rng.integers(1, 29, size=n_clients)
    systems = rng.random((n_clients, 3)) < 0.6
    systems[~systems.any(axis=1), 0] = True  # every client is in at least one system
    rows, truth = [], []
    for client in range(n_clients):
        if len(rows) >= n_records:
            break
        words = [vocab[w] for w in word_ids[client, : n_words[client]]]
        name = " ".join(words)
        siren = str(sirens[client]) if has_siren[client] else None
        domain = f"{words[0]}{words[-1]}.fr" if has_domain[client] else None
        phone = f"+33{phones[client]}" if has_phone[client] else None
        postcode = f"{postcodes[client]:05d}"
        street = f"{numbers[client]} {street_kinds[client]} {vocab[street_words[client]]}"
        for system_index in np.flatnonzero(systems[client]):
            system, entity = SYSTEMS[system_index]
            source_id = f"{client}-{system_index}"
            record_name = name
            draws = rng.random(6)
            if draws[0] < 0.2:  # a typo: one letter replaced
                i = int(draws[1] * len(name))
                record_name = name[:i] + LETTERS[int(draws[2] * 26)] + name[i + 1 :]
            has_street = draws[3] < 0.6 and system != "support"
            rows.append(
                (
                    f"{system}|{entity}|{source_id}",
                    system,
                    entity,
                    source_id,
                    dt.date(2026, 1, int(days[client])),
                    record_name,
                    record_name,
                    siren if system == "erp" or draws[4] < 0.5 else None,
                    [domain] if domain and draws[5] < 0.7 else [],
                    phone if draws[4] < 0.5 else None,
                    street if has_street else None,
                    postcode if system != "support" else None,
                    None,
                    None,
                    " ".join(sorted(record_name.split())),
                    str(numbers[client]) if has_street else None,
                    False,
                    None,
                )
            )
            truth.append(client)
    return rows, truth


def prepare(path: Path, n_records: int) -> list[int]:
    import duckdb
    import pandas as pd

    rows, truth = synthetic_records(n_records)
    names = [c.split()[0] for c in COLUMNS.strip().replace("\n", " ").split(",")]
    frame = pd.DataFrame(rows, columns=names)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(f"create table intermediate.int_client_records_normalized ({COLUMNS})")
        con.register("frame", frame)
        con.execute("insert into intermediate.int_client_records_normalized select * from frame")
    return truth


# the methods timed on the same records, each in a fresh process on its own copy of them
METHODS = {
    "salesdw": "salesdw (matching.yml)",
    "salesdw_splink": "salesdw, Splink scoring",
    "splink_alone": "Splink alone, like matching.yml",
    "splink_untuned": "Splink, untuned",
}
RELATION = "intermediate.int_client_records_normalized"


def child(method: str, path: str) -> None:
    """One method on the records at `path`: prints its figures as one JSON line and leaves
    each record's cluster in bench_clusters (salesdw: mdm.record_clients)."""
    import os
    import resource

    import duckdb

    from salesdw.mdm.config import MatchConfig

    began = time.perf_counter()
    figures: dict = {}
    if method in ("salesdw", "salesdw_splink"):
        from salesdw.mdm.run import run_master_data

        if method == "salesdw_splink":
            yml = Path(path).with_suffix(".matching.yml")
            text = MatchConfig.load().source
            yml.write_text(
                Path(text)
                .read_text(encoding="utf-8")
                .replace("\nscorer: salesdw\n", "\nscorer: splink\n"),
                encoding="utf-8",
            )
            os.environ["SALESDW_MATCHING_CONFIG"] = str(yml)
            assert MatchConfig.load().scorer == "splink"
        result = run_master_data(path)
        figures.update(
            pairs=result.match.candidate_pairs,
            skipped_blocks=result.match.skipped_blocks,
            clients=result.ids.clients,
        )
        seconds = time.perf_counter() - began
        with duckdb.connect(path) as con:
            con.execute(
                "create table bench_clusters as select record_key, client_id as cluster "
                "from mdm.record_clients"
            )
    else:
        import pandas as pd

        from splink_like import splink_alone, splink_untuned

        with duckdb.connect(path) as con:
            if method == "splink_alone":
                clusters = splink_alone(con, RELATION, MatchConfig.load())
            else:
                clusters = splink_untuned(con, RELATION)
            seconds = time.perf_counter() - began
            con.register(
                "clusters_frame",
                pd.DataFrame(list(clusters.items()), columns=["record_key", "cluster"]),
            )
            con.execute("create table bench_clusters as select * from clusters_frame")
        figures.update(pairs=None, skipped_blocks=None, clients=len(set(clusters.values())))
    figures.update(
        seconds=seconds, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(json.dumps(figures))


def score(path: Path, truth: list[int]) -> tuple[float, float]:
    import duckdb
    import pandas as pd

    from salesdw.mdm.evaluate import pairwise_scores

    with duckdb.connect(str(path), read_only=True) as con:
        keys = [r[0] for r in con.execute(f"select record_key from {RELATION}").fetchall()]
        found = dict(con.execute("select record_key, cluster from bench_clusters").fetchall())
    true = pd.Series([str(t) for t in truth], index=keys)
    predicted = pd.Series([str(found[k]) for k in keys], index=keys)
    s = pairwise_scores(predicted.to_dict(), true.to_dict())
    return s.precision, s.recall


def run_size(n_records: int, methods: list[str]) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.duckdb"
        truth = prepare(prepared, n_records)
        for method in methods:
            path = Path(tmp) / f"{method}.duckdb"
            shutil.copyfile(prepared, path)
            run = subprocess.run(
                [sys.executable, __file__, "--child", method, str(path)],
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                # a method that cannot finish is a result: say why, and go on with the others
                reason = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
                print(f"{METHODS[method]} failed at {n_records:,} records: {reason}", flush=True)
                print(run.stderr[-3000:], file=sys.stderr)
                path.unlink()
                out.append({"method": method, "records": len(truth), "failed": reason[:200]})
                continue
            figures = json.loads(
                [line for line in run.stdout.splitlines() if line.startswith("{")][-1]
            )
            figures.update(method=method, records=len(truth), true_clients=len(set(truth)))
            figures["precision"], figures["recall"] = score(path, truth)
            path.unlink()
            base = next(
                (
                    r["seconds"]
                    for r in [*out, figures]
                    if r["method"] == "salesdw" and "seconds" in r
                ),
                None,
            )
            figures["ratio"] = f"{figures['seconds'] / base:.2f}" if base else "n/a"
            print(_line(figures), flush=True)
            out.append(figures)
    return out


def _line(r: dict) -> str:
    def count(value) -> str:
        return "n/a" if value is None else f"{value:,}"

    if "failed" in r:
        cells = " | ".join(["failed: " + r["failed"].replace("|", "/")] + ["-"] * 8)
        return f"| {r['records']:,} | {METHODS[r['method']]} | {cells} |"

    return (
        f"| {r['records']:,} | {METHODS[r['method']]} | {r['seconds']:.1f} | "
        f"{r['records'] / r['seconds']:,.0f} | {r['peak_mb']:,.0f} | {count(r['pairs'])} | "
        f"{count(r['skipped_blocks'])} | {r['clients']:,} / {r['true_clients']:,} | "
        f"{r['precision']:.4f} | {r['recall']:.4f} | {r['ratio']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--record", type=Path, help="append the figures to this markdown file")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    lines = []
    for size in args.sizes:
        lines += [_line(r) for r in run_size(size, args.methods)]
    if args.record:
        record(
            args.record,
            [
                "records",
                "method",
                "seconds",
                "records/s",
                "peak RSS MB",
                "pairs compared",
                "blocks skipped",
                "clients found / true",
                "pairwise precision",
                "pairwise recall",
                "seconds / salesdw's",
            ],
            lines,
        )


if __name__ == "__main__":
    began = time.perf_counter()
    main()
    print(f"({time.perf_counter() - began:.0f} s in all)", file=sys.stderr)

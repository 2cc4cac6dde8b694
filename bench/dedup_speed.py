"""Time a master-data run (matching, stable ids, state written) at 10k, 100k and 1M records.

    python bench/dedup_speed.py --sizes 10000 100000 1000000 [--record docs/benchmarks.md]

Records are synthetic *normalised* client records (the matcher's input, the columns of
intermediate.int_client_records_normalized), written straight into a fresh DuckDB file: this
times the matcher, not dbt. Each real client has one to three records across erp, crm and
support; names are two or three words from a 20,000-word vocabulary drawn with a Zipf-like
skew (so common words make large blocks, as real names do), some records carry a typo, a
SIREN, a corporate domain, a phone, a street and postcode, as in the generated sample.

Each size runs `salesdw.mdm.run.run_master_data` in a fresh process, so the peak RSS is that
run's own; the figure includes DuckDB's memory. DuckDB's memory_limit stays at its default
(80% of RAM). Pairwise precision and recall against the synthetic truth are printed too, as a
sanity check that the work done is real.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


CHILD = r"""
import json, resource, sys, time
from salesdw.mdm.run import run_master_data
began = time.perf_counter()
result = run_master_data(sys.argv[1])
seconds = time.perf_counter() - began
print(json.dumps({
    "seconds": seconds,
    "records": result.match.records,
    "pairs": result.match.candidate_pairs,
    "skipped_blocks": result.match.skipped_blocks,
    "clients": result.ids.clients,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def score(path: Path, truth: list[int]) -> tuple[float, float]:
    import duckdb
    import pandas as pd

    from salesdw.mdm.evaluate import pairwise_scores

    with duckdb.connect(str(path), read_only=True) as con:
        keys = [
            r[0]
            for r in con.execute(
                "select record_key from intermediate.int_client_records_normalized"
            ).fetchall()
        ]
        found = dict(con.execute("select record_key, client_id from mdm.record_clients").fetchall())
    true = pd.Series([str(t) for t in truth], index=keys)
    predicted = pd.Series([found[k] for k in keys], index=keys)
    s = pairwise_scores(predicted.to_dict(), true.to_dict())
    return s.precision, s.recall


def run_size(n_records: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        truth = prepare(path, n_records)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True
        )
        figures = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
        figures["true_clients"] = len(set(truth))
        figures["precision"], figures["recall"] = score(path, truth)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--record", type=Path, help="append the figures to this markdown file")
    args = parser.parse_args()
    lines = []
    for size in args.sizes:
        r = run_size(size)
        line = (
            f"| {r['records']:,} | {r['seconds']:.1f} | {r['records'] / r['seconds']:,.0f} | "
            f"{r['peak_mb']:,.0f} | {r['pairs']:,} | {r['skipped_blocks']:,} | "
            f"{r['clients']:,} / {r['true_clients']:,} | {r['precision']:.4f} | "
            f"{r['recall']:.4f} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        record(
            args.record,
            [
                "records",
                "seconds",
                "records/s",
                "peak RSS MB",
                "pairs compared",
                "blocks skipped",
                "clients found / true",
                "pairwise precision",
                "pairwise recall",
            ],
            lines,
        )


if __name__ == "__main__":
    began = time.perf_counter()
    main()
    print(f"({time.perf_counter() - began:.0f} s in all)", file=sys.stderr)

"""Score client matching against ground truth: generated data and three published data sets.

    python bench/dedup_accuracy.py [--scale 1 --days 30] [--record docs/benchmarks.md]

For each data set the records go through the real normalisation (dbt model
int_client_records_normalized, built on a throwaway warehouse) and then through three
matchers: salesdw's (the packaged matching.yml, the same for every data set), the same with
Splink as its scorer (`scorer: splink`), plain exact matching on the normalised name, Splink
alone configured like matching.yml, and Splink with a default, untuned setup
(bench/splink_like.py). It prints
pairwise precision, recall and F1 and the number of clusters against the true number.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from salesdw.config import PROJECT_ROOT
from salesdw.mdm.config import MatchConfig
from salesdw.mdm.engine import FORCED, cluster
from salesdw.mdm.evaluate import PairScores, pairwise_scores
from salesdw.mdm.matcher import match
from splink_like import splink_alone, splink_untuned

REFERENCE = (
    Path(os.environ.get("SALESDW_SHARED_DIR") or PROJECT_ROOT.parent / "shared") / "reference-data"
)
UNIONED_COLUMNS = [
    "record_key",
    "source_system",
    "source_entity",
    "source_id",
    "company_name",
    "siren",
    "vat_number",
    "domains",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "linked_record_key",
    "owner_crm_user_id",
    "segment",
    "industry",
    "updated_at",
    "first_seen_on",
]


def _frame(rows: list[dict], system: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["source_system"] = system
    frame["source_entity"] = "records"
    frame["source_id"] = frame["source_id"].astype(str)
    frame["record_key"] = system + "|records|" + frame["source_id"]
    for column in UNIONED_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["domains"] = [[] for _ in range(len(frame))]
    frame["first_seen_on"] = dt.date(2026, 1, 1)
    return frame[UNIONED_COLUMNS]


def chicago() -> tuple[pd.DataFrame, dict[str, str]]:
    """The records keep the source file each came from (nine lists, one system each)."""
    rows: dict[str, list[dict]] = {}
    truth = {}
    path = REFERENCE / "organisations_chicago" / "csv_example_input_with_true_ids.csv"
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            system = re.sub(r"[^a-z0-9]+", "_", r["Source"].lower().removesuffix(".csv")).strip("_")
            rows.setdefault(system, []).append(
                {
                    "source_id": r["Id"],
                    "company_name": r["Site name"],
                    "street": r["Address"],
                    "postal_code": r["Zip"],
                    "phone": r["Phone"],
                }
            )
            truth[f"{system}|records|{r['Id']}"] = r["True Id"]
    frames = [_frame(system_rows, system) for system, system_rows in sorted(rows.items())]
    return pd.concat(frames, ignore_index=True), truth


def restaurants_dirty() -> tuple[pd.DataFrame, dict[str, str]]:
    folder = REFERENCE / "restaurants_dirty"
    profiles = pd.read_csv(folder / "restaurant_profiles.csv", dtype=str).fillna("")
    rows = [
        {
            "source_id": r.id,
            "company_name": r.name,
            "street": r.addr,
            "phone": r.phone,
            "city": r.city,
        }
        for r in profiles.itertuples()
    ]
    pairs = pd.read_csv(folder / "true_pairs.csv", dtype=str)
    truth = _components(
        [f"ref|records|{i}" for i in profiles.id],
        [(f"ref|records|{a}", f"ref|records|{b}") for a, b in pairs.itertuples(index=False)],
    )
    return _frame(rows, "ref"), truth


def restaurants_two_sources() -> tuple[pd.DataFrame, dict[str, str]]:
    folder = REFERENCE / "restaurants_two_sources"
    frames, keys = [], []
    for name in ("rest1", "rest2"):
        table = pd.read_csv(folder / f"{name}.csv", dtype=str).fillna("")
        rows = [
            {
                "source_id": r.id,
                "company_name": r.name,
                "street": r.street,
                "phone": r.phone_number,
            }
            for r in table.itertuples()
        ]
        frames.append(_frame(rows, name))
        keys += [f"{name}|records|{i}" for i in table.id]
    matches = pd.read_csv(folder / "true_matches.csv", dtype=str)
    truth = _components(
        keys,
        [(f"rest1|records|{a}", f"rest2|records|{b}") for a, b in matches.itertuples(index=False)],
    )
    return pd.concat(frames, ignore_index=True), truth


def unlisted_matches(frame: pd.DataFrame, truth: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs across the two lists of restaurants_two_sources that its published truth does
    not list although both records have the same phone number and one name's words contain
    the other's ("lulu" / "lulu restaurant-bis-cafe", "masa's" / "masa's"): the truth's
    omissions, found without any matcher. (Same-phone pairs whose names share no such
    containment, such as two restaurants of one hotel, are left out.)"""

    def words(name: str) -> set[str]:
        return set(re.findall(r"[a-z0-9']+", name.lower())) - {"the", "restaurant"}

    by_phone: dict[str, dict[str, list]] = {}
    for row in frame.itertuples():
        digits = re.sub(r"\D", "", row.phone or "")
        if digits:
            by_phone.setdefault(digits, {}).setdefault(row.source_system, []).append(row)
    pairs = []
    for systems in by_phone.values():
        for a in systems.get("rest1", []):
            for b in systems.get("rest2", []):
                wa, wb = words(a.company_name), words(b.company_name)
                if truth[a.record_key] != truth[b.record_key] and (wa <= wb or wb <= wa):
                    pairs.append((a.record_key, b.record_key))
    return pairs


def with_pairs(truth: dict[str, str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The truth's clusters with these pairs joined too."""
    keys = list(truth)
    index = {k: i for i, k in enumerate(keys)}
    links = [(FORCED, index[k], index[c], 0.0) for k, c in truth.items() if k != c]
    links += [(FORCED, index[a], index[b], 0.0) for a, b in pairs]
    labels = cluster(len(keys), links, [], [], 0.0).labels
    return {k: keys[labels[i]] for k, i in index.items()}


def names_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The same records with every attribute but the name blanked: how support
    desks, CRM leads and marketing lists often arrive."""
    blanked = frame.copy()
    for column in ("siren", "vat_number", "phone", "street", "postal_code", "city", "country"):
        blanked[column] = None
    blanked["domains"] = [[] for _ in range(len(blanked))]
    return blanked


def _components(keys: list[str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """True clusters: the connected components of the true pairs (the matcher's own
    clustering, with every true pair forced and nothing kept apart)."""
    index = {k: i for i, k in enumerate(keys)}
    links = [(FORCED, index[a], index[b], 0.0) for a, b in pairs]
    labels = cluster(len(keys), links, [], [], 0.0).labels
    return {k: keys[labels[i]] for k, i in index.items()}


def generated(
    scale: int, days: int, workdir: Path, homonym_rate: float | None = None
) -> tuple[Path, dict[str, str]]:
    """A generated sample loaded by the real loader; returns its warehouse and truth."""
    from salesdw import contract
    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.generate import generate
    from salesdw.ingest.loader import load_entity_day

    landing = workdir / "landing"
    start = dt.date(2026, 1, 1)
    generate(landing, scale=scale, start=start, days=days, seed=42, homonym_rate=homonym_rate)
    os.environ["SALESDW_HOME"] = str(workdir / "home")
    settings = Settings.from_env()
    entities = [e for e in contract.all_entities() if e.qualified_name in _CLIENT_ENTITIES]
    for i in range(days):
        for e in entities:
            load_entity_day(
                settings,
                LocalConnector(landing),
                e.source,
                e.name,
                start + dt.timedelta(i),
                "bench",
            )
    with (landing / "_ground_truth" / "source_records.csv").open(encoding="utf-8") as f:
        truth = {
            f"{r['source_system']}|{r['source_entity']}|{r['source_id']}": r["true_client_id"]
            for r in csv.DictReader(f)
        }
    return settings.warehouse_path, truth


_CLIENT_ENTITIES = {
    "erp__customers",
    "crm__accounts",
    "crm__contacts",
    "support__organizations",
    "support__tickets",
}


def dbt_normalise(home: Path, select: str) -> None:
    env = dict(os.environ, SALESDW_HOME=str(home))
    dbt_dir = PROJECT_ROOT / "dbt_project"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--select",
            select,
            # seeds and models: the singular tests read marts this benchmark never builds
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--project-dir",
            str(dbt_dir),
            "--profiles-dir",
            str(dbt_dir),
            "--target-path",
            str(home / "dbt-target"),
            "--log-path",
            str(home / "dbt-logs"),
            "--quiet",
        ],
        check=True,
        env=env,
    )


def reference_warehouse(frame: pd.DataFrame, home: Path) -> Path:
    """A throwaway warehouse whose unioned client records are `frame`, then normalised."""
    warehouse = home / "warehouse" / "salesdw.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists intermediate")
        con.register("frame", frame)
        con.execute(
            "create or replace table intermediate.int_client_records_unioned as "
            "select * replace (cast(domains as varchar[]) as domains, "
            "cast(updated_at as timestamp) as updated_at) from frame"
        )
    dbt_normalise(home, "int_client_records_normalized")
    return warehouse


def score_salesdw(
    warehouse: Path, truth: dict[str, str], scorer: str = "salesdw"
) -> tuple[PairScores, float, dict[str, str]]:
    config = dataclasses.replace(MatchConfig.load(), scorer=scorer)
    with duckdb.connect(str(warehouse)) as con:
        started = time.perf_counter()
        match(con, "intermediate.int_client_records_normalized", config)
        elapsed = time.perf_counter() - started
        predicted = dict(con.execute("select record_key, cluster from m_assignments").fetchall())
    return pairwise_scores(predicted, truth), elapsed, predicted


def score_exact_names(warehouse: Path, truth: dict[str, str]) -> PairScores:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        predicted = dict(
            con.execute(
                "select record_key, coalesce(name_norm, record_key) "
                "from intermediate.int_client_records_normalized"
            ).fetchall()
        )
    return pairwise_scores(predicted, truth)


def score_splink_default(warehouse: Path, truth: dict[str, str]) -> PairScores:
    """Splink as a typical user sets it up (bench/splink_like.py, splink_untuned)."""
    with duckdb.connect(str(warehouse)) as con:
        predicted = splink_untuned(con, "intermediate.int_client_records_normalized")
    return pairwise_scores(predicted, truth)


def score_splink_alone(warehouse: Path, truth: dict[str, str]) -> PairScores:
    """Splink alone, configured like matching.yml (bench/splink_like.py, splink_alone)."""
    with duckdb.connect(str(warehouse)) as con:
        predicted = splink_alone(
            con, "intermediate.int_client_records_normalized", MatchConfig.load()
        )
    return pairwise_scores(predicted, truth)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument(
        "--homonym-rate",
        type=float,
        help="the generator's homonym rate (default: its earlier draw, about 22%% at scale 1)",
    )
    parser.add_argument(
        "--only", choices=["generated", "chicago", "restaurants_dirty", "restaurants_two_sources"]
    )
    parser.add_argument(
        "--no-names-only", action="store_true", help="skip the name-only variants of the sets"
    )
    parser.add_argument("--record", type=Path, help="append the figures to this markdown file")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="salesdw-dedup-") as tmp:
        sets = []
        if args.only in (None, "generated"):
            warehouse, truth = generated(
                args.scale, args.days, Path(tmp) / "generated", args.homonym_rate
            )
            dbt_normalise(warehouse.parent.parent, "+int_client_records_normalized")
            rate = "" if args.homonym_rate is None else f", homonym rate {args.homonym_rate}"
            sets.append((f"generated scale {args.scale}, {args.days} days{rate}", warehouse, truth))
        for name, loader in (
            ("chicago", chicago),
            ("restaurants_dirty", restaurants_dirty),
            ("restaurants_two_sources", restaurants_two_sources),
        ):
            if args.only in (None, name):
                frame, truth = loader()
                # the published truth of the two lists omits matches (see unlisted_matches)
                unlisted = unlisted_matches(frame, truth) if name.endswith("two_sources") else []
                sets.append((name, reference_warehouse(frame, Path(tmp) / name), truth, unlisted))
                if not args.no_names_only:
                    home = Path(tmp) / f"{name}-names-only"
                    warehouse = reference_warehouse(names_only(frame), home)
                    sets.append((f"{name}, names only", warehouse, truth, unlisted))
        for name, warehouse, truth, *extra in sets:
            ours, seconds, predicted = score_salesdw(warehouse, truth)
            row = {
                "data set": name,
                "salesdw": ours,
                "seconds": seconds,
                "exact": score_exact_names(warehouse, truth),
            }
            if not args.skip_splink:
                row["salesdw_splink"] = score_salesdw(warehouse, truth, scorer="splink")[0]
                row["splink_alone"] = score_splink_alone(warehouse, truth)
                row["splink"] = score_splink_default(warehouse, truth)
            if extra and extra[0]:
                corrected = with_pairs(truth, extra[0])
                row["unlisted"] = len(extra[0])
                row["salesdw_corrected"] = pairwise_scores(predicted, corrected)
                row["exact_corrected"] = score_exact_names(warehouse, corrected)
            results.append(row)
            print(_line(row), flush=True)
    if args.record:
        _record(args.record, results, argv if argv is not None else sys.argv[1:])
    return 0


def _record(path: Path, results: list[dict], argv: list[str]) -> None:
    import platform

    lines = [
        f"\n`python bench/dedup_accuracy.py {' '.join(argv)}` on "
        f"{platform.node() or 'this machine'} ({os.cpu_count()} cores), "
        f"{dt.date.today().isoformat()}; one matching.yml (sha256 "
        f"{MatchConfig.load().sha256[:12]}) for every data set:\n",
        "| data set | method | precision | recall | F1 | clusters (true) |",
        "|---|---|---|---|---|---|",
    ]
    for row in results:
        unlisted = row.get("unlisted", 0)
        for label, key in (
            ("salesdw", "salesdw"),
            ("salesdw, Splink scoring", "salesdw_splink"),
            ("exact normalised names", "exact"),
            ("Splink alone, like matching.yml", "splink_alone"),
            ("Splink, untuned", "splink"),
            (f"salesdw, truth + {unlisted} unlisted matches", "salesdw_corrected"),
            (f"exact names, truth + {unlisted} unlisted matches", "exact_corrected"),
        ):
            if key in row:
                s = row[key]
                lines.append(
                    f"| {row['data set']} | {label} | {s.precision:.4f} | {s.recall:.4f} | "
                    f"{s.f1:.4f} | {s.predicted_clusters:,} ({s.true_clusters:,}) |"
                )
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _line(row: dict) -> str:
    def fmt(s: PairScores) -> str:
        return (
            f"P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} "
            f"clusters {s.predicted_clusters} (true {s.true_clusters})"
        )

    parts = [
        f"{row['data set']}:",
        f"salesdw {fmt(row['salesdw'])} in {row['seconds']:.2f} s",
        f"exact names {fmt(row['exact'])}",
    ]
    if "splink" in row:
        parts.append(f"salesdw with Splink scoring {fmt(row['salesdw_splink'])}")
        parts.append(f"splink alone like matching.yml {fmt(row['splink_alone'])}")
        parts.append(f"splink default {fmt(row['splink'])}")
    if "salesdw_corrected" in row:
        parts.append(
            f"with the {row['unlisted']} unlisted matches: salesdw "
            f"{fmt(row['salesdw_corrected'])}, exact names {fmt(row['exact_corrected'])}"
        )
    return "\n  ".join(parts)


if __name__ == "__main__":
    sys.exit(main())

"""Realistic, messy sample extracts for ERP, CRM and support, with their ground truth.

``generate()`` writes a landing area that follows the contract (docs/extract-contract.md)
and, beside the extracts, ``_ground_truth/``: the true client behind every source record, the
injected faults, the landed files and the facts later marts must reproduce. The pipeline
never reads ``_ground_truth/``. The same arguments give byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.generate.extracts import LandedFile, build_files
from salesdw.generate.truth import write_ground_truth
from salesdw.generate.world import World, build_world

log = logging.getLogger(__name__)

GROUND_TRUTH_DIR = "_ground_truth"


@dataclass
class GenerateSummary:
    out: Path
    clients: int
    files: int
    rows_per_source: dict[str, int]
    faults_per_rule: dict[str, int]
    unreadable_files: list[str]
    seconds: float
    bytes_written: int = 0
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"Generated {self.files} files for {self.clients} real clients into {self.out} "
            f"in {self.seconds:.1f} s ({self.bytes_written / 1e6:.1f} MB).",
            "Rows per source: " + ", ".join(f"{s} {n}" for s, n in self.rows_per_source.items()),
            "Faults injected: "
            + (", ".join(f"{r} {n}" for r, n in sorted(self.faults_per_rule.items())) or "none"),
            "Unreadable files: " + (", ".join(self.unreadable_files) or "none"),
            f"Ground truth (never read by the pipeline): {self.out / GROUND_TRUTH_DIR}",
        ]
        return "\n".join(lines + self.notes)


def generate(
    out: str | Path,
    scale: int,
    start: dt.date,
    days: int,
    seed: int,
    homonym_rate: float | None = None,
) -> GenerateSummary:
    """Build the world for ``seed``; write ``days`` daily extracts from ``start`` into ``out``.

    ``homonym_rate`` is the share of clients that take an earlier client's name (None: the
    earlier releases' draw, see ``clients.make_clients``)."""
    if homonym_rate is not None and not 0 <= homonym_rate < 1:
        raise ValueError(f"homonym_rate must be in [0, 1) (got {homonym_rate})")
    if scale < 1 or days < 1:
        raise ValueError(f"scale and days must be at least 1 (got scale={scale}, days={days})")
    began = time.perf_counter()
    out = Path(out)
    world = build_world(scale, start, days, seed, homonym_rate)
    files = build_files(world, seed)
    written = 0
    for lf in files:
        path = out / lf.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(lf.data)
        written += len(lf.data)
    write_ground_truth(out / GROUND_TRUTH_DIR, world, files)
    rows = Counter()
    for lf in files:
        rows[lf.source] += lf.data_rows
    return GenerateSummary(
        out=out,
        clients=len(world.clients),
        files=len(files),
        rows_per_source={s: rows[s] for s in ("erp", "crm", "support")},
        faults_per_rule=dict(Counter(f.fault for lf in files for f in lf.faults)),
        unreadable_files=[lf.relative_path for lf in files if lf.is_unreadable],
        seconds=time.perf_counter() - began,
        bytes_written=written,
    )


__all__ = ["GROUND_TRUTH_DIR", "GenerateSummary", "LandedFile", "World", "generate"]

"""What ingestion did over a date range, read back from the load log and the quarantine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from salesdw import contract
from salesdw.config import Settings
from salesdw.reports.sql import queries
from salesdw.warehouse import connect_read_only, tables


@dataclass
class IngestSummary:
    """What ingestion did over a range of extract dates."""

    start: dt.date
    end: dt.date
    rows_loaded: dict[str, int] = field(default_factory=dict)
    """Per ``<source>__<entity>``."""
    quarantined_by_rule: dict[str, int] = field(default_factory=dict)
    """Rows (distinct file and line) per rule; a row breaking two rules counts under both."""
    rows_quarantined: int = 0
    """Distinct quarantined rows (file and line)."""
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """(file, message)."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(landed path, reason): paths that resolve outside the landing area, never read."""
    ignored: list[tuple[str, str]] = field(default_factory=list)
    """(landed path, reason): folders that are not dates, unsupported file types."""
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    drift: list[tuple[str, str]] = field(default_factory=list)
    """(entity, column)."""
    version_ties: tuple[int, int] = (0, 0)
    """(keys, rows) tied on key and version with different values (raw.version_ties)."""
    entity_days_without_file: int = 0
    files_seen: int = 0
    """Load-log entries (loaded, rejected or skipped files) with an extract date in range."""

    def render(self) -> str:
        """The report as `salesdw run` prints it."""
        lines = [
            f"Ingestion {self.start} to {self.end}:",
            f"  rows loaded: {sum(self.rows_loaded.values()):,}",
        ]
        for name, n in sorted(self.rows_loaded.items()):
            lines.append(f"    {name:<32} {n:>10,}")
        lines.append(
            f"  rows quarantined: {self.rows_quarantined:,} (by rule; a row can break several)"
        )
        for rule, n in sorted(self.quarantined_by_rule.items()):
            lines.append(f"    {rule:<32} {n:>10,}")
        lines.append(f"  files rejected: {len(self.rejected)}")
        lines += [f"    {m if m.startswith(f) else f'{f}: {m}'}" for f, m in self.rejected]
        if self.refused:
            lines.append(f"  paths refused, not read: {len(self.refused)}")
            lines += [f"    {f}: {m}" for f, m in self.refused]
        if self.ignored:
            lines.append(f"  landed entries ignored, not loaded: {len(self.ignored)}")
            lines += [f"    {f}: {m}" for f, m in self.ignored]
        lines.append(f"  files skipped as already loaded: {len(self.duplicates)}")
        lines += [f"    {f}: {m}" for f, m in self.duplicates]
        keys, rows = self.version_ties
        if keys:
            lines.append(
                f"  version ties: {keys:,} key(s), {rows:,} rows with the same key and version "
                "but different values; staging keeps the later extract date, then file name, "
                "then line (see raw.version_ties)"
            )
        if self.drift:
            lines.append(
                "  schema drift (extra columns kept in _extra): "
                + ", ".join(f"{e}.{c}" for e, c in self.drift)
            )
        lines.append(
            f"  entity-days with no file (normal for deltas): {self.entity_days_without_file}"
        )
        lines.append("  see `salesdw quarantine list` for the quarantined values")
        return "\n".join(lines)


def ingest_summary(settings: Settings, start: dt.date, end: dt.date) -> IngestSummary:
    """Summarise loads whose extract date is in [start, end]."""
    summary = IngestSummary(start, end)
    con = connect_read_only(settings)
    if con is None:
        return summary
    sql = queries("ingest")
    with con:
        if "raw.load_log" not in tables(con):
            return summary
        args = [start, end]
        for source, entity, rows in con.execute(sql["rows_loaded"], args).fetchall():
            summary.rows_loaded[f"{source}__{entity}"] = int(rows)
        summary.quarantined_by_rule = dict(con.execute(sql["quarantined_by_rule"], args).fetchall())
        summary.rows_quarantined = con.execute(sql["rows_quarantined"], args).fetchone()[0]
        summary.rejected = con.execute(sql["rejected"], args).fetchall()
        summary.refused = con.execute(sql["refused"], args).fetchall()
        summary.ignored = con.execute(sql["ignored"], args).fetchall()
        summary.duplicates = con.execute(sql["duplicates"], args).fetchall()
        summary.drift = con.execute(sql["drift"], args).fetchall()
        if "raw.version_ties" in tables(con):
            summary.version_ties = con.execute(sql["version_ties"], args).fetchone()
        seen = con.execute(sql["entity_days_seen"], args).fetchone()[0]
        summary.files_seen = con.execute(sql["files_seen"], args).fetchone()[0]
    days = (end - start).days + 1
    summary.entity_days_without_file = days * len(contract.all_entities()) - seen
    return summary

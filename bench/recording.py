"""Append a benchmark's table to docs/benchmarks.md with the command, machine and date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from pathlib import Path


def record(path: Path, columns: list[str], lines: list[str], before: str | None = None) -> None:
    """Add the table (``lines`` are its rows, already ``| ... |``) under a line saying how it
    was made; at the end of the file, or just before the heading ``before`` when present."""
    command = " ".join(["python", f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    block = (
        f"\n`{command}` on {platform.node() or 'this machine'} ({os.cpu_count()} cores, "
        f"Python {platform.python_version()}), {dt.date.today().isoformat()}:\n\n"
        f"| {' | '.join(columns)} |\n|{'---|' * len(columns)}\n" + "\n".join(lines) + "\n"
    )
    text = path.read_text(encoding="utf-8")
    if before and before in text:
        text = text.replace(before, block + "\n" + before, 1)
    else:
        text = text.rstrip("\n") + "\n" + block
    path.write_text(text, encoding="utf-8")

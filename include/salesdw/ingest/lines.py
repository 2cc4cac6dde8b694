"""Physical lines and header checks of a landed text file, before DuckDB reads it.

A record's line number is the physical line it starts on (docs/raw-layer.md), counted in
``\\n``-terminated lines with the header as line 1: a blank line or a newline inside a quoted
value moves every later record down, so DuckDB's record positions are not enough.
"""

from __future__ import annotations

from collections import Counter


def csv_record_lines(text: str, quote: str = '"') -> list[int] | None:
    """The physical line each data record starts on, in file order; None when record ``n``
    is on line ``n + 1`` (no blank line, no quoted newline), the common case, found without
    a scan. Blank lines are no records (DuckDB skips them); a line with an odd number of
    quote characters opens or closes a quoted value (``""`` escapes keep the parity)."""
    body = text.split("\n", 1)[1] if "\n" in text else ""
    if quote not in body and "\n\n" not in "\n" + body and "\n\r\n" not in "\n" + body:
        return None
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it starts none
    starts: list[int] = []
    inside = False
    for number, line in enumerate(lines, start=2):
        if not inside:
            if line in ("", "\r"):
                continue
            starts.append(number)
        if line.count(quote) % 2:
            inside = not inside
    return None if starts == list(range(2, len(starts) + 2)) else starts


def header_problems(header: tuple[str, ...]) -> list[str]:
    """What makes a CSV header unusable: empty column names (by position) and names given
    twice (compared as the loader matches them, ignoring case)."""
    problems = [f"column {i} is empty" for i, name in enumerate(header, 1) if not name.strip()]
    counts = Counter(name.lower() for name in header if name.strip())
    problems += [f"{name!r} appears {n} times" for name, n in counts.items() if n > 1]
    return problems

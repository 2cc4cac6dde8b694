"""``python -m salesdw.serving.probe URI``: exit 0 when a PostgreSQL server answers at the
URI's host and port (``make demo`` serves there then), 1 when none does."""

from __future__ import annotations

import sys


def answers(uri: str) -> bool:
    """Whether the server of ``uri`` accepts a connection (to its maintenance database, so
    that a serving database not created yet still counts)."""
    import psycopg2

    try:
        psycopg2.connect(uri, dbname="postgres", connect_timeout=3).close()
        return True
    except psycopg2.Error:
        return False


if __name__ == "__main__":
    sys.exit(0 if len(sys.argv) == 2 and answers(sys.argv[1]) else 1)

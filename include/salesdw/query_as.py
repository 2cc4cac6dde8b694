"""``salesdw query --as LOGIN``: one query through PostgreSQL with a login's rights, so that
whoever operates salesdw can see exactly what that login sees (its rows, its masks, its
permission errors).

The operator's own connection (SALESDW_SERVE_URI) switches to the login with ``SET LOCAL
ROLE`` inside a read-only transaction that is rolled back; the text is checked first to be
exactly one query, like the DuckDB read path. It is an operator's tool: the operator holds
the administrator's URI anyway. BI users connect with their own login and password.
"""

from __future__ import annotations

from salesdw.config import Settings
from salesdw.query import check_statement
from salesdw.serving import connection
from salesdw.serving.connection import ident

STATEMENT_TIMEOUT = "60s"


def query_as(settings: Settings, login: str, sql: str) -> tuple[list[str], list[tuple]]:
    """Columns and rows of ``sql`` run as ``login``."""
    import psycopg2

    check_statement(sql)
    conn = connection.admin(settings)
    try:
        conn.set_session(readonly=True)
        with conn.cursor() as cur:
            cur.execute("select 1 from serving.logins where login = %s", [login])
            if cur.fetchone() is None:
                raise ValueError(f"no salesdw login {login!r} (salesdw access add-login)")
            cur.execute(f"set local statement_timeout = '{STATEMENT_TIMEOUT}'")
            cur.execute(f"set local role {ident(login)}")
            try:
                cur.execute(sql)
            except psycopg2.Error as exc:
                raise ValueError(f"query failed as {login}: {str(exc).strip()}") from None
            columns = [d[0] for d in cur.description or ()]
            rows = cur.fetchall() if cur.description else []
    finally:
        conn.rollback()
        conn.close()
    return columns, rows

"""A throwaway serving database on the real local PostgreSQL (started if down), and role
names unique to the test run: roles are cluster-wide and the cluster is shared, so every
role a test creates carries the run's prefix and is dropped afterwards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg2
import pytest

from tests.pg import HOST, PORT, USER, create_database, drop_database


@dataclass(frozen=True)
class Serving:
    uri: str
    prefix: str
    """Prefix of the job roles (SALESDW_SERVE_ROLE_PREFIX)."""
    logins: str
    """Prefix of the logins the test creates (logins may not start with the job prefix)."""

    def env(self) -> dict[str, str]:
        return {"SALESDW_SERVE_URI": self.uri, "SALESDW_SERVE_ROLE_PREFIX": self.prefix}

    def login(self, name: str) -> str:
        return f"{self.logins}{name}"

    def connect_as(self, login: str):
        """A connection as the login itself, as a BI tool makes it (pg_hba: trust here)."""
        return psycopg2.connect(
            host=HOST,
            port=PORT,
            user=login,
            dbname=self.uri.rsplit("/", 1)[-1],
            connect_timeout=5,
        )

    def admin(self):
        return psycopg2.connect(self.uri)


def drop_roles(*prefixes: str) -> None:
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        for prefix in prefixes:
            cur.execute(
                "select rolname from pg_roles where rolname like %s",
                [prefix.replace("_", "\\_") + "%"],
            )
            for (role,) in cur.fetchall():
                cur.execute(f'drop role if exists "{role}"')
    conn.close()


def make_serving() -> Serving:
    tag = uuid.uuid4().hex[:6]
    return Serving(create_database("salesdw_serve"), f"t{tag}_", f"u{tag}-")


def drop_serving(serving: Serving) -> None:
    drop_database(serving.uri)  # first: the roles' privileges live in it
    drop_roles(serving.prefix, serving.logins)


@pytest.fixture
def serving():
    made = make_serving()
    try:
        yield made
    finally:
        drop_serving(made)

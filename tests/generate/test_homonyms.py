"""The generator's homonym rate is a parameter: with rate r, each client takes
an earlier client's name with probability r, and every other name is new."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from salesdw.generate.world import build_world

START = dt.date(2026, 1, 1)


def _name_counts(homonym_rate):
    world = build_world(1, START, 1, seed=42, homonym_rate=homonym_rate)
    return Counter(client.base for client in world.clients), world


def test_rate_zero_gives_every_client_its_own_name():
    counts, world = _name_counts(0.0)
    assert len(world.clients) == 2000
    assert max(counts.values()) == 1
    assert not any(client.is_homonym for client in world.clients)


def test_a_rate_gives_that_share_of_reused_names():
    # 2,000 clients with rate 0.05: the reused names are 1,999 Bernoulli(0.05) draws, mean
    # 99.95 and standard deviation sqrt(1999 * 0.05 * 0.95) = 9.7; 4 deviations either side
    counts, world = _name_counts(0.05)
    reused = sum(n - 1 for n in counts.values())
    assert 61 <= reused <= 139
    # the flag is exactly "another client has the same name"
    assert all(client.is_homonym == (counts[client.base] > 1) for client in world.clients)

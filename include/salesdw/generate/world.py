"""The simulated company: true clients, staff and everything that happened to them.

The world is built once, as *versions* of source records: every create, update and delete a
source system would have exported, with the time it happened. ``extracts.py`` turns versions
into the daily files of the landing contract, and ``truth.py`` writes what really happened.

Time: the company has about three years of history before the first extract date; the
extract window is ``[start, start + days)``. Every timestamp is naive UTC.
"""

from __future__ import annotations

import datetime as dt
import zlib

from salesdw.generate import randomness
from salesdw.generate.clients import client_life, make_clients
from salesdw.generate.discounts import assign_discounts
from salesdw.generate.erp import assign_termination_reasons, erp_reference_data
from salesdw.generate.model import World
from salesdw.generate.products import assign_requested_products
from salesdw.generate.request_contacts import assign_request_contacts
from salesdw.generate.staff import anchor_forecasts, make_forecasts, make_reps
from salesdw.generate.stage_actions import link_stage_actions

__all__ = ["World", "build_world"]


def build_world(
    scale: int, start: dt.date, days: int, seed: int, homonym_rate: float | None = None
) -> World:
    rng = randomness.FastRandom(seed)
    history_start = dt.date(start.year - 3, start.month, 1)
    world = World(start=start, days=days, history_start=history_start)
    make_reps(world, rng, scale)
    make_forecasts(world, rng)
    make_clients(world, rng, scale, homonym_rate)
    erp_reference_data(world, rng, scale)
    for client in world.clients:
        client_life(world, rng, client)
    anchor_forecasts(world)
    # a stream of its own: the draws above are what they were before deals named products
    assign_requested_products(world, randomness.FastRandom(seed * 7919 + zlib.crc32(b"products")))
    # and one for the reasons clients give when they cancel
    assign_termination_reasons(
        world, randomness.FastRandom(seed * 7919 + zlib.crc32(b"termination_reasons"))
    )
    link_stage_actions(world, randomness.FastRandom(seed * 7919 + zlib.crc32(b"stage_actions")))
    assign_discounts(world, randomness.FastRandom(seed * 7919 + zlib.crc32(b"discounts")))
    # and one for who asked (deals' contacts, leads' titles and campaigns)
    assign_request_contacts(world, randomness.FastRandom(seed * 7919 + zlib.crc32(b"contacts")))
    return world

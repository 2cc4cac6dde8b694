"""The product each CRM opportunity and ERP quote asks for, drawn after the world is built.

The draws come from their own random stream, so that every other file of a seeded sample
stays byte for byte what it was before opportunities and quotes named a product.
"""

from __future__ import annotations

import random

from salesdw.generate.catalog import (
    CRM_PRODUCT_NAMES,
    PLM_ONLY_PRODUCTS,
    PRODUCTS,
    UNMAPPED_CRM_PRODUCT_NAMES,
    UNMAPPED_ERP_PRODUCT,
)
from salesdw.generate.model import World

REQUEST_WEIGHTS = (  # PLM product -> relative weight of the requests for it
    ("PLM-P01", 10),
    ("PLM-P02", 22),
    ("PLM-P03", 12),
    ("PLM-P04", 8),
    ("PLM-P05", 5),
    ("PLM-P06", 6),
    ("PLM-P07", 6),
    ("PLM-P08", 5),
    ("PLM-P09", 4),
    ("PLM-P10", 3),
    ("PLM-P11", 3),
    ("PLM-P12", 4),
    ("PLM-P13", 3),
    ("PLM-P14", 2),
    ("PLM-P15", 2),
    ("PLM-P16", 2),
)
UNMAPPED_SHARE = 0.02
"""The share of requests naming a product the PLM does not know."""


def plm_products() -> dict[str, dict]:
    """PLM product id -> its family, lifecycle status and ERP article, as the PLM holds them."""
    out = {
        f"PLM-{pid}": {
            "family": family,
            "lifecycle_status": "phase_out" if family == "materiel" else "released",
            "erp_product_id": pid,
        }
        for pid, _name, family, _recurring, _period, _price in PRODUCTS
    }
    for plm_id, _name, family, status, _version, _launch, erp_id in PLM_ONLY_PRODUCTS:
        out[plm_id] = {"family": family, "lifecycle_status": status, "erp_product_id": erp_id}
    return out


def _draw(rng: random.Random) -> str | None:
    """A PLM product id, or None for a product the PLM does not know."""
    if rng.random() < UNMAPPED_SHARE:
        return None
    roll = rng.random() * sum(w for _, w in REQUEST_WEIGHTS)
    for plm_id, weight in REQUEST_WEIGHTS:
        roll -= weight
        if roll < 0:
            return plm_id
    return REQUEST_WEIGHTS[-1][0]


def assign_requested_products(world: World, rng: random.Random) -> None:
    """Every version of an opportunity gets its deal's ``product_name`` (as a CRM user wrote
    it); every version of a quote its ERP ``product_id``. One draw per record, in the order
    records were first created."""
    plm = plm_products()
    names: dict[str, str] = {}
    for row in world.versions.get("crm__opportunities", []):
        if row["opportunity_id"] not in names:
            plm_id = _draw(rng)
            spellings = CRM_PRODUCT_NAMES[plm_id] if plm_id else UNMAPPED_CRM_PRODUCT_NAMES
            names[row["opportunity_id"]] = rng.choice(spellings)
        row["product_name"] = names[row["opportunity_id"]]
    articles: dict[str, str] = {}
    for row in world.versions.get("erp__quotes", []):
        if row["quote_id"] not in articles:
            plm_id = _draw(rng)
            articles[row["quote_id"]] = (
                plm[plm_id]["erp_product_id"] if plm_id else UNMAPPED_ERP_PRODUCT
            )
        row["product_id"] = articles[row["quote_id"]]

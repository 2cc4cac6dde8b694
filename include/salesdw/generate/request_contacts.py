"""Who asked, and through which campaign: drawn after the world is built.

Every version of an opportunity gets its deal's ``contact_id`` (one of its account's contacts
known when the deal opened); every version of a lead the ``job_title`` of the person who asked
and the ``campaign`` that brought it. The draws come from their own random stream, so that
every other file of a seeded sample stays byte for byte what it was before.
"""

from __future__ import annotations

import random

from salesdw.generate.model import World
from salesdw.generate.names import JOB_TITLES

CAMPAIGNS = {  # a lead's source channel -> the campaigns that channel runs
    "site_web": ("Webinar Reporting 2025", "Livre blanc Facturation"),
    "salon": ("Salon Solutions 2025", "Salon Solutions 2026"),
    "linkedin": ("LinkedIn Ads Paie",),
    "recommandation": ("Parrainage clients",),
    "prospection": (),
    "partenaire": ("Programme partenaires",),
}
NO_CONTACT_SHARE = 0.1
"""The share of deals whose rep named no contact."""
CAMPAIGN_SHARE = 0.6
"""The share of leads of a channel that runs campaigns that name one."""
TITLE_SHARE = 0.85
"""The share of leads whose job title the rep captured."""


def assign_request_contacts(world: World, rng: random.Random) -> None:
    """One draw per record, in the order records were first created."""
    contacts: dict[str, list[dict]] = {}
    for row in world.versions.get("crm__contacts", []):
        known = contacts.setdefault(row["account_id"], [])
        if all(c["contact_id"] != row["contact_id"] for c in known):
            known.append(row)
    chosen: dict[str, str] = {}
    for row in world.versions.get("crm__opportunities", []):
        if row["opportunity_id"] not in chosen:
            candidates = [
                c["contact_id"]
                for c in contacts.get(row["account_id"], [])
                if c["_at"] <= row["created_at"]
            ] or [c["contact_id"] for c in contacts.get(row["account_id"], [])[:1]]
            named = candidates and rng.random() >= NO_CONTACT_SHARE
            chosen[row["opportunity_id"]] = rng.choice(candidates) if named else ""
        row["contact_id"] = chosen[row["opportunity_id"]]
    leads: dict[str, tuple[str, str]] = {}
    for row in world.versions.get("crm__leads", []):
        if row["lead_id"] not in leads:
            title = rng.choice(JOB_TITLES) if rng.random() < TITLE_SHARE else ""
            campaigns = CAMPAIGNS.get(row["source_channel"], ())
            named = campaigns and rng.random() < CAMPAIGN_SHARE
            leads[row["lead_id"]] = (title, rng.choice(campaigns) if named else "")
        row["job_title"], row["campaign"] = leads[row["lead_id"]]

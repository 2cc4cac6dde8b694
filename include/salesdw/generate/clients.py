"""True clients and their records in each system, spelled each system's own way.

``client_life`` gives one client its ERP customers, CRM accounts (with contacts) and support
organisation, then everything that happens to it in each system.
"""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate import addresses, identifiers, names, spelling
from salesdw.generate.catalog import SEGMENTS
from salesdw.generate.crm import crm_activity, lead
from salesdw.generate.erp import quotes_and_orders, subscriptions
from salesdw.generate.model import Client, World, day_of, pick, ts
from salesdw.generate.staff import active_reps
from salesdw.generate.support import support_activity


def make_clients(
    world: World, rng: random.Random, scale: int, homonym_rate: float | None = None
) -> None:
    """`homonym_rate`: the share of clients that take the name of an earlier client (a
    homonym: two companies, one name), every other name being new. None keeps the draw of
    earlier releases, where names also collide by chance: about 22% of the clients are
    homonyms at scale 1, more as the scale grows (docs/extract-contract.md)."""
    n = 2000 * scale
    used_domains: dict[str, int] = {}
    horizon_days = (world.horizon - dt.datetime.combine(world.history_start, dt.time())).days
    bases: list[str] = []
    by_base: dict[str, list[Client]] = {}
    for i in range(n):
        if homonym_rate is None:
            # Some names are deliberately reused by another company; others collide by chance.
            base = rng.choice(bases) if bases and rng.random() < 0.02 else names.base_name(rng)
        elif bases and rng.random() < homonym_rate:
            base = rng.choice(bases)
        else:
            base = _new_base_name(rng, by_base)
        bases.append(base)
        foreign = rng.random() < 0.07
        if foreign:
            country, currency, forms, cities = rng.choice(addresses.FOREIGN)
            legal_form, city = rng.choice(forms), rng.choice(cities)
            postcode, siren = str(rng.randint(10000, 99999)), ""
        else:
            country, currency = "FR", "EUR"
            legal_form = rng.choice(names.FR_LEGAL_FORMS)
            city, postcode, _ = rng.choice(addresses.CITIES)
            siren = identifiers.make_siren(rng)
        domain = spelling.slug(base.replace(" et ", "-"))[:24] or "entreprise"
        used_domains[domain] = used_domains.get(domain, 0) + 1
        if used_domains[domain] > 1:
            domain += str(used_domains[domain])
        tld = {
            "FR": "fr",
            "DE": "de",
            "GB": "co.uk",
            "US": "com",
            "CH": "ch",
            "NL": "nl",
            "IT": "it",
        }[country]
        area = rng.choice(("01", "02", "03", "04", "05", "09"))
        # Most clients were acquired in the past; about one in twenty during the window.
        if rng.random() < 0.05:
            acquired = ts(world.start + dt.timedelta(days=rng.randrange(world.days)), rng)
        else:
            acquired = ts(
                world.history_start + dt.timedelta(days=rng.randrange(horizon_days - world.days)),
                rng,
            )
        systems = pick(
            rng,
            (
                (("erp", "crm", "support"), 0.40),
                (("erp", "crm"), 0.30),
                (("crm",), 0.10),
                (("erp",), 0.07),
                (("erp", "support"), 0.06),
                (("crm", "support"), 0.05),
                (("support",), 0.02),
            ),
        )
        client = Client(
            client_id=f"TC{i + 1:06d}",
            base=base,
            legal_form=legal_form,
            siren=siren,
            country=country,
            currency=currency,
            city=city,
            postcode=postcode,
            street=f"{rng.randint(1, 180)} {rng.choice(addresses.STREETS)}",
            phone=f"0{area[1]}{rng.randint(10_000_000, 99_999_999)}",
            segment=pick(rng, SEGMENTS),
            domain=f"{domain}.{tld}",
            acquired_at=acquired,
            systems=systems,
            crm_accounts=2 if "crm" in systems and rng.random() < 0.05 else 1,
            erp_customers=2 if "erp" in systems and rng.random() < 0.01 else 1,
        )
        world.clients.append(client)
        by_base.setdefault(base, []).append(client)
    for same_name in by_base.values():
        if len(same_name) > 1:
            for client in same_name:
                client.is_homonym = True


def _new_base_name(rng: random.Random, taken: dict[str, list[Client]]) -> str:
    """A name no client holds yet: redrawn, then made distinct by an invented word once the
    name space is crowded (large scales)."""
    for _ in range(20):
        base = names.base_name(rng)
        if base not in taken:
            return base
    while base in taken:
        base = f"{base} {names.invented_word(rng)}"
    return base


def client_life(world: World, rng: random.Random, client: Client) -> None:
    erp_ids: list[str] = []
    if "erp" in client.systems:
        for k in range(client.erp_customers):
            erp_ids.append(_erp_customer(world, rng, client, k))
    accounts = []
    if "crm" in client.systems:
        for k in range(client.crm_accounts):
            account = _crm_account(world, rng, client, k)
            if account is not None:
                accounts.append(account)
        if len(accounts) > 1:  # flagged only when the second account exists by the end
            for record in world.source_records[-len(accounts) :]:
                record["is_in_system_duplicate"] = True
    org = _support_org(world, rng, client, erp_ids) if "support" in client.systems else None
    if erp_ids:
        subscriptions(world, rng, client, erp_ids)
        quotes_and_orders(world, rng, client, erp_ids)
    first_opportunity = len(world.versions.get("crm__opportunities", []))
    for account_id, created in accounts:
        crm_activity(world, rng, client, account_id, created)
    if org is not None:
        support_activity(world, rng, *org)
    if rng.random() < 0.4:
        # a converted lead points at the first opportunity of the client's first account
        opened = (
            [
                row
                for row in world.versions.get("crm__opportunities", [])[first_opportunity:]
                if row["account_id"] == accounts[0][0]
            ]
            if accounts
            else []
        )
        opportunity = min(opened, key=lambda row: row["_at"])["opportunity_id"] if opened else ""
        lead(
            world,
            rng,
            client,
            converted=bool(accounts),
            opportunity_id=opportunity,
            opportunity_versions=tuple(r for r in opened if r["opportunity_id"] == opportunity),
        )


def _record(
    world: World,
    client: Client,
    system: str,
    entity: str,
    source_id: str,
    spelled: str,
    messiness: list[str],
    **flags,
) -> None:
    world.source_records.append(
        {
            "source_system": system,
            "source_entity": entity,
            "source_id": source_id,
            "true_client_id": client.client_id,
            "name_as_spelled": spelled,
            "messiness": "|".join(sorted(set(messiness))),
            **flags,
        }
    )


def _erp_customer(world: World, rng: random.Random, client: Client, k: int) -> str:
    cid = f"CLI{len(world.versions.get('erp__customers', [])) + 1:06d}{'' if k == 0 else 'B'}"
    name, messiness = spelling.spell(rng, client.base, client.legal_form, "erp")
    siren, siren_status = client.siren, "valid"
    if not client.siren:
        siren_status = "n/a"
    else:
        roll = rng.random()
        if roll < 0.07:
            siren, siren_status = identifiers.corrupt_siren(rng, client.siren), "wrong"
        elif roll < 0.15:
            siren, siren_status = "", "missing"
    if siren and rng.random() < 0.3:
        siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    vat = identifiers.fr_vat(client.siren) if client.siren and rng.random() < 0.7 else ""
    created = client.acquired_at - dt.timedelta(days=rng.randint(0, 20))
    row = {
        "customer_id": cid,
        "company_name": name,
        "siren": siren,
        "vat_number": vat,
        "address": client.street,
        "postal_code": client.postcode,
        "city": client.city,
        "country": client.country,
        "phone": spelling.phone_variant(rng, client.phone),
        "email": f"compta@{client.domain}" if rng.random() < 0.6 else "",
        "website": f"www.{client.domain}" if rng.random() < 0.3 else "",
        "created_at": created,
        "is_deleted": False,
    }
    world.add("erp__customers", created, dict(row))
    if rng.random() < 0.05:  # the billing address changes once
        moved = dict(row, address=f"{rng.randint(1, 180)} {rng.choice(addresses.STREETS)}")
        world.add(
            "erp__customers",
            ts(day_of(created) + dt.timedelta(days=rng.randint(30, 900)), rng),
            moved,
        )
    _record(
        world,
        client,
        "erp",
        "customers",
        cid,
        name,
        messiness,
        siren_status=siren_status,
        is_in_system_duplicate=client.erp_customers > 1,
        is_homonym=client.is_homonym,
        free_mail_domain=False,
    )
    return cid


def _crm_account(
    world: World, rng: random.Random, client: Client, k: int
) -> tuple[str, dt.datetime] | None:
    aid = f"001A{len(world.source_records) + 1:07d}"
    name, messiness = spelling.spell(rng, client.base, client.legal_form, "crm")
    created = client.acquired_at - dt.timedelta(days=rng.randint(0, 180))
    if k == 1:
        created += dt.timedelta(days=rng.randint(30, 400))
    if created >= world.horizon:
        return None  # this duplicate account would only be created after the window
    owner = rng.choice(active_reps(world, created))
    row = {
        "account_id": aid,
        "account_name": name,
        "website": rng.choice(
            (
                f"https://www.{client.domain}",
                f"www.{client.domain}",
                client.domain,
                f"http://{client.domain}/",
            )
        )
        if rng.random() < 0.75
        else "",
        "phone": spelling.phone_variant(rng, client.phone) if rng.random() < 0.7 else "",
        "billing_street": client.street if rng.random() < 0.6 else "",
        "billing_postal_code": client.postcode if rng.random() < 0.7 else "",
        "billing_city": client.city.upper() if rng.random() < 0.3 else client.city,
        "billing_country": {"FR": "France"}.get(client.country, client.country),
        "siren": client.siren if client.siren and rng.random() < 0.2 else "",
        "industry": rng.choice(
            (
                "Industrie",
                "Services",
                "Commerce",
                "BTP",
                "Santé",
                "Transport",
                "Technologie",
                "Technolgie",
            )
        ),
        "segment": client.segment,
        "owner_id": owner.user_id,
        "created_at": created,
        "is_deleted": False,
    }
    world.add("crm__accounts", created, dict(row))
    if owner.left_at is not None:
        lag = rng.randint(3, 40)
        # An account can even be opened under a rep who has already left (no AE was active
        # then): it is orphaned from its creation.
        reassigned = max(owner.left_at, created) + dt.timedelta(days=lag)
        keep_orphan = rng.random() < 0.4
        if not keep_orphan and reassigned < world.horizon:
            # Accounts go to a rep who stays: one departure per account keeps the truth simple.
            stayers = [
                r
                for r in active_reps(world, reassigned)
                if r.left_at is None or r.left_at >= world.horizon
            ]
            new_owner = rng.choice(stayers or [r for r in world.reps if r.left_at is None])
            row["owner_id"] = new_owner.user_id
            world.add("crm__accounts", reassigned, dict(row))
        # the truth lists the orphans the extracts show: still orphaned, or reassigned during
        # the window (one reassigned before the first extract is, in every extract, just an
        # account of its new owner)
        reassigned_in_view = keep_orphan or reassigned >= dt.datetime.combine(
            world.start, dt.time()
        )
        if owner.left_at + dt.timedelta(hours=1) < world.horizon and reassigned_in_view:
            world.fact(
                "orphaned_accounts",
                account_id=aid,
                departed_owner_id=owner.user_id,
                leave_date=owner.left_at.date().isoformat(),
                reassigned_at=""
                if keep_orphan or reassigned >= world.horizon
                else reassigned.isoformat(),
            )
    _record(
        world,
        client,
        "crm",
        "accounts",
        aid,
        name,
        messiness,
        siren_status="valid" if row["siren"] else "missing",
        is_in_system_duplicate=False,
        is_homonym=client.is_homonym,
        free_mail_domain=False,
    )
    for c in range(rng.randint(1, 3)):
        _contact(world, rng, client, aid, created + dt.timedelta(days=c * 17))
    return aid, created


def _contact(
    world: World, rng: random.Random, client: Client, account_id: str, at: dt.datetime
) -> None:
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
    domain = client.domain if rng.random() < 0.85 else rng.choice(addresses.FREE_MAIL_DOMAINS)
    cid = f"003C{len(world.versions.get('crm__contacts', [])) + 1:07d}"
    row = {
        "contact_id": cid,
        "account_id": account_id,
        "first_name": first,
        "last_name": last,
        "email": f"{spelling.slug(first)}.{spelling.slug(last)}@{domain}",
        "phone": spelling.phone_variant(rng, client.phone),
        "job_title": rng.choice(names.JOB_TITLES),
        "is_deleted": False,
    }
    world.add("crm__contacts", at, row)
    if rng.random() < 0.03:  # a contact who left the client is deleted
        world.add(
            "crm__contacts",
            at + dt.timedelta(days=rng.randint(20, 1100)),
            dict(row, is_deleted=True),
        )


def _support_org(
    world: World, rng: random.Random, client: Client, erp_ids: list[str]
) -> tuple[str, dt.datetime, str] | None:
    oid = str(360000 + len(world.source_records))
    name, messiness = spelling.spell(rng, client.base, client.legal_form, "support")
    free = rng.random() < 0.25
    domains = [rng.choice(addresses.FREE_MAIL_DOMAINS)] if free else [client.domain]
    created = client.acquired_at + dt.timedelta(days=rng.randint(1, 60))
    if created >= world.horizon:
        return None  # the client has not contacted support yet
    world.add(
        "support__organizations",
        created,
        {
            "organization_id": oid,
            "name": name,
            "domain_names": domains,
            "external_id": erp_ids[0] if erp_ids and rng.random() < 0.3 else "",
            "created_at": created,
        },
    )
    _record(
        world,
        client,
        "support",
        "organizations",
        oid,
        name,
        messiness,
        siren_status="n/a",
        is_in_system_duplicate=False,
        is_homonym=client.is_homonym,
        free_mail_domain=free,
    )
    return oid, created, domains[0]

"""The simulated company: true clients, staff and everything that happened to them.

The world is built once, as *versions* of source records: every create, update and delete a
source system would have exported, with the time it happened. ``extracts.py`` turns versions
into the daily files of the landing contract, and ``truth.py`` writes what really happened.

Time: the company has about three years of history before the first extract date; the
extract window is ``[start, start + days)``. Every timestamp is naive UTC.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cached_property

from salesdw.generate import identity as idn

SEGMENTS = (("SMB", 0.6), ("Mid-Market", 0.3), ("Enterprise", 0.1))
MONTHLY_PRICE = {"SMB": (49, 390), "Mid-Market": (400, 1900), "Enterprise": (2000, 9500)}
CRM_STAGES = (
    "Qualification",
    "Prospection",
    "Maturation",
    "Construction projet",
    "Négociation",
    "Closing",
)
STAGE_PROBABILITY = (10, 20, 40, 60, 80, 90)
WON, LOST = "Gagné", "Perdu"
LOST_REASONS = (  # raw CRM values and the free text a rep writes
    ("Prix trop élevé", "Budget client inférieur de 20 % à notre offre"),
    ("Concurrent moins cher", "Le concurrent a proposé une remise importante"),
    ("Fonctionnalité manquante", "Pas d'intégration avec leur ERP"),
    ("Contrainte réglementaire", "Hébergement des données hors UE refusé"),
    ("Délais de livraison", "Mise en service trop tardive pour eux"),
    ("Pas de budget", "Budget gelé jusqu'à l'an prochain"),
    ("Projet abandonné", "Le sponsor a quitté l'entreprise"),
    ("Pas de réponse", "Plus de nouvelles après la démo"),
    ("Hors périmètre", "Besoin hors de notre offre"),
    ("Choix d'un concurrent", "Partenaire historique du client retenu"),
    ("Autre", ""),
)
COMPETITORS = ("Sellsy", "Axonaut", "Salesforce", "HubSpot", "Pipedrive", "Divalto", "Sage")
QUOTE_REFUSALS = (
    ("Tarif", "Remise demandée non accordée"),
    ("Délai", "Livraison souhaitée sous 2 semaines"),
    ("Technique", "Compatibilité matérielle non assurée"),
    ("Concurrence", "Offre concurrente retenue"),
    ("Réglementaire", "Certification exigée absente"),
    ("Sans suite", "Client injoignable"),
)
DISQUALIFICATIONS = (
    ("Pas de budget", "TPE sans budget logiciel"),
    ("Hors cible", "Particulier, pas une entreprise"),
    ("Doublon", "Déjà client sous un autre nom"),
    ("Injoignable", "Trois relances sans réponse"),
    ("Concurrent", "Sous contrat chez un concurrent jusqu'en 2028"),
    ("Hors périmètre", "Demande de matériel que nous ne vendons pas"),
)
LEAD_CHANNELS = ("site_web", "salon", "linkedin", "recommandation", "prospection", "partenaire")
EXPENSES = (  # category, channel ('' when not sales & marketing), typical amount
    ("Salon professionnel", "events", 4000),
    ("Google Ads", "paid_search", 900),
    ("LinkedIn Ads", "paid_social", 700),
    ("Salaires commerciaux", "sales_team", 6000),
    ("Commissions commerciales", "sales_team", 1500),
    ("Agence marketing", "content", 2500),
    ("Publicité presse", "print", 1200),
    ("Dépenses événementielles", "events", 800),
    ("Loyer", "", 3500),
    ("Fournitures", "", 150),
    ("Logiciels", "", 400),
    ("Déplacements", "", 300),
)
PRODUCTS = (  # id, name, family, is_recurring, billing_period, list price
    ("P01", "Abonnement Essentiel", "logiciel", True, "monthly", 49),
    ("P02", "Abonnement Pro", "logiciel", True, "monthly", 149),
    ("P03", "Abonnement Entreprise", "logiciel", True, "monthly", 890),
    ("P04", "Licence annuelle Pro", "logiciel", True, "annual", 1490),
    ("P05", "Licence annuelle Entreprise", "logiciel", True, "annual", 9900),
    ("P06", "Module Reporting", "module", True, "monthly", 79),
    ("P07", "Support Premium", "service", True, "monthly", 199),
    ("P08", "Mise en service", "service", False, "one_off", 1200),
    ("P09", "Formation sur site", "service", False, "one_off", 950),
    ("P10", "Terminal de paiement", "materiel", False, "one_off", 390),
    ("P11", "Hébergement dédié", "service", True, "annual", 2400),
    ("P12", "Connecteur comptable", "module", True, "monthly", 59),
)
SLA_MINUTES = {
    "urgent": (60, 480),
    "high": (240, 1440),
    "normal": (480, 4320),
    "low": (1440, 10080),
}
TICKET_CATEGORIES = ("facturation", "technique", "accès", "formation", "livraison")
TICKET_CHANNELS = ("email", "web", "telephone", "chat")
SURVEY_COMMENTS = (
    "Très satisfait",
    "Support réactif",
    "Outil trop complexe",
    "Prix élevé",
    "",
    "Bonne relation commerciale",
    "Bugs fréquents",
    "RAS",
)
TEAMS = ("Île-de-France", "Grand Ouest", "Sud-Est", "Nord-Est", "Grands comptes")
OPPORTUNITY_KINDS = ("Abonnement", "Extension", "Renouvellement", "Services")
FX_START = {"USD": 0.92, "GBP": 1.16, "CHF": 1.04}


@dataclass
class Client:
    client_id: str
    base: str
    legal_form: str
    siren: str
    country: str
    currency: str
    city: str
    postcode: str
    street: str
    phone: str
    segment: str
    domain: str
    acquired_at: dt.datetime
    systems: tuple[str, ...]
    crm_accounts: int = 1
    erp_customers: int = 1
    is_homonym: bool = False


@dataclass
class Rep:
    employee_id: str
    user_id: str
    full_name: str
    email: str
    role: str
    team: str
    hired_at: dt.datetime
    left_at: dt.datetime | None
    quota: int


@dataclass
class World:
    start: dt.date
    days: int
    history_start: dt.date
    clients: list[Client] = field(default_factory=list)
    reps: list[Rep] = field(default_factory=list)
    versions: dict[str, list[dict]] = field(default_factory=dict)
    """Per ``<source>__<entity>``: every version, as dicts with the contract's columns plus
    ``_at`` (when it changed) and optionally ``_emit`` (a late delivery date)."""
    source_records: list[dict] = field(default_factory=list)
    facts: dict[str, list[dict]] = field(default_factory=dict)
    _reps_by_day: dict[tuple, list[Rep]] = field(default_factory=dict, repr=False)

    @cached_property
    def end(self) -> dt.date:
        """The last extract date."""
        return self.start + dt.timedelta(days=self.days - 1)

    @cached_property
    def horizon(self) -> dt.datetime:
        """The end of the last extract day: nothing happens at or after it."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def add(self, table: str, at: dt.datetime, row: dict, emit: dt.date | None = None) -> None:
        if at >= self.horizon:
            return
        row["_at"] = at
        if emit is not None:
            row["_emit"] = emit
        self.versions.setdefault(table, []).append(row)

    def fact(self, name: str, **row) -> None:
        self.facts.setdefault(name, []).append(row)


def _ts(day: dt.date, rng: random.Random, lo: int = 7, hi: int = 19) -> dt.datetime:
    """A working-hours timestamp on ``day``."""
    return dt.datetime.combine(
        day, dt.time(rng.randint(lo, hi - 1), rng.randint(0, 59), rng.randint(0, 59))
    )


def _day(at: dt.datetime) -> dt.date:
    return at.date()


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(day, 1) - dt.timedelta(days=1)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if roll < acc:
            return value
    return weighted[-1][0]


def build_world(scale: int, start: dt.date, days: int, seed: int) -> World:
    rng = idn.FastRandom(seed)
    history_start = dt.date(start.year - 3, start.month, 1)
    world = World(start=start, days=days, history_start=history_start)
    _make_reps(world, rng, scale)
    make_forecasts(world, rng)
    _make_clients(world, rng, scale)
    _erp_reference_data(world, rng, scale)
    for client in world.clients:
        _client_life(world, rng, client)
    _anchor_forecasts(world)
    return world


# --- staff --------------------------------------------------------------------------------


def _make_reps(world: World, rng: random.Random, scale: int) -> None:
    n = 30 * scale
    window_start = dt.datetime.combine(world.start, dt.time())
    used_emails: dict[str, int] = {}
    for i in range(n):
        first, last = rng.choice(idn.FIRST_NAMES), rng.choice(idn.SURNAMES)
        local = f"{idn.slug(first)}.{idn.slug(last)}"
        used_emails[local] = used_emails.get(local, 0) + 1
        if used_emails[local] > 1:
            local += str(used_emails[local])
        role = _pick(
            rng, (("AE", 0.5), ("SDR", 0.25), ("MDR", 0.1), ("manager", 0.1), ("other", 0.05))
        )
        span = (world.horizon - dt.datetime.combine(world.history_start, dt.time())).days
        hired = _ts(
            world.history_start
            - dt.timedelta(days=730)
            + dt.timedelta(days=rng.randrange(span + 700)),
            rng,
        )
        left = None
        if i % 10 == 3:  # about one rep in ten leaves during the extract window
            left = window_start + dt.timedelta(days=rng.randrange(max(world.days - 2, 1)), hours=17)
        elif rng.random() < 0.15:
            left = hired + dt.timedelta(days=rng.randint(200, 900))
        if left is not None and left <= hired:
            left = None
        rep = Rep(
            employee_id=f"E{i + 1:04d}",
            user_id=f"005U{i + 1:05d}",
            full_name=f"{first} {last}",
            email=f"{local}@salesdw-demo.fr",
            role=role,
            team=rng.choice(TEAMS),
            hired_at=hired,
            left_at=left,
            quota=rng.choice((8000, 12000, 15000, 20000, 30000)),
        )
        world.reps.append(rep)
        _rep_versions(world, rng, rep)


def _rep_versions(world: World, rng: random.Random, rep: Rep) -> None:
    def employee(leave: dt.date | None) -> dict:
        return {
            "employee_id": rep.employee_id,
            "full_name": rep.full_name,
            "email": rep.email,
            "role": rep.role,
            "team": rep.team,
            "hire_date": rep.hired_at.date(),
            "leave_date": leave,
            "monthly_quota": rep.quota,
        }

    def user(active: bool) -> dict:
        crm_role = {
            "AE": "Account Executive",
            "SDR": "Sales Development",
            "MDR": "Marketing Development",
            "manager": "Sales Manager",
        }.get(rep.role, "Other")
        return {
            "user_id": rep.user_id,
            "full_name": rep.full_name,
            "email": rep.email,
            "role": crm_role,
            "is_active": active,
        }

    world.add("erp__employees", rep.hired_at - dt.timedelta(days=7), employee(None))
    world.add("crm__users", rep.hired_at, user(True))
    if rep.left_at is not None:
        world.add(
            "erp__employees",
            rep.left_at - dt.timedelta(days=rng.randint(5, 20)),
            employee(rep.left_at.date()),
        )
        world.add("crm__users", rep.left_at + dt.timedelta(hours=1), user(False))


def _active_reps(world: World, at: dt.datetime, roles: tuple[str, ...] = ("AE",)) -> list[Rep]:
    """Reps of these roles employed on that day (cached per day: it is asked millions of times)."""
    day = at.date()
    cached = world._reps_by_day.get((day, roles))
    if cached is None:
        cached = [
            r
            for r in world.reps
            if r.role in roles
            and r.hired_at.date() <= day
            and (r.left_at is None or r.left_at.date() > day)
        ]
        cached = cached or [r for r in world.reps if r.role in roles][:1]
        world._reps_by_day[(day, roles)] = cached
    return cached


# --- clients ------------------------------------------------------------------------------


def _make_clients(world: World, rng: random.Random, scale: int) -> None:
    n = 2000 * scale
    used_domains: dict[str, int] = {}
    horizon_days = (world.horizon - dt.datetime.combine(world.history_start, dt.time())).days
    bases: list[str] = []
    by_base: dict[str, list[Client]] = {}
    for i in range(n):
        # Some names are deliberately reused by another company; others collide by chance.
        base = rng.choice(bases) if bases and rng.random() < 0.02 else idn.base_name(rng)
        bases.append(base)
        foreign = rng.random() < 0.07
        if foreign:
            country, currency, forms, cities = rng.choice(idn.FOREIGN)
            legal_form, city = rng.choice(forms), rng.choice(cities)
            postcode, siren = str(rng.randint(10000, 99999)), ""
        else:
            country, currency = "FR", "EUR"
            legal_form = rng.choice(idn.FR_LEGAL_FORMS)
            city, postcode, _ = rng.choice(idn.CITIES)
            siren = idn.make_siren(rng)
        domain = idn.slug(base.replace(" et ", "-"))[:24] or "entreprise"
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
            acquired = _ts(world.start + dt.timedelta(days=rng.randrange(world.days)), rng)
        else:
            acquired = _ts(
                world.history_start + dt.timedelta(days=rng.randrange(horizon_days - world.days)),
                rng,
            )
        systems = _pick(
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
            street=f"{rng.randint(1, 180)} {rng.choice(idn.STREETS)}",
            phone=f"0{area[1]}{rng.randint(10_000_000, 99_999_999)}",
            segment=_pick(rng, SEGMENTS),
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


def _erp_reference_data(world: World, rng: random.Random, scale: int) -> None:
    for pid, name, family, recurring, period, price in PRODUCTS:
        at = dt.datetime.combine(world.history_start, dt.time(9))
        world.add(
            "erp__products",
            at,
            {
                "product_id": pid,
                "product_name": name,
                "family": family,
                "is_recurring": recurring,
                "billing_period": period,
                "list_price": float(price),
            },
        )
    # One list price rises during the window: an update in a delta.
    world.add(
        "erp__products",
        _ts(world.start + dt.timedelta(days=world.days // 2), rng),
        {
            "product_id": "P02",
            "product_name": "Abonnement Pro",
            "family": "logiciel",
            "is_recurring": True,
            "billing_period": "monthly",
            "list_price": 159.0,
        },
    )
    rates = dict(FX_START)
    day = world.history_start
    while day <= world.end:
        if day.weekday() < 5:
            for currency in ("USD", "GBP", "CHF"):
                rates[currency] *= 1 + rng.gauss(0, 0.004)
                world.add(
                    "erp__exchange_rates",
                    dt.datetime.combine(day, dt.time(16)),
                    {
                        "currency": currency,
                        "rate_date": day,
                        "eur_per_unit": round(rates[currency], 6),
                    },
                )
        n_expenses = rng.randint(1, 4) * scale if day.weekday() < 5 else 0
        for _ in range(n_expenses):
            category, channel, typical = rng.choice(EXPENSES)
            at = _ts(day, rng)
            world.add(
                "erp__expenses",
                at,
                {
                    "expense_id": f"X{len(world.versions.get('erp__expenses', [])) + 1:07d}",
                    "expense_date": day,
                    "category": category,
                    "channel": channel,
                    "amount": round(typical * rng.uniform(0.4, 1.6), 2),
                    "currency": "EUR",
                },
            )
        day += dt.timedelta(days=1)


# --- one client's life across the three systems ---------------------------------------------


def _client_life(world: World, rng: random.Random, client: Client) -> None:
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
        _subscriptions(world, rng, client, erp_ids)
        _quotes_and_orders(world, rng, client, erp_ids)
    for account_id, created in accounts:
        _crm_activity(world, rng, client, account_id, created)
    if org is not None:
        _support_activity(world, rng, *org)
    if rng.random() < 0.4:
        _lead(world, rng, client, converted=bool(accounts))


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
    name, messiness = idn.spell(rng, client.base, client.legal_form, "erp")
    siren, siren_status = client.siren, "valid"
    if not client.siren:
        siren_status = "n/a"
    else:
        roll = rng.random()
        if roll < 0.07:
            siren, siren_status = idn.corrupt_siren(rng, client.siren), "wrong"
        elif roll < 0.15:
            siren, siren_status = "", "missing"
    if siren and rng.random() < 0.3:
        siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    vat = idn.fr_vat(client.siren) if client.siren and rng.random() < 0.7 else ""
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
        "phone": idn.phone_variant(rng, client.phone),
        "email": f"compta@{client.domain}" if rng.random() < 0.6 else "",
        "website": f"www.{client.domain}" if rng.random() < 0.3 else "",
        "created_at": created,
        "is_deleted": False,
    }
    world.add("erp__customers", created, dict(row))
    if rng.random() < 0.05:  # the billing address changes once
        moved = dict(row, address=f"{rng.randint(1, 180)} {rng.choice(idn.STREETS)}")
        world.add(
            "erp__customers",
            _ts(_day(created) + dt.timedelta(days=rng.randint(30, 900)), rng),
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
    name, messiness = idn.spell(rng, client.base, client.legal_form, "crm")
    created = client.acquired_at - dt.timedelta(days=rng.randint(0, 180))
    if k == 1:
        created += dt.timedelta(days=rng.randint(30, 400))
    if created >= world.horizon:
        return None  # this duplicate account would only be created after the window
    owner = rng.choice(_active_reps(world, created))
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
        "phone": idn.phone_variant(rng, client.phone) if rng.random() < 0.7 else "",
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
                for r in _active_reps(world, reassigned)
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
    first, last = rng.choice(idn.FIRST_NAMES), rng.choice(idn.SURNAMES)
    domain = client.domain if rng.random() < 0.85 else rng.choice(idn.FREE_MAIL_DOMAINS)
    cid = f"003C{len(world.versions.get('crm__contacts', [])) + 1:07d}"
    row = {
        "contact_id": cid,
        "account_id": account_id,
        "first_name": first,
        "last_name": last,
        "email": f"{idn.slug(first)}.{idn.slug(last)}@{domain}",
        "phone": idn.phone_variant(rng, client.phone),
        "job_title": rng.choice(idn.JOB_TITLES),
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
    name, messiness = idn.spell(rng, client.base, client.legal_form, "support")
    free = rng.random() < 0.25
    domains = [rng.choice(idn.FREE_MAIL_DOMAINS)] if free else [client.domain]
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


# --- ERP: subscriptions, invoices, quotes, orders --------------------------------------------


def _subscriptions(world: World, rng: random.Random, client: Client, erp_ids: list[str]) -> None:
    lo, hi = MONTHLY_PRICE[client.segment]
    mrr = rng.randint(lo, hi)
    month = _add_months(client.acquired_at.date(), 0)
    horizon_month = _add_months(world.end, 1)
    active_since: dt.date | None = month
    erp_id = erp_ids[0]
    annual = rng.random() < 0.3
    while month < horizon_month:
        nxt = _add_months(month, 1)
        roll = rng.random()
        if active_since is not None:
            change = None
            if roll < 0.03:
                change = ("expansion", int(mrr * rng.uniform(1.2, 1.8)))
            elif roll < 0.05:
                change = ("contraction", max(lo // 2, int(mrr * rng.uniform(0.5, 0.85))))
            elif roll < 0.065:
                change = ("churn", 0)
            if change is not None or nxt >= horizon_month:
                end = _month_end(month) if change is not None else None
                status = {None: "active", "churn": "cancelled"}.get(change and change[0], "ended")
                # A duplicate ERP customer bills half of the later subscriptions.
                owner = erp_ids[-1] if len(erp_ids) > 1 and rng.random() < 0.5 else erp_id
                _subscription(world, rng, client, owner, active_since, end, mrr, annual, status)
                if change is None:
                    break
                if change[0] == "churn":
                    active_since = None
                    comeback = rng.random() < 0.4
                    if comeback:
                        month = _add_months(nxt, rng.randint(1, 7))
                        if month < horizon_month:
                            active_since = month
                            mrr = rng.randint(lo, hi)
                        continue
                    break
                mrr = change[1]
                active_since = nxt
        month = nxt


def _subscription(
    world: World,
    rng: random.Random,
    client: Client,
    erp_id: str,
    start: dt.date,
    end: dt.date | None,
    mrr: int,
    annual: bool,
    status: str,
) -> None:
    sid = f"AB{len(world.versions.get('erp__subscriptions', [])) + 1:07d}"
    product = (
        ("P05" if client.segment == "Enterprise" else "P04")
        if annual
        else {"SMB": "P02", "Mid-Market": "P02", "Enterprise": "P03"}[client.segment]
    )
    amount = float(mrr * 12) if annual else float(mrr)
    created = _ts(start - dt.timedelta(days=rng.randint(1, 10)), rng)
    row = {
        "subscription_id": sid,
        "customer_id": erp_id,
        "product_id": product,
        "start_date": start,
        "end_date": None,
        "billing_period": "annual" if annual else "monthly",
        "amount": amount,
        "currency": client.currency,
        "status": "active",
    }
    world.add("erp__subscriptions", created, dict(row))
    if end is not None:
        closed = _ts(end - dt.timedelta(days=rng.randint(0, 12)), rng)
        world.add(
            "erp__subscriptions",
            max(closed, created + dt.timedelta(hours=1)),
            dict(row, end_date=end, status=status),
        )
    _invoices(world, rng, client, erp_id, sid, product, start, end, amount, annual)


def _invoices(
    world: World,
    rng: random.Random,
    client: Client,
    erp_id: str,
    sid: str,
    product: str,
    start: dt.date,
    end: dt.date | None,
    amount: float,
    annual: bool,
) -> None:
    # Invoice history starts a year before the first extract: enough for a fallback, and
    # keeps scale 10 fast.
    first_invoice_month = _add_months(world.start, -12)
    month = start
    last = end or world.end
    while month <= last:
        if month >= first_invoice_month and (not annual or month.month == start.month):
            inv_no = len(world.versions.get("erp__invoices", [])) + 1
            iid = f"FA{inv_no:08d}"
            at = _ts(month, rng)
            net = round(amount, 2)
            tax = round(net * 0.2, 2)
            paid = month < world.start - dt.timedelta(days=45) or rng.random() < 0.3
            status = "paid" if paid else rng.choice(("issued", "issued", "overdue"))
            world.add(
                "erp__invoices",
                at,
                {
                    "invoice_id": iid,
                    "customer_id": erp_id,
                    "invoice_date": month,
                    "due_date": month + dt.timedelta(days=30),
                    "currency": client.currency,
                    "total_excl_tax": net,
                    "tax": tax,
                    "total_incl_tax": round(net + tax, 2),
                    "status": status,
                },
            )
            world.add(
                "erp__invoice_lines",
                at,
                {
                    "invoice_line_id": f"{iid}-1",
                    "invoice_id": iid,
                    "product_id": product,
                    "subscription_id": sid,
                    "quantity": 1.0,
                    "unit_price": net,
                    "discount_pct": 0.0,
                    "amount_excl_tax": net,
                },
            )
        month = _add_months(month, 1)


def _quotes_and_orders(
    world: World, rng: random.Random, client: Client, erp_ids: list[str]
) -> None:
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        qid = f"DV{len(world.versions.get('erp__quotes', [])) + 1:07d}"
        day = client.acquired_at.date() + dt.timedelta(days=rng.randint(-60, 700))
        at = _ts(day, rng)
        row = {
            "quote_id": qid,
            "customer_id": erp_ids[0],
            "quote_date": day,
            "amount": float(rng.randint(300, 30000)),
            "currency": client.currency,
            "status": "sent",
            "refusal_reason": "",
            "refusal_detail": "",
        }
        world.add("erp__quotes", at, dict(row))
        outcome = _pick(
            rng, (("accepted", 0.45), ("refused", 0.3), ("expired", 0.15), ("sent", 0.10))
        )
        if outcome != "sent":
            decided = at + dt.timedelta(days=rng.randint(2, 40))
            if outcome == "refused":
                reason, detail = rng.choice(QUOTE_REFUSALS)
                row.update(refusal_reason=reason, refusal_detail=detail)
            row["status"] = outcome
            world.add("erp__quotes", decided, dict(row))
            if outcome == "refused" and decided < world.horizon:
                world.fact(
                    "lost_requests",
                    kind="refused_quote",
                    request_id=qid,
                    raw_reason=row["refusal_reason"],
                )
    for _ in range(rng.choice((0, 0, 1, 2))):
        oid = f"CM{len(world.versions.get('erp__orders', [])) + 1:07d}"
        day = client.acquired_at.date() + dt.timedelta(days=rng.randint(0, 800))
        promised = day + dt.timedelta(days=rng.randint(5, 30))
        late = rng.random() < 0.18
        delivered = promised + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 4))
        row = {
            "order_id": oid,
            "customer_id": erp_ids[0],
            "order_date": day,
            "promised_date": promised,
            "delivered_date": None,
            "status": "open",
            "amount_excl_tax": float(rng.randint(200, 8000)),
        }
        world.add("erp__orders", _ts(day, rng), dict(row))
        delivered_at = _ts(delivered, rng)
        world.add(
            "erp__orders", delivered_at, dict(row, delivered_date=delivered, status="delivered")
        )
        if late and delivered_at < world.horizon:
            world.fact("late_deliveries", order_id=oid, days_late=(delivered - promised).days)


# --- CRM: opportunities, activities, leads, forecasts ----------------------------------------


def _crm_activity(
    world: World, rng: random.Random, client: Client, account_id: str, created: dt.datetime
) -> None:
    span_days = max((world.horizon - created).days, 1)
    n_opps = min(1 + int(span_days / 365 * rng.uniform(0.5, 2.0)), 6)
    for _ in range(n_opps):
        opened = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 8))
        _opportunity(world, rng, client, account_id, opened)
    n_acts = int(span_days / 60 * rng.uniform(0.3, 1.5))
    contacts = [
        v["contact_id"]
        for v in world.versions.get("crm__contacts", [])[-4:]
        if v["account_id"] == account_id
    ]
    for _ in range(n_acts):
        at = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9))
        kind = _pick(rng, (("email", 0.4), ("call", 0.3), ("meeting", 0.15), ("note", 0.15)))
        owner = rng.choice(_active_reps(world, at))
        emit = None
        if at >= dt.datetime.combine(world.start, dt.time()) and rng.random() < 0.08:
            emit = at.date() + dt.timedelta(days=rng.randint(1, 3))  # synced late
        world.add(
            "crm__activities",
            at,
            {
                "activity_id": f"00T{len(world.versions.get('crm__activities', [])) + 1:08d}",
                "account_id": account_id,
                "opportunity_id": "",
                "contact_id": rng.choice(contacts) if contacts else "",
                "owner_id": owner.user_id,
                "activity_type": kind,
                "occurred_at": at,
                "subject": {
                    "email": "Relance proposition",
                    "call": "Point téléphonique",
                    "meeting": "Rendez-vous client",
                    "note": "Compte rendu",
                }[kind],
                "notes": rng.choice(
                    (
                        "Client intéressé; rappeler en fin de mois",
                        "Demande une démo du module reporting",
                        "Budget validé par la direction",
                        "Attente retour DAF",
                        "",
                    )
                )
                if kind in ("note", "meeting")
                else "",
            },
            emit,
        )


def _opportunity(
    world: World, rng: random.Random, client: Client, account_id: str, opened: dt.datetime
) -> None:
    opp_id = f"006O{len(world.versions.get('crm__opportunities', [])) + 1:07d}"
    owner = rng.choice(_active_reps(world, opened))
    amount = float(rng.randint(*MONTHLY_PRICE[client.segment]) * rng.choice((3, 6, 12, 12, 24)))
    close = (opened + dt.timedelta(days=rng.randint(30, 120))).date()
    row = {
        "opportunity_id": opp_id,
        "account_id": account_id,
        "owner_id": owner.user_id,
        "opportunity_name": f"{client.base} - {rng.choice(OPPORTUNITY_KINDS)}",
        "request_type": rng.choice(("Nouveau client", "Extension", "Renouvellement", "Services")),
        "amount": amount,
        "currency": client.currency,
        "stage": CRM_STAGES[0],
        "probability": float(STAGE_PROBABILITY[0]),
        "forecast_category": "pipeline",
        "expected_close_date": close,
        "created_at": opened,
        "closed_at": None,
        "is_won": False,
        "lost_reason": "",
        "lost_reason_detail": "",
        "competitor": "",
        "is_deleted": False,
    }
    world.add("crm__opportunities", opened, dict(row))
    outcome = _pick(rng, (("won", 0.38), ("lost", 0.42), ("open", 0.20)))
    at, stage, slips, regressions, skipped = opened, 0, 0, 0, 0
    slip_budget = _pick(rng, (("0", 0.65), ("1", 0.22), ("2", 0.09), ("3", 0.04)))
    target = len(CRM_STAGES) - 1 if outcome != "lost" else rng.randrange(len(CRM_STAGES))
    while stage < target:
        at += dt.timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 5))
        if at >= world.horizon:
            break
        step = 2 if rng.random() < 0.08 and stage + 2 <= target else 1
        if stage >= 2 and rng.random() < 0.07:
            step = -1
            regressions += 1
        skipped += step == 2
        old_stage = row["stage"]
        stage += step
        row.update(
            stage=CRM_STAGES[stage],
            probability=float(STAGE_PROBABILITY[stage]),
            forecast_category="commit" if stage >= 4 else "best_case" if stage >= 2 else "pipeline",
        )
        _opportunity_change(world, rng, row, at, "stage", old_stage, row["stage"], owner)
        if slips < int(slip_budget) and rng.random() < 0.5:
            at += dt.timedelta(hours=rng.randint(1, 30))
            if at >= world.horizon:
                break
            old_close = row["expected_close_date"]
            row["expected_close_date"] = _add_months(old_close, 1) + dt.timedelta(
                days=rng.randint(0, 27)
            )
            slips += 1
            _opportunity_change(
                world,
                rng,
                row,
                at,
                "expected_close_date",
                old_close.isoformat(),
                row["expected_close_date"].isoformat(),
                owner,
            )
    if outcome != "open" and at < world.horizon:
        at += dt.timedelta(days=rng.randint(2, 20))
        old_stage = row["stage"]
        row.update(
            closed_at=at,
            is_won=outcome == "won",
            stage=WON if outcome == "won" else LOST,
            probability=100.0 if outcome == "won" else 0.0,
            forecast_category="closed",
        )
        if outcome == "lost":
            reason, detail = rng.choice(LOST_REASONS)
            row.update(
                lost_reason=reason,
                lost_reason_detail=detail,
                competitor=rng.choice(COMPETITORS) if "oncurrent" in reason else "",
            )
        _opportunity_change(world, rng, row, at, "stage", old_stage, row["stage"], owner)
        if outcome == "lost" and at < world.horizon:
            world.fact(
                "lost_requests",
                kind="lost_opportunity",
                request_id=opp_id,
                raw_reason=row["lost_reason"],
            )
    if slips and opened < world.horizon:
        world.fact("slipped_deals", opportunity_id=opp_id, slip_count=slips)
    if (
        outcome == "open"
        and not slips
        and at >= dt.datetime.combine(world.start, dt.time())
        and rng.random() < 0.05
    ):
        world.add("crm__opportunities", at + dt.timedelta(hours=2), dict(row, is_deleted=True))


def _opportunity_change(
    world: World,
    rng: random.Random,
    row: dict,
    at: dt.datetime,
    field_name: str,
    old: str,
    new: str,
    owner: Rep,
) -> None:
    world.add("crm__opportunities", at, dict(row))
    # The CRM's field history misses about one change in ten of those made during the
    # extract window: the warehouse's own daily versions must fill the gap. The history
    # delivered with the first extract is complete (a change missed before any extract would
    # leave no trace at all, and the ground truth could not be reproduced).
    missed = rng.random() >= 0.9
    if not missed or at < dt.datetime.combine(world.start, dt.time()):
        world.add(
            "crm__opportunity_history",
            at,
            {
                "history_id": "017H"
                f"{len(world.versions.get('crm__opportunity_history', [])) + 1:08d}",
                "opportunity_id": row["opportunity_id"],
                "field": field_name,
                "old_value": old,
                "new_value": new,
                "changed_at": at,
                "changed_by": owner.user_id,
            },
        )


def _lead(world: World, rng: random.Random, client: Client, converted: bool) -> None:
    lead_id = f"00Q{len(world.versions.get('crm__leads', [])) + 1:08d}"
    created = client.acquired_at - dt.timedelta(days=rng.randint(10, 200))
    name, _ = idn.spell(rng, client.base, client.legal_form, "crm")
    owner = rng.choice(_active_reps(world, created, ("SDR", "MDR", "AE")))
    row = {
        "lead_id": lead_id,
        "company_name": name,
        "email": f"contact@{client.domain}"
        if rng.random() < 0.7
        else f"{idn.slug(client.base)[:10]}@{rng.choice(idn.FREE_MAIL_DOMAINS)}",
        "source_channel": rng.choice(LEAD_CHANNELS),
        "status": "new",
        "disqualification_reason": "",
        "disqualification_detail": "",
        "converted_opportunity_id": "",
        "owner_id": owner.user_id,
        "created_at": created,
    }
    world.add("crm__leads", created, dict(row))
    worked = created + dt.timedelta(days=rng.randint(1, 10))
    world.add("crm__leads", worked, dict(row, status="working"))
    end = worked + dt.timedelta(days=rng.randint(3, 40))
    if not converted and rng.random() < 0.7:
        reason, detail = rng.choice(DISQUALIFICATIONS)
        world.add(
            "crm__leads",
            end,
            dict(
                row,
                status="disqualified",
                disqualification_reason=reason,
                disqualification_detail=detail,
            ),
        )
        if end < world.horizon:
            world.fact(
                "lost_requests", kind="disqualified_lead", request_id=lead_id, raw_reason=reason
            )
    elif converted:
        world.add("crm__leads", end, dict(row, status="converted"))


def make_forecasts(world: World, rng: random.Random) -> None:
    """Each active AE submits a commit and a best-case forecast at the start of each month."""
    month = _add_months(world.start, -12)
    while month <= world.end:
        for rep in _active_reps(world, dt.datetime.combine(month, dt.time(8))):
            for category, factor in (("commit", 0.8), ("best_case", 1.2)):
                at = _ts(month + dt.timedelta(days=rng.randint(0, 3)), rng)
                world.add(
                    "crm__forecasts",
                    at,
                    {
                        "forecast_id": f"FC{len(world.versions.get('crm__forecasts', [])) + 1:07d}",
                        "owner_id": rep.user_id,
                        "period_start": month,
                        "period_end": _month_end(month),
                        # a share of the quota until _anchor_forecasts knows what was won
                        "forecast_amount": round(rep.quota * factor * rng.uniform(0.6, 1.4), 2),
                        "_factor": factor,
                        "currency": "EUR",
                        "category": category,
                        "submitted_at": at,
                    },
                )
        month = _add_months(month, 1)


def _anchor_forecasts(world: World) -> None:
    """Reps forecast what they will close: once the deals are played out, each forecast
    becomes the rep's amount won that month times its category factor (0.8 commit, 1.2 best
    case) and the noise drawn with it; a month with nothing won keeps its quota-based
    forecast (a forecast with no actuals). The random draws are unchanged."""
    won: dict[str, tuple[str, dt.date, float]] = {}
    for row in world.versions.get("crm__opportunities", []):
        if row.get("is_won") and row.get("closed_at") and not row.get("is_deleted"):
            closed = row["closed_at"]
            won[row["opportunity_id"]] = (
                row["owner_id"],
                closed.date().replace(day=1),
                row["amount"],
            )
    by_rep_month: dict[tuple[str, dt.date], float] = {}
    for owner, month, amount in won.values():
        by_rep_month[owner, month] = by_rep_month.get((owner, month), 0.0) + amount
    quota = {rep.user_id: rep.quota for rep in world.reps}
    for row in world.versions.get("crm__forecasts", []):
        factor = row.pop("_factor")
        actual = by_rep_month.get((row["owner_id"], row["period_start"]))
        if actual:
            noise = row["forecast_amount"] / (quota[row["owner_id"]] * factor)
            row["forecast_amount"] = round(actual * factor * noise, 2)


# --- support --------------------------------------------------------------------------------


def _support_activity(
    world: World, rng: random.Random, org_id: str, created: dt.datetime, domain: str
) -> None:
    span_days = max((world.horizon - created).days, 1)
    for _ in range(int(span_days / 90 * rng.uniform(0.2, 2.0))):
        _ticket(
            world,
            rng,
            org_id,
            domain,
            created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9)),
        )
    respondents = [f"{idn.slug(rng.choice(idn.FIRST_NAMES))}@{domain}" for _ in range(2)]
    for _ in range(int(span_days / 180 * rng.uniform(0.3, 1.5))):
        at = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9))
        who = rng.choice(respondents)
        _survey(world, rng, org_id, who, at)
        if rng.random() < 0.08:  # the same person answers again within the month
            _survey(world, rng, org_id, who, at + dt.timedelta(days=rng.randint(1, 12)))


def _survey(world: World, rng: random.Random, org_id: str, who: str, at: dt.datetime) -> None:
    score = _pick(
        rng,
        (
            ("10", 0.18),
            ("9", 0.2),
            ("8", 0.2),
            ("7", 0.14),
            ("6", 0.08),
            ("5", 0.06),
            ("4", 0.05),
            ("3", 0.04),
            ("2", 0.02),
            ("1", 0.015),
            ("0", 0.015),
        ),
    )
    world.add(
        "support__surveys",
        at,
        {
            "response_id": str(900000 + len(world.versions.get("support__surveys", []))),
            "organization_id": org_id,
            "respondent_email": who,
            "score": int(score),
            "comment": rng.choice(SURVEY_COMMENTS),
            "responded_at": at,
        },
    )


def _ticket(
    world: World, rng: random.Random, org_id: str, domain: str, created: dt.datetime
) -> None:
    tid = str(50000 + len(world.versions.get("support__tickets", [])))
    priority = _pick(rng, (("low", 0.25), ("normal", 0.5), ("high", 0.18), ("urgent", 0.07)))
    sla_first, sla_solve = SLA_MINUTES[priority]
    breach_first = rng.random() < 0.12
    breach_solve = rng.random() < 0.15
    first = created + dt.timedelta(
        minutes=int(sla_first * (rng.uniform(1.1, 3) if breach_first else rng.uniform(0.05, 0.95)))
    )
    solved = created + dt.timedelta(
        minutes=int(sla_solve * (rng.uniform(1.1, 4) if breach_solve else rng.uniform(0.2, 0.95)))
    )
    solved = max(solved, first + dt.timedelta(minutes=5))
    row = {
        "ticket_id": tid,
        "organization_id": org_id,
        "requester_email": f"{idn.slug(rng.choice(idn.FIRST_NAMES))}@{domain}",
        "subject": rng.choice(
            (
                "Impossible de se connecter",
                "Erreur sur facture",
                "Question sur l'export",
                "Demande de formation",
                "Livraison non reçue",
                "Lenteurs de l'application",
            )
        ),
        "category": rng.choice(TICKET_CATEGORIES),
        "priority": priority,
        "channel": rng.choice(TICKET_CHANNELS),
        "status": "new",
        "created_at": created,
        "first_response_at": None,
        "solved_at": None,
        "sla_first_response_minutes": sla_first,
        "sla_resolution_minutes": sla_solve,
    }
    world.add("support__tickets", created, dict(row))
    row.update(status="open", first_response_at=first)
    world.add("support__tickets", first, dict(row))
    row.update(status="solved", solved_at=solved)
    world.add("support__tickets", solved, dict(row))
    if created < world.horizon and (
        (breach_first and first < world.horizon) or (breach_solve and solved < world.horizon)
    ):
        world.fact(
            "breached_tickets",
            ticket_id=tid,
            first_response_breached=breach_first and first < world.horizon,
            resolution_breached=breach_solve and solved < world.horizon,
        )

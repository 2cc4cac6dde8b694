"""Who the clients are: names, identifiers and contact details, true and as each system spells them.

Everything here is a pure function of a ``random.Random`` passed in, so that a seed gives the
same world on every machine (no set iteration over strings, no wall clock).
"""

from __future__ import annotations

import random
import unicodedata

SURNAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Leclercq",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodriguez",
    "Da Silva",
    "Hubert",
    "Louis",
    "Charles",
    "Guillot",
    "Rivière",
    "Le Gall",
    "Guillaume",
    "Adam",
    "Rey",
    "Moulin",
    "Gonzalez",
    "Berger",
    "Lecomte",
    "Menard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Julien",
    "Benoît",
    "Paris",
    "Maillard",
    "Marchal",
    "Aubry",
    "Vasseur",
    "Le Roux",
    "Renault",
    "Jacquet",
    "Collet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Baron",
    "Dupuy",
    "Pons",
    "Paul",
    "Laine",
    "Carré",
    "Breton",
    "Rémy",
    "Schneider",
    "Perrot",
    "Guyot",
    "Barre",
    "Marty",
    "Cousin",
)
TRADES = (
    "Transports",
    "Boulangerie",
    "Menuiserie",
    "Plomberie",
    "Imprimerie",
    "Garage",
    "Pharmacie",
    "Cabinet",
    "Bâtiment",
    "Électricité",
    "Charpente",
    "Maçonnerie",
    "Logistique",
    "Distribution",
    "Conseil",
    "Informatique",
    "Solutions",
    "Services",
    "Industries",
    "Ateliers",
    "Laboratoires",
    "Hôtellerie",
    "Restauration",
    "Nettoyage",
    "Sécurité",
    "Emballages",
    "Matériaux",
    "Chaudronnerie",
    "Mécanique",
    "Peinture",
    "Jardins",
    "Fromagerie",
    "Vignobles",
    "Brasserie",
    "Textiles",
    "Cosmétiques",
    "Optique",
    "Ambulances",
    "Déménagements",
    "Carrosserie",
    "Couverture",
    "Isolation",
    "Travaux Publics",
    "Expertise Comptable",
    "Architecture",
    "Ingénierie",
    "Télécoms",
    "Énergies",
    "Agencement",
    "Signalétique",
)
PLACES = (
    "Lyon",
    "Provence",
    "Bretagne",
    "Alsace",
    "Normandie",
    "Savoie",
    "Aquitaine",
    "Loire",
    "Vendée",
    "Picardie",
    "Champagne",
    "Bourgogne",
    "Auvergne",
    "Occitanie",
    "Touraine",
    "Anjou",
    "Berry",
    "Limousin",
    "Gascogne",
    "Lorraine",
    "Artois",
    "Flandres",
    "Quercy",
    "Périgord",
    "Cévennes",
    "Vercors",
    "Jura",
    "Morvan",
    "Sologne",
    "Camargue",
)
SYLLABLES = (
    "al",
    "ba",
    "ce",
    "do",
    "ex",
    "fi",
    "ga",
    "hy",
    "io",
    "ka",
    "lu",
    "me",
    "no",
    "ox",
    "pa",
    "qui",
    "ra",
    "so",
    "ti",
    "ul",
    "va",
    "xe",
    "zo",
    "tec",
    "via",
    "nov",
    "lia",
    "sys",
    "gen",
    "tra",
    "ver",
    "mar",
    "sol",
    "neo",
    "pro",
    "tri",
    "cor",
    "syn",
    "dia",
    "kin",
)
CITIES = (
    ("Paris", "75008", "01"),
    ("Paris", "75011", "01"),
    ("Paris", "75015", "01"),
    ("Lyon", "69003", "04"),
    ("Lyon", "69007", "04"),
    ("Marseille", "13008", "04"),
    ("Toulouse", "31000", "05"),
    ("Nice", "06000", "04"),
    ("Nantes", "44000", "02"),
    ("Strasbourg", "67000", "03"),
    ("Montpellier", "34000", "04"),
    ("Bordeaux", "33000", "05"),
    ("Lille", "59000", "03"),
    ("Rennes", "35000", "02"),
    ("Reims", "51100", "03"),
    ("Saint-Étienne", "42000", "04"),
    ("Le Havre", "76600", "02"),
    ("Grenoble", "38000", "04"),
    ("Dijon", "21000", "03"),
    ("Angers", "49000", "02"),
    ("Nîmes", "30000", "04"),
    ("Clermont-Ferrand", "63000", "04"),
    ("Aix-en-Provence", "13100", "04"),
    ("Brest", "29200", "02"),
    ("Tours", "37000", "02"),
    ("Amiens", "80000", "03"),
    ("Limoges", "87000", "05"),
    ("Annecy", "74000", "04"),
    ("Perpignan", "66000", "04"),
    ("Metz", "57000", "03"),
    ("Besançon", "25000", "03"),
    ("Orléans", "45000", "02"),
    ("Rouen", "76000", "02"),
    ("Mulhouse", "68100", "03"),
    ("Caen", "14000", "02"),
    ("Nancy", "54000", "03"),
    ("Bourg-en-Bresse", "01000", "04"),
    ("Ajaccio", "20000", "04"),
)
STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue du Général de Gaulle",
    "place de la Mairie",
    "rue Pasteur",
    "allée des Tilleuls",
    "chemin des Vignes",
    "rue de la Gare",
    "avenue de la Libération",
    "rue Nationale",
    "quai de la Loire",
    "rue des Écoles",
    "impasse du Moulin",
    "route de Lyon",
)
FOREIGN = (
    # (country, currency, legal forms, cities)
    ("DE", "EUR", ("GmbH", "AG"), ("Berlin", "München", "Hamburg")),
    ("GB", "GBP", ("Ltd", "Limited", "PLC"), ("London", "Manchester", "Leeds")),
    ("US", "USD", ("Inc", "LLC", "Corp"), ("New York", "Boston", "Chicago")),
    ("CH", "CHF", ("SA", "AG", "GmbH"), ("Genève", "Zürich", "Lausanne")),
    ("NL", "EUR", ("BV", "NV"), ("Amsterdam", "Rotterdam", "Utrecht")),
    ("IT", "EUR", ("SpA", "Srl"), ("Milano", "Torino", "Roma")),
)
FR_LEGAL_FORMS = ("SAS", "SARL", "SA", "EURL", "SASU", "SNC", "SCI")
FREE_MAIL_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "hotmail.fr",
    "yahoo.fr",
    "laposte.net",
    "sfr.fr",
    "outlook.fr",
)
FIRST_NAMES = (
    "Marie",
    "Jean",
    "Pierre",
    "Sophie",
    "Nicolas",
    "Isabelle",
    "Julien",
    "Camille",
    "Thomas",
    "Claire",
    "Antoine",
    "Émilie",
    "Hugo",
    "Léa",
    "Louis",
    "Chloé",
    "Mathieu",
    "Manon",
    "Olivier",
    "Sarah",
    "François",
    "Céline",
    "Éric",
    "Hélène",
    "Laurent",
    "Nathalie",
    "Sébastien",
    "Aurélie",
    "Benoît",
    "Inès",
)
JOB_TITLES = (
    "Directeur général",
    "Directrice administrative et financière",
    "Responsable achats",
    "DSI",
    "Office manager",
    "Gérant",
    "Responsable logistique",
    "Comptable",
    "Directeur commercial",
    "Assistante de direction",
)


class FastRandom(random.Random):
    """random.Random with cheaper integer draws, all derived from ``random()``.

    The standard ``randint``/``choice`` reject-sample on ``getrandbits`` and cost three times
    as much; the generator draws millions of them. Still deterministic for a seed.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def slug(text: str) -> str:
    """ASCII lower-case letters and digits only: for domains and e-mail local parts."""
    return "".join(ch for ch in strip_accents(text).lower() if ch.isalnum())


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def make_siren(rng: random.Random) -> str:
    """A random 9-digit SIREN with a valid Luhn check digit."""
    stem = str(rng.randint(30_000_000, 99_999_999))
    for last in range(10):
        if luhn_valid(stem + str(last)):
            return stem + str(last)
    raise AssertionError("a Luhn check digit always exists")


def corrupt_siren(rng: random.Random, siren: str) -> str:
    """A plausible typo of a SIREN that no longer passes Luhn (transposition or a wrong digit)."""
    while True:
        digits = list(siren)
        if rng.random() < 0.5:
            i = rng.randrange(8)
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        else:
            i = rng.randrange(9)
            digits[i] = str((int(digits[i]) + rng.randint(1, 9)) % 10)
        candidate = "".join(digits)
        if candidate != siren and not luhn_valid(candidate):
            return candidate


def fr_vat(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def invented_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def base_name(rng: random.Random) -> str:
    """The distinctive part of a company name, without legal form."""
    shape = rng.random()
    if shape < 0.30:
        return f"{rng.choice(TRADES)} {rng.choice(SURNAMES)}"
    if shape < 0.45:
        return f"{rng.choice(SURNAMES)} et Fils"
    if shape < 0.60:
        return f"{rng.choice(TRADES)} de {rng.choice(PLACES)}"
    if shape < 0.75:
        return f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    if shape < 0.85:
        return f"Compagnie {rng.choice(TRADES)} {rng.choice(SURNAMES)}"
    suffix = rng.choice(
        ("Solutions", "International", "Systems", "Technologies", "Conseil", "Industries")
    )
    return f"{invented_word(rng)} {suffix}"


# --- How each system spells a name -------------------------------------------------------

ABBREVIATIONS = (
    ("Compagnie", "Cie"),
    ("International", "Intl"),
    ("Saint", "St"),
    ("Établissements", "Ets"),
    ("Société", "Sté"),
    ("Technologies", "Techno"),
)


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def spell(rng: random.Random, base: str, legal_form: str, style: str) -> tuple[str, list[str]]:
    """One system's spelling of a company name, and the list of messiness kinds applied.

    ``style`` is the system's habit: the ERP writes legal names, often upper case; the CRM
    writes what a sales rep typed; support writes what the customer's e-mail signature says.
    """
    applied: list[str] = []
    name = base
    if " et " in name and rng.random() < 0.5:
        name = name.replace(" et ", " & ")
        applied.append("ampersand")
    for long, short in ABBREVIATIONS:
        if long in name and rng.random() < 0.5:
            name = name.replace(long, short)
            applied.append("abbreviation")
            break
    words = name.split(" ")
    if len(words) >= 2 and words[1] not in ("et", "&", "de") and rng.random() < 0.12:
        words[0], words[1] = words[1], words[0]
        name = " ".join(words)
        applied.append("word_order")
    if rng.random() < 0.06:
        name = "Groupe " + name
        applied.append("groupe")
    form_roll = rng.random()
    form = legal_form
    if style == "erp":
        if form_roll < 0.15:
            name = f"Société {name}"
            applied.append("legal_form")
        elif form_roll < 0.25:
            name = f"Ets {name}"
            applied.append("legal_form")
        elif form_roll < 0.35 and "." not in form and len(form) <= 5:
            name = f"{name} {'.'.join(form)}."
            applied.append("legal_form")
        else:
            name = f"{name} {form}"
    elif style == "crm":
        if form_roll < 0.55:
            applied.append("legal_form")  # reps rarely type the legal form
        elif form_roll < 0.65:
            name = f"Ste {name}"
            applied.append("legal_form")
        else:
            name = f"{name} {form}"
    else:
        if form_roll < 0.7:
            applied.append("legal_form")
        else:
            name = f"{name} {form}"
    if rng.random() < (0.18 if style != "erp" else 0.08):
        typo = _typo(rng, name)
        if typo != name:
            name = typo
            applied.append("typo")
    if rng.random() < 0.35:
        stripped = strip_accents(name)
        if stripped != name:
            name = stripped
            applied.append("accents")
    case_roll = rng.random()
    if style == "erp" and case_roll < 0.6 or style != "erp" and case_roll < 0.12:
        name = name.upper()
        applied.append("case")
    elif case_roll > 0.92:
        name = name.lower()
        applied.append("case")
    return name, applied


def phone_variant(rng: random.Random, national: str) -> str:
    """A French number as people write it: 01 23 45 67 89, +33 1 23..., 0033..., 01.23..."""
    digits = national  # 10 digits starting with 0
    pairs = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    roll = rng.randrange(5)
    if roll == 0:
        return pairs
    if roll == 1:
        return f"+33 {digits[1]} {pairs[3:]}"
    if roll == 2:
        return f"0033{digits[1:]}"
    if roll == 3:
        return ".".join(digits[i : i + 2] for i in range(0, 10, 2))
    return f"+33 (0){digits[1]} {pairs[3:]}"

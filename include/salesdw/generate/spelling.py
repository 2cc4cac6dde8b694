"""How each system spells a company name or a phone number, and the ASCII forms used for
domains and e-mail addresses."""

from __future__ import annotations

import random
import unicodedata


def strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def slug(text: str) -> str:
    """ASCII lower-case letters and digits only: for domains and e-mail local parts."""
    return "".join(ch for ch in strip_accents(text).lower() if ch.isalnum())


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

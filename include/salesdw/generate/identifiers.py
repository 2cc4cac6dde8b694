"""Company identifiers as the French registry issues them (SIREN, VAT number) and as people
mistype them."""

from __future__ import annotations

import random


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

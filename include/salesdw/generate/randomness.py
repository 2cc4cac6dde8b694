"""The generator's random source: a seed gives the same world on every machine (no set
iteration over strings, no wall clock)."""

from __future__ import annotations

import random


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

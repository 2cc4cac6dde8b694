"""Pairwise precision, recall and F1 of a clustering against a ground truth.

Used by bench/dedup_accuracy.py. A pair is two records in one cluster; predicted pairs are
counted from cluster sizes and their overlap with the true clusters, so that no pair list
is ever materialised (a cluster of n records holds n(n-1)/2 pairs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    predicted_clusters: int
    true_clusters: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_scores(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> PairScores:
    """Score `predicted` (record -> cluster) against `truth` (record -> true entity).

    Only records present in both are scored; callers check that no record is missing.
    """
    records = predicted.keys() & truth.keys()
    both = Counter((predicted[r], truth[r]) for r in records)
    return PairScores(
        true_pairs=_pairs(Counter(truth[r] for r in records)),
        predicted_pairs=_pairs(Counter(predicted[r] for r in records)),
        correct_pairs=_pairs(both),
        predicted_clusters=len({predicted[r] for r in records}),
        true_clusters=len({truth[r] for r in records}),
    )

"""The matcher's clustering guards and the pairwise scorer, on hand-worked examples."""

from __future__ import annotations

import pytest

from salesdw.mdm.engine import (
    DETERMINISTIC,
    FORCED,
    NAME_GROUP,
    SCORED,
    GuardedClustering,
    cluster,
)
from salesdw.mdm.evaluate import pairwise_scores


def test_chain_through_a_bridge_is_refused():
    # 0-1 and 1-2 both hold by rule, but 0 and 2 have different SIRENs (hard apart): the
    # stronger link (0-1) is applied first and 2 stays on its own.
    out = cluster(
        3,
        [(DETERMINISTIC, 0, 1, 14.0), (DETERMINISTIC, 1, 2, 12.0)],
        hard_apart=[(0, 2)],
        soft_apart=[],
        ambiguity_margin=0.0,
    )
    assert out.labels[0] == out.labels[1] != out.labels[2]
    assert out.decisions[(1, 2)] == "refused_conflict"
    # Scored links: 1 is ambiguous between 0 and 2; its weaker link is refused as such.
    scored = cluster(3, [(SCORED, 0, 1, 14.0), (SCORED, 1, 2, 12.0)], [(0, 2)], [], 0.0)
    assert scored.labels[0] == scored.labels[1] != scored.labels[2]
    assert scored.decisions[(1, 2)] == "refused_ambiguous"


def test_ambiguous_record_stays_apart_unless_clearly_better():
    # Record 2 scores 11 with 0 and 10 with 1; 0 and 1 are known apart (soft). With a margin
    # of 3 neither link is clear: 2 stays alone. With a margin of 0.5, it joins 0.
    links = [(SCORED, 0, 2, 11.0), (SCORED, 1, 2, 10.0)]
    strict = cluster(3, links, hard_apart=[], soft_apart=[(0, 1)], ambiguity_margin=3.0)
    assert len(set(strict.labels)) == 3
    assert strict.decisions[(0, 2)] == strict.decisions[(1, 2)] == "refused_ambiguous"
    loose = cluster(3, links, hard_apart=[], soft_apart=[(0, 1)], ambiguity_margin=0.5)
    assert loose.labels[0] == loose.labels[2] != loose.labels[1]


def test_soft_evidence_does_not_stop_a_rule_but_hard_does_unless_forced():
    soft = cluster(2, [(DETERMINISTIC, 0, 1, 0.0)], [], [(0, 1)], 0.0)
    assert soft.labels[0] == soft.labels[1]
    hard = cluster(2, [(DETERMINISTIC, 0, 1, 0.0)], [(0, 1)], [], 0.0)
    assert hard.labels[0] != hard.labels[1]
    forced = cluster(2, [(FORCED, 0, 1, 0.0)], [(0, 1)], [], 0.0)
    assert forced.labels[0] == forced.labels[1]


def test_pairwise_scores_by_hand():
    # Truth: {a,b,c} {d}. Predicted: {a,b} {c,d}.
    # True pairs: ab ac bc = 3. Predicted pairs: ab cd = 2. Correct: ab = 1.
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    s = pairwise_scores(predicted, truth)
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (3, 2, 1)
    assert (s.precision, s.recall) == (0.5, 1 / 3)
    assert abs(s.f1 - 0.4) < 1e-12  # 2 * 0.5 * (1/3) / (0.5 + 1/3) = 0.4
    assert (s.predicted_clusters, s.true_clusters) == (2, 2)


def test_a_weaker_batch_on_the_clusters_made_equals_clustering_all_at_once():
    # 0-1 and 2-3 hold by score; 1 and 2 are known apart (soft). The name pass then links 0-3
    # (which would bridge the two clusters: refused) and 0-4 (record 4 alone: linked).
    scored = [(SCORED, 0, 1, 12.0), (SCORED, 2, 3, 11.0)]
    by_name = [(NAME_GROUP, 0, 3, 8.0), (NAME_GROUP, 0, 4, 8.0)]
    batches = GuardedClustering(5, scored, [], [(1, 2)], 0.0)
    batches.add(scored)
    batches.add(by_name)
    out = batches.outcome()
    at_once = cluster(5, scored + by_name, [], [(1, 2)], 0.0)
    assert out.labels == at_once.labels
    assert out.decisions == at_once.decisions
    assert out.labels[0] == out.labels[1] == out.labels[4] != out.labels[2] == out.labels[3]
    assert out.decisions[(0, 3)] == "refused_conflict"
    # a batch may not be stronger than an earlier one: it would have been applied before it
    with pytest.raises(ValueError, match="weaker than the earlier ones"):
        batches.add([(SCORED, 1, 4, 20.0)])

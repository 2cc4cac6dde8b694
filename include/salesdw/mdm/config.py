"""The matching configuration (matching.yml): thresholds, blocking keys, rules and weights.

It is data, not code: a deployment changes how clients are matched by editing a YAML file
(or pointing SALESDW_MATCHING_CONFIG at its own), and the file's hash is recorded with every
matching run so that an auditor knows which configuration decided what.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("matching.yml")
SCORERS = ("salesdw", "splink")


class MatchConfigError(ValueError):
    """The matching configuration is missing something or contradicts itself."""


@dataclass(frozen=True)
class Rule:
    """A named SQL condition over a pair (`l.`, `r.`) or a blocking key over one record."""

    name: str
    sql: str


@dataclass(frozen=True)
class Level:
    label: str
    when: str
    weight: float | None = None
    tf: str | None = None
    m: float | None = None
    min_weight: float | None = None
    max_weight: float | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    null_when: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class NameRules:
    """How records are linked by their name alone (matching.yml, `names`)."""

    m: float
    max_weight: float
    min_weight: float
    min_spellings: int
    max_repeats: int
    repeated_min_words: int
    lone_min_words: int
    lone_min_weight: float
    lone_margin: float

    @classmethod
    def parse(cls, doc: dict) -> NameRules:
        groups, lone = doc["groups"], doc["lone_records"]
        return cls(
            m=float(groups["m"]),
            max_weight=float(groups["max_weight"]),
            min_weight=float(groups["min_weight"]),
            min_spellings=int(groups["min_spellings"]),
            max_repeats=int(groups["max_repeats"]),
            repeated_min_words=int(groups.get("repeated_min_words", 0)),
            lone_min_words=int(lone["min_words"]),
            lone_min_weight=float(lone["min_name_weight"]),
            lone_margin=float(lone["margin"]),
        )


@dataclass(frozen=True)
class MatchConfig:
    match_threshold: float
    near_miss_threshold: float
    reject_threshold: float
    ambiguity_margin: float
    max_block_size: int
    blocking: tuple[Rule, ...]
    conflicts: tuple[Rule, ...]
    deterministic: tuple[Rule, ...]
    comparisons: tuple[Comparison, ...]
    name_only_when: str
    names: NameRules
    source: str
    sha256: str
    # which engine scores the candidate pairs: salesdw's SQL, or Splink configured from this
    # file (salesdw.mdm.splink_scoring); both give the same weights
    scorer: str = "salesdw"

    @classmethod
    def load(cls, path: Path | str | None = None) -> MatchConfig:
        """Read the file at `path`, else $SALESDW_MATCHING_CONFIG, else the packaged default."""
        path = Path(path or os.environ.get("SALESDW_MATCHING_CONFIG") or DEFAULT_PATH)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise MatchConfigError(f"cannot read matching configuration {path}: {exc}") from exc
        return cls.parse(text, source=str(path))

    @classmethod
    def parse(cls, text: str, source: str = "<string>") -> MatchConfig:
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise MatchConfigError(f"{source}: not valid YAML: {exc}") from exc
        try:
            thresholds = doc["thresholds"]
            config = cls(
                match_threshold=float(thresholds["match"]),
                near_miss_threshold=float(thresholds["near_miss"]),
                reject_threshold=float(thresholds["reject"]),
                ambiguity_margin=float(thresholds["ambiguity_margin"]),
                max_block_size=int(doc["blocking"]["max_block_size"]),
                blocking=tuple(Rule(r["name"], r["key"]) for r in doc["blocking"]["rules"]),
                conflicts=tuple(Rule(r["name"], r["when"]) for r in doc.get("conflicts", [])),
                deterministic=tuple(
                    Rule(r["name"], r["when"]) for r in doc.get("deterministic", [])
                ),
                comparisons=tuple(
                    Comparison(
                        name=c["name"],
                        null_when=c["null_when"],
                        levels=tuple(Level(**level) for level in c["levels"]),
                    )
                    for c in doc["comparisons"]
                ),
                name_only_when=doc["names"]["name_only_when"],
                names=NameRules.parse(doc["names"]),
                source=source,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                scorer=str(doc.get("scorer", "salesdw")),
            )
        except (KeyError, TypeError) as exc:
            raise MatchConfigError(f"{source}: missing or malformed entry {exc}") from exc
        config._check()
        return config

    def _check(self) -> None:
        if self.scorer not in SCORERS:
            raise MatchConfigError(
                f"{self.source}: scorer must be one of {', '.join(SCORERS)}, got {self.scorer!r}"
            )
        if not self.near_miss_threshold <= self.match_threshold:
            raise MatchConfigError(f"{self.source}: thresholds.near_miss must be <= match")
        if not self.reject_threshold < self.near_miss_threshold:
            raise MatchConfigError(f"{self.source}: thresholds.reject must be < near_miss")
        names = [c.name for c in self.comparisons]
        if "name" not in names:
            raise MatchConfigError(f"{self.source}: a comparison named `name` is required")
        if len(set(names)) != len(names):
            raise MatchConfigError(f"{self.source}: comparison names must be unique: {names}")
        for comparison in self.comparisons:
            for level in comparison.levels:
                has_weight = level.weight is not None
                has_tf = level.tf is not None and level.m is not None
                if has_weight == has_tf:
                    raise MatchConfigError(
                        f"{self.source}: comparison {comparison.name}, level {level.label}: "
                        "give either `weight` or `tf` with `m`"
                    )
